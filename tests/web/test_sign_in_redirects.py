"""After sign-in (and after the two-factor step) the browser only goes to a plain local path."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from, post_form
from tests.factories import PASSWORD, next_code
from training_app.auth.models import AuthSession
from training_app.extensions import db
from training_app.redirects import is_local_path

# As typed into the query string (so still percent-encoded once).
HOSTILE_NEXT = [
    "%2F%09%2Fevil.example",  # "/<tab>/evil.example": browsers drop the tab
    "/%0A/evil.example",
    "/%0D/evil.example",
    "%2F%0D%0ASet-Cookie:x=1",
    "//evil.example/x",
    "/%5Cevil.example",  # "/\evil.example": read as "//evil.example"
    "%5C%5Cevil.example",
    "/%252F/evil.example",  # encoded twice
    "/%25252F%25252Fevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "%20/evil.example",
    "evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_hostile_next_goes_home_after_sign_in(app, client, make_user, target):
    user = make_user()
    token = csrf_from(client, "/sign-in")
    response = client.post(
        f"/sign-in?next={target}",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 1


@pytest.mark.parametrize("target", ["%2F%09%2Fevil.example", "/%0D%0A/evil.example", "//evil"])
def test_hostile_next_goes_home_after_the_two_factor_step(client, make_user, target):
    dsl = make_user("dsl")
    token = csrf_from(client, "/sign-in")
    response = client.post(
        f"/sign-in?next={target}",
        data={"email": dsl.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/code"
    code = next_code(client.application, dsl.email)
    response = post_form(client, "/sign-in/code", {"code": code})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_local_next_survives_the_two_factor_step(client, make_user):
    dsl = make_user("dsl")
    token = csrf_from(client, "/sign-in")
    client.post(
        "/sign-in?next=/account/password%3Ffrom%3Dmail",
        data={"email": dsl.email, "password": PASSWORD, "csrf_token": token},
    )
    code = next_code(client.application, dsl.email)
    response = post_form(client, "/sign-in/code", {"code": code})
    assert response.headers["Location"] == "/account/password?from=mail"


def test_is_local_path():
    for good in ("/", "/account/password", "/schools/1/people?show=all&q=Pat%20Lee", "/a//b"):
        assert is_local_path(good), good
    for bad in (None, "", "/\t/evil", "/\n", "/\\evil", "//evil", "/%2F/evil", "/%5Cx", "x"):
        assert not is_local_path(bad), bad
