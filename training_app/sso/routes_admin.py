"""An admin's page for the school's sign-in provider, and finishing people it created."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.admin.models import School
from training_app.auth.permissions import can_manage_school, school_scoped
from training_app.extensions import client_address
from training_app.sso import services
from training_app.sso.forms import CompletePersonForm, SettingsForm
from training_app.sso.routes import bp, redirect_uri

NEED_SECRET = "Enter the client secret from your provider."  # noqa: S105 (a message)


@bp.route("/schools/<int:school_id>/sign-in-settings", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def settings(school: School) -> ResponseReturnValue:
    """Set up (or change) signing in with Microsoft, Google or another provider."""
    row = services.provider_of(school)
    form = SettingsForm(obj=row) if row is not None else SettingsForm()
    if row is not None and not form.is_submitted():
        form.domains.data = row.domains
    if form.is_submitted():
        valid = form.validate()
        if row is None and not form.client_secret.data:
            form.client_secret.errors = [*form.client_secret.errors, NEED_SECRET]
            valid = False
        taken = services.domains_taken(school, services.normalise_domains(form.domains.data or ""))
        if taken:
            form.domains.errors = [
                *form.domains.errors,
                f"Another school already signs in staff from {', '.join(taken)}.",
            ]
            valid = False
        if valid:
            services.save_settings(school, current_user, form.data, ip_address=client_address())
            flash("Sign-in settings saved.", "success")
            return redirect(url_for("sso.settings", school_id=school.id))
    people = services.people_to_complete(school)
    return render_template(
        "sso/settings.html",
        school=school,
        form=form,
        saved=row,
        redirect_uri=redirect_uri(),
        people=people,
        person_forms={p.id: CompletePersonForm(prefix=f"p{p.id}") for p in people},
    )


@bp.route("/schools/<int:school_id>/sign-in-settings/people/<int:user_id>", methods=["POST"])
@school_scoped(can_manage_school)
def complete_person(school: School, user_id: int) -> ResponseReturnValue:
    """Give a staff group to someone whose account was made at their first sign-in."""
    form = CompletePersonForm(prefix=f"p{user_id}")
    if not form.validate_on_submit():
        return redirect(url_for("sso.settings", school_id=school.id))
    done = services.complete_person(
        school, user_id, form.staff_group.data or "", current_user, ip_address=client_address()
    )
    if not done:
        abort(404)
    flash("Staff group saved.", "success")
    return redirect(url_for("sso.settings", school_id=school.id))
