"""Sign-in, sign-out, sessions, password change and reset."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_from, post_form
from tests.factories import PASSWORD, sign_in
from training_app.audit.models import AuditEvent
from training_app.auth.models import AuthSession, PasswordResetToken
from training_app.extensions import db
from training_app.models_common import utcnow


def test_sign_in_lands_on_home_and_audits(client, make_user):
    user = make_user("staff", name="Ada Lovelace")
    response = sign_in(client, user.email.upper() + "  ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Ada Lovelace" in page
    with client.application.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "auth.signed_in" in actions


def test_wrong_password_gives_generic_message(client, make_user):
    user = make_user()
    response = sign_in(client, user.email, "wrong password")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The email address or password is not right" in body
    unknown = sign_in(client, "nobody@nowhere.example", "wrong password").get_data(as_text=True)
    assert "The email address or password is not right" in unknown


def test_empty_form_names_each_missing_field(client):
    response = post_form(client, "/sign-in", {"email": "", "password": ""})
    body = response.get_data(as_text=True)
    assert "Enter your email address." in body and "Enter your password." in body
    assert 'aria-invalid="true"' in body


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user(active=False)
    response = sign_in(client, user.email)
    assert response.status_code == 200
    assert "not right" in response.get_data(as_text=True)


def test_eleventh_wrong_password_in_a_minute_is_refused(client, make_user):
    user = make_user()
    token = csrf_from(client, "/sign-in")
    statuses = [
        client.post(
            "/sign-in", data={"email": user.email, "password": f"nope{i}", "csrf_token": token}
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    # The limit is per account: another account from the same address still works.
    other = make_user()
    assert sign_in(client, other.email).status_code == 302


def test_address_limit_is_generous_but_exists(app, make_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    client = app.test_client()
    token = csrf_from(client, "/sign-in")
    codes = [
        client.post(
            "/sign-in", data={"email": f"x{i}@a.example", "password": "p", "csrf_token": token}
        ).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_new_session_on_sign_in(client, make_user):
    user = make_user()
    client.get("/sign-in")
    before = client.get_cookie("session").value
    sign_in(client, user.email)
    assert client.get_cookie("session").value != before


def test_sign_out_revokes_the_session_server_side(app, make_user):
    user = make_user()
    client = app.test_client()
    sign_in(client, user.email)
    stolen_cookie = client.get_cookie("session").value
    response = post_form(client, "/sign-out", {}, token_from="/")
    assert response.status_code == 302
    # Replaying the cookie captured before sign-out must not get back in.
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie)
    assert replay.get("/").status_code == 302
    assert replay.get("/account/password").status_code == 302


def test_password_change_signs_out_other_sessions(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    response = post_form(
        laptop,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert sign_in(app.test_client(), user.email, "a new long passphrase").status_code == 302


def test_password_change_checks_current_and_length(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    body = post_form(
        client,
        "/account/password",
        {"current_password": "wrong", "new_password": "short", "confirm": "short"},
    ).get_data(as_text=True)
    assert "at least 12 characters" in body
    body = post_form(
        client,
        "/account/password",
        {
            "current_password": "wrong",
            "new_password": "long enough pass",
            "confirm": "long enough pass",
        },
    ).get_data(as_text=True)
    assert "Your current password is not right." in body


def _reset_link(app) -> str:
    message = app.extensions["mail_outbox"][-1]
    match = re.search(r"http://localhost(/account/reset/\S+)", message.get_content())
    assert match
    return match.group(1)


def test_password_reset_is_emailed_single_use_and_signs_out(app, make_user):
    user = make_user()
    other_device = app.test_client()
    sign_in(other_device, user.email)
    client = app.test_client()
    response = post_form(client, "/account/forgot-password", {"email": user.email})
    assert "Check your email" in response.get_data(as_text=True)
    link = _reset_link(app)
    assert app.extensions["mail_outbox"][-1]["To"] == user.email
    response = post_form(
        client, link, {"new_password": "brand new secret", "confirm": "brand new secret"}
    )
    assert response.status_code == 302
    assert other_device.get("/").status_code == 302  # signed out everywhere
    assert sign_in(app.test_client(), user.email, "brand new secret").status_code == 302
    assert client.get(link).status_code == 410  # single use


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(app, client):
    response = post_form(client, "/account/forgot-password", {"email": "nobody@x.example"})
    assert "Check your email" in response.get_data(as_text=True)
    assert app.extensions["mail_outbox"] == []


def test_expired_reset_link_is_refused(app, client, make_user):
    user = make_user()
    post_form(client, "/account/forgot-password", {"email": user.email})
    link = _reset_link(app)
    with app.app_context():
        row = db.session.scalar(select(PasswordResetToken))
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(link).status_code == 410
    assert "expired" in client.get(link).get_data(as_text=True)


def test_open_redirect_after_sign_in_is_ignored(client, make_user):
    user = make_user()
    token = csrf_from(client, "/sign-in")
    response = client.post(
        "/sign-in?next=//evil.example/x",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_sign_in_redirects_back_to_requested_page(client, make_user):
    user = make_user()
    response = client.get("/account/password")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    token = csrf_from(client, "/sign-in")
    response = client.post(
        "/sign-in?next=/account/password",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/account/password"


def test_a_session_ends_twelve_hours_after_sign_in_however_active(app, make_user):
    user = make_user()
    client = app.test_client()
    sign_in(client, user.email)
    assert client.get("/").status_code == 200
    with app.app_context():
        session_row = db.session.scalar(select(AuthSession).where(AuthSession.user_id == user.id))
        session_row.created_at = utcnow() - timedelta(hours=11, minutes=59)
        db.session.commit()
    assert client.get("/").status_code == 200
    with app.app_context():
        session_row = db.session.scalar(select(AuthSession).where(AuthSession.user_id == user.id))
        session_row.created_at = utcnow() - timedelta(hours=12, minutes=1)
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
