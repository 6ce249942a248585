"""Certificates for completions (PDF and printable page) and their public verification.

A certificate carries the completion's verification code (128 random bits, so it cannot be
guessed); anyone may check a code at /verify/<code> and sees only the name, the module, the
date and whether the record is valid, expired or voided. Checks are audited: a signed-in
person's every check, anonymous ones once an hour per certificate (and once an hour for codes
that match nothing), so nobody can fill the audit trail by reloading a public page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from training_app.audit.models import AuditEvent
from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.compliance import certificate_layout, confirmations, services
from training_app.compliance.logos import school_logo
from training_app.compliance.policy import module_title
from training_app.compliance.policy_versions import current_policy
from training_app.compliance.reports import library_titles
from training_app.compliance.status import uk_date, uk_today
from training_app.editions import edition_label
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.learning.models import SOURCE_VOID, Attempt, Completion
from training_app.models_common import utcnow
from training_app.rules.protocol import parse_protocol

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
    school_id: int = 0
    # What the module sets out to teach, and its CPD time (None: training done elsewhere).
    outcomes: tuple[str, ...] = ()
    cpd_minutes: int | None = None
    # The guidance edition the training followed (None: not known, e.g. done elsewhere).
    edition: str | None = None
    logo_png: bytes | None = None

    @property
    def validity_label(self) -> str:
        """Valid, Expired or Voided."""
        return VALIDITY[self.validity]


def certificate_for(record: Completion, person: User) -> Certificate:
    """The certificate of a (non-void) record, its validity judged by the policy in force."""
    completed_on = uk_date(record.completed_at)
    valid_until = current_policy(record.school_id).valid_until(record.module_id, completed_on)
    if services.voiding_record(record.id) is not None:
        validity = VOIDED
    elif confirmations.is_self_made(record):
        validity = UNCONFIRMED
    else:
        validity = VALID if uk_today() <= valid_until else EXPIRED
    module = library().modules.get(record.module_id)
    external = record.source != "quiz"
    logo = school_logo(record.school_id)
    return Certificate(
        school_id=record.school_id,
        outcomes=module.outcomes if module else (),
        cpd_minutes=module.estimated_minutes if module and not external else None,
        edition=_edition(record),
        logo_png=logo.png if logo else None,
        record_id=record.id,
        name=person.name,
        school=person.school.name,
        module=module_title(record.module_id, library_titles()),
        completed_on=completed_on,
        valid_until=valid_until,
        score=record.score,
        external=external,
        code=record.verification_code,
        validity=validity,
    )


def _edition(record: Completion) -> str | None:
    """The guidance edition the record's attempt was judged by, as people read it."""
    if record.attempt_id is None:
        return None
    attempt = db.session.get(Attempt, record.attempt_id)
    if attempt is None:
        return None
    try:
        label = edition_label(parse_protocol(attempt.protocol).edition).label
    except KeyError:
        return None
    return label[:1].upper() + label[1:]


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


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as a landscape A4 PDF (laid out in certificate_layout)."""
    return certificate_layout.render(certificate, verify_url)
