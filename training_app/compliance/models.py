"""Compliance tables: exemptions, role changes, sent reminders, staff imports.

Exemptions and role changes are append-only, like completions and policy versions
(policy_versions.py): the history of who was required to do what, and why, is evidence in itself.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow


class Exemption(db.Model):  # type: ignore[name-defined]
    """A person exempted from one required module, with the reason; or the revocation of one.

    A revocation is a new row whose `revokes_id` names the exemption it ends (at most once).
    """

    __tablename__ = "compliance_exemptions"
    __table_args__ = (Index("ix_compliance_exemptions_school", "school_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    module_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    ends_on: Mapped[date | None] = mapped_column(Date)
    revokes_id: Mapped[int | None] = mapped_column(
        ForeignKey("compliance_exemptions.id"), unique=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RoleChange(db.Model):  # type: ignore[name-defined]
    """A change of a person's role or staff group: new requirements get an induction period."""

    __tablename__ = "compliance_role_changes"
    __table_args__ = (Index("ix_compliance_role_changes_user", "user_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    staff_group: Mapped[str] = mapped_column(String(20))
    previous_role: Mapped[str] = mapped_column(String(20))
    previous_group: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SentReminder(db.Model):  # type: ignore[name-defined]
    """One reminder email sent; the unique key is what stops it ever going twice.

    `period` is the due date (YYYY-MM-DD) for due-soon reminders, the due date and the number
    of whole weeks overdue (YYYY-MM-DD/N) for overdue ones, and the ISO week (YYYY-Www) for
    digests, whose `module_id` is "".
    """

    __tablename__ = "compliance_sent_reminders"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StaffImport(db.Model):  # type: ignore[name-defined]
    """An uploaded staff CSV kept between its preview and its commit (committed once)."""

    __tablename__ = "compliance_staff_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
