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

import cv2
import numpy as np
from numpy.typing import NDArray

from .kinds import row_runs

Mask = NDArray[np.bool_]
STRAP_MAX = 0.2      # a strap's width at most this share of the garment's width
MIN_LENGTH = 0.08    # the straps rise at least this share of the width above the centre
BACK_DEPTH = 0.08    # the front neckline at least this share of the width below the gap
MAX_DEPTH = 0.2      # and at most this much
ROUND = 2.5          # exponent of the rounded neckline's profile (1 - |u| ** ROUND)
EDGE_ROWS = 12       # the straps' inner edges are taken 1/EDGE_ROWS of the gap above it
LABEL_MARGIN = 3     # px: the front begins at least this far below a label
BACK_CONTRAST = 20.0  # RGB distance: an inside back of another colour than the front
BACK_ROWS = 0.04     # x width: the rows below the gap the inside back's colour is taken from
EDGE_SKIP = 3        # px of a strap's edge (blended with the background) skipped
FRONT_RUN = 4        # rows of the front's colour in a row that begin the front


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
    """Row of the front's neckline in the middle between the straps (the deepest row of
    the inside back, :func:`inside_back`)."""
    rows = np.flatnonzero(inside_back(img, mask, straps)[straps.gap_y:].any(axis=1))
    return straps.gap_y + int(rows[-1]) + 1 if len(rows) else straps.gap_y


def inside_back(img: NDArray[np.uint8], mask: Mask, straps: Straps) -> Mask:
    """HxW bool: the inside of the back seen through the neckline: the back's straps seen
    beside the front's, of the back's colour (:func:`_back_straps`), and between the
    straps (the front's, once those are off), from their inner edges just above the gap
    down to the front's neckline, per column (:func:`_front_depth`)."""
    h, w = mask.shape
    rows = (straps.gap_y, min(h, straps.gap_y + int(MAX_DEPTH * w)))
    y_e, x0, x1 = _gap_edges(mask, straps)
    out = np.zeros_like(mask)
    if x1 - x0 < 3:
        return out
    label = _label(img[rows[0]:rows[1], x0:x1], mask[rows[0]:rows[1], x0:x1])
    colours = _fabric_colours(img, mask, label, rows, (x0, x1))
    if colours is not None:
        out = _back_straps(img, mask, straps, colours)
        y_e, x0, x1 = _gap_edges(mask & ~out, straps)
        label = _label(img[rows[0]:rows[1], x0:x1], mask[rows[0]:rows[1], x0:x1])
    depth = _front_depth(img, label, colours, rows, (x0, x1))
    ys = np.arange(h)[:, None]
    out[:, x0:x1] |= (ys >= y_e) & (ys < rows[0] + depth[None, :])
    result: Mask = out & mask
    return result


