"""What a worker remembers between requests: verified cookies and signed CSRF tokens.

Both are speed-ups (bench/README.md), so these tests check that nothing a browser can see
or do changes: expiry, another key, another session, and a token's age all still count.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import request

from tests.conftest import CSRF_RE, make_app
from tests.factories import sign_in
from training_app import cookies
from training_app.memo import BoundedMemo


def _token(client, url: str = "/") -> str:
    found = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def _signed_in_at_a_frozen_moment(client, make_user, monkeypatch):
    """Sign someone in and stop the clock: the first page's token, and `at(s)` to move on."""
    sign_in(client, make_user().email)
    now = time.time()

    def at(seconds: float) -> None:
        monkeypatch.setattr(time, "time", lambda: now + seconds)

    at(0)
    return _token(client), at


def test_bounded_memo_starts_again_when_full():
    memo: BoundedMemo[int, str] = BoundedMemo(2)
    memo.put(1, "one")
    memo.put(2, "two")
    assert (memo.get(1), memo.get(2), len(memo)) == ("one", "two", 2)
    memo.put(3, "three")  # full: everything else is forgotten
    assert (memo.get(1), memo.get(2), memo.get(3), len(memo)) == (None, None, "three", 1)


def test_a_remembered_cookie_still_expires(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # this cookie is now remembered
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_cookie_remembered_under_one_key_is_refused_under_another(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    assert client.get("/").status_code == 200  # remembered under the app's key
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="another-secret-key")
    stranger = other.test_client()
    stranger.set_cookie("session", client.get_cookie("session").value)
    response = stranger.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_each_request_gets_its_own_copy_of_a_remembered_session(app):
    interface = app.session_interface
    app.config["SESSION_REFRESH_SECONDS"] = 60
    signer = interface.get_signing_serializer(app)
    value = signer.dumps({"_user_id": "token-1", "csrf_token": "raw"})
    headers = {"Cookie": f"session={value}"}
    with app.test_request_context("/", headers=headers):
        first = interface.open_session(app, request)
    first["_user_id"] = "changed in one request"
    with app.test_request_context("/", headers=headers):
        second = interface.open_session(app, request)
    assert second["_user_id"] == "token-1"
    assert second.signed_at == first.signed_at


def test_a_cookie_holding_a_list_is_checked_every_time(app):
    # Flashed messages are a list: a shared copy could be changed by the request using it.
    signer = app.session_interface.get_signing_serializer(app)
    value = signer.dumps({"_flashes": [["info", "Saved."]]})
    before = len(cookies._VERIFIED)
    with app.test_request_context("/", headers={"Cookie": f"session={value}"}):
        session = app.session_interface.open_session(app, request)
    assert session["_flashes"] == [["info", "Saved."]]
    assert len(cookies._VERIFIED) == before


def test_a_signed_csrf_token_is_reused_for_a_minute_then_signed_again(
    app, client, make_user, monkeypatch
):
    first, at = _signed_in_at_a_frozen_moment(client, make_user, monkeypatch)
    at(30)
    assert _token(client) == first
    at(61)
    again = _token(client)
    assert again != first  # a new signature, with a new timestamp
    # Either is a valid token for this session: sign out with the reused one.
    response = client.post("/sign-out", data={"csrf_token": first})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # signed out


def test_a_reused_token_is_never_another_sessions(app, make_user):
    one, two = app.test_client(), app.test_client()
    sign_in(one, make_user().email)
    sign_in(two, make_user().email)
    token_one, token_two = _token(one), _token(two)
    assert token_one != token_two
    assert _token(one) == token_one and _token(two) == token_two
    refused = two.post("/sign-out", data={"csrf_token": token_one})
    assert refused.status_code == 400


def test_a_reused_token_still_expires_from_when_it_was_signed(app, client, make_user, monkeypatch):
    # Reuse makes a token at most a minute older; its age still counts from its signing.
    app.config["WTF_CSRF_TIME_LIMIT"] = 100
    token, at = _signed_in_at_a_frozen_moment(client, make_user, monkeypatch)
    at(59)
    assert _token(client) == token  # shown again 59 s later...
    at(99)  # ...valid for 100 s from signing...
    started = client.post("/learn/first-responder/start", data={"csrf_token": token})
    assert started.status_code == 302
    at(101)  # ...and not a moment more
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 400
