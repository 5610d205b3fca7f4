"""DashScope errors: ``{"code", "message", "request_id"}`` with a non-2xx HTTP status.

:class:`DashScopeError` is a wire error (status + DashScope code). Library errors
(:class:`~portrait_studio.errors.PortraitError`) are translated with :data:`CODES`; a failed
task carries the same code in ``output.code`` of an HTTP 200 task answer (protocols README
section 5.4). Image problems: an unreachable, refused or non-image URL is ``InvalidURL``; an
image outside 256x256 .. 5760x3240 or over 10 MB is ``InvalidImageResolution`` (seed 004).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType

from fastapi.responses import Response

from ....errors import InternalError, PortraitError

CONTENT_TYPE = "application/json"
INVALID_API_KEY = "InvalidApiKey"
INVALID_API_KEY_MESSAGE = "Invalid API-key provided."
RATE_QUOTA_MESSAGE = "Requests rate limit exceeded, please try again later."
INTERNAL_MESSAGE = "An internal error has occurred, please try again later or contact service support."

#: library code (or family ``image.*``) -> (HTTP status, DashScope code)
CODES: Mapping[str, tuple[int, str]] = MappingProxyType({
    "image.download_failed": (400, "InvalidURL"),
    "image.url_not_allowed": (400, "InvalidURL"),
    "image.undecodable": (400, "InvalidURL"),
    "image.unsupported_format": (400, "InvalidURL"),
    "image.empty": (400, "InvalidURL"),
    "image.too_small": (400, "InvalidImageResolution"),
    "image.too_large": (400, "InvalidImageResolution"),
    "image.bytes_too_large": (400, "InvalidImageResolution"),
    "image.*": (400, "InvalidURL"),
    "face.*": (400, "InvalidParameter"),
    "param.*": (400, "InvalidParameter"),
    "limit.rate": (429, "Throttling.RateQuota"),
    "limit.queue_full": (429, "Throttling.AllocationQuota"),
    "job.not_found": (404, "NotFound"),
    "job.timeout": (500, "InternalError.Timeout"),
    "job.worker_lost": (500, "InternalError.Algo"),
    "model.unavailable": (503, "ModelUnavailable"),
    "internal": (500, "InternalError"),
})


class DashScopeError(Exception):
    """An error to render as ``{"code", "message", "request_id"}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def lookup(code: str) -> tuple[int, str]:
    """(HTTP status, DashScope code) of a library error code."""
    family = code.split(".", 1)[0] + ".*"
    return CODES.get(code) or CODES.get(family) or CODES["internal"]


def to_wire(exc: BaseException) -> DashScopeError:
    """Any exception as a DashScope error; internal ones get a generic message."""
    if isinstance(exc, DashScopeError):
        return exc
    if isinstance(exc, PortraitError) and not isinstance(exc, InternalError):
        status, code = lookup(exc.code)
        message = RATE_QUOTA_MESSAGE if code == "Throttling.RateQuota" else exc.message
        return DashScopeError(status, code, message)
    return DashScopeError(500, "InternalError", INTERNAL_MESSAGE)


def json_response(body: Mapping[str, object], status: int = 200) -> Response:
    """Compact JSON with ``Content-Type: application/json`` (what the SDK parses)."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(data, status_code=status, media_type=CONTENT_TYPE)


def error_response(err: DashScopeError, request_id: str) -> Response:
    return json_response({"code": err.code, "message": err.message, "request_id": request_id},
                         err.status)
