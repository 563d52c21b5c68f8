"""Evidence: scans and photos attached to the documents of a dossier.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kecamatan', sa.String(length=32), nullable=False),
    sa.Column('document', sa.String(length=508), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_sha256', sa.String(length=64), nullable=True),
    sa.Column('media_type', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=70), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('removed_by', sa.String(length=70), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], ),
    sa.ForeignKeyConstraint(['thumbnail_sha256'], ['blobs.sha256'], ),
    sa.ForeignKeyConstraint(['code'], ['subjects.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_evidence_code'), 'evidence', ['code'], unique=False)
    op.create_index(op.f('ix_evidence_kecamatan'), 'evidence', ['kecamatan'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_evidence_kecamatan'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_code'), table_name='evidence')
    op.drop_table('evidence')
