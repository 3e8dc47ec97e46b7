"""A case state to and from JSON, with the same converter Temporal uses for the workflow."""

from __future__ import annotations

import json
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.converter import JSONPlainPayloadConverter

from core.case import CaseEvent, CaseState

_CONVERTER = JSONPlainPayloadConverter()


def to_json(value: CaseState | CaseEvent) -> dict[str, Any]:
    payload = _CONVERTER.to_payload(value)
    assert payload is not None
    result: dict[str, Any] = json.loads(payload.data)
    return result


def state_from_json(data: dict[str, Any]) -> CaseState:
    payload = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(data).encode())
    state: CaseState = _CONVERTER.from_payload(payload, CaseState)
    return state
