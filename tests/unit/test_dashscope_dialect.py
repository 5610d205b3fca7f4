"""The DashScope dialect without a server: body checks, task views, list paging, error table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portrait_studio.errors import (
    ImageDownloadFailed,
    ImageTooSmall,
    JobNotFound,
    MissingParameter,
    ParameterError,
    error_class,
)
from portrait_studio.jobs.model import Job, JobState
from portrait_studio.server.dialects.dashscope import repaint as ds
from portrait_studio.server.dialects.dashscope.errors import DashScopeError, lookup, to_wire

CAPTURES = Path(__file__).resolve().parents[1] / "fixtures" / "protocols"
BODY = {"model": "wanx-style-repaint-v1", "parameters": {},
        "input": {"image_url": "https://example.com/portrait.jpg", "style_index": 3}}


def _error(body: dict[str, Any]) -> DashScopeError:
    with pytest.raises(DashScopeError) as info:
        ds.submit_input(body)
    return info.value


def test_captured_sdk_body_is_accepted() -> None:
    captured = [e for e in json.loads((CAPTURES / "dashscope_2.0.2.json").read_text())
                if e.get("method") == "POST"]
    assert captured, "no captured submit"
    body = json.loads(captured[0]["body"])
    assert ds.submit_input(body) == {"image_url": "https://example.com/portrait.jpg",
                                     "style_index": 3}


@pytest.mark.parametrize("change, status, code, fragment", [
    ({"model": None}, 400, "BadRequest.EmptyModel", "model"),
    ({"model": "qwen-vl"}, 400, "InvalidParameter", "model"),
    ({"input": None}, 400, "BadRequest.EmptyInput", "input"),
    ({"input": "x"}, 400, "InvalidParameter", "input"),
    ({"input": {"style_index": 1}}, 400, "InvalidParameter", "input.image_url"),
    ({"input": {"image_url": "u", "style_index": 1.5}}, 400, "InvalidParameter",
     "input.style_index"),
    ({"input": {"image_url": "u", "style_index": True}}, 400, "InvalidParameter",
     "input.style_index"),
    ({"input": {"image_url": "u", "style_index": -2}}, 400, "InvalidParameter",
     "input.style_index"),
    ({"input": {"image_url": "u", "style_index": -1}}, 400, "InvalidParameter",
     "input.style_ref_url"),
    ({"input": {"image_url": "u", "style_index": 2, "style_ref_url": "r"}}, 400,
     "InvalidParameter", "input.style_ref_url"),
])
def test_bad_bodies(change: dict[str, Any], status: int, code: str, fragment: str) -> None:
    body = {k: v for k, v in {**BODY, **change}.items() if v is not None}
    err = _error(body)
    assert (err.status, err.code) == (status, code) and fragment in err.message


def test_custom_style_needs_and_keeps_the_reference() -> None:
    body = {**BODY, "input": {"image_url": "u", "style_index": -1, "style_ref_url": " r "}}
    assert ds.submit_input(body) == {"image_url": "u", "style_index": -1, "style_ref_url": "r"}


@pytest.mark.parametrize("code, status, wire", [
    ("image.download_failed", 400, "InvalidURL"),
    ("image.url_not_allowed", 400, "InvalidURL"),
    ("image.undecodable", 400, "InvalidURL"),
    ("image.too_small", 400, "InvalidImageResolution"),
    ("image.too_large", 400, "InvalidImageResolution"),
    ("image.bytes_too_large", 400, "InvalidImageResolution"),
    ("param.invalid", 400, "InvalidParameter"),
    ("limit.rate", 429, "Throttling.RateQuota"),
    ("limit.queue_full", 429, "Throttling.AllocationQuota"),
    ("internal", 500, "InternalError"),
    ("something.new", 500, "InternalError"),
])
def test_error_table(code: str, status: int, wire: str) -> None:
    assert lookup(code) == (status, wire)


def test_to_wire_hides_internal_details() -> None:
    err = to_wire(RuntimeError("/secret/path exploded"))
    assert (err.status, err.code) == (500, "InternalError") and "secret" not in err.message
    rate = to_wire(error_class("limit.rate")("x is limited", field="rate"))
    assert rate.message == "Requests rate limit exceeded, please try again later."


def test_error_class_rebuilds_recorded_errors() -> None:
    assert error_class("image.download_failed") is ImageDownloadFailed
    assert error_class("image.too_small") is ImageTooSmall
    assert error_class("param.missing") is MissingParameter
    assert error_class("param.invalid") is ParameterError
    assert error_class("job.not_found") is JobNotFound
    assert error_class("no.such.code").code == "internal"


# --- views -------------------------------------------------------------------------------------

class FakeStudio:
    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs

    def result_url(self, job: Job, index: int, base_url: str | None = None) -> str:
        return f"{base_url}/v1/results/{job.id}/{index}.jpg?expires=1&sig=x"

    def list(self, tenant: str, *, state: JobState | None = None, limit: int = 50,
             offset: int = 0) -> list[Job]:
        return [j for j in self.jobs if state is None or j.state is state][:limit]


T0 = 1_700_000_000.0  # 2023-11-15 06:13:20 +08:00 = 2023-11-14 22:13:20 UTC


def job(state: JobState, n: int = 0, **extra: Any) -> Job:
    fields: dict[str, Any] = {
        "created_at": T0 + n, "started_at": T0 + n + 1,
        "finished_at": T0 + n + 3 if state.is_terminal() else None,
        "results": ["r/0.jpg"] if state is JobState.SUCCEEDED else [], **extra}
    return Job(id=f"j{n}", tenant="t", product="repaint", state=state, external_id=f"task-{n}",
               params={"style_index": 7}, **fields)


def test_succeeded_task_view() -> None:
    body = ds.task_body(FakeStudio([]), job(JobState.SUCCEEDED), "http://h", "rid")  # type: ignore[arg-type]
    url = "http://h/v1/results/j0/0.jpg?expires=1&sig=x"
    assert body == {"request_id": "rid", "usage": {"image_count": 1}, "output": {
        "task_id": "task-0", "task_status": "SUCCEEDED",
        "submit_time": "2023-11-15 06:13:20.000", "scheduled_time": "2023-11-15 06:13:21.000",
        "start_time": "2023-11-15 06:13:21.000", "end_time": "2023-11-15 06:13:23.000",
        "style_index": 7, "error_code": 0, "error_message": "Success",
        "results": [{"url": url}], "result_url": url,
        "task_metrics": {"TOTAL": 1, "SUCCEEDED": 1, "FAILED": 0}}}


def test_failed_running_pending_views() -> None:
    studio: Any = FakeStudio([])
    failed = job(JobState.FAILED, error_code="image.too_small", error_message="too small")
    out = ds.task_body(studio, failed, "http://h", "r")
    assert (out["output"]["code"], out["output"]["message"]) == ("InvalidImageResolution",
                                                                "too small")
    assert out["usage"] == {"image_count": 0}
    running = ds.task_body(studio, job(JobState.RUNNING), "http://h", "r")["output"]
    assert running["task_metrics"] == {"TOTAL": 1, "SUCCEEDED": 0, "FAILED": 0}
    pending = ds.task_body(studio, job(JobState.QUEUED, started_at=None), "http://h", "r")
    assert pending == {"request_id": "r", "output": {
        "task_id": "task-0", "task_status": "PENDING", "submit_time": "2023-11-15 06:13:20.000"}}


def test_list_filters_and_pages() -> None:
    jobs = [job(JobState.SUCCEEDED, n) for n in range(5)] + [job(JobState.CANCELED, 9)]
    studio: Any = FakeStudio(jobs)
    page = ds.list_body(studio, "t", {"page_no": "2", "page_size": "2"}, "r")
    assert [t["task_id"] for t in page["data"]] == ["task-2", "task-3"]
    assert (page["total"], page["total_page"], page["page_no"]) == (6, 3, 2)
    canceled = ds.list_body(studio, "t", {"status": "canceled"}, "r")
    assert [t["task_id"] for t in canceled["data"]] == ["task-9"]
    since = ds.list_body(studio, "t", {"start_time": "20231115061323"}, "r")
    assert [t["task_id"] for t in since["data"]] == ["task-3", "task-4", "task-9"]
    with pytest.raises(DashScopeError):
        ds.list_body(studio, "t", {"page_size": "500"}, "r")
    with pytest.raises(DashScopeError):
        ds.list_body(studio, "t", {"status": "DONE"}, "r")
