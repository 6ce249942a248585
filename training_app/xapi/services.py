"""Changing a trust's LRS settings (sealed secret, audited)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.extensions import db
from training_app.mfa import seal
from training_app.models_common import utcnow
from training_app.xapi.models import LrsSettings, OutboxStatement
from training_app.xapi.record import forget_settings


def settings_of(trust_id: int) -> LrsSettings | None:
    """The trust's LRS settings, if it has any."""
    return db.session.get(LrsSettings, trust_id)


def _snapshot(row: LrsSettings | None) -> dict[str, object] | None:
    if row is None:
        return None
    # Never the secret, sealed or not: the audit trail says only that it changed.
    return {
        "enabled": row.enabled,
        "endpoint": row.endpoint,
        "key": row.key,
        "actor_format": row.actor_format,
    }


def save_settings(
    trust_id: int,
    *,
    enabled: bool,
    endpoint: str,
    key: str,
    secret: str | None,
    actor_format: str,
    actor: User,
    ip_address: str | None,
) -> LrsSettings:
    """Create or change the settings; `secret` None keeps the stored one."""
    row = settings_of(trust_id)
    before = _snapshot(row)
    if row is None:
        if secret is None:
            raise ValueError("a new LRS needs its secret")
        row = LrsSettings(trust_id=trust_id)
        db.session.add(row)
    row.enabled, row.endpoint, row.key, row.actor_format = enabled, endpoint, key, actor_format
    if secret is not None:
        row.secret_sealed = seal(secret, str(current_app.config["SECRET_KEY"]))
    row.updated_at = utcnow()
    after = _snapshot(row)
    if after is not None and secret is not None:
        after["secret"] = "changed"  # noqa: S105 - a note that it changed, not a secret
    record_event(
        "xapi.settings_changed",
        actor=actor,
        school_id=None,
        trust_id=trust_id,
        target=("trust", trust_id),
        summary=f"LRS settings saved ({'sending' if enabled else 'not sending'}) for {endpoint}",
        before=before,
        after=after,
        ip_address=ip_address,
    )
    db.session.commit()
    forget_settings()
    return row


def backlog_of(trust_id: int) -> dict[str, int]:
    """How many of the trust's statements wait, were parked and were sent."""
    return dict(
        db.session.execute(
            select(OutboxStatement.status, func.count())
            .where(OutboxStatement.trust_id == trust_id)
            .group_by(OutboxStatement.status)
        ).all()
    )
