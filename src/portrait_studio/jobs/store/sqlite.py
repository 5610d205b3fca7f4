"""The default job store: one SQLite file in WAL mode, shared by the server and its workers.

Each thread of each process opens its own connection (``busy_timeout`` set, autocommit), and
every state change runs inside ``BEGIN IMMEDIATE`` so two workers can never claim the same job.
``synchronous=NORMAL`` with WAL keeps every committed change across a process crash
(``kill -9``); only a power loss may drop the last transactions.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from ...errors import ParameterError, QueueFull
from .. import defaults
from ..model import FINISHED_STATES, WORKER_LOST_CODE, Job, JobState
from .base import PurgeKind

_JSON_FIELDS = ("params", "inputs", "wire", "results", "report")
_BOOL_FIELDS = ("cancel_requested", "inputs_purged", "results_purged")
_COLUMNS = tuple(f.name for f in fields(Job))
_FINISHED_SQL = "('succeeded', 'failed', 'canceled')"
_TERMINAL_SQL = "('succeeded', 'failed', 'canceled', 'expired')"
_MAX_INT = 2**63 - 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL,
  product TEXT NOT NULL, state TEXT NOT NULL, params TEXT NOT NULL, inputs TEXT NOT NULL,
  priority INTEGER NOT NULL, dedup_key TEXT, external_id TEXT, wire TEXT NOT NULL,
  results TEXT NOT NULL, report TEXT NOT NULL, error_code TEXT, error_message TEXT,
  attempts INTEGER NOT NULL, progress REAL NOT NULL, cancel_requested INTEGER NOT NULL,
  retention_s REAL NOT NULL, created_at REAL NOT NULL, started_at REAL, finished_at REAL,
  expires_at REAL, worker_id TEXT, inputs_purged INTEGER NOT NULL,
  results_purged INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_dedup ON jobs(tenant, dedup_key)
  WHERE dedup_key IS NOT NULL AND state != 'expired';
CREATE UNIQUE INDEX IF NOT EXISTS jobs_external ON jobs(external_id)
  WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs(state, priority DESC, seq);
CREATE INDEX IF NOT EXISTS jobs_running ON jobs(state, tenant, product);
CREATE INDEX IF NOT EXISTS jobs_tenant ON jobs(tenant, seq);
CREATE INDEX IF NOT EXISTS jobs_expiry ON jobs(state, expires_at);
"""

_CLAIM_SQL = """
SELECT id FROM jobs AS j WHERE j.state = 'queued'
  AND (SELECT COUNT(*) FROM jobs AS r
       WHERE r.state = 'running' AND r.tenant = j.tenant AND r.product = j.product)
    < COALESCE((SELECT n FROM lim WHERE lim.product = j.product), {max_int})
ORDER BY j.priority DESC, j.seq ASC LIMIT 1
"""


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _to_row(job: Job) -> tuple[Any, ...]:
    values = []
    for name in _COLUMNS:
        value = getattr(job, name)
        if name in _JSON_FIELDS:
            value = _dumps(value)
        elif name in _BOOL_FIELDS:
            value = int(value)
        elif name == "state":
            value = value.value
        values.append(value)
    return tuple(values)


def _from_row(row: sqlite3.Row) -> Job:
    data: dict[str, Any] = {name: row[name] for name in _COLUMNS}
    for name in _JSON_FIELDS:
        data[name] = json.loads(data[name])
    for name in _BOOL_FIELDS:
        data[name] = bool(data[name])
    data["state"] = JobState(data["state"])
    return Job(**data)


