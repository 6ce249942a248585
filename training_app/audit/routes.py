"""The audit log page for a school's admins."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from training_app.admin.models import School
from training_app.audit.services import school_events
from training_app.auth.permissions import can_manage_school, school_scoped
from training_app.pagination import page_number

bp = Blueprint("audit", __name__)


@bp.route("/schools/<int:school_id>/audit")
@school_scoped(can_manage_school)
def log(school: School) -> ResponseReturnValue:
    """Newest-first audit events for one school."""
    number = page_number(request.args)
    events, has_more = school_events(
        school.id, page=number, per_page=current_app.config["PER_PAGE"]
    )
    return render_template(
        "audit/log.html", school=school, events=events, page_no=number, has_more=has_more
    )
