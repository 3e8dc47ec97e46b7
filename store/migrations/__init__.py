"""Alembic migrations of the read model; `store.database.ensure_schema` applies them."""
