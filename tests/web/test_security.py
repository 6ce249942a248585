"""CSRF, security headers, cookies and production settings."""

from __future__ import annotations

import pytest

from tests.conftest import make_app
from tests.factories import sign_in
from training_app import create_app
from training_app.config import ProductionConfig, settings_from_environment


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
    assert client.get("/no-such-page").headers["X-Frame-Options"] == "DENY"


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
