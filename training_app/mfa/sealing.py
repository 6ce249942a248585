"""Encrypting TOTP secrets at rest, and keyed hashes of recovery codes.

Why this and not plain columns: a copy of the database (a backup file, a restored dump
on a laptop) must not be enough to produce anyone's sign-in codes. `cryptography` is not
a dependency of the app, so rather than add a compiled package for one column this uses
the standard library: encrypt-then-MAC with HMAC-SHA256 as the pseudo-random function
(a keystream from HMAC(key, nonce || counter), then an HMAC tag over nonce and
ciphertext). Both keys are derived from SECRET_KEY with distinct labels, so they are
never the session-signing key itself.

Consequence: changing SECRET_KEY makes every stored secret unreadable, and everyone
with two-factor sign-in must be reset by an admin and set it up again
(docs/security-mfa.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

VERSION = "v1"
NONCE_BYTES = 16
TAG_BYTES = 16


def _key(secret_key: str, label: str) -> bytes:
    return hmac.new(secret_key.encode(), f"training-app mfa {label}".encode(), "sha256").digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range((length + 31) // 32):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(4, "big"), "sha256").digest())
    return b"".join(blocks)[:length]


def seal(plaintext: str, secret_key: str) -> str:
    """Encrypt and authenticate `plaintext`; the result is ASCII, safe for a text column."""
    data = plaintext.encode()
    nonce = secrets.token_bytes(NONCE_BYTES)
    stream = _keystream(_key(secret_key, "encrypt"), nonce, len(data))
    body = nonce + bytes(a ^ b for a, b in zip(data, stream, strict=True))
    tag = hmac.new(_key(secret_key, "authenticate"), body, "sha256").digest()[:TAG_BYTES]
    return VERSION + ":" + base64.urlsafe_b64encode(body + tag).decode()


def unseal(token: str, secret_key: str) -> str | None:
    """Decrypt a sealed value; None if it was altered or sealed under another SECRET_KEY."""
    version, _, encoded = token.partition(":")
    if version != VERSION:
        return None
    try:
        raw = base64.urlsafe_b64decode(encoded.encode())
    except ValueError:
        return None
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    expected = hmac.new(_key(secret_key, "authenticate"), body, "sha256").digest()[:TAG_BYTES]
    if len(body) < NONCE_BYTES or not hmac.compare_digest(tag, expected):
        return None
    nonce, ciphertext = body[:NONCE_BYTES], body[NONCE_BYTES:]
    stream = _keystream(_key(secret_key, "encrypt"), nonce, len(ciphertext))
    return bytes(a ^ b for a, b in zip(ciphertext, stream, strict=True)).decode()


def recovery_hash(code: str, secret_key: str) -> str:
    """A keyed hash of a normalised recovery code: the only form in which codes are kept."""
    return hmac.new(_key(secret_key, "recovery"), code.encode(), hashlib.sha256).hexdigest()
