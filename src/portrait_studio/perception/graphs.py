"""Which MediaPipe graphs a thread uses, and one helper thread with graphs of its own.

MediaPipe graphs are not thread-safe, so each is used by one thread at a time: the calling
thread uses graph set 0 (as before) and the helper thread (:func:`in_helper`) uses set 1.
Perception steps that do not depend on each other (detecting the user face while the template
is being detected, segmenting the template while faces are planned) can thus run side by side
on the second core. Building a graph silences file descriptor 2, which is process-wide: so
every registered graph (:func:`register`) of both sets is built by the thread that first
calls :func:`in_helper`, before the helper runs anything (an error printed by one thread is
never swallowed while another builds a graph), and builds are serialised by
:data:`BUILD_LOCK`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

BUILD_LOCK = threading.Lock()
_SLOT = threading.local()
_HELPER: list[ThreadPoolExecutor] = []
_HELPER_LOCK = threading.Lock()
_HELPER_PID = [0]
_BUILDERS: list[Callable[[int], object]] = []
_BUILT: set[int] = set()


def register(builder: Callable[[int], object]) -> None:
    """Register a function building (and caching) a module's graphs of a given set."""
    _BUILDERS.append(builder)


def graph_slot() -> int:
    """The graph set of the current thread: 1 in the helper thread, else 0."""
    return int(getattr(_SLOT, "index", 0))


def _mark_helper() -> None:
    _SLOT.index = 1


def in_helper(fn: Callable[..., T], *args: Any) -> Future[T]:
    """Run ``fn(*args)`` on the helper thread (FIFO, one job at a time) with graph set 1."""
    with _HELPER_LOCK:
        for builder in _BUILDERS:
            if id(builder) not in _BUILT:
                builder(0)
                builder(1)
                _BUILT.add(id(builder))
        return _executor().submit(fn, *args)


def _executor() -> ThreadPoolExecutor:
    """The helper thread's executor (under :data:`_HELPER_LOCK`), made afresh in a forked
    child (which inherits the object but not its thread)."""
    if _HELPER_PID[0] != os.getpid():  # none yet, or inherited by a fork (no thread)
        _HELPER[:] = [ThreadPoolExecutor(1, thread_name_prefix="perception-helper",
                                         initializer=_mark_helper)]
        _HELPER_PID[0] = os.getpid()
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
    return _HELPER[0]


# seconds a thread may hold the interpreter lock while the other waits for it (Python's
# default: 5 ms). The two threads' steps are mostly short OpenCV and NumPy calls between
# stretches of Python; with 1 ms a 1080x1320 fusion took 3-4 ms less (median of 96 paired
# runs, three times: -2.9, -3.6, -4.0 ms; standard errors 2-4 ms), the same bytes
SWITCH_INTERVAL = 0.001


def alongside(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start ``fn(*args)`` (plain computation: no graphs) on the helper thread while the
    caller does other work; the returned function gives its result (raising its error),
    computing it in the calling thread instead when the helper has not started it by then
    (the helper is busy, or the caller is the helper itself: no waiting on a queue). On
    two cores the two halves of a step run side by side (OpenCV and NumPy release the GIL
    on whole arrays)."""
    with _HELPER_LOCK:
        job = _executor().submit(fn, *args)

    def result() -> T:
        return fn(*args) if job.cancel() else job.result()

    return result
