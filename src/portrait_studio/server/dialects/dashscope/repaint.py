"""wanx-style-repaint-v1 on "repaint" jobs: the submit body, task views and the task list.

Submit (``POST /api/v1/services/aigc/image-generation/generation``, seed 004 + protocols README
section 5): ``model`` must be ``wanx-style-repaint-v1``; ``input.image_url`` (string) and
``input.style_index`` (integer -1..9) are required, ``input.style_ref_url`` only with -1;
``parameters`` is accepted and ignored (the SDK always sends ``{}``). Malformed bodies answer
400 at once (``BadRequest.EmptyModel``/``EmptyInput``, ``InvalidParameter`` naming the field).
The images are downloaded at submit (SSRF-safe); a URL that cannot be fetched or is not an
image still becomes a task, which then FAILS with ``InvalidURL`` (as the vendor's tasks do);
sizes outside 256x256 .. 5760x3240 or over 10 MB fail it with ``InvalidImageResolution``.

Task views (``GET /api/v1/tasks/{id}``): ``task_status`` PENDING / RUNNING (with
``task_metrics``) / SUCCEEDED (``results[].url``, ``result_url``, ``usage.image_count``) /
FAILED (``code``, ``message``) / CANCELED / UNKNOWN (unknown, another key's, or expired).
Times are ``YYYY-MM-DD HH:MM:SS.mmm`` in China Standard Time (UTC+8), as the vendor's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from ....errors import ImageBytesTooLarge, PortraitError
from ....imaging.codec import image_info
from ....jobs.model import Job, JobState
from ....pipelines.repaint import CUSTOM_STYLE, STYLES, check_input_size
from ....studio import Studio
from .errors import DashScopeError, lookup

MODEL = "wanx-style-repaint-v1"
PRODUCT = "repaint"
FILE_MAX = 10 * 1024 * 1024
CST = timezone(timedelta(hours=8))
STATUS: Mapping[JobState, str] = {
    JobState.QUEUED: "PENDING", JobState.RUNNING: "RUNNING", JobState.SUCCEEDED: "SUCCEEDED",
    JobState.FAILED: "FAILED", JobState.CANCELED: "CANCELED"}
STATES_BY_STATUS = {word: state for state, word in STATUS.items()}
FIELDS = {"image_url", "style_index", "style_ref_url"}


def _bad(field: str, message: str) -> DashScopeError:
    return DashScopeError(400, "InvalidParameter", f"{field}: {message}")


# --- submit ---------------------------------------------------------------------------------

def check_model(body: Mapping[str, Any]) -> None:
    model = body.get("model")
    if model is None or model == "":
        raise DashScopeError(400, "BadRequest.EmptyModel", 'Required parameter "model" missing '
                             "from request.")
    if model != MODEL:
        raise DashScopeError(400, "InvalidParameter", f"model: {model!r} is not supported here; "
                             f"the only model is {MODEL}.")


def _url(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"input.{name}", "must be a non-empty string URL of an image")
    return value.strip()


def _style_index(data: Mapping[str, Any]) -> int:
    value = data.get("style_index")
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise _bad("input.style_index", f"must be an integer from {CUSTOM_STYLE} to "
                   f"{max(STYLES)}, got {value!r}")
    if not CUSTOM_STYLE <= int(value) <= max(STYLES):
        raise _bad("input.style_index", f"must be from {CUSTOM_STYLE} to {max(STYLES)}, got "
                   f"{int(value)}")
    return int(value)


def submit_input(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"image_url", "style_index"[, "style_ref_url"]}`` of a valid submit body."""
    check_model(body)
    data = body.get("input")
    if not data:
        raise DashScopeError(400, "BadRequest.EmptyInput", 'Required parameter "input" '
                             "missing from request.")
    if not isinstance(data, Mapping):
        raise _bad("input", "must be an object")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise _bad(f"input.{unknown[0]}", "is not a parameter of " + MODEL)
    out: dict[str, Any] = {"image_url": _url(data, "image_url"),
                           "style_index": _style_index(data)}
    if out["style_index"] == CUSTOM_STYLE:
        out["style_ref_url"] = _url(data, "style_ref_url")
    elif data.get("style_ref_url") not in (None, ""):
        raise _bad("input.style_ref_url", "is only used with style_index -1")
    return out


def fetch_checked(studio: Studio, url: str, field: str) -> bytes:
    """Download an input image and check its format and size (PortraitError otherwise)."""
    data = studio.fetch_url(url, field, max_bytes=FILE_MAX)
    if len(data) > FILE_MAX:
        raise ImageBytesTooLarge(f"{field}: the image is larger than 10 MB", field=field)
    _, width, height = image_info(data)
    check_input_size(width, height)
    return data


