"""Whether the old top has a long sleeve on an arm: it reaches the wrist and the forearm
is not bare (then no real arm shows to continue upward; only the hand). Masks HxW bool,
arm chains shoulder -> elbow -> wrist (x, y) float32 points.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .body import Body


def long_sleeve(body: Body, chain: list[NDArray[np.float32]]) -> bool:
    """Whether the old top covers this forearm: it reaches the wrist (within 0.15 shoulder
    widths) and the forearm is not bare (at most one of the points at 20..80% of the
    elbow -> wrist bone has more skin than old top within 0.06 shoulder widths). A stray
    piece of old top by a bare hand does not make a long sleeve."""
    sw = body.pose.shoulder_width
    wrist = chain[-1]
    ys, xs = np.nonzero(body.old_top)
    if not len(ys) or float(np.hypot(xs - wrist[0], ys - wrist[1]).min()) >= 0.15 * sw:
        return False
    bare = sum(_skin_wins(body, chain[1] + (wrist - chain[1]) * f, 0.06 * sw)
               for f in (0.2, 0.4, 0.6, 0.8))
    return bare <= 1


def _skin_wins(body: Body, p: NDArray[np.float32], r: float) -> bool:
    """Whether more skin than old top lies within ``r`` px of ``p``."""
    h, w = body.skin.shape
    x0, x1 = int(max(0, p[0] - r)), int(min(w, p[0] + r + 1))
    y0, y1 = int(max(0, p[1] - r)), int(min(h, p[1] + r + 1))
    if x1 <= x0 or y1 <= y0:
        return False
    yy, xx = np.mgrid[y0:y1, x0:x1]
    disc = (xx - p[0]) ** 2 + (yy - p[1]) ** 2 <= r * r
    return int(body.skin[y0:y1, x0:x1][disc].sum()) > int(body.old_top[y0:y1, x0:x1][disc].sum())
