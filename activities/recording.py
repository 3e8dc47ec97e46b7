"""The case workflow's record-keeping activities: the event log and its read model (store.readmodel),
then the case's document in the search index. Idempotent: a retry changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DataError, StatementError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from search.indexing import document_for, document_from_read_model, index_document
from store.database import session_scope
from store.readmodel import fold_events
from workflows.common import BAD_DATA
from workflows.messages import INDEX_CASE, RECORD_AND_INDEX, RECORD_EVENTS, IndexCase, Recorded, RecordEvents

log = logging.getLogger(__name__)
#: an index slower than this is left to the retried activity rather than hold up the action
INLINE_INDEX_SECONDS = 2.0


@contextmanager
def _bad_data_is_final(case_id: str) -> Iterator[None]:
    """What the database refuses for the data itself (an encoding it cannot store, a value out of range) fails
    at once, not ten times: no retry can mend it. A database that is down or busy, or a race lost to a
    concurrent writer, is retried."""
    try:
        yield
    except (UnicodeError, ValueError, TypeError, KeyError, DataError) as error:
        log.error("case %s: events that cannot be stored: %r", case_id, error)
        raise ApplicationError(f"case {case_id}: events that cannot be stored: {error!r}", type=BAD_DATA,
                               non_retryable=True) from error
    except StatementError as error:
        if isinstance(error.orig, UnicodeError | ValueError):
            raise ApplicationError(f"case {case_id}: {error!r}", type=BAD_DATA, non_retryable=True) from error
        raise


@activity.defn(name=RECORD_EVENTS)
def record_events(request: RecordEvents) -> int:
    """Append the events not yet in the log and fold them into the case's projection."""
    with _bad_data_is_final(request.case_id), session_scope() as session:
        written, _ = fold_events(session, request.case_id, request.number, request.rules, request.events)
    return written


@activity.defn(name=RECORD_AND_INDEX)
def record_and_index(request: RecordEvents) -> Recorded:
    """record_events, then the case's document to the search index, in one trip from the workflow.

    An index that fails or is slow is reported, not raised: the events are on record all the same, and
    retrying the record for the sake of the index would hold up the action; the workflow hands the
    index to its retried `index_case` activity instead."""
    with _bad_data_is_final(request.case_id), session_scope() as session:
        written, state = fold_events(session, request.case_id, request.number, request.rules, request.events)
        document = document_for(session, state) if state is not None else None
    if document is None:
        return Recorded(written, indexed=False)
    try:
        index_document(document, timeout=INLINE_INDEX_SECONDS)
    except Exception as error:  # any failure of the index leaves the record standing
        log.warning("case %s recorded, not indexed (index_case will retry): %r", request.case_id, error)
        return Recorded(written, indexed=False)
    return Recorded(written, indexed=True)


@activity.defn(name=INDEX_CASE)
def index_case(request: IndexCase) -> int:
    """The case's document, as the read model has it now, to the index (when record_and_index could not)."""
    document = document_from_read_model(request.case_id)
    index_document(document)
    return int(document["seq"])
