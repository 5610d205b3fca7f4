"""Small mask helpers shared by the person parsing (:mod:`body`, :mod:`head`) and the arm
painting: Lab distances, thick polylines, specks removed, large pieces kept and runs along a
row (connected
pieces touching a seed: :func:`~portrait_studio.imaging.regions.touching`). Lab HxWx3 float32, masks
HxW bool, points (x, y) float32 pixels.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import labelled

Mask = NDArray[np.bool_]


def lab_dist2(lab: NDArray[np.float32], ref: NDArray[np.floating[Any]]) -> (
        NDArray[np.float32]):
    """Squared Lab distance of every colour of ``lab`` (an HxWx3 Lab image, or N x 3
    pixels) to ``ref``: HxW (or N) float32. A float32 image goes through OpenCV (the
    three channels' differences and squares in place in one interleaved buffer, about 4x
    cheaper than an einsum and 1.5x cheaper than splitting the channels first), then the
    same float32 sums ((dL^2 + da^2) + db^2); anything else takes the einsum."""
    r = np.asarray(ref, np.float32)
    if lab.dtype == np.float32 and lab.ndim in (2, 3) and lab.shape[-1] == 3 and lab.size:
        d = cv2.subtract(lab.reshape(-1, 1, 3) if lab.ndim == 2 else lab,  # type: ignore[call-overload]
                         (float(r[0]), float(r[1]), float(r[2]), 0.0))
        cv2.multiply(d, d, dst=d)
        out: NDArray[np.float32] = np.add(d[..., 0], d[..., 1])
        out += d[..., 2]
        return out.reshape(lab.shape[:-1])
    diff = lab - r
    dist: NDArray[np.float32] = np.einsum("...k,...k->...", diff, diff)
    return dist


_THIRDS = (np.arange(3 * 255 + 1) / 3.0).astype(np.float32)   # uint8 channel sums / 3


def channel_mean(img: NDArray[Any]) -> NDArray[np.float32]:
    """HxW float32 mean of the three channels of an HxWx3 image, exactly as
    ``img.mean(axis=2).astype(np.float32)`` gives it (uint8: the float64 mean of the
    integer sum, through a table; float32: ``((c0 + c1) + c2) / 3`` in float32), three to
    four times cheaper than numpy's mean over the interleaved channels."""
    if img.dtype == np.uint8:
        total = img[..., 0].astype(np.uint16)
        total += img[..., 1]
        total += img[..., 2]
        out: NDArray[np.float32] = _THIRDS[total]
        return out
    if img.dtype == np.float32:
        out = img[..., 0] + img[..., 1]
        out += img[..., 2]
        out /= np.float32(3)
        return out
    return np.asarray(img.mean(axis=2), np.float32)


def capsule(shape: tuple[int, int], chain: list[NDArray[np.float32]], radius: float) -> Mask:
    """Thick polyline through ``chain`` points (radius in pixels)."""
    canvas = np.zeros(shape, np.uint8)
    pts = np.round(np.array(chain)).astype(np.int32)
    cv2.polylines(canvas, [pts], False, 255, max(1, int(2 * radius)))
    for p in pts:
        cv2.circle(canvas, (int(p[0]), int(p[1])), int(radius), 255, -1)
    return canvas > 0


def without_slivers(mask: Mask, width: float) -> Mask:
    """``mask`` opened with a disc ``width`` px across (odd, at least 3): its specks and
    slivers narrower than that removed."""
    k = max(3, int(width)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    out: Mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0
    return out


def large_pieces(mask: Mask, area: float) -> Mask:
    """The 8-connected pieces of ``mask`` of at least ``area`` pixels."""
    _, labels, areas = labelled(mask)
    big = areas >= area
    big[0] = False
    out: Mask = big[labels]
    return out


def hue_turn(lab: NDArray[np.float32], ref: NDArray[np.floating[Any]]) -> (
        NDArray[np.floating[Any]]):
    """Degrees (0..180) between each Lab pixel's hue (the angle of a*, b*) and ``ref``'s."""
    ang = np.degrees(np.arctan2(lab[..., 2], lab[..., 1]) - np.arctan2(ref[2], ref[1]))
    out: NDArray[np.floating[Any]] = np.abs((ang + 180.0) % 360.0 - 180.0)
    return out


def runs(flags: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(starts, ends): the [start, end) index ranges of the runs of True in a 1-D array."""
    padded = np.zeros(len(flags) + 2, np.int8)
    padded[1:-1] = flags
    d = padded[1:] - padded[:-1]
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def longest_run(flags: NDArray[np.bool_]) -> tuple[int, int]:
    """[start, end) of the longest run of True in a 1-D array ((0, 0) without one)."""
    starts, ends = runs(flags)
    if not len(starts):
        return 0, 0
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


def longest_runs(grid: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Rx2 int64: :func:`longest_run` of every row of an RxW bool array ([start, end), the
    first of equally long runs, (0, 0) for a row without one), in one pass over the array."""
    out = np.zeros((len(grid), 2), np.int64)
    padded = np.zeros((len(grid), grid.shape[1] + 2), np.int8)
    padded[:, 1:-1] = grid
    d = padded[:, 1:] - padded[:, :-1]
    rows, starts = np.nonzero(d == 1)          # row-major: each row's runs in order
    ends = np.nonzero(d == -1)[1]
    if not len(rows):
        return out
    lengths = ends - starts
    longest = np.zeros(len(grid), np.int64)
    np.maximum.at(longest, rows, lengths)
    best = lengths == longest[rows]
    first_rows, first = np.unique(rows[best], return_index=True)
    picked = np.flatnonzero(best)[first]
    out[first_rows, 0] = starts[picked]
    out[first_rows, 1] = ends[picked]
    return out
