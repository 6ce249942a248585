"""Deciding who (if anyone) a verified ID token signs in, and with which school's provider.

Never reads `request`. Every sign-in, link, new person and refusal is an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.auth.services import find_user_by_email, normalise_email
from training_app.extensions import db
from training_app.mfa import unseal
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


def client_for(row: SchoolSignIn, redirect_uri: str) -> Client:
    """The registration to talk to the provider with (the secret unsealed for this use)."""
    secret = unseal(row.client_secret_sealed, _key())
    if secret is None:
        raise SecretUnreadable("the client secret cannot be read: SECRET_KEY changed")
    return Client(row.issuer, row.client_id, secret, redirect_uri)


def refuse(
    row: SchoolSignIn | None, reason: str, *, user: User | None = None, ip_address: str | None
) -> Outcome:
    """Audit a refused sign-in and return it."""
    record_event(
        "sso.refused",
        actor=None,
        school_id=user.school_id if user is not None else (row.school_id if row else None),
        trust_id=row.trust_id if row is not None else None,
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
        if not row.covers(user.school_id):  # moved to another school since linking
            return refuse(row, "other_school", user=user, ip_address=ip_address)
    else:
        found = find_user_by_email(email)
        if found is not None and not row.covers(found.school_id):
            return refuse(row, "other_school", user=found, ip_address=ip_address)
        if found is None and not (row.create_staff and row.school_id is not None):
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
            school_id=user.school_id,
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
    assert row.school_id is not None  # only a school's own provider creates people
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
