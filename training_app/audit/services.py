"""Writing and reading the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.dates import plausible
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


def person_snapshot(person: User) -> dict[str, object]:
    """How a person's record looks in the audit trail (before and after a change)."""
    return {
        "name": person.name,
        "email": person.email,
        "role": person.role,
        "staff_group": person.staff_group,
        "active": person.active,
        "start_date": person.start_date.isoformat() if person.start_date else None,
    }


CATEGORIES: dict[str, str] = {
    "auth.": "Sign-ins and passwords",
    "admin.": "People added, changed or deactivated",
    "import.": "Staff imports",
    "policy.": "Training policy and local protocol",
    "compliance.": "Training records, exemptions, reports and reminders",
    "certificate.": "Certificate checks",
}


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page shows: a kind of event, words to find, and a date range (UTC)."""

    category: str = ""
    q: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args: Any) -> AuditFilters:
        """Read filters from query arguments, ignoring values that are not allowed."""
        category = args.get("category", "")
        return cls(
            category=category if category in CATEGORIES else "",
            q=args.get("q", "").strip()[:100],
            since=_day(args.get("since", "")),
            until=_day(args.get("until", "")),
        )

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments (for links that keep them)."""
        values = {
            "category": self.category,
            "q": self.q,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


def _day(text: str) -> date | None:
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    # A filter on 9999-12-31 would overflow the day after it: out of range is no filter.
    return day if day is not None and plausible(day) else None


def _query(school_id: int, filters: AuditFilters) -> Select[Any]:
    # Actors in one extra query per page, not one per event.
    query = (
        select(AuditEvent)
        .where(AuditEvent.school_id == school_id)
        .options(selectinload(AuditEvent.actor))
    )
    if filters.category:
        query = query.where(AuditEvent.action.startswith(filters.category))
    if filters.since:
        query = query.where(AuditEvent.created_at >= datetime.combine(filters.since, time(0), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(0), UTC)
        query = query.where(AuditEvent.created_at < end)
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        actor = select(User.id).where(
            or_(func.lower(User.name).like(pattern), User.email.like(pattern))
        )
        query = query.where(
            or_(
                func.lower(AuditEvent.summary).like(pattern),
                AuditEvent.action.like(pattern),
                AuditEvent.actor_id.in_(actor),
            )
        )
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def school_events(
    school_id: int, *, page: int, per_page: int, filters: AuditFilters | None = None
) -> tuple[list[AuditEvent], bool]:
    """Return one page of a school's events, newest first, and whether more exist."""
    query = _query(school_id, filters or AuditFilters())
    rows = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


EXPORT_COLUMNS = (
    "When (UTC)",
    "Who",
    "Who (email)",
    "Action",
    "Target",
    "Summary",
    "Before",
    "After",
    "IP address",
)


def _export_row(event: AuditEvent) -> tuple[str, ...]:
    return (
        event.created_at.isoformat(timespec="seconds"),
        event.actor.name if event.actor else "System or anonymous",
        event.actor.email if event.actor else "",
        event.action,
        f"{event.target_type}:{event.target_id}" if event.target_type else "",
        event.summary,
        json.dumps(event.before, ensure_ascii=False) if event.before is not None else "",
        json.dumps(event.after, ensure_ascii=False) if event.after is not None else "",
        event.ip_address or "",
    )


def export_school_events(
    school_id: int,
    filters: AuditFilters,
    *,
    actor: User,
    ip_address: str | None,
    limit: int = 100_000,
) -> list[tuple[str, ...]]:
    """Matching events (up to `limit`, newest first) as EXPORT_COLUMNS rows; audits the export."""
    events = db.session.scalars(_query(school_id, filters).limit(limit))
    rows = [_export_row(event) for event in events]
    record_event(
        "admin.audit_exported",
        actor=actor,
        school_id=school_id,
        target=("school", school_id),
        summary=f"Downloaded the audit log ({len(rows)} events)",
        after=filters.as_args() or None,
        ip_address=ip_address,
    )
    db.session.commit()
    return rows
