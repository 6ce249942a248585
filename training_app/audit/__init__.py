"""The audit trail that admin actions, sign-ins and policy changes write to."""

from __future__ import annotations

from flask import Flask

from training_app.navigation import add_nav_item
from training_app.roles import ADMIN_ROLES


def init_app(app: Flask) -> None:
    """Register the audit blueprint."""
    from training_app.audit.routes import bp

    app.register_blueprint(bp)
    add_nav_item(
        app,
        "Audit log",
        "audit.log",
        order=80,
        visible=lambda user: user.role in ADMIN_ROLES,
        url_args=lambda user: {"school_id": user.school_id},
    )
