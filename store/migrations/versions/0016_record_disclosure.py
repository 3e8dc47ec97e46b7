"""the criminal record's disclosure rules and the certificate's four eyes: an entry's juvenile flag, entries
removed with their ground (a quashed judgment, an amnesty), the holder's identity from the records, findings
left off with their grounds and the second officer's approval

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("criminal_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("juvenile", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_place", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("mother_name", sa.String(length=300), nullable=True))
    op.create_table(
        "record_removals",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("record_id", _ID, nullable=False),
        sa.Column("ground", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["criminal_records.id"],
                                name=op.f("fk_record_removals_record_id_criminal_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_removals")),
        sa.UniqueConstraint("record_id", name=op.f("uq_record_removals_record_id")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("omissions", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("approved_by", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("omissions")
        batch_op.drop_column("holder")
    op.drop_table("record_removals")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_column("mother_name")
        batch_op.drop_column("birth_place")
    with op.batch_alter_table("criminal_records", schema=None) as batch_op:
        batch_op.drop_column("juvenile")
