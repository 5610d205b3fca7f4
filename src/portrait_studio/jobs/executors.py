"""What runs a job: executors registered by product name.

An executor is ``Callable[[ExecutionContext], ExecutionResult]``. The worker gives it an
:class:`ExecutionContext` (params, a loader for input bytes, a cancel check and a progress hook)
and stores the returned outputs as result blobs. The registry is filled by the caller (studio
wiring registers the real pipelines; tests register fakes) inside a picklable factory, which each
worker process calls once.

An executor signals failure by raising a :class:`~portrait_studio.errors.PortraitError` (the job
fails with its code and message); anything else fails the job as ``internal``. It may stop early
when :meth:`ExecutionContext.canceled` is True, or call :meth:`ExecutionContext.raise_if_canceled`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..errors import InternalError, MissingParameter
from . import defaults
from .model import Job


class Output(NamedTuple):
    """One result: encoded bytes (e.g. a PNG/JPEG of an HxWx3 uint8 RGB image) and its type."""

    data: bytes
    media_type: str


@dataclass(frozen=True)
class ExecutionResult:
    """What an executor returns: outputs in order and a small JSON-able report."""

    outputs: list[Output] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, outputs: Iterable[tuple[bytes, str]],
           report: Mapping[str, Any] | None = None) -> ExecutionResult:
        """Build from ``(bytes, media type)`` pairs."""
        return cls([Output(bytes(d), str(t)) for d, t in outputs], dict(report or {}))


class CancelRequested(Exception):  # a control-flow signal, not an error
    """Raised by :meth:`ExecutionContext.raise_if_canceled`; the worker ends the job canceled.

    Not a :class:`~portrait_studio.errors.PortraitError`: it never leaves the worker.
    """


Heartbeat = Callable[[float | None, Mapping[str, Any] | None], bool]


class ExecutionContext:
    """The view of one job an executor gets: params, input bytes, cancel check, progress."""

    def __init__(self, job: Job, load: Callable[[str], bytes], heartbeat: Heartbeat,
                 *, min_interval_s: float = defaults.HEARTBEAT_MIN_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.job = job
        self._load = load
        self._heartbeat = heartbeat
        self._interval = min_interval_s
        self._clock = clock
        self._last = float("-inf")
        self._stop = False

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    @property
    def product(self) -> str:
        return self.job.product

    @property
    def job_id(self) -> str:
        return self.job.id

    def input_names(self) -> list[str]:
        """Input roles present, e.g. ``["template", "faces"]``."""
        return list(self.job.inputs)

    def input_count(self, name: str) -> int:
        return len(self.job.inputs.get(name, []))

    def inputs(self, name: str) -> list[bytes]:
        """The encoded bytes of every input of role ``name`` (empty list when none)."""
        return [self._load_key(key) for key in self.job.inputs.get(name, [])]

    def input(self, name: str, index: int = 0) -> bytes:
        """The encoded bytes of input ``name[index]``; MissingParameter when absent."""
        keys = self.job.inputs.get(name, [])
        if not 0 <= index < len(keys):
            raise MissingParameter(f"input {name!r} #{index} is required", field=name)
        return self._load_key(keys[index])

    def _load_key(self, key: str) -> bytes:
        try:
            return self._load(key)
        except KeyError:
            raise InternalError(f"input {key!r} of job {self.job.id} is missing from storage")\
                from None

    def canceled(self) -> bool:
        """True when the job should stop (cancel requested or the job was taken away)."""
        self._beat(None, None, force=False)
        return self._stop

    def raise_if_canceled(self) -> None:
        """Raise :class:`CancelRequested` when :meth:`canceled` is True."""
        if self.canceled():
            raise CancelRequested(self.job.id)

    def progress(self, fraction: float, **report: Any) -> None:
        """Record progress in [0, 1] and merge ``report`` into the job's report (throttled)."""
        self._beat(min(1.0, max(0.0, float(fraction))), report or None, force=bool(report))

    def _beat(self, progress: float | None, report: Mapping[str, Any] | None,
              *, force: bool) -> None:
        now = self._clock()
        if self._stop or (not force and now - self._last < self._interval):
            return
        self._last = now
        self._stop = not self._heartbeat(progress, report)


Executor = Callable[[ExecutionContext], ExecutionResult]


class ExecutorRegistry:
    """Executors by product name."""

    def __init__(self, executors: Mapping[str, Executor] | None = None) -> None:
        self._executors: dict[str, Executor] = dict(executors or {})

    def register(self, product: str, executor: Executor) -> None:
        """Make ``executor`` run jobs of ``product`` (replacing any earlier one)."""
        self._executors[product] = executor

    def get(self, product: str) -> Executor:
        """The executor of ``product``; :class:`InternalError` when none is registered."""
        try:
            return self._executors[product]
        except KeyError:
            raise InternalError(f"no executor is registered for product {product!r}; known: "
                                f"{', '.join(sorted(self._executors)) or 'none'}") from None

    def __contains__(self, product: object) -> bool:
        return product in self._executors

    def products(self) -> list[str]:
        return sorted(self._executors)


RegistryFactory = Callable[[], ExecutorRegistry]
