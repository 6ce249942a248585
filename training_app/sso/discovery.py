"""A provider's published settings and signing keys, fetched over HTTPS and kept in memory.

Both are cached per process: the settings for an hour, the keys until a token names a key
the cache does not hold. That is how providers rotate keys (Microsoft's roll every few
weeks; Google's daily): the new key appears in the published set before it signs anything,
so one fresh fetch finds it. Fetches for an unknown key are spaced out, so a stream of
forged tokens with made-up key ids cannot turn the app into a load on the provider.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from joserfc.jwk import KeySet

METADATA_SECONDS = 3600
# At most one fetch of a provider's keys per this many seconds when a token names an
# unknown key (tests set it to 0 to rotate keys within one test).
KEY_REFRESH_SECONDS = 30.0
TIMEOUT_SECONDS = 5

_lock = threading.Lock()
_metadata: dict[str, tuple[float, dict[str, Any]]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with something unusable."""


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error.__class__.__name__}") from error
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return data


def metadata(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (endpoints, key set address), cached for an hour."""
    issuer = issuer.rstrip("/")
    with _lock:
        cached = _metadata.get(issuer)
    if cached is not None and time.monotonic() - cached[0] < METADATA_SECONDS:
        return cached[1]
    document = _get_json(issuer + "/.well-known/openid-configuration")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "issuer"):
        if not isinstance(document.get(name), str):
            raise ProviderUnavailable(f"{issuer}: discovery document has no {name}")
    # OpenID Connect Discovery 1.0, section 4.3: a document naming another issuer is not
    # this provider's (a mix-up or a hijacked address), so nothing it says is used.
    if document["issuer"].rstrip("/") != issuer:
        raise ProviderUnavailable(f"{issuer}: discovery document names {document['issuer']}")
    with _lock:
        _metadata[issuer] = (time.monotonic(), document)
    return document


def _fetch_keys(jwks_uri: str) -> KeySet:
    try:
        keys = KeySet.import_key_set(_get_json(jwks_uri))  # type: ignore[arg-type]
    except (ValueError, KeyError, TypeError) as error:
        raise ProviderUnavailable(f"{jwks_uri}: unusable key set") from error
    with _lock:
        _keys[jwks_uri] = (time.monotonic(), keys)
    return keys


def signing_keys(jwks_uri: str, key_id: str | None) -> KeySet:
    """The provider's keys, fetched again once if the token's key id is not among them."""
    with _lock:
        cached = _keys.get(jwks_uri)
    if cached is None:
        return _fetch_keys(jwks_uri)
    fetched_at, keys = cached
    known = {key.kid for key in keys.keys}
    unknown = key_id is not None and key_id not in known
    if unknown and time.monotonic() - fetched_at >= KEY_REFRESH_SECONDS:
        return _fetch_keys(jwks_uri)
    return keys


def forget() -> None:
    """Drop every cached document and key set (tests; a changed provider)."""
    with _lock:
        _metadata.clear()
        _keys.clear()
