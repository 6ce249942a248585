"""A browser's signed CSRF token is made once a minute per worker, not on every page.

Every signed-in page carries a CSRF token (the sign-out button is a form), and Flask-WTF
signs the session's secret token afresh for each one: a timestamped HMAC, about a
twentieth of a reading page's time on an INSET morning (bench/README.md). A worker now
reuses the signed token it made for the same session token and key in the last
CSRF_REUSE_SECONDS (config.py). Nothing else changes: the token is the same kind Flask-WTF checks,
bound to the same session, and at most that much older, so it still expires within
WTF_CSRF_TIME_LIMIT of when it was signed.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request, session

from training_app.memo import BoundedMemo

# (signing key, session's raw token) -> (signed token, when it was signed).
_SIGNED: BoundedMemo[tuple[str | bytes, str], tuple[str, float]] = BoundedMemo(20_000)


def init_app(app: Flask) -> None:
    """Reuse a recent signed token before each request; keep a new one after it."""

    def signing_key() -> str | bytes:
        return app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key or ""

    @app.before_request
    def _reuse_signed_token() -> None:
        # Only for browsers with a session cookie: reading the session of one without would
        # mark a cookie-less response (a health check, a static file) as varying by cookie.
        if not request.cookies:
            return
        field = app.config["WTF_CSRF_FIELD_NAME"]
        raw = session.get(field)
        if not isinstance(raw, str):
            return
        found = _SIGNED.get((signing_key(), raw))
        if found is not None and time.time() - found[1] < app.config["CSRF_REUSE_SECONDS"]:
            # Where Flask-WTF's generate_csrf looks first for this request's token.
            setattr(g, field, found[0])
            g.csrf_token_reused = True

    @app.after_request
    def _remember_signed_token(response: Response) -> Response:
        field = app.config["WTF_CSRF_FIELD_NAME"]
        signed = g.get(field)
        raw = session.get(field) if signed else None
        if isinstance(raw, str) and not g.get("csrf_token_reused"):
            _SIGNED.put((signing_key(), raw), (signed, time.time()))
        return response
