"""Fuzz the staff CSV import: any bytes in any encoding, hostile cells and file names, files
at and over the size limits; then the preview, the commit and the pages that show the people."""

from __future__ import annotations

import csv
import io

from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.web.fuzz import (
    FORMULAS,
    MARKUP,
    PROBES,
    assert_csv_safe,
    assert_no_raw_markup,
    assert_shown_escaped,
    check,
    date_values,
    email_values,
    fuzz,
    stored_text,
    text_values,
)
from training_app.auth.models import User
from training_app.compliance import import_parse
from training_app.compliance.models import StaffImport
from training_app.extensions import db

HEADER = ["Name", "Email", "Role", "Staff group", "Start date"]
ROLES = ["Staff", "DSL", "Deputy DSL", "School administrator", "Trust admin", "Teacher"]
GROUPS = ["Teaching", "Support Staff", "SLT", "Governors", "Other", "Cleaner"]


def _cell(valid: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid), text_values().filter(lambda v: isinstance(v, str)))


_rows = st.lists(
    st.tuples(
        _cell(["Amira Khan", "Ben O’Doyle", MARKUP[0], FORMULAS[0], "Zoë 😀"]),
        st.one_of(
            st.builds(lambda n: f"import{n}@fuzz.example", st.integers(0, 30)),
            email_values().filter(lambda v: isinstance(v, str)),
        ),
        _cell(ROLES),
        _cell(GROUPS),
        st.one_of(st.just(""), date_values().filter(lambda v: isinstance(v, str))),
    ),
    min_size=0,
    max_size=6,
)
_header = st.one_of(
    st.just(HEADER),
    st.just(["First name", "Surname", "E-mail", "Role", "Category", "Date of joining"]),
    st.lists(_cell(HEADER), max_size=6),
)
_filenames = st.one_of(
    st.sampled_from(
        [
            "staff.csv",
            "<script>alert(1)</script>.csv",
            '"><img src=x onerror=alert(1)>.csv',
            "=HYPERLINK(1).csv",
            "a\x00b.csv",
            "\u202evsc.exe",
            "x" * 400 + ".csv",
        ]
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
)


def _csv_bytes(header, rows, encoding, delimiter, quoting) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    text = out.getvalue()
    if encoding == "utf-8":
        return text.encode("utf-8", "surrogatepass")
    return text.encode(encoding, "replace")


def upload(client, csrf, school_id, content: bytes, filename: str):
    """POST a file. The body is built in memory: the test client would spill a large one to
    a temporary file that it never closes (a ResourceWarning, so an error here)."""
    url = f"/schools/{school_id}/people/import"
    fields = MultiDict({"csrf_token": csrf, "file": FileStorage(io.BytesIO(content), filename)})
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def _check_preview(app, client, preview: str) -> StaffImport:
    page = client.get(preview)
    body = check(page, {200}, form_again=False)
    import_id = int(preview.rsplit("/", 1)[1])
    with app.app_context():
        stored = db.session.get(StaffImport, import_id)
        db.session.expunge(stored)
    assert_shown_escaped(body, stored.filename)
    for row in import_parse.parse(stored.content):
        # Every row is listed: its name and email, escaped, whatever they hold.
        assert str(escape(row.name)) in body
        for message in row.messages:
            assert str(escape(message)) in body
    return stored


def _commit_and_show(app, client, csrf, world, preview: str, stored: StaffImport, leavers: bool):
    response = client.post(
        preview + "/commit",
        data={"csrf_token": csrf, **({"deactivate_leavers": "y"} if leavers else {})},
    )
    check(response, {302})
    check(client.get(preview), {200}, form_again=False)
    emails = [row.email for row in import_parse.parse(stored.content)][:3]
    with app.app_context():
        people = db.session.execute(select(User.id, User.name).where(User.email.in_(emails))).all()
    for person_id, name in people:
        assert_shown_escaped(client.get(f"/people/{person_id}/training").get_data(True), name)
    school = world.a1.id
    assert_no_raw_markup(client.get(f"/schools/{school}/audit").get_data(True))
    assert_csv_safe(client.get(f"/schools/{school}/compliance/report.csv").get_data(True))
    assert_csv_safe(client.get(f"/schools/{school}/audit/export.csv").get_data(True))


# Rows that pass every check, with hostile names: these files are committed.
_clean_rows = st.lists(
    st.tuples(
        stored_text(),
        st.integers(0, 40).map(lambda n: f"clean{n}@fuzz.example"),
        st.sampled_from(ROLES[:4]),
        st.sampled_from(GROUPS[:5]),
        st.sampled_from(["", "01/09/2025", "2024-09-02", "1/1/2026"]),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda row: row[1],
)


def _contents() -> st.SearchStrategy[bytes]:
    clean = st.builds(
        _csv_bytes,
        st.just(HEADER),
        _clean_rows,
        st.sampled_from(["utf-8", "utf-8-sig"]),
        st.just(","),
        st.just(csv.QUOTE_MINIMAL),
    )
    well_formed = st.builds(
        _csv_bytes,
        _header,
        _rows,
        st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]),
        st.sampled_from([",", ";", "\t"]),
        st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    )
    # A well-formed file cut short, with bytes spliced in, or nothing like a CSV at all.
    damaged = st.builds(
        lambda data, at, junk: data[:at] + junk + data[at:],
        well_formed,
        st.integers(0, 400),
        st.sampled_from([b"\x00", b'"', b"\xff\xfe", b"\r", b"\x81\x8d", b"\xed\xa0\x80"]),
    )
    return st.one_of(clean, well_formed, damaged, st.binary(max_size=300))


