"""Each school's local protocol for the decision engine: read, and change with an audit."""

from __future__ import annotations

from sqlalchemy import select

from training_app.admin.models import SchoolProtocol
from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.extensions import db
from training_app.models_common import utcnow
from training_app.rules import DEFAULT_PROTOCOL, LocalProtocol
from training_app.rules.protocol import parse_protocol, protocol_to_dict


def school_protocol(school_id: int) -> LocalProtocol:
    """The school's protocol, or the documented defaults if it never set one."""
    row = db.session.scalar(select(SchoolProtocol).where(SchoolProtocol.school_id == school_id))
    return DEFAULT_PROTOCOL if row is None else parse_protocol(row.settings)


def update_protocol(
    school_id: int, protocol: LocalProtocol, *, actor: User, ip_address: str | None
) -> None:
    """Store a new protocol; it applies to attempts started from now on."""
    before = school_protocol(school_id)
    if before == protocol:
        return
    row = db.session.get(SchoolProtocol, school_id)
    if row is None:
        row = SchoolProtocol(school_id=school_id)
        db.session.add(row)
    row.settings = protocol_to_dict(protocol)
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    record_event(
        "policy.protocol_changed",
        actor=actor,
        school_id=school_id,
        target=("school", school_id),
        summary="Changed the local protocol",
        before=protocol_to_dict(before),
        after=protocol_to_dict(protocol),
        ip_address=ip_address,
    )
    db.session.commit()
