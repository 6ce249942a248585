"""Queries and changes for schools and people; routes call these, never the session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from training_app.admin.models import School, Trust
from training_app.audit.services import person_snapshot, record_event
from training_app.auth.models import ROLES, User
from training_app.auth.permissions import may_act_on
from training_app.auth.services import normalise_email, revoke_all_sessions, set_password
from training_app.extensions import db
from training_app.models_common import utcnow


@dataclass(frozen=True)
class Headcounts:
    """How many people a school has, by role and by staff group."""

    active: int
    inactive: int
    by_role: dict[str, int]
    by_group: dict[str, int]


def school_headcounts(school_id: int) -> Headcounts:
    """Count a school's people in two grouped queries (never one per person)."""
    active_rows = db.session.execute(
        select(User.active, func.count()).where(User.school_id == school_id).group_by(User.active)
    ).all()
    totals = {bool(active): count for active, count in active_rows}
    by_role = dict(
        db.session.execute(
            select(User.role, func.count())
            .where(User.school_id == school_id, User.active.is_(True))
            .group_by(User.role)
        ).all()
    )
    by_group = dict(
        db.session.execute(
            select(User.staff_group, func.count())
            .where(User.school_id == school_id, User.active.is_(True))
            .group_by(User.staff_group)
        ).all()
    )
    return Headcounts(totals.get(True, 0), totals.get(False, 0), by_role, by_group)


@dataclass(frozen=True)
class SchoolRow:
    """One school on the trust overview."""

    school: School
    active_people: int


def trust_school_rows(trust_id: int) -> list[SchoolRow]:
    """The trust's schools with their active headcount, in one query."""
    counts = (
        select(User.school_id, func.count().label("n"))
        .where(User.active.is_(True))
        .group_by(User.school_id)
        .subquery()
    )
    rows = db.session.execute(
        select(School, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.school_id == School.id)
        .where(School.trust_id == trust_id)
        .order_by(School.name)
    ).all()
    return [SchoolRow(school, int(n)) for school, n in rows]


def people_page(
    school_id: int, *, search: str, show: str, page: int, per_page: int
) -> tuple[list[User], int]:
    """One page of a school's people (filtered, sorted by name) and the total matching."""
    query = select(User).where(User.school_id == school_id)
    if show == "active":
        query = query.where(User.active.is_(True))
    elif show == "inactive":
        query = query.where(User.active.is_(False))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    people = db.session.scalars(
        query.order_by(func.lower(User.name), User.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(people), total


class DuplicateEmail(ValueError):
    """The email address already belongs to someone."""


def add_person(
    school: School,
    *,
    actor: User,
    name: str,
    email: str,
    role: str,
    staff_group: str,
    start_date: date | None,
    ip_address: str | None,
) -> User:
    """Add a person to a school (they set a password through the reset link)."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DuplicateEmail(email)
    person = User(
        school_id=school.id,
        name=name.strip(),
        email=email,
        role=role,
        staff_group=staff_group,
        start_date=start_date,
        active=True,
    )
    db.session.add(person)
    db.session.flush()
    record_event(
        "admin.person_added",
        actor=actor,
        school_id=school.id,
        target=("user", person.id),
        summary=f"Added {person.name}",
        after=person_snapshot(person),
        ip_address=ip_address,
    )
    db.session.commit()
    return person


def create_first_admin(
    *, email: str, name: str, school_name: str, trust_name: str | None, role: str, password: str
) -> User:
    """Create an administrator (and their school and trust when new) from the command line.

    Raises DuplicateEmail when the address already has an account.
    """
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DuplicateEmail(email)
    school = db.session.scalar(select(School).where(School.name == school_name))
    if school is None:
        school = School(name=school_name, trust=Trust(name=trust_name or school_name))
        db.session.add(school)
        db.session.flush()
    person = User(
        school_id=school.id,
        email=email,
        name=name,
        role=role,
        staff_group="leadership",
        active=True,
    )
    set_password(person, password)
    db.session.add(person)
    db.session.flush()
    record_event(
        "admin.admin_created_cli",
        actor=None,
        school_id=school.id,
        target=("user", person.id),
        summary=f"Created {role} {email} from the CLI",
    )
    db.session.commit()
    return person


class ChangeRefused(PermissionError):
    """A change to a person that the actor may not make; the message says why."""


def refusal(person: User, active: bool, *, actor: User) -> str | None:
    """Why `actor` may not (de)activate `person`, or None when they may."""
    if not may_act_on(actor, person):
        verb = "reactivate" if active else "deactivate"
        return (
            f"You cannot {verb} {person.name}: a {ROLES.get(person.role, person.role).lower()} "
            "outranks you. Ask someone of their rank or above."
        )
    if not active and person.active and person.role == "trust_admin":
        others = db.session.scalar(
            select(func.count())
            .select_from(User)
            .join(School, School.id == User.school_id)
            .where(
                School.trust_id == person.school.trust_id,
                User.role == "trust_admin",
                User.active.is_(True),
                User.id != person.id,
            )
        )
        if not others:
            return (
                f"You cannot deactivate {person.name}: they are the trust's last active trust "
                "administrator. Add another first."
            )
    return None


def set_active(person: User, active: bool, *, actor: User, ip_address: str | None) -> None:
    """Deactivate (keeping history, signing them out) or reactivate a person.

    Raises ChangeRefused (after auditing the attempt) when the person outranks the actor,
    or would be the trust's last active trust admin to go.
    """
    reason = refusal(person, active, actor=actor)
    if reason is not None:
        record_event(
            "admin.person_change_refused",
            actor=actor,
            school_id=person.school_id,
            target=("user", person.id),
            summary=reason,
            ip_address=ip_address,
        )
        db.session.commit()
        raise ChangeRefused(reason)
    if person.active == active:
        return
    before = person_snapshot(person)
    person.active = active
    person.deactivated_at = None if active else utcnow()
    if not active:
        revoke_all_sessions(person.id)
    record_event(
        "admin.person_reactivated" if active else "admin.person_deactivated",
        actor=actor,
        school_id=person.school_id,
        target=("user", person.id),
        summary=f"{'Reactivated' if active else 'Deactivated'} {person.name}",
        before=before,
        after=person_snapshot(person),
        ip_address=ip_address,
    )
    db.session.commit()
