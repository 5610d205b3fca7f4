"""Retention: inputs go when a job ends, results go when the job expires.

Input images are biometric data: they are deleted as soon as their job reaches a terminal state
(the worker does it on finish; :func:`sweep` catches leftovers, e.g. after a crash or a cancel).
Results live ``retention_s`` seconds after the job ends; then :func:`sweep` marks the job
``expired`` and deletes its result blobs. Every step is recorded in the store
(``inputs_purged``/``results_purged``), so a crash in between is finished by the next sweep.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..storage.base import BlobStore, ListsKeys, SweepsTemporaryFiles
from . import defaults
from .model import Job
from .store.base import JobStore, PurgeKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    """What one :func:`sweep` did (counts of jobs, not blobs, except ``tmp_files``)."""

    inputs_purged: int = 0
    expired: int = 0
    results_purged: int = 0
    tmp_files: int = 0
    orphans: int = 0


def purge_inputs(job: Job, store: JobStore, blobs: BlobStore) -> None:
    """Delete every input blob of ``job`` and record it."""
    _purge(job.input_keys(), job, "inputs", store, blobs)


def purge_results(job: Job, store: JobStore, blobs: BlobStore) -> None:
    """Delete every result blob of ``job`` and record it."""
    _purge(job.results, job, "results", store, blobs)


def _purge(keys: list[str], job: Job, kind: PurgeKind, store: JobStore,
           blobs: BlobStore) -> None:
    for key in keys:
        blobs.delete(key)
    store.mark_purged(job.id, kind)


def sweep(store: JobStore, blobs: BlobStore, now: float,
          batch: int = defaults.SWEEP_BATCH) -> SweepReport:
    """One retention pass at time ``now`` (epoch seconds)."""
    inputs = _drain(store, blobs, "inputs", batch)
    expired = 0
    while len(done := store.expire_due(now, batch)) > 0:
        expired += len(done)
        if len(done) < batch:
            break
    results = _drain(store, blobs, "results", batch)
    tmp = 0
    if isinstance(blobs, SweepsTemporaryFiles):
        tmp = blobs.remove_stale_tmp(defaults.STALE_TMP_S, now)
    return SweepReport(inputs, expired, results, tmp, remove_orphans(store, blobs, now))


def remove_orphans(store: JobStore, blobs: BlobStore, now: float) -> int:
    """Delete blobs no job will ever use (a crash between storing bytes and recording them):
    inputs of unknown or terminal jobs, results of unknown jobs or not in a terminal job's
    ``results``. Only blobs older than ``defaults.STALE_TMP_S`` are considered, so a submit
    or a finish in progress is never touched. Returns the number of blobs deleted."""
    if not isinstance(blobs, ListsKeys):
        return 0
    removed = 0
    for kind in ("inputs", "results"):
        for key, modified in list(blobs.list_keys(kind)):
            if now - modified > defaults.STALE_TMP_S and _orphaned(store, kind, key):
                blobs.delete(key)
                removed += 1
    if removed:
        log.warning("retention sweep removed %d orphaned blob(s)", removed)
    return removed


def _orphaned(store: JobStore, kind: str, key: str) -> bool:
    parts = key.split("/")
    job = store.get(parts[1]) if len(parts) == 3 else None
    if job is None:
        return True
    if not job.state.is_terminal():
        return False
    return kind == "inputs" or key not in job.results


def _drain(store: JobStore, blobs: BlobStore, kind: PurgeKind, batch: int) -> int:
    purge = purge_inputs if kind == "inputs" else purge_results
    count = 0
    while jobs := store.pending_purge(kind, batch):
        for job in jobs:
            purge(job, store, blobs)
        count += len(jobs)
        if len(jobs) < batch:
            break
    return count


class RetentionSweeper:
    """A daemon thread calling :func:`sweep` every ``interval_s`` seconds until stopped."""

    def __init__(self, store: JobStore, blobs: BlobStore, interval_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        self._store, self._blobs = store, blobs
        self.interval_s = interval_s
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention-sweeper", daemon=True)
        self.last_report = SweepReport()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.last_report = sweep(self._store, self._blobs, self._clock())
            except Exception:
                log.exception("retention sweep failed; retrying in %.0f s", self.interval_s)
            self._stop.wait(self.interval_s)
