"""Trusts (groups of schools) and their schools."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from training_app.auth.models import User


class Trust(db.Model):  # type: ignore[name-defined]
    """A group of schools with a shared safeguarding lead; a lone school is a trust of one."""

    __tablename__ = "trusts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    schools: Mapped[list[School]] = relationship(back_populates="trust", order_by="School.name")


class School(db.Model):  # type: ignore[name-defined]
    """A school; every user, record and report belongs to exactly one."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trusts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Unique Reference Number from Get Information About Schools, when known.
    urn: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    trust: Mapped[Trust] = relationship(back_populates="schools")
    users: Mapped[list[User]] = relationship(back_populates="school")


class SchoolProtocol(db.Model):  # type: ignore[name-defined]
    """A school's local protocol for the decision engine (see rules.LocalProtocol)."""

    __tablename__ = "school_protocols"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
