"""Reading lesson state: sessions by code, live counts, histories and delivery records.

Read-only; nothing here writes. The polling pages call `pupil_marker` and `presenter_marker`
on every request, so each is one or two small indexed queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select

from training_app.auth.models import User
from training_app.content.model import Module
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.lessons.codes import token_hash
from training_app.lessons.models import (
    LIVE,
    LessonParticipant,
    LessonResponse,
    LessonResult,
    LessonSession,
)
from training_app.lessons.plan import Step, Tally, is_lesson, lesson_steps, tally
from training_app.models_common import utcnow

_FALLBACK_STEPS = (Step("welcome", "welcome", "Before we start"), Step("close", "close", "End"))


def lesson_modules() -> list[Module]:
    """The pupil lessons in the library, younger age band first."""
    modules = [m for m in library().modules.values() if is_lesson(m)]
    return sorted(modules, key=lambda m: (m.age_band or "", m.title))


_steps_cache: dict[tuple[str, str], tuple[Step, ...]] = {}


def steps_of(session: LessonSession) -> tuple[Step, ...]:
    """The steps of the session's lesson (a bare welcome and end if the module is gone)."""
    return steps_for(session.module_id)


def steps_for(module_id: str) -> tuple[Step, ...]:
    """The steps of a lesson as the library holds it now."""
    module = library().modules.get(module_id)
    if module is None:
        return _FALLBACK_STEPS
    # Content is immutable per version, so the steps are worked out once per version.
    key = (module.id, module.content_version)
    steps = _steps_cache.get(key)
    if steps is None:
        if len(_steps_cache) > 64:
            _steps_cache.clear()
        steps = _steps_cache[key] = lesson_steps(module)
    return steps


def current_step(session: LessonSession | Seen, steps: tuple[Step, ...]) -> Step:
    """The step the class is on (the last one if the content shrank under the session)."""
    return steps[min(session.position, len(steps) - 1)]


def is_live(session: LessonSession, now: datetime | None = None) -> bool:
    """Whether the session still takes pupils and answers (not ended, not timed out)."""
    return session.status == LIVE and (now or utcnow()) < session.expires_at


def status_now(session_id: int) -> str | None:
    """The session's status as committed now (not as this request first loaded it)."""
    return db.session.scalar(select(LessonSession.status).where(LessonSession.id == session_id))


def by_code(code: str) -> LessonSession | None:
    """The session with this join code, live or not (the caller decides what ended means)."""
    return db.session.scalar(select(LessonSession).where(LessonSession.join_code == code))


@dataclass(frozen=True)
class Seen:
    """What a pupil's poll needs: the session's state and this device's place in it."""

    session_id: int
    revision: int
    status: str
    expires_at: datetime
    participant_id: int | None
    answers: int  # how many answers this device has given (changes its screen)
    module_id: str
    position: int
    revealed: tuple[str, ...]

    @property
    def live(self) -> bool:
        """Whether the session still takes pupils and answers."""
        return self.status == LIVE and utcnow() < self.expires_at

    @property
    def etag(self) -> str:
        """Changes exactly when this device's lesson page changes."""
        return f"p{self.session_id}-{self.revision}-{self.answers}-{int(self.live)}"


def _seen_statement() -> Select[Any]:
    """Built once: the poll's only query (Core, with bound parameters)."""
    sessions = LessonSession.__table__
    participants = LessonParticipant.__table__
    responses = LessonResponse.__table__
    given = (
        select(func.count())
        .select_from(responses)
        .where(responses.c.participant_id == participants.c.id)
        .correlate(participants)
        .scalar_subquery()
    )
    return (
        select(
            sessions.c.id,
            sessions.c.revision,
            sessions.c.status,
            sessions.c.expires_at,
            participants.c.id,
            given,
            sessions.c.module_id,
            sessions.c.position,
            sessions.c.revealed,
        )
        .select_from(sessions)
        .outerjoin(
            participants,
            and_(
                participants.c.session_id == sessions.c.id,
                participants.c.token_hash == bindparam("token_hash"),
            ),
        )
        .where(sessions.c.join_code == bindparam("code"))
    )


