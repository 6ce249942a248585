"""The audit trail: who did what, when, to what, with the before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.auth.models import User
from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """One audited event; rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_school_created", "school_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The school whose admins may read the event (null for trust-level events).
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trusts.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()
