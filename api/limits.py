"""The size of a request body, checked before anything reads it: a body larger than its path allows is
refused with 413 and the refusal's usual JSON, whether it announces its length or streams without one. So
no request reaches Temporal's payload limit (2 MB), and no form or upload fills memory or disk unasked."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.refusal import Refusal

#: room for the multipart envelope and the form's other fields around an uploaded file
MULTIPART_OVERHEAD = 64 * 1024
_UPLOAD_PATHS = re.compile(r"^(/api/v1/cases|/web/cases)/[^/]+/documents$")
_CERTIFICATE_CHECK = "/api/v1/verify/document"


def body_limit(max_request_bytes: int, document_max_bytes: int, certificate_check_bytes: int) -> Callable[[str], int]:
    """The largest body each path accepts: case documents and certificate checks carry files, the rest JSON or
    a form."""

    def limit(path: str) -> int:
        if _UPLOAD_PATHS.match(path):
            return document_max_bytes + MULTIPART_OVERHEAD
        if path == _CERTIFICATE_CHECK:
            return certificate_check_bytes + MULTIPART_OVERHEAD
        return max_request_bytes

    return limit


class BodySizeLimit:
    """ASGI middleware: a request whose body exceeds `limit(path)` bytes gets 413, and the app never sees the
    part beyond the limit (to the app, the client has gone)."""

    def __init__(self, app: ASGIApp, limit: Callable[[str], int]) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, limit)
            return
        received, started, refused = 0, False, False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await self._refuse(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the refusal was the answer
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, guarded_send)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        refusal = Refusal("request_too_large", 413, f"the request body may be at most {limit} bytes",
                          f"لا يتجاوز حجم الطلب {limit} بايت")
        body = json.dumps({"error": refusal.as_dict()}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
