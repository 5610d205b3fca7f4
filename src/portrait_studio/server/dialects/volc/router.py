"""The Volcengine endpoint: ``POST /?Action=...&Version=2022-08-31`` signed with SignerV4.

It shares the path ``/`` with the Tencent endpoint: a request whose ``Authorization`` starts
with ``HMAC-SHA256 `` (or that carries ``X-Date`` and an ``Action`` query) is Volcengine's.
Order of checks: Action/Version present (``MissingParameter``) -> signature
(``SignatureDoesNotMatch``, ``InvalidTimestamp``, ``InvalidAccessKey``, ``MissingSignature``)
-> action and version known (``InvalidActionOrVersion``) -> rate (50429) -> body -> action.
Gateway errors use ``ResponseMetadata.Error``; business answers the
``{code, data, message, request_id, status, time_elapsed}`` envelope, errors with their HTTP
status (400/429/500) and ``data: null``.
"""

from __future__ import annotations

import importlib
import json
import logging
import secrets
import time
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ....errors import JobNotFound, ParameterError
from ....pipelines.restyle import DEFAULT_BLOCKLIST
from ....settings import Settings
from ....studio import Studio
from . import restyle
from .errors import VolcGatewayError, business, missing_parameter
from .errors import invalid_action as invalid_action_error
from .signature import REGION, SERVICE, VolcRequest, verify

log = logging.getLogger(__name__)
VERSION = "2022-08-31"
SUBMIT, GET_RESULT = "CVSync2AsyncSubmitTask", "CVSync2AsyncGetResult"
CST = timezone(timedelta(hours=8))


def is_volc(request: Request) -> bool:
    """Whether a request to ``/`` is meant for this endpoint."""
    auth = request.headers.get("authorization", "")
    query = request.url.query
    return auth.startswith("HMAC-SHA256 ") or ("x-date" in request.headers
                                               and "Action=" in query)


def new_request_id() -> str:
    """``YYYYMMDDHHMMSS`` (UTC+8) + 20 upper-case hex digits, as the vendor's."""
    return datetime.now(CST).strftime("%Y%m%d%H%M%S") + secrets.token_hex(10).upper()


def elapsed(started: float) -> str:
    """A Go duration string: ``104.852309ms`` or ``16.52978614s``."""
    seconds = time.perf_counter() - started
    return f"{seconds * 1000:.6f}ms" if seconds < 1 else f"{seconds:.8f}s"


def _json(body: dict[str, Any], status: int = 200) -> Response:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(data, status_code=status, media_type="application/json")


def envelope(code: int, data: Any, message: str, rid: str, started: float,
             status: int = 200) -> Response:
    return _json({"code": code, "data": data, "message": message, "request_id": rid,
                  "status": code, "time_elapsed": elapsed(started)}, status)


def gateway(err: VolcGatewayError, rid: str, action: str, version: str) -> Response:
    return _json({"ResponseMetadata": {
        "RequestId": rid, "Action": action, "Version": version, "Service": SERVICE,
        "Region": REGION, "Error": {"CodeN": err.code_n, "Code": err.code,
                                    "Message": err.message}}}, err.status)


def load_hook(spec: str) -> restyle.Moderation | None:
    """The moderation hook named ``package.module:function`` (None when empty)."""
    if not spec.strip():
        return None
    module, _, name = spec.partition(":")
    hook = getattr(importlib.import_module(module.strip()), name.strip())
    if not callable(hook):
        raise ParameterError(f"moderation_hook {spec!r} is not callable",
                             field="moderation_hook")
    return hook  # type: ignore[no-any-return]


class VolcEndpoint:
    """Answers Volcengine requests for one server (settings read once)."""

    def __init__(self, settings: Settings) -> None:
        self.window_s = settings.volc_signature_window_s
        self.blocklist = settings.prompt_blocklist or DEFAULT_BLOCKLIST
        self.hook = load_hook(settings.moderation_hook)

    async def __call__(self, request: Request) -> Response:
        studio: Studio = request.app.state.studio
        body = await request.body()
        req = VolcRequest(request.method, request.url.query, dict(request.headers), body, "/")
        base_url = studio.settings.public_url or str(request.base_url).rstrip("/")
        return await run_in_threadpool(self.handle, studio, req, base_url)

    def handle(self, studio: Studio, req: VolcRequest, base_url: str) -> Response:
        """Any request -> a gateway error, a business error or the action's answer."""
        started, rid = time.perf_counter(), new_request_id()
        query = dict(parse_qsl(req.query, keep_blank_values=True))
        action, version = query.get("Action", ""), query.get("Version", "")
        try:
            tenant = self._authenticate(studio, req, action, version)
        except VolcGatewayError as refused:
            return gateway(refused, rid, action, version)
        try:
            studio.check_rate(tenant, action)
            data = self._run(studio, tenant, action, req.body, rid, base_url)
            return envelope(10000, data, "Success", rid, started)
        except Exception as exc:  # every failure becomes a business error envelope
            err = business(exc)
            if err.status >= 500:
                log.exception("volc %s failed", action)
            return envelope(err.code, None, err.message, rid, started, err.status)

    def _authenticate(self, studio: Studio, req: VolcRequest, action: str,
                      version: str) -> str:
        if not action:
            raise missing_parameter("Action")
        if not version:
            raise missing_parameter("Version")
        lookup, tenants = studio.secret_lookup("volc")
        access_key = verify(req, lookup, now=time.time(), window_s=self.window_s)
        if action not in (SUBMIT, GET_RESULT) or version != VERSION:
            raise invalid_action_error(action, version)
        return tenants[access_key]

    def _run(self, studio: Studio, tenant: str, action: str, raw: bytes, rid: str,
             base_url: str) -> dict[str, Any]:
        body = _body(raw)
        if action == SUBMIT:
            task_id = restyle.submit(studio, tenant, body, rid, self.blocklist, self.hook)
            return {"task_id": task_id}
        return self._result(studio, tenant, body, rid, base_url)

    def _result(self, studio: Studio, tenant: str, body: dict[str, Any], rid: str,
                base_url: str) -> dict[str, Any]:
        if body.get("req_key") != restyle.REQ_KEY:
            raise ParameterError(f"req_key: must be {restyle.REQ_KEY}", field="req_key")
        task_id = body.get("task_id")
        if not isinstance(task_id, str) or not task_id.strip():
            raise ParameterError("task_id: must be the task id string", field="task_id")
        options = restyle.result_options(body.get("req_json"))
        try:
            job = studio.find(tenant, task_id.strip())
        except JobNotFound:
            return {"status": "not_found"}
        return restyle.result_data(studio, job, options, base_url, rid)


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParameterError(f"body: not valid JSON ({exc})", field="body") from None
    if not isinstance(body, dict):
        raise ParameterError("body: must be a JSON object", field="body")
    return body

