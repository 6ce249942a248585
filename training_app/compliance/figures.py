"""Counting, filtering and sorting status lines: headline figures, tables and the summary.

Pure Python over `reports.Line` objects. What the figures mean (also in docs/compliance.md):
- required: people for whom the module is required now, less the exempt ones;
- completed: of those, people whose latest completion is still valid (due soon included);
- overdue: past their due date; rate: completed / required, as a percentage;
- modules not yet published are left out of every figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from training_app.compliance.status import (
    DUE_SOON,
    EXEMPT,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    STATES,
    UNAVAILABLE,
    URGENCY,
    RequirementStatus,
)

if TYPE_CHECKING:
    from training_app.compliance.reports import Line

ALL_GROUPS = "All staff groups"
SORTS: dict[str, str] = {
    "urgency": "Most urgent first",
    "name": "Name",
    "due": "Due date",
    "group": "Staff group",
}


def academic_year(day: date) -> int:
    """The UK academic year (1 September to 31 August) a date falls in, by its first year."""
    return day.year if day.month >= 9 else day.year - 1


def year_label(start: int) -> str:
    """An academic year as schools write it, e.g. 2025/26."""
    return f"{start}/{(start + 1) % 100:02d}"


def year_end(start: int) -> date:
    """The last day of an academic year (31 August)."""
    return date(start + 1, 8, 31)


@dataclass
class Tally:
    """Counts of requirement statuses (see the module docstring for what each means)."""

    required: int = 0
    completed: int = 0
    overdue: int = 0
    due_soon: int = 0
    not_started: int = 0
    in_progress: int = 0
    exempt: int = 0
    unavailable: int = 0

    def add(self, status: RequirementStatus) -> None:
        """Count one status."""
        if status.state == UNAVAILABLE:
            self.unavailable += 1
            return
        if status.state == EXEMPT:
            self.exempt += 1
            return
        self.required += 1
        if status.valid_until is not None:
            self.completed += 1
        if status.state == OVERDUE:
            self.overdue += 1
        elif status.state == DUE_SOON:
            self.due_soon += 1
        elif status.state == NOT_STARTED:
            self.not_started += 1
        elif status.state == IN_PROGRESS:
            self.in_progress += 1

    @property
    def rate(self) -> float | None:
        """Completed as a percentage of required (None when nothing is required)."""
        return None if self.required == 0 else 100.0 * self.completed / self.required


@dataclass
class Headline:
    """The figures at the top of a dashboard."""

    tally: Tally = field(default_factory=Tally)
    people: int = 0
    fully_trained: int = 0

    @property
    def people_rate(self) -> float | None:
        """People with all their required training in date, as a percentage."""
        return None if self.people == 0 else 100.0 * self.fully_trained / self.people


def headline(lines: Iterable[Line]) -> Headline:
    """Headline figures over these lines."""
    result = Headline()
    trained: dict[int, bool] = {}
    for line in lines:
        result.tally.add(line.status)
        status = line.status
        if status.state in (UNAVAILABLE, EXEMPT):
            continue
        trained[line.person.id] = trained.get(line.person.id, True) and (
            status.valid_until is not None
        )
    result.people = len(trained)
    result.fully_trained = sum(trained.values())
    return result


def by_school(lines: Iterable[Line]) -> dict[int, Headline]:
    """Headline figures per school."""
    grouped: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        grouped[line.person.school_id].append(line)
    return {school_id: headline(found) for school_id, found in grouped.items()}


def tallies(lines: Iterable[Line]) -> dict[tuple[str, str], Tally]:
    """Counts per (staff group, module id), plus (ALL_GROUPS, module id) totals."""
    result: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for line in lines:
        result[(line.person.staff_group, line.status.module_id)].add(line.status)
        result[(ALL_GROUPS, line.status.module_id)].add(line.status)
    return dict(result)


def group_totals(lines: Iterable[Line]) -> dict[str, Tally]:
    """Counts per staff group over all its modules, groups in name order."""
    result: dict[str, Tally] = defaultdict(Tally)
    for line in lines:
        result[line.person.staff_group].add(line.status)
    return dict(sorted(result.items()))


@dataclass
class GridRow:
    """One person's row of the person by module grid: their status for each module."""

    person: object
    statuses: dict[str, RequirementStatus]


