"""Evidence and review: scans and photos attached to the documents of a dossier, the documents of each
version, the review's steps, document reviews and notes on findings.

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
    op.create_table('version_documents',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id')
    )
    op.create_table('review_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kecamatan', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status_before', sa.String(length=16), nullable=False),
    sa.Column('status_after', sa.String(length=16), nullable=False),
    sa.Column('by', sa.String(length=70), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['subjects.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('code', 'kecamatan'):
        op.create_index(op.f(f'ix_review_steps_{column}'), 'review_steps', [column], unique=False)
    op.create_table('document_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kecamatan', sa.String(length=32), nullable=False),
    sa.Column('document', sa.String(length=508), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence_seen', sa.Integer(), nullable=False),
    sa.Column('by', sa.String(length=70), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['subjects.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'document', 'fingerprint')
    )
    for column in ('code', 'kecamatan'):
        op.create_index(op.f(f'ix_document_reviews_{column}'), 'document_reviews', [column], unique=False)
    op.create_table('finding_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kecamatan', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=70), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['subjects.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('code', 'kecamatan'):
        op.create_index(op.f(f'ix_finding_notes_{column}'), 'finding_notes', [column], unique=False)


def downgrade() -> None:
    for table in ('finding_notes', 'document_reviews', 'review_steps', 'version_documents'):
        op.drop_table(table)
    op.drop_index(op.f('ix_evidence_kecamatan'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_code'), table_name='evidence')
    op.drop_table('evidence')
