"""CSRF, security headers, cookies and production settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import make_app, post_form
from tests.factories import PASSWORD, sign_in
from training_app import create_app
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.config import ProductionConfig, settings_from_environment
from training_app.extensions import db


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": "x"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_signed_in_post_without_token_is_refused(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200  # still signed in


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.headers["X-Frame-Options"] == "DENY"
    # No cross-origin reads, even when another site asks (ASVS V14.5.3).
    asked = client.get("/sign-in", headers={"Origin": "https://evil.example"})
    assert not any(name.startswith("Access-Control-") for name, _ in asked.headers)


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = sign_in(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signed_in_pages_are_not_cached(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_production_refuses_to_start_without_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("TRAINING_APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        settings_from_environment(str(tmp_path))


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("TRAINING_APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    settings = settings_from_environment(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")


def test_development_secret_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("TRAINING_APP_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = settings_from_environment(str(tmp_path))
    second = settings_from_environment(str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'training.sqlite3'}"


def test_factory_refuses_an_empty_secret(tmp_path):
    with pytest.raises(RuntimeError):
        create_app({"SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert make_app(f"sqlite:///{tmp_path}/x.db").config["SECRET_KEY"]


def test_errors_render_in_the_layout(client):
    response = client.get("/definitely-missing")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body and 'id="main-content"' in body


def test_passwords_are_argon2id_at_owasp_minimum_cost(app, make_user):
    """ASVS V2.4.1/V2.4.4: a memory-hard hash with at least 19 MiB, t=2, p=1; never plain text."""
    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


def test_new_password_hint_follows_the_configured_minimum(client, make_user):
    """ASVS V2.1.1: at least 12 characters, and the form says so."""
    user = make_user()
    sign_in(client, user.email)
    page = client.get("/account/password").get_data(as_text=True)
    assert "At least 12 characters." in page


def test_failed_sign_in_is_audited_without_the_password(client, make_user):
    """ASVS V7.1.1/V7.2.1: authentication failures are logged; credentials never are."""
    user = make_user()
    sign_in(client, user.email, "not-the-password-123")
    with client.application.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed")
        ).all()
        logged = [repr(vars(event)) for event in events]
    assert events and not any("not-the-password-123" in text for text in logged)


def test_long_passphrases_are_accepted_whole(client, make_user):
    """ASVS V2.1.2/V2.1.3: 64+ characters allowed, and no truncation (a prefix fails)."""
    user = make_user()
    sign_in(client, user.email)
    passphrase = "a very long passphrase about walking the dog on a wet tuesday morning"
    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": passphrase, "confirm": passphrase},
    )
    assert response.status_code == 302
    other = client.application.test_client()
    assert sign_in(other, user.email, passphrase[:-1]).status_code == 200  # refused
    assert sign_in(other, user.email, passphrase).status_code == 302


def test_an_upload_over_the_limit_gets_a_clear_page(client):
    """ASVS V12.1.1: request bodies are capped (5 MB) before anything reads them."""
    response = client.post("/sign-in", data=b"x" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(as_text=True)


def test_production_parses_content_when_a_worker_starts(tmp_path):
    # A gunicorn worker must not spend its first request reading YAML (bench/README.md).
    assert ProductionConfig.CONTENT_PRELOAD is True
    started = make_app(f"sqlite:///{tmp_path / 'p.db'}", CONTENT_PRELOAD=True)
    assert "first-responder" in started.extensions["content_library"].modules
    lazy = make_app(f"sqlite:///{tmp_path / 'l.db'}")
    assert "content_library" not in lazy.extensions


def test_session_cookie_is_reissued_at_most_once_a_minute(app, client, make_user):
    # Re-signing the cookie on every response is a tenth of a page's server time; the
    # idle time-out may slide once a minute instead (training_app/cookies.py).
    user = make_user()
    assert "Set-Cookie" in sign_in(client, user.email).headers
    client.get("/")  # the first page after sign-in stores a new CSRF secret
    assert "Set-Cookie" not in client.get("/").headers
    app.config["SESSION_REFRESH_SECONDS"] = 0
    refreshed = client.get("/").headers.get("Set-Cookie", "")
    assert refreshed.startswith("session=") and "Expires=" in refreshed
    assert client.get("/").status_code == 200  # the re-issued cookie still signs in


def test_session_cookie_past_the_idle_time_out_signs_out(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    # Every cookie is older than a negative lifetime: the signature's age check fails.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_id_too_large_for_the_database_is_not_found(client, make_user):
    # Ids are PostgreSQL `integer` columns (SQLite's overflow at 2**63): a 404, never a 500.
    user = make_user()
    sign_in(client, user.email)
    for huge in (2**31, 2**63, 10**30):
        assert client.get(f"/learn/first-responder/attempts/{huge}/pages/1").status_code == 404
        assert client.get(f"/schools/{huge}/people").status_code == 404
    largest = 2**31 - 1  # still a well-formed id: it just does not exist
    assert client.get(f"/learn/first-responder/attempts/{largest}/pages/1").status_code == 404
