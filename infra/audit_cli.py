"""`mizan audit verify | anchor`: the audit chain in the configured database, against its key and the
checkpoints kept outside the database."""

from __future__ import annotations

import argparse

from sqlalchemy import func, select

from config.settings import get_settings
from store.audit import AuditRecord, audit_key, verify_chain
from store.audit_anchors import read_checkpoints, verify_anchors, write_checkpoint
from store.database import session_scope


def verify() -> int:
    settings, key = get_settings(), audit_key()
    with session_scope() as session:
        count = session.scalar(select(func.count()).select_from(AuditRecord)) or 0
        problems = verify_chain(session, key) + verify_anchors(session, settings.audit_anchor_path, key)
    checkpoints = read_checkpoints(settings.audit_anchor_path)
    anchored = f"; last checkpoint {checkpoints[-1].at.isoformat()} at record {checkpoints[-1].record_id}" \
        if checkpoints else "; no checkpoint yet"
    if not problems:
        print(f"{count} records, chain intact{anchored}")
        return 0
    for problem in problems:
        print(f"record {problem.record_id}: {problem.problem}")
    print(f"{count} records, {len(problems)} problem{'s' if len(problems) != 1 else ''}: the audit log was changed")
    return 1


def anchor() -> int:
    settings = get_settings()
    with session_scope() as session:
        checkpoint = write_checkpoint(session, settings.audit_anchor_path, audit_key())
    print(f"checkpoint at record {checkpoint.record_id}" if checkpoint else "the head is already anchored")
    return 0


def main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mizan audit", description="The tamper-evident audit log.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("verify", help="recompute every record's hash and link, check the checkpoints; exit 1 on "
                                       "any break")
    commands.add_parser("anchor", help="checkpoint the chain's head outside the database now")
    parsed = parser.parse_args(args)
    return verify() if parsed.command == "verify" else anchor()
