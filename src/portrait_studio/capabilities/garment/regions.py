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
    pixels) to ``ref``: HxW (or N) float32, one einsum pass (much cheaper than a norm over
    the last axis)."""
    d = lab - np.asarray(ref, np.float32)
    out: NDArray[np.float32] = np.einsum("...k,...k->...", d, d)
    return out


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


def runs(flags: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(starts, ends): the [start, end) index ranges of the runs of True in a 1-D array."""
    d = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def longest_run(flags: NDArray[np.bool_]) -> tuple[int, int]:
    """[start, end) of the longest run of True in a 1-D array ((0, 0) without one)."""
    starts, ends = runs(flags)
    if not len(starts):
        return 0, 0
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])
