"""Job stores: durable job records; backends are chosen by name (default ``"sqlite"``)."""

from __future__ import annotations

from pathlib import Path

from ...errors import ParameterError
from .base import JobStore, PurgeKind
from .sqlite import SqliteJobStore

BACKENDS = ("sqlite",)
SQLITE_FILE = "jobs.sqlite3"


def open_job_store(name: str, data_dir: Path) -> JobStore:
    """The job store called ``name`` keeping its files in ``data_dir``.

    Picklable as ``functools.partial(open_job_store, name, data_dir)``: that is the store
    factory a :class:`~portrait_studio.jobs.worker.WorkerPool` calls in each worker process.
    """
    if name == "sqlite":
        return SqliteJobStore(Path(data_dir) / SQLITE_FILE)
    raise ParameterError(f"job store must be one of {', '.join(BACKENDS)}, got {name!r}",
                         field="job_store")


__all__ = ["JobStore", "PurgeKind", "SqliteJobStore", "open_job_store"]
