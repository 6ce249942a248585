"""Join codes and anonymous participant tokens (pure: stdlib only).

A join code is one of the app's short codes (training_app.shortcodes): it reads off a
classroom screen and types on a phone without mistakes, and failed attempts are rate
limited per address. A participant token is 256 random
bits kept only in the pupil's cookie; the database stores its SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from training_app.shortcodes import (  # noqa: F401 (re-exported for the lessons package)
    ALPHABET,
    CODE_LENGTH,
    code_space,
    display_code,
    new_code,
    normalise_code,
)

# Join codes are the app's short codes; these names are what the lessons code calls them.
new_join_code = new_code


def new_participant_token() -> str:
    """A random token for one pupil's device in one session."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 of a participant token, as stored (a leaked table resumes nobody)."""
    return hashlib.sha256(token.encode()).hexdigest()


def form_token(secret: str, participant_token: str) -> str:
    """A form token bound to one participant, so another site cannot answer for them."""
    key = hashlib.sha256(b"lesson-form:" + secret.encode()).digest()
    return hmac.new(key, participant_token.encode(), hashlib.sha256).hexdigest()[:32]


def form_token_ok(secret: str, participant_token: str, given: str) -> bool:
    """Whether a submitted form token belongs to this participant."""
    # As bytes: compare_digest refuses (TypeError) a str with any non-ASCII character in it.
    expected = form_token(secret, participant_token).encode()
    return hmac.compare_digest(expected, (given or "").encode("utf-8", "surrogatepass"))
