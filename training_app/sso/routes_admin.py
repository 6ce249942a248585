"""Admins' pages for the school's (or the trust's) sign-in provider, and finishing people
whose account it created."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.admin.models import School, Trust
from training_app.auth.permissions import can_manage_school, can_view_trust, school_scoped
from training_app.extensions import client_address, db
from training_app.sso import settings
from training_app.sso.forms import CompletePersonForm, SettingsForm
from training_app.sso.routes import bp, redirect_uri

NEED_SECRET = "Enter the client secret from your provider."  # noqa: S105 (a message)


def _settings_page(owner: School | Trust, here: str) -> ResponseReturnValue:
    """Show and save the provider settings of a school or a trust."""
    row = settings.provider_of(owner)
    form = SettingsForm(obj=row) if row is not None else SettingsForm()
    if row is not None and not form.is_submitted():
        form.domains.data = row.domains
    if form.is_submitted():
        valid = form.validate()
        if row is None and not form.client_secret.data:
            form.client_secret.errors = [*form.client_secret.errors, NEED_SECRET]
            valid = False
        taken = settings.domains_taken(owner, settings.normalise_domains(form.domains.data or ""))
        if taken:
            form.domains.errors = [
                *form.domains.errors,
                f"Another school or trust already signs in staff from {', '.join(taken)}.",
            ]
            valid = False
        if valid:
            settings.save_settings(owner, current_user, form.data, ip_address=client_address())
            flash("Sign-in settings saved.", "success")
            return redirect(here)
    school = owner if isinstance(owner, School) else None
    people = settings.people_to_complete(school) if school is not None else []
    return render_template(
        "sso/settings.html",
        owner=owner,
        school=school,
        trust_provider=settings.trust_provider_for(school) if school is not None else None,
        form=form,
        redirect_uri=redirect_uri(),
        people=people,
        person_forms={p.id: CompletePersonForm(prefix=f"p{p.id}") for p in people},
    )


@bp.route("/schools/<int:school_id>/sign-in-settings", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def school_settings(school: School) -> ResponseReturnValue:
    """Set up (or change) signing in with Microsoft, Google or another provider."""
    return _settings_page(school, url_for("sso.school_settings", school_id=school.id))


@bp.route("/trusts/<int:trust_id>/sign-in-settings", methods=["GET", "POST"])
@login_required
def trust_settings(trust_id: int) -> ResponseReturnValue:
    """The same for every school of a trust that shares one Microsoft or Google tenant."""
    trust = db.get_or_404(Trust, trust_id)
    if not can_view_trust(current_user, trust):
        abort(403)
    return _settings_page(trust, url_for("sso.trust_settings", trust_id=trust.id))


@bp.route("/schools/<int:school_id>/sign-in-settings/people/<int:user_id>", methods=["POST"])
@school_scoped(can_manage_school)
def complete_person(school: School, user_id: int) -> ResponseReturnValue:
    """Give a staff group to someone whose account was made at their first sign-in."""
    form = CompletePersonForm(prefix=f"p{user_id}")
    back = url_for("sso.school_settings", school_id=school.id)
    if not form.validate_on_submit():
        return redirect(back)
    done = settings.complete_person(
        school, user_id, form.staff_group.data or "", current_user, ip_address=client_address()
    )
    if not done:
        abort(404)
    flash("Staff group saved.", "success")
    return redirect(back)
