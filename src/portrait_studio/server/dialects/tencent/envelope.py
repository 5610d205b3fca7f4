"""Tencent Cloud API 3.0 response envelopes (protocols README section 0.5).

Every answer is HTTP 200 with ``Content-Type: application/json`` exactly (no charset: the
Python SDK ignores error envelopes otherwise) and a ``RequestId`` (uuid4):
success ``{"Response": {<fields>, "RequestId"}}``, error
``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import COMMON, ErrorTable, to_wire_error

CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class TencentResponse:
    """Bytes and headers of one answer; ``status`` is always 200."""

    body: bytes
    request_id: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": CONTENT_TYPE})


def new_request_id() -> str:
    """A fresh RequestId (uuid4, canonical 36-character form)."""
    return str(uuid.uuid4())


def _encode(response: dict[str, Any]) -> bytes:
    text = json.dumps({"Response": response}, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def success_response(fields: Mapping[str, Any], request_id: str | None = None) -> TencentResponse:
    """``{"Response": {**fields, "RequestId": ...}}``; a ``RequestId`` in ``fields`` is replaced."""
    rid = request_id or new_request_id()
    payload = {k: v for k, v in fields.items() if k != "RequestId"}
    payload["RequestId"] = rid
    return TencentResponse(_encode(payload), rid)


def error_response(code: str, message: str, request_id: str | None = None) -> TencentResponse:
    """``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}``."""
    rid = request_id or new_request_id()
    payload = {"Error": {"Code": code, "Message": message}, "RequestId": rid}
    return TencentResponse(_encode(payload), rid)


def exception_response(exc: BaseException, table: ErrorTable = COMMON,
                       request_id: str | None = None) -> TencentResponse:
    """Error envelope for any exception, translated through ``table`` (see errors.py)."""
    wire = to_wire_error(exc, table)
    return error_response(wire.code, wire.message, request_id)
