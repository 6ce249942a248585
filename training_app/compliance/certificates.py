"""Certificates for completions (PDF and printable page) and their public verification.

A certificate carries the completion's verification code (128 random bits, so it cannot be
guessed); anyone may check a code at /verify/<code> and sees only the name, the module, the
date and whether the record is valid, expired or voided. Checks are audited: a signed-in
person's every check, anonymous ones once an hour per certificate (and once an hour for codes
that match nothing), so nobody can fill the audit trail by reloading a public page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import segno
from markupsafe import Markup, escape
from sqlalchemy import select

from training_app.audit.models import AuditEvent
from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.compliance import confirmations, services
from training_app.compliance.policy import module_title
from training_app.compliance.reports import library_titles
from training_app.compliance.status import uk_date, uk_today
from training_app.extensions import db
from training_app.learning.models import SOURCE_VOID, Completion
from training_app.models_common import utcnow
from training_app.pdf import Document

VALID, EXPIRED, VOIDED, UNCONFIRMED = "valid", "expired", "voided", "unconfirmed"
VALIDITY = {
    VALID: "Valid",
    EXPIRED: "Expired",
    VOIDED: "Voided",
    # Training the person recorded for themselves, until a second person confirms it.
    UNCONFIRMED: "Not confirmed",
}


@dataclass(frozen=True)
class Certificate:
    """What a certificate states about one completion record."""

    record_id: int
    name: str
    school: str
    module: str
    completed_on: date
    valid_until: date
    score: int | None
    external: bool
    code: str | None
    validity: str

    @property
    def validity_label(self) -> str:
        """Valid, Expired or Voided."""
        return VALIDITY[self.validity]


def certificate_for(record: Completion, person: User) -> Certificate:
    """The certificate of a (non-void) record, its validity judged by the policy in force."""
    completed_on = uk_date(record.completed_at)
    policy = services.current_policy(record.school_id)
    valid_until = completed_on + timedelta(days=policy.renewal_days_for(record.module_id))
    if services.voiding_record(record.id) is not None:
        validity = VOIDED
    elif confirmations.is_self_made(record):
        validity = UNCONFIRMED
    else:
        validity = VALID if uk_today() <= valid_until else EXPIRED
    return Certificate(
        record_id=record.id,
        name=person.name,
        school=person.school.name,
        module=module_title(record.module_id, library_titles()),
        completed_on=completed_on,
        valid_until=valid_until,
        score=record.score,
        external=record.source != "quiz",
        code=record.verification_code,
        validity=validity,
    )


def _anonymous_check_logged(action: str, school_id: int | None, record_id: int | None) -> bool:
    """Whether an anonymous check like this one is already in the audit trail this hour."""
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    school = (
        AuditEvent.school_id.is_(None) if school_id is None else AuditEvent.school_id == school_id
    )
    query = select(AuditEvent.id).where(
        school,
        AuditEvent.created_at >= hour,
        AuditEvent.action == action,
        AuditEvent.actor_id.is_(None),
    )
    if record_id is not None:
        query = query.where(
            AuditEvent.target_type == "completion", AuditEvent.target_id == str(record_id)
        )
    return db.session.scalar(query.limit(1)) is not None


def verify(code: str, *, actor: User | None, ip_address: str | None) -> Certificate | None:
    """Look a code up for the public check (audited; anonymous checks once an hour each)."""
    record = None
    if 10 <= len(code) <= 64:
        record = db.session.scalar(
            select(Completion).where(
                Completion.verification_code == code, Completion.source != SOURCE_VOID
            )
        )
    if record is None:
        if actor is None and _anonymous_check_logged("certificate.verify_failed", None, None):
            return None
        record_event(
            "certificate.verify_failed",
            actor=actor,
            school_id=None,
            summary="A certificate code that matches no record was checked",
            ip_address=ip_address,
        )
        db.session.commit()
        return None
    person = db.session.get_one(User, record.user_id)
    certificate = certificate_for(record, person)
    if actor is None and _anonymous_check_logged(
        "certificate.verified", record.school_id, record.id
    ):
        return certificate
    record_event(
        "certificate.verified",
        actor=actor,
        school_id=record.school_id,
        target=("completion", record.id),
        summary=f"Certificate of {person.name} checked: {certificate.validity_label.lower()}",
        ip_address=ip_address,
    )
    db.session.commit()
    return certificate


def qr_svg(url: str) -> Markup:
    """The verification link as an inline SVG QR code (no style attributes: CSP-safe)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code"
    )
    label = escape(f"QR code linking to {url}")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S704


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as an A4 PDF with its verification code, link and QR code."""
    pdf = Document(f"Certificate - {certificate.module}")
    pdf.ln(10)
    pdf.heading("Certificate of completion", size=24)
    pdf.paragraph(
        "Safeguarding training: responding to the sharing of nudes and semi-nudes", size=12
    )
    pdf.ln(6)
    pdf.paragraph("This certifies that", size=12)
    pdf.heading(certificate.name, size=20)
    pdf.paragraph(f"of {certificate.school} completed", size=12)
    pdf.heading(certificate.module, size=16)
    pdf.ln(4)
    pdf.field("Date completed", certificate.completed_on.strftime("%-d %B %Y"))
    if certificate.score is not None:
        pdf.field("Quiz score", f"{certificate.score}%")
    if certificate.external:
        pdf.field("How", "Training recorded by the school (completed elsewhere)")
    pdf.field("Valid until", certificate.valid_until.strftime("%-d %B %Y"))
    if certificate.validity == VOIDED:
        pdf.field("Status", "VOIDED - this record was withdrawn by the school")
    elif certificate.validity == UNCONFIRMED:
        pdf.field("Status", "NOT CONFIRMED - recorded by the person, awaiting a second person")
    pdf.ln(6)
    pdf.field("Verification code", certificate.code or "none (recorded before codes existed)")
    pdf.paragraph(f"Check this certificate at {verify_url}", size=10)
    if certificate.code:
        image = io.BytesIO()
        segno.make(verify_url, error="m").save(image, kind="png", scale=6, border=2)
        image.seek(0)
        pdf.image(image, x=pdf.l_margin, w=35, alt_text="QR code of the verification link")
    return pdf.to_bytes()
