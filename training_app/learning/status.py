"""Where a person stands with each module: not started, in progress, completed or expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from training_app.content.model import Module
from training_app.extensions import db
from training_app.learning import policy
from training_app.learning.models import (
    FAILED,
    IN_PROGRESS,
    PASSED,
    SOURCE_VOID,
    Attempt,
    Completion,
)
from training_app.models_common import utcnow


@dataclass(frozen=True)
class ModuleStatus:
    """Where a person stands with one module."""

    module: Module
    state: str  # not_started | in_progress | completed | expired
    attempt: Attempt | None
    valid_until: datetime | None
    last_completed: datetime | None


def module_statuses(user_id: int, school_id: int, modules: list[Module]) -> list[ModuleStatus]:
    """Status of each module for one person, in two queries however many modules.

    As in the compliance reports, a completion counts from its date for the renewal period in
    the school's policy in force now, and voided records (and the voids) do not count.
    """
    ids = [m.id for m in modules]
    attempts = {
        a.module_id: a
        for a in db.session.scalars(
            select(Attempt).where(
                Attempt.user_id == user_id,
                Attempt.status == IN_PROGRESS,
                Attempt.module_id.in_(ids),
            )
        )
    }
    voided = select(Completion.voids_id).where(
        Completion.user_id == user_id, Completion.voids_id.is_not(None)
    )
    latest = {
        row.module_id: row
        for row in db.session.execute(
            select(
                Completion.module_id,
                func.max(Completion.completed_at).label("completed_at"),
            )
            .where(
                Completion.user_id == user_id,
                Completion.module_id.in_(ids),
                Completion.source != SOURCE_VOID,
                Completion.id.not_in(voided),
            )
            .group_by(Completion.module_id)
        )
    }
    now = utcnow()
    statuses = []
    for module in modules:
        done = latest.get(module.id)
        attempt = attempts.get(module.id)
        last_completed = _aware(done.completed_at) if done else None
        valid_until = policy.expiry(module, last_completed, school_id) if last_completed else None
        if valid_until is not None and valid_until > now:
            state = "completed"
        elif attempt is not None:
            state = "in_progress"
        elif done is not None:
            state = "expired"
        else:
            state = "not_started"
        statuses.append(ModuleStatus(module, state, attempt, valid_until, last_completed))
    return statuses


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates (max) bypass the UTC column type on SQLite and come back naive or as text.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def past_attempts(user_id: int, module_id: str, limit: int = 10) -> list[Attempt]:
    """The person's finished attempts at a module, newest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.user_id == user_id,
                Attempt.module_id == module_id,
                Attempt.status.in_([PASSED, FAILED]),
            )
            .order_by(Attempt.started_at.desc())
            .limit(limit)
        )
    )
