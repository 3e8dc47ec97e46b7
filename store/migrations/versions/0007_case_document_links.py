"""case_document_links: the documents each case may name (uploaded to it, or copied to it on purpose)

Every document a case's events already name becomes that case's, as attached before links existed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: the actions whose fields named documents on this day (core.procedure: FieldKind.document)
DOCUMENT_FIELDS = {"attach_document": "document", "add_evidence": "document"}


def upgrade() -> None:
    op.create_table(
        "case_document_links",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("linked_by", sa.String(length=128), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_case_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_document_links_case_id_cases")),
        sa.ForeignKeyConstraint(["sha256"], ["documents.sha256"],
                                name=op.f("fk_case_document_links_sha256_documents")),
        sa.PrimaryKeyConstraint("case_id", "sha256", name=op.f("pk_case_document_links")),
    )
    connection = op.get_bind()
    known = {row[0] for row in connection.execute(sa.text("SELECT sha256 FROM documents"))}
    events = connection.execute(sa.text("SELECT case_id, name, fields, actor_username FROM case_events "
                                        "WHERE name IN ('attach_document', 'add_evidence')")).all()
    linked: set[tuple[str, str]] = set()
    now = datetime.now(UTC)
    for case_id, name, fields, username in events:
        values = json.loads(fields) if isinstance(fields, str) else fields
        reference = values.get(DOCUMENT_FIELDS[name]) or ""
        digest = reference.removeprefix("sha256:").lower()
        if digest in known and (case_id, digest) not in linked:
            linked.add((case_id, digest))
            connection.execute(sa.text(
                "INSERT INTO case_document_links (case_id, sha256, how, linked_by, linked_at) "
                "VALUES (:case_id, :sha256, 'attached', :by, :at)"),
                {"case_id": case_id, "sha256": digest, "by": username or "", "at": now})


def downgrade() -> None:
    op.drop_table("case_document_links")
