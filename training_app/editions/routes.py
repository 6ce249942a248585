"""The "what changed since 2016" page for a school's DSLs and admins."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.admin.models import School
from training_app.auth.permissions import can_manage_school, can_view_reports, school_scoped
from training_app.content.guidance import quote_found
from training_app.editions.changes import CHANGES_FILE, Change, load_changes
from training_app.editions.labels import edition_label
from training_app.editions.school import school_edition

bp = Blueprint("editions", __name__)


@cache
def _changes() -> tuple[Change, ...] | None:
    # The file ships with the code and never changes while the app runs: read it once.
    changes, problems = load_changes(CHANGES_FILE, quote_found)
    return None if problems else changes


@bp.route("/schools/<int:school_id>/what-changed")
@school_scoped(can_view_reports)
def what_changed(school: School) -> ResponseReturnValue:
    """Each change from the group's 2016-based policy to the 2024 advice, cited on both sides."""
    changes = _changes()
    if changes is None:
        # `flask content check` reports the problems; never show a half-checked comparison.
        abort(500)
    return render_template(
        "editions/what_changed.html",
        school=school,
        edition=edition_label(school_edition(school.id)),
        changes=changes,
        can_change=can_manage_school(current_user, school),
    )
