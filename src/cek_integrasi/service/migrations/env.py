"""Alembic environment: run by store.migrate on the connection it passes, or by the alembic command."""

from alembic import context

from cek_integrasi.service.store import Base

connection = context.config.attributes.get("connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
