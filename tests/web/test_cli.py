"""`flask users create-admin` and `flask demo seed`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import sign_in
from training_app.admin.services import DuplicateEmail, create_first_admin
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.demo.cli import DEMO_PASSWORD, PEOPLE
from training_app.extensions import db


def test_create_admin_makes_a_school_and_a_working_account(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "Head@Example.org",
            "--name",
            "Pat Head",
            "--school",
            "Hillside Primary",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created school_admin head@example.org at Hillside Primary" in result.output
    assert (
        sign_in(app.test_client(), "head@example.org", "a long enough password").status_code == 302
    )


def test_create_admin_refuses_duplicates_and_short_passwords(runner, make_user):
    user = make_user()
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            user.email,
            "--name",
            "X",
            "--school",
            "S",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "new@example.org",
            "--name",
            "X",
            "--school",
            "S",
            "--password",
            "short",
        ]
    )
    assert result.exit_code != 0 and "at least 12 characters" in result.output


def test_demo_seed_is_idempotent_and_prints_sign_in_details(app, runner):
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == second.exit_code == 0
    assert "Demo data created." in first.output and "already present" in second.output
    assert DEMO_PASSWORD in first.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == len(PEOPLE)
        roles = set(db.session.scalars(select(User.role)))
    assert roles == {"staff", "dsl", "school_admin", "trust_admin"}
    for person in PEOPLE:
        assert sign_in(app.test_client(), person.email, DEMO_PASSWORD).status_code == 302


def test_create_first_admin_joins_an_existing_school_and_audits(app, make_school):
    school = make_school("Brook Academy")
    with app.app_context():
        person = create_first_admin(
            email=" Lead@Brook.example ",
            name="Lee Lead",
            school_name="Brook Academy",
            trust_name=None,
            role="trust_admin",
            password="a long enough password",
        )
        assert (person.school_id, person.email, person.role) == (
            school.id,
            "lead@brook.example",
            "trust_admin",
        )
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "admin.admin_created_cli")
        )
        assert event is not None and event.target_id == str(person.id)
        with pytest.raises(DuplicateEmail):
            create_first_admin(
                email="LEAD@brook.example",
                name="Again",
                school_name="Elsewhere",
                trust_name=None,
                role="school_admin",
                password="a long enough password",
            )
