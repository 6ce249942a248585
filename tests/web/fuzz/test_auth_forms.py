"""Fuzz the account forms: sign-in, password change, forgotten password and reset."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import PASSWORD
from tests.web.fuzz import check, email_values, fuzz, post, probes, text_values, token
from training_app.auth import services
from training_app.extensions import db, limiter

KNOWN = st.sampled_from(["staff@a1.example", "dsl@a1.example", "STAFF@A1.EXAMPLE "])
# A new password long enough to be accepted, so some examples change it.
GOOD_NEW = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=12,
)


@fuzz(12)
@probes("email", "password")
@given(email=st.one_of(KNOWN, email_values()), password=st.one_of(st.just(PASSWORD), text_values()))
def test_sign_in(app, world, email, password):
    limiter.reset()
    client = app.test_client()
    fields = {"email": email, "password": password}
    response = post(client, "/sign-in", fields, token(client, "/sign-in"))
    # 302: signed in (or on to a further sign-in step); 429: too many tries for the account.
    check(response, {200, 302, 429})


@fuzz(10)
@probes("new", current=None, same=True)
@given(
    current=st.one_of(st.none(), text_values()),
    new=st.one_of(text_values(), GOOD_NEW),
    same=st.booleans(),
)
def test_change_password(app, signed_in, world, current, new, same):
    client, csrf = signed_in("staff")
    fields = {
        "current_password": PASSWORD if current is None else current,
        "new_password": new,
        "confirm": new if same else "something else entirely",
    }
    response = post(client, "/account/password", fields, csrf)
    check(response, {200, 302})
    if response.status_code == 302:
        # Changed: put the test password back, so the next example can sign in again.
        with app.app_context():
            user = services.find_user_by_email(world.users["staff"].email)
            services.set_password(user, PASSWORD)
            db.session.commit()


@fuzz(12)
@probes("email")
@given(email=st.one_of(KNOWN, email_values()))
def test_forgot_password(app, world, email):
    limiter.reset()
    client = app.test_client()
    url = "/account/forgot-password"
    response = post(client, url, {"email": email}, token(client, url))
    body = check(response, {200, 429}, form_again=False)
    if response.status_code == 200:
        assert "Check your email" in body or 'role="alert"' in body


@fuzz(10)
@probes("new", same=True)
@given(new=st.one_of(text_values(), GOOD_NEW), same=st.booleans())
def test_reset_password(app, world, new, same):
    with app.app_context():
        reset = services.create_reset_token(world.users["dsl"].email, ip_address=None)
        assert reset is not None
    client = app.test_client()
    url = f"/account/reset/{reset.token}"
    fields = {"new_password": new, "confirm": new if same else "a different password"}
    response = post(client, url, fields, token(client, url))
    check(response, {200, 302})
