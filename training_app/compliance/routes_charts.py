"""Completion over time at one school: a server-drawn SVG line with its figures as a table."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from training_app.admin.models import School
from training_app.auth.permissions import can_view_reports, school_scoped
from training_app.compliance import charts, figures, reports
from training_app.compliance.routes import bp
from training_app.compliance.status import uk_today

MONTHS_SHOWN = 6


@bp.route("/schools/<int:school_id>/compliance/over-time")
@school_scoped(can_view_reports)
def over_time(school: School) -> ResponseReturnValue:
    """Required training in date at the end of each of the last six months, and today."""
    today = uk_today()
    series = []
    # Each month end is worked out as the records stood then (who was on roll, which
    # completions were valid), the same way the academic-year summary reports a past year.
    for day in charts.month_ends(today, MONTHS_SHOWN):
        head = figures.headline(reports.load_lines([school.id], as_of=day))
        series.append((day.strftime("%b %Y"), day, head.tally.rate))
    series.append(("Today", today, figures.headline(reports.load_lines([school.id])).tally.rate))
    return render_template(
        "compliance/over_time.html", school=school, today=today, chart=charts.line_chart(series)
    )
