"""Sign-in throttling counts wrong passwords per account; JSON is never read as a form."""

from __future__ import annotations

import json

import pytest
from flask import url_for
from werkzeug.routing.converters import AnyConverter, NumberConverter

from tests.conftest import csrf_from
from tests.factories import PASSWORD, sign_in
from training_app.config import Config


def _post(client, email, password, token):
    return client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": token}
    ).status_code


def _sign_out(client):
    client.post("/sign-out", data={"csrf_token": csrf_from(client, "/account/password")})


def test_successful_sign_ins_do_not_count(app, make_user):
    user = make_user()
    client = app.test_client()
    for _ in range(12):
        token = csrf_from(client, "/sign-in")
        assert _post(client, user.email, PASSWORD, token) == 302
        _sign_out(client)


def test_at_most_a_hundred_failures_an_hour(app, make_user):
    # The default's hourly limit, with the per-minute one lifted so the test runs at once.
    default = Config.LOGIN_LIMIT_PER_ACCOUNT
    assert default == "10 per minute;100 per hour"
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = default.replace("10 per minute", "1000 per minute")
    user = make_user()
    client = app.test_client()
    token = csrf_from(client, "/sign-in")
    statuses = [_post(client, user.email, f"guess {i}", token) for i in range(101)]
    assert statuses[:100] == [200] * 100 and statuses[100] == 429
    # A right password from this (unknown) browser waits too: guessing is what is limited.
    assert _post(client, user.email, PASSWORD, token) == 429


def test_the_person_is_not_locked_out_by_someone_elses_guesses(app, make_user):
    user = make_user()
    own = app.test_client()
    assert sign_in(own, user.email).status_code == 302  # this browser is now known
    _sign_out(own)
    attacker = app.test_client()
    attacker_token = csrf_from(attacker, "/sign-in")
    statuses = [_post(attacker, user.email, f"guess {i}", attacker_token) for i in range(11)]
    assert statuses[-1] == 429
    assert sign_in(own, user.email).status_code == 302
    # The known browser's own wrong passwords are limited in its own bucket.
    _sign_out(own)
    token = csrf_from(own, "/sign-in")
    statuses = [_post(own, user.email, f"typo {i}", token) for i in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert _post(attacker, user.email, PASSWORD, attacker_token) == 429


def test_a_forged_device_cookie_is_not_a_known_device(app, make_user):
    user = make_user()
    attacker = app.test_client()
    attacker.set_cookie("device", "eyJub25jZSI6IngiLCJhY2NvdW50cyI6W119.forged")
    token = csrf_from(attacker, "/sign-in")
    statuses = [_post(attacker, user.email, f"guess {i}", token) for i in range(11)]
    assert statuses[-1] == 429


HOSTILE_JSON = [
    '{"email": "\\ud800@s.example", "password": "\\udfff"}',  # lone surrogates
    "[" * 100_000 + "]" * 100_000,  # deep nesting
    '["email", "password"]',  # not an object
    "42",
    '"text"',
    '{"email": {"a": [1, 2]}, "password": null}',
]


@pytest.mark.parametrize("body", HOSTILE_JSON)
def test_json_bodies_are_refused_on_every_form(login_as, world, body):
    admin = login_as("school_admin")
    token = csrf_from(admin, "/account/password")
    for url in (
        "/sign-in",
        "/account/password",
        "/account/forgot-password",
        f"/schools/{world.a1.id}/people/new",
    ):
        response = admin.post(
            url, data=body, content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400, url


def test_a_well_formed_json_sign_in_is_refused_too(app, make_user):
    user = make_user()
    client = app.test_client()
    token = csrf_from(client, "/sign-in")
    response = client.post(
        "/sign-in",
        data=json.dumps({"email": user.email, "password": PASSWORD}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert client.get("/account/password").status_code == 302  # not signed in


def _concrete_path(app, rule) -> str:
    """A URL for a rule, with made-up values for its parts (the hook answers before the view)."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, NumberConverter):
            values[name] = 999999
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "ABCDEFGH"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


@pytest.mark.parametrize("body", [HOSTILE_JSON[0], HOSTILE_JSON[1], HOSTILE_JSON[2]])
def test_every_post_route_refuses_json(app, login_as, world, body):
    admin = login_as("trust_admin")
    token = csrf_from(admin, "/account/password")
    rules = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or ())]
    assert len(rules) > 20
    for rule in rules:
        path = _concrete_path(app, rule)
        response = admin.post(
            path, data=body, content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400, path


def test_one_address_signs_a_whole_staff_in_but_not_a_guesser(app, make_user):
    # The per-address limit, made small: successes from one school address never use it up,
    # wrong passwords (across different accounts) do.
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    client = app.test_client()
    for n in range(5):
        person = make_user(email=f"teacher{n}@a.example")
        assert _post(client, person.email, PASSWORD, csrf_from(client, "/sign-in")) == 302
        _sign_out(client)
    for n in range(3):
        token = csrf_from(client, "/sign-in")
        assert _post(client, f"teacher{n}@a.example", "wrong password", token) == 200
    assert _post(client, "teacher4@a.example", PASSWORD, csrf_from(client, "/sign-in")) == 429
