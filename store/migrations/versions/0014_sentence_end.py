"""the criminal record keeps when and how a sentence ended (served, remitted, prescribed): the lapse runs from it

Revision ID: 0014
Revises: 0012 (the lead re-chains on merge)
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("criminal_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sentence_ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sentence_end_ground", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("criminal_records", schema=None) as batch_op:
        batch_op.drop_column("sentence_end_ground")
        batch_op.drop_column("sentence_ended_at")
