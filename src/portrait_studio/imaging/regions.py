"""Connected pieces of masks: the pieces touching a seed, those reaching the image border, and
a mask with the holes it encloses filled; and the disc that grows or shrinks a mask. Masks HxW
bool (or non-zero = set)."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]


def disc(size: int) -> NDArray[np.uint8]:
    """The ``size`` x ``size`` elliptical structuring element (a disc for odd ``size``), for
    ``cv2.dilate``, ``cv2.erode`` and ``cv2.morphologyEx``."""
    return np.asarray(cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)), np.uint8)


def touching(mask: Mask, seed: Mask) -> Mask:
    """The 8-connected pieces of ``mask`` that have a pixel in ``seed`` (a lookup table over
    the labels: much faster than ``np.isin`` on large masks)."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    hit = np.bincount(labels[(mask != 0) & (seed != 0)], minlength=n) > 0
    hit[0] = False
    out: Mask = hit[labels]
    return out


def exterior(candidates: NDArray[np.bool_] | NDArray[np.uint8]) -> Mask:
    """The ``candidates`` pixels (non-zero) 4-connected to the image border: a flood fill
    from a frame of candidates around the image."""
    framed = cv2.copyMakeBorder((candidates > 0).astype(np.uint8), 1, 1, 1, 1,
                                cv2.BORDER_CONSTANT, value=1)
    cv2.floodFill(framed, None, (0, 0), 2, flags=4)
    out: Mask = framed[1:-1, 1:-1] == 2
    return out


def filled(mask: Mask) -> Mask:
    """``mask`` with every hole it encloses filled (what is not 4-connected to the border
    outside it)."""
    out: Mask = ~exterior(~mask)
    return out
