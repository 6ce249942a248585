"""`flask security check`: people who must use two-factor sign-in but have not set it up."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from training_app.extensions import db
from training_app.mfa.services import required_without_two_factor
from training_app.ops import DATABASE_CHECKS, Finding

SHOWN = 5


def admins_without_two_factor() -> list[Finding]:
    """A finding naming the DSLs and admins who have not set up two-factor sign-in."""
    try:
        people = required_without_two_factor()
    except SQLAlchemyError as error:
        db.session.rollback()
        return [
            Finding(
                "TWO_FACTOR",
                f"the database could not be read ({error.__class__.__name__}).",
                "run flask db upgrade, then check again.",
            )
        ]
    if not people:
        return []
    names = ", ".join(person.email for person in people[:SHOWN])
    more = f" and {len(people) - SHOWN} more" if len(people) > SHOWN else ""
    return [
        Finding(
            "TWO_FACTOR",
            f"{len(people)} DSL or admin account(s) have not set up two-factor sign-in: "
            f"{names}{more}.",
            "they are asked to at their next sign-in; deactivate accounts no longer used.",
        )
    ]


def register() -> None:
    """Add the check once, however many apps are created (tests create many)."""
    if admins_without_two_factor not in DATABASE_CHECKS:
        DATABASE_CHECKS.append(admins_without_two_factor)
