"""A pool of worker processes: each loops claim -> run -> finish against the shared store.

Processes come from the ``spawn`` context. Each builds its own job store, blob store and
executor registry once, from picklable factories (module-level functions or
``functools.partial`` of them). Idle workers poll with backoff (``poll_min_s`` doubling to
``poll_max_s``) and wake at once on :meth:`WorkerPool.notify_submitted` (a semaphore: safe even
when a process is killed). Workers tell the pool when a job ends over a pipe, which bumps a
:class:`~portrait_studio.jobs.signals.FinishBoard` that waiting callers sleep on.

A supervisor thread in the parent spawns the workers, respawns a worker that died (after
requeueing its job: a ``kill -9`` or a segfault loses no job) and stops them on
:meth:`WorkerPool.stop`. Workers die with the parent (Linux ``PR_SET_PDEATHSIG`` plus a parent
pid check), so a killed server leaves no stray worker running a job that recovery re-queues.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from ..storage.base import BlobStore
from . import defaults
from .executors import RegistryFactory
from .limits import JobLimits
from .runner import run_job
from .signals import FinishBoard
from .store.base import JobStore

log = logging.getLogger(__name__)
StoreFactory = Callable[[], JobStore]
BlobFactory = Callable[[], BlobStore]
_PR_SET_PDEATHSIG = 1
_SUPERVISE_TICK_S = 0.5
_QUICK_DEATH_S = 5.0


@dataclass(frozen=True)
class PoolConfig:
    """How the pool runs. Must be picklable (it is sent to every worker process).

    ``product_limits``: most running jobs per tenant and product (others: no limit beyond the
    worker count). ``initializer`` runs first in each worker process (logging, thread counts).
    """

    workers: int = 1
    product_limits: Mapping[str, int] = field(default_factory=dict)
    max_attempts: int = defaults.MAX_ATTEMPTS
    poll_min_s: float = defaults.POLL_MIN_S
    poll_max_s: float = defaults.POLL_MAX_S
    stop_timeout_s: float = defaults.STOP_TIMEOUT_S
    respawn: bool = True
    initializer: Callable[[], None] | None = None

    @classmethod
    def from_limits(cls, workers: int, limits: JobLimits, **options: Any) -> PoolConfig:
        """A config whose product limits and attempts come from ``limits``."""
        return cls(workers=workers, product_limits=dict(limits.product_concurrency),
                   max_attempts=limits.max_attempts, **options)


@dataclass(frozen=True)
class _WorkerSpec:
    worker_id: str
    parent_pid: int
    config: PoolConfig
    store_factory: StoreFactory
    blob_factory: BlobFactory
    registry_factory: RegistryFactory


# --- inside a worker process ------------------------------------------------------------------

def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL us when the parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            log.warning("could not set PR_SET_PDEATHSIG; relying on the parent pid check")
    if os.getppid() != parent_pid:
        os._exit(0)


def _worker_main(spec: _WorkerSpec, wake: Any, stop: Any, conn: mpc.Connection) -> None:
    """Entry point of a worker process."""
    _die_with_parent(spec.parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if spec.config.initializer is not None:
        spec.config.initializer()
    store, blobs = spec.store_factory(), spec.blob_factory()
    registry = spec.registry_factory()
    log.info("worker %s ready (pid %d)", spec.worker_id, os.getpid())
    try:
        _loop(spec, store, blobs, registry, wake, stop, conn)
    finally:
        store.close()


def _loop(spec: _WorkerSpec, store: JobStore, blobs: BlobStore, registry: Any, wake: Any,
          stop: Any, conn: mpc.Connection) -> None:
    cfg, delay = spec.config, spec.config.poll_min_s
    while not stop.value and os.getppid() == spec.parent_pid:
        job = store.claim_next(spec.worker_id, cfg.product_limits)
        if job is None:
            if wake.acquire(timeout=delay):
                delay = cfg.poll_min_s
            else:
                delay = min(delay * 2, cfg.poll_max_s)
            continue
        delay = cfg.poll_min_s
        run_job(job, store=store, blobs=blobs, registry=registry, worker_id=spec.worker_id)
        try:
            conn.send_bytes(job.id.encode())
        except OSError:
            return  # the parent is gone


# --- in the parent ----------------------------------------------------------------------------

@dataclass
class _Slot:
    index: int
    worker_id: str = ""
    process: Any = None
    reader: mpc.Connection | None = None
    started_at: float = 0.0
    failures: int = 0
    respawn_at: float = 0.0


class WorkerPool:
    """N worker processes sharing one job store. Implements
    :class:`~portrait_studio.jobs.signals.JobSignals` for the service."""

    def __init__(self, config: PoolConfig, store_factory: StoreFactory,
                 blob_factory: BlobFactory, registry_factory: RegistryFactory) -> None:
        if config.workers < 1:
            raise ValueError(f"workers must be at least 1, got {config.workers}")
        self.config = config
        self._factories = (store_factory, blob_factory, registry_factory)
        self._ctx = mp.get_context("spawn")
        self._wake = self._ctx.Semaphore(0)
        self._stop_flag = self._ctx.RawValue("b", 0)
        self._board = FinishBoard()
        self._slots = [_Slot(i) for i in range(config.workers)]
        self._stopping = threading.Event()
        self._deadline = float("inf")
        self._started = threading.Event()
        self._thread: threading.Thread | None = None
        self._store: JobStore | None = None
        self._used_ids: list[str] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- JobSignals ---------------------------------------------------------------------------

    def notify_submitted(self) -> None:
        """Wake one idle worker (called by the service after each submit)."""
        self._wake.release()

    def generation(self) -> int:
        return self._board.generation()

    def wait_for_change(self, generation: int, timeout: float) -> None:
        self._board.wait_for_change(generation, timeout)

    # --- life cycle ---------------------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> None:
        """Spawn the workers (from the supervisor thread) and return once they are started."""
        if self._thread is not None:
            raise RuntimeError("the pool was already started")
        self._thread = threading.Thread(target=self._supervise, name="worker-pool", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise RuntimeError("worker processes did not start in time")

    def stop(self, timeout: float | None = None) -> None:
        """Let running jobs finish (up to ``timeout``, default ``stop_timeout_s``), then
        terminate the rest and put their jobs back in the queue."""
        if self._thread is None or self._stopping.is_set():
            return
        wait = self.config.stop_timeout_s if timeout is None else timeout
        self._deadline = time.monotonic() + wait
        self._stop_flag.value = 1
        self._stopping.set()
        for _ in self._slots:
            self._wake.release()
        self._thread.join(wait + 10.0)
        with self._lock:
            ids = list(self._used_ids)
        self._parent_store().requeue_orphans(self.config.max_attempts, ids, refund_attempt=True)
        self._board.bump()

    def worker_ids(self) -> list[str]:
        """Ids of the live workers (as stored in ``Job.worker_id``)."""
        return [s.worker_id for s in self._slots if s.process is not None]

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [s.process.pid for s in self._slots if s.process is not None]

    # --- supervisor thread --------------------------------------------------------------------

    def _parent_store(self) -> JobStore:
        if self._store is None:
            self._store = self._factories[0]()
        return self._store

    def _spawn(self, slot: _Slot) -> None:
        host, suffix = socket.gethostname(), uuid.uuid4().hex[:8]
        slot.worker_id = f"{host}:{os.getpid()}:{slot.index}:{suffix}"
        reader, writer = self._ctx.Pipe(duplex=False)
        spec = _WorkerSpec(slot.worker_id, os.getpid(), self.config, *self._factories)
        slot.process = self._ctx.Process(
            target=_worker_main, args=(spec, self._wake, self._stop_flag, writer),
            name=f"portrait-worker-{slot.index}", daemon=True)
        slot.process.start()
        writer.close()
        slot.reader, slot.started_at = reader, time.monotonic()
        with self._lock:
            self._used_ids.append(slot.worker_id)

    def _supervise(self) -> None:
        try:
            for slot in self._slots:
                self._spawn(slot)
        finally:
            self._started.set()
        while any(s.process is not None for s in self._slots) or not self._stopping.is_set():
            try:
                self._tick()
            except Exception:  # keep supervising whatever happened (e.g. store busy)
                log.exception("worker pool supervisor error; continuing")
                time.sleep(_SUPERVISE_TICK_S)
        log.info("worker pool stopped")

    def _tick(self) -> None:
        readers = {s.reader: s for s in self._slots if s.reader is not None}
        sentinels = {s.process.sentinel: s for s in self._slots if s.process is not None}
        ready = mpc.wait([*readers, *sentinels], timeout=self._tick_timeout())
        for handle in ready:
            if handle in readers:
                self._drain(readers[handle])
        for handle in ready:
            if handle in sentinels:
                self._reap(sentinels[handle])
        self._respawn_due()
        self._terminate_if_late()

    def _tick_timeout(self) -> float:
        if any(s.process is None for s in self._slots) and not self._stopping.is_set():
            return 0.05
        return _SUPERVISE_TICK_S

    def _drain(self, slot: _Slot) -> None:
        assert slot.reader is not None
        try:
            while slot.reader.poll():
                slot.reader.recv_bytes()
        except (EOFError, OSError):
            slot.reader.close()
            slot.reader = None
        self._board.bump()

    def _reap(self, slot: _Slot) -> None:
        if slot.reader is not None:
            self._drain(slot)
        process, slot.process = slot.process, None
        process.join(1.0)
        if self._stopping.is_set():
            return
        lived = time.monotonic() - slot.started_at
        log.warning("worker %s died (exit code %s) after %.1f s; requeueing its job",
                    slot.worker_id, process.exitcode, lived)
        jobs = self._parent_store().requeue_orphans(self.config.max_attempts, [slot.worker_id])
        for job in jobs:
            log.warning("job %s of the lost worker is now %s", job.id, job.state,
                        extra={"job_id": job.id})
        self._board.bump()
        slot.failures = slot.failures + 1 if lived < _QUICK_DEATH_S else 0
        slot.respawn_at = time.monotonic() + (min(0.1 * 2**slot.failures, 10.0)
                                              if slot.failures else 0.0)

    def _respawn_due(self) -> None:
        if self._stopping.is_set() or not self.config.respawn:
            return
        now = time.monotonic()
        for slot in self._slots:
            if slot.process is None and now >= slot.respawn_at:
                self._spawn(slot)

    def _terminate_if_late(self) -> None:
        if not self._stopping.is_set() or time.monotonic() < self._deadline:
            return
        for slot in self._slots:
            if slot.process is not None and slot.process.is_alive():
                log.warning("worker %s did not stop in time; terminating", slot.worker_id)
                slot.process.terminate()
