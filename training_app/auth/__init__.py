"""Authentication: sign-in, sessions, passwords."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask, abort, g, request

from training_app.auth import passwords
from training_app.extensions import login_manager
from training_app.navigation import add_nav_item

if TYPE_CHECKING:
    from training_app.auth.services import ReadAlongside

# What other features may use (tests/test_architecture.py).
__all__ = ["AlongsidePlan", "read_alongside_session_user", "row_read_alongside"]

# Given a request's URL values, the rows its view wants read with the person (or None).
AlongsidePlan = Callable[[dict[str, Any]], "ReadAlongside | None"]


def init_app(app: Flask) -> None:
    """Wire Flask-Login to server-side sessions and register the blueprint."""
    from training_app.auth.routes import bp
    from training_app.auth.session_loader import load_user

    passwords.init_app(app)
    login_manager.init_app(app)
    # The cookie holds a server-side session token, never a user id (auth.models.SignsIn).
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    # Flask-Login's own "strong" protection would sign out everyone behind a
    # changing school proxy; revocation is handled by AuthSession instead.
    login_manager.session_protection = None
    app.register_blueprint(bp)
    add_nav_item(app, "Password", "auth.change_password", order=90)
    app.before_request(refuse_json_bodies)


def refuse_json_bodies() -> None:
    """Every form takes form posts only: a JSON body is a 400, whatever it holds.

    Flask-WTF would read a JSON body as the form: lone surrogates, deep nesting or a list
    then failed deep inside a view (500), and sign-in's per-account limit, keyed on the
    posted form's email, counted every JSON attempt in one shared bucket. No page of this
    app takes JSON, so none is read.
    """
    if request.method not in {"GET", "HEAD", "OPTIONS"} and request.is_json:
        abort(400)


def read_alongside_session_user(app: Flask, endpoint: str, plan: AlongsidePlan) -> None:
    """Have `endpoint`'s rows read in the statement that loads its signed-in person.

    Every signed-in request loads its person first (the session check); a busy view that
    then reads a row of its own saves that round trip. Its view gets the row from
    `row_read_alongside()` (None only when the plan returned None), and `current_user` is
    an `auth.person.SignedInPerson`, not a `User`, on every database.
    """
    app.extensions.setdefault("read_alongside", {})[endpoint] = plan


def row_read_alongside() -> tuple[Any, ...] | None:
    """This request's row read with the signed-in person (person first), if that happened."""
    return g.get("row_read_alongside")
