"""Training records and exemptions a person entered for themselves wait for a second person.

An admin can record external training or an exemption for anyone in their school, themselves
included; nobody may certify or exempt themselves, though. Such an entry (recorded_by_id is
the person's own id) counts for nothing, and its certificate is not called genuine, until
another admin of the school or its DSL confirms it. Confirming uses the existing append-only
records: a copy recorded by the confirmer (which counts), and the self-made entry voided or
ended with a reason naming the copy. Nothing is edited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.auth.permissions import can_confirm_own_entry
from training_app.compliance.models import Exemption
from training_app.compliance.services import RecordError, record_snapshot, void_of
from training_app.extensions import db
from training_app.learning.models import SOURCE_EXTERNAL, Completion


def is_self_made(row: Completion | Exemption) -> bool:
    """Whether a person recorded this external training or exemption for themselves."""
    if isinstance(row, Completion) and row.source != SOURCE_EXTERNAL:
        return False
    return row.recorded_by_id is not None and row.recorded_by_id == row.user_id


def record_counts() -> ColumnElement[bool]:
    """SQL: a completion counts unless it is external training its person recorded."""
    return or_(
        Completion.source != SOURCE_EXTERNAL,
        Completion.recorded_by_id.is_(None),
        Completion.recorded_by_id != Completion.user_id,
    )


@dataclass(frozen=True)
class Waiting:
    """Self-made entries at a school that still wait for a second person."""

    records: list[tuple[Completion, User]]
    exemptions: list[tuple[Exemption, User]]

    def __bool__(self) -> bool:
        return bool(self.records or self.exemptions)


def waiting(school_id: int, *, viewer_id: int) -> Waiting:
    """The school's self-made entries not yet confirmed, except the viewer's own."""
    void = aliased(Completion)
    records = db.session.execute(
        select(Completion, User)
        .join(User, User.id == Completion.user_id)
        .where(
            Completion.school_id == school_id,
            Completion.source == SOURCE_EXTERNAL,
            Completion.recorded_by_id == Completion.user_id,
            Completion.user_id != viewer_id,
            ~exists().where(void.voids_id == Completion.id),
        )
        .order_by(Completion.created_at, Completion.id)
    ).all()
    ended = aliased(Exemption)
    exemptions = db.session.execute(
        select(Exemption, User)
        .join(User, User.id == Exemption.user_id)
        .where(
            Exemption.school_id == school_id,
            Exemption.revokes_id.is_(None),
            Exemption.recorded_by_id == Exemption.user_id,
            Exemption.user_id != viewer_id,
            ~exists().where(ended.revokes_id == Exemption.id),
        )
        .order_by(Exemption.created_at, Exemption.id)
    ).all()
    return Waiting([(r, u) for r, u in records], [(e, u) for e, u in exemptions])


def _check(row: Completion | Exemption, person: User, actor: User) -> None:
    if not is_self_made(row):
        raise RecordError("This entry was recorded by someone else: it needs no confirming.")
    if not can_confirm_own_entry(actor, person):
        raise RecordError("Another administrator or the school's DSL must confirm this.")


def confirm_record(
    record: Completion, person: User, *, actor: User, ip_address: str | None
) -> Completion:
    """Confirm self-recorded training: a copy recorded by `actor`, the original voided."""
    _check(record, person, actor)
    if db.session.scalar(select(Completion.id).where(Completion.voids_id == record.id)):
        raise RecordError("This record has already been confirmed or voided.")
    copy = Completion(
        user_id=record.user_id,
        school_id=record.school_id,
        module_id=record.module_id,
        content_version=record.content_version,
        completed_at=record.completed_at,
        expires_at=record.expires_at,
        source=SOURCE_EXTERNAL,
        evidence_note=record.evidence_note,
        recorded_by_id=actor.id,
    )
    db.session.add(copy)
    db.session.flush()
    db.session.add(
        void_of(record, reason=f"Confirmed by {actor.name} as record {copy.id}", actor=actor)
    )
    record_event(
        "compliance.record_confirmed",
        actor=actor,
        school_id=record.school_id,
        target=("completion", copy.id),
        summary=f"Confirmed {person.name}'s own record of {record.module_id}",
        before=record_snapshot(record),
        after=record_snapshot(copy),
        ip_address=ip_address,
    )
    db.session.commit()
    return copy


def confirm_exemption(
    exemption: Exemption, person: User, *, actor: User, ip_address: str | None
) -> Exemption:
    """Confirm a self-made exemption: a copy recorded by `actor`, the original ended."""
    _check(exemption, person, actor)
    if exemption.revokes_id is not None or db.session.scalar(
        select(Exemption.id).where(Exemption.revokes_id == exemption.id)
    ):
        raise RecordError("This exemption has already been confirmed or ended.")
    copy = Exemption(
        user_id=exemption.user_id,
        school_id=exemption.school_id,
        module_id=exemption.module_id,
        reason=exemption.reason,
        ends_on=exemption.ends_on,
        recorded_by_id=actor.id,
    )
    db.session.add(copy)
    db.session.flush()
    db.session.add(
        Exemption(
            user_id=exemption.user_id,
            school_id=exemption.school_id,
            module_id=exemption.module_id,
            reason=f"Confirmed by {actor.name} as exemption {copy.id}",
            revokes_id=exemption.id,
            recorded_by_id=actor.id,
        )
    )
    record_event(
        "compliance.exemption_confirmed",
        actor=actor,
        school_id=exemption.school_id,
        target=("user", person.id),
        summary=f"Confirmed {person.name}'s own exemption from {exemption.module_id}",
        ip_address=ip_address,
    )
    db.session.commit()
    return copy
