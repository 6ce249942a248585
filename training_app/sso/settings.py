"""A school's or a trust's provider settings, and finishing people made at first sign-in.

Never reads `request`; every change is an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from training_app.admin.models import School, Trust
from training_app.audit.services import record_event
from training_app.auth.models import STAFF_GROUPS, User
from training_app.extensions import db
from training_app.mfa import seal
from training_app.models_common import utcnow
from training_app.sso.models import SchoolSignIn, SignInIdentity

Owner = School | Trust


def _owner_column(owner: Owner) -> Any:
    return SchoolSignIn.school_id if isinstance(owner, School) else SchoolSignIn.trust_id


def provider_of(owner: Owner) -> SchoolSignIn | None:
    """The provider set up by this school (or this trust, for all its schools), if any."""
    return db.session.scalar(select(SchoolSignIn).where(_owner_column(owner) == owner.id))


def trust_provider_for(school: School) -> SchoolSignIn | None:
    """The provider the school's trust set up for all its schools, if any."""
    return trust_provider(school.trust_id)


def trust_provider(trust_id: int) -> SchoolSignIn | None:
    """The provider a trust set up for all its schools, if any."""
    return db.session.scalar(select(SchoolSignIn).where(SchoolSignIn.trust_id == trust_id))


def normalise_domains(text: str) -> list[str]:
    """Domains typed by an admin (spaces, commas or lines between them), lower-cased."""
    parts = text.replace(",", " ").split()
    return sorted({p.strip().lower().lstrip("@") for p in parts if p.strip()})


def domains_taken(owner: Owner, domains: list[str]) -> list[str]:
    """Those of `domains` another provider already allows (each domain has one provider)."""
    others = db.session.scalars(
        select(SchoolSignIn).where(
            (_owner_column(owner) != owner.id) | _owner_column(owner).is_(None)
        )
    )
    taken = {d for row in others for d in row.domain_list}
    return sorted(set(domains) & taken)


def save_settings(
    owner: Owner, actor: User, fields: dict[str, Any], *, ip_address: str | None
) -> SchoolSignIn:
    """Create or change a provider; a blank secret keeps the stored one."""
    row = provider_of(owner)
    before = None
    if row is None:
        row = SchoolSignIn(client_secret_sealed="")
        if isinstance(owner, School):
            row.school_id = owner.id
        else:
            row.trust_id = owner.id
        db.session.add(row)
    else:
        before = _public(row)
    row.kind = fields["kind"]
    row.issuer = fields["issuer"].rstrip("/")
    row.client_id = fields["client_id"]
    if fields.get("client_secret"):
        row.client_secret_sealed = seal(fields["client_secret"], current_app.config["SECRET_KEY"])
    row.domains = " ".join(normalise_domains(fields["domains"]))
    # A trust's provider has no one school to put a new person in: schools add them first.
    row.create_staff = bool(fields.get("create_staff")) and isinstance(owner, School)
    row.enabled = bool(fields["enabled"])
    row.updated_at = utcnow()
    db.session.flush()
    record_event(
        "sso.settings_changed",
        actor=actor,
        school_id=row.school_id,
        trust_id=row.trust_id,
        target=("sso_provider", row.id),
        before=before,
        after=_public(row),
        ip_address=ip_address,
    )
    db.session.commit()
    return row


def _public(row: SchoolSignIn) -> dict[str, Any]:
    """The settings for the audit trail: everything but the secret."""
    return {
        "kind": row.kind,
        "issuer": row.issuer,
        "client_id": row.client_id,
        "domains": row.domains,
        "create_staff": row.create_staff,
        "enabled": row.enabled,
    }


@dataclass(frozen=True)
class HomeSummary:
    """What the school admin's home card shows."""

    provider: SchoolSignIn | None
    to_complete: int


def home_summary(school_id: int) -> HomeSummary:
    """The school's provider (its own, or its trust's) and who still needs a staff group."""
    school = db.session.get(School, school_id)
    provider = None
    if school is not None:
        provider = provider_of(school) or trust_provider_for(school)
    waiting = db.session.scalar(
        select(func.count())
        .select_from(SignInIdentity)
        .join(User, SignInIdentity.user_id == User.id)
        .where(
            User.school_id == school_id,
            SignInIdentity.created_at_sign_in.is_(True),
            SignInIdentity.details_completed_at.is_(None),
        )
    )
    return HomeSummary(provider, int(waiting or 0))


def people_to_complete(school: School) -> list[User]:
    """People created at first sign-in whose staff group the admin has not yet set."""
    return list(
        db.session.scalars(
            select(User)
            .join(SignInIdentity, SignInIdentity.user_id == User.id)
            .where(
                User.school_id == school.id,
                SignInIdentity.created_at_sign_in.is_(True),
                SignInIdentity.details_completed_at.is_(None),
            )
            .order_by(User.name)
        )
    )


def complete_person(
    school: School, person_id: int, staff_group: str, actor: User, *, ip_address: str | None
) -> bool:
    """Set the staff group of a person created at sign-in; False if not one of this school's."""
    identity = db.session.scalar(
        select(SignInIdentity)
        .join(User, SignInIdentity.user_id == User.id)
        .where(
            SignInIdentity.user_id == person_id,
            SignInIdentity.created_at_sign_in.is_(True),
            User.school_id == school.id,
        )
    )
    if identity is None or staff_group not in STAFF_GROUPS:
        return False
    identity.user.staff_group = staff_group
    identity.details_completed_at = utcnow()
    record_event(
        "sso.person_completed",
        actor=actor,
        school_id=school.id,
        target=("user", person_id),
        after={"staff_group": staff_group},
        ip_address=ip_address,
    )
    db.session.commit()
    return True
