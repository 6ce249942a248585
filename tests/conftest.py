"""Fixtures shared by every test: the app on SQLite and (when available) PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, settings

from tests.helpers.mail import Inbox, smtp_server
from tests.private_postgres import PrivatePostgres, why_not_startable
from training_app import create_app
from training_app.config import TestConfig, normalise_database_url
from training_app.extensions import db, limiter
from training_app.ops.retention import purge_permit

pytest_plugins = ["tests.factories"]

# Property tests take as long as they take: on a machine busy with other work an example that
# parses content or builds an app can exceed hypothesis's 200 ms deadline without anything
# being wrong, so no deadline and no "too slow" health check. Tests set only max_examples.
settings.register_profile("tests", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tests")

# PostgreSQL: the server at TEST_DATABASE_URL (.ci/run sets it), or else a private server
# each test process starts from the installed binaries on first use (tests/private_postgres.py)
# and stops at the end of the run.
CONFIGURED_POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
_NO_PRIVATE_POSTGRES = None if CONFIGURED_POSTGRES_URL else why_not_startable()
POSTGRES_AVAILABLE = _NO_PRIVATE_POSTGRES is None
SKIP_POSTGRES_REASON = (
    f"PostgreSQL tests skipped: TEST_DATABASE_URL is not set and {_NO_PRIVATE_POSTGRES}"
)
_private_postgres: PrivatePostgres | None = None


def postgres_url() -> str:
    """URL of the PostgreSQL the tests use, starting this process's private server if needed."""
    global _private_postgres
    if CONFIGURED_POSTGRES_URL:
        return CONFIGURED_POSTGRES_URL
    if _private_postgres is None:
        _private_postgres = PrivatePostgres.start()
    return _private_postgres.url


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop this process's private PostgreSQL, if it started one (e2e/conftest.py calls it too)."""
    global _private_postgres
    if _private_postgres is not None:
        _private_postgres.stop()
        _private_postgres = None


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_AVAILABLE, reason=SKIP_POSTGRES_REASON),
        ],
    ),
]

_pg_schema_ready = False
_pg_main_url: str | None = None


def empty_postgres_database(url: str) -> None:
    """Drop every table (including alembic's) so the database starts from empty."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def worker_database(name: str) -> str:
    """A PostgreSQL database of this pytest-xdist worker's own (created when missing).

    Workers run in parallel, so each needs a database no other worker truncates.
    """
    base = sa.make_url(normalise_database_url(postgres_url()))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    database = f"{base.database}_{name}_{worker}" if worker else f"{base.database}_{name}"
    if name == "main" and not worker:
        database = str(base.database)
    if database != base.database:
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
            ).first()
            if exists is None:
                conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
    return base.set(database=database).render_as_string(hide_password=False)


def database_url_for(backend: str, tmp_path: Path) -> str:
    """A fresh database URL for one test on the given backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    global _pg_main_url
    if _pg_main_url is None:
        _pg_main_url = worker_database("main")
    return _pg_main_url


def make_app(url: str, **overrides: Any) -> Flask:
    """Build an app for tests on a given database URL."""
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(SQLALCHEMY_DATABASE_URI=url, **overrides)
    return create_app(settings)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend this test runs on."""
    return str(request.param)


@pytest.fixture
def app(backend: str, tmp_path: Path) -> Iterator[Flask]:
    """The app with an empty schema; PostgreSQL tables are truncated between tests.

    No app context stays pushed while the test runs: each test-client request must get
    its own context (and so its own `g` and database session), exactly as in production.
    Test code that touches the database opens `with app.app_context():` itself.
    """
    global _pg_schema_ready
    url = database_url_for(backend, tmp_path)
    application = make_app(url)
    with application.app_context():
        if backend == "postgresql" and not _pg_schema_ready:
            empty_postgres_database(url)
            db.create_all()
            _pg_schema_ready = True
        elif backend == "sqlite":
            db.create_all()
        limiter.reset()
    yield application
    with application.app_context():
        if backend == "postgresql":
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            # Completions and audit events are append-only (training_app/ops/retention.py):
            # emptying them takes the purge's permit, held for this transaction only.
            with db.engine.begin() as conn, purge_permit(conn):
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to a database with nothing in it, for migrations (a scratch one on PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    url = worker_database("migrations")
    empty_postgres_database(url)  # earlier runs may have left tables behind
    return url


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 and a free port: (its inbox, the port)."""
    with smtp_server() as server:
        yield server


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner."""
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(client: FlaskClient, url: str) -> str:
    """GET a page and return the CSRF token in its first form."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {response.status_code})"
    return match.group(1)


def mentions(text: str, word: str) -> bool:
    """Whether a page or mail shows `word` as a whole word in its text.

    Tags and attribute values are ignored: a random CSRF token or session id may contain
    "B1" by chance, and a school's name in a test world is that short.
    """
    visible = re.sub(r"<[^>]*>", " ", text)
    return re.search(rf"(?<![\w.@-]){re.escape(word)}(?![\w.@-])", visible) is not None


def post_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any],
    *,
    token_from: str | None = None,
    **kwargs: Any,
) -> Any:
    """POST a form with a valid CSRF token taken from `token_from` (default: the same URL)."""
    token = csrf_from(client, token_from or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)
