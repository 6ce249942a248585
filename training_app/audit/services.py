"""Writing and reading the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.extensions import db


def record_event(
    action: str,
    *,
    actor: User | None,
    school_id: int | None,
    trust_id: int | None = None,
    target: tuple[str, object] | None = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        school_id=school_id,
        trust_id=trust_id,
        target_type=target[0] if target else None,
        target_id=str(target[1]) if target else None,
        summary=summary[:300],
        before=before,
        after=after,
        ip_address=ip_address,
    )
    db.session.add(event)
    return event


def school_events(school_id: int, *, page: int, per_page: int) -> tuple[list[AuditEvent], bool]:
    """Return one page of a school's events, newest first, and whether more exist."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.school_id == school_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = list(db.session.scalars(query))
    return rows[:per_page], len(rows) > per_page
