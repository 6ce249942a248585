"""Two-factor sign-in: set-up, codes, replays, recovery codes, limits, resets, the demo."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from tests.conftest import post_form
from tests.factories import PASSWORD, TOTP_SECRET, sign_in
from training_app.audit.models import AuditEvent
from training_app.auth.models import AuthSession
from training_app.extensions import db
from training_app.mfa import sealing, totp
from training_app.mfa.models import RecoveryCode, SignInChallenge, TwoFactor
from training_app.models_common import utcnow

KEY_RE = re.compile(r'id="setup-key"[^>]*>([A-Z2-7 ]+)<')
RECOVERY_RE = re.compile(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>")


def password_step(client, email, next_url=""):
    """Only the first step: email and password."""
    return post_form(client, "/sign-in" + next_url, {"email": email, "password": PASSWORD})


def wrong_code(secret=TOTP_SECRET):
    """A 6-digit code that is none of the codes accepted right now."""
    now = totp.current_step()
    accepted = {totp.code_at(secret, s) for s in range(now - 1, now + 2)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in accepted)


def actions(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def live_sessions(app, user_id):
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        )


def enrol_in_browser(client, url):
    """Read the key off the set-up page, confirm a first code; return the recovery codes."""
    page = client.get(url).get_data(as_text=True)
    assert '<svg role="img" aria-label="QR code' in page
    secret = KEY_RE.search(page)[1].replace(" ", "")
    response = post_form(client, url, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = RECOVERY_RE.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_required_role_must_enrol_before_any_page(app, client, make_user, world):
    dsl = make_user("dsl", world.a1, two_factor=False)
    response = password_step(client, dsl.email, f"?next=/schools/{world.a1.id}/people")
    assert response.headers["Location"] == "/sign-in/set-up"
    for path in ("/", "/account/security", f"/schools/{world.a1.id}/compliance", "/sign-in/code"):
        assert client.get(path).status_code == 302, path
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "<script" not in page and "style=" not in page
    assert live_sessions(app, dsl.id) == 0

    secret, codes = enrol_in_browser(client, "/sign-in/set-up")
    assert client.get("/").status_code == 200
    assert live_sessions(app, dsl.id) == 1
    assert len(actions(app, "auth.two_factor_enrolled")) == 1
    with app.app_context():
        row = db.session.get(TwoFactor, dsl.id)
        # Stored encrypted; recovery codes only as hashes.
        assert secret not in row.secret_sealed
        stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
        assert not stored & {c.replace("-", "") for c in codes} and len(stored) == 10
    # The key is never shown again once set up.
    assert client.get("/account/security/set-up").headers["Location"] == "/account/security"


def test_wrong_code_is_refused_with_a_clear_message(app, client, world):
    assert password_step(client, "dsl@a1.example").headers["Location"] == "/sign-in/code"
    response = post_form(client, "/sign-in/code", {"code": wrong_code()})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body and "That code is not right" in body
    assert 'aria-invalid="true"' in body
    for odd in ("12ab", "١٢٣٤٥٦", "１２３４５６"):
        shape = post_form(client, "/sign-in/code", {"code": odd}).get_data(as_text=True)
        assert "Enter the code as 6 numbers" in shape
    recovery = post_form(client, "/sign-in/recovery-code", {"code": "ab©de-fgh€j"})
    assert "That recovery code is not right" in recovery.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Spaces typed inside the code do not matter.
    code = pyotp.TOTP(TOTP_SECRET).now()
    response = post_form(client, "/sign-in/code", {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_a_code_cannot_be_replayed(app, world):
    first, second = app.test_client(), app.test_client()
    password_step(first, "dsl@a1.example")
    code = pyotp.TOTP(TOTP_SECRET).now()
    assert post_form(first, "/sign-in/code", {"code": code}).status_code == 302
    password_step(second, "dsl@a1.example")
    response = post_form(second, "/sign-in/code", {"code": code})
    assert "That code has already been used" in response.get_data(as_text=True)
    assert second.get("/").status_code == 302


def test_recovery_code_works_once(app, client, make_user, world):
    staff = make_user("staff", world.a1)
    sign_in(client, staff.email)
    _secret, codes = enrol_in_browser(client, "/account/security/set-up")
    client.post("/sign-out", data={"csrf_token": ""})
    other = app.test_client()
    assert password_step(other, staff.email).headers["Location"] == "/sign-in/code"
    response = post_form(other, "/sign-in/recovery-code", {"code": codes[3].upper()})
    assert response.status_code == 302
    home = other.get("/").get_data(as_text=True)
    assert "You have 9 left" in home
    [event] = actions(app, "auth.two_factor_recovery_code_used")
    assert event.target_id == str(staff.id) and "9 left" in event.summary

    again = app.test_client()
    password_step(again, staff.email)
    response = post_form(again, "/sign-in/recovery-code", {"code": codes[3]})
    assert "That recovery code is not right, or it has been used already" in response.get_data(
        as_text=True
    )
    assert again.get("/").status_code == 302


def test_wrong_codes_end_the_attempt_then_the_account_is_rate_limited(app, client, world):
    password_step(client, "admin@a1.example")
    statuses = [
        post_form(client, "/sign-in/code", {"code": wrong_code()}).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 302]
    assert "Too many wrong codes" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    [burst] = actions(app, "auth.two_factor_failures")
    assert burst.target_id == str(world.users["school_admin"].id)
    # A new attempt, even from another browser, meets the per-account limit.
    other = app.test_client()
    password_step(other, "admin@a1.example")
    code = pyotp.TOTP(TOTP_SECRET).now()
    assert post_form(other, "/sign-in/code", {"code": code}).status_code == 429
    # Other people are not affected.
    assert sign_in(app.test_client(), "dsl@a1.example").status_code == 302


def test_abandoned_second_step_leaves_no_session(app, client, world):
    dsl = world.users["dsl"]
    response = password_step(client, dsl.email)
    assert response.headers["Location"] == "/sign-in/code"
    assert client.get("/").headers["Location"].startswith("/sign-in")
    assert client.get(f"/schools/{world.a1.id}/compliance").status_code == 302
    assert live_sessions(app, dsl.id) == 0
    assert actions(app, "auth.signed_in") == []
    # The half-done sign-in ends on the server; the cookie alone is then worth nothing.
    with app.app_context():
        for row in db.session.scalars(select(SignInChallenge)):
            row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    code = pyotp.TOTP(TOTP_SECRET).now()
    response = post_form(client, "/sign-in/code", {"code": code}, token_from="/sign-in")
    assert response.headers["Location"] == "/sign-in"
    assert "Your sign-in has timed out" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/").status_code == 302 and live_sessions(app, dsl.id) == 0


def test_next_page_is_kept_through_the_second_step(client, world):
    password_step(client, "dsl@a1.example", f"?next=/schools/{world.a1.id}/compliance")
    response = post_form(client, "/sign-in/code", {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.headers["Location"] == f"/schools/{world.a1.id}/compliance"


def test_admin_reset_is_school_scoped_and_audited(app, login_as, world):
    dsl = world.users["dsl"]
    url = f"/schools/{world.a1.id}/people/{dsl.id}/two-factor"
    signed_in_dsl = login_as("dsl")
    assert post_form(login_as("other_trust_admin"), url, {}, token_from="/").status_code == 403
    elsewhere = f"/schools/{world.b1.id}/people/{dsl.id}/two-factor"
    assert (
        post_form(login_as("other_trust_admin"), elsewhere, {}, token_from="/").status_code == 404
    )
    # A school admin cannot reset a trust admin's; the trust admin's own school admin page hides it.
    admin = login_as("school_admin")
    trust_url = f"/schools/{world.a1.id}/people/{world.users['trust_admin'].id}/two-factor"
    assert admin.get(trust_url).status_code == 403
    people = admin.get(f"/schools/{world.a1.id}/people").get_data(as_text=True)
    assert f"/people/{dsl.id}/two-factor" in people
    assert f"/people/{world.users['trust_admin'].id}/two-factor" not in people

    page = admin.get(url).get_data(as_text=True)
    assert "On, 0 recovery codes left" in page
    response = post_form(admin, url, {})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(TwoFactor, dsl.id) is None
    [event] = actions(app, "auth.two_factor_reset")
    assert event.actor_id == world.users["school_admin"].id and event.target_id == str(dsl.id)
    # They are signed out everywhere, and set up again at their next sign-in.
    assert signed_in_dsl.get("/").status_code == 302
    assert password_step(app.test_client(), dsl.email).headers["Location"] == "/sign-in/set-up"


def test_operator_resets_two_factor_from_the_command_line(app, runner, login_as, world):
    signed_in = login_as("trust_admin")
    result = runner.invoke(args=["users", "reset-two-factor", "TRUST@a.example"])
    assert result.exit_code == 0 and "signed out everywhere" in result.output
    assert signed_in.get("/").status_code == 302
    [event] = actions(app, "auth.two_factor_reset")
    assert event.actor_id is None and "from the CLI" in event.summary
    again = runner.invoke(args=["users", "reset-two-factor", "trust@a.example"])
    assert "no two-factor sign-in to reset" in again.output
    assert runner.invoke(args=["users", "reset-two-factor", "nobody@x.example"]).exit_code == 1


def test_staff_can_turn_two_factor_on_and_off(app, client, make_user, world):
    staff = make_user("staff", world.a1)
    sign_in(client, staff.email)
    assert "Off" in client.get("/account/security").get_data(as_text=True)
    secret, _codes = enrol_in_browser(client, "/account/security/set-up")
    security = client.get("/account/security").get_data(as_text=True)
    assert "You have 10 unused recovery codes" in security and "Turn off" in security
    fresh = app.test_client()
    assert password_step(fresh, staff.email).headers["Location"] == "/sign-in/code"

    refused = post_form(client, "/account/security/turn-off", {"code": wrong_code(secret)})
    assert "That code is not right" in refused.get_data(as_text=True)
    now = totp.current_step()
    response = post_form(
        client, "/account/security/turn-off", {"code": totp.code_at(secret, now + 1)}
    )
    assert response.headers["Location"] == "/account/security"
    assert len(actions(app, "auth.two_factor_disabled")) == 1
    assert sign_in(app.test_client(), staff.email).headers["Location"] == "/"


def test_required_roles_cannot_turn_it_off_but_can_renew_codes(app, login_as, world):
    dsl = login_as("dsl")
    assert dsl.get("/account/security/turn-off").status_code == 403
    assert "Turn off" not in dsl.get("/account/security").get_data(as_text=True)
    wrong = post_form(dsl, "/account/security/recovery-codes", {"code": wrong_code()})
    assert "That code is not right" in wrong.get_data(as_text=True)
    now = totp.current_step()
    response = post_form(
        dsl, "/account/security/recovery-codes", {"code": totp.code_at(TOTP_SECRET, now + 1)}
    )
    codes = RECOVERY_RE.findall(response.get_data(as_text=True))
    assert len(codes) == 10 and "data-print" in response.get_data(as_text=True)
    assert len(actions(app, "auth.two_factor_codes_renewed")) == 1


def test_signed_in_required_role_without_two_factor_is_sent_to_set_up(app, login_as, world):
    dsl = login_as("dsl")
    with app.app_context():
        db.session.delete(db.session.get(TwoFactor, world.users["dsl"].id))
        db.session.commit()
    assert dsl.get("/").headers["Location"] == "/account/security/set-up"
    assert dsl.get("/account/security/set-up").status_code == 200


def test_demo_accounts_ask_for_a_code_given_by_flask_demo_code(app, runner, world):
    seeded = runner.invoke(args=["demo", "seed"])
    assert "demo code dsl@northfield.demo" in seeded.output
    client = app.test_client()
    assert password_step_demo(client, "dsl@northfield.demo").headers["Location"] == "/sign-in/code"
    result = runner.invoke(args=["demo", "code", "dsl@northfield.demo"])
    assert result.exit_code == 0, result.output
    code = result.output.split()[0]
    assert post_form(client, "/sign-in/code", {"code": code}).status_code == 302
    # The next call gives a code not yet used; accounts outside the demo are refused.
    assert runner.invoke(args=["demo", "code", "dsl@northfield.demo"]).output.split()[0] != code
    refused = runner.invoke(args=["demo", "code", "dsl@a1.example"])
    assert refused.exit_code != 0 and "not a demo account" in refused.output
    assert runner.invoke(args=["demo", "code", "staff@northfield.demo"]).exit_code != 0


def password_step_demo(client, email):
    from training_app.demo.cli import DEMO_PASSWORD

    return post_form(client, "/sign-in", {"email": email, "password": DEMO_PASSWORD})


@pytest.mark.parametrize("text", ["JBSWY3DPEHPK3PXP", "", "x" * 64])
def test_sealed_secrets_round_trip_and_detect_tampering(text):
    sealed = sealing.seal(text, "key one")
    assert text == "" or text not in sealed
    assert sealing.unseal(sealed, "key one") == text
    assert sealing.unseal(sealed, "key two") is None
    flipped = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    assert sealing.unseal(flipped, "key one") is None
    assert sealing.unseal("v0:" + sealed[3:], "key one") is None


def test_codes_are_accepted_one_step_either_side_only():
    secret = totp.new_secret()
    now = totp.current_step()
    for offset in (-1, 0, 1):
        assert totp.matching_step(secret, totp.code_at(secret, now + offset)) == now + offset
    too_late = totp.code_at(secret, now - 2)
    assert too_late in {totp.code_at(secret, s) for s in (now - 1, now, now + 1)} or (
        totp.matching_step(secret, too_late) is None
    )
    assert totp.grouped("ABCDEFGH") == "ABCD EFGH"
    assert len(set(totp.new_recovery_codes())) == 10
