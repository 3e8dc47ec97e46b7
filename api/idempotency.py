"""Idempotency keys at the API's border: checked for shape, then held per user (store.idempotency) so that
a retry of the same request gets the first answer and the same key with another request is refused."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from temporalio.converter import JSONPlainPayloadConverter

from core.refusal import Refusal
from store.codec import decoder_for
from store.idempotency import KeyReused, claim, fingerprint, release, remember

T = TypeVar("T")

HEADER = "Idempotency-Key"
MAX_LENGTH = 200
_SHAPE = re.compile(rf"\A[\x21-\x7e]{{1,{MAX_LENGTH}}}\Z")  # printable ASCII, no spaces
_JSON = JSONPlainPayloadConverter()


def checked_key(key: str | None) -> str | None:
    """The key as sent, or None when there is none; a malformed one is refused (422)."""
    if key is None or key == "":
        return None
    if not _SHAPE.match(key):
        raise Refusal("invalid_idempotency_key", 422,
                      f"an Idempotency-Key is 1 to {MAX_LENGTH} printable ASCII characters without spaces",
                      f"مفتاح عدم التكرار من 1 إلى {MAX_LENGTH} حرفاً لاتينياً مطبوعاً دون مسافات", HEADER)
    return key


def _encode(value: Any) -> str:
    payload = _JSON.to_payload(value)
    assert payload is not None
    return payload.data.decode()


async def once(session: Session, username: str, key: str | None, request: dict[str, Any], result_type: type[T],
               run: Callable[[], Awaitable[T]]) -> T:
    """`run()`'s answer; with a key, the first answer to this request under this key, however often it is
    sent. A refused request frees its key (a corrected request may use it)."""
    key = checked_key(key)
    if key is None:
        return await run()
    try:
        held = await run_in_threadpool(claim, session, username, key, fingerprint(request))
    except KeyReused:
        raise Refusal("idempotency_key_reused", 422, "this Idempotency-Key was already sent with another request",
                      "سبق استعمال مفتاح عدم التكرار هذا مع طلب آخر", HEADER) from None
    if held.result is not None:
        first: T = decoder_for(result_type)(json.loads(held.result))  # type: ignore[arg-type]
        return first
    try:
        result = await run()
    except Refusal:
        await run_in_threadpool(release, session, username, key)
        raise
    await run_in_threadpool(remember, session, username, key, _encode(result))
    return result
