"""Factories for schools and people; fixtures return callables (ARCHITECTURE convention 9)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from training_app.admin.models import School, Trust
from training_app.auth.models import User
from training_app.auth.services import find_user_by_email, set_password
from training_app.extensions import db
from training_app.mfa import services as mfa_services
from training_app.mfa import totp

PASSWORD = "correct horse battery"  # noqa: S105
# Every DSL and admin the factories make has two-factor sign-in set up with this secret
# (their roles require it); tests compute codes from it with pyotp.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
_counter = itertools.count(1)


def detached(obj: Any) -> Any:
    """Load every column, then detach, so tests can read it outside an app context."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def make_school(app: Flask) -> Callable[..., School]:
    """Return a function that creates a school (in a new trust unless one is given)."""

    def make(name: str | None = None, trust_id: int | None = None) -> School:
        n = next(_counter)
        with app.app_context():
            if trust_id is None:
                trust = Trust(name=f"Trust {n}")
                db.session.add(trust)
                db.session.flush()
                trust_id = trust.id
            school = School(name=name or f"School {n}", trust_id=trust_id)
            db.session.add(school)
            db.session.commit()
            return detached(school)  # type: ignore[no-any-return]

    return make


@pytest.fixture
def make_user(app: Flask, make_school: Callable[..., School]) -> Callable[..., User]:
    """Return a function that creates a person with the test password."""

    def make(
        role: str = "staff",
        school: School | None = None,
        *,
        two_factor: bool | None = None,
        **fields: Any,
    ) -> User:
        """`two_factor` defaults to what the role requires."""
        n = next(_counter)
        school = school or make_school()
        if two_factor is None:
            two_factor = role in mfa_services.REQUIRED_ROLES
        with app.app_context():
            user = User(
                school_id=school.id,
                name=fields.pop("name", f"Person {n}"),
                email=fields.pop("email", f"person{n}@school.example"),
                role=role,
                staff_group=fields.pop("staff_group", "teaching"),
                **fields,
            )
            set_password(user, PASSWORD)
            db.session.add(user)
            db.session.flush()
            if two_factor:
                mfa_services.enrol_with_secret(user, TOTP_SECRET)
            db.session.commit()
            return detached(user)  # type: ignore[no-any-return]

    return make


def next_code(app: Flask, email: str) -> str:
    """A code the app will accept now for this enrolled account (read from its secret).

    Each time-step's code works once, so a test signing the same person in again within
    30 seconds gets the next step's code (also accepted). A third time in one step rewinds
    the stored step: a shortcut for tests only; tests/web/test_mfa.py checks replays.
    """
    with app.app_context():
        user = find_user_by_email(email)
        assert user is not None
        row = mfa_services.enrolment(user.id)
        assert row is not None and row.confirmed_at is not None
        secret = mfa_services.secret_of(row)
        assert secret is not None
        now = totp.current_step()
        step = max(now, (row.last_used_step or 0) + 1)
        if step > now + totp.DRIFT_STEPS:
            row.last_used_step = now - 1
            db.session.commit()
            step = now
        return totp.code_at(secret, step)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    """Sign a client in through the real form, giving a code when the account asks for one."""
    from tests.conftest import post_form

    response = post_form(client, "/sign-in", {"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"] == "/sign-in/code":
        code = next_code(client.application, email)
        response = post_form(client, "/sign-in/code", {"code": code})
    return response


@dataclass
class World:
    """Two trusts: A (schools A1, A2) and B (school B1), with a person in every role."""

    a1: School
    a2: School
    b1: School
    users: dict[str, User]


@pytest.fixture
def world(make_school: Callable[..., School], make_user: Callable[..., User]) -> World:
    """A small multi-trust world for authorisation tests."""
    a1 = make_school("A1")
    a2 = make_school("A2", a1.trust_id)
    b1 = make_school("B1")
    users = {
        "staff": make_user("staff", a1, email="staff@a1.example"),
        "dsl": make_user("dsl", a1, email="dsl@a1.example"),
        "school_admin": make_user("school_admin", a1, email="admin@a1.example"),
        "trust_admin": make_user("trust_admin", a1, email="trust@a.example"),
        "other_trust_admin": make_user("school_admin", b1, email="admin@b1.example"),
        "a2_staff": make_user("staff", a2, email="staff@a2.example"),
        "b1_staff": make_user("staff", b1, email="staff@b1.example"),
    }
    return World(a1, a2, b1, users)


@pytest.fixture
def login_as(app: Flask, world: World) -> Callable[[str], FlaskClient]:
    """Return a function giving a client signed in as one of the world's roles."""

    def login(role: str) -> FlaskClient:
        client = app.test_client()
        if role != "anonymous":
            response = sign_in(client, world.users[role].email)
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login