# Some files that must get past the file checks, with every probe in the name column.
_probe_file = (
    "\r\n".join(
        ["Name,Email,Role,Staff group"]
        + [
            f'"{p}",probe{n}@fuzz.example,Staff,Teaching'
            for n, p in enumerate(p.replace('"', '""') for p in PROBES if "\x00" not in p)
        ]
    )
    + "\r\n"
).encode("utf-8", "surrogatepass")


@fuzz(15)
@example(content=_probe_file, filename=MARKUP[1] + ".csv", leavers=False)
@example(content=_probe_file.replace(b"\r\n", b"\n"), filename="staff.csv", leavers=True)
@example(
    content=b"Name,Email,Role,Staff group\r\n" + b"x" * 4100 + b"\x00,a@b.c,Staff,Teaching\r\n",
    filename="nul.csv",
    leavers=False,
)
@example(
    content="Name;Email;Role;Staff group\nZoë;zoe@fuzz.example;Staff;Teaching\n".encode("cp1252"),
    filename="excel.csv",
    leavers=False,
)
@example(content=b"PK\x03\x04" + b"\x00" * 100, filename="staff.xlsx", leavers=False)
@given(content=_contents(), filename=_filenames, leavers=st.booleans())
def test_upload_any_file(app, signed_in, world, content, filename, leavers):
    client, csrf = signed_in("school_admin")
    response = upload(client, csrf, world.a1.id, content, filename)
    check(response, {200, 302})
    if response.status_code != 302:
        return
    preview = response.headers["Location"]
    stored = _check_preview(app, client, preview)
    rows = import_parse.parse(stored.content)
    if not any(row.errors for row in rows):
        _commit_and_show(app, client, csrf, world, preview, stored, leavers)


def _padded(size: int) -> bytes:
    """A valid staff file of exactly `size` bytes (the padding in a column that is ignored)."""
    head = b"Name,Email,Role,Staff group,Notes\r\n"
    rows = [f"Person {n},size{n}@fuzz.example,Staff,Teaching,".encode() for n in range(20)]
    fixed = len(head) + sum(len(r) + 2 for r in rows)
    pad, extra = divmod(size - fixed, len(rows))
    body = b"".join(
        r + b"x" * (pad + (1 if n < extra else 0)) + b"\r\n" for n, r in enumerate(rows)
    )
    data = head + body
    assert len(data) == size
    return data


def test_upload_sizes_at_and_over_the_limits(app, signed_in, world):
    client, csrf = signed_in("school_admin")
    school = world.a1.id
    # Exactly the import limit: accepted and previewed.
    response = upload(client, csrf, school, _padded(import_parse.MAX_BYTES), "big.csv")
    assert response.status_code == 302, response.get_data(True)[:500]
    assert client.get(response.headers["Location"]).status_code == 200
    # One byte over: the form again, saying how large the file is and what to do.
    body = check(
        upload(client, csrf, school, _padded(import_parse.MAX_BYTES + 1), "big.csv"), {200}
    )
    assert "The file is too large" in body
    # Over the request limit: refused before it is read, with the site's own page.
    too_big = _padded(app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(client, csrf, school, too_big, "huge.csv")
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(True)
