"""School and trust dashboards and their CSV exports."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.admin import ConfirmForm
from training_app.admin.models import School, Trust
from training_app.auth.models import ROLES, STAFF_GROUPS
from training_app.auth.permissions import (
    can_manage_school,
    can_view_reports,
    can_view_trust,
    school_scoped,
)
from training_app.compliance import charts, confirmations, exports, figures, reports, services
from training_app.compliance.reports import Line
from training_app.compliance.status import DUE_SOON, OVERDUE, STATES, uk_today
from training_app.csv_files import csv_download, records_csv
from training_app.extensions import client_address, db
from training_app.pagination import Page, ascii_int, page_number

bp = Blueprint("compliance", __name__)

LIST_PREVIEW = 10
YEARS_OFFERED = 6  # inspections look back a few years; older ones: --year on the CLI


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "school"


def _urgent(lines: list[Line], state: str) -> list[Line]:
    found = [line for line in lines if line.status.state == state]
    found.sort(key=lambda line: (line.status.due or date.max, line.person.name.lower()))
    return found


def _years() -> list[int]:
    """The academic years offered for the summary: this one (to date) and the five before."""
    current = figures.academic_year(uk_today())
    return list(range(current, current - YEARS_OFFERED, -1))


@bp.route("/schools/<int:school_id>/compliance")
@school_scoped(can_view_reports)
def dashboard(school: School) -> ResponseReturnValue:
    """Who is trained, due soon and overdue at one school, with filters, search and pages."""
    lines = reports.load_lines([school.id])
    filters = figures.Filters.from_args(request.args)
    chosen = figures.select_lines(lines, filters)
    # The grid shows a person a row (their modules across); the list, a requirement a row.
    view = "grid" if request.args.get("view") == "grid" else "list"
    people = figures.grid(chosen) if view == "grid" else []
    shown: list[Any] = people if view == "grid" else chosen
    per_page = current_app.config["PER_PAGE"]
    page = Page(number=1, per_page=per_page, total=len(shown))
    page = Page(min(page_number(request.args), page.pages), per_page, len(shown))
    start = (page.number - 1) * per_page
    groups = figures.group_totals(lines)
    return render_template(
        "compliance/dashboard.html",
        school=school,
        today=uk_today(),
        head=figures.headline(lines),
        counts=figures.tallies(lines),
        modules=figures.module_order(lines),
        groups=sorted({line.person.staff_group for line in lines}),
        overdue=_urgent(lines, OVERDUE),
        due_soon=_urgent(lines, DUE_SOON),
        preview=LIST_PREVIEW,
        filters=filters,
        filters_args={k: v for k, v in asdict(filters).items() if v and v != "urgency"},
        view_args={"view": "grid"} if view == "grid" else {},
        rows=chosen[start : start + per_page] if view == "list" else [],
        grid_rows=people[start : start + per_page],
        view=view,
        by_group=charts.bar_chart(
            [(STAFF_GROUPS.get(g, g), t.completed, t.required) for g, t in groups.items()]
        ),
        page=page,
        states=STATES,
        sorts=figures.SORTS,
        years=_years(),
        all_groups=figures.ALL_GROUPS,
        can_manage=can_manage_school(current_user, school),
        waiting=confirmations.waiting(school.id, viewer_id=current_user.id),
        confirm=ConfirmForm(),
    )


def _detail_csv(lines: list[Line], school_names: dict[int, str]) -> str:
    records = exports.detail_records(lines, school_names, ROLES, STAFF_GROUPS)
    return records_csv(exports.DETAIL_COLUMNS, records)


def _summary_year() -> tuple[int, date | None]:
    """The academic year asked for, and the date to report it at (None: today)."""
    current = figures.academic_year(uk_today())
    asked = ascii_int(request.args.get("year"))
    year = asked if asked is not None and 2000 <= asked <= 9999 else current
    if year > current or year < 2000:
        abort(404)
    return year, (None if year == current else figures.year_end(year))


def _audit_export(kind: str, rows: int, *, school_id: int | None, trust_id: int | None) -> None:
    services.record_export(
        kind,
        rows,
        actor=current_user,
        school_id=school_id,
        trust_id=trust_id,
        ip_address=client_address(),
    )


@bp.route("/schools/<int:school_id>/compliance/report.csv")
@school_scoped(can_view_reports)
def export_detail(school: School) -> ResponseReturnValue:
    """The detailed report (one row per person and module), with the dashboard's filters."""
    lines = figures.select_lines(
        reports.load_lines([school.id]), figures.Filters.from_args(request.args)
    )
    text = _detail_csv(lines, {school.id: school.name})
    _audit_export("detailed training report", len(lines), school_id=school.id, trust_id=None)
    return csv_download(text, f"training-report-{_slug(school.name)}-{uk_today()}.csv")


