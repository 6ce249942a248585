"""Fuzz two-factor sign-in: the code and recovery-code steps after the password, and setting
it up from your own account."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import PASSWORD, next_code
from tests.web.fuzz import check, fuzz, post, probes, text_values, token
from training_app.extensions import limiter

# Digits that are not ASCII digits pass str.isdigit(): once they crashed the code check.
ODD_DIGITS = ["١٢٣٤٥٦", "１２３４５６", "²²²²²²", "12345６"]
CODE_LIKE = st.one_of(
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.from_regex(r"[0-9 -]{5,9}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{5}-[a-z0-9]{5}", fullmatch=True),
    st.sampled_from(["000000\n", " 123 456 ", "123-456", "k7m2q-9xw4p", *ODD_DIGITS]),
)


@fuzz(12)
@probes("code", page="code", real=False)
@probes("code", values=ODD_DIGITS, page="code", real=False)
@given(
    page=st.sampled_from(["code", "recovery-code"]),
    code=st.one_of(CODE_LIKE, text_values()),
    real=st.booleans(),
)
def test_second_step(app, world, page, code, real):
    limiter.reset()
    client = app.test_client()
    email = world.users["dsl"].email
    response = post(
        client, "/sign-in", {"email": email, "password": PASSWORD}, token(client, "/sign-in")
    )
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/code"
    url = f"/sign-in/{page}"
    if real and page == "code":
        code = next_code(app, email)
    response = post(client, url, {"code": code}, token(client, url))
    # 302: signed in, or back to the password after too many wrong codes.
    check(response, {200, 302, 429})


@fuzz(10)
@probes("code")
@probes("code", values=ODD_DIGITS)
@given(code=st.one_of(CODE_LIKE, text_values()))
def test_set_up_from_the_account(app, signed_in, world, code):
    limiter.reset()
    client, csrf = signed_in("staff")
    response = post(client, "/account/security/set-up", {"code": code}, csrf)
    check(response, {200, 302, 429})
