"""imaging.memory: freed image buffers stay in the process (glibc malloc thresholds)."""

from __future__ import annotations

import ctypes
import resource
import sys

import numpy as np
import pytest

from portrait_studio.imaging.memory import keep_freed_memory

MB = 1 << 20


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _mallinfo2() -> _MallInfo2:
    libc = ctypes.CDLL(None)
    if not sys.platform.startswith("linux") or not hasattr(libc, "mallinfo2"):
        pytest.skip("needs glibc >= 2.33 (mallinfo2)")
    libc.mallinfo2.restype = _MallInfo2
    info: _MallInfo2 = libc.mallinfo2()
    return info


def test_image_buffers_come_from_the_heap_and_are_reused() -> None:
    before = _mallinfo2()
    assert keep_freed_memory() is True
    assert keep_freed_memory() is True  # once: later calls change nothing
    first = np.ones(16 * MB, np.uint8)  # 16 MB: mmapped (fresh pages) under glibc's default
    during = _mallinfo2()
    assert during.hblkhd == before.hblkhd  # no new mmapped block
    assert during.uordblks - before.uordblks >= 16 * MB
    del first
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    second = np.ones(16 * MB, np.uint8)  # reuses the freed block: no fresh pages to fault in
    assert resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults < 32  # fresh: 488
    assert int(second[-1]) == 1
