"""Checkpoints of the audit chain's head, kept outside the database.

Each checkpoint is one line of JSON appended to a file (`settings.audit_anchor_path`): the head's record
id and hash at that moment, and an HMAC of both under the audit key. A forger who can write to the
database can delete records from the end and reset the head, and the chain alone would look whole; a
checkpoint naming a record that is gone, or a different hash for it, gives them away. The worker writes
one regularly (workflows.audit_anchor); `./mizan audit anchor` writes one at once.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from store.audit import AuditChainHead, AuditKey, AuditRecord, ChainProblem


@dataclass(frozen=True)
class Checkpoint:
    record_id: int
    hash: str
    at: datetime
    key_id: str
    mac: str

    def message(self) -> bytes:
        return f"{self.record_id}|{self.hash}|{self.at.isoformat()}".encode()


def _checkpoint(record_id: int, record_hash: str, at: datetime, key: AuditKey) -> Checkpoint:
    unsigned = Checkpoint(record_id, record_hash, at, key.key_id, "")
    return Checkpoint(record_id, record_hash, at, key.key_id, key.mac(unsigned.message()))


def read_checkpoints(path: Path) -> list[Checkpoint]:
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            found.append(Checkpoint(int(data["record_id"]), str(data["hash"]), datetime.fromisoformat(data["at"]),
                                    str(data["key_id"]), str(data["mac"])))
    return found


def write_checkpoint(session: Session, path: Path, key: AuditKey, now: datetime | None = None) -> Checkpoint | None:
    """Append the head's checkpoint, unless the last one already names it (or the log is empty)."""
    head = session.get(AuditChainHead, 1)
    if head is None or head.last_id == 0:
        return None
    existing = read_checkpoints(path)
    if existing and existing[-1].record_id == head.last_id and existing[-1].hash == head.last_hash:
        return None
    checkpoint = _checkpoint(head.last_id, head.last_hash, now or datetime.now(UTC), key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = json.dumps({"record_id": checkpoint.record_id, "hash": checkpoint.hash, "at": checkpoint.at.isoformat(),
                       "key_id": checkpoint.key_id, "mac": checkpoint.mac}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as file:
        file.write(line)
        file.flush()
        os.fsync(file.fileno())
    return checkpoint


def verify_anchors(session: Session, path: Path, key: AuditKey) -> list[ChainProblem]:
    """Every checkpoint is genuine (its HMAC) and its record is still there with the same hash."""
    problems: list[ChainProblem] = []
    for checkpoint in read_checkpoints(path):
        when = checkpoint.at.isoformat()
        expected = key.mac(Checkpoint(checkpoint.record_id, checkpoint.hash, checkpoint.at, checkpoint.key_id,
                                      "").message())
        if checkpoint.key_id != key.key_id or not hmac.compare_digest(expected, checkpoint.mac):
            problems.append(ChainProblem(checkpoint.record_id,
                                         f"the checkpoint of {when} is not genuine (the anchor file was edited)"))
            continue
        record = session.get(AuditRecord, checkpoint.record_id)
        if record is None:
            problems.append(ChainProblem(checkpoint.record_id, f"is gone, but the checkpoint of {when} names it "
                                                               "(records were removed from the end)"))
        elif record.hash != checkpoint.hash:
            problems.append(ChainProblem(checkpoint.record_id,
                                         f"does not match the checkpoint of {when} (the chain was rewritten)"))
    return problems
