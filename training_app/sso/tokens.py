"""The OpenID Connect exchange with Authlib: the authorisation URL (PKCE, state, nonce),
the code-for-tokens swap, and every check on the ID token before anyone is signed in."""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry

from training_app.sso import discovery
from training_app.sso.discovery import ProviderUnavailable

SCOPE = "openid email profile"
# Clocks at the school and at the provider may differ a little.
LEEWAY_SECONDS = 60
ALGORITHMS = ["RS256", "PS256", "ES256"]
# Google's tokens may name their issuer without the scheme.
ISSUER_ALIASES = {"https://accounts.google.com": ["accounts.google.com"]}


class TokenRefused(Exception):
    """The provider refused the code, or its ID token failed a check (`reason` says which)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Started:
    """What the browser must remember between leaving for the provider and coming back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Client:
    """The school's registration at its provider."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str


def now() -> float:
    """The time ID tokens are checked against (a function, so a test can move it on)."""
    return time.time()


def _session(client: Client) -> OAuth2Session:
    return OAuth2Session(
        client.client_id,
        client.client_secret,
        scope=SCOPE,
        redirect_uri=client.redirect_uri,
        code_challenge_method="S256",
    )


def start(client: Client, login_hint: str | None) -> Started:
    """The provider's sign-in URL, with a fresh state, nonce and PKCE verifier."""
    document = discovery.metadata(client.issuer)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    extra = {"login_hint": login_hint} if login_hint else {}
    with _session(client) as session:
        url, _ = session.create_authorization_url(
            document["authorization_endpoint"],
            state=state,
            nonce=nonce,
            code_verifier=verifier,
            **extra,
        )
    return Started(url, state, nonce, verifier)


def exchange(client: Client, code: str, code_verifier: str) -> dict[str, Any]:
    """Swap the one-time code for tokens (a replayed or stolen code is refused here)."""
    document = discovery.metadata(client.issuer)
    try:
        with _session(client) as session:
            token = session.fetch_token(
                document["token_endpoint"], code=code, code_verifier=code_verifier
            )
    except OAuthError as error:
        raise TokenRefused("code", str(error.error)) from error
    except requests.RequestException as error:
        raise ProviderUnavailable(str(error.__class__.__name__)) from error
    if "id_token" not in token:
        raise TokenRefused("code", "no ID token in the provider's answer")
    return dict(token)


def _key_id(id_token: str) -> str | None:
    try:
        header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    except (ValueError, IndexError) as error:
        raise TokenRefused("signature", "not a JWT") from error
    kid = header.get("kid") if isinstance(header, dict) else None
    return str(kid) if kid is not None else None


def verify(client: Client, token: dict[str, Any], nonce: str) -> dict[str, Any]:
    """The ID token's claims once signature, issuer, audience, expiry and nonce all pass."""
    document = discovery.metadata(client.issuer)
    id_token = str(token["id_token"])
    keys = discovery.signing_keys(document["jwks_uri"], _key_id(id_token))
    registry = JWSRegistry(algorithms=ALGORITHMS)
    try:
        decoded = jwt.decode(id_token, keys, registry=registry)
    except JoseError as error:
        raise TokenRefused("signature", error.error) from error
    issuers = [document["issuer"], *ISSUER_ALIASES.get(document["issuer"], [])]
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "values": issuers},
            "aud": {"essential": True, "value": client.client_id},
        },
        {"nonce": nonce, "client_id": client.client_id, "access_token": token.get("access_token")},
    )
    try:
        claims.validate(now=int(now()), leeway=LEEWAY_SECONDS)
    except JoseError as error:
        raise TokenRefused(_reason(error), error.error + " " + str(error.description)) from error
    if claims.get("nonce") != nonce:
        raise TokenRefused("nonce", "missing")
    return dict(claims)


def _reason(error: JoseError) -> str:
    """A short name for why the claims failed, for the audit trail and the tests."""
    text = str(error.description or error.error)
    for claim, reason in (("aud", "audience"), ("iss", "issuer"), ("exp", "expired")):
        if f"'{claim}'" in text or f'"{claim}"' in text:
            return reason
    if error.error == "expired_token":
        return "expired"
    if "nonce" in text:
        return "nonce"
    return "claims"


def end_session_url(issuer: str, client_id: str) -> str | None:
    """The provider's sign-out page for this app, if it publishes one (cached settings only)."""
    try:
        document = discovery.metadata(issuer)
    except ProviderUnavailable:
        return None
    endpoint = document.get("end_session_endpoint")
    if not isinstance(endpoint, str):
        return None
    return f"{endpoint}?{requests.compat.urlencode({'client_id': client_id})}"
