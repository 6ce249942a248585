"""Certificates for completions (PDF and printable page) and their public verification.

A certificate carries the completion's verification code (128 random bits, so it cannot be
guessed); anyone may check a code at /verify/<code> and sees only the name, the module, the
date and whether the record is valid, expired or voided. Every check is audited.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import segno
from markupsafe import Markup, escape
from sqlalchemy import select

from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.compliance import services
from training_app.compliance.policy import module_title
from training_app.compliance.reports import library_titles
from training_app.compliance.status import uk_date, uk_today
from training_app.extensions import db
from training_app.learning.models import SOURCE_VOID, Completion
from training_app.pdf import Document

VALID, EXPIRED, VOIDED = "valid", "expired", "voided"
VALIDITY = {VALID: "Valid", EXPIRED: "Expired", VOIDED: "Voided"}


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


def verify(code: str, *, actor: User | None, ip_address: str | None) -> Certificate | None:
    """Look a code up for the public check (audited, found or not)."""
    record = None
    if 10 <= len(code) <= 64:
        record = db.session.scalar(
            select(Completion).where(
                Completion.verification_code == code, Completion.source != SOURCE_VOID
            )
        )
    if record is None:
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
    pdf.ln(6)
    pdf.field("Verification code", certificate.code or "none (recorded before codes existed)")
    pdf.paragraph(f"Check this certificate at {verify_url}", size=10)
    if certificate.code:
        image = io.BytesIO()
        segno.make(verify_url, error="m").save(image, kind="png", scale=6, border=2)
        image.seek(0)
        pdf.image(image, x=pdf.l_margin, w=35, alt_text="QR code of the verification link")
    return pdf.to_bytes()
