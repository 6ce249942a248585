"""The training policy in force at a school: its stored versions, newest first.

Read by learning (the expiry stamped on a new completion) as well as by compliance, so it
imports only the pure policy and core (tests/test_architecture.py lists it as shared core).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, select
from sqlalchemy.orm import Mapped, mapped_column

from training_app.compliance.policy import DEFAULT_POLICY, PolicyError, TrainingPolicy, parse_policy
from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow


class PolicyVersion(db.Model):  # type: ignore[name-defined]
    """A school's training policy from `created_at` on; the newest row is the one in force."""

    __tablename__ = "compliance_policies"
    __table_args__ = (Index("ix_compliance_policies_school_created", "school_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


def stored_policy(settings: dict[str, Any]) -> TrainingPolicy:
    """A stored version's policy; the defaults if it no longer parses."""
    try:
        return parse_policy(settings)
    except PolicyError:
        # A stored version that no longer parses (an old format) must not break every page.
        return DEFAULT_POLICY


def current_policy(school_id: int | None) -> TrainingPolicy:
    """The school's policy in force now (the defaults until an admin saves one, or no school)."""
    if school_id is None:
        return DEFAULT_POLICY
    row = db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.school_id == school_id)
        .order_by(PolicyVersion.created_at.desc(), PolicyVersion.id.desc())
        .limit(1)
    )
    return DEFAULT_POLICY if row is None else stored_policy(row.settings)
