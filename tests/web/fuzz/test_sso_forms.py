"""Fuzz the school-account forms: finding a provider by email, and an admin's settings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.web.fuzz import (
    assert_shown_escaped,
    check,
    choice_values,
    email_values,
    fuzz,
    post,
    probes,
    stored_text,
    text_values,
    token,
)
from training_app.extensions import db, limiter
from training_app.mfa.sealing import unseal
from training_app.sso.models import SchoolSignIn

KINDS = ["microsoft", "google", "oidc"]
ISSUERS = st.sampled_from(["https://login.example/tenant/v2.0", "", "http://127.0.0.1:9/"])
DOMAINS = st.sampled_from(["fuzz.example", "fuzz.example staff.fuzz.example", ""])


@fuzz(12)
@probes("email")
@given(email=email_values())
def test_find_provider(app, email):
    limiter.reset()
    client = app.test_client()
    response = post(
        client,
        "/sign-in/school-account",
        {"email": email},
        token(client, "/sign-in/school-account"),
    )
    check(response, {200}, form_again=False)


@fuzz(12)
@probes("client_id", kind="oidc", issuer="https://login.example", secret="s", domains="a.example")
@probes("issuer", kind="microsoft", client_id="c", secret="s", domains="a.example")
@probes("domains", kind="google", issuer="", client_id="c", secret="s")
@probes("secret", kind="oidc", issuer="https://login.example", client_id="c", domains="a.example")
@given(
    kind=choice_values(KINDS),
    issuer=st.one_of(ISSUERS, text_values()),
    client_id=st.one_of(stored_text(), text_values()),
    secret=st.one_of(stored_text(), text_values()),
    domains=st.one_of(DOMAINS, text_values()),
)
def test_provider_settings(app, signed_in, world, kind, issuer, client_id, secret, domains):
    client, csrf = signed_in("school_admin")
    url = f"/schools/{world.a1.id}/sign-in-settings"
    fields = {
        "kind": kind,
        "issuer": issuer,
        "client_id": client_id,
        "client_secret": secret,
        "domains": domains,
        "create_staff": "y",
        "enabled": "y",
    }
    response = post(client, url, fields, csrf)
    check(response, {200, 302})
    if response.status_code != 302:
        return
    # What was stored (the browser's bytes as the server read them) is shown escaped.
    with app.app_context():
        row = db.session.scalar(select(SchoolSignIn))
        stored = row.client_id
        assert unseal(row.client_secret_sealed, app.config["SECRET_KEY"]) is not None
    assert_shown_escaped(client.get(url).get_data(as_text=True), stored)
