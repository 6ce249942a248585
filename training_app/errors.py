"""Friendly error pages for the errors people can meet."""

from __future__ import annotations

import contextlib

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from werkzeug.exceptions import HTTPException

from training_app.database import is_unavailable
from training_app.extensions import db

MESSAGES = {
    400: ("Something was wrong with that request", "Go back, reload the page and try again."),
    403: (
        "You do not have access to this page",
        "If you think you should, ask your school's training administrator.",
    ),
    404: ("Page not found", "Check the address, or go back to your home page."),
    405: ("That action is not allowed here", "Go back to your home page and try again."),
    410: ("This link has expired", "Ask for a new one."),
    413: ("That file is too large", "Upload a file under 5 MB."),
    429: ("Too many attempts", "For your security, wait a minute before trying again."),
    500: ("Something went wrong on our side", "Your work so far is saved. Try again in a moment."),
}


def init_app(app: Flask) -> None:
    """Register handlers that render errors in the site's layout."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> ResponseReturnValue:
        return render_template(
            "errors/error.html",
            code=400,
            title="This form has expired",
            hint="Go back, reload the page and submit the form again.",
        ), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(SATimeoutError)
    def _database(error: Exception) -> ResponseReturnValue:
        if not is_unavailable(error):
            raise error  # a real fault: Flask logs it and shows the 500 page
        # Logged, not traced: the cause is outside the app, and one line per request is
        # what an operator greps for when the database has been unreachable.
        app.logger.warning("database unavailable, answered 503: %s", str(error).splitlines()[0])
        # The connection may be the thing that failed; the pool discards it either way.
        with contextlib.suppress(Exception):
            db.session.rollback()
        page = app.jinja_env.get_template("errors/503.html").render(code=503)
        return (
            page,
            503,
            {
                "Content-Type": "text/html; charset=utf-8",
                "Retry-After": str(app.config["UNAVAILABLE_RETRY_AFTER_SECONDS"]),
                "Cache-Control": "no-store",
            },
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        if code >= 500:
            # Rendered without Flask's context processors: they load the signed-in user,
            # and the database may be what failed. Still a clear page, never a trace.
            page = app.jinja_env.get_template("errors/500.html").render(code=code)
            return page, code, {"Content-Type": "text/html; charset=utf-8"}
        title, hint = MESSAGES.get(code, (error.name, ""))
        return render_template("errors/error.html", code=code, title=title, hint=hint), code
