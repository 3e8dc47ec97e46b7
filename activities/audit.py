"""The audit anchor's activity: checkpoint the audit chain's head outside the database."""

from __future__ import annotations

from temporalio import activity

from config.settings import get_settings
from store.audit import audit_key
from store.audit_anchors import write_checkpoint
from store.database import session_scope
from workflows.messages import ANCHOR_AUDIT


@activity.defn(name=ANCHOR_AUDIT)
def anchor_audit_chain() -> int:
    """The record id anchored now, or 0 when the head was anchored already (idempotent)."""
    with session_scope() as session:
        checkpoint = write_checkpoint(session, get_settings().audit_anchor_path, audit_key())
    return checkpoint.record_id if checkpoint else 0
