"""Flask-Login's user loader: the cookie's session token to the person signed in with it."""

from __future__ import annotations

from flask import current_app, g, request

from training_app.auth.models import User
from training_app.auth.person import SignedInPerson
from training_app.auth.services import load_session_user


def load_user(token: str) -> User | SignedInPerson | None:
    """The live session's person, with the view's row when it asked for one (see auth)."""
    plan = current_app.extensions.get("read_alongside", {}).get(request.endpoint or "")
    alongside = plan(request.view_args or {}) if plan is not None else None
    user, row = load_session_user(token, alongside)
    if row is not None:
        g.row_read_alongside = row
    return user