@bp.route("/schools/<int:school_id>/compliance/summary.csv")
@school_scoped(can_view_reports)
def export_summary(school: School) -> ResponseReturnValue:
    """The summary by academic year, staff group and module, as inspectors and FOI ask."""
    year, as_of = _summary_year()
    rows = figures.summary_rows(reports.load_lines([school.id], as_of=as_of), year, STAFF_GROUPS)
    text = records_csv(exports.SUMMARY_COLUMNS, exports.summary_records(rows))
    _audit_export(
        f"training summary for {figures.year_label(year)}",
        len(rows),
        school_id=school.id,
        trust_id=None,
    )
    return csv_download(text, f"training-summary-{_slug(school.name)}-{year}.csv")


def _trust(trust_id: int) -> Trust:
    found = db.get_or_404(Trust, trust_id)
    if not can_view_trust(current_user, found):
        abort(403)
    return found


@bp.route("/trusts/<int:trust_id>/compliance")
@login_required
def trust(trust_id: int) -> ResponseReturnValue:
    """Training across the trust's schools."""
    trust_row = _trust(trust_id)
    schools = list(trust_row.schools)
    lines = reports.load_lines([s.id for s in schools])
    return render_template(
        "compliance/trust.html",
        trust=trust_row,
        schools=schools,
        today=uk_today(),
        head=figures.headline(lines),
        per_school=figures.by_school(lines),
        counts=figures.tallies(lines),
        modules=figures.module_order(lines),
        years=_years(),
        all_groups=figures.ALL_GROUPS,
    )


@bp.route("/trusts/<int:trust_id>/compliance/report.csv")
@login_required
def trust_export_detail(trust_id: int) -> ResponseReturnValue:
    """The detailed report for every school of the trust."""
    trust_row = _trust(trust_id)
    names = {s.id: s.name for s in trust_row.schools}
    lines = reports.load_lines(list(names))
    lines.sort(key=lambda line: (names[line.person.school_id], line.person.name.lower()))
    text = _detail_csv(lines, names)
    _audit_export("trust training report", len(lines), school_id=None, trust_id=trust_row.id)
    return csv_download(text, f"training-report-{_slug(trust_row.name)}-{uk_today()}.csv")


@bp.route("/trusts/<int:trust_id>/compliance/summary.csv")
@login_required
def trust_export_summary(trust_id: int) -> ResponseReturnValue:
    """The summary for each school of the trust, then for the trust as a whole."""
    trust_row = _trust(trust_id)
    year, as_of = _summary_year()
    schools = list(trust_row.schools)
    lines = reports.load_lines([s.id for s in schools], as_of=as_of)
    header = ("School", *exports.SUMMARY_COLUMNS)
    records = []
    for school in [*schools, None]:
        chosen = [ln for ln in lines if school is None or ln.person.school_id == school.id]
        for record in exports.summary_records(figures.summary_rows(chosen, year, STAFF_GROUPS)):
            records.append({"School": school.name if school else "All schools", **record})
    text = records_csv(header, records)
    _audit_export(
        f"trust training summary for {figures.year_label(year)}",
        len(records),
        school_id=None,
        trust_id=trust_row.id,
    )
    return csv_download(text, f"training-summary-{_slug(trust_row.name)}-{year}.csv")
