"""Two-factor sign-in: authenticator secrets, recovery codes and half-done sign-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.auth.models import User
from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow


class TwoFactor(db.Model):  # type: ignore[name-defined]
    """One person's authenticator app; `confirmed_at` is None while they are setting it up."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # Encrypted (see sealing.py); shown to its owner only until the first code confirms it.
    secret_sealed: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The newest 30-second time-step whose code was accepted: an older or equal one is a
    # replay (someone who saw the code being typed) and is refused.
    last_used_step: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):  # type: ignore[name-defined]
    """A single-use code for a lost phone; only a keyed hash is stored."""

    __tablename__ = "two_factor_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignInChallenge(db.Model):  # type: ignore[name-defined]
    """A sign-in whose password was right, waiting for its second step.

    The browser holds a random token (in the signed session cookie); this row holds its
    hash, so the server can end the challenge on success, after too many wrong codes or
    when it expires. Until then the browser is not signed in.
    """

    __tablename__ = "sign_in_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
