"""Attempts at a module, the answers given, and the completions they earn.

Answers and completions are append-only. Idempotency lives in the schema, not in
the code: an answer is unique per (attempt, step) and a completion per attempt, so a
double click, a second tab or a replayed form can never record anything twice.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow

IN_PROGRESS = "in_progress"
PASSED = "passed"
FAILED = "failed"
SUPERSEDED = "superseded"  # the module's content changed before the attempt finished

# Completion sources: a passed quiz, training done elsewhere (recorded by an admin with its
# evidence), and a void: a new record that cancels an earlier one, with the reason.
SOURCE_QUIZ = "quiz"
SOURCE_EXTERNAL = "external"
SOURCE_VOID = "void"


def new_verification_code() -> str:
    """An unguessable code (128 random bits) printed on a certificate and checked publicly."""
    return secrets.token_urlsafe(16)


class Attempt(db.Model):  # type: ignore[name-defined]
    """One go at a module: reading its pages, then its branching quiz."""

    __tablename__ = "attempts"
    __table_args__ = (
        # At most one attempt in progress per person and module, so two devices resume
        # the same attempt instead of racing to create two.
        Index(
            "uq_attempts_one_in_progress",
            "user_id",
            "module_id",
            unique=True,
            sqlite_where=db.text("status = 'in_progress'"),
            postgresql_where=db.text("status = 'in_progress'"),
        ),
        Index("ix_attempts_user_module", "user_id", "module_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    content_version: Mapped[str] = mapped_column(String(64))
    # The school's local protocol when the attempt started: feedback stays consistent
    # even if an admin changes the protocol half way through.
    protocol: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pages_seen: Mapped[int] = mapped_column(Integer, default=0)
    in_quiz: Mapped[bool] = mapped_column(Boolean, default=False)
    # The quiz node awaiting an answer, and the number its answer will get.
    current_node: Mapped[str | None] = mapped_column(String(100))
    next_step: Mapped[int] = mapped_column(Integer, default=1)
    score: Mapped[int | None] = mapped_column(Integer)
    missed_rules: Mapped[list[str] | None] = mapped_column(JSON)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="attempt", order_by="Answer.step", lazy="selectin"
    )


class Answer(db.Model):  # type: ignore[name-defined]
    """The choice(s) made at one step of a quiz, as the engine judged them."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    step: Mapped[int] = mapped_column(Integer)
    node_id: Mapped[str] = mapped_column(String(100))
    choice_ids: Mapped[list[str]] = mapped_column(JSON)
    # Null for story beats (info nodes), which are not scored.
    correct: Mapped[bool | None] = mapped_column(Boolean)
    weight: Mapped[float] = mapped_column(Float, default=0)
    rule_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class Completion(db.Model):  # type: ignore[name-defined]
    """Evidence that a person completed a module: never edited or deleted in place."""

    __tablename__ = "completions"
    __table_args__ = (
        Index("ix_completions_user_module", "user_id", "module_id", "completed_at"),
        Index("ix_completions_school_module", "school_id", "module_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    module_id: Mapped[str] = mapped_column(String(64))
    # Unique: however many times the final answer arrives, one attempt earns one completion.
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"), unique=True)
    content_version: Mapped[str] = mapped_column(String(64))
    score: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(20), default="quiz")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Corrections are new rows, never edits: a void row points at the record it cancels
    # (at most one void per record) and says why.
    voids_id: Mapped[int | None] = mapped_column(ForeignKey("completions.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    evidence_note: Mapped[str | None] = mapped_column(String(1000))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verification_code: Mapped[str | None] = mapped_column(
        String(43), unique=True, default=new_verification_code
    )
