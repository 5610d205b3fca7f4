"""A torso layer's side spread sideways over a gap to the arm, its fabric resampled.

Mirrored into a gap beside the arm (:func:`sidecover.stretch`), a print of large motifs
came back reversed in blocks: rows with a gap showed a mirrored cabbage, the rows above
and below the garment's own edge, with a horizontal seam between them; and the garment's
side followed every step of the arm's noisy skin outline. Here each gap piece's far edge
(where the arm begins) is smoothed along the rows (a running median over ``SMOOTH`` rows)
and, per row, the band of fabric next to the layer's edge (``BAND`` shoulder widths, the
same in every piece, so pieces meet without a seam) is stretched over the band and the
gap together: the print runs on, only a little wider, and a row without a gap keeps its
fabric as it was; over ``TAPER`` rows above and below a piece the fabric is shifted by
less and less (no seam where a gap begins). Alphas HxW float32, colours HxWx3 float32
RGB, masks HxW bool.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import gaussian_filter1d, maximum_filter1d, median_filter

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
SMOOTH = 9           # rows: the running median of the gap's far edge
BAND = 0.2           # x shoulder width: the band of fabric spread over the band and a gap
TAPER = 8            # rows above and below a gap whose fabric is spread by less and less
NEAR = 12            # px: a taper row's layer edge lies this near the gap's end row's
INSET = 2            # px: the layer's outermost pixels (the cut-out's rim) are not spread


def spread(rgb: F32, alpha: F32, ext: Mask, sw: float, even: bool = False) -> F32:
    """``alpha`` (a torso layer's, HxW) widened over ``ext`` (gap pieces, each right beside
    the layer's solid part in its rows), the layer's colours spread sideways over them (in
    place on ``rgb``, HxWx3); returns the widened alpha. ``even``: the fabric is spread
    by a smooth envelope of the gaps (:func:`_envelope`), not each row's own gap: over the
    steps of a ragged outline (an old jacket's) the print would shift in blocks."""
    if not ext.any():
        return alpha
    solid = alpha > 0.5
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ext.astype(np.uint8),
                                                           connectivity=8)
    cover = np.zeros_like(ext)
    pieces: list[Rows] = []
    for k in range(1, n):
        y0, y1 = int(stats[k, cv2.CC_STAT_TOP]), int(stats[k, cv2.CC_STAT_TOP] +
                                                     stats[k, cv2.CC_STAT_HEIGHT])
        piece = np.zeros_like(ext)
        piece[y0:y1] = labels[y0:y1] == k
        rows = _piece_rows(piece, solid)
        if rows:
            pieces.append(rows)
    for rows in (_chains(pieces, solid) if even else pieces):
        _spread_piece(rgb, cover, solid, rows, sw, even)
    soft = cv2.GaussianBlur(cover.astype(np.float32), (0, 0), 0.8)
    inside = cover & (cv2.erode((cover | solid).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    out: F32 = np.maximum(alpha, np.maximum(soft, inside)).astype(np.float32)
    return out


Rows = dict[int, tuple[int, int]]


def _side(rows: Rows) -> int:
    """The direction (+1 right, -1 left) from the layer's edge to a piece's gap."""
    return 1 if sum(f - e for e, f in rows.values()) >= 0 else -1


def _chains(pieces: list[Rows], solid: Mask) -> list[Rows]:
    """Gap pieces beside one side of the layer, at most ``2 * TAPER`` rows apart and their
    edges at most ``NEAR`` px apart, joined into one (spread one by one, each with its own
    taper, the print was shifted by steps where they met: horizontal seams along the
    slits beside an arm); the rows between them get the layer's edge and no gap."""
    out: list[Rows] = []
    for rows in sorted(pieces, key=min):
        last = next((c for c in out if _side(c) == _side(rows) and
                     0 < min(rows) - max(c) <= 2 * TAPER and
                     abs(c[max(c)][0] - rows[min(rows)][0]) <= NEAR), None)
        if last is not None:
            d = _side(rows)
            for y in range(max(last) + 1, min(rows)):
                e = _edge(solid, y, last[max(last)][0], d)
                e = last[max(last)][0] if e is None else e
                last[y] = (e, e)
            for y, v in rows.items():
                if y not in last or (v[1] - v[0]) * d > (last[y][1] - last[y][0]) * d:
                    last[y] = v
        else:
            out.append(dict(rows))
    return out


def _piece_rows(piece: Mask, solid: Mask) -> Rows:
    """Per row of a gap piece: (the layer's edge column, the gap's far column), the layer
    on the side where the piece's runs touch it most (none when they touch it nowhere)."""
    w = piece.shape[1]
    left: Rows = {}
    right: Rows = {}
    for y in np.flatnonzero(piece.any(axis=1)):
        xs = np.flatnonzero(piece[y])
        a, b = int(xs[0]), int(xs[-1])
        if a > 0 and solid[y, a - 1]:
            left[int(y)] = (a - 1, b)           # the layer left of the gap
        if b + 1 < w and solid[y, b + 1]:
            right[int(y)] = (b + 1, a)          # the layer right of it
    return left if len(left) >= len(right) else right


def _spread_piece(rgb: F32, cover: Mask, solid: Mask, rows: Rows, sw: float,
                  even: bool) -> None:
    """Spread the layer over one gap piece's ``rows`` (in place on ``rgb`` and ``cover``),
    and its fabric by less and less over the ``TAPER`` rows above and below (their edge
    stays): no seam in the print where the gap begins. ``sw``: the shoulder width;
    ``even``: the fabric follows the gaps' envelope (:func:`spread`'s ``even``), and the
    taper also runs on through rows where the layer's edge is hidden (under an arm)."""
    ys = np.array(sorted(rows))
    edge = np.array([rows[y][0] for y in ys])
    far = np.array([rows[y][1] for y in ys], np.float64)
    far = median_filter(far, size=min(SMOOTH, len(far)) | 1, mode="nearest")
    step = np.sign(far - edge).astype(int)
    d = int(np.sign(step.sum())) or 1
    reach = edge + d * _envelope(np.abs(far - edge)) if even else far
    band = BAND * sw
    for y, e, f, r, s in zip(ys, edge, far, reach, step, strict=True):
        between = rows[int(y)][0] == rows[int(y)][1]    # a row between joined pieces
        if (s != d or between) and even and (r - e) * d >= 1:
            _resample_row(rgb[y], int(e - d * band), int(e - d * INSET), int(np.rint(r)),
                          int(e))
        elif s == d:
            _resample_row(rgb[y], int(e - d * band), int(e - d * INSET), int(np.rint(r)),
                          int(np.rint(r)))
            lo, hi = sorted((int(e), int(np.rint(f))))
            cover[y, lo:hi + 1] = True
    for end, gap, out in ((ys[0], reach[0] - edge[0], -1), (ys[-1], reach[-1] - edge[-1], 1)):
        near = int(edge[0 if out < 0 else -1])
        for k in range(1, TAPER + 1):
            y = int(end + out * k)
            e = _edge(solid, y, near, d)
            if e is None and even and 0 <= y < solid.shape[0]:
                e = near        # the layer hidden there: its fabric beside still tapers
            if e is None or y in rows:
                break
            shift = gap * (1 - k / (TAPER + 1))
            _resample_row(rgb[y], int(e - d * band), int(e - d * INSET),
                          int(np.rint(e + shift)), e)


def _envelope(gap: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per row of a piece, a smooth envelope of its ``gap`` widths (px): their running
    maximum over ``TAPER`` rows either side, smoothed as wide, never under the row's own."""
    k = min(2 * TAPER + 1, len(gap) | 1)
    wide = maximum_filter1d(gap, size=k, mode="nearest")
    out: NDArray[np.float64] = np.maximum(gaussian_filter1d(wide, TAPER / 2, mode="nearest"),
                                          gap)
    return out


def _edge(solid: Mask, y: int, near: int, d: int) -> int | None:
    """The layer's outermost solid column (towards ``d``) in row ``y`` within a few px of
    ``near``, or None (no such row or no layer there)."""
    h, w = solid.shape
    if not 0 <= y < h:
        return None
    xs = np.flatnonzero(solid[y, max(0, near - NEAR):min(w, near + NEAR + 1)])
    if not len(xs):
        return None
    return int(max(0, near - NEAR) + (xs[-1] if d > 0 else xs[0]))


def _resample_row(row: F32, inner: int, source_end: int, target_end: int,
                  last: int) -> None:
    """``row`` (W x 3) from ``inner`` to ``last`` refilled with its colours from ``inner``
    to ``source_end`` stretched linearly over ``inner`` .. ``target_end`` (in place)."""
    w = row.shape[0]
    inner = int(np.clip(inner, 0, w - 1))
    d = 1 if target_end >= inner else -1
    last = int(np.clip(last, 0, w - 1))
    xs = np.arange(inner, last + d, d)
    if len(xs) < 2 or (source_end - inner) * d <= 0 or target_end == inner:
        return
    src = inner + (xs - inner) * ((source_end - inner) / (target_end - inner))
    cols = np.arange(w, dtype=np.float64)
    row[xs] = np.stack([np.interp(src, cols, row[:, c]) for c in range(3)], axis=1)
