"""The audit log page for a school's admins, with filters and a CSV export."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.admin.models import School
from training_app.audit.services import (
    CATEGORIES,
    AuditFilters,
    all_school_events,
    record_event,
    school_events,
)
from training_app.auth.permissions import can_manage_school, school_scoped
from training_app.extensions import client_address, db
from training_app.pagination import page_number

bp = Blueprint("audit", __name__)

EXPORT_COLUMNS = (
    "When (UTC)",
    "Who",
    "Who (email)",
    "Action",
    "Target",
    "Summary",
    "Before",
    "After",
    "IP address",
)


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
    from training_app.compliance.exports import to_csv

    filters = AuditFilters.from_args(request.args)
    events = all_school_events(school.id, filters)
    rows = [
        (
            e.created_at.isoformat(timespec="seconds"),
            e.actor.name if e.actor else "System or anonymous",
            e.actor.email if e.actor else "",
            e.action,
            f"{e.target_type}:{e.target_id}" if e.target_type else "",
            e.summary,
            json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
            json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
            e.ip_address or "",
        )
        for e in events
    ]
    record_event(
        "admin.audit_exported",
        actor=current_user,
        school_id=school.id,
        target=("school", school.id),
        summary=f"Downloaded the audit log ({len(rows)} events)",
        after=filters.as_args() or None,
        ip_address=client_address(),
    )
    db.session.commit()
    return Response(
        to_csv(EXPORT_COLUMNS, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-log-school-{school.id}.csv"'},
    )
