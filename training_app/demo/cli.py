"""`flask demo seed`: a demo trust with two schools and a person in every role.

`flask demo code EMAIL` prints the current two-factor code of a demo account.
"""

from __future__ import annotations

from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from training_app.admin.models import School, Trust
from training_app.auth.models import User
from training_app.auth.services import find_user_by_email, set_password
from training_app.extensions import db
from training_app.mfa import services as mfa
from training_app.mfa import totp

demo_cli = AppGroup("demo", help="Demo data for trying the platform.")

DEMO_PASSWORD = "demo-training-2026"  # noqa: S105 - printed demo credential, dev only
# Every demo account's address ends so (`demo.checks` looks for them in a deployment).
DEMO_EMAIL_SUFFIX = ".demo"
REFUSED_IN_PRODUCTION = (
    "demo data is refused in production (TRAINING_APP_ENV=production): its passwords and "
    "two-factor secrets are published, so anyone could sign in as its people"
)

# Published two-factor secrets of the demo DSLs and admins (base32, as authenticator apps
# take them): anyone trying the demo can add one to an app, or run `flask demo code EMAIL`.
DEMO_TOTP_SECRETS = {
    "dsl@northfield.demo": "DEMODSLNORTHFIELDAAAAAAAAAAAAAAA",
    "admin@northfield.demo": "DEMOADMINNORTHFIELDAAAAAAAAAAAAA",
    "trust@northfield.demo": "DEMOTRUSTNORTHFIELDAAAAAAAAAAAAA",
    "dsl@riverside.demo": "DEMODSLRIVERSIDEAAAAAAAAAAAAAAAA",
    "admin@riverside.demo": "DEMOADMINRIVERSIDEAAAAAAAAAAAAAA",
}


@dataclass(frozen=True)
class DemoPerson:
    """One seeded account."""

    school: str
    name: str
    email: str
    role: str
    staff_group: str


TRUST_NAME = "Northfield Learning Trust (demo)"
SCHOOLS = ("Northfield Academy", "Riverside High School")
PEOPLE = (
    DemoPerson(SCHOOLS[0], "Sam Taylor", "staff@northfield.demo", "staff", "teaching"),
    DemoPerson(SCHOOLS[0], "Priya Shah", "dsl@northfield.demo", "dsl", "pastoral"),
    DemoPerson(SCHOOLS[0], "Alex Morgan", "admin@northfield.demo", "school_admin", "leadership"),
    DemoPerson(SCHOOLS[0], "Jordan Lee", "trust@northfield.demo", "trust_admin", "leadership"),
    DemoPerson(SCHOOLS[1], "Chris Evans", "staff@riverside.demo", "staff", "support"),
    DemoPerson(SCHOOLS[1], "Nia Okafor", "dsl@riverside.demo", "dsl", "pastoral"),
    DemoPerson(SCHOOLS[1], "Robin Hughes", "admin@riverside.demo", "school_admin", "leadership"),
)


def seed_demo() -> bool:
    """Create the demo trust, schools and people; False if they already exist."""
    if db.session.scalar(select(Trust.id).where(Trust.name == TRUST_NAME)) is not None:
        return False
    trust = Trust(name=TRUST_NAME)
    schools = {name: School(name=name, trust=trust) for name in SCHOOLS}
    db.session.add_all([trust, *schools.values()])
    db.session.flush()
    for person in PEOPLE:
        user = User(
            school_id=schools[person.school].id,
            name=person.name,
            email=person.email,
            role=person.role,
            staff_group=person.staff_group,
            active=True,
        )
        set_password(user, DEMO_PASSWORD)
        db.session.add(user)
    db.session.commit()
    return True


def enrol_demo_accounts() -> int:
    """Give demo accounts that need two-factor sign-in their published secret, if unset."""
    enrolled = 0
    for email, secret in DEMO_TOTP_SECRETS.items():
        user = find_user_by_email(email)
        if user is not None and _in_demo(user) and mfa.enrolment(user.id) is None:
            mfa.enrol_with_secret(user, secret)
            enrolled += 1
    db.session.commit()
    return enrolled


def _in_demo(user: User) -> bool:
    return user.school.name in SCHOOLS and user.school.trust.name == TRUST_NAME


def _refuse_in_production() -> None:
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException(REFUSED_IN_PRODUCTION)


@demo_cli.command("seed")
def seed_command() -> None:
    """Seed the demo trust (idempotent) and print the sign-in details."""
    _refuse_in_production()
    created = seed_demo()
    enrol_demo_accounts()
    click.echo("Demo data created." if created else "Demo data already present.")
    click.echo(f"Sign in with any of these (password: {DEMO_PASSWORD}):")
    for person in PEOPLE:
        click.echo(f"  {person.role:<13} {person.email:<26} {person.name}, {person.school}")
    click.echo(
        "DSLs and admins also give a 6-digit code from an authenticator app: get it with\n"
        "  .venv/bin/flask --app training_app demo code dsl@northfield.demo"
    )


@demo_cli.command("code")
@click.argument("email")
def code_command(email: str) -> None:
    """Print the current two-factor sign-in code of a demo account."""
    _refuse_in_production()
    user = find_user_by_email(email)
    if user is None or not _in_demo(user):
        raise click.ClickException(f"{email} is not a demo account: codes are only shown for those")
    row = mfa.enrolment(user.id)
    secret = mfa.secret_of(row) if row is not None and row.confirmed_at is not None else None
    if secret is None:
        raise click.ClickException(f"{email} has not set up two-factor sign-in")
    # A code is accepted once: after one is used, give the next one (also accepted now).
    now = totp.current_step()
    step = max(now, (row.last_used_step or 0) + 1) if row is not None else now
    if step > now + totp.DRIFT_STEPS:
        wait = totp.seconds_left(now) + 1
        raise click.ClickException(f"codes for {email} were just used: try again in {wait} s")
    click.echo(totp.code_at(secret, step))
    seconds = totp.seconds_left(step) + totp.DRIFT_STEPS * totp.STEP_SECONDS
    click.echo(f"It works for about {seconds} seconds.", err=True)
