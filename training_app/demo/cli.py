"""`flask demo seed`: a demo trust with two schools and a person in every role."""

from __future__ import annotations

from dataclasses import dataclass

import click
from flask.cli import AppGroup
from sqlalchemy import select

from training_app.admin.models import School, Trust
from training_app.auth.models import User
from training_app.auth.services import set_password
from training_app.extensions import db

demo_cli = AppGroup("demo", help="Demo data for trying the platform.")

DEMO_PASSWORD = "demo-training-2026"  # noqa: S105 - printed demo credential, dev only


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


@demo_cli.command("seed")
def seed_command() -> None:
    """Seed the demo trust (idempotent) and print the sign-in details."""
    created = seed_demo()
    click.echo("Demo data created." if created else "Demo data already present.")
    click.echo(f"Sign in with any of these (password: {DEMO_PASSWORD}):")
    for person in PEOPLE:
        click.echo(f"  {person.role:<13} {person.email:<26} {person.name}, {person.school}")
