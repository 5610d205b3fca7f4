"""Straps of a strappy top (cami, tank) on its cut-out, and the inside back seen through its
neckline.

A top has straps when its silhouette's top rows hold two separate narrow runs (each at most
``STRAP_MAX`` of the garment's width) on either side of an open centre, over at least
``MIN_LENGTH`` of its width: the straps rise above the front's neckline. A product photo of
such a top usually shows the inside of the back panel (often with the brand label) through
the neckline, right below the straps' gap; it is the back, not the front, and on a person it
would sit on the chest. It is dropped: between the straps' inner edges, from the bottom of the
gap down to the front neckline, taken ``BACK_DEPTH`` of the garment's width below the gap, or
lower while one block of dark label-like pixels (under 60% of the fabric's median grey),
starting near the gap, still shows there.
Images HxWx3 uint8 RGB, masks HxW bool, coordinates in cut-out pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .kinds import row_runs

Mask = NDArray[np.bool_]
STRAP_MAX = 0.2      # a strap's width at most this share of the garment's width
MIN_LENGTH = 0.08    # the straps rise at least this share of the width above the centre
BACK_DEPTH = 0.08    # the front neckline at least this share of the width below the gap
MAX_DEPTH = 0.2      # and at most this much


@dataclass(frozen=True)
class Straps:
    """The straps of a top: ``left``/``right`` (x0, x1) runs at their top quarter, ``top``
    row of their tops, ``gap_y`` first row where the centre between them is garment,
    ``inner`` (x of the left strap's inner edge, x of the right one's) 3/4 down the gap."""

    left: tuple[int, int]
    right: tuple[int, int]
    top: int
    gap_y: int
    inner: tuple[int, int]

    @property
    def width(self) -> float:
        """Mean width of the two straps (px)."""
        return ((self.left[1] - self.left[0]) + (self.right[1] - self.right[0])) / 2


def _side_runs(row: Mask, cx: float) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The runs nearest the centre on each side, when the centre column is open."""
    runs = row_runs(row)
    left = [r for r in runs if r[1] <= cx]
    right = [r for r in runs if r[0] > cx]
    if len(left) + len(right) != len(runs) or not left or not right:
        return None
    return left[-1], right[0]


def find_straps(mask: Mask, cx: float) -> Straps | None:
    """The straps of a top's cut-out ``mask`` with centre column ``cx``, or None."""
    h, w = mask.shape
    rows = np.flatnonzero(mask.any(axis=1))
    if not len(rows):
        return None
    top = int(rows[0])
    covered = np.flatnonzero(mask[:, int(np.clip(cx, 0, w - 1))])
    y = int(covered[0]) if len(covered) else h
    if y - top < MIN_LENGTH * w or y >= h:
        return None
    probe = _side_runs(mask[top + (y - top) // 4], cx)
    low = _side_runs(mask[top + 3 * (y - top) // 4], cx)
    if probe is None or low is None:
        return None
    left, right = probe
    if max(left[1] - left[0], right[1] - right[0]) > STRAP_MAX * w:
        return None
    return Straps(left, right, top, y, (low[0][1], low[1][0]))


def front_neckline(img: NDArray[np.uint8], mask: Mask, straps: Straps) -> int:
    """Row of the front's neckline between the straps: ``BACK_DEPTH`` of the width below
    the gap, or just below the lowest row of dark (label-like) pixels within ``MAX_DEPTH``."""
    w = mask.shape[1]
    x0, x1 = straps.inner
    y0 = straps.gap_y
    y1 = min(mask.shape[0], y0 + int(MAX_DEPTH * w))
    grey = img[y0:y1, x0:x1].mean(axis=2)
    inside = mask[y0:y1, x0:x1]
    front: int = y0 + round(BACK_DEPTH * w)
    if not inside.any():
        return front
    dark = inside & (grey < 0.6 * float(np.median(grey[inside])))
    rows = np.flatnonzero(dark.sum(axis=1) >= 2)
    if len(rows) and rows[0] < (y1 - y0) // 2:   # one block from near the gap (a label)
        breaks = np.flatnonzero(np.diff(rows) > 3)
        last = rows[breaks[0]] if len(breaks) else rows[-1]
        front = max(front, y0 + int(last) + 3)
    return int(min(front, y1))


def drop_back(img: NDArray[np.uint8], mask: Mask, cx: float) -> Mask:
    """``mask`` without the inside back seen between the straps (unchanged without
    straps)."""
    straps = find_straps(mask, cx)
    if straps is None:
        return mask
    out = mask.copy()
    out[straps.gap_y:front_neckline(img, mask, straps), straps.inner[0]:straps.inner[1]] = False
    return out
