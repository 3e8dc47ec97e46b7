"""person registry: a person record keyed by national ID, or by passport number and nationality; parties carry
their passport, nationality and date of birth; merges, links and splits decided by people

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.alter_column("national_id", existing_type=sa.String(length=12), nullable=True)
        batch_op.add_column(sa.Column("passport_number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("nationality", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("merged_into", _ID, nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_people_merged_into_people"), "people", ["merged_into"], ["id"])
        batch_op.create_index(batch_op.f("ix_people_merged_into"), ["merged_into"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_people_passport_number_nationality"),
                                          ["passport_number", "nationality"])
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("passport_number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("nationality", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("birth_date", sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f("ix_parties_passport_number"), ["passport_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_parties_person_id"), ["person_id"], unique=False)
    op.create_table(
        "person_decisions",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("other_person_id", _ID, nullable=True),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=False),
        sa.Column("decided_role", sa.String(length=32), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_person_decisions_person_id_people")),
        sa.ForeignKeyConstraint(["other_person_id"], ["people.id"],
                                name=op.f("fk_person_decisions_other_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_decisions")),
    )
    with op.batch_alter_table("person_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_decisions_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_decisions_other_person_id"), ["other_person_id"], unique=False)
    op.create_table(
        "person_links",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=16), nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("decision_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_person_links_case_id_cases")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_person_links_person_id_people")),
        sa.ForeignKeyConstraint(["decision_id"], ["person_decisions.id"],
                                name=op.f("fk_person_links_decision_id_person_decisions")),
        sa.PrimaryKeyConstraint("case_id", "party_id", name=op.f("pk_person_links")),
    )
    with op.batch_alter_table("person_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_links_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_table("person_links")
    op.drop_table("person_decisions")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parties_person_id"))
        batch_op.drop_index(batch_op.f("ix_parties_passport_number"))
        batch_op.drop_column("birth_date")
        batch_op.drop_column("nationality")
        batch_op.drop_column("passport_number")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_people_passport_number_nationality"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_people_merged_into"))
        batch_op.drop_constraint(batch_op.f("fk_people_merged_into_people"), type_="foreignkey")
        batch_op.drop_column("created_at")
        batch_op.drop_column("merged_into")
        batch_op.drop_column("nationality")
        batch_op.drop_column("passport_number")
        batch_op.alter_column("national_id", existing_type=sa.String(length=12), nullable=False)
