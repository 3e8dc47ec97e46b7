"""Indexing activity: the case document, versioned by the case's event sequence."""

from __future__ import annotations

from opensearchpy.exceptions import ConflictError
from temporalio import activity

from activities.contracts import INDEX_CASE, IndexCase
from activities.database import session_scope
from activities.models import Case
from activities.snapshots import state_from_json
from search.client import get_client
from search.documents import case_document
from search.indices import cases_alias


@activity.defn(name=INDEX_CASE)
def index_case(request: IndexCase) -> int:
    """Index the case as the read model has it now; an older version never overwrites a newer one."""
    with session_scope() as session:
        row = session.get(Case, request.case_id)
        if row is None:
            raise RuntimeError(f"case {request.case_id} is not in the read model yet")
        state = state_from_json(row.snapshot)
    try:
        get_client().index(index=cases_alias(), id=state.case_id, body=case_document(state),
                           version=state.seq, version_type="external_gte")
    except ConflictError:
        pass  # a newer version is already indexed
    return state.seq