_SEEN = _seen_statement()


def seen_by(code: str, token: str | None) -> Seen | None:
    """A session by join code and this device's participant, in one query (every poll)."""
    params = {"code": code, "token_hash": token_hash(token) if token else ""}
    row = db.session.connection().execute(_SEEN, params).first()
    if row is None:
        return None
    revealed = tuple(row[8] or ())
    return Seen(row[0], row[1], row[2], row[3], row[4], int(row[5] or 0), row[6], row[7], revealed)


def own_answer(participant: int | None, node_id: str | None) -> list[str] | None:
    """The choices this participant gave at this question (only ever shown to them)."""
    if participant is None or node_id is None:
        return None
    found = db.session.scalar(
        select(LessonResponse.choice_ids).where(
            LessonResponse.participant_id == participant, LessonResponse.node_id == node_id
        )
    )
    return None if found is None else list(found)


@dataclass(frozen=True)
class Counts:
    """What the presenter shows live: how many joined and answered (never who)."""

    joined: int
    answered: int


def counts(session: LessonSession, node_id: str | None) -> Counts:
    """Participants and answers to `node_id` so far, in one query."""
    joined = (
        select(func.count())
        .select_from(LessonParticipant)
        .where(LessonParticipant.session_id == session.id)
        .scalar_subquery()
    )
    answered = (
        select(func.count())
        .select_from(LessonResponse)
        .where(LessonResponse.session_id == session.id, LessonResponse.node_id == (node_id or ""))
        .scalar_subquery()
    )
    row = db.session.execute(select(joined, answered)).one()
    return Counts(int(row[0] or 0), int(row[1] or 0))


def live_tally(session: LessonSession, step: Step) -> Tally | None:
    """How many chose each answer at the current question so far."""
    if step.node is None or not step.is_question:
        return None
    answers = db.session.scalars(
        select(LessonResponse.choice_ids).where(
            LessonResponse.session_id == session.id, LessonResponse.node_id == step.node.id
        )
    )
    return tally(step.node, [list(a) for a in answers])


def teacher_sessions(teacher_id: int, *, live: bool, limit: int = 50) -> list[LessonSession]:
    """A teacher's own sessions: the live ones, or their history, newest first."""
    query = select(LessonSession).where(LessonSession.teacher_id == teacher_id)
    if live:
        query = query.where(LessonSession.status == LIVE, LessonSession.expires_at > utcnow())
    else:
        query = query.where(LessonSession.status != LIVE)
    return list(db.session.scalars(query.order_by(LessonSession.started_at.desc()).limit(limit)))


@dataclass(frozen=True)
class Delivered:
    """One row of a school's 'PSHE lessons delivered' list."""

    session: LessonSession
    teacher_name: str


def school_sessions(school_id: int, *, page: int, per_page: int) -> tuple[list[Delivered], int]:
    """A school's ended lesson sessions with their teacher, newest first, one page of them."""
    where = (LessonSession.school_id == school_id, LessonSession.status != LIVE)
    total = db.session.scalar(select(func.count()).select_from(LessonSession).where(*where))
    rows = db.session.execute(
        select(LessonSession, User.name)
        .join(User, User.id == LessonSession.teacher_id)
        .where(*where)
        .order_by(LessonSession.started_at.desc(), LessonSession.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return [Delivered(s, name) for s, name in rows], int(total or 0)


def results(session_id: int) -> list[LessonResult]:
    """The kept totals of an ended session, question by question."""
    return list(
        db.session.scalars(
            select(LessonResult)
            .where(LessonResult.session_id == session_id)
            .order_by(LessonResult.position, LessonResult.id)
        )
    )
