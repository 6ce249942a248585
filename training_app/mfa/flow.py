"""The browser's side of a half-done sign-in: what the signed session cookie remembers.

The cookie holds only a random challenge token, the person's id and where to go next; the
challenge row on the server decides whether it is still live. Nothing here signs anyone in.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import redirect, session, url_for
from flask.typing import ResponseReturnValue

from training_app.auth.models import User
from training_app.mfa import challenges, services
from training_app.mfa.models import SignInChallenge

PENDING_KEY = "mfa_pending"
# Set when a school's provider (sso) checked a second factor at this browser's sign-in, so the
# set-up rule for required roles (mfa/__init__.py) lets the person through.
PROVIDER_CHECKED_KEY = "mfa_provider_checked"


@dataclass(frozen=True)
class Pending:
    """A live half-done sign-in and where to go once it is done."""

    challenge: SignInChallenge
    user: User
    next_url: str


def begin_second_step(user: User, next_url: str) -> ResponseReturnValue | None:
    """After a right password: send the browser to the code or set-up page, or None."""
    if services.is_enrolled(user.id):
        endpoint = "mfa.code"
    elif services.is_required(user):
        endpoint = "mfa.enrol"
    else:
        return None
    token = challenges.open_challenge(user)
    # A fresh cookie, as for a full sign-in; it carries no signed-in identity.
    session.clear()
    session[PENDING_KEY] = {"token": token, "user": user.id, "next": next_url}
    return redirect(url_for(endpoint))


def pending() -> Pending | None:
    """The live half-done sign-in of this browser, if any."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    challenge = challenges.live_challenge(str(data.get("token", "")), int(data.get("user", 0)))
    if challenge is None:
        return None
    return Pending(challenge, challenge.user, str(data.get("next") or url_for("home.index")))


def pending_user_id() -> int | None:
    """The person this browser is half signed in as (for rate-limit keys; not trusted)."""
    data = session.get(PENDING_KEY)
    return int(data.get("user", 0)) if isinstance(data, dict) else None


def forget() -> None:
    """Drop the half-done sign-in from the cookie."""
    session.pop(PENDING_KEY, None)


def note_provider_checked() -> None:
    """Remember that the school's provider checked a second factor at this sign-in."""
    session[PROVIDER_CHECKED_KEY] = True


def provider_checked() -> bool:
    """Whether the school's provider checked a second factor at this browser's sign-in."""
    return session.get(PROVIDER_CHECKED_KEY) is True
