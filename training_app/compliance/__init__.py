"""Compliance: training policy, records, dashboards, exports, certificates and reminders."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from training_app.auth.permissions import can_view_reports
from training_app.compliance.status import uk_date
from training_app.navigation import add_nav_item


def uk_date_filter(value: date | datetime | None) -> str:
    """A date (or a moment, as its UK date) the way people write it: 7 March 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = uk_date(value)
    return value.strftime("%-d %B %Y")


def init_app(app: Flask) -> None:
    """Register the compliance pages and their navigation links."""
    from training_app.compliance import (  # noqa: F401 - routes
        routes_admin,
        routes_charts,
        routes_emails,
        routes_logo,
        routes_records,
    )
    from training_app.compliance.routes import bp

    app.register_blueprint(bp)
    app.add_template_filter(uk_date_filter, "uk_date")
    add_nav_item(
        app,
        "My training record",
        "compliance.person",
        order=5,
        url_args=lambda user: {"user_id": user.id},
        section=("compliance.certificate",),
    )
    add_nav_item(
        app,
        "Trust dashboard",
        "compliance.trust",
        order=12,
        visible=lambda user: user.role == "trust_admin",
        url_args=lambda user: {"trust_id": user.school.trust_id},
    )
    add_nav_item(
        app,
        "Compliance",
        "compliance.dashboard",
        order=15,
        # Staff never see reports: decided without loading their school (a query on every
        # page they open).
        visible=lambda user: user.role != "staff" and can_view_reports(user, user.school),
        url_args=lambda user: {"school_id": user.school_id},
        section=(
            "compliance.policy",
            "compliance.protocol",
            "compliance.import_upload",
            "compliance.import_preview",
            "compliance.emails",
        ),
    )
