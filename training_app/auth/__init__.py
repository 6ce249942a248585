"""Authentication: sign-in, sessions, passwords."""

from __future__ import annotations

from flask import Flask

from training_app.auth import passwords
from training_app.auth.models import User
from training_app.auth.services import load_session_user
from training_app.extensions import login_manager
from training_app.navigation import add_nav_item


def init_app(app: Flask) -> None:
    """Wire Flask-Login to server-side sessions and register the blueprint."""
    from training_app.auth.routes import bp

    passwords.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    # Flask-Login's own "strong" protection would sign out everyone behind a
    # changing school proxy; revocation is handled by AuthSession instead.
    login_manager.session_protection = None
    app.register_blueprint(bp)
    add_nav_item(app, "Password", "auth.change_password", order=90)


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    return load_session_user(token)
