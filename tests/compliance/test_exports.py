"""CSV exports: columns, values, and spreadsheet formula injection neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from training_app.compliance.exports import (
    DETAIL_COLUMNS,
    SUMMARY_COLUMNS,
    detail_records,
    records_json,
    summary_records,
)
from training_app.compliance.figures import SummaryRow
from training_app.compliance.reports import Line, Person
from training_app.compliance.status import COMPLIANT, EXEMPT, Done, Exemption, RequirementStatus
from training_app.csv_files import neutralise, records_csv, to_csv


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_are_neutralised(start):
    assert neutralise(f'{start}HYPERLINK("http://evil")') == f'\'{start}HYPERLINK("http://evil")'


@pytest.mark.parametrize("value", ["Amira Khan", "a=b", "", None, 42, "O'Brien"])
def test_ordinary_values_are_untouched(value):
    assert neutralise(value) == ("" if value is None else str(value))


def test_csv_is_parseable_with_quotes_commas_and_newlines():
    text = to_csv(["a", "b"], [['Khan, "Amira"', "line\nbreak"], ["=1+1", "-5"]])
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert parsed == [["a", "b"], ['Khan, "Amira"', "line\nbreak"], ["'=1+1", "'-5"]]


def line(name, state=COMPLIANT, **kw):
    person = Person(7, 1, name, "x@s.example", "dsl", "pastoral", date(2024, 9, 1))
    status = RequirementStatus(
        "first-responder",
        state,
        kw.get("due"),
        kw.get("valid_until"),
        kw.get("done"),
        False,
        kw.get("exemption"),
    )
    return Line(person, status, "First responder")


def test_detail_columns_and_values():
    records = detail_records(
        [
            line(
                "=cmd|' /C calc'!A0",
                due=date(2027, 3, 1),
                valid_until=date(2027, 3, 1),
                done=Done(3, date(2026, 3, 1), 95),
            ),
            line("Ben Doyle", EXEMPT, exemption=Exemption("Leave", date(2027, 1, 31))),
        ],
        {1: "Northfield"},
        {"dsl": "Designated Safeguarding Lead or deputy"},
        {"pastoral": "Pastoral staff"},
    )
    text = records_csv(DETAIL_COLUMNS, records)
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert parsed[0] == [
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
    ]
    assert parsed[1] == [
        "Northfield",
        "'=cmd|' /C calc'!A0",
        "x@s.example",
        "Designated Safeguarding Lead or deputy",
        "Pastoral staff",
        "First responder",
        "Compliant",
        "2026-03-01",
        "95",
        "2027-03-01",
    ]
    assert parsed[2][6:] == ["Exempt", "", "", "2027-01-31"]


def test_summary_columns_and_json():
    rows = [SummaryRow("2025/26", "Teaching staff", "First responder", 10, 8, 80.0, 1)]
    records = summary_records(rows)
    assert list(records[0]) == list(SUMMARY_COLUMNS)
    assert list(records[0].values()) == [
        "2025/26",
        "Teaching staff",
        "First responder",
        10,
        8,
        "80.0",
        1,
    ]
    assert '"Completion rate %": "80.0"' in records_json(records)
    empty = summary_records([SummaryRow("2025/26", "All staff groups", "M", 0, 0, None, 0)])
    assert empty[0]["Completion rate %"] == ""
