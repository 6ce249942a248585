"""Sign-in, server-side sessions, password changes and resets. Never reads `request`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, bindparam, select, update

from training_app.audit.services import record_event
from training_app.auth.models import AuthSession, PasswordResetToken, User
from training_app.auth.passwords import hash_password, needs_rehash, verify_password
from training_app.auth.person import PERSON_COLUMNS, SignedInPerson, person_from_row
from training_app.extensions import db
from training_app.models_common import utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this email, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str, *, ip_address: str | None) -> User | None:
    """Return the active user these credentials belong to, or None (and audit the attempt)."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        return None
    if not ok or not user.active:
        record_event(
            "auth.sign_in_failed",
            actor=None,
            school_id=user.school_id,
            target=("user", user.id),
            ip_address=ip_address,
            summary="Wrong password" if not ok else "Account deactivated",
        )
        db.session.commit()
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(user: User, *, ip_address: str | None) -> str:
    """Create a server-side session for a signed-in user and return its token."""
    token = secrets.token_urlsafe(32)
    db.session.add(AuthSession(user_id=user.id, token_hash=_digest(token)))
    record_event(
        "auth.signed_in",
        actor=user,
        school_id=user.school_id,
        target=("user", user.id),
        ip_address=ip_address,
    )
    db.session.commit()
    user.current_session_token = token
    return token


# Runs on every signed-in request, so it is built once: SQLAlchemy then skips building the
# statement and computing its cache key per request (about a third of this lookup's cost).
# Only the person is loaded; the session row is just the filter. Its parameters are
# "digest" and "oldest" (`load_session_user`).
LIVE_SESSION_USER = (
    select(User)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(
        AuthSession.token_hash == bindparam("digest"),
        AuthSession.revoked_at.is_(None),
        AuthSession.created_at > bindparam("oldest"),
        User.active.is_(True),
    )
)

# The signed-in person's id, for a statement built on LIVE_SESSION_USER that writes only
# their own rows (NULL, so nothing matches, when the session is not live).
LIVE_SESSION_USER_ID = LIVE_SESSION_USER.with_only_columns(User.id).scalar_subquery()
# The same look-up as plain columns, to build a view's ReadAlongside statement on.
LIVE_SESSION_PERSON = LIVE_SESSION_USER.with_only_columns(*PERSON_COLUMNS)


@dataclass(frozen=True)
class ReadAlongside:
    """A view's rows read in the same statement (one round trip) as its signed-in person.

    `statement` is LIVE_SESSION_PERSON with the view's columns added (left-joined, so the
    person is found whether or not the view's row is); `params` are its own parameters.
    `loads_entities`: whether those columns include an ORM entity (the statement then goes
    through the ORM session; plain columns skip it, which is cheaper).
    """

    statement: Select[Any]
    params: dict[str, Any]
    loads_entities: bool = False


def load_session_user(
    token: str, alongside: ReadAlongside | None = None
) -> tuple[User | SignedInPerson | None, tuple[Any, ...] | None]:
    """The active user of a live (unrevoked) session token, or None; and the view's row.

    Without `alongside` the user is a `User`. With it, they are a `SignedInPerson` (see
    there why), and the row (None without a live session) is the person followed by the
    view's columns.
    """
    # However active the browser, a session ends a fixed time after sign-in (ASVS V3.3.2):
    # a shared staffroom computer left signed in is signed out by the next morning.
    oldest = utcnow() - timedelta(seconds=current_app.config["SESSION_ABSOLUTE_LIFETIME"])
    session_params = {"digest": _digest(token), "oldest": oldest}
    user: User | SignedInPerson | None
    if alongside is None:
        user = db.session.scalars(LIVE_SESSION_USER, session_params).first()
        row = None
    else:
        params = alongside.params | session_params
        executes = db.session if alongside.loads_entities else db.session.connection()
        found = executes.execute(alongside.statement, params).first()
        if found is None:
            return None, None
        values = tuple(found)
        user = person_from_row(values)
        row = (user, *values[len(PERSON_COLUMNS) :])
    if user is None:
        return None, None
    user.current_session_token = token
    return user, row


