"""The signed session cookie, re-issued at most once a minute instead of on every response.

Flask re-signs and re-sends a permanent session cookie on every response so that its expiry
(PERMANENT_SESSION_LIFETIME, our idle time-out) slides forward. That costs a serialisation,
an HMAC and a compression per request: about a tenth of a reading page's server time on an
INSET morning (bench/README.md). Re-issuing it only when it is older than
SESSION_REFRESH_SECONDS keeps the idle time-out correct to within that interval. The cookie
holds no identity of its own (only the server-side session token and the CSRF secret), so
revocation is unaffected: that happens in the database on every request.

A browser sends the same cookie on every request until it is re-issued, so each worker also
remembers the cookies it has already verified (see `_VERIFIED`): checking the signature,
decompressing and parsing again was the next tenth of a page view's time.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Request

from training_app.memo import BoundedMemo


class TimedSession(SecureCookieSession):
    """A cookie session that remembers when its cookie was signed."""

    signed_at: float | None = None


class ThrottledRefreshSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, refreshed only when the cookie is getting old."""

    session_class = TimedSession

    def open_session(self, app: Flask, request: Request) -> TimedSession | None:
        """Load the session as Flask does, keeping the cookie's signing time."""
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = _VERIFIED.get((app.secret_key, value))
        if known is None:
            serializer = self.get_signing_serializer(app)
            if serializer is None:
                return None
            known = _verify(serializer, value, max_age)
            if known is None:
                return self.session_class()
            _remember(app.secret_key, value, known)
        data, signed_at = known
        if time.time() - signed_at > max_age:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        """Send the cookie when it changed, or when a permanent one is due a refresh."""
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        interval = app.config["SESSION_REFRESH_SECONDS"]
        return signed_at is None or time.time() - signed_at >= interval


# Cookies this worker has verified, by (secret key, exact cookie value): their contents and
# signing time. Only cookies whose values are all plain strings, numbers, booleans or None
# are kept, so the shallow copy each request gets can never change what is stored here (a
# cookie carrying flashed messages, a list, is short-lived and simply checked each time).
# The signature covers the value and the key is part of the entry, so nothing enters that
# Flask itself would not accept; the age is checked on every use, as itsdangerous does.
_VERIFIED: BoundedMemo[tuple[str | bytes, str], tuple[dict[str, Any], float]] = BoundedMemo(20_000)
_PLAIN = (str, int, float, bool, type(None))


def _verify(
    serializer: URLSafeTimedSerializer, value: str, max_age: int
) -> tuple[dict[str, Any], float] | None:
    try:
        data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
    except BadSignature:
        return None
    return dict(data), signed.timestamp()


def _remember(secret: str | bytes, value: str, known: tuple[dict[str, Any], float]) -> None:
    if all(isinstance(v, _PLAIN) for v in known[0].values()):
        _VERIFIED.put((secret, value), known)


def init_app(app: Flask) -> None:
    """Use the throttled session cookie."""
    app.session_interface = ThrottledRefreshSessionInterface()
