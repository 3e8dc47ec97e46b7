"""Group indexing: case documents from concurrent `index_case` activities reach OpenSearch together.

One sender thread takes whatever is waiting and sends it as one `_bulk` request; while that request is
in flight, the next documents gather for the one after (group commit). An idle worker adds no wait; a
busy one sends one request for many cases instead of one each (each request cost OpenSearch more CPU
than the document itself). Every caller still waits for its own document's answer, so an activity
completes only once its case is in the index, and fails when its document was refused.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch

from search.documents import versioned
from search.indices import cases_alias

#: one bulk request carries at most this many documents; the rest go in the next
MAX_BATCH = 200
#: how long a caller waits for its document's answer before its activity fails (and is retried)
ANSWER_TIMEOUT_SECONDS = 30.0


class IndexRefused(RuntimeError):
    """OpenSearch refused one document of a bulk request (other than for being older than the indexed one)."""


@dataclass
class _Pending:
    document: dict[str, Any]
    answer: Future[bool] = field(default_factory=Future)


def bulk_body(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `_bulk` lines, each document `versioned` as `put_document` indexes it."""
    body: list[dict[str, Any]] = []
    for document in documents:
        identity = versioned(document)
        body.append({"index": {"_id": identity.pop("id"), **identity}})
        body.append(document)
    return body


def answers(response: dict[str, Any]) -> list[bool | IndexRefused]:
    """Per document: True indexed, False a newer version is already there, or why it was refused."""
    out: list[bool | IndexRefused] = []
    for item in response["items"]:
        result = item["index"]
        status = int(result.get("status", 500))
        if status in (200, 201):
            out.append(True)
        elif status == 409:
            out.append(False)
        else:
            out.append(IndexRefused(f"{result.get('_id')}: {status} {result.get('error')}"))
    return out


class GroupIndexer:
    def __init__(self, client: Callable[[], OpenSearch]) -> None:
        self._client = client
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._start_lock = threading.Lock()
        self._sender: threading.Thread | None = None

    def put(self, document: dict[str, Any], timeout: float | None = None) -> bool:
        """Index one document with the others waiting; False when a newer version is already there.
        Raises TimeoutError when no answer came within `timeout` seconds (the document may still land)."""
        pending = _Pending(document)
        self._ensure_sender()
        self._queue.put(pending)
        return pending.answer.result(timeout=timeout or ANSWER_TIMEOUT_SECONDS)

    def _ensure_sender(self) -> None:
        with self._start_lock:
            if self._sender is None or not self._sender.is_alive():
                self._sender = threading.Thread(target=self._send_forever, name="group-indexer", daemon=True)
                self._sender.start()

    def _send_forever(self) -> None:
        while True:
            batch = [self._queue.get()]  # blocks while idle
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._send(batch)

    def _send(self, batch: list[_Pending]) -> None:
        try:
            # through the alias, never auto-creating an unmapped index under its name
            response = self._client().bulk(body=bulk_body([p.document for p in batch]), index=cases_alias(),
                                           params={"require_alias": "true"})
            results = answers(response)
            if len(results) != len(batch):
                raise IndexRefused(f"bulk answered {len(results)} of {len(batch)} documents")
        except Exception as error:  # every waiting caller learns of it; its activity retries
            for pending in batch:
                pending.answer.set_exception(error)
            return
        for pending, result in zip(batch, results, strict=True):
            if isinstance(result, IndexRefused):
                pending.answer.set_exception(result)
            else:
                pending.answer.set_result(result)
