"""Thin straps and scooped armholes for a strappy top's cut-out.

Product photos of a cami lay it flat: its straps are as wide as the fabric allows and run
straight down into the body's side, so warped onto a person the strap's outer edge is pulled
to the armpit and the strap becomes a wide block whose square corner meets the arm. Worn, a
cami's straps are thin beside the shoulder's skin and its armhole scoops under the arm.

Each strap is narrowed toward its inner (neckline) edge to ``THIN`` of the garment's width:
its rows are squeezed sideways (resampled, so its ruffled or hemmed outer edge keeps its
look); over the lowest ``SCOOP`` of its length the squeeze eases off along a quarter ellipse
(vertical at the thin strap, level at the armpit), which draws the armhole's curve down to
the body's side at the bottom of the straps' gap, where the garment's armpits are. Images
HxWx3 uint8 RGB, masks HxW bool, coordinates in cut-out pixels.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from .kinds import row_runs
from .straps import Straps, find_straps

Mask = NDArray[np.bool_]
THIN = 0.055  # a worn strap's width, share of the garment's width
SCOOP = 0.5  # the armhole's curve takes this share of the straps' length
STRAP_RUN = 1.6  # a row's run wider than this x the straps' width has met the neckline
UPPER = 0.7  # the inner edge is fitted over this share of the rows the strap runs alone
EDGE_SPAN = 0.03  # x width: rows either side whose outermost strap pixel bounds a row's squeeze


def thin_straps(img: NDArray[np.uint8], mask: Mask, cx: float) -> tuple[NDArray[np.uint8], Mask]:
    """(image, mask) of a top's cut-out with its straps narrowed and its armholes scooped
    (:func:`strap_edges`); unchanged without straps or when they are already thin."""
    straps = find_straps(mask, cx)
    if straps is None or straps.width <= THIN * mask.shape[1] * 1.1:
        return img, mask
    out_img, out_mask = img.copy(), mask.copy()
    for flip in (False, True):
        view_img = out_img[:, ::-1] if flip else out_img
        view_mask = out_mask[:, ::-1] if flip else out_mask
        squeezed = _squeeze_left(
            np.ascontiguousarray(view_img),
            np.ascontiguousarray(view_mask),
            _mirrored(straps, mask.shape[1]) if flip else straps,
        )
        if squeezed is not None:
            view_img[:], view_mask[:] = squeezed
    return out_img, out_mask


def _mirrored(straps: Straps, w: int) -> Straps:
    """The straps of the mirrored cut-out (its right strap becomes the left one)."""
    left = (w - straps.right[1], w - straps.right[0])
    right = (w - straps.left[1], w - straps.left[0])
    return Straps(left, right, straps.top, straps.gap_y, (w - straps.inner[1], w - straps.inner[0]))


def strap_edges(
    mask: Mask, straps: Straps
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per row from the straps' top down to the gap's bottom, for the left strap:
    its outer bound (the outermost pixel within ``EDGE_SPAN`` of the width's rows), its
    inner edge, and where its outer edge goes: ``THIN`` of the width out from the inner
    edge, then along a quarter ellipse over the last ``SCOOP`` of the rows, out to the
    outer bound at the gap's bottom."""
    h, w = mask.shape
    rows = np.arange(straps.top, min(straps.gap_y, h))
    cx = sum(straps.inner) / 2
    outer = np.full(len(rows), np.nan)
    inner = np.full(len(rows), np.nan)
    for i, y in enumerate(rows):
        runs = [r for r in row_runs(mask[y]) if r[1] <= cx]
        if runs:
            outer[i], inner[i] = runs[-1][0], runs[-1][1]
    # lower down the run reaches in along the neckline's edge: the strap's inner edge is
    # the straight line fitted to its upper rows as a strap, carried on down
    seen = ~np.isnan(outer)
    narrow = seen & (inner - outer <= STRAP_RUN * straps.width)
    if not seen.any():
        return outer, inner, outer
    idx = np.arange(len(rows))
    first = int(np.argmax(seen))
    ends = np.flatnonzero(~narrow[first:])
    upper = idx[first : first + int(UPPER * (ends[0] if len(ends) else len(rows) - first))]
    if len(upper) < 3:
        return outer, inner, outer
    inner = np.asarray(np.polyval(np.polyfit(upper, inner[upper], 1), idx), np.float64)
    outer = np.interp(idx, idx[seen], outer[seen])
    k = 2 * max(1, int(EDGE_SPAN * w)) + 1
    bound = -np.asarray(
        cv2.dilate(-outer[:, None].astype(np.float32), np.ones((k, 1))), np.float64
    )[:, 0]
    thin = np.minimum(inner - THIN * w, inner - 1)
    start = len(rows) * (1 - SCOOP)
    t = np.clip((idx - start) / max(len(rows) - 1 - start, 1.0), 0.0, 1.0)
    side = bound[-1]
    target = side + (np.maximum(thin, side) - side) * np.sqrt(1 - t**2)
    goal: NDArray[np.float64] = np.maximum(target, bound)
    return bound, inner, goal


def _squeeze_left(
    img: NDArray[np.uint8], mask: Mask, straps: Straps
) -> tuple[NDArray[np.uint8], Mask] | None:
    """The left strap's rows resampled sideways so that its span from the outer bound to
    the inner edge lands between its target outer edge and the inner edge
    (:func:`strap_edges`); what it leaves beside it is background. None when nothing moves."""
    bound, inner, target = strap_edges(mask, straps)
    if np.isnan(bound).any() or not (target > bound + 0.5).any():
        return None
    y0, n = straps.top, len(bound)
    w = mask.shape[1]
    xs = np.arange(w, dtype=np.float32)[None, :].repeat(n, 0)
    reach = (inner - bound)[:, None] / np.maximum(inner - target, 1.0)[:, None]
    src = inner[:, None] - (inner[:, None] - xs) * reach
    squeeze = xs < inner[:, None]
    map_x = np.where(squeeze, src, xs).astype(np.float32)
    map_y = np.arange(y0, y0 + n, dtype=np.float32)[:, None].repeat(w, 1)
    band_img = cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    band_mask = (
        cv2.remap(
            mask.astype(np.float32),
            map_x,
            map_y,
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0.0,
        )
        > 0.5
    )
    band_mask &= ~(squeeze & (xs < target[:, None] - 0.5))
    out_img, out_mask = img.copy(), mask.copy()
    out_img[y0 : y0 + n] = band_img
    out_mask[y0 : y0 + n] = band_mask
    return out_img, out_mask
