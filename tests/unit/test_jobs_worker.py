"""A real WorkerPool (spawned processes) running fake executors: results, per-tenant product
concurrency across processes, cancel, a worker killed with SIGKILL, and a whole "server"
killed with SIGKILL followed by recover() and a new pool."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from portrait_studio.jobs.executors import ExecutionContext, ExecutionResult, ExecutorRegistry
from portrait_studio.jobs.limits import JobLimits
from portrait_studio.jobs.model import Job, JobState
from portrait_studio.jobs.service import JobService
from portrait_studio.jobs.store import SqliteJobStore
from portrait_studio.jobs.worker import PoolConfig, WorkerPool
from portrait_studio.storage import LocalBlobStore

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


# --- executors (module level: the worker processes import them by name) -------------------

def invert(ctx: ExecutionContext) -> ExecutionResult:
    data = ctx.input("image")
    return ExecutionResult.of([(bytes(255 - b for b in data), "image/png")],
                              {"pid": os.getpid()})


def hang(ctx: ExecutionContext) -> ExecutionResult:
    """Sleeps (polling cancel) for params["seconds"] on the first attempt, or on every attempt
    when params["always"]; writes its pid to params["pid_file"] first."""
    if "pid_file" in ctx.params:
        Path(ctx.params["pid_file"]).write_text(str(os.getpid()))
    if ctx.job.attempts == 1 or ctx.params.get("always"):
        end = time.monotonic() + float(ctx.params["seconds"])
        while time.monotonic() < end and not ctx.canceled():
            time.sleep(0.01)
    return ExecutionResult.of([(b"done-%d" % ctx.job.attempts, "image/jpeg")])


def build_registry() -> ExecutorRegistry:
    return ExecutorRegistry({"invert": invert, "hang": hang, "glam": hang})


def factories(data: Path) -> tuple[Callable[[], SqliteJobStore], Callable[[], LocalBlobStore]]:
    return (functools.partial(SqliteJobStore, data / "jobs.sqlite3"),
            functools.partial(LocalBlobStore, data / "blobs"))


def make_pool(data: Path, workers: int, **options: object) -> WorkerPool:
    store_f, blob_f = factories(data)
    config = PoolConfig(workers=workers, product_limits={"glam": 1}, **options)  # type: ignore
    return WorkerPool(config, store_f, blob_f, build_registry)


def make_service(data: Path, pool: WorkerPool | None) -> JobService:
    store_f, blob_f = factories(data)
    return JobService(store_f(), blob_f(), JobLimits(), signals=pool)


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def state(service: JobService, job: Job) -> JobState:
    return service.get(job.id).state


def purged(service: JobService, job_id: str) -> bool:
    return service.get(job_id).inputs_purged


def serve(data: str) -> None:
    """A stand-in server process: a pool of one worker, forever (killed by the test)."""
    with make_pool(Path(data), 1):
        print("ready", flush=True)
        time.sleep(120)


def dead(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status or "\nState:\tX" in status


@pytest.fixture()
def data(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


# --- tests ------------------------------------------------------------------------------

def test_pool_runs_jobs_limits_per_tenant_and_cancels(data: Path) -> None:
    with make_pool(data, 2) as pool:
        service = make_service(data, pool)
        images = [bytes([i, 100, 250]) for i in range(4)]
        jobs = [service.submit("t1", "invert", inputs={"image": [img]}) for img in images]
        g1, g2 = (service.submit("t1", "glam", params={"seconds": 0.3, "always": True})
                  for _ in range(2))
        for job, img in zip(jobs, images, strict=True):
            done = service.wait(job.id, timeout=20)
            assert done.state is JobState.SUCCEEDED, done.error_message
            assert service.result(job.id).data == bytes(255 - b for b in img)
            assert done.report["pid"] in pool.pids()
            wait_until(functools.partial(purged, service, job.id))  # right after finish
        first, second = (service.wait(g.id, timeout=20) for g in (g1, g2))
        assert first.state is second.state is JobState.SUCCEEDED
        assert first.finished_at is not None and second.started_at is not None
        assert second.started_at >= first.finished_at  # glam: 1 running job per tenant
        slow = service.submit("t1", "hang", params={"seconds": 30, "always": True})
        wait_until(lambda: state(service, slow) is JobState.RUNNING)
        service.cancel(slow.id)
        canceled = service.wait(slow.id, timeout=10)
        assert canceled.state is JobState.CANCELED and canceled.results == []
    assert list((data / "blobs").glob("inputs/*")) == []


def test_killed_worker_is_replaced_and_its_job_rerun(data: Path) -> None:
    pid_file = data / "pid"
    with make_pool(data, 1) as pool:
        service = make_service(data, pool)
        job = service.submit("t1", "hang", params={"seconds": 30, "pid_file": str(pid_file)},
                             inputs={"image": [b"face"]})
        wait_until(lambda: pid_file.exists() and state(service, job) is JobState.RUNNING)
        victim = int(pid_file.read_text())
        assert victim in pool.pids()
        os.kill(victim, signal.SIGKILL)
        done = service.wait(job.id, timeout=20)
        assert done.state is JobState.SUCCEEDED and done.attempts == 2
        assert service.result(job.id).data == b"done-2"
        assert victim not in pool.pids() and len(pool.pids()) == 1
        stuck = service.submit("t1", "hang", params={"seconds": 30, "always": True})
        wait_until(lambda: state(service, stuck) is JobState.RUNNING)
        pool.stop(timeout=0.2)
    after = service.get(stuck.id)
    assert after.state is JobState.QUEUED and after.attempts == 0  # stop refunds the attempt


def test_server_killed_then_recovered_by_a_new_pool(data: Path) -> None:
    pid_file = data / "pid"
    code = (f"import sys; sys.path[:0] = {sys.path!r}; "
            f"import {__name__} as t; t.serve({str(data)!r})")
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        service = make_service(data, None)
        job = service.submit("t1", "hang", params={"seconds": 60, "pid_file": str(pid_file)},
                             inputs={"image": [b"face"]})
        wait_until(lambda: pid_file.exists() and state(service, job) is JobState.RUNNING)
        worker_pid = int(pid_file.read_text())
    finally:
        server.kill()
        server.wait()
    wait_until(lambda: dead(worker_pid))  # the worker died with its server (PDEATHSIG)
    assert state(service, job) is JobState.RUNNING
    (recovered,) = service.recover()
    assert recovered.state is JobState.QUEUED and recovered.attempts == 1
    assert service.blobs.get(recovered.inputs["image"][0]) == b"face"
    with make_pool(data, 1) as pool:
        service = make_service(data, pool)
        done = service.wait(job.id, timeout=20)
    assert done.state is JobState.SUCCEEDED and done.attempts == 2
    assert service.result(job.id).data == b"done-2"
    wait_until(functools.partial(purged, service, job.id))
    assert not service.blobs.exists(recovered.inputs["image"][0])
