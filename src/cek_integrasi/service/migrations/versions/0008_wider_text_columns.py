"""Text columns as long as what the dossier model accepts: names of 500 characters, findings' subjects,
the audit's user an API token acts as.

PostgreSQL refused a village named with more than 200 characters (SQLite ignores lengths).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# table: (column, before, after, nullable), each table copied once on SQLite
WIDER = {
    'kecamatan': (('nama', sa.String(length=200), sa.String(length=500), False),
                  ('kabupaten', sa.String(length=200), sa.String(length=500), False)),
    'subjects': (('name', sa.String(length=200), sa.String(length=500), False),),
    'findings': (('subject', sa.String(length=200), sa.Text(), False),),
    'waiver_requests': (('document', sa.String(length=200), sa.String(length=500), True),),
    'audit': (('user', sa.String(length=64), sa.String(length=70), False),),  # 'token:' and a token's label of 64
}


def upgrade() -> None:
    for table, columns in WIDER.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, before, after, nullable in columns:
                batch_op.alter_column(column, existing_type=before, type_=after, existing_nullable=nullable)


def downgrade() -> None:
    for table, columns in WIDER.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, before, after, nullable in columns:
                batch_op.alter_column(column, existing_type=after, type_=before, existing_nullable=nullable)
