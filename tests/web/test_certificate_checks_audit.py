"""Anonymous certificate checks are audited once an hour each, not once per page load."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.helpers.compliance import add_completion
from training_app.audit.models import AuditEvent
from training_app.compliance import certificates
from training_app.extensions import db
from training_app.models_common import utcnow


def _events(app, action):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()


def test_repeated_anonymous_checks_write_one_row_an_hour(app, world, client, login_as, monkeypatch):
    record = add_completion(app, world.users["staff"], days_ago=3)
    other = add_completion(app, world.users["dsl"], days_ago=3)
    for _ in range(5):
        assert client.get(f"/verify/{record.verification_code}").status_code == 200
    assert client.get(f"/verify/{other.verification_code}").status_code == 200
    for n in range(5):
        assert client.get(f"/verify/no-such-code-{n:04d}").status_code == 404
    verified = _events(app, "certificate.verified")
    assert sorted(e.target_id for e in verified) == sorted([str(record.id), str(other.id)])
    assert len(_events(app, "certificate.verify_failed")) == 1
    # A signed-in person's checks are each recorded, under their name.
    admin = login_as("school_admin")
    for _ in range(2):
        admin.get(f"/verify/{record.verification_code}")
    assert len(_events(app, "certificate.verified")) == 4
    # An hour on, the next anonymous check is recorded again (audit rows are append-only,
    # so the clock moves, not the rows).
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(certificates, "utcnow", lambda: later)
    client.get(f"/verify/{record.verification_code}")
    client.get("/verify/no-such-code-9999")
    assert len(_events(app, "certificate.verified")) == 5
    assert len(_events(app, "certificate.verify_failed")) == 2