def submit(studio: Studio, tenant: str, body: Mapping[str, Any], request_id: str) -> Job:
    """Validate, download, queue; a download or image failure is queued as a failing task."""
    wanted = submit_input(body)
    params: dict[str, Any] = {"style_index": wanted["style_index"]}
    inputs: dict[str, list[bytes]] = {}
    try:
        inputs["image"] = [fetch_checked(studio, wanted["image_url"], "input.image_url")]
        if "style_ref_url" in wanted:
            inputs["style_ref"] = [fetch_checked(studio, wanted["style_ref_url"],
                                                 "input.style_ref_url")]
    except PortraitError as exc:
        if exc.code.startswith(("limit.", "internal")):
            raise
        inputs = {}
        params["input_error"] = {"code": exc.code, "message": exc.message, "field": exc.field}
    wire = {"protocol": "dashscope", "model": MODEL, "request_id": request_id, **wanted}
    return studio.submit(tenant, PRODUCT, params=params, inputs=inputs, wire=wire,
                         external_id=str(uuid.uuid4()))


# --- task views -----------------------------------------------------------------------------

def stamp(seconds: float | None) -> str | None:
    """``2024-05-16 14:54:35.385`` (UTC+8) or None."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, CST).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _times(job: Job) -> dict[str, str]:
    pairs = {"submit_time": job.created_at, "scheduled_time": job.started_at,
             "end_time": job.finished_at}
    return {k: v for k, v in ((k, stamp(t)) for k, t in pairs.items()) if v is not None}


def _metrics(succeeded: int, failed: int) -> dict[str, int]:
    return {"TOTAL": 1, "SUCCEEDED": succeeded, "FAILED": failed}


def task_body(studio: Studio, job: Job, base_url: str, request_id: str) -> dict[str, Any]:
    """The ``GET /api/v1/tasks/{id}`` answer of a live job."""
    status = STATUS.get(job.state, "UNKNOWN")
    output: dict[str, Any] = {"task_id": job.external_id, "task_status": status, **_times(job)}
    body: dict[str, Any] = {"request_id": request_id, "output": output}
    if status == "RUNNING":
        output["task_metrics"] = _metrics(0, 0)
    elif status == "SUCCEEDED":
        url = studio.result_url(job, 0, base_url)
        output.update(start_time=output.get("scheduled_time"),
                      style_index=job.params.get("style_index"), error_code=0,
                      error_message="Success", results=[{"url": url}], result_url=url,
                      task_metrics=_metrics(1, 0))
        body["usage"] = {"image_count": 1}
    elif status == "FAILED":
        output.update(code=lookup(job.error_code or "internal")[1],
                      message=job.error_message or "the task failed",
                      task_metrics=_metrics(0, 1))
        body["usage"] = {"image_count": 0}
    return body


def unknown_task(task_id: str, request_id: str) -> dict[str, Any]:
    return {"request_id": request_id, "output": {"task_id": task_id, "task_status": "UNKNOWN"}}


# --- list -----------------------------------------------------------------------------------

def _parse_time(value: str | None, field: str) -> float | None:
    """``20230420000000`` (UTC+8, the SDK's format) -> epoch seconds."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=CST).timestamp()
    except ValueError:
        raise _bad(field, f"must look like 20230420000000, got {value!r}") from None


def _page_number(value: str | None, field: str, default: int, high: int) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or not 1 <= int(value) <= high:
        raise _bad(field, f"must be an integer from 1 to {high}, got {value!r}")
    return int(value)


def list_item(job: Job) -> dict[str, Any]:
    return {"task_id": job.external_id, "status": STATUS.get(job.state, "UNKNOWN"),
            "model_name": MODEL, "gmt_create": stamp(job.created_at),
            "gmt_modified": stamp(job.finished_at or job.started_at or job.created_at)}


def list_body(studio: Studio, tenant: str, query: Mapping[str, str],
              request_id: str) -> dict[str, Any]:
    """``GET /api/v1/tasks``: this key's repaint tasks, newest first, filtered and paged."""
    page_no = _page_number(query.get("page_no"), "page_no", 1, 10_000)
    page_size = _page_number(query.get("page_size"), "page_size", 10, 100)
    status = (query.get("status") or "").upper()
    if status and status not in STATES_BY_STATUS:
        raise _bad("status", f"must be one of {', '.join(STATES_BY_STATUS)}, got {status!r}")
    model = query.get("model_name")
    start = _parse_time(query.get("start_time"), "start_time")
    end = _parse_time(query.get("end_time"), "end_time")
    jobs = [j for j in studio.list(tenant, state=STATES_BY_STATUS.get(status), limit=1000)
            if j.product == PRODUCT and j.external_id and (not model or model == MODEL)
            and (start is None or j.created_at >= start) and (end is None or j.created_at <= end)]
    page = jobs[(page_no - 1) * page_size: page_no * page_size]
    return {"request_id": request_id, "data": [list_item(j) for j in page], "total": len(jobs),
            "total_page": -(-len(jobs) // page_size), "page_no": page_no,
            "page_size": page_size}
