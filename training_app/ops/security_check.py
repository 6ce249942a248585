"""`flask security check`: the production settings a deployment must not get wrong."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MIN_SECRET_LENGTH = 32
KNOWN_WEAK_SECRETS = {"", "x", "secret", "changeme", "dev", "development"}


@dataclass(frozen=True)
class Finding:
    """One weak setting and how to fix it."""

    setting: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.problem} Fix: {self.fix}"


def weak_settings(config: Mapping[str, Any]) -> list[Finding]:
    """Every weak production setting in an app's configuration (pure)."""
    findings: list[Finding] = []

    def add(setting: str, problem: str, fix: str) -> None:
        findings.append(Finding(setting, problem, fix))

    secret = str(config.get("SECRET_KEY") or "")
    if secret.lower() in KNOWN_WEAK_SECRETS or "test" in secret.lower():
        add("SECRET_KEY", "is a default or test value.", "set a long random value.")
    elif len(secret) < MIN_SECRET_LENGTH:
        add(
            "SECRET_KEY",
            f"is shorter than {MIN_SECRET_LENGTH} characters.",
            "use python -c 'import secrets; print(secrets.token_hex(32))'.",
        )
    if config.get("DEBUG") or config.get("TESTING"):
        add("DEBUG", "debug or testing mode is on.", "run with TRAINING_APP_ENV=production.")
    if not config.get("SESSION_COOKIE_SECURE"):
        add(
            "SESSION_COOKIE_SECURE",
            "session cookies may be sent over plain HTTP.",
            "run with TRAINING_APP_ENV=production behind HTTPS.",
        )
    if config.get("PREFERRED_URL_SCHEME") != "https" or not str(
        config.get("EXTERNAL_URL") or ""
    ).startswith("https://"):
        add(
            "EXTERNAL_URL",
            "links in emails would not use HTTPS.",
            "serve over HTTPS and set EXTERNAL_URL=https://your.host.",
        )
    if str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory"):
        add(
            "REDIS_URL",
            "sign-in limits are counted per worker, not shared.",
            "set REDIS_URL so every gunicorn worker shares one count.",
        )
    if config.get("MAIL_BACKEND") != "smtp":
        add(
            "MAIL_BACKEND",
            "email (password resets, reminders) is not sent.",
            "set MAIL_BACKEND=smtp and the MAIL_* settings.",
        )
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        add(
            "DATABASE_URL",
            "SQLite is the embedded default, not for production.",
            "use PostgreSQL: DATABASE_URL=postgresql://...",
        )
    return findings


# Checks that need the database (e.g. admins without two-factor sign-in) register here.
DATABASE_CHECKS: list[Callable[[], list[Finding]]] = []


def all_findings(config: Mapping[str, Any]) -> list[Finding]:
    """Configuration findings plus those of the registered database checks."""
    findings = weak_settings(config)
    for check in DATABASE_CHECKS:
        findings.extend(check())
    return findings