def _gap_edges(mask: Mask, straps: Straps) -> tuple[int, int, int]:
    """(row, x of the left strap's inner edge, x of the right one's) just above the gap's
    bottom (``EDGE_ROWS`` of the gap's height): where the front's neckline meets the
    straps; the straps' ``inner`` edges when that row is not open in the middle."""
    y = straps.gap_y - max(2, (straps.gap_y - straps.top) // EDGE_ROWS)
    runs = _side_runs(mask[max(straps.top, y)], sum(straps.inner) / 2)
    if runs is None:
        return straps.gap_y, straps.inner[0], straps.inner[1]
    return max(straps.top, y), runs[0][1], runs[1][0]


def _front_depth(img: NDArray[np.uint8], label: Mask,
                 colours: tuple[NDArray[np.float32], NDArray[np.float32]] | None,
                 rows: tuple[int, int], cols: tuple[int, int]) -> NDArray[np.int64]:
    """(x1 - x0,) rows below the gap's bottom ``y0`` where the front begins, per column of
    ``cols``: where the colour turns to the front fabric's when the inside back is of
    another colour (``colours``, :func:`_by_colour`), else a rounded neckline
    (``1 - |u| ** ROUND``, 0 at the straps) deep enough to take every ``label`` pixel
    (``LABEL_MARGIN`` px below it) or ``BACK_DEPTH`` of the garment's width without a
    label; never above the labels' pixels."""
    (y0, y1), (x0, x1) = rows, cols
    below = _label_bottoms(label)
    if colours is not None:
        depth = np.maximum(_by_colour(img, colours, rows, cols), below)
    else:
        u = (np.arange(x0, x1) - (x0 + x1 - 1) / 2) / max((x1 - x0) / 2, 1.0)
        profile = np.clip(1 - np.abs(u) ** ROUND, 0.0, 1.0)
        centre = BACK_DEPTH * img.shape[1]
        if label.any():
            centre = float(np.max(below / np.maximum(profile, 0.2)))
        depth = np.maximum(np.round(min(centre, y1 - y0) * profile), below)
    out: NDArray[np.int64] = np.clip(depth, 0, y1 - y0).astype(np.int64)
    return out


def _label(part: NDArray[np.uint8], inside: Mask) -> Mask:
    """Dark label-like pixels (under 60% of the fabric's median grey) in the rows of one
    block starting near the gap (in the upper half of ``part``, the window below it)."""
    grey = part.mean(axis=2)
    out = np.zeros_like(inside)
    if not inside.any():
        return out
    dark = inside & (grey < 0.6 * float(np.median(grey[inside])))
    rows = np.flatnonzero(dark.sum(axis=1) >= 2)
    if not len(rows) or rows[0] >= len(part) // 2:
        return out
    breaks = np.flatnonzero(np.diff(rows) > 3)
    last = int(rows[breaks[0]] if len(breaks) else rows[-1])
    out[:last + 1] = dark[:last + 1]
    return out


def _label_bottoms(label: Mask) -> NDArray[np.float64]:
    """Per column: ``LABEL_MARGIN`` rows below the column's lowest label pixel, spread
    over ``LABEL_MARGIN`` columns either side (its anti-aliased rim); 0 without one."""
    h = label.shape[0]
    low = np.where(label.any(axis=0), h - np.argmax(label[::-1], axis=0), 0).astype(np.float64)
    k = 2 * LABEL_MARGIN + 1
    grown = np.asarray(cv2.dilate(low[None, :], np.ones((1, k), np.uint8)), np.float64)[0]
    return np.where(grown > 0, grown + LABEL_MARGIN, 0.0)


def _fabric_colours(img: NDArray[np.uint8], mask: Mask, label: Mask, rows: tuple[int, int],
                    cols: tuple[int, int]) -> tuple[NDArray[np.float32],
                                                     NDArray[np.float32]] | None:
    """(front, back) RGB float32: the garment's median below the window ``rows`` x
    ``cols`` under the gap, and the median of the window's first ``BACK_ROWS`` x width
    rows off the ``label`` (a shaded seam along the back's top edge is not its colour);
    None when they are within ``BACK_CONTRAST`` RGB (a back as light as the front)."""
    (y0, y1), (x0, x1) = rows, cols
    w = mask.shape[1]
    n = max(3, int(BACK_ROWS * w))
    below = img[y1:y1 + int(0.1 * w), x0:x1][mask[y1:y1 + int(0.1 * w), x0:x1]]
    top = img[y0:y0 + n, x0:x1][mask[y0:y0 + n, x0:x1] & ~label[:n]]
    if len(below) < 20 or len(top) < 20:
        return None
    front = np.median(below.astype(np.float32), axis=0)
    back = np.median(top.astype(np.float32), axis=0)
    if float(np.linalg.norm(front - back)) < BACK_CONTRAST:
        return None
    return front, back


def _back_like(img: NDArray[np.uint8],
               colours: tuple[NDArray[np.float32], NDArray[np.float32]]) -> Mask:
    """HxW bool (of ``img``, blurred 1.5 px): nearer the back's colour than the front's
    (on the side of the midpoint between them, along the line joining them)."""
    soft = cv2.GaussianBlur(img, (0, 0), 1.5).astype(np.float32)
    front, back = colours
    axis = back - front
    out: Mask = (soft - (front + back) / 2) @ axis > 0
    return out


def _by_colour(img: NDArray[np.uint8],
               colours: tuple[NDArray[np.float32], NDArray[np.float32]],
               rows: tuple[int, int], cols: tuple[int, int]) -> NDArray[np.float64]:
    """Per column of ``cols``, the first row (from ``rows[0]``, the gap's bottom) of
    ``FRONT_RUN`` rows of the front fabric's colour (nearer it than half its distance to
    the inside back's); the window's height where none."""
    (y0, y1), (x0, x1) = rows, cols
    front, back = colours
    gap = float(np.linalg.norm(front - back))
    near = np.linalg.norm(img[y0:y1, x0:x1].astype(np.float32) - front, axis=2) < gap / 2
    run = np.asarray(cv2.erode(near.astype(np.uint8), np.ones((FRONT_RUN, 1), np.uint8),
                               anchor=(0, 0), borderType=cv2.BORDER_CONSTANT, borderValue=0),
                     bool)
    first = np.where(run.any(axis=0), np.argmax(run, axis=0), y1 - y0).astype(np.float64)
    out: NDArray[np.float64] = np.asarray(
        cv2.medianBlur(first.astype(np.float32)[None, :], 5), np.float64)[0]
    return out


def _back_straps(img: NDArray[np.uint8], mask: Mask, straps: Straps,
                 colours: tuple[NDArray[np.float32], NDArray[np.float32]]) -> Mask:
    """HxW bool: the back's straps seen through the neckline beside the front's: in each
    row above the gap, the pixels of the back's colour (:func:`_back_like`) running on from
    each strap's inner edge toward its outer one (their count median-filtered over 5 rows)."""
    like = np.zeros_like(mask)
    like[straps.top:straps.gap_y] = _back_like(img[straps.top:straps.gap_y], colours)
    cx = sum(straps.inner) / 2
    rows = range(straps.top, straps.gap_y)
    edges = np.zeros((len(rows), 2), np.int64)
    counts = np.zeros((len(rows), 2), np.float32)
    for i, y in enumerate(rows):
        runs = _side_runs(mask[y], cx)
        if runs is not None:
            (a0, a1), (b0, b1) = runs
            edges[i] = a1, b0
            counts[i] = _from_edge(like[y, a0:a1][::-1]), _from_edge(like[y, b0:b1])
    counts = np.asarray(cv2.medianBlur(np.ascontiguousarray(counts), 5), np.float32)
    out = np.zeros_like(mask)
    for i, y in enumerate(rows):
        (a1, b0), (n_l, n_r) = edges[i], counts[i].astype(np.int64)
        if a1 or b0:
            out[y, a1 - n_l:a1] = True
            out[y, b0:b0 + n_r] = True
    return out


def _from_edge(flags: NDArray[np.bool_]) -> int:
    """How many leading ``flags`` are True, the first ``EDGE_SKIP`` (the strap's edge
    blended with the photo's background) allowed to be False; 0 when none of those is
    True."""
    on = np.flatnonzero(flags[:EDGE_SKIP + 1])
    if not len(on):
        return 0
    rest = flags[int(on[0]):]
    off = np.flatnonzero(~rest)
    return int(on[0]) + (int(off[0]) if len(off) else len(rest))


def drop_back(img: NDArray[np.uint8], mask: Mask, cx: float) -> Mask:
    """``mask`` without the inside of the back seen through a strappy top's neckline
    (:func:`inside_back`; unchanged without straps)."""
    straps = find_straps(mask, cx)
    if straps is None:
        return mask
    out: Mask = mask & ~inside_back(img, mask, straps)
    return out
