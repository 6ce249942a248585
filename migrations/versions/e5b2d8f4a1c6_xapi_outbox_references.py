"""xapi: outbox rows refer to their record (record, record_id, part); the statement is built when sent

New rows leave `statement` empty: `flask xapi send` builds it from the record the row refers
to, so the learner's transaction writes a small row. Rows written before keep their
statement and are sent as they are.

Revision ID: e5b2d8f4a1c6
Revises: a7c3e91d2b54
Create Date: 2026-12-05 11:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b2d8f4a1c6'
down_revision = 'a7c3e91d2b54'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('record_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('part', sa.String(length=32), nullable=True))
        batch_op.alter_column('statement', existing_type=sa.JSON(), nullable=True)


def downgrade():
    # The old shape needs the statement itself: rows that hold only a reference go.
    op.execute("DELETE FROM xapi_outbox WHERE statement IS NULL")
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.alter_column('statement', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('part')
        batch_op.drop_column('record_id')
        batch_op.drop_column('record')
