"""Applying a staff import: compare parsed rows with the school's people, preview, apply.

import_parse.py reads the uploaded file into rows; this module does everything after that.

Upserts by email: a person in the file is created, updated or left unchanged; active people
of the school who are not in the file are offered as leavers to deactivate. Applying is one
transaction and idempotent: a stored upload commits at most once, and importing the same
file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update

from training_app.admin.models import School
from training_app.audit.services import person_snapshot, record_event
from training_app.auth.models import ROLES, STAFF_GROUPS, User
from training_app.auth.services import revoke_all_sessions
from training_app.compliance.import_parse import Row
from training_app.compliance.models import StaffImport
from training_app.compliance.policy import TrainingPolicy
from training_app.compliance.services import note_role_change
from training_app.extensions import db
from training_app.models_common import utcnow

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
ERROR = "error"
ACTIONS = {CREATE: "Add", UPDATE: "Update", UNCHANGED: "No change", ERROR: "Error"}


@dataclass
class Outcome:
    """What importing one row would do."""

    row: Row
    action: str
    changes: list[str] = field(default_factory=list)
    user_id: int | None = None

    @property
    def label(self) -> str:
        """The action in words."""
        return ACTIONS[self.action]


@dataclass(frozen=True)
class Leaver:
    """An active person of the school who is not in the file."""

    id: int
    name: str
    email: str


@dataclass
class Plan:
    """The preview: every row's outcome, and the people the file leaves out."""

    outcomes: list[Outcome]
    leavers: list[Leaver]

    def count(self, action: str) -> int:
        """How many rows have this outcome."""
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def has_errors(self) -> bool:
        """Whether any row has a problem (nothing is imported until all are fixed)."""
        return any(o.action == ERROR for o in self.outcomes)

    @property
    def errors(self) -> list[str]:
        """Every problem, naming its line and field."""
        return [m for o in self.outcomes for m in o.row.messages]


def first_due(policy: TrainingPolicy, start: date | None, today: date) -> date:
    """When training is first due for someone added today (as `status.evaluate` works it out)."""
    due = (start or today) + timedelta(days=policy.induction_days)
    if policy.onboarding_days:
        due = max(due, today + timedelta(days=policy.onboarding_days))
    return due


def _existing(emails: Sequence[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    # In chunks: a 10,000-row file must not exceed a database's bound-parameter limit.
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found.update(
            {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(chunk)))}
        )
    return found


def _changes(person: User, row: Row) -> list[str]:
    changes = []
    if person.name != row.name:
        changes.append(f"name: {person.name} → {row.name}")
    if person.role != row.role:
        changes.append(f"role: {ROLES.get(person.role, person.role)} → {ROLES[row.role]}")
    if person.staff_group != row.staff_group:
        changes.append(
            f"staff group: {STAFF_GROUPS.get(person.staff_group, person.staff_group)}"
            f" → {STAFF_GROUPS[row.staff_group]}"
        )
    if row.start_date is not None and person.start_date != row.start_date:
        was = person.start_date.strftime("%d/%m/%Y") if person.start_date else "none"
        changes.append(f"start date: {was} → {row.start_date.strftime('%d/%m/%Y')}")
    if not person.active:
        changes.append("reactivate (was deactivated)")
    return changes


def plan_import(school_id: int, rows: Sequence[Row], *, actor_id: int | None) -> Plan:
    """Work out each row's outcome against the database, changing nothing."""
    existing = _existing([r.email for r in rows if r.email])
    outcomes = []
    for row in rows:
        person = existing.get(row.email) if row.email else None
        if person is not None and person.school_id != school_id:
            row.error("email", f"{row.email} belongs to someone at another school")
        elif person is not None and person.role == "trust_admin" and row.role != person.role:
            row.error("role", "this person is a trust administrator; import cannot change that")
        elif person is not None and person.id == actor_id and row.role != person.role:
            row.error("role", "this is you: you cannot change your own role")
        if row.errors:
            outcomes.append(Outcome(row, ERROR))
        elif person is None:
            outcomes.append(Outcome(row, CREATE))
        else:
            changes = _changes(person, row)
            outcomes.append(Outcome(row, UPDATE if changes else UNCHANGED, changes, person.id))
    in_file = {r.email for r in rows if r.email}
    leavers = [
        Leaver(u.id, u.name, u.email)
        for u in db.session.scalars(
            select(User)
            .where(User.school_id == school_id, User.active.is_(True))
            .order_by(User.name)
        )
        if u.email not in in_file and u.id != actor_id and u.role != "trust_admin"
    ]
    return Plan(outcomes, leavers)


