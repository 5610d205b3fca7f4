"""Process memory policy for image work: freed image buffers stay in the process for reuse.

A fusion at 1080x1320 allocates and frees a few hundred image-sized temporaries (0.1-20 MB:
float32 copies, pyramids, masks). glibc's malloc serves every block above its mmap threshold
(128 KiB at start, raised only up to the largest block freed so far) with fresh pages from the
kernel and gives the heap's free top back as soon as it exceeds twice that threshold, so most of
those temporaries cost page faults and page zeroing again on every request: 3,000-3,900 faults
and about 30 ms of CPU per fusion on the 2-core target machine. Raising both thresholds once
keeps the freed blocks in the heap, where the next temporaries reuse them (about 10 faults per
fusion): the same pixels, 15-20 ms (about 15%) less wall time. Memory above the mmap threshold
(whole large images) is still returned at once, and the heap top is trimmed beyond
:data:`TRIM_THRESHOLD` of free memory.
"""

from __future__ import annotations

import ctypes
import sys
import threading

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers
MMAP_THRESHOLD = 32 << 20   # glibc's largest allowed value on 64-bit systems
TRIM_THRESHOLD = 256 << 20  # free heap top kept for reuse (a 1080x1320 fusion peaks near that)

_STATE: dict[str, bool] = {}
_LOCK = threading.Lock()


def keep_freed_memory() -> bool:
    """Set the process' malloc thresholds (see the module docstring) once; later calls do
    nothing. True when they are set (glibc), False where there is no such allocator policy."""
    with _LOCK:
        if "done" not in _STATE:
            _STATE["done"] = _set_thresholds()
        return _STATE["done"]


def _set_thresholds() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)  # the process' own C library
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    # musl's mallopt accepts nothing and returns 0: the policy then stays the library's own
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
