"""The columns and records of compliance exports, and their JSON form.

training_app.csv_files writes them as CSV that is safe to open in a spreadsheet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from training_app.compliance.figures import SummaryRow
from training_app.compliance.reports import Line

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


def records_json(records: Sequence[Mapping[str, Any]]) -> str:
    """Records as a JSON array (for scripts; no spreadsheet escaping needed)."""
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"
