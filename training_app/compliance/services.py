"""Changing compliance state: the policy, external training, voids, exemptions, role changes.

The only code that writes compliance records. Every change is a new row plus an audit event
in the same transaction; nothing here edits or deletes a record. Routes pass plain values in;
nothing here reads `request`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.compliance.models import Exemption, RoleChange
from training_app.compliance.policy import TrainingPolicy, policy_to_dict
from training_app.compliance.policy_versions import PolicyVersion, current_policy, stored_policy
from training_app.compliance.status import UK, Timeline
from training_app.extensions import db
from training_app.learning.models import SOURCE_EXTERNAL, SOURCE_VOID, Completion
from training_app.models_common import utcnow
from training_app.xapi import record as xapi_record


class RecordError(ValueError):
    """A change that cannot be made (e.g. voiding a record twice); the message says why."""


def timelines(school_ids: Iterable[int], *, until: datetime | None = None) -> dict[int, Timeline]:
    """Each school's policy history (up to `until`), in one query."""
    ids = list(school_ids)
    query = select(PolicyVersion).where(PolicyVersion.school_id.in_(ids))
    if until is not None:
        query = query.where(PolicyVersion.created_at <= until)
    versions: dict[int, list[tuple[datetime, TrainingPolicy]]] = {i: [] for i in ids}
    for row in db.session.scalars(query.order_by(PolicyVersion.created_at, PolicyVersion.id)):
        versions[row.school_id].append((row.created_at, stored_policy(row.settings)))
    return {school_id: Timeline(found) for school_id, found in versions.items()}


def update_policy(
    school_id: int, policy: TrainingPolicy, *, actor: User, ip_address: str | None
) -> bool:
    """Store a new policy version, in force from now; False if nothing changed."""
    before = current_policy(school_id)
    if policy_to_dict(before) == policy_to_dict(policy):
        return False
    db.session.add(
        PolicyVersion(school_id=school_id, settings=policy_to_dict(policy), created_by_id=actor.id)
    )
    record_event(
        "policy.training_changed",
        actor=actor,
        school_id=school_id,
        target=("school", school_id),
        summary="Changed the training policy",
        before=policy_to_dict(before),
        after=policy_to_dict(policy),
        ip_address=ip_address,
    )
    db.session.commit()
    return True


def uk_noon(day: date) -> datetime:
    """Midday UK time on a date: a time of day that is the same date in UTC all year round."""
    return datetime.combine(day, time(12), tzinfo=UK)


def record_snapshot(record: Completion) -> dict[str, Any]:
    """The audit view of a completion record."""
    return {
        "id": record.id,
        "user_id": record.user_id,
        "module": record.module_id,
        "source": record.source,
        "completed_at": record.completed_at.isoformat() if record.completed_at else None,
        "score": record.score,
        "evidence_note": record.evidence_note,
        "voids_id": record.voids_id,
        "reason": record.reason,
    }


