"""The job store contract.

A job store keeps :class:`~portrait_studio.jobs.model.Job` records durably and performs every
state change atomically, so several worker processes (and a restarted server) can share it.
Implementations take a ``clock`` (epoch seconds) used for every timestamp they write.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Mapping
from typing import Any, Literal, Protocol

from ..model import Job, JobState

PurgeKind = Literal["inputs", "results"]


class JobStore(Protocol):
    """Durable job records and their atomic state changes."""

    def create(self, job: Job, *, max_queued: int | None = None) -> tuple[Job, bool]:
        """Insert ``job`` (state queued); return ``(job, True)``.

        When a live (not expired) job of the same tenant has the same ``dedup_key``, insert
        nothing and return ``(existing, False)``. When the tenant already has ``max_queued``
        queued jobs raise :class:`~portrait_studio.errors.QueueFull`; a taken ``external_id``
        raises :class:`~portrait_studio.errors.ParameterError`.
        """
        ...

    def get(self, job_id: str) -> Job | None:
        ...

    def find_by_external_id(self, tenant: str, external_id: str) -> Job | None:
        ...

    def find_by_dedup_key(self, tenant: str, dedup_key: str) -> Job | None:
        """The live (not expired) job of ``tenant`` with ``dedup_key``."""
        ...

    def list(self, *, tenant: str | None = None, state: JobState | None = None,
             product: str | None = None, limit: int = 50, offset: int = 0) -> builtins.list[Job]:
        """Jobs, newest first, filtered by the given fields."""
        ...

    def counts(self, tenant: str | None = None) -> dict[JobState, int]:
        """Number of jobs in every state (all states present, zero when none)."""
        ...

    def count_queued(self, tenant: str) -> int:
        ...

    def claim_next(self, worker_id: str, product_limits: Mapping[str, int]) -> Job | None:
        """Atomically move the best runnable queued job to running for ``worker_id``.

        Best = highest priority, then oldest. Runnable = its tenant has fewer running jobs of
        its product than ``product_limits[product]`` (products not listed: no limit). The
        claimed job's ``attempts`` grows by one.
        """
        ...

    def heartbeat(self, job_id: str, worker_id: str, *, progress: float | None = None,
                  report: Mapping[str, Any] | None = None) -> bool:
        """Record progress / merge ``report``; False when the job should stop (cancel
        requested, or no longer running on ``worker_id``)."""
        ...

    def finish(self, job_id: str, worker_id: str, state: JobState, *,
               results: builtins.list[str] | None = None, report: Mapping[str, Any] | None = None,
               error_code: str | None = None, error_message: str | None = None) -> Job | None:
        """End a running job owned by ``worker_id`` as ``state`` (succeeded/failed/canceled).

        A job with a pending cancel request ends canceled without results whatever ``state``
        says. Sets ``finished_at`` and ``expires_at = finished_at + retention_s``. Returns the
        updated job, or None when the job is not running on ``worker_id`` (the caller then
        owns and must delete any result blobs it stored).
        """
        ...

    def cancel(self, job_id: str, *, queued_only: bool = False) -> Job | None:
        """Queued: canceled now. Running: cancel requested (the worker stops it), unless
        ``queued_only``. Terminal: unchanged. Returns the job afterwards, None when unknown."""
        ...

    def requeue_orphans(self, max_attempts: int, worker_ids: Collection[str] | None = None,
                        *, refund_attempt: bool = False) -> builtins.list[Job]:
        """Recover running jobs whose worker is gone (all running jobs when ``worker_ids`` is
        None). A job with ``attempts >= max_attempts`` fails with ``job.worker_lost``, a job
        with a cancel request is canceled, others go back to queued. ``refund_attempt`` undoes
        the attempt count (for jobs interrupted by a deliberate stop). Returns the jobs after.
        """
        ...

    def expire_due(self, now: float, limit: int = 500) -> builtins.list[Job]:
        """Mark finished jobs whose ``expires_at <= now`` as expired; return them."""
        ...

    def pending_purge(self, kind: PurgeKind, limit: int = 500) -> builtins.list[Job]:
        """Jobs whose blobs of ``kind`` should be deleted and are not yet: inputs of terminal
        jobs, results of expired jobs."""
        ...

    def mark_purged(self, job_id: str, kind: PurgeKind) -> None:
        ...

    def close(self) -> None:
        ...
