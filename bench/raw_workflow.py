"""The smallest workflow with an Update: the baseline that the API's action path is measured against.

In a module of its own: a workflow defined next to `asyncio.run(...)` fails sandbox validation.
"""

from __future__ import annotations

from temporalio import workflow


@workflow.defn(name="BenchRaw")
class RawWorkflow:
    def __init__(self) -> None:
        self._items: list[str] = []
        self._done = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self._done)
        return len(self._items)

    @workflow.update(name="append")
    def append(self, item: str) -> int:
        self._items.append(item)
        return len(self._items)

    @workflow.signal(name="finish")
    def finish(self) -> None:
        self._done = True
