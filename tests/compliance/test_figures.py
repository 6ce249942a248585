"""Headline figures, tallies, the summary by academic year, filters and sorting."""

from __future__ import annotations

from datetime import date

import pytest

from training_app.compliance.figures import (
    ALL_GROUPS,
    Filters,
    academic_year,
    headline,
    select_lines,
    summary_rows,
    year_end,
    year_label,
)
from training_app.compliance.reports import Line, Person
from training_app.compliance.status import (
    COMPLIANT,
    DUE_SOON,
    EXEMPT,
    NOT_STARTED,
    OVERDUE,
    UNAVAILABLE,
    Exemption,
    RequirementStatus,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2025, 9, 1), 2025), (date(2026, 8, 31), 2025), (date(2026, 1, 15), 2025)],
)
def test_academic_year_runs_september_to_august(day, year):
    assert academic_year(day) == year


def test_year_labels():
    assert year_label(2025) == "2025/26" and year_label(2099) == "2099/00"
    assert year_end(2025) == date(2026, 8, 31)


def make(pid, name, group, module, state, *, valid=False, due=date(2026, 12, 1), role="staff"):
    person = Person(pid, 1, name, f"{name.lower()}@s.example", role, group, date(2024, 9, 1))
    status = RequirementStatus(
        module,
        state,
        None if state == EXEMPT else due,
        date(2027, 1, 1) if valid else None,
        None,
        False,
        Exemption("why") if state == EXEMPT else None,
    )
    return Line(person, status, module.title())


LINES = [
    make(1, "Amira", "teaching", "fr", COMPLIANT, valid=True),
    make(1, "Amira", "teaching", "law", DUE_SOON, valid=True, due=date(2026, 11, 30)),
    make(2, "Ben", "teaching", "fr", OVERDUE, due=date(2026, 10, 1)),
    make(2, "Ben", "teaching", "law", NOT_STARTED),
    make(3, "Cara", "support", "fr", EXEMPT),
    make(3, "Cara", "support", "law", UNAVAILABLE),
    make(4, "Dev", "support", "fr", DUE_SOON, due=date(2026, 11, 25), role="dsl"),
]


def test_headline_counts():
    head = headline(LINES)
    tally = head.tally
    assert (tally.required, tally.completed, tally.overdue, tally.due_soon) == (5, 2, 1, 2)
    assert (tally.exempt, tally.unavailable, tally.not_started) == (1, 1, 1)
    assert tally.rate == 40.0
    # Cara's only counted line is exempt, so she is not in the people figure.
    assert (head.people, head.fully_trained) == (3, 1)


def test_summary_rows_by_group_with_totals_first():
    rows = summary_rows(LINES, 2026, {"teaching": "Teaching staff", "support": "Support staff"})
    as_tuples = [
        (r.staff_group, r.module, r.required, r.completed, r.rate, r.overdue) for r in rows
    ]
    assert as_tuples == [
        (ALL_GROUPS, "Fr", 3, 1, pytest.approx(33.3), 1),
        ("Support staff", "Fr", 1, 0, 0.0, 0),
        ("Teaching staff", "Fr", 2, 1, 50.0, 1),
        (ALL_GROUPS, "Law", 2, 1, 50.0, 0),
        ("Teaching staff", "Law", 2, 1, 50.0, 0),
    ]
    assert {r.academic_year for r in rows} == {"2026/27"}


def names(lines):
    return [(line.person.name, line.status.module_id) for line in lines]


def test_filters_and_sorting():
    assert names(select_lines(LINES, Filters(state=OVERDUE))) == [("Ben", "fr")]
    attention = select_lines(LINES, Filters(state="attention"))
    assert names(attention) == [("Ben", "fr"), ("Dev", "fr"), ("Amira", "law")]
    assert names(select_lines(LINES, Filters(q="CARA"))) == [("Cara", "fr"), ("Cara", "law")]
    assert len(select_lines(LINES, Filters(group="support", module="fr"))) == 2
    assert names(select_lines(LINES, Filters(role="dsl"))) == [("Dev", "fr")]
    by_name = names(select_lines(LINES, Filters(sort="name")))
    assert [n for n, _ in by_name] == ["Amira", "Amira", "Ben", "Ben", "Cara", "Cara", "Dev"]
    by_due = select_lines(LINES, Filters(sort="due"))
    assert by_due[0].person.name == "Ben" and by_due[-1].status.due is None


def test_filters_from_args_drop_bad_values():
    filters = Filters.from_args({"state": "nonsense", "sort": "drop table", "q": "  x  "})
    assert (filters.state, filters.sort, filters.q) == ("", "urgency", "x")
