"""Signing in with a school's provider, against a real OpenID provider on loopback."""

from __future__ import annotations

import html
import time

from sqlalchemy import select

from tests.conftest import post_form
from tests.factories import next_code, sign_in
from tests.sso.conftest import DOMAIN, RETURN, leave_for_provider, sso_sign_in
from tests.sso.harness import sign_in_at_provider
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.extensions import db
from training_app.sso import tokens
from training_app.sso.models import SignInIdentity


def _events(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _refusals(app):
    return [e.summary.rpartition(": ")[2] for e in _events(app, "sso.refused")]


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


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
    assert [e.target_id for e in _events(app, "sso.linked")] == [str(person.id)]
    assert len(_events(app, "sso.signed_in")) == 1
    with app.app_context():
        identity = db.session.scalar(select(SignInIdentity))
        assert identity.user_id == person.id
        assert identity.subject.startswith("sub-")


def test_the_request_to_the_provider_carries_pkce_state_and_nonce(
    client, make_school, oidc_provider, school_sign_in
):
    row = school_sign_in(make_school().id, oidc_provider.issuer)
    url = leave_for_provider(client, row, f"staff@{DOMAIN}")
    assert url.startswith(oidc_provider.issuer + "/auth?")
    assert f"login_hint=staff%40{DOMAIN}" in url
    for part in ("code_challenge_method=S256", "code_challenge=", "state=", "nonce=", "scope="):
        assert part in url
    with client.session_transaction() as session:
        pending = session["sso_pending"]
    assert f"state={pending['state']}" in url
    assert pending["verifier"] not in url  # only its hash goes to the provider


def test_sign_in_page_offers_the_school_account_and_finds_the_provider_by_domain(
    client, make_school, oidc_provider, school_sign_in
):
    row = school_sign_in(make_school().id, oidc_provider.issuer, kind="microsoft")
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with your school's Microsoft or Google account" in page
    found = post_form(client, "/sign-in/school-account", {"email": f"someone@{DOMAIN}"})
    found = found.get_data(as_text=True)
    assert "Sign in with Microsoft" in found
    assert f'href="/sign-in/school-account/{row.id}"' in found
    with client.session_transaction() as session:
        assert session["sso_hint"] == f"someone@{DOMAIN}"
    none = post_form(client, "/sign-in/school-account", {"email": "someone@nowhere.example"})
    assert "has not set up signing in with Microsoft or Google" in none.get_data(as_text=True)


def test_wrong_state_is_refused(app, client, make_school, make_user, oidc_provider, school_sign_in):
    school = make_school()
    make_user("staff", school, email=f"staff@{DOMAIN}")
    row = school_sign_in(school.id, oidc_provider.issuer)
    back = sign_in_at_provider(
        leave_for_provider(client, row, f"staff@{DOMAIN}"), f"staff@{DOMAIN}", stop_at=RETURN
    )
    forged = back.replace("state=", "state=forged")

    response = client.get(forged)

    assert response.status_code == 400
    assert "expired or was already used" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert _refusals(app) == ["state"]
    # The state is used once: the real answer cannot be used after the forged one.
    assert client.get(back).status_code == 400


def test_callback_without_a_sign_in_started_here_is_refused(app, client, oidc_provider):
    """Login CSRF: an attacker's code sent to a victim's browser signs no one in."""
    response = client.get(RETURN + "?code=abc&state=xyz")
    assert response.status_code == 400
    assert not _signed_in(client)


def test_a_replayed_code_is_refused_by_the_provider(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    make_user("staff", school, email=f"staff@{DOMAIN}")
    row = school_sign_in(school.id, oidc_provider.issuer)
    back = sign_in_at_provider(
        leave_for_provider(client, row, f"staff@{DOMAIN}"), f"staff@{DOMAIN}", stop_at=RETURN
    )
    with client.session_transaction() as session:
        pending = dict(session["sso_pending"])
    assert client.get(back).status_code == 302
    client.post("/sign-out", data={"csrf_token": _token(client)})

    # Even with the browser's state put back, the provider will not swap a code twice.
    with client.session_transaction() as session:
        session["sso_pending"] = pending
    response = client.get(back)

    assert response.status_code == 400
    assert "did not pass our security checks" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert _refusals(app) == ["code"]


def _token(client):
    from tests.conftest import CSRF_RE

    return CSRF_RE.search(client.get("/account/password").get_data(as_text=True))[1]


def test_an_expired_id_token_is_refused(
    app, client, make_school, make_user, oidc_provider, school_sign_in, monkeypatch
):
    school = make_school()
    make_user("staff", school, email=f"staff@{DOMAIN}")
    row = school_sign_in(school.id, oidc_provider.issuer)
    # The provider's tokens last an hour: arrive two hours later.
    monkeypatch.setattr(tokens, "now", lambda: time.time() + 2 * 3600)

    response = sso_sign_in(client, row, f"staff@{DOMAIN}")

    assert response.status_code == 400
    assert not _signed_in(client)
    assert _refusals(app) == ["expired"]


def test_an_address_outside_the_schools_domains_is_refused(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    make_user("staff", school, email="outsider@elsewhere.example")
    row = school_sign_in(school.id, oidc_provider.issuer)

    response = sso_sign_in(client, row, "outsider@elsewhere.example")

    assert response.status_code == 403
    assert "not one your school allows" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert _refusals(app) == ["domain"]


def test_an_unverified_address_is_refused(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    make_user("staff", school, email=f"unverified@{DOMAIN}")
    row = school_sign_in(school.id, oidc_provider.issuer)
    assert sso_sign_in(client, row, f"unverified@{DOMAIN}").status_code == 403
    assert _refusals(app) == ["unverified"]


def test_an_unknown_person_is_refused_unless_the_school_creates_staff(
    app, client, make_school, oidc_provider, school_sign_in
):
    school = make_school()
    row = school_sign_in(school.id, oidc_provider.issuer)

    response = sso_sign_in(client, row, f"new.person@{DOMAIN}")

    assert response.status_code == 403
    assert "no training account for that email address" in response.get_data(as_text=True)
    assert _refusals(app) == ["unknown"]
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == f"new.person@{DOMAIN}")) is None


def test_a_deactivated_person_is_refused(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    person = make_user("staff", school, email=f"closed@{DOMAIN}", active=False)
    row = school_sign_in(school.id, oidc_provider.issuer)

    response = sso_sign_in(client, row, f"closed@{DOMAIN}")

    assert response.status_code == 403
    assert "has been closed" in response.get_data(as_text=True)
    assert not _signed_in(client)
    refused = _events(app, "sso.refused")
    assert [(e.target_id, e.summary.rpartition(": ")[2]) for e in refused] == [
        (str(person.id), "deactivated")
    ]


def test_a_person_of_another_school_is_not_linked(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    make_user("staff", make_school(), email=f"staff@{DOMAIN}")
    row = school_sign_in(make_school().id, oidc_provider.issuer)
    assert sso_sign_in(client, row, f"staff@{DOMAIN}").status_code == 403
    assert _refusals(app) == ["other_school"]
    assert _events(app, "sso.linked") == []


def test_provider_down_gives_a_clear_message_and_passwords_still_work(
    app, client, make_school, make_user, own_provider, school_sign_in
):
    school = make_school()
    person = make_user("staff", school, email=f"staff@{DOMAIN}")
    row = school_sign_in(school.id, own_provider.issuer)
    own_provider.stop()

    response = client.get(f"/sign-in/school-account/{row.id}")

    assert response.status_code == 503
    page = html.unescape(response.get_data(as_text=True))
    assert "We could not reach your school's account just now" in page
    assert "sign in with it instead" in page
    assert _refusals(app) == ["provider_down"]
    assert sign_in(client, person.email).status_code == 302
    assert _signed_in(client)


def test_provider_going_down_after_its_sign_in_page_is_reported(
    app, client, make_school, make_user, own_provider, school_sign_in
):
    school = make_school()
    make_user("staff", school, email=f"staff@{DOMAIN}")
    row = school_sign_in(school.id, own_provider.issuer)
    back = sign_in_at_provider(
        leave_for_provider(client, row, f"staff@{DOMAIN}"), f"staff@{DOMAIN}", stop_at=RETURN
    )
    own_provider.stop()

    response = client.get(back)

    assert response.status_code == 503
    assert "We could not reach" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_dsl_whose_provider_checked_mfa_skips_the_code(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    make_user("dsl", school, email=f"dsl@{DOMAIN}", two_factor=False)
    row = school_sign_in(school.id, oidc_provider.issuer)

    response = sso_sign_in(client, row, f"dsl@{DOMAIN}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # Not sent to set up an authenticator app: the provider's second factor counts.
    assert client.get("/").status_code == 200
    [event] = _events(app, "sso.signed_in")
    assert "checked a second factor" in event.summary


def test_dsl_without_provider_mfa_still_gives_a_code(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    person = make_user("dsl", school, email=f"dsl.password.only@{DOMAIN}")
    row = school_sign_in(school.id, oidc_provider.issuer)

    response = sso_sign_in(client, row, person.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/code"
    assert not _signed_in(client)
    done = post_form(client, "/sign-in/code", {"code": next_code(app, person.email)})
    assert done.status_code == 302
    assert _signed_in(client)
    # Signed in with the provider's help: signing out offers the provider's sign-out too.
    client.post("/sign-out", data={"csrf_token": _token(client)})
    assert "/session/end?client_id=" in client.get("/sign-in").get_data(as_text=True)


def test_dsl_without_provider_mfa_or_an_app_must_set_one_up(
    client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    person = make_user("dsl", school, email=f"dsl.password.only@{DOMAIN}", two_factor=False)
    row = school_sign_in(school.id, oidc_provider.issuer)
    response = sso_sign_in(client, row, person.email)
    assert response.headers["Location"] == "/sign-in/set-up"


def test_sign_out_ends_the_session_and_offers_the_providers_sign_out(
    client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    make_user("staff", school, email=f"staff@{DOMAIN}")
    row = school_sign_in(school.id, oidc_provider.issuer)
    sso_sign_in(client, row, f"staff@{DOMAIN}")

    response = client.post("/sign-out", data={"csrf_token": _token(client)})

    assert response.status_code == 302
    assert not _signed_in(client)
    page = html.unescape(client.get("/sign-in").get_data(as_text=True))
    assert f'href="{oidc_provider.issuer}/session/end?client_id=training-app"' in page
    assert "sign out at your school's provider" in page
    # Offered once, not on every later visit.
    assert "/session/end" not in client.get("/sign-in").get_data(as_text=True)


def test_a_trip_to_the_provider_older_than_ten_minutes_starts_again(
    app, client, make_school, make_user, oidc_provider, school_sign_in
):
    school = make_school()
    make_user("staff", school, email=f"staff@{DOMAIN}")
    row = school_sign_in(school.id, oidc_provider.issuer)
    back = sign_in_at_provider(
        leave_for_provider(client, row, f"staff@{DOMAIN}"), f"staff@{DOMAIN}", stop_at=RETURN
    )
    with client.session_transaction() as session:
        session["sso_pending"] = {**session["sso_pending"], "at": int(time.time()) - 601}

    response = client.get(back)

    assert response.status_code == 400
    assert not _signed_in(client)
    assert _refusals(app) == ["state_expired"]


def test_cancelling_at_the_provider_is_explained(
    app, client, make_school, oidc_provider, school_sign_in
):
    row = school_sign_in(make_school().id, oidc_provider.issuer)
    leave_for_provider(client, row, f"staff@{DOMAIN}")
    with client.session_transaction() as session:
        state = session["sso_pending"]["state"]

    response = client.get(f"{RETURN}?error=access_denied&state={state}")

    assert response.status_code == 400
    assert "cancelled or refused" in response.get_data(as_text=True)
    assert _refusals(app) == ["provider_error"]
