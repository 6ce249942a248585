"""xapi: each trust's LRS settings and the outbox of statements

New tables only: nothing is sent until a trust admin saves an LRS and turns it on.

Revision ID: a7c3e91d2b54
Revises: c3e1f0a2b7d4
Create Date: 2026-12-05 07:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91d2b54'
down_revision = 'c3e1f0a2b7d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_lrs_settings',
    sa.Column('trust_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('endpoint', sa.String(length=300), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('secret_sealed', sa.String(length=400), nullable=False),
    sa.Column('actor_format', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['trust_id'], ['trusts.id'], name=op.f('fk_xapi_lrs_settings_trust_id_trusts')),
    sa.PrimaryKeyConstraint('trust_id', name=op.f('pk_xapi_lrs_settings'))
    )
    op.create_table('xapi_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('trust_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('verb', sa.String(length=20), nullable=False),
    sa.Column('statement', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['trust_id'], ['trusts.id'], name=op.f('fk_xapi_outbox_trust_id_trusts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_xapi_outbox_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_outbox')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_outbox_statement_id'))
    )
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_outbox_due', ['status', 'trust_id', 'next_try_at'], unique=False)


def downgrade():
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_outbox_due')

    op.drop_table('xapi_outbox')
    op.drop_table('xapi_lrs_settings')
