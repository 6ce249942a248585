"""Loading everyone's status for a school or trust with a fixed number of grouped queries.

`load_lines` never issues a query per person: it reads the people, the policy history, role
changes, the newest valid completion per person and module, attempts in progress and
exemptions (six statements whatever the headcount), then computes each status in Python with
`status.evaluate`. See bench/README.md for the figures at 5,000 staff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    DateTime,
    Select,
    String,
    and_,
    exists,
    false,
    literal,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from training_app.auth.models import User
from training_app.compliance import confirmations, services
from training_app.compliance.models import Exemption, RoleChange
from training_app.compliance.policy import Requirement, TrainingPolicy, module_title
from training_app.compliance.status import (
    UK,
    Assignment,
    Done,
    RequirementStatus,
    evaluate,
    uk_date,
    uk_today,
)
from training_app.compliance.status import Exemption as ExemptionFact
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.learning.models import IN_PROGRESS, Attempt, Completion


class Person(NamedTuple):
    """The facts about a person that reports need (a plain row, not an ORM object)."""

    id: int
    school_id: int
    name: str
    email: str
    role: str
    staff_group: str
    start: date
    joined: date | None = None  # the day they were added to the platform


class Line(NamedTuple):
    """One person × one required module, with its status: a row of the detailed report."""

    person: Person
    status: RequirementStatus
    module_title: str


def library_titles() -> dict[str, str]:
    """Titles of the modules published in the content library."""
    return {module_id: m.title for module_id, m in library().modules.items()}


def end_of(day: date) -> datetime:
    """The last moment of a UK date, as an aware datetime (for "as at" cut-offs)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UK) - timedelta(microseconds=1)


def _rows(query: Any) -> list[Any]:
    """Run a plain SELECT and fetch every row at once."""
    # Core rows fetched in one go: the ORM's per-row bookkeeping and a driver call per row
    # cost more than the query itself at 20,000 rows.
    return list(db.session.connection().execute(query).all())


def _people(
    school_ids: Sequence[int], user_ids: Sequence[int] | None, as_of: date | None
) -> list[Person]:
    query = select(
        User.id,
        User.school_id,
        User.name,
        User.email,
        User.role,
        User.staff_group,
        User.start_date,
        # Plain timestamps (uk_date copes with naive SQLite values): quicker than the
        # UTCDateTime hook for every one of thousands of rows.
        type_coerce(User.created_at, DateTime()).label("created_at"),
        User.active,
        type_coerce(User.deactivated_at, DateTime()).label("deactivated_at"),
    ).where(User.school_id.in_(school_ids))
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    elif as_of is None:
        query = query.where(User.active.is_(True))
    people = []
    for uid, school, name, email, role, group, started, created, active, gone_at in _rows(query):
        joined = uk_date(created)
        start = started or joined
        if as_of is not None and user_ids is None:
            # Who was on the staff then: started by that day and not yet gone.
            gone = gone_at is not None and uk_date(gone_at) <= as_of
            if start > as_of or gone or (not active and gone_at is None):
                continue
        people.append(Person(uid, school, name, email, role, group, start, joined))
    return people


def _scope(school_ids: Sequence[int], user_ids: Sequence[int] | None) -> Select[Any]:
    """The people whose records a query reads, as a subquery (not a list of ids)."""
    query = select(User.id).where(User.school_id.in_(school_ids))
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    return query


def latest_done(
    scope: Select[Any],
    module_ids: Iterable[str],
    cutoff: datetime | None,
    policies: Mapping[int, TrainingPolicy] | None = None,
) -> dict[tuple[int, str], Done]:
    """The newest valid completion (neither a void nor voided) per person and module.

    One statement: for every person in scope and every module (only those their school's
    policy requires of their current role and group, when `policies` is given), a correlated
    subquery walks the (user_id, module_id, completed_at) index backwards to the newest valid
    record, so the cost grows with people x modules, not with the years of history.
    """
    modules = sorted(set(module_ids))
    if not modules:
        return {}
    people = (
        select(User.id, User.school_id, User.role, User.staff_group)
        .where(User.id.in_(scope))
        .subquery()
    )
    # The modules as a derived table (SQLite has no VALUES with column names).
    wanted = union_all(*(select(literal(m, String).label("module_id")) for m in modules)).subquery(
        "wanted"
    )
    pair_rule: Any = true()
    if policies is not None:
        rules = [
            and_(
                people.c.school_id == school_id,
                wanted.c.module_id == r.module_id,
                or_(people.c.role.in_(sorted(r.roles)), people.c.staff_group.in_(sorted(r.groups))),
            )
            for school_id, policy in policies.items()
            for r in policy.requirements
        ]
        pair_rule = or_(false(), *rules)
    void = aliased(Completion)
    newest = (
        select(
            Completion.user_id,
            Completion.module_id,
            Completion.id,
            Completion.score,
            # Read as a plain timestamp: `uk_date` handles naive (SQLite) and aware values
            # itself, faster than the UTCDateTime type's per-value hook at 20,000 rows.
            type_coerce(Completion.completed_at, DateTime()).label("completed_at"),
            Completion.source,
        )
        .where(
            Completion.user_id == people.c.id,
            Completion.module_id == wanted.c.module_id,
            # Not a void itself, and not cancelled by one (an index lookup on voids_id).
            Completion.voids_id.is_(None),
            ~exists().where(void.voids_id == Completion.id),
            # Training a person recorded for themselves waits for a second person.
            confirmations.record_counts(),
            *([Completion.completed_at <= cutoff] if cutoff is not None else []),
        )
        .order_by(Completion.completed_at.desc(), Completion.id.desc())
        .limit(1)
    )
    pairs = select().select_from(people).join(wanted, pair_rule)
    if db.session.get_bind().dialect.name == "postgresql":
        # LATERAL returns the whole newest row per pair straight from the index scan.
        latest = newest.lateral("latest")
        query = pairs.add_columns(*latest.c).join(latest, true())
    else:
        # SQLite has no LATERAL: pick each pair's newest id, then join it back on the rowid.
        record_id = newest.with_only_columns(Completion.id).correlate(people, wanted)
        picked = pairs.add_columns(record_id.scalar_subquery().label("record_id")).subquery()
        query = select(*newest.selected_columns).join(picked, Completion.id == picked.c.record_id)
    rows = _rows(query)
    return {
        (user_id, module_id): Done(record_id, uk_date(when), score, source)
        for user_id, module_id, record_id, score, when, source in rows
    }


