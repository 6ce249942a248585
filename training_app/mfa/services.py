"""Setting up, checking, renewing and removing two-factor sign-in. Never reads `request`."""

from __future__ import annotations

import enum

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.auth.services import revoke_all_sessions
from training_app.extensions import db
from training_app.mfa import totp
from training_app.mfa.challenges import close_all
from training_app.mfa.models import RecoveryCode, TwoFactor
from training_app.mfa.sealing import recovery_hash, seal, unseal
from training_app.models_common import utcnow
from training_app.roles import TWO_FACTOR_ROLES

# People who can reach records about children and staff must use a second step.
REQUIRED_ROLES = TWO_FACTOR_ROLES


class Check(enum.Enum):
    """What became of a code someone typed."""

    OK = "ok"
    WRONG = "wrong"
    REUSED = "reused"


def is_required(user: User) -> bool:
    """Whether this person's role must use two-factor sign-in."""
    return user.role in REQUIRED_ROLES


def enrolment(user_id: int) -> TwoFactor | None:
    """This person's authenticator row (set up or half set up), if any."""
    return db.session.get(TwoFactor, user_id)


def is_enrolled(user_id: int) -> bool:
    """Whether this person has finished setting up two-factor sign-in."""
    row = enrolment(user_id)
    return row is not None and row.confirmed_at is not None


def _key() -> str:
    return str(current_app.config["SECRET_KEY"])


def secret_of(row: TwoFactor) -> str | None:
    """The decrypted secret, or None if it cannot be read (SECRET_KEY changed)."""
    return unseal(row.secret_sealed, _key())


def pending_secret(user: User) -> str:
    """The secret to show while someone sets up their app (kept until they confirm it)."""
    row = enrolment(user.id)
    if row is not None and row.confirmed_at is not None:
        raise ValueError("two-factor sign-in is already set up; its secret is never shown")
    secret = secret_of(row) if row is not None else None
    if secret is None:
        secret = totp.new_secret()
        if row is None:
            row = TwoFactor(user_id=user.id)
            db.session.add(row)
        row.secret_sealed = seal(secret, _key())
        db.session.commit()
    return secret


def _replace_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = totp.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(user_id=user_id, code_hash=recovery_hash(totp.normalise_code(c), _key()))
        for c in codes
    )
    return codes


def _audit(action: str, user: User, actor: User | None, ip: str | None, summary: str = "") -> None:
    record_event(
        action,
        actor=actor,
        school_id=user.school_id,
        target=("user", user.id),
        ip_address=ip,
        summary=summary,
    )


def confirm(user: User, code: str, *, ip_address: str | None) -> list[str] | None:
    """Finish setting up with a first code; return the new recovery codes, or None."""
    row = enrolment(user.id)
    if row is None or row.confirmed_at is not None:
        return None
    secret = secret_of(row)
    step = totp.matching_step(secret, code) if secret else None
    if step is None:
        return None
    row.confirmed_at = utcnow()
    row.last_used_step = step
    codes = _replace_recovery_codes(user.id)
    _audit("auth.two_factor_enrolled", user, user, ip_address, "Set up two-factor sign-in")
    db.session.commit()
    return codes


def enrol_with_secret(user: User, secret: str) -> None:
    """Set up two-factor sign-in with a known secret (demo and test accounts; caller commits)."""
    row = enrolment(user.id) or TwoFactor(user_id=user.id)
    row.secret_sealed = seal(secret, _key())
    row.confirmed_at = utcnow()
    row.last_used_step = None
    db.session.add(row)


def check_code(user: User, code: str) -> Check:
    """Check a code from the app once: each time-step's code is accepted only once."""
    row = enrolment(user.id)
    if row is None or row.confirmed_at is None:
        return Check.WRONG
    secret = secret_of(row)
    step = totp.matching_step(secret, code) if secret else None
    if step is None:
        return Check.WRONG
    # A conditional UPDATE, so two requests racing with the same code cannot both win.
    claimed = db.session.execute(
        update(TwoFactor)
        .where(
            TwoFactor.user_id == user.id,
            or_(TwoFactor.last_used_step.is_(None), TwoFactor.last_used_step < step),
        )
        .values(last_used_step=step)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return Check.REUSED
    db.session.commit()
    return Check.OK


def recovery_codes_left(user_id: int) -> int:
    """How many unused recovery codes this person has."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def use_recovery_code(user: User, code: str, *, ip_address: str | None) -> int | None:
    """Spend one recovery code; return how many are left, or None if it is not valid."""
    if not is_enrolled(user.id):
        return None
    digest = recovery_hash(totp.normalise_code(code), _key())
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == digest,
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return None
    left = recovery_codes_left(user.id)
    _audit(
        "auth.two_factor_recovery_code_used",
        user,
        user,
        ip_address,
        f"Signed in with a recovery code; {left} left",
    )
    db.session.commit()
    return left


def renew_recovery_codes(user: User, *, ip_address: str | None) -> list[str]:
    """Replace every recovery code (the caller has just checked a current code)."""
    codes = _replace_recovery_codes(user.id)
    _audit("auth.two_factor_codes_renewed", user, user, ip_address, "Made new recovery codes")
    db.session.commit()
    return codes


def _remove(user_id: int) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user_id))


def turn_off(user: User, *, ip_address: str | None) -> None:
    """Remove one's own two-factor sign-in (optional roles only; the caller checked a code)."""
    if is_required(user):
        raise PermissionError("this role must use two-factor sign-in")
    _remove(user.id)
    _audit("auth.two_factor_disabled", user, user, ip_address, "Turned off two-factor sign-in")
    db.session.commit()


def reset(person: User, *, actor: User | None, ip_address: str | None) -> None:
    """Clear a person's lost authenticator (an admin, or the CLI); sign them out everywhere."""
    _remove(person.id)
    close_all(person.id)
    revoke_all_sessions(person.id)
    _audit(
        "auth.two_factor_reset",
        person,
        actor,
        ip_address,
        f"Reset two-factor sign-in of {person.email}" + ("" if actor else " from the CLI"),
    )
    db.session.commit()


def required_without_two_factor() -> list[User]:
    """Active people in roles that need two-factor sign-in who have not set it up."""
    return list(
        db.session.scalars(
            select(User)
            .outerjoin(TwoFactor, TwoFactor.user_id == User.id)
            .where(
                User.active.is_(True),
                User.role.in_(sorted(REQUIRED_ROLES)),
                TwoFactor.confirmed_at.is_(None),
            )
            .order_by(User.email)
        )
    )
