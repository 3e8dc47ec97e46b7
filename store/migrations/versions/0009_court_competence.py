"""agencies.level and agencies.appeals_to: competent courts as data in the agency tree (issue 12)

A court's level (first_instance, appeal, felony_chamber, supreme) and, for a first-instance court, the court of
appeal that hears its appeals. Existing rows get no level: the agency seed (`./mizan up`, infra.demo) or an
administrator sets them; until then the procedure decides as before for a court it knows no level of.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("level", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("appeals_to", sa.String(length=64), nullable=True))
        batch.create_foreign_key(op.f("fk_agencies_appeals_to_agencies"), "agencies", ["appeals_to"], ["code"])


def downgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.drop_constraint(op.f("fk_agencies_appeals_to_agencies"), type_="foreignkey")
        batch.drop_column("appeals_to")
        batch.drop_column("level")
