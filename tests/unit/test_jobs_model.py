"""Job states, the rate limiter, defaults and the executor context."""

from __future__ import annotations

from typing import Any

import pytest

from portrait_studio.errors import InternalError, MissingParameter
from portrait_studio.jobs import defaults
from portrait_studio.jobs.executors import (
    CancelRequested,
    ExecutionContext,
    ExecutionResult,
    ExecutorRegistry,
    Output,
)
from portrait_studio.jobs.limits import JobLimits, RateLimiter
from portrait_studio.jobs.model import Job, JobState


def test_terminal_states() -> None:
    terminal = {s for s in JobState if s.is_terminal()}
    assert terminal == {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELED,
                        JobState.EXPIRED}
    assert JobState("queued") is JobState.QUEUED
    assert isinstance(JobState.RUNNING, str) and JobState.RUNNING.value == "running"
    assert f"{JobState.EXPIRED}" == "expired" and str(JobState.FAILED) == "failed"


@pytest.mark.parametrize(("old", "new", "ok"), [
    ("queued", "running", True), ("queued", "canceled", True), ("queued", "succeeded", False),
    ("running", "succeeded", True), ("running", "failed", True), ("running", "queued", True),
    ("succeeded", "expired", True), ("failed", "expired", True), ("canceled", "expired", True),
    ("succeeded", "running", False), ("expired", "queued", False), ("queued", "expired", False),
])
def test_transitions(old: str, new: str, ok: bool) -> None:
    assert JobState(old).can_become(JobState(new)) is ok


def test_job_to_dict_is_json_ready() -> None:
    job = Job(id="j", tenant="t", product="fusion", inputs={"faces": ["a", "b"]})
    data = job.to_dict()
    assert data["state"] == "queued" and data["inputs"] == {"faces": ["a", "b"]}
    assert job.input_keys() == ["a", "b"]


def test_rate_limiter_two_per_second() -> None:
    limiter = RateLimiter({"FuseFaceUltra": 2.0})
    assert limiter.allow("t", "FuseFaceUltra", now=100.0)
    assert limiter.allow("t", "FuseFaceUltra", now=100.1)
    assert not limiter.allow("t", "FuseFaceUltra", now=100.2)
    assert limiter.retry_after("t", "FuseFaceUltra", now=100.2) == pytest.approx(0.3)
    assert limiter.allow("t2", "FuseFaceUltra", now=100.2)  # per tenant
    assert limiter.allow("t", "FuseFaceUltra", now=100.6)  # 0.5 s after the first call
    assert not limiter.allow("t", "FuseFaceUltra", now=100.6)
    assert limiter.allow("t", "Unlisted", now=100.6)


def test_rate_limiter_injected_clock_and_burst() -> None:
    now = [0.0]
    limiter = RateLimiter({"a": 2.0, "slow": 0.5}, clock=lambda: now[0])
    assert [limiter.allow("t", "a") for _ in range(3)] == [True, True, False]
    now[0] = 0.5
    assert [limiter.allow("t", "a") for _ in range(2)] == [True, False]
    now[0] = 10.0  # idle time never exceeds the burst
    assert [limiter.allow("t", "a") for _ in range(3)] == [True, True, False]
    assert [limiter.allow("t", "slow") for _ in range(2)] == [True, False]  # burst >= 1
    now[0] = 12.0
    assert limiter.allow("t", "slow")


def test_defaults_tables() -> None:
    assert defaults.RATE_LIMITS["FuseFaceUltra"] == 2.0
    assert defaults.RATE_LIMITS[defaults.ACTION_DASHSCOPE_SUBMIT] == 2.0
    assert defaults.RATE_LIMITS["CreateSceneAigcImageTask"] == 20.0
    assert defaults.retention_for("fusion") == 86400 and defaults.retention_for("glam") == 3600
    assert defaults.retention_for("try_on") == 7 * 86400
    assert defaults.product_limits(4) == {"glam": 1, "repaint": 1}
    assert defaults.product_limits(4, {"fusion": 2, "glam": 3}) == {
        "glam": 3, "repaint": 1, "fusion": 2}
    assert JobLimits().product_concurrency == {"glam": 1, "repaint": 1}
    assert JobLimits().max_attempts == 2


def _context(job: Job, beats: list[Any], answer: bool = True) -> ExecutionContext:
    blobs = {"k1": b"one", "k2": b"two"}

    def heartbeat(progress: float | None, report: Any) -> bool:
        beats.append((progress, report))
        return answer

    return ExecutionContext(job, blobs.__getitem__, heartbeat, min_interval_s=0.0)


def test_execution_context_inputs_and_progress() -> None:
    job = Job(id="j", tenant="t", product="p", params={"x": 1},
              inputs={"faces": ["k1", "k2"], "gone": ["k9"]})
    beats: list[Any] = []
    ctx = _context(job, beats)
    assert ctx.params == {"x": 1} and ctx.input_names() == ["faces", "gone"]
    assert ctx.inputs("faces") == [b"one", b"two"] and ctx.input("faces", 1) == b"two"
    assert ctx.inputs("none") == [] and ctx.input_count("faces") == 2
    with pytest.raises(MissingParameter) as info:
        ctx.input("template")
    assert info.value.field == "template"
    with pytest.raises(InternalError):
        ctx.input("gone")
    ctx.progress(1.7, stage="blend")
    assert beats == [(1.0, {"stage": "blend"})]
    assert not ctx.canceled()


def test_execution_context_cancel() -> None:
    beats: list[Any] = []
    ctx = _context(Job(id="j", tenant="t", product="p"), beats, answer=False)
    with pytest.raises(CancelRequested):
        ctx.raise_if_canceled()
    assert ctx.canceled() and len(beats) == 1  # once stopped, no more store hits


def test_registry() -> None:
    registry = ExecutorRegistry()
    registry.register("echo", lambda ctx: ExecutionResult([Output(b"x", "image/png")]))
    assert "echo" in registry and registry.products() == ["echo"]
    assert registry.get("echo")(_context(Job(id="j", tenant="t", product="echo"), [])) \
        == ExecutionResult([Output(b"x", "image/png")], {})
    with pytest.raises(InternalError) as info:
        registry.get("glam")
    assert "glam" in info.value.message and "echo" in info.value.message
    assert ExecutionResult.of([(b"a", "image/jpeg")], {"n": 1}).outputs[0].media_type \
        == "image/jpeg"
