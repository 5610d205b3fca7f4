"""The DashScope HTTP surface: ``/api/v1/services/aigc/image-generation/generation`` and
``/api/v1/tasks`` (fetch, cancel, list). Auth is ``Authorization: Bearer <dashscope key>``
(the ``dashscope_api_key`` of ``portrait-studio keys create``), else 401 ``InvalidApiKey``.

Order of checks on submit: key (401) -> ``X-DashScope-Async: enable`` (403 ``AccessDenied``:
the endpoint is async-only) -> rate, 2 submits/s per key (429 ``Throttling.RateQuota``) ->
body (400) -> downloads -> queue (429 ``Throttling.AllocationQuota`` when full). Every answer
is JSON with ``Content-Type: application/json`` and a ``request_id``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ....errors import JobNotFound
from ....jobs import defaults
from ....jobs.model import Job, JobState
from ....logging import current_request_id
from ....studio import Studio
from . import repaint
from .errors import (
    INVALID_API_KEY,
    INVALID_API_KEY_MESSAGE,
    DashScopeError,
    error_response,
    json_response,
    to_wire,
)

log = logging.getLogger(__name__)
SUBMIT_PATH = "/api/v1/services/aigc/image-generation/generation"
CANCEL_NOT_PENDING = ("Failed to cancel the task, please confirm if the task is in PENDING "
                      "status.")
Handler = Callable[[Studio, str, str], Response]


def _studio(request: Request) -> Studio:
    studio: Studio = request.app.state.studio
    return studio


def tenant_of(studio: Studio, request: Request) -> str:
    """The tenant of the presented DashScope key; 401 InvalidApiKey otherwise."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    principal = (studio.authenticate("dashscope", key.strip())
                 if scheme.lower() == "bearer" and key.strip() else None)
    if principal is None:
        raise DashScopeError(401, INVALID_API_KEY, INVALID_API_KEY_MESSAGE)
    return principal.tenant


def _base_url(studio: Studio, request: Request) -> str:
    return studio.settings.public_url or str(request.base_url).rstrip("/")


async def _answer(request: Request, action: str | None,
                  handler: Callable[[Studio, str], Response]) -> Response:
    """Authenticate, rate-limit ``action``, run ``handler`` in a thread; errors as JSON."""
    studio, rid = _studio(request), current_request_id() or ""
    try:
        tenant = tenant_of(studio, request)
        if action == defaults.ACTION_DASHSCOPE_SUBMIT and \
                request.headers.get("x-dashscope-async", "").strip().lower() != "enable":
            raise DashScopeError(403, "AccessDenied", "current user api does not support "
                                 "synchronous calls; send the header X-DashScope-Async: enable")
        if action is not None:
            studio.check_rate(tenant, action)
        return await run_in_threadpool(handler, studio, tenant)
    except Exception as exc:  # every failure becomes a DashScope error body
        err = to_wire(exc)
        if err.status >= 500:
            log.exception("dashscope %s failed", request.url.path)
        return error_response(err, rid)


async def _json_body(request: Request, limit: int) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > limit:
        raise DashScopeError(413, "BadRequest.TooLarge", f"the request body is larger than "
                             f"{limit} bytes")
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DashScopeError(400, "InvalidParameter", f"the body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        raise DashScopeError(400, "InvalidParameter", "the body must be a JSON object")
    return body


def create_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.post(SUBMIT_PATH)
    async def submit(request: Request) -> Response:
        rid = current_request_id() or ""
        try:
            body = await _json_body(request, _studio(request).settings.max_request_bytes)
        except DashScopeError as err:
            return error_response(err, rid)

        def run(studio: Studio, tenant: str) -> Response:
            job = repaint.submit(studio, tenant, body, rid)
            return json_response({"output": {"task_id": job.external_id,
                                             "task_status": "PENDING"}, "request_id": rid})

        return await _answer(request, defaults.ACTION_DASHSCOPE_SUBMIT, run)

    @router.get("/api/v1/tasks/{task_id}")
    async def fetch(task_id: str, request: Request) -> Response:
        rid = current_request_id() or ""

        def run(studio: Studio, tenant: str) -> Response:
            job = _find(studio, tenant, task_id)
            if job is None:
                return json_response(repaint.unknown_task(task_id, rid))
            return json_response(repaint.task_body(studio, job, _base_url(studio, request), rid))

        return await _answer(request, defaults.ACTION_DASHSCOPE_QUERY, run)

    @router.post("/api/v1/tasks/{task_id}/cancel")
    async def cancel(task_id: str, request: Request) -> Response:
        rid = current_request_id() or ""

        def run(studio: Studio, tenant: str) -> Response:
            job = _find(studio, tenant, task_id)
            if job is None:
                raise DashScopeError(404, "NotFound", f"task {task_id} does not exist")
            if studio.cancel(tenant, job.id, queued_only=True).state is not JobState.CANCELED:
                raise DashScopeError(400, "UnsupportedOperation", CANCEL_NOT_PENDING)
            return json_response({"request_id": rid})

        return await _answer(request, defaults.ACTION_DASHSCOPE_QUERY, run)

    @router.get("/api/v1/tasks")
    async def list_tasks(request: Request) -> Response:
        rid = current_request_id() or ""

        def run(studio: Studio, tenant: str) -> Response:
            return json_response(repaint.list_body(studio, tenant, dict(request.query_params),
                                                   rid))

        return await _answer(request, defaults.ACTION_DASHSCOPE_QUERY, run)

    return router


def _find(studio: Studio, tenant: str, task_id: str) -> Job | None:
    """The live job of ``tenant`` with this task id, or None."""
    try:
        return studio.find(tenant, task_id)
    except JobNotFound:
        return None
