"""`flask security check`: schools whose provider's client secret can no longer be read."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from training_app.extensions import db
from training_app.mfa import unseal
from training_app.ops import DATABASE_CHECKS, Finding
from training_app.sso.models import SchoolSignIn


def unreadable_provider_secrets() -> list[Finding]:
    """A finding naming the schools (or trusts) whose provider secret another SECRET_KEY sealed."""
    key = str(current_app.config["SECRET_KEY"])
    try:
        rows = list(db.session.scalars(select(SchoolSignIn).where(SchoolSignIn.enabled)))
    except SQLAlchemyError as error:
        db.session.rollback()
        return [
            Finding(
                "SCHOOL_SIGN_IN",
                f"the database could not be read ({error.__class__.__name__}).",
                "run flask db upgrade, then check again.",
            )
        ]
    broken = [row.owner_name for row in rows if unseal(row.client_secret_sealed, key) is None]
    if not broken:
        return []
    return [
        Finding(
            "SCHOOL_SIGN_IN",
            f"the client secret of {len(broken)} school or trust provider(s) cannot be read "
            f"(SECRET_KEY changed): {', '.join(broken)}; their staff cannot sign in with it.",
            "an admin of each enters the client secret again on its sign-in settings page.",
        )
    ]


def register() -> None:
    """Add the check once, however many apps are created (tests create many)."""
    if unreadable_provider_secrets not in DATABASE_CHECKS:
        DATABASE_CHECKS.append(unreadable_provider_secrets)
