"""Bounds for the numbers and keys a client sends in paths, queries and headers: what falls outside is a 422,
never a database overflow (an `offset` of 2^63, a record id of 10^20) or a 5xx."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Query
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from api.idempotency import MAX_LENGTH as IDEMPOTENCY_KEY_LENGTH
from core.refusal import Refusal
from core.text import clean_text

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


def _checked(prose: bool) -> AfterValidator:
    """core.text.clean_text in a request schema: the same check, its refusal as a 422 on the field."""

    def check(value: str) -> str:
        try:
            return clean_text(value, "value", prose=prose)
        except Refusal as refusal:
            raise PydanticCustomError(refusal.code, refusal.message_en.replace("value ", "", 1)) from None

    return AfterValidator(check)


#: a name, a place, a title: one clean line (core.text)
Line = Annotated[str, _checked(prose=False)]
#: reasons, notes: clean prose (core.text)
Prose = Annotated[str, _checked(prose=True)]
