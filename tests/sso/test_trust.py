"""A trust whose schools share one Microsoft or Google tenant sets sign-in up once."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import post_form
from tests.sso.conftest import DOMAIN, sso_sign_in
from tests.sso.harness import CLIENT_ID, CLIENT_SECRET
from training_app.audit.models import AuditEvent
from training_app.extensions import db
from training_app.sso.models import SchoolSignIn


def _set_up_for_trust(app, login_as, world, issuer) -> SchoolSignIn:
    trust_admin = login_as("trust_admin")
    url = f"/trusts/{world.a1.trust_id}/sign-in-settings"
    response = post_form(
        trust_admin,
        url,
        {
            "kind": "oidc",
            "issuer": issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "domains": DOMAIN,
            "create_staff": "y",  # not offered for a trust, and ignored if sent
            "enabled": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(SchoolSignIn))
        db.session.expunge(row)
    return row


def test_staff_of_every_school_in_the_trust_sign_in_with_its_provider(
    app, login_as, world, oidc_provider, make_user
):
    row = _set_up_for_trust(app, login_as, world, oidc_provider.issuer)
    assert (row.trust_id, row.school_id, row.create_staff) == (world.a1.trust_id, None, False)
    person = make_user("staff", world.a2, email=f"staff@{DOMAIN}")

    client = app.test_client()
    assert sso_sign_in(client, row, f"staff@{DOMAIN}").status_code == 302
    assert person.name in client.get("/").get_data(as_text=True)
    with app.app_context():
        linked = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sso.linked"))
        assert linked.school_id == world.a2.id  # in the person's own school's audit log


def test_a_trust_provider_creates_nobody_and_lets_in_no_other_trust(
    app, login_as, world, oidc_provider, make_user
):
    row = _set_up_for_trust(app, login_as, world, oidc_provider.issuer)
    assert sso_sign_in(app.test_client(), row, f"new.person@{DOMAIN}").status_code == 403
    make_user("staff", world.b1, email=f"staff@{DOMAIN}")
    assert sso_sign_in(app.test_client(), row, f"staff@{DOMAIN}").status_code == 403
    with app.app_context():
        reasons = [
            e.summary.rpartition(": ")[2]
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "sso.refused").order_by(AuditEvent.id)
            )
        ]
    assert reasons == ["unknown", "other_school"]


def test_schools_see_their_trusts_provider(app, login_as, world, oidc_provider):
    _set_up_for_trust(app, login_as, world, oidc_provider.issuer)
    admin = login_as("school_admin")
    assert "set up by your trust" in admin.get("/").get_data(as_text=True)
    page = admin.get(f"/schools/{world.a1.id}/sign-in-settings").get_data(as_text=True)
    assert "Your trust has set this up for all its schools" in page
    # Its domain is the trust's: the school cannot claim it for a provider of its own.
    response = post_form(
        admin,
        f"/schools/{world.a1.id}/sign-in-settings",
        {"kind": "google", "issuer": "", "client_id": "c", "client_secret": "s", "domains": DOMAIN},
    )
    assert "Another school or trust already signs in staff from" in response.get_data(as_text=True)
    trust_home = login_as("trust_admin").get("/").get_data(as_text=True)
    assert "On for every school" in trust_home
