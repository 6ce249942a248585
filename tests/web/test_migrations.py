"""Migrations build the schema from empty on both databases and match the models, and a
database at any earlier revision, with rows in every table, upgrades to head intact."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from tests.conftest import make_app
from training_app.config import PROJECT_ROOT
from training_app.extensions import db


def test_upgrade_from_empty_matches_models_and_downgrades(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        assert differences == [], "models and migrations disagree: run flask db migrate"
        assert {"users", "schools", "trusts", "audit_events", "auth_sessions"} <= tables
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _insert(conn: sa.Connection, table: str, **values: object) -> int:
    """Insert one row with plain SQL (the models describe the newest schema, not this one)."""
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    row = conn.execute(
        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id"), values
    ).scalar_one()
    return int(row)


def test_upgrade_keeps_completions_made_before_certificates(empty_database):
    """A school that upgrades keeps every completion, and each gains its own certificate code."""
    app = make_app(empty_database)
    now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="baec3500d01d")
        with db.engine.begin() as conn:
            trust = _insert(conn, "trusts", name="Trust", created_at=now)
            school = _insert(conn, "schools", trust_id=trust, name="School", created_at=now)
            user = _insert(
                conn,
                "users",
                school_id=school,
                email="a@example.org",
                name="A",
                role="staff",
                staff_group="teaching",
                active=True,
                created_at=now,
            )
            for module in ("first-responder", "law-and-outcome-21"):
                _insert(
                    conn,
                    "completions",
                    user_id=user,
                    school_id=school,
                    module_id=module,
                    content_version="v1",
                    completed_at=now,
                    source="quiz",
                    created_at=now,
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT module_id, source, verification_code FROM completions")
            ).all()
        db.engine.dispose()
    assert sorted(row.module_id for row in rows) == ["first-responder", "law-and-outcome-21"]
    codes = {row.verification_code for row in rows}
    assert None not in codes and len(codes) == 2
    assert all(len(code) >= 22 for code in codes)


# --- Every earlier revision, with data in every table, upgrades to head intact. ---

MIGRATIONS = PROJECT_ROOT / "migrations"
ROWS_PER_TABLE = 3
BASE_TIME = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def earlier_revisions() -> list[str]:
    """Every revision but the head, oldest first (a new migration joins automatically)."""
    script = ScriptDirectory(str(MIGRATIONS))
    heads = script.get_heads()
    assert len(heads) == 1, f"the migrations have {len(heads)} heads: merge them"
    newest_first = [rev.revision for rev in script.walk_revisions(base="base", head=heads[0])]
    return list(reversed(newest_first))[:-1]


# Values for columns whose meaning a migration might rely on; every other column gets a
# value made from its reflected type. Keyed by (table, column); called with the row index.
OVERRIDES: dict[tuple[str, str], Callable[[int], object]] = {
    ("users", "email"): lambda i: f"person{i}@school.example",
    ("users", "role"): lambda i: ("staff", "dsl", "school_admin")[i % 3],
    ("users", "staff_group"): lambda i: ("teaching", "support", "leadership")[i % 3],
    ("attempts", "status"): lambda i: ("in_progress", "passed", "failed")[i % 3],
    ("completions", "source"): lambda i: ("quiz", "external", "quiz")[i % 3],
    ("school_protocols", "settings"): lambda i: {"device_power": "power_off"} if i else {},
    # A provider belongs to a school or to a trust, never both (ck_sso_providers_one_owner).
    ("sso_providers", "trust_id"): lambda i: None,
}
# Nullable columns that a check constraint needs filled even in the NULLs row.
FILLED_IN_EVERY_ROW: set[tuple[str, str]] = {("sso_providers", "school_id")}


Inserted = dict[str, list[sa.RowMapping]]


def _value(table: sa.Table, column: sa.Column, i: int, inserted: Inserted) -> object:
    """A value of the column's type for row i: unique in its column, foreign keys real."""
    if (table.name, column.name) in OVERRIDES:
        return OVERRIDES[table.name, column.name](i)
    for fk in column.foreign_keys:
        referred = inserted[fk.column.table.name]
        if fk.column.table.name == table.name:
            # Self-referencing (a void or a revocation): point at the row before this one.
            return referred[i - 1][fk.column.name] if i else None
        return referred[i % len(referred)][fk.column.name]
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return i % 2 == 1
    if isinstance(kind, sa.Integer):
        return i + 1
    if isinstance(kind, sa.Float | sa.Numeric):
        return i + 0.5
    if isinstance(kind, sa.DateTime):
        return BASE_TIME + timedelta(days=i, hours=i)
    if isinstance(kind, sa.Date):
        return date(2026, 9, 1) + timedelta(days=i)
    if isinstance(kind, sa.LargeBinary):
        return bytes([i]) + b"\x89PNG"
    if isinstance(kind, sa.JSON):
        return {"row": i, "items": [i, f"é{i}"]}
    if isinstance(kind, sa.String | sa.Text):
        # The row number first, so a short column still gets a unique value.
        text = f"{i}-{column.name}-Zoë"
        return text[: kind.length] if kind.length else text
    raise AssertionError(f"no filler for {table.name}.{column.name} of type {kind!r}: add one")


