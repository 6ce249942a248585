"""Append-only records, enforced by the database, and the one path that may purge them.

Completions (a void is a completion row too) and audit events are evidence: the app only
ever inserts them. Triggers make the database refuse any UPDATE, and any DELETE or
TRUNCATE, on those tables, whichever code sends it. The one exception is `purge`, run by
`flask retention purge`: in its own transaction it holds a permit (a row in
retention_purge_permits, visible to no other transaction and deleted before it commits),
deletes what is older than the cutoff, and writes an audit event saying what went.

The same SQL is in the migration that installs the triggers (migrations are frozen); the
DDL here installs them wherever `db.create_all()` builds the schema (the test suite).
Alembic's SQLite batch mode rebuilds a table by copying it, which drops its triggers: a
migration that alters these tables on SQLite must create them again (docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import DDL, Column, DateTime, Integer, Table, delete, event, func, insert, select
from sqlalchemy.engine import Connection

from training_app.audit.models import AuditEvent
from training_app.audit.services import record_event
from training_app.extensions import db
from training_app.learning.models import Completion

APPEND_ONLY_TABLES = ("completions", "audit_events")

permits = Table(
    "retention_purge_permits",
    db.metadata,
    Column("id", Integer, primary_key=True),
    Column("granted_at", DateTime(timezone=True), nullable=False),
)

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND EXISTS (SELECT 1 FROM retention_purge_permits) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME || ' refused, the table is append-only',
        HINT = 'Records are corrected by new rows; old ones go only by flask retention purge.';
END;
$$
"""


def postgresql_triggers(table: str) -> list[str]:
    """The statements that make one PostgreSQL table append-only."""
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()",
    ]


def sqlite_triggers(table: str) -> list[str]:
    """The statements that make one SQLite table append-only."""
    refused = "refused, the table is append-only"
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'UPDATE on {table} {refused}'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "  # noqa: S608 - fixed names
        "WHEN NOT EXISTS (SELECT 1 FROM retention_purge_permits) "
        f"BEGIN SELECT RAISE(ABORT, 'DELETE on {table} {refused}'); END",
    ]


def _install_on_create(table: Table) -> None:
    for statement in sqlite_triggers(table.name):
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    statements = [POSTGRESQL_FUNCTION, *postgresql_triggers(table.name)]
    for statement in statements:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


for _model in (Completion, AuditEvent):
    _install_on_create(_model.__table__)


@contextmanager
def purge_permit(conn: Connection) -> Iterator[None]:
    """Let this transaction delete append-only rows; the permit goes before it commits."""
    permit_id = conn.execute(
        insert(permits).values(granted_at=datetime.now(UTC)).returning(permits.c.id)
    ).scalar_one()
    try:
        yield
    finally:
        conn.execute(delete(permits).where(permits.c.id == permit_id))


@dataclass(frozen=True)
class PurgeResult:
    """What one purge deleted."""

    before: date
    completions: int
    audit_events: int


class PurgeRefused(ValueError):
    """A purge that would delete records younger than the safety margin."""


# A typing slip (this year for last year) must not wipe live evidence: the cutoff must be
# at least this far back. The school's own retention policy decides how much further.
MINIMUM_AGE = timedelta(days=365)


def purge(before: date, reason: str, *, today: date | None = None) -> PurgeResult:
    """Delete completions and audit events from before `before` (UTC), and audit that.

    A completion goes with any void that cancels it, whenever the void was made; a void
    is never purged on its own date while the record it cancels stays.
    """
    today = today or datetime.now(UTC).date()
    if before > today - MINIMUM_AGE:
        raise PurgeRefused(
            f"the cutoff must be at least {MINIMUM_AGE.days} days ago "
            f"(on or before {today - MINIMUM_AGE})"
        )
    if not reason.strip():
        raise PurgeRefused("say why (the school's retention policy): it goes in the audit log")
    cutoff = datetime.combine(before, time.min, tzinfo=UTC)
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        # A large purge may outlast the statement limit meant for page requests.
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
    old_records = select(Completion.id).where(
        Completion.voids_id.is_(None), Completion.completed_at < cutoff
    )
    with purge_permit(conn):
        voids = conn.execute(delete(Completion).where(Completion.voids_id.in_(old_records)))
        records = conn.execute(delete(Completion).where(Completion.id.in_(old_records)))
        events = conn.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
    result = PurgeResult(before, voids.rowcount + records.rowcount, events.rowcount)
    record_event(
        "retention.purged",
        actor=None,
        school_id=None,
        summary=f"Records from before {before.isoformat()} deleted: {reason.strip()}"[:300],
        after=_counts(result),
    )
    db.session.commit()
    return result


def _counts(result: PurgeResult) -> dict[str, Any]:
    return {
        "before": result.before.isoformat(),
        "completions": result.completions,
        "audit_events": result.audit_events,
    }


def permits_held() -> int:
    """How many permits exist (always 0 outside a purge's own transaction)."""
    return int(db.session.execute(select(func.count()).select_from(permits)).scalar_one())
