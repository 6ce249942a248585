"""A database that is busy, hung, locked or away: the request gets a 503 page with
Retry-After in bounded time, never a 500 page or a dropped connection (issue 19, item 5)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import OperationalError

from tests.conftest import (
    POSTGRES_AVAILABLE,
    SKIP_POSTGRES_REASON,
    csrf_from,
    make_app,
    postgres_url,
)
from tests.factories import PASSWORD
from tests.faults.live import closed_port, silent_server
from training_app.config import normalise_database_url
from training_app.extensions import db


def assert_unavailable_page(response, started: float, within: float) -> None:
    """A 503 page with Retry-After, answered within `within` seconds."""
    elapsed = time.monotonic() - started
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert int(response.headers["Retry-After"]) > 0
    assert "briefly unavailable" in response.get_data(as_text=True)
    assert elapsed < within, f"took {elapsed:.1f} s"


def post_sign_in(app, email: str):
    """POST the sign-in form (its first query reads the users table)."""
    client = app.test_client()
    token = csrf_from(client, "/sign-in")
    started = time.monotonic()
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    return response, started


@pytest.fixture
def app_with() -> Iterator[Callable[..., Flask]]:
    """Build apps with other time limits; their pooled connections are closed afterwards."""
    built: list[Flask] = []

    def build(url: str, **settings: object) -> Flask:
        built.append(make_app(url, **settings))
        return built[-1]

    yield build
    for application in built:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def hung_listener() -> Iterator[int]:
    """A loopback TCP port that accepts connections and never answers: a hung server."""
    with silent_server() as port:
        yield port


def test_a_hung_postgresql_server_gives_a_503_within_the_connect_timeout(hung_listener, app_with):
    app = app_with(
        f"postgresql+psycopg://postgres@127.0.0.1:{hung_listener}/training",
        DATABASE_CONNECT_TIMEOUT_SECONDS=2,
    )
    response, started = post_sign_in(app, "someone@school.example")
    assert_unavailable_page(response, started, within=6)


def test_a_refused_postgresql_connection_gives_a_503(app_with):
    app = app_with(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/training")
    response, started = post_sign_in(app, "someone@school.example")
    assert_unavailable_page(response, started, within=3)


def test_a_busy_sqlite_file_gives_a_503_after_the_busy_timeout(app, backend, make_user, app_with):
    if backend != "sqlite":
        pytest.skip("SQLite's busy timeout")
    user = make_user()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    limited = app_with(url, DATABASE_BUSY_TIMEOUT_SECONDS=0.3)
    # Another process holds the write lock (a long import, a backup): sign-in must write.
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response, started = post_sign_in(limited, user.email)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_unavailable_page(response, started, within=3)
    # The same request succeeds once the lock has gone.
    response, _ = post_sign_in(limited, user.email)
    assert response.status_code == 302


def test_other_database_errors_stay_a_500(tmp_path, app_with):
    # A missing table is a fault of ours, not an outage: no 503 telling people to wait.
    app = app_with(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    client = app.test_client()
    token = csrf_from(client, "/sign-in")
    with pytest.raises(OperationalError, match="no such table"):
        client.post("/sign-in", data={"email": "a@b.example", "password": "x", "csrf_token": token})


@pytest.fixture
def locked_users_table(app, backend) -> Iterator[None]:
    """Another PostgreSQL session holding an exclusive lock on the users table."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's lock and statement timeouts")
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as holder:
        holder.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        yield
        holder.rollback()


@pytest.mark.usefixtures("locked_users_table")
def test_a_lock_held_too_long_gives_a_503_after_the_lock_timeout(app, app_with):
    limited = app_with(app.config["SQLALCHEMY_DATABASE_URI"], DATABASE_LOCK_TIMEOUT_MS=300)
    response, started = post_sign_in(limited, "someone@school.example")
    assert_unavailable_page(response, started, within=3)


@pytest.mark.usefixtures("locked_users_table")
def test_a_statement_running_too_long_gives_a_503_after_the_statement_timeout(app, app_with):
    limited = app_with(
        app.config["SQLALCHEMY_DATABASE_URI"],
        DATABASE_LOCK_TIMEOUT_MS=0,
        DATABASE_STATEMENT_TIMEOUT_MS=300,
    )
    response, started = post_sign_in(limited, "someone@school.example")
    assert_unavailable_page(response, started, within=3)


@pytest.mark.skipif(not POSTGRES_AVAILABLE, reason=SKIP_POSTGRES_REASON)
@pytest.mark.postgres
def test_the_time_limits_are_in_force_on_every_postgresql_connection(app_with):
    app = app_with(normalise_database_url(postgres_url()))
    with app.app_context(), db.engine.connect() as conn:
        statement = conn.execute(sa.text("SHOW statement_timeout")).scalar()
        lock = conn.execute(sa.text("SHOW lock_timeout")).scalar()
        with pytest.raises(OperationalError) as caught:
            conn.execute(sa.text("SET statement_timeout = 200"))
            conn.execute(sa.text("SELECT pg_sleep(2)"))
    assert (statement, lock) == ("15s", "5s")
    assert isinstance(caught.value.orig, psycopg.errors.QueryCanceled)
