"""Indexing: the case document, versioned by the case's event sequence (external versioning), so an
older update never overwrites a newer one and a repeated one changes nothing."""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConflictError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.case import CaseState
from core.vocabulary import AgencyKind
from search.client import get_client
from search.documents import case_document, versioned
from search.group_indexer import GroupIndexer
from search.indices import cases_alias
from store.codec import state_from_json
from store.database import session_scope
from store.models import AgencyRow, Case, CaseGrant


def directorate_of(session: Session, station: str) -> str | None:
    """The security directorate over a police station (its nearest `directorate` ancestor); row by row,
    from the session's identity map after the first case (a reindex asks it for every case)."""
    code: str | None = station
    seen: set[str] = set()
    while code and code not in seen:
        seen.add(code)
        agency = session.get(AgencyRow, code)
        if agency is None:
            return None
        if agency.kind == AgencyKind.directorate:
            return agency.code
        code = agency.parent
    return None


def document_for(session: Session, state: CaseState, grants: list[str] | None = None) -> dict[str, Any]:
    """The case's search document; without `grants`, they are read here. The access revision comes from
    the case row, read before the grants: a document may carry newer grants than its revision says, never
    older ones (a grant change bumps the revision in its own transaction)."""
    row = session.get(Case, state.case_id)
    access_revision = row.access_revision if row is not None else 0
    if grants is None:
        grants = list(session.scalars(select(CaseGrant.agency_code).where(CaseGrant.case_id == state.case_id)))
    return case_document(state, directorate=directorate_of(session, state.opening_station), granted=grants,
                         access_revision=access_revision)


def put_document(client: OpenSearch, document: dict[str, Any], index: str | None = None) -> bool:
    """Index one document at its case's sequence; False when a newer version is already there."""
    try:
        # through the alias, never auto-creating an unmapped index under its name
        client.index(index=index or cases_alias(), body=document, require_alias=index is None,
                     **versioned(document))
    except ConflictError:
        return False
    return True


def document_from_read_model(case_id: str) -> dict[str, Any]:
    """The case's document as the read model has it now (its state, grants and directorate)."""
    with session_scope() as session:
        row = session.get(Case, case_id)
        if row is None:
            raise RuntimeError(f"case {case_id} is not in the read model yet")
        return document_for(session, state_from_json(row.snapshot))


def index_from_read_model(case_id: str, client: OpenSearch | None = None) -> int:
    """Index the case as the read model has it now, on its own (a grant given or taken back)."""
    document = document_from_read_model(case_id)
    put_document(client or get_client(), document)
    return int(document["seq"])


_GROUP = GroupIndexer(get_client)


def index_document(document: dict[str, Any], timeout: float | None = None) -> bool:
    """Index with whatever other cases' documents are waiting (search.group_indexer); False when a newer
    version is already there."""
    return _GROUP.put(document, timeout)
