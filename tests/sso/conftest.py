"""A running OpenID provider (Node's `oidc-provider`) and a school set up to use it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.sso.harness import CLIENT_ID, CLIENT_SECRET, OidcProvider, account, sign_in_at_provider
from training_app.extensions import db
from training_app.mfa.sealing import seal
from training_app.sso import discovery
from training_app.sso.models import SchoolSignIn

RETURN = "http://localhost/sign-in/school-account/return"
DOMAIN = "sso.example"

ACCOUNTS = {
    f"staff@{DOMAIN}": account(f"staff@{DOMAIN}"),
    f"new.person@{DOMAIN}": account(f"new.person@{DOMAIN}"),
    f"dsl@{DOMAIN}": account(f"dsl@{DOMAIN}", amr=["pwd", "mfa"]),
    f"dsl.password.only@{DOMAIN}": account(f"dsl.password.only@{DOMAIN}"),
    f"unverified@{DOMAIN}": account(f"unverified@{DOMAIN}", verified=False),
    f"closed@{DOMAIN}": account(f"closed@{DOMAIN}"),
    "outsider@elsewhere.example": account("outsider@elsewhere.example"),
}


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """One provider for the whole run (starting Node takes about half a second)."""
    provider = OidcProvider(tmp_path_factory.mktemp("oidc"), [RETURN], dict(ACCOUNTS)).start()
    yield provider
    provider.stop()


@pytest.fixture
def own_provider(tmp_path: Path) -> Iterator[OidcProvider]:
    """A provider of this test's own, to stop or rotate keys on."""
    provider = OidcProvider(tmp_path, [RETURN], dict(ACCOUNTS)).start()
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def _fresh_provider_cache() -> Iterator[None]:
    discovery.forget()
    yield
    discovery.forget()


@pytest.fixture
def school_sign_in(app: Flask) -> Callable[..., SchoolSignIn]:
    """Set up a school's provider row (as the settings page would) and return it."""

    def make(school_id: int, issuer: str, **fields: Any) -> SchoolSignIn:
        with app.app_context():
            row = SchoolSignIn(
                school_id=school_id,
                kind=fields.pop("kind", "oidc"),
                issuer=issuer,
                client_id=fields.pop("client_id", CLIENT_ID),
                client_secret_sealed=seal(CLIENT_SECRET, app.config["SECRET_KEY"]),
                domains=fields.pop("domains", DOMAIN),
                create_staff=fields.pop("create_staff", False),
                enabled=True,
            )
            db.session.add(row)
            db.session.commit()
            db.session.refresh(row)
            db.session.expunge(row)
            return row

    return make


def leave_for_provider(client: FlaskClient, row: SchoolSignIn, email: str) -> str:
    """Press "Sign in with ..." and return the provider URL the app sends the browser to."""
    from tests.conftest import post_form

    found = post_form(client, "/sign-in/school-account", {"email": email})
    assert found.status_code == 200
    response = client.get(f"/sign-in/school-account/{row.id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return str(response.headers["Location"])


def sso_sign_in(client: FlaskClient, row: SchoolSignIn, email: str) -> Any:
    """The whole trip: the app, the provider's sign-in form, and back; the app's answer."""
    back = sign_in_at_provider(leave_for_provider(client, row, email), email, stop_at=RETURN)
    return client.get(back)
