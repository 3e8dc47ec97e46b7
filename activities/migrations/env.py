"""Alembic environment: the engine's connection is handed in by activities.database.migrate."""

from __future__ import annotations

from alembic import context

from activities.database import all_metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=all_metadata(), render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
