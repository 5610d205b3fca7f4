"""Garment cut-out from a product photo on a plain (mostly white or light grey) background.

Method: the background colour is the median of the image border; pixels within a small colour
distance of it are background candidates; the candidates connected to the border (a flood
fill from the borders, done as connected components) are the background. Morphology removes
specks and thin seams, the largest garment components are kept, and enclosed candidate
regions are kept as holes (armholes, the gap between straps) only when they are large and
look like the background itself (flat, same colour); smaller or textured ones are filled.
Images are HxWx3 uint8 RGB; masks HxW bool.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...errors import ParameterError

Mask = NDArray[np.bool_]
MIN_GARMENT_FRACTION = 0.01
HOLE_MIN_FRACTION = 0.002
HOLE_MAX_FRACTION = 0.05
HOLE_MAX_DIST = 1.0      # a real hole shows the background itself; near-white prints differ


@dataclass(frozen=True)
class Cutout:
    """A garment cut out of its photo: ``image`` HxWx3 uint8 RGB cropped to the garment's
    bounding box (plus a 2 px margin), ``mask`` HxW bool of the garment in that crop."""

    image: NDArray[np.uint8]
    mask: Mask

    @property
    def area(self) -> int:
        return int(self.mask.sum())


def border_colour(img: NDArray[np.uint8], band: int = 4) -> tuple[NDArray[np.float32], float]:
    """Median RGB of the image border (``band`` px) and the spread of the border colours."""
    ring = np.concatenate([img[:band].reshape(-1, 3), img[-band:].reshape(-1, 3),
                           img[:, :band].reshape(-1, 3), img[:, -band:].reshape(-1, 3)])
    med = np.median(ring, axis=0).astype(np.float32)
    spread = float(np.percentile(np.abs(ring.astype(np.float32) - med).max(axis=1), 90))
    return med, spread


def _distance(img: NDArray[np.uint8], colour: NDArray[np.float32]) -> NDArray[np.float32]:
    dist: NDArray[np.float32] = np.abs(img.astype(np.float32) - colour).max(axis=2)
    return dist


def _exterior(candidates: NDArray[np.uint8]) -> Mask:
    """Background candidate pixels connected to the image border."""
    n, labels = cv2.connectedComponents(candidates, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    touching = np.zeros(n, bool)
    touching[edge] = True
    touching[0] = False
    out: Mask = touching[labels] & (candidates > 0)
    return out


def _largest_parts(mask: Mask, keep_fraction: float = 0.15) -> Mask:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                           connectivity=8)
    if n <= 1:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(n, bool)
    keep[1:] = areas >= areas.max() * keep_fraction
    out: Mask = keep[labels]
    return out


def _open_real_holes(mask: Mask, dist: NDArray[np.float32], thresh: float) -> Mask:
    """Enclosed background-coloured regions inside the garment become holes when they are
    large enough and match the background almost exactly (an armhole, a keyhole, the gap
    between straps); small ones (dots), very large ones and merely near-white ones (white
    colour blocks and prints, which in JPEG product photos differ by 1.5-4 levels) stay
    garment."""
    candidates = (mask & (dist < thresh)).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(candidates, connectivity=4)
    out = mask.copy()
    min_area = HOLE_MIN_FRACTION * max(int(mask.sum()), 1)
    areas = stats[1:, cv2.CC_STAT_AREA]
    sizes_ok = (areas >= min_area) & (areas <= HOLE_MAX_FRACTION * max(int(mask.sum()), 1))
    for i in np.flatnonzero(sizes_ok) + 1:
        region = labels == i
        if float(dist[region].mean()) < HOLE_MAX_DIST:
            out &= ~region
    return out


def garment_mask(img: NDArray[np.uint8]) -> Mask:
    """HxW bool mask of the garment in an HxWx3 uint8 RGB product photo."""
    colour, spread = border_colour(img)
    dist = _distance(np.asarray(cv2.GaussianBlur(img, (3, 3), 0), np.uint8), colour)
    thresh = max(6.0, 3.0 * spread + 5.0)
    outside = _exterior((dist < thresh).astype(np.uint8))
    mask = ~outside
    k = max(3, round(min(img.shape[:2]) / 300) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0
    mask = _largest_parts(mask)
    return _open_real_holes(mask, dist, thresh)


def cut_out(img: NDArray[np.uint8], *, index: int = 0) -> Cutout:
    """The garment of an HxWx3 uint8 RGB product photo, cropped; raises ParameterError
    (field ``ClothesFileInfos``) when no garment stands out from the background."""
    mask = garment_mask(img)
    if mask.sum() < MIN_GARMENT_FRACTION * mask.size or mask.mean() > 0.97:
        raise ParameterError(
            f"ClothesFileInfos[{index}]: no garment found; expected a product photo of one "
            "garment on a plain light background", field="ClothesFileInfos", index=index)
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    y0, x0 = max(0, y - 2), max(0, x - 2)
    y1, x1 = min(img.shape[0], y + h + 2), min(img.shape[1], x + w + 2)
    return Cutout(np.ascontiguousarray(img[y0:y1, x0:x1]), mask[y0:y1, x0:x1].copy())
