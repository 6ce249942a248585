"""The signed session cookie, re-issued at most once a minute instead of on every response.

Flask re-signs and re-sends a permanent session cookie on every response so that its expiry
(PERMANENT_SESSION_LIFETIME, our idle time-out) slides forward. That costs a serialisation,
an HMAC and a compression per request: about a tenth of a reading page's server time on an
INSET morning (bench/README.md). Re-issuing it only when it is older than
SESSION_REFRESH_SECONDS keeps the idle time-out correct to within that interval. The cookie
holds no identity of its own (only the server-side session token and the CSRF secret), so
revocation is unaffected: that happens in the database on every request.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.wrappers import Request


class TimedSession(SecureCookieSession):
    """A cookie session that remembers when its cookie was signed."""

    signed_at: float | None = None


class ThrottledRefreshSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, refreshed only when the cookie is getting old."""

    session_class = TimedSession

    def open_session(self, app: Flask, request: Request) -> TimedSession | None:
        """Load the session as Flask does, keeping the cookie's signing time."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed.timestamp()
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


def init_app(app: Flask) -> None:
    """Use the throttled session cookie."""
    app.session_interface = ThrottledRefreshSessionInterface()
