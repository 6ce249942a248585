"""A person's training record: history, external training, voids, exemptions, certificates."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from training_app.admin import ConfirmForm
from training_app.auth.models import User
from training_app.auth.permissions import (
    can_change_records_of,
    can_confirm_own_entry,
    can_manage_school,
    can_view_person,
    can_view_reports,
    may_act_on,
)
from training_app.compliance import certificates, confirmations, reports, services
from training_app.compliance.forms import ExemptionForm, ExternalTrainingForm, ReasonForm
from training_app.compliance.models import Exemption
from training_app.compliance.policy import known_module_ids, module_title
from training_app.compliance.policy_versions import current_policy
from training_app.compliance.routes import bp
from training_app.extensions import client_address, db, limiter
from training_app.learning.catalogue import staff_modules
from training_app.learning.models import SOURCE_VOID, Completion
from training_app.qr import qr_svg


def _may_read(person: User) -> bool:
    """The person, their school's admins, and its DSLs: a DSL who sees the dashboard can open
    the records behind it, read-only (changing them stays with the admins)."""
    return can_view_person(current_user, person) or can_view_reports(current_user, person.school)


def _person(user_id: int, *, manage: bool = False) -> User:
    person = db.get_or_404(User, user_id)
    if not (can_view_person(current_user, person) or (not manage and _may_read(person))):
        abort(403)
    if manage and not can_change_records_of(current_user, person):
        abort(403)
    return person


def _record(record_id: int, *, read_only: bool = False) -> tuple[Completion, User]:
    record = db.get_or_404(Completion, record_id)
    person = db.session.get_one(User, record.user_id)
    allowed = _may_read(person) if read_only else can_view_person(current_user, person)
    # Someone else's record is simply not found: ids reveal nothing.
    if record.source == SOURCE_VOID or not allowed:
        abort(404)
    return record, person


def _waits(person: User) -> str:
    """The note for an entry the admin made about themselves: it waits for a second person."""
    if person.id != current_user.id:
        return ""
    return (
        " As it is your own, it counts once another administrator or your DSL confirms it "
        "(on the school's training dashboard)."
    )


def _back(person: User) -> ResponseReturnValue:
    return redirect(url_for("compliance.person", user_id=person.id))


def _external(endpoint: str, **values: Any) -> str:
    """An absolute link (EXTERNAL_URL when set), as printed on certificates."""
    base = current_app.config["EXTERNAL_URL"] or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def _module_choices(person: User, required_only: bool) -> list[tuple[str, str]]:
    titles = reports.library_titles()
    required = [line.status.module_id for line in reports.person_lines(person.id, person.school_id)]
    ids = required
    if not required_only:
        ids = known_module_ids(current_policy(person.school_id), (m.id for m in staff_modules()))
    return [(module_id, module_title(module_id, titles)) for module_id in ids]


@bp.route("/people/<int:user_id>/training")
@login_required
def person(user_id: int) -> ResponseReturnValue:
    """Everything a person must do, everything they have done, and every correction."""
    person = _person(user_id)
    records, exemptions = services.person_history(person.id)
    people_ids = {r.recorded_by_id for r in records} | {e.recorded_by_id for e in exemptions}
    names = dict(
        db.session.execute(
            select(User.id, User.name).where(User.id.in_([i for i in people_ids if i]))
        ).all()
    )
    return render_template(
        "compliance/person.html",
        person=person,
        lines=reports.person_lines(person.id, person.school_id),
        records=[r for r in records if r.source != SOURCE_VOID],
        voids={r.voids_id: r for r in records if r.voids_id is not None},
        exemptions=[e for e in exemptions if e.revokes_id is None],
        revocations={e.revokes_id: e for e in exemptions if e.revokes_id is not None},
        names=names,
        titles=reports.library_titles(),
        module_title=module_title,
        can_manage=can_change_records_of(current_user, person),
        outranked=can_manage_school(current_user, person.school)
        and not may_act_on(current_user, person),
        is_self=person.id == current_user.id,
    )


@bp.route("/people/<int:user_id>/training/external", methods=["GET", "POST"])
@login_required
def record_external(user_id: int) -> ResponseReturnValue:
    """Record training the person did elsewhere, with evidence (a new, audited record)."""
    person = _person(user_id, manage=True)
    form = ExternalTrainingForm()
    form.set_modules(_module_choices(person, required_only=False))
    if form.validate_on_submit():
        try:
            services.record_external(
                person,
                module_id=form.module.data or "",
                completed_on=form.completed_on.data,
                evidence_note=form.evidence_note.data or "",
                actor=current_user,
                ip_address=client_address(),
            )
        except services.RecordError as exc:
            form.completed_on.errors = [str(exc)]
        else:
            flash(f"The training is recorded on {person.name}'s record.{_waits(person)}", "success")
            return _back(person)
    return render_template("compliance/record_external.html", person=person, form=form)


@bp.route("/people/<int:user_id>/training/exemptions/new", methods=["GET", "POST"])
@login_required
def exempt(user_id: int) -> ResponseReturnValue:
    """Exempt the person from a required module, with the reason (a new, audited record)."""
    person = _person(user_id, manage=True)
    form = ExemptionForm()
    form.set_modules(_module_choices(person, required_only=True))
    if form.validate_on_submit():
        try:
            services.add_exemption(
                person,
                module_id=form.module.data or "",
                reason=form.reason.data or "",
                ends_on=form.ends_on.data,
                actor=current_user,
                ip_address=client_address(),
            )
        except services.RecordError as exc:
            form.ends_on.errors = [str(exc)]
        else:
            message = f"The exemption is recorded on {person.name}'s record.{_waits(person)}"
            flash(message, "success")
            return _back(person)
    return render_template("compliance/exempt.html", person=person, form=form)


@bp.route("/training-records/<int:record_id>/void", methods=["GET", "POST"])
@login_required
def void(record_id: int) -> ResponseReturnValue:
    """Void a record with a reason: a new record cancels it; the original is kept."""
    record, person = _record(record_id, read_only=True)
    if not can_change_records_of(current_user, person):
        abort(403)
    form = ReasonForm()
    voided = services.voiding_record(record.id)
    if voided is None and form.validate_on_submit():
        try:
            services.void_record(
                record,
                reason=form.reason.data or "",
                actor=current_user,
                ip_address=client_address(),
            )
        except services.RecordError as exc:
            flash(str(exc), "error")
        else:
            flash("The record is voided. It stays in the history, marked as voided.", "success")
        return _back(person)
    return render_template(
        "compliance/void.html",
        person=person,
        record=record,
        voided=voided,
        form=form,
        title=module_title(record.module_id, reports.library_titles()),
    )


@bp.route("/exemptions/<int:exemption_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(exemption_id: int) -> ResponseReturnValue:
    """End an exemption now, with a reason (a new, audited record)."""
    exemption = db.get_or_404(Exemption, exemption_id)
    person = db.session.get_one(User, exemption.user_id)
    if exemption.revokes_id is not None or not can_view_person(current_user, person):
        abort(404)
    if not can_change_records_of(current_user, person):
        abort(403)
    form = ReasonForm()
    ended = services.revocation_of(exemption.id)
    if ended is None and form.validate_on_submit():
        services.revoke_exemption(
            exemption,
            reason=form.reason.data or "",
            actor=current_user,
            ip_address=client_address(),
        )
        flash("The exemption has ended. The module is required again from today.", "success")
        return _back(person)
    return render_template(
        "compliance/revoke.html",
        person=person,
        exemption=exemption,
        ended=ended,
        form=form,
        title=module_title(exemption.module_id, reports.library_titles()),
    )


@bp.route("/training-records/<int:record_id>/confirm", methods=["POST"])
@login_required
def confirm_record(record_id: int) -> ResponseReturnValue:
    """A second person confirms training someone recorded for themselves."""
    record = db.get_or_404(Completion, record_id)
    person = db.session.get_one(User, record.user_id)
    if record.source == SOURCE_VOID or not can_view_reports(current_user, person.school):
        abort(404)
    if not can_confirm_own_entry(current_user, person):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            confirmations.confirm_record(
                record, person, actor=current_user, ip_address=client_address()
            )
        except services.RecordError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{person.name}'s training record is confirmed and now counts.", "success")
    return redirect(url_for("compliance.dashboard", school_id=person.school_id))


@bp.route("/exemptions/<int:exemption_id>/confirm", methods=["POST"])
@login_required
def confirm_exemption(exemption_id: int) -> ResponseReturnValue:
    """A second person confirms an exemption someone recorded for themselves."""
    exemption = db.get_or_404(Exemption, exemption_id)
    person = db.session.get_one(User, exemption.user_id)
    if exemption.revokes_id is not None or not can_view_reports(current_user, person.school):
        abort(404)
    if not can_confirm_own_entry(current_user, person):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            confirmations.confirm_exemption(
                exemption, person, actor=current_user, ip_address=client_address()
            )
        except services.RecordError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{person.name}'s exemption is confirmed and now applies.", "success")
    return redirect(url_for("compliance.dashboard", school_id=person.school_id))


@bp.route("/training-records/<int:record_id>/certificate")
@login_required
def certificate(record_id: int) -> ResponseReturnValue:
    """The certificate as a printable page."""
    record, person = _record(record_id, read_only=True)
    cert = certificates.certificate_for(record, person)
    verify_url = _external("compliance.verify", code=cert.code) if cert.code else ""
    return render_template(
        "compliance/certificate.html",
        person=person,
        cert=cert,
        verify_url=verify_url,
        qr=qr_svg(verify_url, f"QR code linking to {verify_url}", "qr-code") if verify_url else "",
        can_manage_logo=person.school is not None
        and can_manage_school(current_user, person.school),
    )


@bp.route("/training-records/<int:record_id>/certificate.pdf")
@login_required
def certificate_pdf(record_id: int) -> ResponseReturnValue:
    """The certificate as a PDF (not for voided records)."""
    record, person = _record(record_id, read_only=True)
    cert = certificates.certificate_for(record, person)
    if cert.validity == certificates.VOIDED:
        abort(404)
    verify_url = _external("compliance.verify", code=cert.code) if cert.code else ""
    filename = f"certificate-{record.module_id}-{cert.completed_on.isoformat()}.pdf"
    return Response(
        certificates.certificate_pdf(cert, verify_url),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.route("/verify")
def verify_form() -> ResponseReturnValue:
    """Where anyone can type in a certificate's verification code."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("compliance.verify", code=code))
    return render_template("compliance/verify_form.html")


@bp.route("/verify/<code>")
@limiter.limit("60 per minute", scope="verify")
def verify(code: str) -> ResponseReturnValue:
    """Public check of a certificate: name, module, date and validity, nothing more."""
    actor = current_user if current_user.is_authenticated else None
    found = certificates.verify(code.strip(), actor=actor, ip_address=client_address())
    if found is None:
        return render_template("compliance/verify_result.html", cert=None, code=code), 404
    return render_template("compliance/verify_result.html", cert=found, code=code)
