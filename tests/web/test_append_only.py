"""Completions, voids and audit events are append-only in the database itself, on SQLite and
PostgreSQL, built by the migrations or by the models; `flask retention purge` is the one path
that deletes old ones, and it is audited (issue 19, item 8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from tests.conftest import make_app
from tests.helpers.compliance import add_completion
from training_app.audit.models import AuditEvent
from training_app.audit.services import record_event
from training_app.compliance.services import void_record
from training_app.extensions import db
from training_app.learning.models import Completion
from training_app.ops import retention

REFUSED = "append-only"


def add_event(app, days_ago: int, action: str = "test.event") -> int:
    """An audit event made `days_ago` days ago."""
    with app.app_context():
        event = record_event(action, actor=None, school_id=None)
        event.created_at = datetime.now(UTC) - timedelta(days=days_ago)
        db.session.commit()
        return int(event.id)


def refused(app, statement) -> str:
    """Run one statement in its own transaction; return the database's refusal."""
    with app.app_context():
        with pytest.raises(DBAPIError) as caught:
            db.session.execute(statement)
            db.session.commit()
        db.session.rollback()
    return str(caught.value)


def test_completions_voids_and_audit_events_cannot_be_updated_or_deleted(app, world):
    staff = world.users["staff"]
    record = add_completion(app, staff)
    with app.app_context():
        void = void_record(
            db.session.get(Completion, record.id),
            reason="Recorded against the wrong person",
            ip_address=None,
            actor=db.session.get(type(staff), world.users["school_admin"].id),
        )
        db.session.commit()
        void_id = void.id
    event_id = add_event(app, days_ago=0)

    for statement in (
        update(Completion).where(Completion.id == record.id).values(score=100),
        update(Completion).where(Completion.id == void_id).values(reason="edited"),
        delete(Completion).where(Completion.id == void_id),
        delete(Completion),
        update(AuditEvent).where(AuditEvent.id == event_id).values(summary="edited"),
        delete(AuditEvent),
    ):
        assert REFUSED in refused(app, statement), statement
    # Through the ORM too: changing a loaded record fails at the flush.
    with app.app_context():
        db.session.get(Completion, record.id).score = 1
        with pytest.raises(DBAPIError, match=REFUSED):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(Completion, record.id).score == 90
        assert db.session.scalar(select(sa.func.count()).select_from(Completion)) == 2


def test_truncate_is_refused_on_postgresql(app, backend, world):
    if backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    add_completion(app, world.users["staff"])
    for table in ("completions", "audit_events"):
        assert REFUSED in refused(app, sa.text(f"TRUNCATE {table} CASCADE"))


def test_the_purge_deletes_old_records_with_their_voids_and_is_audited(app, world):
    staff, admin = world.users["staff"], world.users["school_admin"]
    old = add_completion(app, staff, days_ago=800)
    old_kept_void = add_completion(app, staff, "refresher", days_ago=700)
    recent = add_completion(app, staff, "refresher", days_ago=30)
    with app.app_context():
        actor = db.session.get(type(admin), admin.id)
        # Voided last week: the void goes with the old record it cancels.
        void_record(
            db.session.get(Completion, old.id), reason="Wrong person", actor=actor, ip_address=None
        )
        db.session.commit()
    old_event, new_event = add_event(app, days_ago=800), add_event(app, days_ago=1)
    before = date.today() - timedelta(days=730)

    with app.app_context():
        result = retention.purge(before, "Retention policy: 2 years")
        assert (result.completions, result.audit_events) == (2, 1)
        left = set(db.session.scalars(select(Completion.id)))
        assert left == {old_kept_void.id, recent.id}
        events = set(db.session.scalars(select(AuditEvent.id)))
        assert old_event not in events and new_event in events
        purged = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.purged")
        ).one()
        assert purged.after == {"before": before.isoformat(), "completions": 2, "audit_events": 1}
        assert "Retention policy: 2 years" in purged.summary
        assert retention.permits_held() == 0  # nothing left open for anyone else
    # And the tables are as closed as before.
    assert REFUSED in refused(app, delete(Completion).where(Completion.id == recent.id))


def test_the_purge_command_refuses_a_recent_cutoff_and_runs_with_a_reason(app, runner, world):
    add_completion(app, world.users["staff"], days_ago=800)
    recent = (date.today() - timedelta(days=30)).isoformat()
    result = runner.invoke(
        args=["retention", "purge", "--before", recent, "--reason", "x", "--yes"]
    )
    assert result.exit_code != 0 and "at least 365 days ago" in result.output
    cutoff = (date.today() - timedelta(days=400)).isoformat()
    result = runner.invoke(
        args=["retention", "purge", "--before", cutoff, "--reason", "Policy", "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert "Deleted 1 training records" in result.output
    with app.app_context():
        assert db.session.scalar(select(sa.func.count()).select_from(Completion)) == 0


def test_the_migrations_install_the_same_guard_on_both_databases(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        now = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
        with db.engine.begin() as conn:
            conn.execute(sa.insert(AuditEvent).values(action="test.event", created_at=now))
        with pytest.raises(DBAPIError, match=REFUSED), db.engine.begin() as conn:
            conn.execute(update(AuditEvent).values(summary="edited"))
        with pytest.raises(DBAPIError, match=REFUSED), db.engine.begin() as conn:
            conn.execute(delete(AuditEvent))
        result = retention.purge(date(2021, 1, 1), "Test of the migrated guard")
        assert result.audit_events == 1
        assert db.session.scalars(select(AuditEvent.action)).all() == ["retention.purged"]
        db.session.remove()
        db.engine.dispose()
