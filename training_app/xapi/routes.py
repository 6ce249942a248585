"""The trust admin's page for the trust's Learning Record Store."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.admin.models import Trust
from training_app.auth.permissions import can_view_trust
from training_app.extensions import client_address, db
from training_app.xapi import services
from training_app.xapi.forms import LrsSettingsForm

bp = Blueprint("xapi", __name__)


@bp.route("/trusts/<int:trust_id>/xapi", methods=["GET", "POST"])
@login_required
def settings(trust_id: int) -> ResponseReturnValue:
    """Show and change where the trust's statements go; the secret is never shown."""
    trust = db.get_or_404(Trust, trust_id)
    if not can_view_trust(current_user, trust):
        abort(403)
    stored = services.settings_of(trust.id)
    form = LrsSettingsForm(obj=stored)
    if form.validate_on_submit():
        if stored is None and not form.secret.data:
            form.secret.errors = ["Enter the secret the LRS gave you."]
        else:
            services.save_settings(
                trust.id,
                enabled=form.enabled.data,
                endpoint=form.endpoint.data.strip(),
                key=form.key.data.strip(),
                secret=form.secret.data or None,
                actor_format=form.actor_format.data,
                actor=current_user,
                ip_address=client_address(),
            )
            flash("The LRS settings were saved.", "success")
            return redirect(url_for("xapi.settings", trust_id=trust.id))
    return render_template(
        "xapi/settings.html",
        trust=trust,
        form=form,
        stored=stored,
        backlog=services.backlog_of(trust.id),
    )
