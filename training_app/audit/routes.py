"""The audit log page for a school's admins, with filters and a CSV export."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.admin.models import School
from training_app.audit.services import (
    CATEGORIES,
    EXPORT_COLUMNS,
    AuditFilters,
    export_school_events,
    school_events,
)
from training_app.auth.permissions import can_manage_school, school_scoped
from training_app.csv_files import csv_download, to_csv
from training_app.extensions import client_address
from training_app.pagination import page_number

bp = Blueprint("audit", __name__)


@bp.route("/schools/<int:school_id>/audit")
@school_scoped(can_manage_school)
def log(school: School) -> ResponseReturnValue:
    """Newest-first audit events for one school, filtered by kind, words and dates."""
    number = page_number(request.args)
    filters = AuditFilters.from_args(request.args)
    events, has_more = school_events(
        school.id, page=number, per_page=current_app.config["PER_PAGE"], filters=filters
    )
    return render_template(
        "audit/log.html",
        school=school,
        events=events,
        page_no=number,
        has_more=has_more,
        filters=filters,
        categories=CATEGORIES,
    )


@bp.route("/schools/<int:school_id>/audit/export.csv")
@school_scoped(can_manage_school)
def export(school: School) -> ResponseReturnValue:
    """The filtered audit log as CSV (spreadsheet formulas neutralised)."""
    filters = AuditFilters.from_args(request.args)
    rows = export_school_events(school.id, filters, actor=current_user, ip_address=client_address())
    return csv_download(to_csv(EXPORT_COLUMNS, rows), f"audit-log-school-{school.id}.csv")
