"""`mizan audit verify`: recompute the audit chain in the configured database and report each break."""

from __future__ import annotations

import argparse

from sqlalchemy import func, select

from store.audit import AuditRecord, verify_chain
from store.database import session_scope


def verify() -> int:
    with session_scope() as session:
        count = session.scalar(select(func.count()).select_from(AuditRecord)) or 0
        problems = verify_chain(session)
    if not problems:
        print(f"{count} records, chain intact")
        return 0
    for problem in problems:
        print(f"record {problem.record_id}: {problem.problem}")
    print(f"{count} records, {len(problems)} problem{'s' if len(problems) != 1 else ''}: the audit log was changed")
    return 1


def main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mizan audit", description="The tamper-evident audit log.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("verify", help="recompute every record's hash and link; exit 1 on any break")
    parsed = parser.parse_args(args)
    if parsed.command == "verify":
        return verify()
    return 2