def revoke_session(token: str) -> None:
    """Revoke one session (sign-out)."""
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.token_hash == _digest(token), AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()


def revoke_all_sessions(user_id: int, *, except_token: str | None = None) -> None:
    """Revoke every live session of a user, optionally keeping the current one."""
    query = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if except_token is not None:
        query = query.where(AuthSession.token_hash != _digest(except_token))
    db.session.execute(query.values(revoked_at=utcnow()))


def revoke_reset_links(user_id: int, *, except_id: int | None = None) -> None:
    """End every live reset link of a person (one link at a time; none after a change)."""
    now = utcnow()
    query = update(PasswordResetToken).where(
        PasswordResetToken.user_id == user_id,
        PasswordResetToken.used_at.is_(None),
        PasswordResetToken.expires_at > now,
    )
    if except_id is not None:
        query = query.where(PasswordResetToken.id != except_id)
    # Expired, not "used": the audit trail and the link's page tell the two apart.
    db.session.execute(query.values(expires_at=now))


def set_password(user: User, new_password: str) -> None:
    """Store a new password hash (the caller revokes sessions and commits)."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()


def change_password(user: User, current: str, new: str, *, ip_address: str | None) -> bool:
    """Change a password after checking the current one; other sessions are signed out."""
    if not verify_password(user.password_hash, current):
        return False
    set_password(user, new)
    revoke_all_sessions(user.id, except_token=user.current_session_token)
    revoke_reset_links(user.id)
    record_event(
        "auth.password_changed",
        actor=user,
        school_id=user.school_id,
        target=("user", user.id),
        ip_address=ip_address,
    )
    db.session.commit()
    return True


@dataclass(frozen=True)
class ResetRequest:
    """A reset link to email: who to, and the token to put in the URL."""

    user: User
    token: str


def create_reset_token(
    email: str, *, ip_address: str | None, hours: int | None = None
) -> ResetRequest | None:
    """Create a reset token for an active account; None (silently) for anyone else."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return None
    token = secrets.token_urlsafe(32)
    # Invitations from the dashboard pass a longer life: people read them days later.
    hours = hours or current_app.config["PASSWORD_RESET_HOURS"]
    # One live link per person: the newest email is the only one that works.
    revoke_reset_links(user.id)
    db.session.add(
        PasswordResetToken(
            user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    record_event(
        "auth.password_reset_requested",
        actor=None,
        school_id=user.school_id,
        target=("user", user.id),
        ip_address=ip_address,
    )
    db.session.commit()
    return ResetRequest(user=user, token=token)


def reset_link_problem(token: str) -> str:
    """Why a reset link does not work: "malformed", "used" or "expired"."""
    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _digest(token))
    )
    # An unknown token is a cut-off or mistyped link: tokens are never deleted.
    if row is None:
        return "malformed"
    return "used" if row.used_at is not None else "expired"


def valid_reset_token(token: str) -> PasswordResetToken | None:
    """Return the unexpired, unused reset token row, or None."""
    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _digest(token))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row


def reset_password(token: str, new_password: str, *, ip_address: str | None) -> User | None:
    """Use a reset token once: set the password and sign out every session."""
    # Claim the token with a conditional UPDATE so two simultaneous uses cannot both win.
    now = utcnow()
    claimed = db.session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == _digest(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return None
    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _digest(token))
    )
    assert row is not None
    user = row.user
    if not user.active:
        db.session.rollback()
        return None
    set_password(user, new_password)
    revoke_all_sessions(user.id)
    revoke_reset_links(user.id)
    record_event(
        "auth.password_reset",
        actor=user,
        school_id=user.school_id,
        target=("user", user.id),
        ip_address=ip_address,
    )
    db.session.commit()
    return user
