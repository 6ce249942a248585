"""Configuration classes. The environment is read here and only here, but for the few
variables read before or without an app, listed at the end of this module."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Settings shared by every environment; subclasses override what differs."""

    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    # database.py replaces the pre-ping with cheaper checks on SQLite and psycopg.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Database time limits (database.py), each well inside gunicorn's 30 s worker timeout so
    # a database that is down or hung costs a request seconds and a 503 page, never the
    # worker: reaching the server, one statement, waiting for a row lock, the ping of a
    # connection taken from the pool, and SQLite's wait for another writer. 0 turns the
    # statement or lock limit off (e.g. `DATABASE_STATEMENT_TIMEOUT_MS=0 flask db upgrade`
    # for a long migration).
    DATABASE_CONNECT_TIMEOUT_SECONDS = 5
    DATABASE_STATEMENT_TIMEOUT_MS = 15_000
    DATABASE_LOCK_TIMEOUT_MS = 5_000
    DATABASE_PING_TIMEOUT_SECONDS = 2.0
    DATABASE_BUSY_TIMEOUT_SECONDS = 10.0
    # What a 503 page asks the browser (and the load balancer) to wait before trying again.
    UNAVAILABLE_RETRY_AFTER_SECONDS = 30

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "session"
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # a school working day (idle time-out)
    SESSION_ABSOLUTE_LIFETIME = 12 * 60 * 60  # from sign-in, however active (ASVS V3.3.2)
    SESSION_REFRESH_SECONDS = 60  # the idle time-out slides at most once a minute (cookies.py)
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 8 * 60 * 60  # a form left open all morning still submits
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # staff CSV uploads are small

    # Login throttling: strict per account, generous per address because a whole
    # school (or a classroom of pupils) usually shares one public IP address. The account
    # limit counts wrong passwords only (ASVS 2.2.1: at most 100 an hour), and a browser that
    # signed in to the account before has a budget of its own (auth/throttle.py).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = "10 per minute;100 per hour"
    LOGIN_LIMIT_PER_ADDRESS = "300 per minute"
    RATELIMIT_ENABLED = True
    # With Redis (REDIS_URL): how long one call may wait before the limits fall back to
    # counting in each worker's memory (extensions.FallbackLimiter, docs/deployment.md).
    REDIS_CONNECT_TIMEOUT_SECONDS = 0.5
    REDIS_TIMEOUT_SECONDS = 0.5

    # Class lessons. A session ends by itself this long after it starts (a double lesson,
    # with slack). Failed codes per address are generous because a whole school often shares
    # one address (pupils already in a lesson are never counted or blocked by it); joins per
    # address, successful or not, fit a year group joining at once. Screens ask for changes
    # this often (an unchanged answer is a 304 with no body).
    LESSON_MAX_MINUTES = 120
    LESSON_MAX_PARTICIPANTS = 120
    LESSON_JOIN_FAILURE_LIMIT = "40 per minute; 400 per day"
    LESSON_JOIN_LIMIT = "300 per minute"
    LESSON_POLL_SECONDS_PUPIL = 4
    LESSON_POLL_SECONDS_PRESENTER = 2

    # How long each worker reuses what it worked out, rather than asking again: a session's
    # signed CSRF token (csrf_tokens.py), a school's guidance edition (editions/school.py;
    # another worker's change shows within this), and which schools send xAPI statements
    # (xapi/record.py).
    CSRF_REUSE_SECONDS = 60.0
    SCHOOL_EDITION_MEMO_SECONDS = 60.0
    XAPI_SCHOOLS_MEMO_SECONDS = 30.0

    # Sending xAPI statements (`flask xapi send`, docs/xapi.md): how long one POST to an LRS
    # may take, and the wait after a failed try, doubling from the first to the most.
    XAPI_TIMEOUT_SECONDS = 10.0
    XAPI_BACKOFF_FIRST_SECONDS = 30
    XAPI_BACKOFF_MOST_SECONDS = 3600

    # Two-factor sign-in (docs/security-mfa.md): wrong codes allowed per account (only
    # wrong codes count), wrong codes before the password is asked for again, and how
    # long the second step may wait after the password (setting up an app takes a while).
    MFA_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
    MFA_MAX_FAILURES = 5
    MFA_PENDING_MINUTES = 15
    MFA_ISSUER = "Safeguarding training"

    # Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1): ~25 ms a check here.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1

    PASSWORD_RESET_HOURS = 2
    INVITATION_HOURS = 7 * 24  # the set-password link in an invitation from the dashboard
    MIN_PASSWORD_LENGTH = 12  # OWASP ASVS 4.0.3 V2.1.1

    MAIL_BACKEND = "console"  # "smtp" in production
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_STARTTLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_TIMEOUT_SECONDS = 10
    MAIL_DEFAULT_SENDER = "Safeguarding training <no-reply@training.invalid>"

    # Where absolute links in emails point (reset links); falls back to the request host.
    EXTERNAL_URL: str | None = None
    # Where `make run` serves the app: what emails sent from the command line link to in
    # development when EXTERNAL_URL is not set. None elsewhere, so production must set it.
    DEV_SERVER_URL: str | None = None

    SCENARIOS_DIR = str(PROJECT_ROOT / "scenarios")
    QUIZZES_DIR = str(PROJECT_ROOT / "quizzes")

    PER_PAGE = 50

    # How many reverse proxies in front of gunicorn append to X-Forwarded-For (and set
    # X-Forwarded-Proto/-Host). 0 trusts none: the address is the TCP peer's, so a client
    # cannot choose the address its sign-in limits and audit rows are counted under.
    TRUSTED_PROXIES = 0


