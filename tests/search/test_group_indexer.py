"""search.group_indexer: documents from concurrent callers share bulk requests, each caller gets its own
document's answer; and against the real OpenSearch, the bulk path versions documents as put_document does."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from opensearchpy import OpenSearch

from search.client import get_client
from search.documents import document_version
from search.group_indexer import GroupIndexer, IndexRefused
from search.indices import cases_alias
from search.maintenance import ensure_indices


class FakeOpenSearch:
    """Answers each bulk line by the document's `fate`; the first request is held until released."""

    def __init__(self) -> None:
        self.requests: list[list[dict[str, Any]]] = []
        self.release = threading.Event()
        self.in_flight = threading.Event()

    def bulk(self, body: list[dict[str, Any]], index: str, params: dict[str, str]) -> dict[str, Any]:
        assert params == {"require_alias": "true"} and index == cases_alias()
        if not self.in_flight.is_set():
            self.in_flight.set()
            self.release.wait(5)
        documents = body[1::2]
        self.requests.append(documents)
        if any(d["fate"] == "unreachable" for d in documents):
            raise ConnectionError("OpenSearch is unreachable")
        status = {"ok": 201, "older": 409, "bad": 400}
        return {"items": [{"index": {"_id": d["case_id"], "status": status[d["fate"]], "error": d["fate"]}}
                          for d in documents]}


def _document(fate: str, n: int = 0) -> dict[str, Any]:
    return {"case_id": f"c{n}", "seq": 1, "fate": fate}


def test_callers_waiting_behind_a_request_share_the_next_one() -> None:
    fake = FakeOpenSearch()
    indexer = GroupIndexer(lambda: fake)  # type: ignore[arg-type, return-value]
    with ThreadPoolExecutor(12) as pool:
        first = pool.submit(indexer.put, _document("ok", 0))
        assert fake.in_flight.wait(5)  # the first request is in flight, held
        rest = [pool.submit(indexer.put, _document("ok", n)) for n in range(1, 11)]
        threading.Event().wait(0.2)
        fake.release.set()
        assert first.result() is True and all(f.result() is True for f in rest)
    assert len(fake.requests[0]) == 1
    assert sum(len(r) for r in fake.requests) == 11 and len(fake.requests) <= 3  # not eleven requests


def test_each_caller_gets_its_own_documents_answer() -> None:
    fake = FakeOpenSearch()
    fake.release.set()
    indexer = GroupIndexer(lambda: fake)  # type: ignore[arg-type, return-value]
    assert indexer.put(_document("ok")) is True
    assert indexer.put(_document("older")) is False
    with pytest.raises(IndexRefused):
        indexer.put(_document("bad"))
    with pytest.raises(ConnectionError):
        indexer.put(_document("unreachable"))
    assert indexer.put(_document("ok")) is True  # the sender goes on after a failed request


@pytest.mark.stack
def test_bulk_documents_are_versioned_by_their_sequence() -> None:
    client: OpenSearch = get_client()
    ensure_indices(client)
    indexer = GroupIndexer(get_client)
    case_id = f"group-{uuid.uuid4().hex}"

    def document(seq: int, offence: str) -> dict[str, Any]:
        return {"case_id": case_id, "number": f"G/{seq}", "stage": "police_inquiry", "seq": seq,
                "offence": offence, "sensitivity": "normal", "access_agencies": ["station.tripoli.central"]}

    assert indexer.put(document(2, "سرقة")) is True
    assert indexer.put(document(1, "قديم")) is False  # older: refused, the newer stays
    assert indexer.put(document(2, "سرقة")) is True  # a retry of the same version
    stored = client.get(index=cases_alias(), id=case_id)
    assert stored["_version"] == document_version(document(2, "سرقة")) and stored["_source"]["offence"] == "سرقة"
    client.delete(index=cases_alias(), id=case_id,
                  params={"version": document_version(document(3, "")), "version_type": "external"})
