"""Demo data (published passwords and two-factor secrets) never lands in production unseen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import make_app
from training_app.admin.models import Trust
from training_app.auth.models import User
from training_app.extensions import db


@pytest.fixture
def production_app(tmp_path: Path):
    """The app with production's ENV_NAME on a fresh SQLite database."""
    application = make_app(f"sqlite:///{tmp_path / 'prod.sqlite3'}", ENV_NAME="production")
    with application.app_context():
        db.create_all()
    return application


def test_demo_seed_is_refused_in_production(production_app):
    result = production_app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "refused in production" in result.output
    with production_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Trust)) == 0
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_code_is_refused_in_production(production_app):
    # Even with demo people present (seeded before the switch to production).
    with production_app.app_context():
        from training_app.demo.cli import enrol_demo_accounts, seed_demo

        seed_demo()
        enrol_demo_accounts()
    result = production_app.test_cli_runner().invoke(args=["demo", "code", "dsl@northfield.demo"])
    assert result.exit_code == 1
    assert "refused in production" in result.output
    assert not any(line.strip().isdigit() for line in result.output.splitlines())


def test_security_check_fails_while_demo_data_exists(app, runner):
    assert "DEMO_DATA" not in runner.invoke(args=["security", "check"]).output
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    result = runner.invoke(args=["security", "check"])
    assert result.exit_code == 1
    assert "DEMO_DATA: 7 demo account(s)" in result.output
    assert "admin@northfield.demo" in result.output
    assert "Northfield Academy" in result.output


def test_security_check_fails_on_a_demo_school_without_its_people(app, runner):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        for user in db.session.scalars(select(User)):
            user.email = f"renamed{user.id}@school.example"
        db.session.commit()
    result = runner.invoke(args=["security", "check"])
    assert "DEMO_DATA: 0 demo account(s); demo school(s) or trust:" in result.output
    assert result.exit_code == 1


def test_security_check_does_not_flag_a_real_school(runner, world):
    assert "DEMO_DATA" not in runner.invoke(args=["security", "check"]).output
