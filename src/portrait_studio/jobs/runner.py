"""Running one claimed job to its end, inside a worker (no processes here: testable inline).

Executor errors that are :class:`~portrait_studio.errors.PortraitError` fail the job with their
code and message; anything else fails it as ``internal`` with a generic message while the
traceback goes to the log (lines truncated: never image bytes). Input blobs are deleted as
soon as the job ends (biometric data); results are stored under ``results/<job id>/``.
"""

from __future__ import annotations

import json
import logging
import traceback
from functools import partial
from typing import Any

from ..errors import InternalError, PortraitError
from ..storage.base import BlobStore, suffix_for
from .executors import CancelRequested, ExecutionContext, ExecutionResult, ExecutorRegistry
from .model import INTERNAL_MESSAGE, Job, JobState
from .retention import purge_inputs
from .store.base import JobStore

log = logging.getLogger(__name__)
_MAX_LOG_LINE = 300
_MAX_DETAILS = 4096


def run_job(job: Job, *, store: JobStore, blobs: BlobStore, registry: ExecutorRegistry,
            worker_id: str) -> Job | None:
    """Execute ``job`` (already claimed by ``worker_id``) and record its end.

    Returns the finished job, or None when the job was taken away meanwhile (recovered by
    another process); in that case nothing this run produced is kept.
    """
    finished = _execute(job, store, blobs, registry, worker_id)
    if finished is not None and finished.state.is_terminal():
        purge_inputs(finished, store, blobs)
    return finished


def _execute(job: Job, store: JobStore, blobs: BlobStore, registry: ExecutorRegistry,
             worker_id: str) -> Job | None:
    context = ExecutionContext(job, blobs.get, partial(_heartbeat, store, job.id, worker_id))
    try:
        result = registry.get(job.product)(context)
        if not isinstance(result, ExecutionResult):
            raise TypeError(f"executor returned {type(result).__name__}, not ExecutionResult")
    except CancelRequested:
        return store.finish(job.id, worker_id, JobState.CANCELED)
    except PortraitError as exc:
        return store.finish(job.id, worker_id, JobState.FAILED, error_code=exc.code,
                            error_message=exc.message, report=_error_report(exc))
    except Exception as exc:  # noqa: BLE001 - any bug ends the job FAILED, never the worker
        _log_failure(job, exc)
        return _fail_internal(store, job, worker_id)
    if context.canceled():
        return store.finish(job.id, worker_id, JobState.CANCELED)
    return _succeed(store, blobs, job, worker_id, result)


def _heartbeat(store: JobStore, job_id: str, worker_id: str, progress: float | None,
               report: Any) -> bool:
    return store.heartbeat(job_id, worker_id, progress=progress, report=report)


def _succeed(store: JobStore, blobs: BlobStore, job: Job, worker_id: str,
             result: ExecutionResult) -> Job | None:
    keys: list[str] = []
    try:
        for output in result.outputs:
            keys.append(blobs.put(output.data, prefix=f"results/{job.id}",
                                  suffix=suffix_for(output.media_type)))
        finished = store.finish(job.id, worker_id, JobState.SUCCEEDED, results=keys,
                                report=result.report)
    except Exception as exc:  # noqa: BLE001 - stored blobs are removed, then the job fails
        _delete(blobs, keys)
        _log_failure(job, exc)
        return _fail_internal(store, job, worker_id)
    if finished is None or finished.results != keys:
        _delete(blobs, keys)  # canceled or taken away meanwhile: results are not wanted
    return finished


def _fail_internal(store: JobStore, job: Job, worker_id: str) -> Job | None:
    return store.finish(job.id, worker_id, JobState.FAILED, error_code=InternalError.code,
                        error_message=INTERNAL_MESSAGE)


def _error_report(exc: PortraitError) -> dict[str, Any]:
    report: dict[str, Any] = {}
    if exc.field is not None:
        report["error_field"] = exc.field
    details = json.dumps(exc.details, default=str)
    if exc.details and len(details) <= _MAX_DETAILS:
        report["error_details"] = json.loads(details)
    return report


def _delete(blobs: BlobStore, keys: list[str]) -> None:
    for key in keys:
        try:
            blobs.delete(key)
        except OSError:
            log.warning("could not delete blob %s", key)


def _log_failure(job: Job, exc: BaseException) -> None:
    """Log the traceback of an unexpected executor error, each line cut short."""
    lines = "".join(traceback.format_exception(exc)).splitlines()
    text = "\n".join(line if len(line) <= _MAX_LOG_LINE else line[:_MAX_LOG_LINE] + " [...]"
                     for line in lines)
    log.error("job %s (%s) failed with an internal error:\n%s", job.id, job.product, text,
              extra={"job_id": job.id})
