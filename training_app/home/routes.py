"""The page each person lands on after signing in, chosen by their role."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.admin.services import school_headcounts, trust_school_rows
from training_app.home.summaries import my_training, school_summary, trust_summary

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> ResponseReturnValue:
    """Send visitors to sign in, and signed-in people to their role's home."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    user = current_user
    # The modules the school's training policy requires of this person, with their status.
    training = my_training(user)
    if user.role == "trust_admin":
        return render_template(
            "home/trust_admin.html",
            trust=user.school.trust,
            rows=trust_school_rows(user.school.trust_id),
            training=training,
            compliance=trust_summary([s.id for s in user.school.trust.schools]),
        )
    if user.role == "school_admin":
        return render_template(
            "home/school_admin.html",
            school=user.school,
            counts=school_headcounts(user.school_id),
            training=training,
            compliance=school_summary(user.school_id),
        )
    if user.role == "dsl":
        return render_template(
            "home/dsl.html",
            school=user.school,
            training=training,
            compliance=school_summary(user.school_id),
        )
    return render_template("home/staff.html", training=training)


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness probe for load balancers; touches nothing (also the benchmark baseline)."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
