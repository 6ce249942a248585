"""Security headers on every response; no NUL characters and no overflowing ids in requests."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, request
from werkzeug.routing import IntegerConverter

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Security headers on every response (unless the view set its own).
_ALWAYS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
# Behind HTTPS (production's secure cookies), browsers are also told to keep to it.
_SECURE = (*_ALWAYS, ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in a URL, no larger than the id columns hold (PostgreSQL `integer`).

    A larger number would overflow the query (a 500); as a URL that matches no route it is
    simply not found, like any other id that does not exist.
    """

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _has_nul() -> bool:
    """Whether the path, a query or form value, or an upload's name holds a NUL character."""
    values = [request.path]
    values += [value for _, value in request.args.items(multi=True)]
    values += [value for _, value in request.form.items(multi=True)]
    values += [upload.filename or "" for _, upload in request.files.items(multi=True)]
    return any("\x00" in value for value in values)


def init_app(app: Flask) -> None:
    """Bound URL ids, refuse NUL characters before every request, add the headers after it."""
    app.url_map.converters["int"] = DatabaseIdConverter

    @app.before_request
    def _refuse_nul() -> None:
        # No field of any form, and no code or token in a URL, can hold a NUL; PostgreSQL
        # cannot even store one (a query with it fails), so such a request is refused whole.
        if _has_nul():
            abort(400)

    @app.after_request
    def _headers(response: Response) -> Response:
        # Added where the view has not set its own. Checked against the names present, not
        # with Headers.setdefault, which raises and catches an exception for each missing
        # header (eight per response).
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        for name, value in _ALWAYS if not app.config.get("SESSION_COOKIE_SECURE") else _SECURE:
            if name.lower() not in present:
                headers.add(name, value)
        # Pages about people and their records must not sit in shared caches or history.
        # Every page gets this, signed in or not: checking would load the user from the
        # database, which may be what just failed.
        if request.endpoint != "static" and "cache-control" not in present:
            headers.add("Cache-Control", "no-store")
        return response
