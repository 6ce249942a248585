"""Signing in with a school's provider, against a real OpenID provider on loopback."""

from __future__ import annotations

from sqlalchemy import select

from tests.sso.conftest import DOMAIN, sso_sign_in
from training_app.audit.models import AuditEvent
from training_app.extensions import db


def _events(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_staff_member_signs_in_with_the_school_provider(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    person = make_user("staff", school, email=f"staff@{DOMAIN}")
    row = school_sign_in(school.id, oidc_provider.issuer)

    response = sso_sign_in(client, row, f"staff@{DOMAIN}")

    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert person.name in home.get_data(as_text=True)
    linked = _events(app, "sso.linked")
    assert [e.target_id for e in linked] == [str(person.id)]
    assert len(_events(app, "sso.signed_in")) == 1
