"""CSV and JSON exports of compliance data, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) is read by Excel and LibreOffice
as a formula, so a name typed as `=HYPERLINK(...)` could run when an inspector opens the file.
Such cells get a leading apostrophe, which spreadsheets show as plain text (OWASP's advice).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from training_app.compliance.figures import SummaryRow
from training_app.compliance.reports import Line

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DETAIL_COLUMNS = (
    "School",
    "Name",
    "Email",
    "Role",
    "Staff group",
    "Module",
    "Status",
    "Completed at",
    "Score",
    "Expires at",
)
SUMMARY_COLUMNS = (
    "Academic year",
    "Staff group",
    "Module",
    "Required",
    "Completed",
    "Completion rate %",
    "Overdue",
)


def neutralise(value: object) -> str:
    """A cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text (with a byte-order mark, so Excel reads UTF-8 names correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def detail_records(
    lines: Iterable[Line],
    school_names: Mapping[int, str],
    role_labels: Mapping[str, str],
    group_labels: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The detailed report: one record per person and required module."""
    records = []
    for line in lines:
        person, status = line.person, line.status
        done = status.done
        expires = status.exemption.ends_on if status.exemption else status.valid_until
        records.append(
            {
                "School": school_names.get(person.school_id, ""),
                "Name": person.name,
                "Email": person.email,
                "Role": role_labels.get(person.role, person.role),
                "Staff group": group_labels.get(person.staff_group, person.staff_group),
                "Module": line.module_title,
                "Status": status.label,
                "Completed at": _day(done.completed_on) if done else "",
                "Score": done.score if done and done.score is not None else "",
                "Expires at": _day(expires),
            }
        )
    return records


def summary_records(rows: Iterable[SummaryRow]) -> list[dict[str, Any]]:
    """The summary as records keyed by column name."""
    return [
        dict(
            zip(
                SUMMARY_COLUMNS,
                (
                    r.academic_year,
                    r.staff_group,
                    r.module,
                    r.required,
                    r.completed,
                    "" if r.rate is None else f"{r.rate:.1f}",
                    r.overdue,
                ),
                strict=True,
            )
        )
        for r in rows
    ]


def records_csv(columns: Sequence[str], records: Iterable[Mapping[str, Any]]) -> str:
    """Records as CSV in the given column order."""
    return to_csv(columns, ([record[c] for c in columns] for record in records))


def records_json(records: Sequence[Mapping[str, Any]]) -> str:
    """Records as a JSON array (for scripts; no spreadsheet escaping needed)."""
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"
