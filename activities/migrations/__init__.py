"""Alembic migrations of the read model; `activities.database.ensure_schema` applies them."""
