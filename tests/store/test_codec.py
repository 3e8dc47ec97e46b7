"""workflows.payloads decodes as temporalio's own converter does (value_to_type), only faster: the same
objects from the same JSON, and a refusal where the converter refuses; Mizan's data converter writes the
very payloads the default one writes."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.converter import JSONPlainPayloadConverter, value_to_type

from core.case import ActionCommand, CaseEvent, CaseState
from core.clock_events import due_clock_events
from core.effects import apply
from core.transitions import decide
from core.vocabulary import Category, PartyRole, Stage, VerdictResult
from store.codec import decoder_for, state_from_json, to_json
from tests.support.procedure import CHIEF, JUDGE, OFFICER, T0, act, open_case, to_trial
from workflows.client import DATA_CONVERTER

_CONVERTER = JSONPlainPayloadConverter()


def _by_temporal(data: dict[str, Any], kind: type) -> Any:
    payload = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(data).encode())
    return _CONVERTER.from_payload(payload, kind)


def _states() -> list[CaseState]:
    """Cases at several points of their life: fresh, handed over, judged, final (clocks, verdicts, hearings)."""
    fresh = open_case(parties=2)
    handed = open_case()
    act(handed, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    final = open_case()
    verdict_at = to_trial(final)
    act(final, JUDGE, "record_verdict", verdict_at,
        verdicts=[{"party_id": "p1", "result": "convicted", "sentence": "حبس سنة"}])
    judged = copy.deepcopy(final)  # before the appeal window lapses
    for event in due_clock_events(final, verdict_at + timedelta(days=30)):
        apply(final, event)
    return [fresh, handed, judged, final]


@pytest.mark.parametrize("index", range(4))
def test_a_state_decodes_as_temporal_decodes_it(index: int) -> None:
    state = _states()[index]
    data = to_json(state)
    assert state_from_json(data) == _by_temporal(data, CaseState) == state


def test_events_decode_as_temporal_decodes_them() -> None:
    state = open_case()
    events = [decide(state, ActionCommand("add_party", OFFICER, {"role": "witness", "name": "شاهد"}), T0),
              *due_clock_events(state, T0 + timedelta(days=400))]
    assert len(events) > 1
    for event in events:
        data = to_json(event)
        assert decoder_for(CaseEvent)(data) == _by_temporal(data, CaseEvent) == event


@dataclass
class Sample:
    name: str
    count: int
    ratio: float
    tags: list[str]
    optional: int | None = None


@pytest.mark.parametrize("value", [
    {"name": "x", "count": 1, "ratio": 1, "tags": ["a"]},
    {"name": "x", "count": 1.0, "ratio": 2.5, "tags": [], "optional": 3},
    {"name": 1, "count": 1, "ratio": 1, "tags": []},
    {"name": "x", "count": "1", "ratio": 1, "tags": []},
    {"name": "x", "count": 1, "ratio": 1, "tags": [1]},
    {"name": "x", "count": 1, "ratio": 1, "tags": [], "optional": "no"},
    {"name": "x", "count": 1},
    ["not", "a", "mapping"],
])
def test_the_same_values_and_the_same_refusals(value: Any) -> None:
    try:
        expected = value_to_type(Sample, value)
    except (TypeError, ValueError) as refusal:
        with pytest.raises(type(refusal)):
            decoder_for(Sample)(value)
    else:
        assert decoder_for(Sample)(value) == expected


async def test_mizan_data_converter_reads_and_writes_as_the_default_one() -> None:
    from temporalio.converter import DataConverter

    from workflows.messages import RecordEvents

    state = _states()[3]
    command = ActionCommand("add_party", OFFICER, {"role": "witness", "name": "شاهد"})
    messages: list[Any] = [state, command, RecordEvents(state.case_id, state.number, state.rules,
                                                        [decide(open_case(), command, T0)]), "نص", 3, None]
    for message in messages:
        ours = await DATA_CONVERTER.encode([message])
        assert ours == await DataConverter.default.encode([message])
        hint = type(message) if message is not None else None
        assert (await DATA_CONVERTER.decode(ours, [hint] if hint else None))[0] == message
        assert (await DataConverter.default.decode(ours, [hint] if hint else None))[0] == message


def test_a_snapshot_written_before_kinds_and_executions_were_kept_still_decodes() -> None:
    """The read model's snapshots and continue-as-new inputs of running cases: the new fields have defaults,
    and the vocabulary's strings decode to its enums."""
    data = to_json(_states()[3])
    del data["agency_kinds"]
    for verdict in data["verdicts"]:
        del verdict["executed_at"]
    state = state_from_json(data)
    assert state.agency_kinds == {} and state.verdicts[0].executed_at is None
    assert state.stage is Stage.final and state.verdicts[0].result is VerdictResult.convicted
    assert state.parties[0].role is PartyRole.accused and state.category is Category.misdemeanour
