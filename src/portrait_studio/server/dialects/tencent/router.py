"""The Tencent Cloud API 3.0 endpoint: ``POST /`` (and ``POST /?``), ``GET /``.

Dispatch follows protocols README section 0: the action comes from ``X-TC-Action`` (TC3) or the
``Action`` parameter (legacy v1, GET query or POST form); the product from the credential scope
(TC3) or, for v1, from the action name and version. Order of checks: missing action/version
-> ``MissingParameter``; signature -> ``AuthFailure.*``; unknown action -> ``InvalidAction``;
wrong version -> ``NoSuchVersion``; missing region -> ``MissingParameter``; rate ->
``RequestLimitExceeded``; parameters (``UnknownParameter``, ``InvalidParameter``,
``MissingParameter``); then the action adapter runs (errors through the product's table).

Every answer is HTTP 200, ``Content-Type: application/json`` exactly, with a ``RequestId``.
Limits: GET query <= 32 KB; POST bodies <= ``settings.max_request_bytes`` (more generous than
Tencent's 10 MB so that per-image limits can answer ``ImageSizeExceed`` precisely), else
``RequestSizeLimitExceeded``. ``X-TC-Token`` is accepted and ignored (no STS here).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ....errors import PortraitError
from ....jobs.model import Job
from ....logging import current_request_id
from ....studio import Studio
from . import errors as E
from .envelope import (
    CONTENT_TYPE,
    TencentResponse,
    error_response,
    new_request_id,
    success_response,
)
from .errors import TencentApiError, table_for, to_wire_error
from .params import COMMON_PARAMS, ParamSchema, parse_flat, parse_json
from .signature import SignedRequest, Verified, is_v1, v1_params, verify_request

log = logging.getLogger(__name__)
MAX_QUERY_BYTES = 32 * 1024


@dataclass(frozen=True)
class ActionCall:
    """What an action adapter gets: the studio, who called, typed params, where we are."""

    studio: Studio
    tenant: str
    request_id: str
    params: dict[str, Any]
    base_url: str
    region: str | None
    observe: Callable[[Job], None]


ActionHandler = Callable[[ActionCall], Mapping[str, Any]]


@dataclass(frozen=True)
class TencentAction:
    """One action of one product and version, with its schema and adapter."""

    service: str
    version: str
    name: str
    schema: ParamSchema
    handler: ActionHandler
    region_required: bool = True


@dataclass(frozen=True)
class _Request:
    """The routing facts of one request, before and after authentication."""

    action: str
    version: str
    region: str | None
    flat: list[tuple[str, str]] | None  # GET/form params; None for a JSON body


def _missing(name: str) -> TencentApiError:
    return TencentApiError(E.MISSING_PARAMETER,
                           f"The request is missing a required parameter `{name}`.")


def _flat_pairs(req: SignedRequest) -> list[tuple[str, str]] | None:
    """GET query or form body pairs of a TC3 request; None when the body is JSON."""
    if req.method.upper() == "GET":
        return parse_qsl(req.query, keep_blank_values=True)
    kind = (req.header("content-type") or "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True)
    if kind == "application/json":
        return None
    raise TencentApiError(E.INVALID_REQUEST if kind.startswith("multipart/")
                          else E.UNSUPPORTED_PROTOCOL,
                          f"Content-Type {kind or '(none)'} is not supported; send "
                          "application/json (POST) or a query string (GET).")


def _routing(req: SignedRequest) -> _Request:
    if is_v1(req):
        params = v1_params(req)
        action, version = params.get("Action"), params.get("Version")
        region = params.get("Region") or None
        flat: list[tuple[str, str]] | None = list(params.items())
        names = ("Action", "Version")
    else:
        action, version = req.header("x-tc-action"), req.header("x-tc-version")
        region = (req.header("x-tc-region") or "").strip() or None
        flat = _flat_pairs(req)
        names = ("X-TC-Action", "X-TC-Version")
    if not action:
        raise _missing(names[0])
    if not version:
        raise _missing(names[1])
    return _Request(action.strip(), version.strip(), region, flat)


class TencentDialect:
    """Dispatches signed requests to registered :class:`TencentAction` adapters."""

    def __init__(self, actions: Sequence[TencentAction]) -> None:
        self.actions = list(actions)
        self.services = sorted({a.service for a in self.actions})

    def _resolve(self, name: str, version: str, service: str | None) -> TencentAction:
        found = [a for a in self.actions if a.name == name
                 and (service is None or a.service == service)]
        if not found:
            where = f" of service {service}" if service else ""
            raise TencentApiError(E.INVALID_ACTION, f"The action `{name}`{where} is not valid.")
        for action in found:
            if action.version == version:
                return action
        versions = ", ".join(sorted({a.version for a in found}))
        raise TencentApiError(E.NO_SUCH_VERSION, f"The API version `{version}` of `{name}` "
                              f"does not exist; supported: {versions}.")

    def _authenticate(self, studio: Studio, req: SignedRequest) -> tuple[Verified, str]:
        lookup, owners = studio.secret_lookup("tencent")
        verified = verify_request(req, lookup, now=time.time(), services=self.services,
                                  window_s=studio.settings.signature_window_s)
        return verified, owners[verified.secret_id]

    def _params(self, action: TencentAction, routing: _Request,
                req: SignedRequest) -> dict[str, Any]:
        if routing.flat is None:
            return parse_json(req.body, action.schema)
        pairs = [(k, v) for k, v in routing.flat if k not in COMMON_PARAMS]
        return parse_flat(pairs, action.schema)

    def prepare(self, studio: Studio, req: SignedRequest, request_id: str, base_url: str,
                observe: Callable[[Job], None]) -> tuple[TencentAction, ActionCall]:
        """Everything before the adapter runs (see module docstring for the order)."""
        routing = _routing(req)
        verified, tenant = self._authenticate(studio, req)
        action = self._resolve(routing.action, routing.version, verified.service)
        if action.region_required and not routing.region:
            raise _missing("X-TC-Region" if verified.params is None else "Region")
        studio.check_rate(tenant, action.name)
        params = self._params(action, routing, req)
        return action, ActionCall(studio, tenant, request_id, params, base_url, routing.region,
                                  observe)

    def handle(self, studio: Studio, req: SignedRequest, request_id: str, base_url: str,
               observe: Callable[[Job], None] = lambda job: None
               ) -> tuple[TencentResponse, str, str]:
        """``(response, action name, answer code)``; never raises."""
        service: str | None = None
        name = req.header("x-tc-action") or "-"
        try:
            action, call = self.prepare(studio, req, request_id, base_url, observe)
            service, name = action.service, action.name
            return success_response(action.handler(call), request_id), name, "OK"
        except Exception as exc:  # every failure becomes an error envelope
            if not isinstance(exc, TencentApiError | PortraitError):
                log.exception("unexpected error in Tencent action %s", name)
            wire = to_wire_error(exc, table_for(service))
            return error_response(wire.code, wire.message, request_id), name, wire.code


def _json(resp: TencentResponse) -> Response:
    return Response(resp.body, status_code=200, media_type=CONTENT_TYPE)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The raw body, or None when it is larger than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _base_url(studio: Studio, request: Request) -> str:
    host = request.headers.get("host") or f"{studio.settings.host}:{studio.settings.port}"
    return studio.settings.public_url or f"{request.url.scheme}://{host}"


Delegate = tuple[Callable[[Request], bool], Callable[[Request], Awaitable[Response]]]


def create_router(dialect: TencentDialect, on_call: Callable[[str, str], None] | None = None,
                  observe: Callable[[Job], None] | None = None,
                  delegate: Delegate | None = None) -> APIRouter:
    """``/`` for GET and POST (other methods: ``UnsupportedProtocol``). ``delegate`` =
    (predicate, handler) hands the requests the predicate claims to another dialect that
    shares the path (Volcengine)."""
    router = APIRouter(include_in_schema=False)

    @router.api_route("/", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    async def tencent_endpoint(request: Request) -> Response:
        if delegate is not None and delegate[0](request):
            return await delegate[1](request)
        studio: Studio = request.app.state.studio
        rid = current_request_id() or new_request_id()
        resp, name, code = await _answer(dialect, studio, request, rid, observe)
        if on_call is not None:
            on_call(name, code)
        log.info("tencent %s -> %s", name, code, extra={"action": name, "code": code})
        return _json(resp)

    return router


async def _answer(dialect: TencentDialect, studio: Studio, request: Request, rid: str,
                  observe: Callable[[Job], None] | None) -> tuple[TencentResponse, str, str]:
    name = request.headers.get("x-tc-action") or "-"
    if request.method not in ("GET", "POST"):
        return _error(E.UNSUPPORTED_PROTOCOL, f"HTTP method {request.method} is not "
                      "supported; use POST (JSON) or GET.", rid, name)
    query = request.scope.get("query_string", b"").decode("latin-1")
    body = await _read_body(request, studio.settings.max_request_bytes)
    if body is None or len(query) > MAX_QUERY_BYTES:
        return _error(E.REQUEST_SIZE_LIMIT_EXCEEDED, "The request is too large: GET queries "
                      f"may be {MAX_QUERY_BYTES} bytes, bodies "
                      f"{studio.settings.max_request_bytes} bytes.", rid, name)
    req = SignedRequest(request.method, query, dict(request.headers), body, "/")
    return await run_in_threadpool(dialect.handle, studio, req, rid, _base_url(studio, request),
                                   observe or (lambda job: None))


def _error(code: str, message: str, rid: str, name: str) -> tuple[TencentResponse, str, str]:
    return error_response(code, message, rid), name, code
