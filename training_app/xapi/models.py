"""A trust's Learning Record Store settings and the outbox of xAPI statements.

The outbox is written in the same transaction as the learning record it describes, so a
statement exists exactly when its record does; `flask xapi send` builds and posts it later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow

# Outbox states: waiting to go (or to be retried), stored by the LRS, refused by the LRS.
PENDING = "pending"
SENT = "sent"
PARKED = "parked"

# The records an outbox row can refer to.
ATTEMPT = "attempt"
REHEARSAL = "rehearsal"

# How the school's people are named to the LRS (docs/xapi.md).
ACTOR_MBOX_SHA1 = "mbox_sha1sum"
ACTOR_ACCOUNT = "account"
ACTOR_FORMATS = {
    ACTOR_MBOX_SHA1: "A hash of the email address (mbox_sha1sum)",
    ACTOR_ACCOUNT: "The platform's own id for the person (account)",
}


class LrsSettings(db.Model):  # type: ignore[name-defined]
    """Where a trust's statements go; the secret is sealed as two-factor secrets are."""

    __tablename__ = "xapi_lrs_settings"

    trust_id: Mapped[int] = mapped_column(ForeignKey("trusts.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    endpoint: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(200))
    secret_sealed: Mapped[str] = mapped_column(String(400))
    actor_format: Mapped[str] = mapped_column(String(20), default=ACTOR_MBOX_SHA1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxStatement(db.Model):  # type: ignore[name-defined]
    """One statement waiting for, or done with, the LRS: what happened to which record.

    A small reference, written in the learner's own transaction; the sender builds the
    statement (actor, object, result, context) from the record it names (xapi/build.py).
    """

    __tablename__ = "xapi_outbox"
    __table_args__ = (Index("ix_xapi_outbox_due", "status", "trust_id", "next_try_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # uuid5 of the reference: writing it twice is refused by the schema.
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trusts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verb: Mapped[str] = mapped_column(String(20))
    # The record: an attempt or a rehearsal (its id), and within it the page, quiz step or
    # rehearsal step when the statement is about one of those. Empty in rows written
    # before the outbox held references: those hold their `statement` instead.
    record: Mapped[str | None] = mapped_column(String(10))
    record_id: Mapped[int | None] = mapped_column(Integer)
    part: Mapped[str | None] = mapped_column(String(32))
    statement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    # When it happened: the statement's timestamp.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
