"""school certificate logos: one checked, re-encoded PNG per school

A school admin may upload the logo printed on the school's certificates. The file is checked
(a real PNG or JPEG, size-limited) and stored re-encoded as PNG, one row per school.

Revision ID: c3e1f0a2b7d4
Revises: 5a0e3c7d9b21
Create Date: 2026-12-05 07:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e1f0a2b7d4'
down_revision = '5a0e3c7d9b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'school_logos',
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('png', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('school_id')
    )


def downgrade():
    op.drop_table('school_logos')
