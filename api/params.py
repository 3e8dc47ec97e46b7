"""Bounds for the numbers and keys a client sends in paths, queries and headers: what falls outside is a 422,
never a database overflow (an `offset` of 2^63, a record id of 10^20) or a 5xx."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Query

from api.idempotency import MAX_LENGTH as IDEMPOTENCY_KEY_LENGTH

#: a page deeper than this is a search to narrow, not a list to page through
MAX_OFFSET = 1_000_000
#: the largest id a BIGINT column holds
MAX_ROW_ID = 2**63 - 1

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"at most {MAX_OFFSET}")]
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
#: its shape is checked by api.idempotency.checked_key, which answers with its own code
IdempotencyKeyHeader = Annotated[str | None, Header(
    description=f"repeat a request safely (1 to {IDEMPOTENCY_KEY_LENGTH} printable ASCII characters): the same "
                "key and request give the first answer; another request under the same key is refused")]
