"""Administration of schools and their people."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the admin blueprint."""
    from training_app.admin.routes import bp
    from training_app.auth.models import ROLES, STAFF_GROUPS

    app.register_blueprint(bp)
    app.context_processor(lambda: {"roles": ROLES, "staff_groups": STAFF_GROUPS})
