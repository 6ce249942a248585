"""Rehearsals of mock incidents, the questions asked and answers given, and group sessions.

Append-only evidence of DSL practice. Idempotency lives in the schema: an answer is unique per
(rehearsal, step) and a question per (rehearsal, question), and a person joins a group once, so a
double click, a second tab or a replayed form never records anything twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow

IN_PROGRESS = "in_progress"
FINISHED = "finished"


class RehearsalGroup(db.Model):  # type: ignore[name-defined]
    """A group rehearsal: one case (seed and difficulty) a trainer shares with colleagues."""

    __tablename__ = "rehearsal_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What colleagues type or follow to join; unique across all schools.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seed: Mapped[int] = mapped_column(Integer)
    difficulty: Mapped[str] = mapped_column(String(20))
    # The school's protocol when the group was set up: everyone is judged the same way.
    protocol: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Rehearsal(db.Model):  # type: ignore[name-defined]
    """One DSL working through one generated incident, alone or in a group."""

    __tablename__ = "rehearsals"
    __table_args__ = (
        # Joining a group twice resumes the same rehearsal. NULL group ids (solo) never clash.
        UniqueConstraint("group_id", "user_id"),
        Index("ix_rehearsals_user_started", "user_id", "started_at"),
        Index("ix_rehearsals_school_finished", "school_id", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("rehearsal_groups.id"), index=True)
    seed: Mapped[int] = mapped_column(Integer)
    difficulty: Mapped[str] = mapped_column(String(20))
    generator_version: Mapped[int] = mapped_column(Integer)
    # The facts as generated, and the protocol snapshotted at the start: scoring never drifts
    # if the generator or the school's protocol changes later.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    protocol: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[int | None] = mapped_column(Integer)
    correct_steps: Mapped[int | None] = mapped_column(Integer)
    scored_steps: Mapped[int | None] = mapped_column(Integer)

    answers: Mapped[list[RehearsalAnswer]] = relationship(
        back_populates="rehearsal", order_by="RehearsalAnswer.id", lazy="selectin"
    )
    questions: Mapped[list[RehearsalQuestion]] = relationship(
        back_populates="rehearsal", order_by="RehearsalQuestion.id", lazy="selectin"
    )
    group: Mapped[RehearsalGroup | None] = relationship()


class RehearsalAnswer(db.Model):  # type: ignore[name-defined]
    """The DSL's answer at one step, as the engine judged it (null: the unscored meeting)."""

    __tablename__ = "rehearsal_answers"
    __table_args__ = (UniqueConstraint("rehearsal_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rehearsal_id: Mapped[int] = mapped_column(ForeignKey("rehearsals.id"))
    step: Mapped[str] = mapped_column(String(32))
    answer: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    correct: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    rehearsal: Mapped[Rehearsal] = relationship(back_populates="answers")


class RehearsalQuestion(db.Model):  # type: ignore[name-defined]
    """A question asked at the initial review meeting (its answer is regenerated from the seed)."""

    __tablename__ = "rehearsal_questions"
    __table_args__ = (UniqueConstraint("rehearsal_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rehearsal_id: Mapped[int] = mapped_column(ForeignKey("rehearsals.id"))
    question: Mapped[str] = mapped_column(String(32))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    rehearsal: Mapped[Rehearsal] = relationship(back_populates="questions")