def _apply(
    school: School, plan: Plan, *, actor: User | None, deactivate: bool, ip_address: str | None
) -> dict[str, int]:
    created = []
    for outcome in plan.outcomes:
        row = outcome.row
        if outcome.action == CREATE:
            person = User(
                school_id=school.id,
                name=row.name,
                email=row.email,
                role=row.role,
                staff_group=row.staff_group,
                start_date=row.start_date,
                active=True,
            )
            db.session.add(person)
            created.append(person)
        elif outcome.action == UPDATE:
            person = db.session.get_one(User, outcome.user_id)
            before = person_snapshot(person)
            note_role_change(person, role=row.role, staff_group=row.staff_group, actor=actor)
            person.name, person.role, person.staff_group = row.name, row.role, row.staff_group
            if row.start_date is not None:
                person.start_date = row.start_date
            if not person.active:
                person.active, person.deactivated_at = True, None
            _event("admin.person_updated", person, actor, ip_address, before, "Updated")
    db.session.flush()
    for person in created:
        _event("admin.person_added", person, actor, ip_address, None, "Added")
    deactivated = 0
    if deactivate:
        for leaver in plan.leavers:
            person = db.session.get_one(User, leaver.id)
            before = person_snapshot(person)
            person.active, person.deactivated_at = False, utcnow()
            revoke_all_sessions(person.id)
            _event("admin.person_deactivated", person, actor, ip_address, before, "Deactivated")
            deactivated += 1
    return {
        "created": plan.count(CREATE),
        "updated": plan.count(UPDATE),
        "unchanged": plan.count(UNCHANGED),
        "deactivated": deactivated,
    }


def _event(
    action: str,
    person: User,
    actor: User | None,
    ip_address: str | None,
    before: dict[str, Any] | None,
    verb: str,
) -> None:
    record_event(
        action,
        actor=actor,
        school_id=person.school_id,
        target=("user", person.id),
        summary=f"{verb} {person.name} (staff import)",
        before=before,
        after=person_snapshot(person),
        ip_address=ip_address,
    )


def store_upload(school: School, *, actor: User | None, filename: str, text: str) -> StaffImport:
    """Keep an uploaded file until the admin commits it (or uploads another)."""
    upload = StaffImport(
        school_id=school.id,
        uploaded_by_id=actor.id if actor else None,
        filename=filename[:255],
        content=text,
    )
    db.session.add(upload)
    db.session.flush()
    record_event(
        "import.uploaded",
        actor=actor,
        school_id=school.id,
        target=("staff_import", upload.id),
        summary=f"Uploaded {filename[:200]} for preview",
    )
    db.session.commit()
    return upload


class AlreadyCommitted(Exception):
    """This upload was committed before (a double click or a second tab)."""


def commit_import(
    school: School,
    plan: Plan,
    *,
    actor: User | None,
    deactivate: bool,
    ip_address: str | None,
    upload: StaffImport | None = None,
) -> dict[str, int]:
    """Apply an error-free plan in one transaction; AlreadyCommitted on a repeat."""
    if plan.has_errors:
        raise ValueError("a plan with errors cannot be committed")
    if upload is not None:
        # Claim the upload with a conditional UPDATE: of two simultaneous commits, one wins.
        claimed = db.session.execute(
            update(StaffImport)
            .where(StaffImport.id == upload.id, StaffImport.committed_at.is_(None))
            .values(committed_at=utcnow())
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            raise AlreadyCommitted(upload.id)
    result = _apply(school, plan, actor=actor, deactivate=deactivate, ip_address=ip_address)
    if upload is not None:
        db.session.execute(
            update(StaffImport).where(StaffImport.id == upload.id).values(result=result)
        )
    record_event(
        "import.committed",
        actor=actor,
        school_id=school.id,
        target=("staff_import", upload.id if upload else "cli"),
        summary=(
            f"Staff import: {result['created']} added, {result['updated']} updated, "
            f"{result['unchanged']} unchanged, {result['deactivated']} deactivated"
        ),
        after=result,
        ip_address=ip_address,
    )
    db.session.commit()
    return result
