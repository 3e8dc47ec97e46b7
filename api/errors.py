"""Every error leaves the API as `{"error": {"code", "message", "message_ar", "field"?}}` with its HTTP
status: a Refusal (core.refusal) as it is, FastAPI's own validation and HTTP errors in the same shape."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opensearchpy.exceptions import ConnectionError as SearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout as SearchTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError, RPCStatusCode

from core.refusal import Refusal

log = logging.getLogger("mizan.api")

#: a service behind the API that is down: a 503 saying which, never a bare 500
SEARCH_UNAVAILABLE = Refusal("search_unavailable", 503, "search is unavailable for a moment; try again shortly",
                             "البحث غير متاح مؤقتاً؛ أعد المحاولة بعد قليل")
CASES_UNAVAILABLE = Refusal("cases_unavailable", 503, "case files cannot be changed for a moment; try again shortly",
                            "لا يمكن تعديل ملفات القضايا مؤقتاً؛ أعد المحاولة بعد قليل")

#: refusal codes that Mizan's own checks give inside request schemas
OWN_CODES = frozenset({"invalid_text", "text_too_long"})
#: pydantic's own error types that mean what one of Mizan's codes means
PYDANTIC_CODES = {"string_unicode": "invalid_text"}
_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 415: "unsupported_media_type", 422: "invalid_request"}
_STATUS_AR = {400: "تعذرت قراءة الطلب", 401: "يلزم تسجيل الدخول", 403: "غير مسموح", 404: "غير موجود",
              405: "الطريقة غير مسموح بها", 409: "تعارض مع الحالة الراهنة", 415: "نوع المحتوى غير مدعوم",
              422: "بيانات الطلب غير صحيحة"}


def refusal_response(refusal: Refusal) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else None
    if refusal.status == 429 and "retry_after" in refusal.details:
        headers = {"Retry-After": str(max(1, round(float(refusal.details["retry_after"]))))}
    return JSONResponse({"error": refusal.as_dict()}, refusal.status, headers=headers)


def _validation_refusal(error: Mapping[str, Any]) -> Refusal:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    # a check of Mizan's own (core.text, through api.params) keeps its code; pydantic's own are generic
    kind = str(error.get("type"))
    code = kind if kind in OWN_CODES else PYDANTIC_CODES.get(kind, "invalid_request")
    return Refusal(code, 422, f"{where}: {error.get('msg', 'invalid')}", "بيانات الطلب غير صحيحة", where)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def _refusal(_: Request, exc: Refusal) -> JSONResponse:
        return refusal_response(exc)

    @app.exception_handler(SearchConnectionError)
    @app.exception_handler(SearchTimeout)
    async def _search_down(_: Request, exc: Exception) -> JSONResponse:
        log.warning("search unavailable: %r", exc)
        return refusal_response(SEARCH_UNAVAILABLE)

    @app.exception_handler(RPCError)
    async def _temporal(_: Request, exc: RPCError) -> JSONResponse:
        if exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            log.warning("Temporal unavailable: %r", exc)
            return refusal_response(CASES_UNAVAILABLE)
        raise exc

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        # the first error is the refusal itself, as clients read it; `errors` lists every one (a form's all at once)
        found = [_validation_refusal(error) for error in exc.errors()] or [_validation_refusal({})]
        first = found[0]
        first.details["errors"] = [{"code": r.code, "field": r.field, "message": r.message_en,
                                    "message_ar": r.message_ar} for r in found]
        return refusal_response(first)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return refusal_response(Refusal(code, exc.status_code, str(exc.detail), _STATUS_AR.get(exc.status_code, "")))
