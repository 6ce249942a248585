"""append-only records: triggers refuse UPDATE and DELETE on completions and audit events

Completions (voids included) and audit events were append-only by the code's promise only.
Triggers now make the database refuse an UPDATE, DELETE or TRUNCATE on them from any
code; `flask retention purge` alone deletes old rows, holding a permit (a row in the new
retention_purge_permits table) for the length of its own transaction.

The SQL is a frozen copy of training_app/ops/retention.py's at this revision. On SQLite,
Alembic's batch mode rebuilds a table by copying it, which drops its triggers: a later
migration that alters either table must create them again.

Revision ID: 19b37313437b
Revises: 1352dd4b30a2
Create Date: 2026-12-05 07:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '19b37313437b'
down_revision = '1352dd4b30a2'
branch_labels = None
depends_on = None

TABLES = ("completions", "audit_events")

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


def _postgresql(table):
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()",
    ]


def _sqlite(table):
    refused = "refused, the table is append-only"
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'UPDATE on {table} {refused}'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "WHEN NOT EXISTS (SELECT 1 FROM retention_purge_permits) "
        f"BEGIN SELECT RAISE(ABORT, 'DELETE on {table} {refused}'); END",
    ]


def _run(statement):
    # exec_driver_sql: no bind-parameter parsing of the trigger bodies.
    op.get_bind().exec_driver_sql(statement)


def upgrade():
    op.create_table('retention_purge_permits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_purge_permits'))
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(POSTGRESQL_FUNCTION)
        for table in TABLES:
            for statement in _postgresql(table):
                _run(statement)
    elif dialect == "sqlite":
        for table in TABLES:
            for statement in _sqlite(table):
                _run(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in TABLES:
            _run(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            _run(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        _run("DROP FUNCTION IF EXISTS refuse_append_only_change()")
    elif dialect == "sqlite":
        for table in TABLES:
            _run(f"DROP TRIGGER IF EXISTS {table}_no_update")
            _run(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_table('retention_purge_permits')
