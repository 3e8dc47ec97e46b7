"""national IDs as ASCII digits everywhere; the identities that unnormalised IDs split are merged

Before, a national ID was stored as it was sent: "١١٩٨٥٠٠١٢٣٤٥" (Arabic-Indic digits) and "119850012345"
were two people, each with their own cases and criminal record. This rewrites every stored ID in ASCII
digits (parties, people, criminal records, certificate requests, and the parties in each case's snapshot)
and merges each set of people that are now one ID into the earliest of them, its parties and records
pointing to it. The search index is rebuilt from the read model at the next worker start (the index
definition's version moved with this migration).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _normalized(national_id: str) -> str:
    """As core.text.normalize_national_id does it on the way in, frozen here as it was on this day."""
    text = unicodedata.normalize("NFKC", national_id)
    return "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
                   for c in text).strip()


def _merge_people(connection: sa.Connection) -> None:
    people = connection.execute(sa.text("SELECT id, national_id FROM people ORDER BY id")).all()
    by_id: dict[str, list[int]] = defaultdict(list)
    for person_id, national_id in people:
        by_id[_normalized(national_id)].append(person_id)
    for national_id, ids in by_id.items():
        kept, merged = ids[0], ids[1:]
        for table in ("parties", "criminal_records"):
            for person_id in merged:
                connection.execute(sa.text(f"UPDATE {table} SET person_id = :kept WHERE person_id = :merged"),
                                   {"kept": kept, "merged": person_id})
        for person_id in merged:
            connection.execute(sa.text("DELETE FROM people WHERE id = :id"), {"id": person_id})
        connection.execute(sa.text("UPDATE people SET national_id = :national_id WHERE id = :id"),
                           {"national_id": national_id, "id": kept})


def _normalize_column(connection: sa.Connection, table: str, key: str) -> None:
    rows = connection.execute(sa.text(f"SELECT {key}, national_id FROM {table} WHERE national_id IS NOT NULL")).all()
    for row_key, national_id in rows:
        if _normalized(national_id) != national_id:
            connection.execute(sa.text(f"UPDATE {table} SET national_id = :national_id WHERE {key} = :key"),
                               {"national_id": _normalized(national_id), "key": row_key})


def _normalize_snapshots(connection: sa.Connection) -> None:
    for case_id, snapshot in connection.execute(sa.text("SELECT id, snapshot FROM cases")).all():
        state = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
        changed = False
        for party in state.get("parties", []):
            if party.get("national_id") and _normalized(party["national_id"]) != party["national_id"]:
                party["national_id"], changed = _normalized(party["national_id"]), True
        if changed:
            update = sa.text("UPDATE cases SET snapshot = :snapshot WHERE id = :id").bindparams(
                sa.bindparam("snapshot", type_=sa.JSON))
            connection.execute(update, {"snapshot": state, "id": case_id})


def upgrade() -> None:
    connection = op.get_bind()
    _merge_people(connection)
    parties = connection.execute(sa.text(
        "SELECT case_id, party_id, national_id FROM parties WHERE national_id IS NOT NULL")).all()
    for case_id, party_id, national_id in parties:
        if _normalized(national_id) != national_id:
            connection.execute(sa.text("UPDATE parties SET national_id = :national_id "
                                       "WHERE case_id = :case_id AND party_id = :party_id"),
                               {"national_id": _normalized(national_id), "case_id": case_id, "party_id": party_id})
    _normalize_column(connection, "criminal_records", "id")
    _normalize_column(connection, "certificates", "id")
    _normalize_snapshots(connection)


def downgrade() -> None:
    """Nothing to undo: the normalised IDs are the ones that were meant."""
