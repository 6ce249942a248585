"""School people and trust overview pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.admin import services
from training_app.admin.forms import ConfirmForm, PersonForm
from training_app.admin.models import School, Trust
from training_app.auth.models import User
from training_app.auth.permissions import (
    can_manage_school,
    can_view_trust,
    may_act_on,
    school_scoped,
)
from training_app.extensions import client_address, db
from training_app.pagination import Page, page_number

bp = Blueprint("admin", __name__)


@bp.route("/schools/<int:school_id>/people")
@school_scoped(can_manage_school)
def people(school: School) -> ResponseReturnValue:
    """List, search and page through a school's people."""
    search = request.args.get("q", "").strip()[:100]
    show = request.args.get("show", "active")
    if show not in {"active", "inactive", "all"}:
        show = "active"
    per_page = current_app.config["PER_PAGE"]
    number = page_number(request.args)
    rows, total = services.people_page(
        school.id, search=search, show=show, page=number, per_page=per_page
    )
    return render_template(
        "admin/people.html",
        school=school,
        people=rows,
        search=search,
        show=show,
        page=Page(number=number, per_page=per_page, total=total),
        confirm=ConfirmForm(),
        may_act_on=may_act_on,
    )


@bp.route("/schools/<int:school_id>/people/new", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def person_new(school: School) -> ResponseReturnValue:
    """Add one person; bulk CSV import is on its own page."""
    form = PersonForm()
    if form.validate_on_submit():
        try:
            person = services.add_person(
                school,
                actor=current_user,
                name=form.name.data or "",
                email=form.email.data or "",
                role=form.role.data or "staff",
                staff_group=form.staff_group.data or "other",
                start_date=form.start_date.data,
                ip_address=client_address(),
            )
        except services.DuplicateEmail:
            form.email.errors = ["Someone already has this email address."]
        else:
            flash(
                f"{person.name} was added. They can set a password with "
                "“Forgot your password?” on the sign-in page.",
                "success",
            )
            return redirect(url_for("admin.people", school_id=school.id))
    return render_template("admin/person_new.html", school=school, form=form)


@bp.route(
    "/schools/<int:school_id>/people/<int:user_id>/<any(deactivate,reactivate):action>",
    methods=["POST"],
)
@school_scoped(can_manage_school)
def person_set_active(school: School, user_id: int, action: str) -> ResponseReturnValue:
    """Deactivate a leaver (history kept) or bring them back."""
    person = db.get_or_404(User, user_id)
    if person.school_id != school.id:
        abort(404)
    if person.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
    elif ConfirmForm().validate_on_submit():
        try:
            services.set_active(
                person, action == "reactivate", actor=current_user, ip_address=client_address()
            )
        except services.ChangeRefused as refused:
            flash(str(refused), "error")
        else:
            flash(f"{person.name} was {action}d.", "success")
    return redirect(url_for("admin.people", school_id=school.id, show=request.args.get("show")))


@bp.route("/trusts/<int:trust_id>")
@login_required
def trust(trust_id: int) -> ResponseReturnValue:
    """The trust overview: its schools and their headcounts."""
    trust_row = db.get_or_404(Trust, trust_id)
    if not can_view_trust(current_user, trust_row):
        abort(403)
    return render_template(
        "admin/trust.html", trust=trust_row, rows=services.trust_school_rows(trust_row.id)
    )
