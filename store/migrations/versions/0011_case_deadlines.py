"""case_deadlines, and cases.opening_agency, stage_entered_at, closed_at: supervision in SQL

Each case's deadlines (core.supervision.case_deadlines: running escalating clocks, expired ones still flagged,
the idle period) become rows that the stalled list and the dashboard filter and page; the case row learns the
station that opened it, when it entered its stage and when it closed. All of it is filled here for the cases
already on record, from their snapshots, by the same functions the fold uses (store.readmodel).

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opening_agency", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_opening_agency"), ["opening_agency"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_closed_at"), ["closed_at"], unique=False)
    op.create_table(
        "case_deadlines",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on_record", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_deadlines_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", "key", name=op.f("pk_case_deadlines")),
    )
    op.create_index("ix_case_deadlines_due_at_reason", "case_deadlines", ["due_at", "reason"], unique=False)
    _fill(op.get_bind())


def _fill(connection: sa.Connection) -> None:
    """Every case's new columns and deadline rows from its snapshot, a batch of cases at a time."""
    # imported here: the read model's own code, as the fold runs it (a later change to the definition is a
    # later migration's to apply again)
    from core.supervision import case_deadlines, closed_at, stage_entered_at
    from store.codec import state_from_json
    from store.models import Case
    from store.readmodel import project_deadlines

    session = Session(bind=connection)
    last = ""
    while True:
        rows = connection.execute(sa.text("SELECT id, snapshot FROM cases WHERE id > :last ORDER BY id LIMIT :n"),
                                  {"last": last, "n": BATCH}).all()
        if not rows:
            break
        for case_id, snapshot in rows:
            state = state_from_json(json.loads(snapshot) if isinstance(snapshot, str) else snapshot)
            # through the model's columns: instants are stored as the read model stores them (store.types)
            session.execute(sa.update(Case).where(Case.id == case_id).values(
                opening_agency=state.opening_station or None, stage_entered_at=stage_entered_at(state),
                closed_at=closed_at(state)))
            project_deadlines(session, case_id, case_deadlines(state))
        session.flush()
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_case_deadlines_due_at_reason", table_name="case_deadlines")
    op.drop_table("case_deadlines")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_closed_at"))
        batch_op.drop_index(batch_op.f("ix_cases_opening_agency"))
        batch_op.drop_column("closed_at")
        batch_op.drop_column("stage_entered_at")
        batch_op.drop_column("opening_agency")
