"""School settings and staff import: the training policy, the local protocol, CSV upload."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from training_app.admin.models import School
from training_app.admin.protocols import school_protocol, update_protocol
from training_app.auth.models import ROLES, STAFF_GROUPS
from training_app.auth.permissions import can_manage_school, school_scoped
from training_app.compliance import import_apply, import_parse, services
from training_app.compliance.forms import (
    ImportCommitForm,
    ImportUploadForm,
    ProtocolForm,
    policy_form,
)
from training_app.compliance.models import StaffImport
from training_app.compliance.policy import (
    Requirement,
    TrainingPolicy,
    known_module_ids,
    module_title,
)
from training_app.compliance.policy_versions import current_policy
from training_app.compliance.protocol_notes import CONTACT_NOTE, QUESTIONS
from training_app.compliance.reports import library_titles
from training_app.compliance.routes import bp
from training_app.compliance.status import uk_today
from training_app.editions import forget_school_edition
from training_app.extensions import client_address, db
from training_app.learning.catalogue import staff_modules
from training_app.rules.facts import FactsError
from training_app.rules.protocol import LocalProtocol, protocol_to_dict


@bp.route("/schools/<int:school_id>/compliance/policy", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def policy(school: School) -> ResponseReturnValue:
    """Which modules each role and staff group must complete, and how often."""
    current = current_policy(school.id)
    titles = library_titles()
    module_ids = known_module_ids(current, (m.id for m in staff_modules()))
    form = policy_form(
        module_ids,
        current,
        roles=list(ROLES.items()),
        groups=list(STAFF_GROUPS.items()),
    )
    if form.validate_on_submit():
        requirements = []
        for module_id in module_ids:
            roles = form[f"roles_{module_id}"].data or []
            groups = form[f"groups_{module_id}"].data or []
            if roles or groups:
                months = int(form[f"renewal_{module_id}"].data)
                requirements.append(
                    Requirement(module_id, frozenset(roles), frozenset(groups), months)
                )
        new = TrainingPolicy(
            tuple(requirements),
            due_soon_days=form.due_soon_days.data or 0,
            induction_days=form.induction_days.data or 0,
            onboarding_days=form.onboarding_days.data or 0,
        )
        changed = services.update_policy(
            school.id, new, actor=current_user, ip_address=client_address()
        )
        flash(
            "The training policy is saved and applies from now."
            if changed
            else "Nothing changed: the policy is as it was.",
            "success",
        )
        return redirect(url_for("compliance.policy", school_id=school.id))
    return render_template(
        "compliance/policy.html",
        school=school,
        form=form,
        modules=[(m, module_title(m, titles), m in titles) for m in module_ids],
    )


@bp.route("/schools/<int:school_id>/compliance/protocol", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def protocol(school: School) -> ResponseReturnValue:
    """The school's choices where the guidance disagrees, used by training and the engine."""
    form = ProtocolForm(data=protocol_to_dict(school_protocol(school.id)))
    for question in QUESTIONS:
        form[question.field].choices = [SelectChoice(o.value, o.label) for o in question.options]
    if form.validate_on_submit():
        try:
            chosen = LocalProtocol(
                edition=form.edition.data or "",
                under_13_referral=form.under_13_referral.data or "",
                device_power=form.device_power.data or "",
                viewing_rule=form.viewing_rule.data or "",
                police_threshold=form.police_threshold.data or "",
                police_contact=" ".join((form.police_contact.data or "").split()),
                social_care_contact=" ".join((form.social_care_contact.data or "").split()),
            )
        except FactsError as exc:
            name = exc.field.removeprefix("protocol.")
            form[name].errors = [exc.message] if name in form else [str(exc)]
        else:
            update_protocol(school.id, chosen, actor=current_user, ip_address=client_address())
            forget_school_edition(school.id)
            flash("The local protocol is saved. It applies to modules started from now.", "success")
            return redirect(url_for("compliance.protocol", school_id=school.id))
    return render_template(
        "compliance/protocol.html",
        school=school,
        form=form,
        questions=QUESTIONS,
        contact_note=CONTACT_NOTE,
    )


@bp.route("/schools/<int:school_id>/people/import", methods=["GET", "POST"])
@school_scoped(can_manage_school)
def import_upload(school: School) -> ResponseReturnValue:
    """Upload a staff CSV; whole-file problems are shown here, row problems in the preview."""
    form = ImportUploadForm()
    problem = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = import_parse.decode(upload.read(import_parse.MAX_BYTES + 1))
            import_parse.parse(text)
        except import_parse.FileProblem as exc:
            problem = str(exc)
        else:
            stored = import_apply.store_upload(
                school, actor=current_user, filename=upload.filename or "upload.csv", text=text
            )
            return redirect(
                url_for("compliance.import_preview", school_id=school.id, import_id=stored.id)
            )
    return render_template(
        "compliance/import_upload.html", school=school, form=form, problem=problem
    )


def _upload(school: School, import_id: int) -> StaffImport:
    found = db.get_or_404(StaffImport, import_id)
    if found.school_id != school.id:
        abort(404)
    return found


def _plan(school: School, upload: StaffImport) -> import_apply.Plan:
    return import_apply.plan_import(
        school.id, import_parse.parse(upload.content), actor_id=current_user.id
    )


@bp.route("/schools/<int:school_id>/people/import/<int:import_id>")
@school_scoped(can_manage_school)
def import_preview(school: School, import_id: int) -> ResponseReturnValue:
    """Every row's outcome before anything changes (or the result, once committed)."""
    upload = _upload(school, import_id)
    if upload.committed_at is not None:
        return render_template("compliance/import_done.html", school=school, upload=upload)
    plan = _plan(school, upload)
    policy = current_policy(school.id)
    today = uk_today()
    dues = {
        o.row.line: import_apply.first_due(policy, o.row.start_date, today)
        for o in plan.outcomes
        if o.action == import_apply.CREATE
    }
    return render_template(
        "compliance/import_preview.html",
        school=school,
        upload=upload,
        plan=plan,
        form=ImportCommitForm(),
        upload_form=ImportUploadForm(),
        roles=ROLES,
        staff_groups=STAFF_GROUPS,
        policy=policy,
        today=today,
        dues=dues,
        window_ends=today + timedelta(days=policy.onboarding_days),
        overdue_at_once=sum(1 for due in dues.values() if due < today),
    )


@bp.route("/schools/<int:school_id>/people/import/<int:import_id>/commit", methods=["POST"])
@school_scoped(can_manage_school)
def import_commit(school: School, import_id: int) -> ResponseReturnValue:
    """Apply the previewed file in one transaction (a repeat changes nothing)."""
    upload = _upload(school, import_id)
    form = ImportCommitForm()
    preview = url_for("compliance.import_preview", school_id=school.id, import_id=upload.id)
    if not form.validate_on_submit() or upload.committed_at is not None:
        return redirect(preview)
    plan = _plan(school, upload)
    if plan.has_errors:
        flash("Nothing was imported: fix the rows with errors and upload the file again.", "error")
        return redirect(preview)
    with contextlib.suppress(import_apply.AlreadyCommitted):  # a second tab: the first one won
        import_apply.commit_import(
            school,
            plan,
            actor=current_user,
            deactivate=bool(form.deactivate_leavers.data),
            ip_address=client_address(),
            upload=upload,
        )
    flash("The staff list is imported.", "success")
    return redirect(preview)
