"""Half-done sign-ins: the password was right, the second step is still to come."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.extensions import db
from training_app.mfa.models import SignInChallenge
from training_app.models_common import utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_challenge(user: User) -> str:
    """Start the second step for this person; return the token the browser keeps."""
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["MFA_PENDING_MINUTES"]
    db.session.add(
        SignInChallenge(
            user_id=user.id,
            token_hash=_digest(token),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    db.session.commit()
    return token


def live_challenge(token: str, user_id: int) -> SignInChallenge | None:
    """The open, unexpired challenge for this token and person, or None."""
    row = db.session.scalar(
        select(SignInChallenge).where(SignInChallenge.token_hash == _digest(token))
    )
    if row is None or row.user_id != user_id or row.closed_at is not None:
        return None
    if row.expires_at <= utcnow() or not row.user.active:
        return None
    return row


def close(challenge: SignInChallenge) -> None:
    """End a challenge (it succeeded, or the person started again)."""
    challenge.closed_at = utcnow()
    db.session.commit()


def close_all(user_id: int) -> None:
    """End every open challenge of a person (the caller commits)."""
    db.session.execute(
        update(SignInChallenge)
        .where(SignInChallenge.user_id == user_id, SignInChallenge.closed_at.is_(None))
        .values(closed_at=utcnow())
    )


def record_failure(challenge: SignInChallenge, *, ip_address: str | None) -> bool:
    """Count a wrong code; after too many, end the challenge (audited) and return True."""
    # Counted in SQL, so two wrong codes sent at once are both counted.
    db.session.execute(
        update(SignInChallenge)
        .where(SignInChallenge.id == challenge.id)
        .values(failures=SignInChallenge.failures + 1)
    )
    db.session.refresh(challenge)
    limit = current_app.config["MFA_MAX_FAILURES"]
    ended = challenge.failures >= limit
    if ended:
        challenge.closed_at = utcnow()
        record_event(
            "auth.two_factor_failures",
            actor=None,
            school_id=challenge.user.school_id,
            target=("user", challenge.user_id),
            ip_address=ip_address,
            summary=f"{limit} wrong codes in a row: sign-in stopped, password needed again",
        )
    db.session.commit()
    return ended
