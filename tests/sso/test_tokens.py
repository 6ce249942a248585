"""ID token checks with tokens the real provider issued (and a few forged ones)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.sso.harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_CLIENT_ID,
    OidcProvider,
    new_key,
    sign_in_at_provider,
)
from training_app.sso import discovery, tokens

RETURN = "http://localhost/sign-in/school-account/return"
EMAIL = "staff@sso.example"


@pytest.fixture
def provider(oidc_provider: OidcProvider) -> OidcProvider:
    """The run's shared provider, for tests that neither stop it nor change its keys."""
    return oidc_provider


def _client(provider: OidcProvider, client_id: str = CLIENT_ID) -> tokens.Client:
    return tokens.Client(provider.issuer, client_id, CLIENT_SECRET, RETURN)


def _real_token(provider: OidcProvider, client_id: str = CLIENT_ID):
    """Sign in at the provider and swap the code: (token response, nonce)."""
    client = _client(provider, client_id)
    started = tokens.start(client, EMAIL)
    back = sign_in_at_provider(started.url, EMAIL, stop_at=RETURN)
    code = back.split("code=")[1].split("&")[0]
    return tokens.exchange(client, code, started.code_verifier), started.nonce, code


def _reason(callable_, *args) -> str:
    with pytest.raises(tokens.TokenRefused) as refused:
        callable_(*args)
    return refused.value.reason


def test_a_real_token_passes_every_check(provider):
    token, nonce, _ = _real_token(provider)
    claims = tokens.verify(_client(provider), token, nonce)
    assert claims["email"] == EMAIL
    assert claims["aud"] == CLIENT_ID


def test_a_token_issued_to_another_app_is_refused(provider):
    """Wrong audience: a token the provider really issued, but to a different client."""
    token, nonce, _ = _real_token(provider, OTHER_CLIENT_ID)
    assert _reason(tokens.verify, _client(provider), token, nonce) == "audience"


def test_a_token_for_another_sign_in_is_refused(provider):
    token, _, _ = _real_token(provider)
    assert _reason(tokens.verify, _client(provider), token, "a-different-nonce") == "nonce"


def test_a_code_swapped_twice_is_refused(provider):
    token, _, code = _real_token(provider)
    started = tokens.start(_client(provider), EMAIL)
    assert _reason(tokens.exchange, _client(provider), code, started.code_verifier) == "code"


def test_a_code_with_the_wrong_pkce_verifier_is_refused(provider):
    client = _client(provider)
    started = tokens.start(client, EMAIL)
    back = sign_in_at_provider(started.url, EMAIL, stop_at=RETURN)
    code = back.split("code=")[1].split("&")[0]
    assert _reason(tokens.exchange, client, code, "x" * 64) == "code"


def _forged(provider: OidcProvider, key: dict, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "sub": "someone",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 600,
        "nonce": "n",
        "email": EMAIL,
        **changes,
    }
    signed = jwt.encode({"alg": "RS256", "kid": key["kid"]}, claims, RSAKey.import_key(key))
    return {"id_token": signed}


def test_a_token_signed_with_a_key_the_provider_does_not_hold_is_refused(provider):
    impostor = new_key(provider.keys[0]["kid"])  # same key id, different key
    forged = _forged(provider, impostor)
    assert _reason(tokens.verify, _client(provider), forged, "n") == "signature"


def test_a_token_from_another_issuer_is_refused(provider):
    forged = _forged(provider, provider.keys[0], iss="https://elsewhere.example")
    assert _reason(tokens.verify, _client(provider), forged, "n") == "issuer"
    # The same token with the right issuer passes: only the issuer was wrong.
    good = _forged(provider, provider.keys[0])
    assert tokens.verify(_client(provider), good, "n")["sub"] == "someone"


def test_an_unsigned_token_is_refused(provider):
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"iss": provider.issuer, "aud": CLIENT_ID, "sub": "x", "exp": 2**31, "iat": 1}
    unsigned = part({"alg": "none"}) + "." + part(claims) + "."
    assert _reason(tokens.verify, _client(provider), {"id_token": unsigned}, "n") == "signature"


def test_key_rotation_is_followed(own_provider, monkeypatch):
    """The provider starts signing with a new key: one fresh fetch of its keys finds it."""
    provider = own_provider
    monkeypatch.setattr(discovery, "KEY_REFRESH_SECONDS", 0)
    token, nonce, _ = _real_token(provider)
    tokens.verify(_client(provider), token, nonce)
    old_kid = provider.keys[0]["kid"]

    provider.rotate_keys()
    token, nonce, _ = _real_token(provider)

    assert provider.keys[0]["kid"] != old_kid
    assert tokens.verify(_client(provider), token, nonce)["email"] == EMAIL


def test_unknown_keys_are_not_fetched_again_and_again(own_provider, monkeypatch):
    """Right after a fetch, a token naming an unknown key waits for the next allowed fetch."""
    provider = own_provider
    token, nonce, _ = _real_token(provider)
    tokens.verify(_client(provider), token, nonce)  # keys now cached
    provider.rotate_keys()
    token, nonce, _ = _real_token(provider)

    assert _reason(tokens.verify, _client(provider), token, nonce) == "signature"
    monkeypatch.setattr(discovery, "KEY_REFRESH_SECONDS", 0)
    assert tokens.verify(_client(provider), token, nonce)["email"] == EMAIL


def test_provider_down_is_reported_as_such(own_provider):
    provider = own_provider
    provider.stop()
    with pytest.raises(discovery.ProviderUnavailable):
        tokens.start(_client(provider), EMAIL)


def test_a_discovery_document_naming_another_issuer_is_not_used(provider):
    """The address given as issuer must be the issuer its discovery document names."""
    client = tokens.Client(provider.issuer.replace("127.0.0.1", "localhost"), CLIENT_ID, "", RETURN)
    with pytest.raises(discovery.ProviderUnavailable, match="names"):
        tokens.start(client, EMAIL)
