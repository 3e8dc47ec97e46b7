"""A case state to and from JSON, in the same JSON that Temporal's converter reads and writes (decoded by
the compiled decoders of workflows.payloads: the fold, the indexer and the API's case reads all decode)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from temporalio.converter import JSONPlainPayloadConverter

from core.case import ActorRef, CaseEvent, CaseState
from workflows.payloads import decoder_for

_CONVERTER = JSONPlainPayloadConverter()


def to_json(value: CaseState | CaseEvent) -> dict[str, Any]:
    payload = _CONVERTER.to_payload(value)
    assert payload is not None
    result: dict[str, Any] = json.loads(payload.data)
    return result


def state_from_json(data: dict[str, Any]) -> CaseState:
    state: CaseState = decoder_for(CaseState)(data)
    return state


def event_from_row(row: Any) -> CaseEvent:
    """A logged event (a `case_events` row) back into a CaseEvent, for folding."""
    actor = ActorRef(row.actor_username, row.actor_role or "", row.actor_agency or "") if row.actor_username else None
    at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=UTC)
    return CaseEvent(seq=row.seq, name=row.name, at=at, actor=actor, fields=dict(row.fields))
