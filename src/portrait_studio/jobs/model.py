"""Job records and their states.

Every request is a job: a product (pipeline name such as ``"fusion"``), its params, the blob
keys of its inputs, and later its result blob keys and report. Times are Unix epoch seconds
(float). Each vendor dialect maps :class:`JobState` to its own status words with a table; there
is no second state machine.

State machine::

    queued --claim--> running --finish--> succeeded | failed | canceled
    queued --cancel--> canceled           running --worker lost--> queued (re-run) | failed
    succeeded | failed | canceled --expiry--> expired
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from ..errors import WorkerLost


class JobState(StrEnum):
    """Where a job is in its life; the value is the stored and rendered word."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"
    EXPIRED = "expired"

    def is_terminal(self) -> bool:
        """True once the job will never run again (results, if any, are final)."""
        return self not in (JobState.QUEUED, JobState.RUNNING)

    def can_become(self, other: JobState) -> bool:
        """True when ``self -> other`` is a transition of the state machine."""
        return other in TRANSITIONS[self]


TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.RUNNING, JobState.CANCELED}),
    JobState.RUNNING: frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELED,
                                 JobState.QUEUED}),
    JobState.SUCCEEDED: frozenset({JobState.EXPIRED}),
    JobState.FAILED: frozenset({JobState.EXPIRED}),
    JobState.CANCELED: frozenset({JobState.EXPIRED}),
    JobState.EXPIRED: frozenset(),
}
# terminal states whose records still answer (before expiry)
FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELED)

WORKER_LOST_CODE = WorkerLost.code
INTERNAL_MESSAGE = "internal error while running the job"


def new_job_id() -> str:
    """A fresh job id: 32 lower-case hex digits (uuid4)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Job:
    """One job record as stored.

    ``inputs`` maps an input role to blob keys, e.g. ``{"template": [k], "faces": [k1, k2]}``;
    ``results`` lists result blob keys whose extension records the media type;
    ``wire`` is opaque protocol metadata a dialect needs to render the job later (vendor ids,
    requested result type, ...); ``external_id`` is an optional indexed vendor-facing id.
    ``retention_s`` is how long results are kept after the job ends (``expires_at``).
    """

    id: str
    tenant: str
    product: str
    state: JobState = JobState.QUEUED
    params: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, list[str]] = field(default_factory=dict)
    priority: int = 0
    dedup_key: str | None = None
    external_id: str | None = None
    wire: dict[str, Any] = field(default_factory=dict)
    results: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    error_code: str | None = None
    error_message: str | None = None
    attempts: int = 0
    progress: float = 0.0
    cancel_requested: bool = False
    retention_s: float = 86400.0
    created_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None
    expires_at: float | None = None
    worker_id: str | None = None
    inputs_purged: bool = False
    results_purged: bool = False

    def input_keys(self) -> list[str]:
        """Every input blob key, role by role."""
        return [key for keys in self.inputs.values() for key in keys]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy (state as its word)."""
        data = asdict(self)
        data["state"] = self.state.value
        return data