class DevelopmentConfig(Config):
    """The embedded default: SQLite in instance/, mail printed to the console."""

    ENV_NAME = "development"
    DEV_SERVER_URL = "http://127.0.0.1:5000"


class ProductionConfig(Config):
    """Behind gunicorn on PostgreSQL: secure cookies and a real secret are mandatory."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    MAIL_BACKEND = "smtp"
    PREFERRED_URL_SCHEME = "https"
    TRUSTED_PROXIES = 1  # nginx (docs/deployment.md); set 2 behind a load balancer and nginx
    CONTENT_PRELOAD = True  # parse the content when a worker starts, not on its first request


class TestConfig(Config):
    """Used by the test suite; the database URL is supplied by the fixtures."""

    ENV_NAME = "test"
    SECRET_KEY = "test-only-secret-key-never-used-in-production"  # noqa: S105
    TESTING = True
    MAIL_BACKEND = "memory"
    SQLALCHEMY_DATABASE_URI = "sqlite://"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}

# Environment variables copied into the config when present, with their parsers.
_ENV_OVERRIDES: dict[str, Any] = {
    "SECRET_KEY": str,
    "MAIL_BACKEND": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "EXTERNAL_URL": str,
    "DEV_SERVER_URL": str,
    "MAIL_USE_STARTTLS": lambda v: v.lower() in {"1", "true", "yes"},
    "MAIL_USE_SSL": lambda v: v.lower() in {"1", "true", "yes"},
    "LOGIN_LIMIT_PER_ADDRESS": str,
    "LOGIN_LIMIT_PER_ACCOUNT": str,
    "DATABASE_CONNECT_TIMEOUT_SECONDS": int,
    "DATABASE_STATEMENT_TIMEOUT_MS": int,
    "DATABASE_LOCK_TIMEOUT_MS": int,
    "DATABASE_PING_TIMEOUT_SECONDS": float,
    "DATABASE_BUSY_TIMEOUT_SECONDS": float,
    "REDIS_CONNECT_TIMEOUT_SECONDS": float,
    "REDIS_TIMEOUT_SECONDS": float,
    "TRUSTED_PROXIES": int,
}


def normalise_database_url(url: str) -> str:
    """Point postgres:// and postgresql:// URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def settings_from_environment(instance_path: str) -> dict[str, Any]:
    """Read the process environment into config keys (the only place that does)."""
    env_name = os.environ.get("TRAINING_APP_ENV", "development")
    if env_name not in CONFIGS:
        raise RuntimeError(
            f"TRAINING_APP_ENV={env_name!r} is not one of {', '.join(sorted(CONFIGS))}"
        )
    base = CONFIGS[env_name]
    settings: dict[str, Any] = {k: getattr(base, k) for k in dir(base) if k.isupper()}
    for key, parse in _ENV_OVERRIDES.items():
        if key in os.environ:
            settings[key] = parse(os.environ[key])
    if os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    else:
        settings["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(instance_path) / "training.sqlite3"
        )
    if os.environ.get("REDIS_URL"):
        settings["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    if not settings.get("SECRET_KEY"):
        if env_name == "production":
            raise RuntimeError(
                "SECRET_KEY must be set in production (e.g. python -c "
                "'import secrets; print(secrets.token_hex(32))')."
            )
        settings["SECRET_KEY"] = instance_secret_key(instance_path)
    return settings


def instance_secret_key(instance_path: str) -> str:
    """Return the secret kept in instance/, generating it once for the embedded default."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created 0600 so other local users cannot forge sessions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


# Read from the environment elsewhere, because no app exists where they are needed:
# - WEB_CONCURRENCY: gunicorn's number of workers, read by training_app/ops/gunicorn_config.py,
#   which gunicorn loads before it imports the app (docs/deployment.md).
# - AUDIT_ALLOW_UNAUDITED: `make audit`'s script (training_app/ops/dependency_audit.py), run
#   without an app.
# - PATH, HOME, LANG and PGSSLMODE are passed on to pg_dump and psql by the backup commands
#   (training_app/ops/backup.py), not read as settings.
