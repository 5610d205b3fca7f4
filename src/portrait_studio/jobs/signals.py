"""Cheap wake-ups between the service (submit, wait) and the workers (claim, finish).

The store is the truth; signals only shorten the time until someone looks at it again. A
waiter reads :meth:`JobSignals.generation` *before* reading the store and then calls
:meth:`JobSignals.wait_for_change` with it, so a finish that happens in between is not missed.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class JobSignals(Protocol):
    """What :class:`~portrait_studio.jobs.service.JobService` needs from a worker pool."""

    def notify_submitted(self) -> None:
        """A job was queued: wake an idle worker."""
        ...

    def generation(self) -> int:
        """A counter that grows whenever some job may have reached a terminal state."""
        ...

    def wait_for_change(self, generation: int, timeout: float) -> None:
        """Return once :meth:`generation` differs from ``generation`` or after ``timeout``."""
        ...


class PollingSignals:
    """No pool in this process (e.g. workers elsewhere): waiting is a short sleep."""

    def __init__(self, interval_s: float = 0.02) -> None:
        self.interval_s = interval_s

    def notify_submitted(self) -> None:
        return None

    def generation(self) -> int:
        return 0

    def wait_for_change(self, generation: int, timeout: float) -> None:
        time.sleep(max(0.0, min(timeout, self.interval_s)))


class FinishBoard:
    """A generation counter with a condition: bumped by the pool when workers report."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0

    def bump(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def generation(self) -> int:
        with self._cond:
            return self._generation

    def wait_for_change(self, generation: int, timeout: float) -> None:
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while self._generation == generation:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._cond.wait(remaining):
                    return