def grid(lines: Iterable[Line]) -> list[GridRow]:
    """The lines regrouped as one row per person (in the order first met), module by module."""
    rows: dict[int, GridRow] = {}
    for line in lines:
        row = rows.setdefault(line.person.id, GridRow(line.person, {}))
        row.statuses[line.status.module_id] = line.status
    return list(rows.values())


def module_order(lines: Iterable[Line]) -> dict[str, str]:
    """Module ids met in these lines, in first-seen (policy) order, with their titles."""
    order: dict[str, str] = {}
    for line in lines:
        order.setdefault(line.status.module_id, line.module_title)
    return order


@dataclass(frozen=True)
class SummaryRow:
    """One row of the inspection and FOI summary."""

    academic_year: str
    staff_group: str
    module: str
    required: int
    completed: int
    rate: float | None
    overdue: int


def summary_rows(
    lines: Sequence[Line], year: int, group_labels: Mapping[str, str]
) -> list[SummaryRow]:
    """The summary by staff group and module (each module's all-groups total first)."""
    counts = tallies(lines)
    modules = module_order(lines)
    groups = [ALL_GROUPS, *sorted({g for g, _ in counts if g != ALL_GROUPS})]
    rows = []
    for module_id, title in modules.items():
        for group in groups:
            tally = counts.get((group, module_id))
            if tally is None or (tally.required == 0 and group != ALL_GROUPS):
                continue
            rows.append(
                SummaryRow(
                    year_label(year),
                    group_labels.get(group, group),
                    title,
                    tally.required,
                    tally.completed,
                    None if tally.rate is None else round(tally.rate, 1),
                    tally.overdue,
                )
            )
    return rows


@dataclass(frozen=True)
class Filters:
    """What the dashboard list shows: search, status, module, staff group, role and order."""

    q: str = ""
    state: str = ""
    module: str = ""
    group: str = ""
    role: str = ""
    sort: str = "urgency"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read filters from query arguments, dropping values that are not allowed."""
        state = args.get("state", "")
        sort = args.get("sort", "urgency")
        return cls(
            q=args.get("q", "").strip()[:100],
            state=state if state in STATES or state == "attention" else "",
            module=args.get("module", "")[:64],
            group=args.get("group", "")[:20],
            role=args.get("role", "")[:20],
            sort=sort if sort in SORTS else "urgency",
        )

    def matches(self, line: Line) -> bool:
        """Whether a line passes the filters."""
        person, status = line.person, line.status
        if self.state == "attention":
            if status.state not in (OVERDUE, DUE_SOON):
                return False
        elif self.state and status.state != self.state:
            return False
        if self.module and status.module_id != self.module:
            return False
        if self.group and person.staff_group != self.group:
            return False
        if self.role and person.role != self.role:
            return False
        if self.q:
            needle = self.q.lower()
            return needle in person.name.lower() or needle in person.email
        return True


def _never(day: date | None) -> date:
    return day or date.max


def select_lines(lines: Iterable[Line], filters: Filters) -> list[Line]:
    """The lines passing the filters, in the chosen order."""
    found = [line for line in lines if filters.matches(line)]
    name = lambda line: (line.person.name.lower(), line.person.id)  # noqa: E731
    if filters.sort == "name":
        found.sort(key=name)
    elif filters.sort == "due":
        found.sort(key=lambda line: (_never(line.status.due), name(line)))
    elif filters.sort == "group":
        found.sort(key=lambda line: (line.person.staff_group, name(line)))
    else:
        found.sort(
            key=lambda line: (URGENCY[line.status.state], _never(line.status.due), name(line))
        )
    return found
