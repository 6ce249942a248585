"""What the browser's signed session cookie remembers about a sign-in with a school's provider.

Whether the provider checked a second factor is mfa's to remember (`mfa.note_provider_checked`).
"""

from __future__ import annotations

from typing import Any

from flask import session

# The work email typed on the find page, given to the provider as `login_hint`.
HINT_KEY = "sso_hint"
# Between leaving for the provider and coming back: state, nonce, PKCE verifier, where to go.
PENDING_KEY = "sso_pending"
# After signing in with a provider: which one.
SIGNED_IN_KEY = "sso"
# Signed in at the provider, now giving the app's code: the provider's id.
AWAITING_CODE_KEY = "sso_awaiting_code"
# After signing out: the provider's own sign-out page, offered once on the sign-in page.
END_SESSION_KEY = "sso_end_session"


def signed_in_provider() -> int | None:
    """The id of the school provider this browser signed in with, if it did."""
    data = session.get(SIGNED_IN_KEY)
    return int(data["provider"]) if isinstance(data, dict) and "provider" in data else None


def take_pending() -> dict[str, Any] | None:
    """The half-done provider sign-in, removed from the cookie so it can be used once."""
    data = session.pop(PENDING_KEY, None)
    return data if isinstance(data, dict) else None


def end_session_offer() -> str | None:
    """The provider sign-out address to offer once after signing out (then forgotten)."""
    value = session.pop(END_SESSION_KEY, None)
    return value if isinstance(value, str) else None
