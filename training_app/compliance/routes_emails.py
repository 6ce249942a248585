"""Reminders and invitations sent from the dashboard: choose people, preview, send."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.admin.models import School
from training_app.auth.permissions import can_manage_school, school_scoped
from training_app.compliance import outreach
from training_app.compliance.forms import EmailStaffForm
from training_app.compliance.routes import bp
from training_app.compliance.status import uk_today
from training_app.extensions import client_address


def _form(school: School) -> tuple[EmailStaffForm, list[outreach.Candidate]]:
    everyone = outreach.candidates(school.id)
    form = EmailStaffForm()
    form.kind.choices = list(outreach.KINDS.items())
    form.who.choices = list(outreach.AUDIENCES.items())
    form.people.choices = [(c.person.id, c.person.name) for c in everyone]
    if request.method == "GET":
        # The import's result page links here for invitations to the people it added.
        invite = request.args.get("kind") == outreach.INVITATION
        form.kind.data = outreach.INVITATION if invite else outreach.REMINDER
        form.who.data = outreach.NEVER_SIGNED_IN if invite else outreach.EVERYONE_OVERDUE
    return form, everyone


@bp.route("/schools/<int:school_id>/compliance/emails", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def emails(school: School) -> ResponseReturnValue:
    """Choose who to remind or invite, see every email before it goes, then send."""
    form, everyone = _form(school)
    if not form.validate_on_submit():
        return render_template("compliance/emails.html", school=school, form=form, people=everyone)
    # Links point where the admin is looking, unless the site's address is configured.
    base_url = current_app.config["EXTERNAL_URL"] or request.host_url
    batch = outreach.plan(
        school,
        kind=form.kind.data,
        who=form.who.data,
        chosen=set(form.people.data or []),
        today=uk_today(),
        base_url=base_url,
    )
    if not form.send.data:
        return render_template(
            "compliance/emails_preview.html", school=school, form=form, batch=batch
        )
    result = outreach.send(
        school, batch, actor=current_user, base_url=base_url, ip_address=client_address()
    )
    if result.sent:
        flash(
            f"Sent {len(result.sent)} {'email' if len(result.sent) == 1 else 'emails'}.", "success"
        )
    else:
        flash("No emails were sent: nobody chosen needed one.", "success")
    if result.failed:
        flash(
            f"{len(result.failed)} could not be sent ({', '.join(result.failed)}). "
            "Nothing was recorded for them: send again to retry.",
            "error",
        )
    return redirect(url_for("compliance.emails", school_id=school.id))
