"""People, their sign-in sessions and password-reset tokens."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow
from training_app.roles import LABELS

if TYPE_CHECKING:
    from training_app.admin.models import School

# Role key -> label; the roles themselves, and what each may do, are in training_app.roles.
ROLES: dict[str, str] = LABELS

STAFF_GROUPS: dict[str, str] = {
    "teaching": "Teaching staff",
    "support": "Support staff",
    "leadership": "Leadership",
    "pastoral": "Pastoral staff",
    "volunteer": "Volunteers",
    "governor": "Governors and trustees",
    "contractor": "Contractors and supply",
    "other": "Other",
}


class SignsIn:
    """Flask-Login's protocol, for a `User` and for an `auth.person.SignedInPerson`.

    The id Flask-Login keeps in the cookie is the server-side session token (see
    AuthSession), never the user id, so revoking the session row signs the browser out.
    """

    if TYPE_CHECKING:  # columns of the class this is mixed into
        active: bool
        role: str

    # Set by the session check that loaded the person.
    current_session_token: str | None = None

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in."""
        return self.active

    @property
    def is_authenticated(self) -> bool:
        """A loaded person is always authenticated."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """A loaded person is never anonymous."""
        return False

    def get_id(self) -> str | None:
        """Return the session token Flask-Login stores in the cookie."""
        return self.current_session_token

    @property
    def role_label(self) -> str:
        """Human-readable role."""
        return ROLES.get(self.role, self.role)


class User(SignsIn, db.Model):  # type: ignore[name-defined]
    """A member of a school's staff (or a trust's central team) who signs in.

    Deactivated people keep their row and history; they simply cannot sign in.
    """

    __tablename__ = "users"
    # Lets SignsIn's plain (unmapped) per-request attribute carry a type annotation.
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="staff")
    staff_group: Mapped[str] = mapped_column(String(20), default="other")
    # Null until the person sets a password (e.g. imported staff use the reset link).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    school: Mapped[School] = relationship(back_populates="users")

    @property
    def staff_group_label(self) -> str:
        """Human-readable staff group."""
        return STAFF_GROUPS.get(self.staff_group, self.staff_group)


class AuthSession(db.Model):  # type: ignore[name-defined]
    """A server-side record of one signed-in browser, so sign-out really revokes it."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Only a hash is stored: a leaked database must not let anyone resume a session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class PasswordResetToken(db.Model):  # type: ignore[name-defined]
    """A single-use, expiring password-reset link."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
