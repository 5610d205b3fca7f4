"""The job service: what transports call to submit, inspect, cancel and wait for jobs.

It knows nothing of HTTP or vendors. Input bytes become blobs under ``inputs/<job id>/``;
limits (queue length per tenant) are enforced atomically by the store; a "sync" call is
:meth:`JobService.run` = submit + :meth:`JobService.wait` with a deadline on the same path.
"""

from __future__ import annotations

import builtins
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import JobNotFound, JobTimeout, ParameterError, QueueFull
from ..storage.base import BlobStore, media_type_of
from . import defaults
from .limits import JobLimits
from .model import Job, JobState, new_job_id
from .retention import purge_inputs
from .signals import JobSignals, PollingSignals
from .store.base import JobStore


@dataclass(frozen=True)
class ResultBlob:
    """One result of a succeeded job: bytes, media type, key, and a local file if any."""

    data: bytes
    media_type: str
    key: str
    path: Path | None = None


def _json_copy(name: str, value: Mapping[str, Any] | None) -> dict[str, Any]:
    try:
        copied = json.loads(json.dumps(dict(value or {})))
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be JSON-serialisable: {exc}", field=name) from None
    assert isinstance(copied, dict)
    return copied


class JobService:
    """Submit, get, list, cancel and wait for jobs; fetch results; recover after a crash."""

    def __init__(self, store: JobStore, blobs: BlobStore, limits: JobLimits | None = None,
                 *, signals: JobSignals | None = None,
                 retention: Mapping[str, float] | None = None) -> None:
        """``signals`` is usually the :class:`~portrait_studio.jobs.worker.WorkerPool`;
        ``retention`` maps product -> seconds results are kept (defaults.RETENTION_S)."""
        self.store = store
        self.blobs = blobs
        self.limits = limits or JobLimits()
        self.signals: JobSignals = signals or PollingSignals()
        self.retention = dict(defaults.RETENTION_S if retention is None else retention)

    # --- submit -------------------------------------------------------------------------------

    def submit(self, tenant: str, product: str, *, params: Mapping[str, Any] | None = None,
               inputs: Mapping[str, Sequence[bytes]] | None = None,
               priority: int = defaults.DEFAULT_PRIORITY, dedup_key: str | None = None,
               wire: Mapping[str, Any] | None = None, external_id: str | None = None,
               retention_s: float | None = None) -> Job:
        """Queue a job and return it (or the live job with the same ``dedup_key``).

        ``inputs`` maps a role to encoded images, e.g. ``{"template": [png], "faces": [a, b]}``.
        Raises :class:`~portrait_studio.errors.QueueFull` when the tenant's queue is full.
        """
        job, _ = self.submit_or_existing(
            tenant, product, params=params, inputs=inputs, priority=priority,
            dedup_key=dedup_key, wire=wire, external_id=external_id, retention_s=retention_s)
        return job

    def submit_or_existing(self, tenant: str, product: str, *,
                           params: Mapping[str, Any] | None = None,
                           inputs: Mapping[str, Sequence[bytes]] | None = None,
                           priority: int = defaults.DEFAULT_PRIORITY,
                           dedup_key: str | None = None, wire: Mapping[str, Any] | None = None,
                           external_id: str | None = None,
                           retention_s: float | None = None) -> tuple[Job, bool]:
        """Like :meth:`submit`, also saying whether a new job was created (False: dedup hit)."""
        _check_name("tenant", tenant)
        _check_name("product", product)
        if dedup_key is not None and (found := self.store.find_by_dedup_key(tenant, dedup_key)):
            return found, False
        job = Job(id=new_job_id(), tenant=tenant, product=product,
                  params=_json_copy("params", params), priority=int(priority),
                  dedup_key=dedup_key, external_id=external_id, wire=_json_copy("wire", wire),
                  retention_s=self._retention(product, retention_s))
        self._precheck_queue(tenant)
        job = replace(job, inputs=self._store_inputs(job.id, inputs or {}))
        return self._create(job)

    def _create(self, job: Job) -> tuple[Job, bool]:
        try:
            stored, created = self.store.create(job, max_queued=self.limits.max_queued_per_tenant)
        except BaseException:
            self._delete_keys(job.input_keys())
            raise
        if created:
            self.signals.notify_submitted()
        else:
            self._delete_keys(job.input_keys())  # lost a dedup race: the other job stays
        return stored, created

    def _precheck_queue(self, tenant: str) -> None:
        limit = self.limits.max_queued_per_tenant
        if (queued := self.store.count_queued(tenant)) >= limit:
            raise QueueFull(f"tenant {tenant!r} already has {queued} queued jobs; the limit is "
                            f"{limit}, retry when some have started", field="queue", limit=limit)

    def _retention(self, product: str, retention_s: float | None) -> float:
        value = self.retention.get(product, defaults.DEFAULT_RETENTION_S) \
            if retention_s is None else float(retention_s)
        if value < 0:
            raise ParameterError(f"retention_s must be >= 0, got {value}", field="retention_s")
        return value

    def _store_inputs(self, job_id: str, inputs: Mapping[str, Sequence[bytes]]
                      ) -> dict[str, list[str]]:
        stored: dict[str, list[str]] = {}
        try:
            for role, items in inputs.items():
                _check_name("input role", role)
                stored[role] = [self.blobs.put(bytes(b), prefix=f"inputs/{job_id}")
                                for b in items]
        except BaseException:
            self._delete_keys([k for keys in stored.values() for k in keys])
            raise
        return stored

    def _delete_keys(self, keys: Sequence[str]) -> None:
        for key in keys:
            self.blobs.delete(key)

    # --- read ---------------------------------------------------------------------------------

    def get(self, job_id: str, *, tenant: str | None = None) -> Job:
        """The job (any state, expired included); JobNotFound when absent or not ``tenant``'s."""
        job = self.store.get(job_id)
        if job is None or (tenant is not None and job.tenant != tenant):
            raise JobNotFound(f"job {job_id!r} does not exist", field="job_id")
        return job

    def find_by_external_id(self, tenant: str, external_id: str) -> Job:
        """The job of ``tenant`` with the vendor-facing ``external_id``; else JobNotFound."""
        job = self.store.find_by_external_id(tenant, external_id)
        if job is None:
            raise JobNotFound(f"job {external_id!r} does not exist", field="job_id")
        return job

    def list(self, *, tenant: str | None = None, state: JobState | None = None,
             product: str | None = None, limit: int = 50, offset: int = 0) -> builtins.list[Job]:
        """Jobs newest first (``limit`` is clamped to 1..1000)."""
        return self.store.list(tenant=tenant, state=state, product=product,
                               limit=min(max(1, limit), 1000), offset=max(0, offset))

    def counts(self, tenant: str | None = None) -> dict[JobState, int]:
        """Jobs per state (for metrics: queue depth is ``counts()[JobState.QUEUED]``)."""
        return self.store.counts(tenant)

    def result(self, job_id: str, index: int = 0, *, tenant: str | None = None) -> ResultBlob:
        """Result ``index`` of a succeeded job; JobNotFound when there is none (any more)."""
        job = self.get(job_id, tenant=tenant)
        if job.state is not JobState.SUCCEEDED or not 0 <= index < len(job.results):
            raise JobNotFound(f"job {job_id!r} has no result #{index}", field="index")
        key = job.results[index]
        try:
            data = self.blobs.get(key)
        except KeyError:
            raise JobNotFound(f"result #{index} of job {job_id!r} is gone", field="index") \
                from None
        return ResultBlob(data, media_type_of(key), key, self.blobs.path(key))

    def results(self, job_id: str, *, tenant: str | None = None) -> builtins.list[ResultBlob]:
        """Every result of a succeeded job, in order."""
        job = self.get(job_id, tenant=tenant)
        return [self.result(job_id, i, tenant=tenant) for i in range(len(job.results))]

    # --- change and wait ----------------------------------------------------------------------

    def cancel(self, job_id: str, *, tenant: str | None = None,
               queued_only: bool = False) -> Job:
        """Cancel: a queued job ends now; a running one is stopped by its worker (the
        returned job then still says running with ``cancel_requested``) unless
        ``queued_only`` (atomic "cancel if still queued": the job is returned unchanged)."""
        self.get(job_id, tenant=tenant)
        job = self.store.cancel(job_id, queued_only=queued_only)
        if job is None:
            raise JobNotFound(f"job {job_id!r} does not exist", field="job_id")
        if job.state.is_terminal() and not job.inputs_purged:
            purge_inputs(job, self.store, self.blobs)
            job = self.store.get(job_id) or job
        return job

    def wait(self, job_id: str, timeout: float, *, tenant: str | None = None) -> Job:
        """Block until the job is terminal and return it; JobTimeout after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            generation = self.signals.generation()
            job = self.get(job_id, tenant=tenant)
            if job.state.is_terminal():
                return job
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise JobTimeout(f"job {job_id} did not finish within {timeout:g} s",
                                 field="timeout", timeout=timeout)
            self.signals.wait_for_change(generation, min(remaining, defaults.WAIT_SLICE_S))

    def run(self, tenant: str, product: str, *, timeout: float,
            cancel_on_timeout: bool = True, **submit: Any) -> Job:
        """Submit and wait (the "sync" path); on timeout cancel the job and raise JobTimeout."""
        job = self.submit(tenant, product, **submit)
        try:
            return self.wait(job.id, timeout)
        except JobTimeout:
            if cancel_on_timeout:
                self.cancel(job.id)
            raise

    def recover(self) -> builtins.list[Job]:
        """At start, before workers run: requeue every job left running by a dead process
        (or fail it with ``job.worker_lost`` after ``max_attempts`` runs). Only valid when no
        other live process works on this store."""
        jobs = self.store.requeue_orphans(self.limits.max_attempts)
        for job in jobs:
            if job.state.is_terminal():
                purge_inputs(job, self.store, self.blobs)
            else:
                self.signals.notify_submitted()
        return jobs


def _check_name(what: str, value: str) -> None:
    if not isinstance(value, str) or not value or len(value) > 128:
        raise ParameterError(f"{what} must be a non-empty string of at most 128 characters",
                             field=what.replace(" ", "_"))
