"""Staff CSVs are read with Excel's quoting; only the delimiter is taken from the header."""

from __future__ import annotations

import pytest

from training_app.compliance.import_parse import decode, parse
from training_app.csv_files import delimiter_of

HEADER = "Name,Email,Role,Staff group,Start date\n"


def test_escaped_quotes_in_a_name():
    (row,) = parse(decode((HEADER + '"Pat ""Q"" Name",pat@s.example,Staff,Teaching,\n').encode()))
    assert row.name == 'Pat "Q" Name' and row.email == "pat@s.example" and row.errors == []


def test_a_quoted_comma_after_escaped_quotes_stays_in_its_cell():
    body = '"Smith, ""Pat"" Q, Jr",pat@s.example,Staff,Teaching,\n'
    (row,) = parse(decode((HEADER + body).encode()))
    assert row.name == 'Smith, "Pat" Q, Jr' and row.email == "pat@s.example"
    assert row.errors == []


def test_quoted_commas_stay_in_their_cell():
    body = '"Lee, Sam",sam@s.example,Staff,"Teaching",01/09/2025\n'
    body += 'Ray Cole,"ray@s.example",Staff,Support,\n'
    first, second = parse(decode((HEADER + body).encode()))
    assert (first.name, first.email, first.staff_group) == ("Lee, Sam", "sam@s.example", "teaching")
    assert first.errors == [] and second.errors == [] and second.email == "ray@s.example"


def test_quoted_header_and_semicolons_with_quoted_semicolons():
    text = '"Name";"Email";"Role";"Staff group"\n"O\'Neil; Jo";jo@s.example;Staff;"Support"\n'
    (row,) = parse(decode(text.encode()))
    assert row.name == "O'Neil; Jo" and row.errors == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Name,Email,Role", ","),
        ("Name;Email;Role", ";"),
        ("Name\tEmail\tRole", "\t"),
        ('"Surname, first name";Email;Role', ";"),
        ("Name", ","),
    ],
)
def test_delimiter_comes_from_the_header(header, expected):
    assert delimiter_of(header + "\nA;b,c\td\n") == expected
