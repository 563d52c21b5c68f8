"""Screening rounds: a roster (or the store's villages) screened on a date.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('screening_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('roster_sha256', sa.String(length=64), nullable=True),
    sa.Column('report_id', sa.Text(), nullable=False),
    sa.Column('report_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['roster_sha256'], ['blobs.sha256'], ),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('screening_rounds')
