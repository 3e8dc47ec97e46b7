"""Every error leaves the API as `{"error": {"code", "message", "message_ar", "field"?}}` with its HTTP
status: a Refusal (core.refusal) as it is, FastAPI's own validation and HTTP errors in the same shape."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.refusal import Refusal

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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def _refusal(_: Request, exc: Refusal) -> JSONResponse:
        return refusal_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return refusal_response(Refusal("invalid_request", 422, f"{where}: {first.get('msg', 'invalid')}",
                                        "بيانات الطلب غير صحيحة", where))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return refusal_response(Refusal(code, exc.status_code, str(exc.detail), _STATUS_AR.get(exc.status_code, "")))
