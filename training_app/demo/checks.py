"""`flask security check`: demo accounts and schools have no place in a real deployment.

Their passwords and two-factor secrets are published in `demo/cli.py`, so anyone could sign
in as them; a deployment holding them fails the check until they are removed.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError

from training_app.admin.models import School, Trust
from training_app.auth.models import User
from training_app.demo.cli import DEMO_EMAIL_SUFFIX, PEOPLE, SCHOOLS, TRUST_NAME
from training_app.extensions import db
from training_app.ops.security_check import DATABASE_CHECKS, Finding

SHOWN = 5


def demo_data_present() -> list[Finding]:
    """A finding naming the demo accounts and schools in the database, if there are any."""
    emails = [person.email for person in PEOPLE]
    try:
        accounts = db.session.scalars(
            select(User.email)
            .where(or_(User.email.in_(emails), User.email.endswith(DEMO_EMAIL_SUFFIX)))
            .order_by(User.email)
        ).all()
        schools = db.session.scalars(
            select(School.name)
            .join(Trust, Trust.id == School.trust_id)
            .where(or_(Trust.name == TRUST_NAME, School.name.in_(SCHOOLS)))
            .order_by(School.name)
        ).all()
        trusts = db.session.scalars(select(Trust.name).where(Trust.name == TRUST_NAME)).all()
    except SQLAlchemyError as error:
        db.session.rollback()
        return [
            Finding(
                "DEMO_DATA",
                f"the database could not be read ({error.__class__.__name__}).",
                "run flask db upgrade, then check again.",
            )
        ]
    if not accounts and not schools and not trusts:
        return []
    named = list(accounts[:SHOWN])
    more = f" and {len(accounts) - SHOWN} more" if len(accounts) > SHOWN else ""
    found = [f"{len(accounts)} demo account(s)" + (f": {', '.join(named)}{more}" if named else "")]
    if schools or trusts:
        found.append(f"demo school(s) or trust: {', '.join([*trusts, *schools])}")
    return [
        Finding(
            "DEMO_DATA",
            f"{'; '.join(found)}. Their passwords and two-factor secrets are published.",
            "restore a backup made before the demo was seeded, or deactivate and rename them.",
        )
    ]


def register() -> None:
    """Add the check once, however many apps are created (tests create many)."""
    if demo_data_present not in DATABASE_CHECKS:
        DATABASE_CHECKS.append(demo_data_present)
