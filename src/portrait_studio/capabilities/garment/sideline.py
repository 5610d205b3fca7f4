"""A widened torso layer's side outline kept smooth: no square juts or notches.

:func:`.reveal.widen_to_old` spreads a top over the old top that shows beside it, so the new
side outline followed the old clothing's: where an old suit's sleeve hangs below a bent
elbow, the new T-shirt jutted out square over it for a few rows (Obama's FILA tee at
y~1340, 60 px out) and stepped back in below it, a notch above the jacket's pocket.
:func:`smooth_sides` takes back what the widening added beyond each side's outline opened
along the rows (a grey opening of the outermost column per row, ``WINDOW`` shoulder widths
long) and going out by at most ``SLOPE`` px per row down from the rows where the side is its own
(not cut by an arm in front): bumps shorter than the window go, steps become ramps, the
widening elsewhere stays, the layer's own warped pixels are never taken. What is taken back
is uncovered old clothing, continued with the background like the rest (not in the torso
zone, where it would be painted as bare skin). Masks HxW bool, alphas HxW float32.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import grey_opening

from ...imaging.regions import row_first, row_last
from .body import Body

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
WINDOW = 0.16     # rows (x shoulder width): outward bumps of the side outline shorter than
                  # this are taken back
SLOPE = 0.5       # px per row: the outline goes out no faster than this
CUT = 2           # px: a side this far inside the layer's own is cut by an arm in front


def side_profiles(solid: Mask, centre_x: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per row, the outermost column of ``solid`` left of ``centre_x`` (-1: none) and right
    of it (-1: none)."""
    cx = int(np.clip(round(centre_x), 0, solid.shape[1]))
    left = row_first(solid[:, :cx], -1)
    right = row_last(solid[:, cx:], -1 - cx) + cx
    return left.astype(np.int64), right.astype(np.int64)


def opened(edge: NDArray[np.int64], size: int, outward: int) -> NDArray[np.int64]:
    """The outline ``edge`` (a column per row, -1 where the row has none) with its outward
    bumps (``outward`` +1: toward larger columns) shorter than ``size`` rows taken off: a
    grey opening of each run of rows that have a column, its ends continued."""
    out = edge.copy()
    have = np.flatnonzero(edge >= 0)
    if len(have) == 0 or size < 3:
        return out
    breaks = np.flatnonzero(np.diff(have) > 1) + 1
    for run in np.split(have, breaks):
        vals = edge[run] * outward
        out[run] = grey_opening(vals, size=size, mode="nearest") * outward
    return out


def sloped(edge: NDArray[np.int64], valid: NDArray[np.bool_], slope: float,
           outward: int) -> NDArray[np.float64]:
    """Per row, the farthest out the outline may lie going down: no farther than ``slope``
    columns per row beyond ``edge`` in any ``valid`` row above (inf, signed outward, below
    none). Only downward: a hem's corner rising to the side is no step."""
    ramp = slope * np.arange(len(edge), dtype=np.float64)
    bound = np.where(valid, edge * outward, np.inf) - ramp
    out: NDArray[np.float64] = (np.minimum.accumulate(bound) + ramp) * outward
    return out


def smooth_sides(before: F32, after: F32, warped: F32, body: Body,
                 keep: Callable[[], Mask]) -> F32:
    """``after`` (a torso layer's alpha widened over the old top from ``before``; ``warped``
    its alpha as laid on, nothing cut) without the widened pixels beyond each side's
    smoothed outline; they get ``before``'s alpha back. The outline: in the rows where the
    side is the layer's own or widened (not cut short by an arm in front), opened
    (:func:`opened`, ``WINDOW`` shoulder widths of rows), then going out by at most
    ``SLOPE`` px per row going down (:func:`sloped`). Never in ``keep()`` (the torso zone:
    old top uncovered there is painted as bare skin, a brown wedge by Obama's waist)."""
    full = after > 0.5
    at = np.flatnonzero(full & (before <= 0.5))    # the pixels the widening added
    if not len(at):
        return after
    ys, xs = np.divmod(at, full.shape[1])
    x0, y0, bw, bh = cv2.boundingRect(full.astype(np.uint8))
    box = np.s_[y0:y0 + bh, x0:x0 + bw]     # the outlines in the layer's bounding box
    size = max(3, round(WINDOW * body.pose.shoulder_width))
    cx = float(body.pose.shoulder_mid[0]) - x0
    limits = []
    for edge, own, outward in zip(side_profiles(full[box], cx),
                                  side_profiles(warped[box] > 0.5, cx), (-1, 1), strict=True):
        valid = (edge >= 0) & ((own < 0) | (edge * outward >= own * outward - CUT))
        limits.append(sloped(opened(np.where(valid, edge, -1), size, outward), valid, SLOPE,
                             outward))
    ry, rx = ys - y0, (xs - x0).astype(np.float64)
    drop = np.where(rx < cx, rx < limits[0][ry], rx > limits[1][ry])
    if not drop.any():
        return after
    ys, xs = ys[drop], xs[drop]
    off = ~keep()[ys, xs]
    out = after.copy()
    out[ys[off], xs[off]] = before[ys[off], xs[off]]
    return out

