"""The school's certificate logo: a school admin uploads, replaces or removes it."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.admin import ConfirmForm
from training_app.admin.models import School
from training_app.auth.permissions import can_manage_school, can_view_reports, school_scoped
from training_app.compliance import logos
from training_app.compliance.forms_logo import LogoForm
from training_app.compliance.routes import bp
from training_app.extensions import client_address, db


@bp.route("/schools/<int:school_id>/certificate-logo", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def logo(school: School) -> ResponseReturnValue:
    """Upload the logo printed on the school's certificates (PNG or JPEG, size-limited)."""
    form = LogoForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            # One byte over the limit is enough to know the file is too large.
            checked = logos.check_logo(upload.read(logos.MAX_BYTES + 1))
        except logos.LogoError as error:
            form.file.errors = [str(error)]
        else:
            upload.close()
            logos.save_logo(school.id, current_user, checked, client_address())
            flash("The logo is saved. It is printed on every certificate from now on.", "success")
            return redirect(url_for("compliance.logo", school_id=school.id), 303)
        upload.close()
    return render_template(
        "compliance/logo.html",
        school=school,
        form=form,
        remove_form=ConfirmForm(),
        current=logos.school_logo(school.id),
        max_kb=logos.MAX_BYTES // 1024,
    )


@bp.route("/schools/<int:school_id>/certificate-logo/remove", methods=["POST"])
@school_scoped(can_manage_school)
def logo_remove(school: School) -> ResponseReturnValue:
    """Take the logo off the school's certificates."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if logos.remove_logo(school.id, current_user, client_address()):
        flash("The logo is removed from the school's certificates.", "success")
    return redirect(url_for("compliance.logo", school_id=school.id), 303)


@bp.route("/schools/<int:school_id>/certificate-logo.png")
@login_required
def logo_image(school_id: int) -> ResponseReturnValue:
    """The stored logo, for the school's own people and those who report on it."""
    school = db.session.get(School, school_id)
    if school is None:
        abort(404)
    if current_user.school_id != school.id and not can_view_reports(current_user, school):
        abort(404)
    row = logos.school_logo(school.id)
    if row is None:
        abort(404)
    return Response(
        row.png,
        mimetype="image/png",
        headers={"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
