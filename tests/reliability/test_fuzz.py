"""Schemathesis over Mizan's own OpenAPI, through the real API with real tokens: whatever a client sends
that the schema allows (and much that it does not), no answer is a server error. Bounded: a few dozen
examples per operation, so that it fits in CI's time. (Driven through Hypothesis directly: schemathesis's
pytest plugin does not run on this pytest.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from config.settings import Settings
from tests.support import Tokens

pytestmark = [pytest.mark.stack, pytest.mark.reliability]

#: callers with different reach: an agency's officer, a national reader, the records office, a citizen, nobody
CALLERS = ("officer.tripoli", "investigator", "records", "citizen1", None)
EXAMPLES_PER_OPERATION = 25
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "reliability"


def test_no_input_makes_a_server_error(settings: Settings, tokens: Tokens) -> None:
    schema = schemathesis.openapi.from_url(f"{settings.api_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    calls: dict[int, int] = {}
    server_errors: list[str] = []
    def run(operation: schemathesis.APIOperation, headers: dict[str, str], mode: GenerationMode) -> None:
        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        def call(case: schemathesis.Case) -> None:
            response = case.call(base_url=settings.api_url, headers=headers, timeout=60)
            calls[response.status_code] = calls.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                     f"{response.text[:200]}")

        try:
            call()
        except Unsatisfiable:  # an operation that takes nothing has no wrong input to send
            assert mode is GenerationMode.NEGATIVE

    for number, operation in enumerate(operations):
        caller = CALLERS[number % len(CALLERS)]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):  # what the schema allows, and not
            run(operation, {"Authorization": f"Bearer {tokens(caller)}"} if caller else {}, mode)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "fuzz.json").write_text(json.dumps({"operations": len(operations), "answers": calls,
                                                     "server_errors": server_errors}, indent=2) + "\n")
    print(f"\nfuzz: {len(operations)} operations, {sum(calls.values())} calls, answers {sorted(calls.items())}")
    assert len(operations) >= 25 and sum(calls.values()) >= 20 * len(operations)
    assert server_errors == []
