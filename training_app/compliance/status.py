"""Where each person stands with each module their school requires: pure computation.

No database and no Flask: callers load the facts (with grouped queries, never one per person)
and this module turns them into a status. Every date here is a UK calendar date.

The rules, in order:
- an active exemption makes the requirement `exempt`;
- a completion is valid until its completion date plus the renewal period in the policy in
  force now (a policy change applies at once; stored records are never rewritten);
- the due date is the end of the latest valid or expired completion; with none, the end of the
  induction period from the person's start date; and when the requirement began to apply to
  them later (a new policy requirement, a new role or staff group, an exemption that ended),
  never earlier than the induction period from that moment; and for training never done,
  never earlier than the policy's onboarding window from the day the person was added to the
  platform (an imported veteran is not overdue on the day of the import);
- after the due date the requirement is `overdue`; within the due-soon window (the due date
  included) it is `due_soon`; otherwise `compliant` with a valid completion, else `in_progress`
  or `not_started`;
- a module not yet in the content library cannot be taken: without a valid record it is
  `unavailable`, which is neither counted as required nor as overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from training_app.compliance.policy import DEFAULT_POLICY, Requirement, TrainingPolicy

UK = ZoneInfo("Europe/London")

OVERDUE = "overdue"
DUE_SOON = "due_soon"
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLIANT = "compliant"
EXEMPT = "exempt"
UNAVAILABLE = "unavailable"

# In order of urgency: the order of the status filter and of "sort by status".
STATES: dict[str, str] = {
    OVERDUE: "Overdue",
    DUE_SOON: "Due soon",
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    COMPLIANT: "Compliant",
    EXEMPT: "Exempt",
    UNAVAILABLE: "Not yet available",
}
URGENCY = {state: rank for rank, state in enumerate(STATES)}


@lru_cache(maxsize=8192)
def _summer_time(day: date) -> bool:
    return bool(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).astimezone(UK).utcoffset())


def uk_date(moment: datetime) -> date:
    """The UK calendar date of an aware datetime (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    elif moment.utcoffset():
        moment = moment.astimezone(UTC)
    day = moment.date()
    # UK time is UTC, or UTC+1 in summer, and the clocks change at 01:00 UTC: so only 23:xx
    # UTC on a summer day is already the next day. (A time-zone conversion per record is the
    # slowest step of a 5,000-person report; this is one cached lookup per day.)
    if moment.hour == 23 and _summer_time(day):
        return day + timedelta(days=1)
    return day


def uk_today(now: datetime | None = None) -> date:
    """Today's date in the UK."""
    return uk_date(now or datetime.now(UTC))


# Done and RequirementStatus are NamedTuples, not dataclasses: a 5,000-person report makes
# tens of thousands, and tuples are several times quicker to build than frozen dataclasses.
class Done(NamedTuple):
    """The latest valid (not voided) completion of a module by a person."""

    completion_id: int
    completed_on: date
    score: int | None = None
    source: str = "quiz"


@dataclass(frozen=True)
class Exemption:
    """An exemption in force: why, and until when (None: until revoked)."""

    reason: str
    ends_on: date | None = None


class RequirementStatus(NamedTuple):
    """One person's standing with one required module."""

    module_id: str
    state: str
    due: date | None
    valid_until: date | None
    done: Done | None
    in_progress: bool
    exemption: Exemption | None

    @property
    def label(self) -> str:
        """The state in words, e.g. "Due soon"."""
        return STATES[self.state]

    @property
    def covered(self) -> bool:
        """Met for now: a valid completion (even if due soon) or an exemption."""
        return self.state == EXEMPT or self.valid_until is not None

    @property
    def counted(self) -> bool:
        """Whether it counts in compliance figures (modules not yet published do not)."""
        return self.state != UNAVAILABLE


def evaluate(
    requirement: Requirement,
    *,
    today: date,
    start: date,
    since: date | None,
    done: Done | None,
    in_progress: bool = False,
    exemption: Exemption | None = None,
    exemption_ended: date | None = None,
    available: bool = True,
    due_soon_days: int = 30,
    induction_days: int = 28,
    joined: date | None = None,
    onboarding_days: int = 0,
) -> RequirementStatus:
    """The status of one requirement for one person on `today` (see the module docstring)."""
    valid_until = (
        done.completed_on + timedelta(days=requirement.renewal_days) if done is not None else None
    )
    if exemption is not None:
        return RequirementStatus(
            requirement.module_id, EXEMPT, None, valid_until, done, in_progress, exemption
        )
    induction = timedelta(days=induction_days)
    due = valid_until if valid_until is not None else start + induction
    # A requirement that began after the start date gets a fresh induction period from then.
    for began in (since, exemption_ended):
        if began is not None and began > start:
            due = max(due, began + induction)
    if done is None and joined is not None and onboarding_days:
        due = max(due, joined + timedelta(days=onboarding_days))
    valid = valid_until is not None and today <= valid_until
    if today > due:
        state = OVERDUE
    elif (due - today).days <= due_soon_days:
        state = DUE_SOON
    elif valid:
        state = COMPLIANT
    else:
        state = IN_PROGRESS if in_progress else NOT_STARTED
    if not available and not valid:
        state = UNAVAILABLE
    return RequirementStatus(
        requirement.module_id,
        state,
        due,
        valid_until if valid else None,
        done,
        in_progress,
        None,
    )


@dataclass(frozen=True)
class Assignment:
    """From `at` the person had this role and staff group (and before it, the previous ones)."""

    at: datetime
    role: str
    staff_group: str
    previous_role: str
    previous_group: str


class Timeline:
    """A school's policy history, answering "since when has this requirement applied?"."""

    def __init__(self, versions: Sequence[tuple[datetime, TrainingPolicy]]) -> None:
        self.versions = sorted(versions, key=lambda v: v[0])
        self.current = self.versions[-1][1] if self.versions else DEFAULT_POLICY
        self._cache: dict[tuple[str, str, str], date | None] = {}

    def since(
        self, module_id: str, role: str, staff_group: str, assignments: Sequence[Assignment] = ()
    ) -> date | None:
        """When the requirement last began to apply to this person (None: always has)."""
        if not assignments:
            key = (module_id, role, staff_group)
            if key not in self._cache:
                self._cache[key] = self._since(module_id, role, staff_group, ())
            return self._cache[key]
        return self._since(module_id, role, staff_group, assignments)

    def _since(
        self, module_id: str, role: str, group: str, assignments: Sequence[Assignment]
    ) -> date | None:
        ordered = sorted(assignments, key=lambda a: a.at)
        policy = DEFAULT_POLICY
        if ordered:
            role, group = ordered[0].previous_role, ordered[0].previous_group
        events: list[tuple[datetime, TrainingPolicy | Assignment]] = [
            *self.versions,
            *((a.at, a) for a in ordered),
        ]
        events.sort(key=lambda e: e[0])

        def applies() -> bool:
            found = policy.requirement(module_id)
            return found is not None and found.applies_to(role, group)

        began: date | None = None
        before = applies()
        for at, change in events:
            if isinstance(change, Assignment):
                role, group = change.role, change.staff_group
            else:
                policy = change
            now_applies = applies()
            if now_applies and not before:
                began = uk_date(at)
            before = now_applies
        return began
