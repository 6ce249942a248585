"""Your own two-factor settings, and an admin's reset for someone's lost phone."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.admin.models import School
from training_app.auth.models import User
from training_app.auth.permissions import Person, can_manage_school, school_scoped
from training_app.extensions import client_address, db
from training_app.mfa import services
from training_app.mfa.forms import CodeForm, ResetForm
from training_app.mfa.routes import (
    REUSED_CODE,
    WRONG_CODE,
    bp,
    code_limit,
    enrol_page,
    failed_code,
)


def can_reset_two_factor(actor: Person, person: Person) -> bool:
    """Admins of a person's school reset it; only trust admins reset a trust admin's."""
    if actor.id == person.id or not can_manage_school(actor, person.school):
        return False
    return person.role != "trust_admin" or actor.role == "trust_admin"


@bp.route("/account/security")
@login_required
def security() -> ResponseReturnValue:
    """Your two-factor sign-in: on or off, recovery codes left, and what you can change."""
    return render_template(
        "mfa/security.html",
        enrolled=services.is_enrolled(current_user.id),
        required=services.is_required(current_user),
        codes_left=services.recovery_codes_left(current_user.id),
    )


@bp.route("/account/security/set-up", methods=["GET", "POST"])
@login_required
@code_limit
def setup() -> ResponseReturnValue:
    """Set up two-factor sign-in from your account (optional for staff)."""
    if services.is_enrolled(current_user.id):
        return redirect(url_for("mfa.security"))
    form = CodeForm()
    secret = services.pending_secret(current_user)
    if form.validate_on_submit():
        codes = services.confirm(current_user, form.code.data or "", ip_address=client_address())
        if codes is not None:
            return render_template(
                "mfa/recovery_codes.html", codes=codes, next_url=url_for("mfa.security")
            )
        failed_code(form, WRONG_CODE)
    return enrol_page(form, secret, current_user, at_sign_in=False)


def _code_checked(form: CodeForm) -> bool:
    """Whether a submitted form holds a right, unused code (errors set otherwise)."""
    if not form.validate_on_submit():
        return False
    result = services.check_code(current_user, form.code.data or "")
    if result is services.Check.OK:
        return True
    failed_code(form, REUSED_CODE if result is services.Check.REUSED else WRONG_CODE)
    return False


@bp.route("/account/security/recovery-codes", methods=["GET", "POST"])
@login_required
@code_limit
def new_recovery_codes() -> ResponseReturnValue:
    """Replace your recovery codes, after a code from your app."""
    if not services.is_enrolled(current_user.id):
        return redirect(url_for("mfa.security"))
    form = CodeForm()
    form.submit.label.text = "Make new recovery codes"
    if _code_checked(form):
        codes = services.renew_recovery_codes(current_user, ip_address=client_address())
        return render_template(
            "mfa/recovery_codes.html", codes=codes, next_url=url_for("mfa.security")
        )
    return render_template(
        "mfa/confirm_code.html",
        form=form,
        title="Make new recovery codes",
        lead="Your old recovery codes will stop working. To check it is you, "
        "type the code your authenticator app shows now.",
    )


@bp.route("/account/security/turn-off", methods=["GET", "POST"])
@login_required
@code_limit
def turn_off() -> ResponseReturnValue:
    """Turn two-factor sign-in off (only where your role does not need it)."""
    if services.is_required(current_user):
        abort(403)
    if not services.is_enrolled(current_user.id):
        return redirect(url_for("mfa.security"))
    form = CodeForm()
    form.submit.label.text = "Turn off two-factor sign-in"
    if _code_checked(form):
        services.turn_off(current_user, ip_address=client_address())
        flash("Two-factor sign-in is off. You can turn it on again here at any time.", "success")
        return redirect(url_for("mfa.security"))
    return render_template(
        "mfa/confirm_code.html",
        form=form,
        title="Turn off two-factor sign-in",
        lead="You will sign in with your password only. To check it is you, "
        "type the code your authenticator app shows now.",
    )


@bp.route("/schools/<int:school_id>/people/<int:user_id>/two-factor", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def admin_reset(school: School, user_id: int) -> ResponseReturnValue:
    """Reset a person's two-factor sign-in when they have lost their phone (audited)."""
    person = db.get_or_404(User, user_id)
    if person.school_id != school.id:
        abort(404)
    if not can_reset_two_factor(current_user, person):
        abort(403)
    form = ResetForm()
    enrolled = services.is_enrolled(person.id)
    if form.validate_on_submit():
        if enrolled:
            services.reset(person, actor=current_user, ip_address=client_address())
            flash(
                f"Two-factor sign-in for {person.name} was reset. They have been signed out "
                "and will set it up again when they next sign in."
                if services.is_required(person)
                else f"Two-factor sign-in for {person.name} was reset and is now off.",
                "success",
            )
        else:
            flash(f"{person.name} has not set up two-factor sign-in.", "info")
        return redirect(url_for("admin.people", school_id=school.id))
    return render_template(
        "mfa/admin_reset.html",
        form=form,
        school=school,
        person=person,
        enrolled=enrolled,
        required=services.is_required(person),
        codes_left=services.recovery_codes_left(person.id),
    )
