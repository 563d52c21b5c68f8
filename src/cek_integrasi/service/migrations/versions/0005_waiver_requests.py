"""Waivers requested by facilitators and decided by an admin.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('waiver_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kecamatan', sa.String(length=32), nullable=False),
    sa.Column('document', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('expires', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('waiver_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiver_requests_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiver_requests_kecamatan'), ['kecamatan'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiver_requests_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('waiver_requests')
