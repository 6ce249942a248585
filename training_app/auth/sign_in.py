"""Signing a browser in once every step is done: a password, a second factor or a provider.

Auth's sign-in page, mfa's code pages and sso's return from a school's provider all end
here, so this module imports only auth's own shared modules and core
(tests/test_architecture.py lists it as shared core).
"""

from __future__ import annotations

from flask import session
from flask_login import login_user

from training_app.auth import services, throttle
from training_app.auth.models import User
from training_app.extensions import client_address


def finish_sign_in(user: User) -> None:
    """Sign this browser in: a new server-side session and a fresh cookie."""
    # A fresh session on sign-in, so a planted session id is useless.
    session.clear()
    services.start_session(user, ip_address=client_address())
    login_user(user)
    session.permanent = True
    throttle.remember_device(user.email)