class SqliteJobStore:
    """:class:`~portrait_studio.jobs.store.base.JobStore` in one SQLite file."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time,
                 busy_timeout_ms: int = defaults.SQLITE_BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._busy_ms = busy_timeout_ms
        self._local = threading.local()
        self._db().executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"SqliteJobStore({str(self.path)!r})"

    # --- connections and transactions --------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=self._busy_ms / 1000,
                                   isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection (others close when their thread's store is freed)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- reads -------------------------------------------------------------------------------

    def _one(self, db: sqlite3.Connection, where: str, args: tuple[Any, ...]) -> Job | None:
        row = db.execute(f"SELECT * FROM jobs WHERE {where} LIMIT 1", args).fetchone()
        return None if row is None else _from_row(row)

    def _many(self, db: sqlite3.Connection, sql: str, args: tuple[Any, ...]) -> builtins.list[Job]:
        return [_from_row(row) for row in db.execute(sql, args).fetchall()]

    def get(self, job_id: str) -> Job | None:
        return self._one(self._db(), "id = ?", (job_id,))

    def find_by_external_id(self, tenant: str, external_id: str) -> Job | None:
        return self._one(self._db(), "external_id = ? AND tenant = ?", (external_id, tenant))

    def find_by_dedup_key(self, tenant: str, dedup_key: str) -> Job | None:
        return self._one(self._db(), "tenant = ? AND dedup_key = ? AND state != 'expired'",
                         (tenant, dedup_key))

    def list(self, *, tenant: str | None = None, state: JobState | None = None,
             product: str | None = None, limit: int = 50, offset: int = 0) -> builtins.list[Job]:
        clauses, args = ["1 = 1"], []
        for column, value in (("tenant", tenant), ("state", state), ("product", product)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value.value if isinstance(value, JobState) else value)
        sql = (f"SELECT * FROM jobs WHERE {' AND '.join(clauses)} "
               "ORDER BY seq DESC LIMIT ? OFFSET ?")
        return self._many(self._db(), sql, (*args, max(0, limit), max(0, offset)))

    def counts(self, tenant: str | None = None) -> dict[JobState, int]:
        where, args = ("WHERE tenant = ?", (tenant,)) if tenant is not None else ("", ())
        rows = self._db().execute(f"SELECT state, COUNT(*) FROM jobs {where} GROUP BY state",
                                  args).fetchall()
        found = {JobState(state): n for state, n in rows}
        return {state: found.get(state, 0) for state in JobState}

    def count_queued(self, tenant: str) -> int:
        return self._count_queued(self._db(), tenant)

    @staticmethod
    def _count_queued(db: sqlite3.Connection, tenant: str) -> int:
        row = db.execute("SELECT COUNT(*) FROM jobs WHERE tenant = ? AND state = 'queued'",
                         (tenant,)).fetchone()
        return int(row[0])

    # --- writes ------------------------------------------------------------------------------

    def create(self, job: Job, *, max_queued: int | None = None) -> tuple[Job, bool]:
        fresh = replace(job, state=JobState.QUEUED, created_at=self._clock(), attempts=0,
                        started_at=None, finished_at=None, expires_at=None, worker_id=None)
        with self._write() as db:
            if job.dedup_key is not None:
                existing = self._one(db, "tenant = ? AND dedup_key = ? AND state != 'expired'",
                                     (job.tenant, job.dedup_key))
                if existing is not None:
                    return existing, False
            self._check_queue(db, job.tenant, max_queued)
            self._insert(db, fresh)
        return fresh, True

    @staticmethod
    def _check_queue(db: sqlite3.Connection, tenant: str, max_queued: int | None) -> None:
        if max_queued is None:
            return
        queued = SqliteJobStore._count_queued(db, tenant)
        if queued >= max_queued:
            raise QueueFull(f"tenant {tenant!r} already has {queued} queued jobs; the limit is "
                            f"{max_queued}, retry when some have started", field="queue",
                            limit=max_queued)

    @staticmethod
    def _insert(db: sqlite3.Connection, job: Job) -> None:
        marks = ", ".join("?" for _ in _COLUMNS)
        try:
            db.execute(f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({marks})",
                       _to_row(job))
        except sqlite3.IntegrityError as exc:
            raise ParameterError(f"job id or external id already in use ({exc})",
                                 field="external_id") from None

    def _update(self, db: sqlite3.Connection, job_id: str, **values: Any) -> None:
        sets, args = [], []
        for name, value in values.items():
            sets.append(f"{name} = ?")
            if name in _JSON_FIELDS:
                value = _dumps(value)
            elif isinstance(value, JobState):
                value = value.value
            elif isinstance(value, bool):
                value = int(value)
            args.append(value)
        db.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", (*args, job_id))

    def claim_next(self, worker_id: str, product_limits: Mapping[str, int]) -> Job | None:
        db = self._db()
        if db.execute("SELECT 1 FROM jobs WHERE state = 'queued' LIMIT 1").fetchone() is None:
            return None  # cheap read first: idle polling never takes the write lock
        limits = [("", 0)] + [(str(k), int(v)) for k, v in product_limits.items()]
        values = ", ".join("(?, ?)" for _ in limits)
        sql = (f"WITH lim(product, n) AS (VALUES {values}) "
               + _CLAIM_SQL.format(max_int=_MAX_INT))
        with self._write() as db:
            row = db.execute(sql, [x for pair in limits for x in pair]).fetchone()
            if row is None:
                return None
            db.execute("UPDATE jobs SET state = 'running', worker_id = ?, started_at = ?, "
                       "attempts = attempts + 1, progress = 0 WHERE id = ?",
                       (worker_id, self._clock(), row[0]))
            return self._one(db, "id = ?", (row[0],))

    def heartbeat(self, job_id: str, worker_id: str, *, progress: float | None = None,
                  report: Mapping[str, Any] | None = None) -> bool:
        if progress is None and not report:
            job = self.get(job_id)
            return job is not None and self._owned(job, worker_id)
        with self._write() as db:
            job = self._one(db, "id = ?", (job_id,))
            if job is None or not self._owned(job, worker_id):
                return False
            self._update(db, job_id, progress=job.progress if progress is None else progress,
                         report={**job.report, **(report or {})})
            return True

    @staticmethod
    def _owned(job: Job, worker_id: str) -> bool:
        return (job.state is JobState.RUNNING and job.worker_id == worker_id
                and not job.cancel_requested)

    def finish(self, job_id: str, worker_id: str, state: JobState, *,
               results: builtins.list[str] | None = None, report: Mapping[str, Any] | None = None,
               error_code: str | None = None, error_message: str | None = None) -> Job | None:
        if state not in FINISHED_STATES:
            raise ValueError(f"finish needs a finished state, got {state}")
        with self._write() as db:
            job = self._one(db, "id = ?", (job_id,))
            if job is None or job.state is not JobState.RUNNING or job.worker_id != worker_id:
                return None
            if job.cancel_requested:
                state, results, error_code, error_message = JobState.CANCELED, [], None, None
            self._end(db, job, state, results=list(results or []),
                      report={**job.report, **(report or {})}, error_code=error_code,
                      error_message=error_message, progress=1.0)
            return self._one(db, "id = ?", (job_id,))

    def _end(self, db: sqlite3.Connection, job: Job, state: JobState, **values: Any) -> None:
        now = self._clock()
        self._update(db, job.id, state=state, finished_at=now,
                     expires_at=now + job.retention_s, **values)

    def cancel(self, job_id: str, *, queued_only: bool = False) -> Job | None:
        with self._write() as db:
            job = self._one(db, "id = ?", (job_id,))
            if job is None:
                return None
            if job.state is JobState.QUEUED:
                self._end(db, job, JobState.CANCELED)
            elif job.state is JobState.RUNNING and not queued_only:
                self._update(db, job_id, cancel_requested=True)
            return self._one(db, "id = ?", (job_id,))

    def requeue_orphans(self, max_attempts: int, worker_ids: Collection[str] | None = None,
                        *, refund_attempt: bool = False) -> builtins.list[Job]:
        where, args = "state = 'running'", tuple[str, ...]()
        if worker_ids is not None:
            ids = tuple(worker_ids)
            where += f" AND worker_id IN ({', '.join('?' for _ in ids)})" if ids else " AND 0"
            args = ids
        with self._write() as db:
            orphans = self._many(db, f"SELECT * FROM jobs WHERE {where} ORDER BY seq", args)
            for job in orphans:
                self._recover_one(db, job, max_attempts, refund_attempt)
            return self._reload(db, [job.id for job in orphans])

    def _reload(self, db: sqlite3.Connection, ids: builtins.list[str]) -> builtins.list[Job]:
        found = (self._one(db, "id = ?", (job_id,)) for job_id in ids)
        return [job for job in found if job is not None]

    def _recover_one(self, db: sqlite3.Connection, job: Job, max_attempts: int,
                     refund: bool) -> None:
        attempts = max(0, job.attempts - 1) if refund else job.attempts
        if job.cancel_requested:
            self._end(db, job, JobState.CANCELED, attempts=attempts)
        elif attempts >= max_attempts:
            message = (f"the worker process running this job stopped unexpectedly "
                       f"{attempts} time(s) (crash or kill); the job was not retried again")
            self._end(db, job, JobState.FAILED, attempts=attempts, error_code=WORKER_LOST_CODE,
                      error_message=message)
        else:
            self._update(db, job.id, state=JobState.QUEUED, attempts=attempts, worker_id=None,
                         started_at=None, progress=0.0)

    def expire_due(self, now: float, limit: int = 500) -> builtins.list[Job]:
        with self._write() as db:
            due = [row[0] for row in db.execute(
                f"SELECT id FROM jobs WHERE state IN {_FINISHED_SQL} AND expires_at <= ? "
                "ORDER BY expires_at LIMIT ?", (now, limit)).fetchall()]
            for job_id in due:
                self._update(db, job_id, state=JobState.EXPIRED)
            return self._reload(db, due)

    def pending_purge(self, kind: PurgeKind, limit: int = 500) -> builtins.list[Job]:
        where = (f"state IN {_TERMINAL_SQL} AND inputs_purged = 0"
                 if kind == "inputs" else "state = 'expired' AND results_purged = 0")
        return self._many(self._db(), f"SELECT * FROM jobs WHERE {where} ORDER BY seq LIMIT ?",
                          (limit,))

    def mark_purged(self, job_id: str, kind: PurgeKind) -> None:
        column = "inputs_purged" if kind == "inputs" else "results_purged"
        with self._write() as db:
            db.execute(f"UPDATE jobs SET {column} = 1 WHERE id = ?", (job_id,))
