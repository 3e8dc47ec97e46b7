"""Every error is `{"error": {"code", "message", "message_ar"}}` with its HTTP status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.refusal import Refusal


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, message_ar: str = "", **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.message_ar, self.extra = status, code, message, message_ar, extra


def error_body(code: str, message: str, message_ar: str = "", **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "message_ar": message_ar or message, **extra}}


def from_refusal(refusal: Refusal) -> ApiError:
    extra = {"field": refusal.field} if refusal.field else {}
    return ApiError(refusal.status, refusal.code, refusal.message_en, refusal.message_ar, **extra)


_STATUS_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                 409: "conflict", 422: "invalid_request"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(error_body(exc.code, exc.message, exc.message_ar, **exc.extra), exc.status,
                            headers=headers)

    @app.exception_handler(Refusal)
    async def _refusal(_: Request, exc: Refusal) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message_en, exc.message_ar,
                                       **({"field": exc.field} if exc.field else {})), exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse(error_body("invalid_request", f"{where}: {first.get('msg', 'invalid')}",
                                       "بيانات الطلب غير صحيحة", field=where), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code)
