"""Rebuilding and checking the index against the read model (`./mizan reindex`, `./mizan search check`).

The read model is the truth; the index is a projection that can always be rebuilt from it. Both
commands are audited data repairs (LESSONS 9).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import ConflictError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.vocabulary import Role
from search.client import get_client
from search.documents import document_version, versioned
from search.indexing import document_for, put_document
from search.indices import (
    CASES_VERSION,
    alias_target,
    cases_alias,
    create_index,
    drop_old_indices,
    dynamic_settings,
    finish_bulk_load,
    mapping_version,
    swap_alias,
)
from store.audit import Who, audit
from store.codec import state_from_json
from store.database import session_scope
from store.models import Case, CaseGrant

BATCH = 500
log = logging.getLogger("mizan.search")
CLI_WHO = Who("mizan-cli", Role.admin, "")


def read_model_documents(session: Session) -> Iterator[dict[str, Any]]:
    """Every case's search document, as the read model has it now."""
    for rows in session.scalars(select(Case).order_by(Case.id)).yield_per(BATCH).partitions():
        # each batch's grants are read after its rows: a document never claims a newer access revision
        # than its grants (search.indexing.document_for)
        grants: dict[str, list[str]] = defaultdict(list)
        query = select(CaseGrant.case_id, CaseGrant.agency_code).where(CaseGrant.case_id.in_([r.id for r in rows]))
        for case_id, agency in session.execute(query):
            grants[case_id].append(agency)
        for row in rows:
            yield document_for(session, state_from_json(row.snapshot), grants.get(row.id, []))


def bulk_actions(index: str, documents: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for document in documents:
        identity = versioned(document)  # the same id and version rule as every other index path
        yield {"_index": index, "_id": identity["id"], "_source": document, "_version": identity["version"],
               "_version_type": identity["version_type"]}


def bulk_fill(client: OpenSearch, index: str, documents: Iterator[dict[str, Any]]) -> int:
    written = 0
    for ok, item in helpers.streaming_bulk(client, bulk_actions(index, documents), chunk_size=BATCH,
                                           raise_on_error=False):
        if ok:
            written += 1
        elif item.get("index", {}).get("status") != 409:  # 409: a newer version is there already
            raise RuntimeError(f"bulk indexing failed: {item}")
    return written


@dataclass
class CheckReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    repaired: bool = False

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def summary(self) -> dict[str, Any]:
        return {"checked": self.checked, "missing": len(self.missing), "stale": len(self.stale),
                "extra": len(self.extra), "repaired": self.repaired}


def _indexed(client: OpenSearch) -> dict[str, dict[str, Any]]:
    return {hit["_id"]: hit["_source"]
            for hit in helpers.scan(client, index=cases_alias(), query={"query": {"match_all": {}}}, size=1000)}


def _restore_deleted(client: OpenSearch, document: dict[str, Any]) -> None:
    """A document deleted by hand leaves a tombstone at its version + 1 for `index.gc_deletes` (60 s),
    which refuses the document at its own version. Restoring it one above keeps the order: the case's
    next event or grant change is still accepted (external_gte), and any older document refused."""
    try:
        client.index(index=cases_alias(), id=document["case_id"], body=document,
                     version=document_version(document) + 1,
                     version_type="external_gte", require_alias=True)
    except ConflictError:
        log.warning("case %s: a newer tombstone blocks the repair; run the check again in a minute",
                    document["case_id"])


def check(client: OpenSearch | None = None, *, repair: bool = True) -> CheckReport:
    """Compare every indexed document with the read model: missing, stale (older or different) and
    extra documents; with `repair`, index the expected ones and delete the extras."""
    client = client or get_client()
    client.indices.refresh(index=cases_alias())
    indexed = _indexed(client)
    report = CheckReport()
    to_write: list[dict[str, Any]] = []
    with session_scope() as session:
        for document in read_model_documents(session):
            report.checked += 1
            found = indexed.pop(document["case_id"], None)
            # compare what the index stores, i.e. the document after a JSON round trip
            if found is None:
                report.missing.append(document["case_id"])
                to_write.append(document)
            elif found != json.loads(json.dumps(document)):
                report.stale.append(document["case_id"])
                to_write.append(document)
    report.extra = sorted(indexed)
    if repair and not report.clean:
        for document in to_write:
            if not put_document(client, document) and document["case_id"] in report.missing:
                _restore_deleted(client, document)
        for case_id in report.extra:
            client.delete(index=cases_alias(), id=case_id, ignore=[404])
        client.indices.refresh(index=cases_alias())
        report.repaired = True
        with session_scope() as session:
            audit(session, CLI_WHO, "search.repair", outcome="ok",
                  detail={**report.summary(), "cases": sorted([*report.missing, *report.stale, *report.extra])[:200]})
    return report


@dataclass
class ReindexReport:
    index: str
    previous: str | None
    documents: int
    seconds: float
    catch_up: dict[str, Any]
    dropped: list[str]


def reindex(client: OpenSearch | None = None) -> ReindexReport:
    """Build a new index of the current definition from the read model, swap the alias onto it in one
    step, then catch up with whatever changed while it was being filled."""
    client = client or get_client()
    started = time.perf_counter()
    index = create_index(client, bulk_load=True)
    with session_scope() as session:
        written = bulk_fill(client, index, read_model_documents(session))
    finish_bulk_load(client, index)
    previous = swap_alias(client, index)
    # updates indexed during the fill went to the previous index: the check brings them over
    catch_up = check(client, repair=True)
    dropped = drop_old_indices(client, keep={index, *([previous] if previous else [])})
    report = ReindexReport(index, previous, written, time.perf_counter() - started, catch_up.summary(), dropped)
    with session_scope() as session:
        audit(session, CLI_WHO, "search.reindex", detail={"index": index, "previous": previous, "documents": written})
    return report


def reindex_main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mizan reindex",
                                     description="rebuild the search index from the read model and swap the alias")
    parser.parse_args(args)
    report = reindex()
    print(f"indexed {report.documents} cases into {report.index} in {report.seconds:.1f} s; "
          f"alias {cases_alias()} moved from {report.previous}; catch-up {report.catch_up}; "
          f"dropped {report.dropped or 'nothing'}")
    return 0


def search_main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mizan search", description="search index maintenance")
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="compare the index with the read model and repair it")
    check_parser.add_argument("--dry-run", action="store_true", help="report differences without repairing")
    commands.add_parser("status", help="show the alias and the index behind it")
    ns = parser.parse_args(args)
    if ns.command == "status":
        print(f"{cases_alias()} -> {alias_target(get_client())}")
        return 0
    report = check(repair=not ns.dry_run)
    print(json.dumps({**report.summary(), "missing_ids": report.missing[:20], "stale_ids": report.stale[:20],
                      "extra_ids": report.extra[:20]}, ensure_ascii=False))
    return 0 if report.clean or report.repaired else 1


def ensure_indices(client: OpenSearch) -> None:
    """At worker start: the alias exists and serves the current definition.

    A missing alias (a new installation, or an OpenSearch that lost its data) and an alias on an older
    definition (the migration path for every mapping change) are both built from the read model into a
    new index, and the alias swapped onto it: search never starts empty beside a full read model.
    """
    target = alias_target(client)
    if target is None or mapping_version(client, target) < CASES_VERSION:
        reindex(client)
    else:
        client.indices.put_settings(index=target, body={"index": dynamic_settings()})
