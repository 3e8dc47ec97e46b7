"""case number reservations: the number each case got, by its id, so that a retried opening or severance finds
its number instead of drawing another (a register's numbers stay consecutive)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_number_reservations",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_number_reservations")),
        sa.UniqueConstraint("number", name=op.f("uq_case_number_reservations_number")),
    )


def downgrade() -> None:
    op.drop_table("case_number_reservations")
