"""Class lesson sessions, their anonymous participants and answers, and the kept totals.

Nothing here identifies a pupil. A participant is a random token (only its SHA-256 is
stored) that exists while the session runs; answers hang off it. When the session ends
both are deleted and only the per-question totals (`lesson_results`) and the head count
on the session remain, as the school's record that the lesson was delivered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow

LIVE = "live"
ENDED = "ended"

ENDED_BY_TEACHER = "teacher"
TIMED_OUT = "timed_out"


class LessonSession(db.Model):  # type: ignore[name-defined]
    """One class's run of a pupil lesson, led by a member of staff; kept as the delivery record."""

    __tablename__ = "lesson_sessions"
    __table_args__ = (
        Index("ix_lesson_sessions_school_started", "school_id", "started_at"),
        Index("ix_lesson_sessions_teacher_started", "teacher_id", "started_at"),
        Index("ix_lesson_sessions_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    module_id: Mapped[str] = mapped_column(String(64))
    # Kept with the record so it still reads right after the content changes.
    module_title: Mapped[str] = mapped_column(String(200))
    content_version: Mapped[str] = mapped_column(String(64))
    age_band: Mapped[str] = mapped_column(String(10))
    class_label: Mapped[str] = mapped_column(String(40))
    # Unique for ever, so an old code never opens someone else's later lesson.
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    # The school's local protocol when the lesson started (content may use its tokens).
    protocol: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=LIVE)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Quiz node ids whose answer the teacher has shown: answers to them are closed.
    revealed: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Bumped on every change the pupils' screens must follow (their ETag).
    revision: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(20))
    participant_count: Mapped[int] = mapped_column(Integer, default=0)
    # When the participant tokens and per-participant answers were deleted.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LessonParticipant(db.Model):  # type: ignore[name-defined]
    """An anonymous device in a live session: a token hash and nothing else."""

    __tablename__ = "lesson_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lesson_sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)


class LessonResponse(db.Model):  # type: ignore[name-defined]
    """One participant's answer to one question; unique, so a replay counts once."""

    __tablename__ = "lesson_responses"
    __table_args__ = (
        UniqueConstraint("participant_id", "node_id"),
        Index("ix_lesson_responses_session_node", "session_id", "node_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Both keys matter: on PostgreSQL the session key makes an answer wait for (and then
    # fail against) a session being ended, so no answer is lost between count and purge.
    session_id: Mapped[int] = mapped_column(ForeignKey("lesson_sessions.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("lesson_participants.id"))
    node_id: Mapped[str] = mapped_column(String(100))
    choice_ids: Mapped[list[str]] = mapped_column(JSON)


class LessonResult(db.Model):  # type: ignore[name-defined]
    """The kept totals for one question of an ended session: how many chose each answer."""

    __tablename__ = "lesson_results"
    __table_args__ = (UniqueConstraint("session_id", "node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lesson_sessions.id"))
    node_id: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text)
    respondents: Mapped[int] = mapped_column(Integer, default=0)
    # [{"id": ..., "label": ..., "count": n, "correct": bool}, ...] in the question's order.
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
