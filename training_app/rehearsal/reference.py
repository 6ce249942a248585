"""Case references people can read and quote: the school, the day and the day's sequence.

A rehearsal started at Northfield Academy on 5 December 2026, the third there that day, is
"NA-20261205-03". The seed that generated the incident stays visible as the "scenario
number", which is what a DSL types to rehearse the same incident again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import g
from sqlalchemy import select

from training_app.admin.models import School
from training_app.extensions import db
from training_app.rehearsal.models import Rehearsal

UK = ZoneInfo("Europe/London")
_SMALL_WORDS = {"the", "of", "and", "for", "at", "in", "on", "a", "an", "st"}


@dataclass(frozen=True)
class CaseReference:
    """A rehearsal's reference: code, school and day (its number that day is in the code)."""

    code: str
    school: str
    day: date
    sequence: int

    def __str__(self) -> str:
        return self.code

    @property
    def described(self) -> str:
        """The reference in words, e.g. 'Northfield Academy, 5 December 2026, case 3 that day'."""
        return f"{self.school}, {self.day.strftime('%-d %B %Y')}, case {self.sequence} that day"


def school_initials(name: str) -> str:
    """Up to four capitals from the school's name ('Northfield Academy' -> 'NA')."""
    words = [
        w
        for w in (word.replace("'", "") for word in re.findall(r"[A-Za-z0-9']+", name))
        if w and w.lower() not in _SMALL_WORDS
    ]
    initials = "".join(w[0] for w in words).upper()[:4]
    return initials or "SCH"


def _uk_day(moment: datetime) -> date:
    return moment.astimezone(UK).date()


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC moments a UK day starts and ends (23 or 25 hours when the clocks change)."""
    start = datetime.combine(day, time(0), tzinfo=UK)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=UK)


def _cache() -> dict[int, CaseReference]:
    cache: dict[int, CaseReference] = g.setdefault("case_references", {})
    return cache


def prime(rehearsals: list[Rehearsal]) -> None:
    """Work out the references of a page's rehearsals in a few queries (one per school-day)."""
    cache = _cache()
    missing = [r for r in rehearsals if r.id not in cache]
    if not missing:
        return
    school_ids = {r.school_id for r in missing}
    names = dict(
        db.session.execute(select(School.id, School.name).where(School.id.in_(school_ids))).all()
    )
    for school_id, day in {(r.school_id, _uk_day(r.started_at)) for r in missing}:
        start, end = _day_bounds(day)
        ids = db.session.scalars(
            select(Rehearsal.id)
            .where(
                Rehearsal.school_id == school_id,
                Rehearsal.started_at >= start,
                Rehearsal.started_at < end,
            )
            .order_by(Rehearsal.started_at, Rehearsal.id)
        ).all()
        name = names.get(school_id, "")
        for sequence, rehearsal_id in enumerate(ids, start=1):
            cache[rehearsal_id] = CaseReference(
                code=f"{school_initials(name)}-{day:%Y%m%d}-{sequence:02d}",
                school=name,
                day=day,
                sequence=sequence,
            )


def case_reference(rehearsal: Rehearsal) -> CaseReference:
    """The rehearsal's case reference (remembered for the rest of the request)."""
    if rehearsal.id not in _cache():
        prime([rehearsal])
    return _cache()[rehearsal.id]