def record_external(
    person: User,
    *,
    module_id: str,
    completed_on: date,
    evidence_note: str,
    actor: User,
    ip_address: str | None,
) -> Completion:
    """Record training done elsewhere (a course, another platform), with its evidence."""
    if completed_on > datetime.now(UK).date():
        raise RecordError("The training date cannot be in the future.")
    completed_at = uk_noon(completed_on)
    policy = current_policy(person.school_id)
    record = Completion(
        user_id=person.id,
        school_id=person.school_id,
        module_id=module_id,
        content_version="external",
        completed_at=completed_at,
        expires_at=policy.valid_until(module_id, completed_at),
        source=SOURCE_EXTERNAL,
        evidence_note=evidence_note.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    record_event(
        "compliance.external_recorded",
        actor=actor,
        school_id=person.school_id,
        target=("completion", record.id),
        summary=f"Recorded external training for {person.name}: {module_id}",
        after=record_snapshot(record),
        ip_address=ip_address,
    )
    db.session.commit()
    return record


def voiding_record(record_id: int) -> Completion | None:
    """The void record that cancels this one, if any."""
    return db.session.scalar(select(Completion).where(Completion.voids_id == record_id))


def void_of(record: Completion, *, reason: str, actor: User) -> Completion:
    """A new record that cancels `record` (not yet added to the session)."""
    return Completion(
        user_id=record.user_id,
        school_id=record.school_id,
        module_id=record.module_id,
        content_version=record.content_version,
        # The void describes the record it cancels; created_at says when it was made.
        completed_at=record.completed_at,
        source=SOURCE_VOID,
        voids_id=record.id,
        reason=reason,
        recorded_by_id=actor.id,
    )


def void_record(
    record: Completion, *, reason: str, actor: User, ip_address: str | None
) -> Completion:
    """Cancel a record with a reason, as a new record; the original row is left untouched."""
    if record.source == SOURCE_VOID:
        raise RecordError("A void cannot itself be voided.")
    if voiding_record(record.id) is not None:
        raise RecordError("This record has already been voided.")
    void = void_of(record, reason=reason.strip(), actor=actor)
    db.session.add(void)
    xapi_record.completion_voided(record)
    db.session.flush()
    record_event(
        "compliance.record_voided",
        actor=actor,
        school_id=record.school_id,
        target=("completion", record.id),
        summary=f"Voided a {record.module_id} record: {reason.strip()}",
        before=record_snapshot(record),
        after=record_snapshot(void),
        ip_address=ip_address,
    )
    db.session.commit()
    return void


def add_exemption(
    person: User,
    *,
    module_id: str,
    reason: str,
    ends_on: date | None,
    actor: User,
    ip_address: str | None,
) -> Exemption:
    """Exempt a person from one required module, with the reason (and an end date if any)."""
    if ends_on is not None and ends_on < datetime.now(UK).date():
        raise RecordError("The end date is in the past.")
    exemption = Exemption(
        user_id=person.id,
        school_id=person.school_id,
        module_id=module_id,
        reason=reason.strip(),
        ends_on=ends_on,
        recorded_by_id=actor.id,
    )
    db.session.add(exemption)
    db.session.flush()
    record_event(
        "compliance.exemption_recorded",
        actor=actor,
        school_id=person.school_id,
        target=("user", person.id),
        summary=f"Exempted {person.name} from {module_id}: {reason.strip()}",
        after=_exemption_snapshot(exemption),
        ip_address=ip_address,
    )
    db.session.commit()
    return exemption


def _exemption_snapshot(row: Exemption) -> dict[str, Any]:
    return {
        "id": row.id,
        "user_id": row.user_id,
        "module": row.module_id,
        "reason": row.reason,
        "ends_on": row.ends_on.isoformat() if row.ends_on else None,
        "revokes_id": row.revokes_id,
    }


def revocation_of(exemption_id: int) -> Exemption | None:
    """The row that revoked this exemption, if any."""
    return db.session.scalar(select(Exemption).where(Exemption.revokes_id == exemption_id))


def revoke_exemption(
    exemption: Exemption, *, reason: str, actor: User, ip_address: str | None
) -> Exemption:
    """End an exemption now, as a new record with the reason."""
    if exemption.revokes_id is not None or revocation_of(exemption.id) is not None:
        raise RecordError("This exemption has already ended.")
    row = Exemption(
        user_id=exemption.user_id,
        school_id=exemption.school_id,
        module_id=exemption.module_id,
        reason=reason.strip(),
        revokes_id=exemption.id,
        recorded_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    record_event(
        "compliance.exemption_revoked",
        actor=actor,
        school_id=exemption.school_id,
        target=("user", exemption.user_id),
        summary=f"Ended an exemption from {exemption.module_id}: {reason.strip()}",
        before=_exemption_snapshot(exemption),
        after=_exemption_snapshot(row),
        ip_address=ip_address,
    )
    db.session.commit()
    return row


def note_role_change(
    person: User, *, role: str, staff_group: str, actor: User | None
) -> RoleChange | None:
    """Record a change of role or staff group (the caller sets them on the person and commits)."""
    if person.role == role and person.staff_group == staff_group:
        return None
    change = RoleChange(
        user_id=person.id,
        school_id=person.school_id,
        role=role,
        staff_group=staff_group,
        previous_role=person.role,
        previous_group=person.staff_group,
        changed_at=utcnow(),
        changed_by_id=actor.id if actor else None,
    )
    db.session.add(change)
    return change


def person_history(user_id: int) -> tuple[list[Completion], list[Exemption]]:
    """Every completion record (voids included) and exemption row of a person, newest first."""
    records = db.session.scalars(
        select(Completion)
        .where(Completion.user_id == user_id)
        .order_by(Completion.completed_at.desc(), Completion.id.desc())
    ).all()
    exemptions = db.session.scalars(
        select(Exemption)
        .where(Exemption.user_id == user_id)
        .order_by(Exemption.created_at.desc(), Exemption.id.desc())
    ).all()
    return list(records), list(exemptions)


def record_export(
    kind: str,
    rows: int,
    *,
    actor: User,
    school_id: int | None,
    trust_id: int | None,
    ip_address: str | None,
) -> None:
    """Audit that `actor` downloaded a report of `rows` rows for one school or one trust."""
    record_event(
        "compliance.exported",
        actor=actor,
        school_id=school_id,
        trust_id=trust_id,
        target=("school", school_id) if school_id else ("trust", trust_id),
        summary=f"Downloaded the {kind} ({rows} rows)",
        ip_address=ip_address,
    )
    db.session.commit()
