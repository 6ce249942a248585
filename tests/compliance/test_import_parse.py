"""Reading a staff CSV: every bad input gets a message naming its line and field."""

from __future__ import annotations

from datetime import date

import pytest

from training_app.compliance.import_parse import MAX_BYTES, FileProblem, decode, parse, parse_date

HEADER = "Name,Email,Role,Staff group,Start date\n"


def rows(body: str, header: str = HEADER):
    return parse(decode((header + body).encode()))


def test_a_good_file():
    (row,) = rows("Amira Khan,A.Khan@School.Example,Staff,Teaching,01/09/2025\n")
    assert (row.name, row.email, row.role, row.staff_group) == (
        "Amira Khan",
        "a.khan@school.example",
        "staff",
        "teaching",
    )
    assert row.start_date == date(2025, 9, 1) and row.errors == []


@pytest.mark.parametrize(
    ("role", "group", "expected"),
    [
        ("STAFF", "Support Staff", ("staff", "support")),
        ("Deputy DSL", "Pastoral", ("dsl", "pastoral")),
        ("Designated Safeguarding Lead", "Senior Leadership Team", ("dsl", "leadership")),
        ("School administrator", "Teaching Staff", ("school_admin", "teaching")),
        ("staff member", "supply", ("staff", "contractor")),
        ("Staff", "Governors and trustees", ("staff", "governor")),
        ("Staff", "non-teaching", ("staff", "support")),
    ],
)
def test_common_mis_spellings(role, group, expected):
    (row,) = rows(f"A Person,a@s.example,{role},{group},\n")
    assert (row.role, row.staff_group) == expected and row.errors == []


def test_headers_in_any_order_any_case_and_split_names():
    (row,) = rows(
        "Teaching,khan@s.example,Staff,Amira,Khan,2024-09-02\n",
        header="STAFF CATEGORY,E-mail Address,Role,Legal Forename,Legal Surname,"
        "Employment Start Date\n",
    )
    assert (row.name, row.staff_group, row.start_date) == (
        "Amira Khan",
        "teaching",
        date(2024, 9, 2),
    )


def test_semicolons_windows_1252_and_a_byte_order_mark():
    data = "Name;Email;Role;Staff group\nZoë Brontë;z@s.example;Staff;Support\n".encode("cp1252")
    (row,) = parse(decode(data))
    assert row.name == "Zoë Brontë" and row.errors == []
    (row,) = parse(decode(("\ufeff" + HEADER + "A,a@s.example,Staff,Other,\n").encode()))
    assert row.errors == []


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        (",a@s.example,Staff,Teaching,", "name", "is empty"),
        ("A,not-an-email,Staff,Teaching,", "email", "“not-an-email” is not an email address"),
        ("A,,Staff,Teaching,", "email", "is empty"),
        ("A,a@s.example,Cleaner,Teaching,", "role", "“Cleaner” is not a role we know"),
        ("A,a@s.example,Admin,Teaching,", "role", "“Admin” is not a role we know"),
        ("A,a@s.example,Trust administrator,Teaching,", "role", "trust administrators cannot"),
        ("A,a@s.example,Staff,Kitchen,", "staff group", "“Kitchen” is not a staff group"),
        ("A,a@s.example,Staff,,", "staff group", "empty is not a staff group"),
        ("A,a@s.example,Staff,Teaching,31/02/2026", "start date", "“31/02/2026” is not a date"),
        ("A,a@s.example,Staff,Teaching,09/31/2026", "start date", "DD/MM/YYYY or YYYY-MM-DD"),
        ("A,a@s.example,Staff,Teaching,1 Sept 2026", "start date", "is not a date"),
    ],
)
def test_each_bad_value_names_line_and_field(line, field, words):
    good = "Good Person,good@s.example,Staff,Teaching,\n"
    parsed = rows(good + line + "\n")
    assert parsed[0].errors == []
    (name, message) = parsed[1].errors[0]
    assert name == field and words in message
    assert parsed[1].messages[0].startswith(f"Line 3, {field}: ")


def test_duplicate_email_points_at_the_first_line():
    parsed = rows("A,a@s.example,Staff,Teaching,\nB,A@S.example,Staff,Teaching,\n")
    assert parsed[0].errors == []
    assert parsed[1].messages == ["Line 3, email: a@s.example is also on line 2"]


def test_blank_lines_are_skipped_and_line_numbers_stay_true():
    parsed = rows("\nA,a@s.example,Staff,Teaching,\n,,,,\nB,bad,Staff,Teaching,\n")
    assert [r.line for r in parsed] == [3, 5]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "The file is empty"),
        (b"  \n \n", "The file is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel workbook"),
        (b"%PDF-1.7\x00\x01\x02", "not a CSV file"),
        (b"Name,Email,Role,Staff group\n", "no people in it"),
        (b"Name,Email,Staff group\nA,a@s.example,Teaching\n", "no Role column"),
        (b"Full name,Mail,Job,Dept\nA,a,b,c\n", "no Email or Role or Staff group column"),
        (b"Name,Name,Email,Role,Staff group\n", "appears twice"),
        (b"\n\nName,Email\n", "Line 1"),
        (b'Name,Email,Role,Staff group\n"A,a@s.example,Staff,Teaching\n', "not valid CSV"),
        (
            b"Name,Email,Role,Staff group\n" + b"x" * 140_000 + b",a@s.example,Staff,Teaching\n",
            "Line 2: one cell runs on for more than 131,072 characters",
        ),
    ],
)
def test_whole_file_problems(data, words):
    with pytest.raises(FileProblem) as caught:
        parse(decode(data))
    assert words in str(caught.value)


def test_too_large():
    with pytest.raises(FileProblem, match="too large"):
        decode(b"a" * (MAX_BYTES + 1))


def test_wrong_header_lists_what_it_found():
    with pytest.raises(FileProblem) as caught:
        parse("Surname,Dept\nKhan,Maths\n")
    message = str(caught.value)
    assert message.startswith("Line 1:") and "“Surname”, “Dept”" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/09/2025", date(2025, 9, 1)),
        ("1/9/2025", date(2025, 9, 1)),
        ("01-09-2025", date(2025, 9, 1)),
        ("2025-09-01", date(2025, 9, 1)),
        ("01/09/2025 00:00", date(2025, 9, 1)),
        ("2025/09/01", None),
        ("29/02/2025", None),
        ("01/09/25", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected
