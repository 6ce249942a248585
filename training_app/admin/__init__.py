"""Administration of schools and their people."""

from __future__ import annotations

from flask import Flask

from training_app.admin.forms import ConfirmForm
from training_app.auth.models import ROLES, STAFF_GROUPS
from training_app.navigation import add_nav_item
from training_app.roles import ADMIN_ROLES

# What other features may use (tests/test_architecture.py).
__all__ = ["ConfirmForm"]


def init_app(app: Flask) -> None:
    """Register the admin blueprint."""
    from training_app.admin.routes import bp

    app.register_blueprint(bp)
    add_nav_item(
        app,
        "People",
        "admin.people",
        order=20,
        visible=lambda user: user.role in ADMIN_ROLES,
        url_args=lambda user: {"school_id": user.school_id},
        section=("admin.person_new",),
    )
    add_nav_item(
        app,
        "Trust",
        "admin.trust",
        order=10,
        visible=lambda user: user.role == "trust_admin",
        url_args=lambda user: {"trust_id": user.school.trust_id},
    )
    app.context_processor(lambda: {"roles": ROLES, "staff_groups": STAFF_GROUPS})
