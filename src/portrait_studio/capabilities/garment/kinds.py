"""Garment kind from its cut-out silhouette: "top", "bottom" (trousers, shorts, skirt) or
"full" (dress, overall).

Trousers and shorts have two legs: in the lower part of the silhouette most rows hold two
wide runs of similar width. Dresses are long (height >= 1.6 x width) and continuous. Skirts
are short, widest at the hem and already wide at the waistband. Everything else is a top
(widest near the shoulders and sleeves, narrow at the collar).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .regions import runs

KINDS = ("top", "bottom", "full")
DRESS_ASPECT = 1.6


def row_runs(row: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, end) of every run of True in a 1-D bool array (:func:`regions.runs` as pairs)."""
    starts, ends = runs(row)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _two_legs(mask: NDArray[np.bool_]) -> bool:
    """Most rows of the lower 35% hold exactly two wide runs of similar width."""
    h, w = mask.shape
    rows = mask[int(h * 0.65):int(h * 0.97)]
    votes = 0
    for row in rows:
        wide = [b - a for a, b in row_runs(row) if b - a >= 0.12 * w]
        if len(wide) == 2 and min(wide) >= 0.45 * max(wide):
            votes += 1
    return votes >= 0.6 * max(len(rows), 1)


def _widths(mask: NDArray[np.bool_]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = mask.sum(axis=1).astype(np.float64)
    return out


def _skirt_like(mask: NDArray[np.bool_]) -> bool:
    """Widest in the lower third (and near the hem), one run (a waistband, no neck opening) at the top and at
    least 55% of the widest width there."""
    h = mask.shape[0]
    widths = _widths(mask)
    top = float(np.median(widths[int(h * 0.02):int(h * 0.08) + 1]))
    widest_row = int(np.argmax(widths))
    band = [len(row_runs(mask[int(h * f)])) for f in (0.03, 0.06, 0.1)]
    hem = float(np.median(widths[int(h * 0.88):int(h * 0.97) + 1]))
    return (widest_row > 0.66 * h and top >= 0.55 * float(widths.max()) and max(band) == 1
            and hem >= 0.85 * float(widths.max()))


def classify_mask(mask: NDArray[np.bool_]) -> str:
    """Kind of a garment from its HxW bool cut-out mask (cropped to the garment)."""
    h, w = mask.shape
    aspect = h / max(w, 1)
    if aspect >= 0.6 and _two_legs(mask):
        return "bottom"
    if aspect >= DRESS_ASPECT:
        return "full"
    if _skirt_like(mask):
        return "bottom"
    return "top"
