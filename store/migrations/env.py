"""Alembic environment: the engine's connection is handed in by store.database.ensure_schema."""

from __future__ import annotations

from alembic import context

from store.database import all_metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=all_metadata(), render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
