"""Native API errors: ``{"error": {"code", "message", "field", "request_id"}}`` + HTTP status.

Library errors keep their stable codes (``param.invalid``, ``face.not_found``...); the HTTP
status follows the code (exact match first, then the family before the dot):

======================  ======
param / image / face    400
auth                    401 (``auth.forbidden``, ``url.*``: 403)
job.not_found           404
job.canceled            409
request.too_large       413
limit.rate              429
limit.queue_full        503 (also model.unavailable)
job.timeout             504
internal, worker_lost   500 (JSON, generic message, never a traceback)
======================  ======
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ...errors import InternalError, PortraitError
from ...logging import current_request_id

log = logging.getLogger(__name__)

STATUS_BY_CODE: dict[str, int] = {
    "job.not_found": 404, "job.canceled": 409, "job.timeout": 504, "job.worker_lost": 500,
    "limit.rate": 429, "limit.queue_full": 503, "model.unavailable": 503,
    "request.too_large": 413, "auth.forbidden": 403, "url.expired": 403, "url.forged": 403,
    "not_found": 404, "method_not_allowed": 405, "internal": 500, "media.not_found": 404,
}
STATUS_BY_FAMILY: dict[str, int] = {"param": 400, "image": 400, "face": 400, "auth": 401,
                                    "content": 400,
                                    "request": 400, "url": 403}
INTERNAL_MESSAGE = "internal error; the server log has the details under this request id"


class NativeHttpError(Exception):
    """A transport-level error (auth, forbidden URL, body too large) with its own code."""

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}


def status_for(code: str) -> int:
    """The HTTP status of a stable error code (500 when unknown)."""
    if code in STATUS_BY_CODE:
        return STATUS_BY_CODE[code]
    return STATUS_BY_FAMILY.get(code.split(".", 1)[0], 500)


def error_body(code: str, message: str, field: str | None = None,
               job_id: str | None = None) -> dict[str, Any]:
    detail: dict[str, Any] = {"code": code, "message": message, "field": field,
                              "request_id": current_request_id()}
    if job_id is not None:
        detail["job_id"] = job_id
    return {"error": detail}


def error_response(code: str, message: str, field: str | None = None, *,
                   job_id: str | None = None, headers: dict[str, str] | None = None,
                   status: int | None = None) -> JSONResponse:
    """The JSON error answer for ``code``."""
    return JSONResponse(error_body(code, message, field, job_id),
                        status_code=status or status_for(code), headers=headers)


def portrait_error_response(exc: PortraitError) -> JSONResponse:
    if isinstance(exc, InternalError) or exc.code == "internal":
        return error_response("internal", INTERNAL_MESSAGE)
    return error_response(exc.code, exc.message, exc.field)


_LOC_SKIP = frozenset({"body", "query", "path", "header", "str", "int", "float", "bool"})


def _field_of(loc: tuple[Any, ...]) -> str:
    """Dotted field name; union-member tags (``str``, ``ImageInput``) are dropped."""
    parts = [str(p) for p in loc if str(p) not in _LOC_SKIP and not str(p)[:1].isupper()
             and "[" not in str(p)]
    return ".".join(parts) or "body"


def _most_useful(errors: list[Any]) -> Any:
    """The first error, preferring one that is not the plain-string branch of a union."""
    useful = [e for e in errors if not (e.get("type") == "string_type" and len(errors) > 1)]
    return (useful or errors)[0]


def validation_response(exc: RequestValidationError) -> JSONResponse:
    """400 for the most useful pydantic error, naming the field."""
    errors = list(exc.errors())
    first = _most_useful(errors) if errors else {"loc": (), "msg": "invalid request",
                                                 "type": ""}
    field = _field_of(tuple(first.get("loc", ())))
    code = "param.missing" if first.get("type") == "missing" else "param.invalid"
    message = f"{field}: {first.get('msg', 'invalid value')}"
    return error_response(code, message, field, status=400)


def install_error_handlers(app: FastAPI) -> None:
    """Every error of the app becomes the JSON error shape (no HTML, no traceback)."""

    async def on_portrait(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PortraitError)
        return portrait_error_response(exc)

    async def on_native(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, NativeHttpError)
        return error_response(exc.code, exc.message, exc.field, headers=exc.headers)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return validation_response(exc)

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "request")
        return error_response(code, str(exc.detail), status=exc.status_code,
                              headers=dict(exc.headers or {}))

    async def on_other(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s: %s", type(exc).__name__, exc)
        return error_response("internal", INTERNAL_MESSAGE)

    app.add_exception_handler(PortraitError, on_portrait)
    app.add_exception_handler(NativeHttpError, on_native)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_other)
