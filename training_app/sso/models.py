"""A school's OpenID Connect sign-in (Microsoft, Google or another provider) and who is linked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.admin.models import School, Trust
from training_app.auth.models import User
from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow

KINDS: dict[str, str] = {
    "microsoft": "Microsoft",
    "google": "Google",
    "oidc": "your school's account",
}


class SchoolSignIn(db.Model):  # type: ignore[name-defined]
    """An OpenID Connect provider for one school, or for every school of a trust.

    Exactly one of `school_id` and `trust_id` is set: a trust whose schools share one
    Microsoft or Google tenant (and so one email domain) sets it up once for all of them.
    """

    __tablename__ = "sso_providers"
    __table_args__ = (
        CheckConstraint("(school_id IS NULL) != (trust_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), unique=True)
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trusts.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(300))
    # Encrypted like authenticator secrets (mfa/sealing.py): a database copy is not enough
    # to act as the school's app at its provider.
    client_secret_sealed: Mapped[str] = mapped_column(String(1000))
    # Lower-case domains, one space between them: only these addresses may sign in here.
    domains: Mapped[str] = mapped_column(String(1000))
    create_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[School | None] = relationship()
    trust: Mapped[Trust | None] = relationship()

    @property
    def owner_name(self) -> str:
        """The school's or the trust's name."""
        owner = self.school or self.trust
        return owner.name if owner is not None else ""

    def covers(self, school_id: int) -> bool:
        """Whether people of this school may sign in with this provider."""
        if self.school_id is not None:
            return self.school_id == school_id
        trust = self.trust
        return trust is not None and any(school.id == school_id for school in trust.schools)

    @property
    def domain_list(self) -> list[str]:
        """The allowed email domains."""
        return self.domains.split()

    @property
    def label(self) -> str:
        """The provider's name on buttons: Microsoft, Google, or a plain description."""
        return KINDS.get(self.kind, KINDS["oidc"])


class SignInIdentity(db.Model):  # type: ignore[name-defined]
    """A person linked to their account at a school's provider (the token's `sub`)."""

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("provider_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("sso_providers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Created at first sign-in: the admin still has to give them a staff group.
    created_at_sign_in: Mapped[bool] = mapped_column(Boolean, default=False)
    details_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
