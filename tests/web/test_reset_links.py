"""One live password-reset link per person; a reset or a change ends the others."""

from __future__ import annotations

from tests.conftest import post_form
from tests.factories import PASSWORD, sign_in
from tests.helpers.accounts import NEW_PASSWORD, request_reset_link


def test_a_newer_link_ends_the_older_one(app, client, make_user):
    user = make_user()
    older = request_reset_link(app, user.email)
    newer = request_reset_link(app, user.email)
    assert client.get(older).status_code == 410
    assert client.get(newer).status_code == 200
    assert post_form(client, older, NEW_PASSWORD, token_from=newer).status_code == 410
    assert post_form(client, newer, NEW_PASSWORD).status_code == 302
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD["new_password"]).status_code == 302


def test_using_a_link_ends_every_other_link_and_session(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    first = request_reset_link(app, user.email)
    second = request_reset_link(app, user.email)
    client = app.test_client()
    assert post_form(client, second, NEW_PASSWORD).status_code == 302
    assert laptop.get("/").status_code == 302
    # The older link (the one an attacker might hold) sets nothing.
    response = post_form(
        phone,
        first,
        {"new_password": "attacker passphrase", "confirm": "attacker passphrase"},
        token_from="/sign-in",
    )
    assert response.status_code == 410
    assert sign_in(app.test_client(), user.email, "attacker passphrase").status_code == 200
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD["new_password"]).status_code == 302


def test_a_password_change_ends_live_links_and_other_sessions(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    link = request_reset_link(app, user.email)
    response = post_form(
        laptop,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "changed passphrase",
            "confirm": "changed passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # this browser stays signed in
    assert phone.get("/").status_code == 302
    assert app.test_client().get(link).status_code == 410