def _in_progress(scope: object) -> set[tuple[int, str]]:
    rows = _rows(
        select(Attempt.user_id, Attempt.module_id)
        .where(Attempt.status == IN_PROGRESS, Attempt.user_id.in_(scope))  # type: ignore[arg-type]
        .distinct()
    )
    return {(row.user_id, row.module_id) for row in rows}


def _exemptions(
    scope: object, on: date
) -> tuple[dict[tuple[int, str], ExemptionFact], dict[tuple[int, str], date]]:
    """Exemptions in force on a date, and when the latest other one ended (for the grace)."""
    rows = db.session.scalars(
        select(Exemption).where(Exemption.user_id.in_(scope))  # type: ignore[arg-type]
    ).all()
    revoked = {r.revokes_id: uk_date(r.created_at) for r in rows if r.revokes_id is not None}
    active: dict[tuple[int, str], ExemptionFact] = {}
    ended: dict[tuple[int, str], date] = {}
    for row in rows:
        if row.revokes_id is not None or uk_date(row.created_at) > on:
            continue
        if confirmations.is_self_made(row):
            continue  # nobody exempts themselves: it waits for a second person
        key = (row.user_id, row.module_id)
        # It stops applying the day after its end date, or on the day it was revoked.
        ends = [revoked.get(row.id), row.ends_on + timedelta(days=1) if row.ends_on else None]
        end = min((d for d in ends if d is not None), default=None)
        if end is None or end > on:
            active[key] = ExemptionFact(row.reason, row.ends_on)
        else:
            ended[key] = max(ended.get(key, end), end)
    return active, ended


def _role_changes(scope: object) -> dict[int, list[RoleChange]]:
    found: dict[int, list[RoleChange]] = defaultdict(list)
    query = select(RoleChange).where(RoleChange.user_id.in_(scope))  # type: ignore[arg-type]
    for row in db.session.scalars(query.order_by(RoleChange.changed_at, RoleChange.id)):
        found[row.user_id].append(row)
    return found


def load_lines(
    school_ids: Sequence[int],
    *,
    as_of: date | None = None,
    user_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> list[Line]:
    """Every person × required module status for these schools (today, or as at a past date)."""
    if not school_ids:
        return []
    today = as_of or uk_today(now)
    cutoff = end_of(as_of) if as_of is not None else None
    people = _people(school_ids, user_ids, as_of)
    if not people:
        return []
    policies = services.timelines(school_ids, until=cutoff)
    titles = library_titles()
    modules = {m for t in policies.values() for m in t.current.module_ids}
    scope = _scope(school_ids, user_ids)
    # Today, each person needs only the modules their current role and group require.
    current = {school_id: t.current for school_id, t in policies.items()}
    done = latest_done(scope, modules, cutoff, current if as_of is None else None)
    started = _in_progress(scope) if as_of is None else set()
    exempt, exempt_ended = _exemptions(scope, today)
    changes = _role_changes(scope)
    names = {m: module_title(m, titles) for m in modules}
    # Most people share a handful of (school, role, group) combinations.
    required: dict[tuple[int, str, str], tuple[Requirement, ...]] = {}
    lines = []
    for person in people:
        timeline = policies[person.school_id]
        policy = timeline.current
        role, group, history = _role_on(person, changes.get(person.id, []), cutoff)
        which = (person.school_id, role, group)
        if which not in required:
            required[which] = policy.for_person(role, group)
        for requirement in required[which]:
            key = (person.id, requirement.module_id)
            status = evaluate(
                requirement,
                today=today,
                start=person.start,
                since=timeline.since(requirement.module_id, role, group, history),
                done=done.get(key),
                in_progress=key in started,
                exemption=exempt.get(key),
                exemption_ended=exempt_ended.get(key),
                available=requirement.module_id in titles,
                due_soon_days=policy.due_soon_days,
                induction_days=policy.induction_days,
                joined=person.joined,
                onboarding_days=policy.onboarding_days,
            )
            lines.append(Line(person, status, names[requirement.module_id]))
    return lines


def _role_on(
    person: Person, changes: list[RoleChange], cutoff: datetime | None
) -> tuple[str, str, list[Assignment]]:
    """The role and group the person had at the cut-off, and the changes up to then."""
    if not changes:
        return person.role, person.staff_group, []
    history = [
        Assignment(c.changed_at, c.role, c.staff_group, c.previous_role, c.previous_group)
        for c in changes
        if cutoff is None or c.changed_at <= cutoff
    ]
    later = [c for c in changes if cutoff is not None and c.changed_at > cutoff]
    if later:
        return later[0].previous_role, later[0].previous_group, history
    return person.role, person.staff_group, history


def person_lines(person_id: int, school_id: int, now: datetime | None = None) -> list[Line]:
    """One person's required modules and their status (the same queries, for one id)."""
    return load_lines([school_id], user_ids=[person_id], now=now)