def _fill(conn: sa.Connection, tables: list[sa.Table]) -> None:
    """Insert ROWS_PER_TABLE rows in every table, parents first.

    Row 0 fills only the NOT NULL columns (NULLs must survive too); the others fill all.
    """
    inserted: Inserted = {}
    for table in tables:
        keys = list(table.primary_key.columns)
        generated = (
            keys[0]
            if len(keys) == 1 and isinstance(keys[0].type, sa.Integer) and not keys[0].foreign_keys
            else None
        )
        inserted[table.name] = []
        for i in range(ROWS_PER_TABLE):
            values = {
                c.name: _value(table, c, i, inserted)
                for c in table.columns
                if c is not generated
                and (
                    i
                    or not c.nullable
                    or c.primary_key
                    or (table.name, c.name) in FILLED_IN_EVERY_ROW
                )
            }
            row = conn.execute(table.insert().values(values).returning(*table.columns)).one()
            inserted[table.name].append(row._mapping)


def _normalise(value: object) -> object:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, float):
        return round(value, 6)
    return value


def _snapshot(conn: sa.Connection, tables: list[sa.Table]) -> dict[str, list[tuple]]:
    """Every row of each table, original columns only, in primary key order."""
    found = {}
    for table in tables:
        current = sa.Table(table.name, sa.MetaData(), autoload_with=conn)
        # Read through the new schema, but only the columns the old one had.
        columns = [current.c[c.name] for c in table.columns]
        order = [current.c[c.name] for c in table.primary_key.columns]
        rows = conn.execute(sa.select(*columns).order_by(*order)).all()
        found[table.name] = [tuple(_normalise(v) for v in row) for row in rows]
    return found


def _checksum(rows: list[tuple]) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.parametrize("revision", earlier_revisions())
def test_upgrade_from_every_revision_keeps_every_row(empty_database, revision):
    """Data at any earlier revision survives the upgrade to head: no row lost, none changed."""
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision=revision)
        with db.engine.begin() as conn:
            metadata = sa.MetaData()
            metadata.reflect(conn)
            tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
            assert tables, f"no tables at {revision}"
            _fill(conn, tables)
        with db.engine.connect() as conn:
            before = _snapshot(conn, tables)
        upgrade()
        with db.engine.connect() as conn:
            after = _snapshot(conn, tables)
            head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        db.engine.dispose()
    assert head == ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert {name: len(rows) for name, rows in after.items()} == {
        table.name: ROWS_PER_TABLE for table in tables
    }
    changed = [name for name in before if _checksum(before[name]) != _checksum(after[name])]
    assert changed == [], {name: (before[name], after[name]) for name in changed}
