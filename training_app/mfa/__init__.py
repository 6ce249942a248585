"""Two-factor sign-in: an authenticator app's code after the password (docs/security-mfa.md)."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.mfa.flow import begin_second_step, note_provider_checked, provider_checked
from training_app.mfa.sealing import seal, unseal
from training_app.mfa.services import is_enrolled, is_required
from training_app.navigation import add_nav_item

# What other features may use (tests/test_architecture.py): auth's and sso's sign-ins begin
# the second step here; sso notes a second factor its provider checked; sso and xapi seal
# their own secrets as mfa seals its keys.
__all__ = ["begin_second_step", "note_provider_checked", "seal", "unseal"]

# Pages a signed-in person who still has to set up two-factor sign-in may reach.
SET_UP_ALLOWED = frozenset({"mfa.setup", "auth.logout", "home.healthz", "static"})


def init_app(app: Flask) -> None:
    """Register the pages, the set-up rule for required roles, and the security check."""
    from training_app.mfa import routes_account  # registers its routes on bp
    from training_app.mfa.checks import register
    from training_app.mfa.routes import bp

    app.register_blueprint(bp)
    app.add_template_global(routes_account.can_reset_two_factor, "can_reset_two_factor")
    add_nav_item(app, "Security", "mfa.security", order=91, section=("mfa.setup",))
    register()

    @app.before_request
    def _require_set_up() -> ResponseReturnValue | None:
        # Sign-in already sends these roles to set-up; this catches someone who was
        # signed in before their role changed or their two-factor sign-in was reset.
        if request.endpoint is None or request.endpoint in SET_UP_ALLOWED:
            return None
        user = current_user._get_current_object()  # one look-up, not one per attribute
        if (
            user.is_authenticated
            and is_required(user)
            and not is_enrolled(user.id)
            # Their school's provider checked a second factor at this sign-in.
            and not provider_checked()
        ):
            return redirect(url_for("mfa.setup"))
        return None
