"""X-Forwarded-For is believed only from the configured number of proxies."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import make_app, post_form
from tests.factories import PASSWORD
from training_app.admin.models import School, Trust
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.auth.services import set_password
from training_app.config import DevelopmentConfig, ProductionConfig, settings_from_environment
from training_app.extensions import db


def _signed_in_address(tmp_path: Path, proxies: int | None, forwarded: str) -> str | None:
    overrides = {} if proxies is None else {"TRUSTED_PROXIES": proxies}
    app = make_app(f"sqlite:///{tmp_path / f'proxy{proxies}.sqlite3'}", **overrides)
    with app.app_context():
        db.create_all()
        trust = Trust(name="T")
        school = School(name="S", trust=trust)
        user = User(school=school, name="P", email="p@s.example", role="staff")
        set_password(user, PASSWORD)
        db.session.add_all([trust, school, user])
        db.session.commit()
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"  # the proxy (or the client itself)
    headers = {"X-Forwarded-For": forwarded}
    response = post_form(
        client, "/sign-in", {"email": "p@s.example", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(
            select(AuditEvent.ip_address).where(AuditEvent.action == "auth.signed_in")
        )


@pytest.mark.parametrize(
    ("proxies", "forwarded", "seen"),
    [
        (None, "203.0.113.9", "192.0.2.10"),  # the default (development, tests): no proxy
        (0, "203.0.113.9", "192.0.2.10"),
        (1, "203.0.113.9", "203.0.113.9"),
        # A client's own X-Forwarded-For is not believed past the one trusted hop.
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.66, 203.0.113.9", "198.51.100.66"),
    ],
)
def test_forwarded_address_needs_a_trusted_proxy(tmp_path, proxies, forwarded, seen):
    assert _signed_in_address(tmp_path, proxies, forwarded) == seen


def test_trusted_proxies_setting(monkeypatch, tmp_path):
    assert DevelopmentConfig.TRUSTED_PROXIES == 0 and ProductionConfig.TRUSTED_PROXIES == 1
    monkeypatch.setenv("TRAINING_APP_ENV", "development")
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert settings_from_environment(str(tmp_path))["TRUSTED_PROXIES"] == 2
