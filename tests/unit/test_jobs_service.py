"""JobService with the SQLite store and local blobs; jobs run inline with run_job (no
processes); retention sweeps with an injected clock."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from portrait_studio.errors import (
    FaceTooSmall,
    JobNotFound,
    JobTimeout,
    ParameterError,
    QueueFull,
)
from portrait_studio.jobs.executors import ExecutionContext, ExecutionResult, ExecutorRegistry
from portrait_studio.jobs.limits import JobLimits
from portrait_studio.jobs.model import JobState
from portrait_studio.jobs.retention import sweep
from portrait_studio.jobs.runner import run_job
from portrait_studio.jobs.service import JobService
from portrait_studio.jobs.store import SqliteJobStore
from portrait_studio.storage import LocalBlobStore

T0 = 1_700_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def invert(ctx: ExecutionContext) -> ExecutionResult:
    data = ctx.input("image")
    ctx.progress(0.5, stage="invert")
    return ExecutionResult.of([(bytes(255 - b for b in data), "image/png")], {"n": len(data)})


def too_small(ctx: ExecutionContext) -> ExecutionResult:
    raise FaceTooSmall("face must be at least 34x34 pixels, got 20x20", field="faces",
                       min=34)


def crash(ctx: ExecutionContext) -> ExecutionResult:
    raise RuntimeError("boom " + repr(b"\x89PNG" * 2000))


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def service(tmp_path: Path, clock: Clock) -> JobService:
    store = SqliteJobStore(tmp_path / "jobs.sqlite3", clock=clock)
    limits = JobLimits(max_queued_per_tenant=3)
    return JobService(store, LocalBlobStore(tmp_path / "blobs"), limits)


def registry() -> ExecutorRegistry:
    return ExecutorRegistry({"invert": invert, "small": too_small, "crash": crash})


def run_next(service: JobService, worker: str = "w") -> None:
    job = service.store.claim_next(worker, {})
    assert job is not None
    run_job(job, store=service.store, blobs=service.blobs, registry=registry(),
            worker_id=worker)


def blob_files(service: JobService, folder: str) -> list[Path]:
    assert isinstance(service.blobs, LocalBlobStore)
    return sorted(p for p in (service.blobs.root / folder).rglob("*") if p.is_file())


def test_submit_run_and_fetch_result(service: JobService, clock: Clock) -> None:
    job = service.submit("t1", "invert", inputs={"image": [b"\x00\x10\xff"]},
                         params={"q": 1}, wire={"RspImgType": "url"})
    assert job.state is JobState.QUEUED and job.retention_s == 86400.0
    assert service.blobs.get(job.inputs["image"][0]) == b"\x00\x10\xff"
    run_next(service)
    done = service.wait(job.id, timeout=1.0)
    assert done.state is JobState.SUCCEEDED and done.report == {"stage": "invert", "n": 3}
    result = service.result(job.id)
    assert result.data == b"\xff\xef\x00" and result.media_type == "image/png"
    assert result.path is not None and result.path.read_bytes() == b"\xff\xef\x00"
    assert done.inputs_purged and blob_files(service, "inputs") == []
    assert done.expires_at == clock.now + 86400.0
    with pytest.raises(JobNotFound):
        service.result(job.id, 1)
    with pytest.raises(JobNotFound):
        service.get(job.id, tenant="t2")


def test_executor_errors_become_job_failures(service: JobService,
                                             caplog: pytest.LogCaptureFixture) -> None:
    small = service.submit("t1", "small", inputs={"faces": [b"x"]})
    boom = service.submit("t1", "crash")
    with caplog.at_level(logging.ERROR):
        run_next(service)
        run_next(service)
    failed = service.get(small.id)
    assert (failed.state, failed.error_code) == (JobState.FAILED, "face.too_small")
    assert failed.error_message == "face must be at least 34x34 pixels, got 20x20"
    assert failed.report == {"error_field": "faces", "error_details": {"min": 34}}
    assert failed.inputs_purged and blob_files(service, "inputs") == []
    internal = service.get(boom.id)
    assert (internal.error_code, internal.error_message) == (
        "internal", "internal error while running the job")
    assert "RuntimeError: boom" in caplog.text
    assert max(len(line) for line in caplog.text.splitlines()) < 400  # bytes cut short
    with pytest.raises(JobNotFound):
        service.result(boom.id)


def test_dedup_and_queue_full_leave_no_blobs(service: JobService) -> None:
    first, created = service.submit_or_existing("t1", "invert", dedup_key="s1",
                                                inputs={"image": [b"a"]})
    again, created_again = service.submit_or_existing("t1", "invert", dedup_key="s1",
                                                      inputs={"image": [b"b"]})
    assert created and not created_again and again.id == first.id
    service.submit("t1", "invert", inputs={"image": [b"c"]})
    service.submit("t1", "invert", inputs={"image": [b"d"]})
    with pytest.raises(QueueFull) as info:
        service.submit("t1", "invert", inputs={"image": [b"e"]})
    assert "limit is 3" in info.value.message
    assert len(blob_files(service, "inputs")) == 3
    assert service.submit("t2", "invert").tenant == "t2"
    with pytest.raises(ParameterError):
        service.submit("t1", "invert", params={"bad": object()})
    with pytest.raises(ParameterError):
        service.submit("", "invert")


def test_priority_and_listing(service: JobService) -> None:
    low = service.submit("t1", "invert", inputs={"image": [b"1"]})
    high = service.submit("t1", "invert", inputs={"image": [b"2"]}, priority=9)
    run_next(service)
    assert service.get(high.id).state is JobState.SUCCEEDED
    assert service.get(low.id).state is JobState.QUEUED
    assert [j.id for j in service.list(tenant="t1")] == [high.id, low.id]
    assert [j.id for j in service.list(state=JobState.QUEUED)] == [low.id]
    assert service.counts()[JobState.SUCCEEDED] == 1


def test_cancel_queued_purges_inputs(service: JobService) -> None:
    job = service.submit("t1", "invert", inputs={"image": [b"x"]})
    canceled = service.cancel(job.id)
    assert canceled.state is JobState.CANCELED and canceled.inputs_purged
    assert blob_files(service, "inputs") == []
    with pytest.raises(JobNotFound):
        service.cancel(job.id, tenant="intruder")


def test_cancel_running_discards_results(service: JobService) -> None:
    job = service.submit("t1", "invert", inputs={"image": [b"x"]})
    claimed = service.store.claim_next("w", {})
    assert claimed is not None
    assert service.cancel(job.id).cancel_requested
    run_job(claimed, store=service.store, blobs=service.blobs, registry=registry(),
            worker_id="w")
    done = service.get(job.id)
    assert done.state is JobState.CANCELED and done.results == []
    assert blob_files(service, "results") == [] and blob_files(service, "inputs") == []


def test_wait_times_out_and_wakes_on_finish(service: JobService) -> None:
    job = service.submit("t1", "invert", inputs={"image": [b"\x01"]})
    with pytest.raises(JobTimeout) as info:
        service.wait(job.id, timeout=0.05)
    assert info.value.code == "job.timeout"
    worker = threading.Thread(target=run_next, args=(service,))
    worker.start()
    assert service.wait(job.id, timeout=10.0).state is JobState.SUCCEEDED
    worker.join()


def test_run_cancels_on_timeout(service: JobService) -> None:
    with pytest.raises(JobTimeout):
        service.run("t1", "invert", timeout=0.02, inputs={"image": [b"x"]})
    (job,) = service.list()
    assert job.state is JobState.CANCELED and blob_files(service, "inputs") == []


def test_recover_requeues_then_fails_with_worker_lost(service: JobService) -> None:
    job = service.submit("t1", "invert", inputs={"image": [b"x"]})
    service.store.claim_next("dead", {})
    (requeued,) = service.recover()
    assert requeued.state is JobState.QUEUED and requeued.attempts == 1
    assert len(blob_files(service, "inputs")) == 1  # kept for the re-run
    service.store.claim_next("dead-again", {})
    (lost,) = service.recover()
    assert lost.state is JobState.FAILED and lost.error_code == "job.worker_lost"
    assert service.get(job.id).inputs_purged and blob_files(service, "inputs") == []


def test_sweep_deletes_inputs_then_results_on_expiry(service: JobService,
                                                      clock: Clock) -> None:
    job = service.submit("t1", "invert", inputs={"image": [b"x"]}, retention_s=3600)
    claimed = service.store.claim_next("w", {})
    assert claimed is not None
    key = service.blobs.put(b"result", prefix=f"results/{job.id}", suffix=".png")
    service.store.finish(job.id, "w", JobState.SUCCEEDED, results=[key])  # worker died here
    assert len(blob_files(service, "inputs")) == 1
    report = sweep(service.store, service.blobs, clock.now)
    assert (report.inputs_purged, report.expired, report.results_purged) == (1, 0, 0)
    assert blob_files(service, "inputs") == [] and service.result(job.id).data == b"result"
    report = sweep(service.store, service.blobs, clock.now + 3599)
    assert report.expired == 0 and service.get(job.id).state is JobState.SUCCEEDED
    report = sweep(service.store, service.blobs, clock.now + 3600)
    assert (report.inputs_purged, report.expired, report.results_purged) == (0, 1, 1)
    expired = service.get(job.id)
    assert expired.state is JobState.EXPIRED and expired.results_purged
    assert blob_files(service, "results") == []
    with pytest.raises(JobNotFound):
        service.result(job.id)
    assert sweep(service.store, service.blobs, clock.now + 7200).expired == 0


def test_sweep_removes_old_orphaned_blobs(service: JobService, clock: Clock) -> None:
    job = service.submit("t1", "invert", inputs={"image": [b"x"]})
    run_next(service)
    blobs = service.blobs
    orphan_in = blobs.put(b"lost", prefix="inputs/0123456789abcdef0123456789abcdef")
    orphan_out = blobs.put(b"lost", prefix=f"results/{job.id}", suffix=".png")
    fresh = blobs.put(b"new", prefix="inputs/fedcba9876543210fedcba9876543210")
    for key in (orphan_in, orphan_out):
        path = blobs.path(key)
        assert path is not None
        os.utime(path, (clock.now - 7200, clock.now - 7200))
    report = sweep(service.store, blobs, clock.now)
    assert report.orphans == 2
    assert not blobs.exists(orphan_in) and not blobs.exists(orphan_out)
    assert blobs.exists(fresh) and service.result(job.id).data == b"\x87"


def test_external_id_lookup(service: JobService) -> None:
    job = service.submit("t1", "restyle", external_id="7392616336519610409")
    assert job.retention_s == 12 * 3600
    assert service.find_by_external_id("t1", "7392616336519610409").id == job.id
    with pytest.raises(JobNotFound):
        service.find_by_external_id("t2", "7392616336519610409")


def test_queued_only_cancel_leaves_a_running_job_alone(service: JobService) -> None:
    job = service.submit("t1", "invert", inputs={"image": [b"x"]})
    assert service.store.claim_next("w", {}) is not None
    still = service.cancel(job.id, queued_only=True)
    assert still.state is JobState.RUNNING and not still.cancel_requested
    queued = service.submit("t1", "invert", inputs={"image": [b"y"]})
    assert service.cancel(queued.id, queued_only=True).state is JobState.CANCELED
