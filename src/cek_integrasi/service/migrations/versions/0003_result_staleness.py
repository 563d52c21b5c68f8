"""Each result keeps the pack digest and waivers it was checked with; re-checks record what changed.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pack_digest', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('waivers_digest', sa.String(length=64), nullable=False, server_default=''))
    op.create_table('result_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kecamatan', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('as_of_before', sa.Date(), nullable=False),
    sa.Column('as_of_after', sa.Date(), nullable=False),
    sa.Column('pack_before', sa.String(length=100), nullable=False),
    sa.Column('pack_after', sa.String(length=100), nullable=False),
    sa.Column('verdict_before', sa.String(length=32), nullable=True),
    sa.Column('verdict_after', sa.String(length=32), nullable=True),
    sa.Column('errors_before', sa.Integer(), nullable=False),
    sa.Column('errors_after', sa.Integer(), nullable=False),
    sa.Column('warnings_before', sa.Integer(), nullable=False),
    sa.Column('warnings_after', sa.Integer(), nullable=False),
    sa.Column('appeared', sa.JSON(), nullable=False),
    sa.Column('gone', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('result_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_changes_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_changes_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_changes_kecamatan'), ['kecamatan'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_changes_at'), ['at'], unique=False)


def downgrade() -> None:
    op.drop_table('result_changes')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('waivers_digest')
        batch_op.drop_column('pack_digest')
