"""School sign-in settings, and deciding who (if anyone) a verified ID token signs in.

Never reads `request`. Every sign-in, link, new person and refusal is an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from training_app.admin.models import School
from training_app.audit.services import record_event
from training_app.auth.models import STAFF_GROUPS, User
from training_app.auth.services import find_user_by_email, normalise_email
from training_app.extensions import db
from training_app.mfa.sealing import seal, unseal
from training_app.models_common import utcnow
from training_app.sso.models import SchoolSignIn, SignInIdentity
from training_app.sso.tokens import Client

# Values of the ID token's `amr` claim (RFC 8176) that mean the provider checked a second
# factor. Google sends no `amr` and Entra ID's v2.0 tokens may leave it out: the app's own
# code is then asked for, the safe default (docs/security-mfa.md).
MFA_METHODS = frozenset({"mfa"})

REFUSALS: dict[str, str] = {
    "domain": "That account's email address is not one your school allows for this sign-in.",
    "unverified": "Your provider has not confirmed that email address, so we cannot use it.",
    "unknown": (
        "There is no training account for that email address. Ask your school's training "
        "administrator to add you."
    ),
    "other_school": (
        "That email address belongs to an account at another school. Ask your training "
        "administrator for help."
    ),
    "deactivated": "This account has been closed. Ask your school's training administrator.",
}


class SecretUnreadable(Exception):
    """The stored client secret was sealed under another SECRET_KEY: an admin must re-enter it."""


@dataclass(frozen=True)
class Outcome:
    """Who signs in (or the refusal's key in REFUSALS), and whether the provider did MFA."""

    user: User | None
    refusal: str | None = None
    provider_mfa: bool = False


def _key() -> str:
    return str(current_app.config["SECRET_KEY"])


def provider_for_email(email: str) -> SchoolSignIn | None:
    """The enabled provider whose allowed domains include this address's domain."""
    domain = normalise_email(email).rpartition("@")[2]
    if not domain:
        return None
    for row in db.session.scalars(select(SchoolSignIn).where(SchoolSignIn.enabled.is_(True))):
        if domain in row.domain_list:
            return row
    return None


def provider_of(school: School) -> SchoolSignIn | None:
    """This school's provider settings, if any."""
    return db.session.scalar(select(SchoolSignIn).where(SchoolSignIn.school_id == school.id))


def client_for(row: SchoolSignIn, redirect_uri: str) -> Client:
    """The registration to talk to the provider with (the secret unsealed for this use)."""
    secret = unseal(row.client_secret_sealed, _key())
    if secret is None:
        raise SecretUnreadable("the client secret cannot be read: SECRET_KEY changed")
    return Client(row.issuer, row.client_id, secret, redirect_uri)


def normalise_domains(text: str) -> list[str]:
    """Domains typed by an admin (spaces, commas or lines between them), lower-cased."""
    parts = text.replace(",", " ").split()
    return sorted({p.strip().lower().lstrip("@") for p in parts if p.strip()})


def domains_taken(school: School, domains: list[str]) -> list[str]:
    """Those of `domains` another school's provider already allows (each domain has one)."""
    others = db.session.scalars(select(SchoolSignIn).where(SchoolSignIn.school_id != school.id))
    taken = {d for row in others for d in row.domain_list}
    return sorted(set(domains) & taken)


def save_settings(
    school: School, actor: User, fields: dict[str, Any], *, ip_address: str | None
) -> SchoolSignIn:
    """Create or change a school's provider; a blank secret keeps the stored one."""
    row = provider_of(school)
    before = None
    if row is None:
        row = SchoolSignIn(school_id=school.id, client_secret_sealed="")
        db.session.add(row)
    else:
        before = _public(row)
    row.kind = fields["kind"]
    row.issuer = fields["issuer"].rstrip("/")
    row.client_id = fields["client_id"]
    if fields.get("client_secret"):
        row.client_secret_sealed = seal(fields["client_secret"], _key())
    row.domains = " ".join(normalise_domains(fields["domains"]))
    row.create_staff = bool(fields["create_staff"])
    row.enabled = bool(fields["enabled"])
    row.updated_at = utcnow()
    db.session.flush()
    record_event(
        "sso.settings_changed",
        actor=actor,
        school_id=school.id,
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


def refuse(
    row: SchoolSignIn | None, reason: str, *, user: User | None = None, ip_address: str | None
) -> Outcome:
    """Audit a refused sign-in and return it."""
    record_event(
        "sso.refused",
        actor=None,
        school_id=row.school_id if row is not None else None,
        target=("user", user.id) if user is not None else None,
        summary=f"Sign-in with the school's provider refused: {reason}",
        ip_address=ip_address,
    )
    db.session.commit()
    return Outcome(None, refusal=reason)


def _email_of(row: SchoolSignIn, claims: dict[str, Any]) -> tuple[str, bool]:
    """The token's email and whether it counts as verified.

    Entra ID does not send `email_verified`: there the address is trusted because it is in
    one of the domains the admin listed, which must be domains the school's tenant owns
    (docs/deployment.md says so where the admin is told to list them).
    """
    email = normalise_email(str(claims.get("email") or claims.get("preferred_username") or ""))
    verified = claims.get("email_verified") is True
    if row.kind == "microsoft" and "email_verified" not in claims:
        verified = True
    return email, verified


def resolve(row: SchoolSignIn, claims: dict[str, Any], *, ip_address: str | None) -> Outcome:
    """Decide who a verified ID token signs in: a linked, matched or (if allowed) new person."""
    email, verified = _email_of(row, claims)
    subject = str(claims["sub"])
    identity = db.session.scalar(
        select(SignInIdentity).where(
            SignInIdentity.provider_id == row.id, SignInIdentity.subject == subject
        )
    )
    if email.rpartition("@")[2] not in row.domain_list:
        return refuse(row, "domain", ip_address=ip_address)
    if not verified:
        return refuse(row, "unverified", ip_address=ip_address)
    if identity is not None:
        user = identity.user
        if user.school_id != row.school_id:  # moved to another school since linking
            return refuse(row, "other_school", user=user, ip_address=ip_address)
    else:
        found = find_user_by_email(email)
        if found is not None and found.school_id != row.school_id:
            return refuse(row, "other_school", user=found, ip_address=ip_address)
        if found is None and not row.create_staff:
            return refuse(row, "unknown", ip_address=ip_address)
        user = found or _create_person(row, email, claims, ip_address=ip_address)
        identity = SignInIdentity(
            provider_id=row.id,
            user_id=user.id,
            subject=subject,
            created_at_sign_in=found is None,
        )
        db.session.add(identity)
        record_event(
            "sso.linked",
            actor=None,
            school_id=row.school_id,
            target=("user", user.id),
            summary=f"Linked to their {row.label} account by verified email",
            ip_address=ip_address,
        )
    if not user.active:
        db.session.rollback()
        return refuse(row, "deactivated", user=user, ip_address=ip_address)
    identity.last_sign_in_at = utcnow()
    amr = claims.get("amr") or []
    provider_mfa = isinstance(amr, list) and bool(MFA_METHODS & set(map(str, amr)))
    record_event(
        "sso.signed_in",
        actor=user,
        school_id=user.school_id,
        target=("user", user.id),
        summary=f"Signed in with {row.label}"
        + (" (the provider checked a second factor)" if provider_mfa else ""),
        ip_address=ip_address,
    )
    db.session.commit()
    return Outcome(user, provider_mfa=provider_mfa)


def _create_person(
    row: SchoolSignIn, email: str, claims: dict[str, Any], *, ip_address: str | None
) -> User:
    """A staff account made at first sign-in; the admin still has to set their group."""
    name = str(claims.get("name") or email.partition("@")[0])[:200]
    user = User(school_id=row.school_id, email=email, name=name, role="staff")
    user.staff_group = "other"
    db.session.add(user)
    db.session.flush()
    record_event(
        "sso.created_person",
        actor=None,
        school_id=row.school_id,
        target=("user", user.id),
        summary=f"Staff account created at first sign-in with {row.label}",
        ip_address=ip_address,
    )
    return user


@dataclass(frozen=True)
class HomeSummary:
    """What the school admin's home card shows."""

    provider: SchoolSignIn | None
    to_complete: int


def home_summary(school_id: int) -> HomeSummary:
    """The school's provider (if any) and how many people it created still need a group."""
    provider = db.session.scalar(select(SchoolSignIn).where(SchoolSignIn.school_id == school_id))
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
