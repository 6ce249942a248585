"""Who may do what: pure predicates, plus decorators that enforce them on routes.

Predicates take plain objects and never touch the request or the database, so they
are unit-tested directly; every route uses one through `school_scoped` or `require`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, TypeVar

from flask import abort
from flask_login import current_user, login_required

from training_app.admin.models import School, Trust
from training_app.extensions import db
from training_app.roles import LEAD_ROLES, RANKS


class Person(Protocol):
    """What a predicate needs to know about a user."""

    id: int
    role: str
    school_id: int

    @property
    def school(self) -> Any: ...  # noqa: D102


def is_trust_admin_for(user: Person, trust_id: int) -> bool:
    """A trust admin sees every school of their own trust and nothing else."""
    return user.role == "trust_admin" and user.school.trust_id == trust_id


def can_manage_school(user: Person, school: School) -> bool:
    """School admins of this school, and trust admins of its trust, manage its people."""
    if user.role == "school_admin" and user.school_id == school.id:
        return True
    return is_trust_admin_for(user, school.trust_id)


def can_view_reports(user: Person, school: School) -> bool:
    """Reports are for the school's admins, its DSLs and its trust admins."""
    if user.role == "dsl" and user.school_id == school.id:
        return True
    return can_manage_school(user, school)


def can_view_trust(user: Person, trust: Trust) -> bool:
    """Only the trust's own admins see the trust overview."""
    return is_trust_admin_for(user, trust.id)


def can_view_person(viewer: Person, person: Person) -> bool:
    """People see their own record; admins see the records of the schools they manage."""
    return viewer.id == person.id or can_manage_school(viewer, person.school)


def may_act_on(actor: Person, person: Person) -> bool:
    """Nobody changes a person who outranks them (trust admin > school admin > DSL > staff)."""
    # An unknown role fails closed: the actor ranks lowest, the person highest.
    return RANKS.get(actor.role, -1) >= RANKS.get(person.role, len(RANKS))


def can_change_records_of(actor: Person, person: Person) -> bool:
    """Adding to, voiding or exempting a person's training record needs the right to run
    their school and at least their rank: a school admin cannot rewrite their trust admin's."""
    return can_manage_school(actor, person.school) and may_act_on(actor, person)


def can_confirm_own_entry(actor: Person, person: Person) -> bool:
    """Someone else who runs the person's school (an admin, or its DSL) confirms what a
    person recorded about their own training: nobody certifies or exempts themselves."""
    if actor.id == person.id:
        return False
    if actor.role == "dsl" and actor.school_id == person.school_id:
        return True
    return can_manage_school(actor, person.school)


def can_rehearse(user: Person) -> bool:
    """DSL tools (walkthrough practice, mock incidents) are for DSLs and admins."""
    return user.role in LEAD_ROLES


F = TypeVar("F", bound=Callable[..., Any])


def school_scoped(predicate: Callable[[Person, School], bool]) -> Callable[[F], F]:
    """Load `school_id` from the URL, require sign-in and the predicate, pass `school`."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(school_id: int, **kwargs: Any) -> Any:
            school = db.get_or_404(School, school_id)
            if not predicate(current_user, school):
                abort(403)
            return view(school=school, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require(predicate: Callable[[Person], bool]) -> Callable[[F], F]:
    """Require sign-in and a predicate on the current user alone."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
