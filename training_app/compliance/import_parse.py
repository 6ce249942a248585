"""Reading a staff CSV exported from a school MIS: every problem named by line and field.

Pure (no database): bytes in, rows out. `import_apply.py` then compares the rows with the people
already in the database and applies them. Headers and values are matched case-insensitively
and accept the spellings MIS exports use ("Support Staff", "Legal Surname", "DDSL", ...).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from email_validator import EmailNotValidError, validate_email

from training_app.csv_files import delimiter_of
from training_app.dates import plausible
from training_app.roles import LABELS

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
MAX_NAME = 200

# Canonical column -> the header spellings accepted for it (after `_norm`).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "staff name", "display name", "employee name"),
    "first_name": ("first name", "forename", "legal forename", "preferred forename", "given name"),
    "last_name": ("last name", "surname", "legal surname", "preferred surname", "family name"),
    "email": ("email", "email address", "e mail", "e mail address", "work email", "school email"),
    "role": ("role", "training role", "safeguarding role"),
    "staff_group": (
        "staff group",
        "group",
        "staff category",
        "category",
        "staff type",
        "employee type",
    ),
    "start_date": (
        "start date",
        "employment start date",
        "employment start",
        "contract start date",
        "date started",
        "date of joining",
    ),
}
HEADER_HELP = "Name, Email, Role, Staff group and (optionally) Start date"

ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "staff": ("staff", "member of staff", "staff member", "employee"),
    "dsl": (
        "dsl",
        "ddsl",
        "deputy dsl",
        "designated safeguarding lead",
        "deputy designated safeguarding lead",
        "designated safeguarding lead or deputy",
        "safeguarding lead",
        "deputy safeguarding lead",
    ),
    # Not a bare "admin": in an MIS that is often an office job title, not a platform role.
    "school_admin": (
        "school admin",
        "school administrator",
        "training admin",
        "training administrator",
    ),
}
ROLE_HELP = "Staff, DSL (or Deputy DSL) or School administrator"

GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "teaching": ("teaching", "teaching staff", "teacher", "teachers"),
    "support": (
        "support",
        "support staff",
        "associate staff",
        "non teaching",
        "non teaching staff",
        "teaching assistant",
        "teaching assistants",
        "administrative staff",
        "admin staff",
    ),
    "leadership": ("leadership", "leaders", "senior leadership", "senior leadership team", "slt"),
    "pastoral": ("pastoral", "pastoral staff", "pastoral team"),
    "volunteer": ("volunteer", "volunteers"),
    "governor": ("governor", "governors", "trustee", "trustees", "governors and trustees"),
    "contractor": (
        "contractor",
        "contractors",
        "supply",
        "supply staff",
        "agency",
        "agency staff",
        "contractors and supply",
    ),
    "other": ("other",),
}
GROUP_HELP = "Teaching, Support, Leadership, Pastoral, Volunteer, Governor, Contractor or Other"

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MIDNIGHT = re.compile(r"\s+00:00(:00)?$")


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class Row:
    """One staff row as read from the file, with any problems found in it."""

    line: int
    name: str = ""
    email: str = ""
    role: str = ""
    staff_group: str = ""
    start_date: date | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, field_name: str, message: str) -> None:
        """Note a problem with one field of this row."""
        self.errors.append((field_name, message))

    @property
    def messages(self) -> list[str]:
        """Problems in words, each naming the line and field."""
        return [f"Line {self.line}, {name}: {message}" for name, message in self.errors]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _lookup(table: dict[str, tuple[str, ...]], labels: dict[str, str]) -> dict[str, str]:
    found = {_norm(alias): key for key, aliases in table.items() for alias in aliases}
    found.update({_norm(key): key for key in table})
    found.update({_norm(label): key for key, label in labels.items() if key in table})
    return found


GROUP_LABELS = {
    "teaching": "Teaching staff",
    "support": "Support staff",
    "pastoral": "Pastoral staff",
    "volunteer": "Volunteers",
    "governor": "Governors and trustees",
    "contractor": "Contractors and supply",
}
_ROLES = _lookup(ROLE_NAMES, LABELS)
_GROUPS = _lookup(GROUP_NAMES, GROUP_LABELS)
_HEADERS = {_norm(alias): key for key, aliases in HEADERS.items() for alias in aliases}


def decode(data: bytes) -> str:
    """The file as text, or FileProblem when it is empty, too large or not a CSV file."""
    if len(data) > MAX_BYTES:
        raise FileProblem(
            f"The file is too large ({len(data) // 1024} KB). The limit is "
            f"{MAX_BYTES // (1024 * 1024)} MB: split it into smaller files."
        )
    if not data.strip():
        raise FileProblem("The file is empty. Export your staff list from your MIS as CSV.")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileProblem(
            "This is an Excel workbook, not a CSV file. In Excel choose File, Save As, "
            "and pick “CSV UTF-8 (comma delimited)”, then upload that file."
        )
    # Anywhere in the file, not just its start: a text file has no NUL bytes, and PostgreSQL
    # could not store the upload if it had one.
    if b"\x00" in data:
        raise FileProblem("This is not a CSV file. Upload the staff list saved as CSV.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV (comma delimited)" in Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "The file is not readable text. Save it as “CSV UTF-8” and upload it again."
        ) from exc


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _HEADERS.get(_norm(title))
        if key is None:
            continue
        if key in columns:
            raise FileProblem(f"Line 1: the column “{title.strip()}” appears twice.")
        columns[key] = index
    missing = [
        label
        for label, ok in (
            ("Name", "name" in columns or {"first_name", "last_name"} <= columns.keys()),
            ("Email", "email" in columns),
            ("Role", "role" in columns),
            ("Staff group", "staff_group" in columns),
        )
        if not ok
    ]
    if missing:
        found = ", ".join(f"“{h.strip()}”" for h in header if h.strip()) or "nothing"
        raise FileProblem(
            f"Line 1: the header row has no {' or '.join(missing)} column. The first row must "
            f"name the columns: {HEADER_HELP}. It has {found}."
        )
    return columns


def parse_date(text: str) -> date | None:
    """A date written DD/MM/YYYY or YYYY-MM-DD; None if it is neither, not a real date, or
    outside the years the app accepts (`training_app.dates`)."""
    text = _MIDNIGHT.sub("", text.strip())
    try:
        if match := _ISO.fullmatch(text):
            day = date(int(match[1]), int(match[2]), int(match[3]))
        elif match := _DMY.fullmatch(text):
            day = date(int(match[3]), int(match[2]), int(match[1]))
        else:
            return None
    except ValueError:
        return None
    return day if plausible(day) else None


def _read_row(line: int, cells: list[str], columns: dict[str, int]) -> Row:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = Row(line)
    name = cell("name") or f"{cell('first_name')} {cell('last_name')}"
    row.name = " ".join(name.split())
    if not row.name:
        row.error("name", "is empty; enter the person's full name")
    elif len(row.name) > MAX_NAME:
        row.error("name", f"is longer than {MAX_NAME} characters")
    raw_email = cell("email")
    if not raw_email:
        row.error("email", "is empty")
    else:
        try:
            checked = validate_email(raw_email, check_deliverability=False)
            row.email = checked.normalized.lower()
        except EmailNotValidError:
            row.error("email", f"“{raw_email}” is not an email address")
    raw_role = cell("role")
    role = _ROLES.get(_norm(raw_role))
    if role is not None:
        row.role = role
    elif _norm(raw_role) in {"trust admin", "trust administrator"}:
        row.error("role", "trust administrators cannot be imported into a school")
    else:
        shown = f"“{raw_role}”" if raw_role else "empty"
        row.error("role", f"{shown} is not a role we know; use {ROLE_HELP}")
    raw_group = cell("staff_group")
    group = _GROUPS.get(_norm(raw_group))
    if group is None:
        shown = f"“{raw_group}”" if raw_group else "empty"
        row.error("staff group", f"{shown} is not a staff group we know; use {GROUP_HELP}")
    else:
        row.staff_group = group
    raw_start = cell("start_date")
    if raw_start:
        row.start_date = parse_date(raw_start)
        if row.start_date is None:
            row.error(
                "start date", f"“{raw_start}” is not a date; write it as DD/MM/YYYY or YYYY-MM-DD"
            )
    return row


def parse(text: str) -> list[Row]:
    """Every data row of the CSV, each with its problems (duplicates in the file included)."""
    # strict: an unclosed quote is reported, not silently swallowing the rest of the file.
    reader = csv.reader(
        io.StringIO(text, newline=""), csv.excel, delimiter=delimiter_of(text), strict=True
    )
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise FileProblem("Line 1 is empty: the first row must name the columns.")
        columns = _columns(header)
        rows: list[Row] = []
        first_line: dict[str, int] = {}
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileProblem(f"The file has more than {MAX_ROWS:,} people: split it up.")
            row = _read_row(reader.line_num, cells, columns)
            if row.email:
                if row.email in first_line:
                    row.error("email", f"{row.email} is also on line {first_line[row.email]}")
                else:
                    first_line[row.email] = row.line
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            # Python's csv module stops at 131,072 characters in one cell; no column of a
            # staff list comes near it, so the file is not one (or a quote is never closed).
            raise FileProblem(
                f"Line {reader.line_num}: one cell runs on for more than "
                f"{csv.field_size_limit():,} characters. Check the file is your staff list "
                "and that every opening quote mark has a closing one."
            ) from exc
        raise FileProblem(f"Line {reader.line_num}: this is not valid CSV ({exc}).") from exc
    if not rows:
        raise FileProblem("The file has a header row but no people in it.")
    return rows
