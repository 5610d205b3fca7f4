"""The job system: records, states, queue, workers, limits and retention.

Knows nothing of HTTP or vendors. Typical wiring (the studio/bootstrap does this)::

    store_factory = functools.partial(open_job_store, "sqlite", data_dir)
    blob_factory = functools.partial(open_blob_store, "local", data_dir / "blobs")
    limits = JobLimits(product_concurrency=defaults.product_limits(workers))
    pool = WorkerPool(PoolConfig.from_limits(workers, limits), store_factory, blob_factory,
                      build_registry)        # module-level function returning ExecutorRegistry
    service = JobService(store_factory(), blob_factory(), limits, signals=pool)
    service.recover(); pool.start()
"""

from __future__ import annotations

from .executors import (
    CancelRequested,
    ExecutionContext,
    ExecutionResult,
    Executor,
    ExecutorRegistry,
    Output,
    RegistryFactory,
)
from .limits import JobLimits, RateLimiter
from .model import Job, JobState, new_job_id
from .retention import RetentionSweeper, SweepReport, sweep
from .service import JobService, ResultBlob
from .signals import JobSignals, PollingSignals
from .store import JobStore, SqliteJobStore, open_job_store
from .worker import PoolConfig, WorkerPool

__all__ = [
    "CancelRequested", "ExecutionContext", "ExecutionResult", "Executor", "ExecutorRegistry",
    "Job", "JobLimits", "JobService", "JobSignals", "JobState", "JobStore", "Output",
    "PollingSignals", "PoolConfig", "RateLimiter", "RegistryFactory", "ResultBlob",
    "RetentionSweeper", "SqliteJobStore", "SweepReport", "WorkerPool", "new_job_id",
    "open_job_store", "sweep",
]
