"""A school admin sets up sign-in with the provider; people made at first sign-in."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import mentions, post_form
from tests.sso.conftest import DOMAIN, sso_sign_in
from tests.sso.harness import CLIENT_ID, CLIENT_SECRET
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.extensions import db
from training_app.mfa.sealing import seal, unseal
from training_app.sso.models import SchoolSignIn, SignInIdentity

SETTINGS = "/schools/{}/sign-in-settings"


def _form(issuer: str, **changes) -> dict:
    return {
        "kind": "oidc",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "domains": f"{DOMAIN.upper()}, staff.{DOMAIN}",
        "enabled": "y",
        **changes,
    }


def test_admin_sets_up_the_provider_and_staff_can_then_use_it(
    app, login_as, world, oidc_provider, make_user
):
    admin = login_as("school_admin")
    url = SETTINGS.format(world.a1.id)
    page = admin.get(url).get_data(as_text=True)
    assert "http://localhost/sign-in/school-account/return" in page

    response = post_form(admin, url, _form(oidc_provider.issuer))

    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(SchoolSignIn))
        assert row.school_id == world.a1.id
        assert row.domain_list == [DOMAIN, f"staff.{DOMAIN}"]
        # Stored sealed, like authenticator secrets: never the secret itself.
        assert CLIENT_SECRET not in row.client_secret_sealed
        assert unseal(row.client_secret_sealed, app.config["SECRET_KEY"]) == CLIENT_SECRET
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sso.settings_changed")
        )
        assert CLIENT_SECRET not in str(event.after)
        db.session.expunge(row)
    make_user("staff", world.a1, email=f"staff@{DOMAIN}")
    assert sso_sign_in(app.test_client(), row, f"staff@{DOMAIN}").status_code == 302


def test_a_blank_secret_keeps_the_saved_one(app, login_as, world, oidc_provider):
    admin = login_as("school_admin")
    url = SETTINGS.format(world.a1.id)
    post_form(admin, url, _form(oidc_provider.issuer))
    response = post_form(admin, url, _form(oidc_provider.issuer, client_secret="", client_id="x"))
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(SchoolSignIn))
        assert row.client_id == "x"
        assert unseal(row.client_secret_sealed, app.config["SECRET_KEY"]) == CLIENT_SECRET


def test_settings_are_checked(app, login_as, world):
    admin = login_as("school_admin")
    url = SETTINGS.format(world.a1.id)
    response = post_form(
        admin, url, _form("http://provider.example", domains="not a domain", client_secret="")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "starting https://" in page
    assert "like school.org.uk" in page
    assert "Enter the client secret" in page
    with app.app_context():
        assert db.session.scalar(select(SchoolSignIn)) is None


def test_new_staff_are_created_at_first_sign_in_when_the_school_allows(
    app, login_as, world, oidc_provider, school_sign_in
):
    row = school_sign_in(world.a1.id, oidc_provider.issuer, create_staff=True)
    client = app.test_client()

    response = sso_sign_in(client, row, f"new.person@{DOMAIN}")

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == f"new.person@{DOMAIN}"))
        assert (person.role, person.school_id, person.password_hash) == ("staff", world.a1.id, None)
        identity = db.session.scalar(select(SignInIdentity))
        assert identity.created_at_sign_in is True
        person_id = person.id
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"sso.created_person", "sso.linked", "sso.signed_in"} <= actions

    # The admin is asked to give them a staff group, once.
    admin = login_as("school_admin")
    url = SETTINGS.format(world.a1.id)
    assert mentions(admin.get(url).get_data(as_text=True), f"new.person@{DOMAIN}")
    done = post_form(
        admin, f"{url}/people/{person_id}", {f"p{person_id}-staff_group": "support"}, token_from=url
    )
    assert done.status_code == 302
    assert not mentions(admin.get(url).get_data(as_text=True), f"new.person@{DOMAIN}")
    with app.app_context():
        assert db.session.get(User, person_id).staff_group == "support"


def test_another_schools_admin_cannot_complete_a_person(
    app, login_as, world, oidc_provider, school_sign_in
):
    row = school_sign_in(world.a1.id, oidc_provider.issuer, create_staff=True)
    sso_sign_in(app.test_client(), row, f"new.person@{DOMAIN}")
    with app.app_context():
        person_id = db.session.scalar(select(User.id).where(User.email == f"new.person@{DOMAIN}"))
    other = login_as("other_trust_admin")
    url = SETTINGS.format(world.b1.id)
    response = post_form(
        other, f"{url}/people/{person_id}", {f"p{person_id}-staff_group": "support"}
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(User, person_id).staff_group == "other"


def test_the_admins_home_shows_people_waiting_for_a_staff_group(
    app, login_as, world, oidc_provider, school_sign_in
):
    admin = login_as("school_admin")
    assert "Set up sign-in with Microsoft or Google" in admin.get("/").get_data(as_text=True)
    row = school_sign_in(world.a1.id, oidc_provider.issuer, create_staff=True)
    sso_sign_in(app.test_client(), row, f"new.person@{DOMAIN}")

    home = admin.get("/").get_data(as_text=True)

    assert "1 new person</strong> signed in for the first time and needs a staff group" in home
    assert f'href="/schools/{world.a1.id}/sign-in-settings"' in home


def test_a_domain_belongs_to_one_school_only(app, login_as, world, oidc_provider, school_sign_in):
    school_sign_in(world.b1.id, oidc_provider.issuer, domains=DOMAIN)
    admin = login_as("school_admin")
    response = post_form(admin, SETTINGS.format(world.a1.id), _form(oidc_provider.issuer))
    assert response.status_code == 200
    assert f"Another school or trust already signs in staff from {DOMAIN}." in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert (
            db.session.scalar(select(SchoolSignIn).where(SchoolSignIn.school_id == world.a1.id))
            is None
        )


def test_a_secret_sealed_under_another_key_asks_the_admin_to_enter_it_again(
    app, client, make_school, oidc_provider, school_sign_in
):
    row = school_sign_in(make_school().id, oidc_provider.issuer)
    with app.app_context():
        db.session.get(SchoolSignIn, row.id).client_secret_sealed = seal(CLIENT_SECRET, "old key")
        db.session.commit()
    response = client.get(f"/sign-in/school-account/{row.id}")
    assert response.status_code == 503
    assert "Ask your school" in response.get_data(as_text=True)


def test_security_check_names_schools_whose_secret_cannot_be_read(
    app, runner, make_school, oidc_provider, school_sign_in
):
    school = make_school("Hillside Primary")
    row = school_sign_in(school.id, oidc_provider.issuer)
    assert "SCHOOL_SIGN_IN" not in runner.invoke(args=["security", "check"]).output
    with app.app_context():
        db.session.get(SchoolSignIn, row.id).client_secret_sealed = seal(CLIENT_SECRET, "old key")
        db.session.commit()
    output = runner.invoke(args=["security", "check"]).output
    expected = "SCHOOL_SIGN_IN: the client secret of 1 school or trust provider(s) cannot be read"
    assert expected in output
    assert "Hillside Primary" in output


def test_the_schools_audit_log_shows_sign_ins_links_and_refusals(
    app, login_as, world, oidc_provider, school_sign_in, make_user
):
    row = school_sign_in(world.a1.id, oidc_provider.issuer)
    make_user("staff", world.a1, email=f"staff@{DOMAIN}")
    sso_sign_in(app.test_client(), row, f"staff@{DOMAIN}")
    sso_sign_in(app.test_client(), row, f"new.person@{DOMAIN}")

    page = login_as("school_admin").get(f"/schools/{world.a1.id}/audit").get_data(as_text=True)

    for action in ("sso.linked", "sso.signed_in", "sso.refused"):
        assert action in page
    assert "refused: unknown" in page
