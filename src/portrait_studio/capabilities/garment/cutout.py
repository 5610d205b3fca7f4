"""Garment cut-out from a product photo on a plain (mostly white or light grey) background.

Two passes, merged:

- Colour: the background colour is the median of the image border; pixels within a small
  colour distance of it are background candidates; the candidates connected to the border
  (a flood fill from the borders) are the background. Morphology removes specks and thin
  seams and the largest garment components are kept. For coloured garments this is the
  whole answer.
- Outline: a white or very light garment on a white background is partly within that colour
  distance, and the colour flood eats it. Its silhouette is still drawn by edges (a seam
  line, the soft shadow, the fabric's texture), so the flood is run again with the Canny
  edges of the lightly blurred grey image, widened by ``r`` px, as a barrier. Hysteresis is
  seeded only away from strongly coloured regions, so that faint background contours (JPEG
  ringing, the banding of a vignette) running into a coloured garment's edge do not count;
  a region the flood reaches only through a gap narrower than 2 GAP + 1 px is not reached
  when it is wide (a sleeve behind a gap in its outline). The flood then takes back the
  ``r + 1`` px the widening cost. What this pass adds to the colour mask is kept when it is
  large or mostly bordered by the colour mask (a gap in it), and not the background itself;
  slivers of ringing outside a coloured garment border the background and go.

Enclosed regions are opened as holes (armholes, the gap between straps, a keyhole) only when
they are large and look like the background itself; smaller or textured ones stay garment.
In a light garment whose fill joins such a hole in colour, the widened edges cut it off and
it must be the background exactly (a light fabric's flat patches are not).
Images are HxWx3 uint8 RGB; masks HxW bool.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...errors import ParameterError
from ...imaging.regions import exterior, filled, labelled

Mask = NDArray[np.bool_]
MIN_GARMENT_FRACTION = 0.01
HOLE_MIN_FRACTION = 0.002
HOLE_MAX_FRACTION = 0.05
HOLE_MAX_DIST = 1.0      # a real hole shows the background itself; near-white prints differ
HOLE_EXACT_SHARE = 0.9   # share of a light garment's hole (or an outline addition) that is
                         # the background exactly (within HOLE_MAX_DIST)
EDGE_SIGMA = 1.0         # blur before the gradients (doubled on a noisy background)
EDGE_LOW = 2.0           # Canny hysteresis on the Sobel magnitude of the blurred grey image (a
EDGE_HIGH = 6.0          # sharp 1-level step gives about 3), raised to NOISE_LOW/HIGH x the
                         # magnitude's 95th percentile in the border band
NOISE_LOW = 1.2
NOISE_HIGH = 2.5
NOISE_MAX = 2.0          # border gradient p95 above which the blur is doubled
COLOURED_DIST = 24.0     # no hysteresis seeds within RINGING_PX of regions this far from the
RINGING_PX = 8           # background colour (JPEG ringing; one 8 px block)
BARRIER_PX = 2           # edges widened by this (or min(h, w) / 400) px: closes 2r px gaps
GAP = 2                  # wide regions behind a passage narrower than 2 GAP + 1 px are sealed
EXTRA_MIN_FRACTION = 0.002   # an outline addition this large (of the image) is garment
EXTRA_RIM_SHARE = 0.75       # a smaller one needs this share of its rim on the colour mask


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
    """HxW float32 largest per-channel difference of HxWx3 uint8 RGB ``img`` from ``colour``."""
    red, green, blue = cv2.split(np.abs(img.astype(np.float32) - colour))
    return np.asarray(cv2.max(cv2.max(red, green), blue), np.float32)


def _grow(seed: Mask, within: Mask, steps: int) -> Mask:
    """``seed`` grown by ``steps`` 8-neighbour steps, each step staying inside ``within``."""
    kernel = np.ones((3, 3), np.uint8)
    out = seed
    for _ in range(steps):
        out = (cv2.dilate(out.astype(np.uint8), kernel) > 0) & within
    return out


def _largest_parts(mask: Mask, keep_fraction: float = 0.15) -> Mask:
    n, labels, areas = labelled(mask)
    if n <= 1:
        return mask
    areas = areas[1:]
    keep = np.zeros(n, bool)
    keep[1:] = areas >= areas.max() * keep_fraction
    out: Mask = keep[labels]
    return out


def _clean(mask: Mask) -> Mask:
    """``mask`` opened (specks and thin seams removed) and cut down to its largest parts."""
    k = max(3, round(min(mask.shape) / 300) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    return _largest_parts(cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0)


def _gradients(img: NDArray[np.uint8]) -> tuple[NDArray[np.float32], NDArray[np.float32], float]:
    """Sobel x and y (HxW float32) of the grey HxWx3 uint8 RGB image blurred with sigma
    EDGE_SIGMA (twice that when the background is noisy), and the background's gradient
    noise (measured in the border band)."""
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
    for sigma in (EDGE_SIGMA, 2 * EDGE_SIGMA):
        blurred = cv2.GaussianBlur(grey, (0, 0), sigma)
        dx = np.asarray(cv2.Sobel(blurred, cv2.CV_32F, 1, 0), np.float32)
        dy = np.asarray(cv2.Sobel(blurred, cv2.CV_32F, 0, 1), np.float32)
        noise = _border_noise(np.asarray(cv2.magnitude(dx, dy), np.float32))
        if noise <= NOISE_MAX:
            break
    return dx, dy, noise


def _edges(img: NDArray[np.uint8], dist: NDArray[np.float32]) -> Mask:
    """Edges (HxW bool) of the HxWx3 uint8 RGB image: thin Canny edges above the low
    threshold, kept where they join one above the high threshold that is not within
    RINGING_PX of a strongly coloured region (``dist`` >= COLOURED_DIST, HxW): faint
    background contours running into a coloured garment's strong edge do not count."""
    dx, dy, noise = _gradients(img)
    low, high = max(EDGE_LOW, NOISE_LOW * noise), max(EDGE_HIGH, NOISE_HIGH * noise)
    scale = 8.0      # Canny takes int16 gradients: keep sub-level steps
    ix, iy = (np.round(d * scale).astype(np.int16) for d in (dx, dy))
    thin = cv2.Canny(ix, iy, low * scale, low * scale, L2gradient=True)
    coloured = cv2.morphologyEx((dist >= COLOURED_DIST).astype(np.uint8), cv2.MORPH_OPEN,
                                np.ones((5, 5), np.uint8))
    ringing = np.ones((2 * RINGING_PX + 1, 2 * RINGING_PX + 1), np.uint8)
    near_colour = cv2.dilate(coloured, ringing) > 0
    seeds = (thin > 0) & (cv2.magnitude(dx, dy) > high) & ~near_colour
    n, labels = cv2.connectedComponents(thin, connectivity=8)
    seeded = np.bincount(labels[seeds], minlength=n) > 0
    seeded[0] = False
    out: Mask = seeded[labels]
    return out


def _border_noise(mag: NDArray[np.float32], band: int = 4) -> float:
    """The 95th percentile of the gradient magnitude in the image's border band."""
    ring = np.concatenate([mag[:band].ravel(), mag[-band:].ravel(),
                           mag[:, :band].ravel(), mag[:, -band:].ravel()])
    return float(np.percentile(ring, 95))


def _barrier(img: NDArray[np.uint8], dist: NDArray[np.float32]) -> tuple[Mask, int]:
    """The edges widened by ``r`` px (closing gaps up to 2r px in an outline), and ``r``."""
    r = max(BARRIER_PX, round(min(img.shape[:2]) / 400))
    kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    return cv2.dilate(_edges(img, dist).astype(np.uint8), kernel) > 0, r


def _outlined(cand: Mask, barrier: Mask, r: int) -> Mask:
    """Everything the border flood through the background candidates does not reach when
    the widened edges stop it; the flood then takes back the ``r + 1`` px the widening cost.
    Wide regions the flood reaches only through a passage narrower than 2 GAP + 1 px (a
    sleeve behind a gap in its outline) are not reached; narrow pockets (the tip of the
    slit between a sleeve and the body) still are."""
    free = cand & ~barrier
    flood = exterior(free.astype(np.uint8))
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * GAP + 1, 2 * GAP + 1))
    core = np.asarray(cv2.morphologyEx(free.astype(np.uint8), cv2.MORPH_OPEN, disk), np.uint8)
    sealed = _grow(exterior(core), free, GAP)
    out = flood & ~_wide_parts(flood & ~sealed)
    inside: Mask = ~_grow(out, cand, r + 1)
    return inside


def _wide_parts(mask: Mask) -> Mask:
    """The components of ``mask`` somewhere wider than 2 GAP + 3 px."""
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * GAP + 3, 2 * GAP + 3))
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=4)
    cores = cv2.erode(mask.astype(np.uint8), disk) > 0
    wide = np.bincount(labels[cores], minlength=n) > 0
    wide[0] = False
    out: Mask = wide[labels]
    return out


def _broad(extra: Mask, solid: Mask, exact: Mask) -> Mask:
    """The parts of ``extra`` that are large (EXTRA_MIN_FRACTION of ``solid``'s area) or have
    EXTRA_RIM_SHARE of their rim on ``solid`` (a gap in the colour mask, not a fleck outside)."""
    n, labels, areas = labelled(extra, 4)
    near = cv2.dilate(labels.astype(np.float32), np.ones((3, 3), np.uint8)).astype(np.int32)
    on_garment = np.bincount(near[solid & ~extra], minlength=n)
    off_garment = np.bincount(near[~solid & ~extra], minlength=n)
    keep = areas >= EXTRA_MIN_FRACTION * extra.size
    keep |= on_garment * (1 - EXTRA_RIM_SHARE) >= off_garment * EXTRA_RIM_SHARE
    keep &= np.bincount(labels[exact], minlength=n) < HOLE_EXACT_SHARE * areas
    keep[0] = False
    out: Mask = keep[labels]
    return out


def _hole_sizes_ok(sizes: NDArray[np.intp], mask: Mask) -> NDArray[np.bool_]:
    area = max(int(mask.sum()), 1)
    ok: NDArray[np.bool_] = (sizes >= HOLE_MIN_FRACTION * area) & (
        sizes <= HOLE_MAX_FRACTION * area)
    ok[0] = False
    return ok


def _open_real_holes(mask: Mask, dist: NDArray[np.float32], thresh: float) -> Mask:
    """Enclosed background-coloured regions inside the garment become holes when they are
    large enough and match the background almost exactly (an armhole, a keyhole, the gap
    between straps); small ones (dots), very large ones and merely near-white ones (white
    colour blocks and prints, which in JPEG product photos differ by 1.5-4 levels) stay
    garment."""
    candidates = (mask & (dist < thresh)).astype(np.uint8)
    n, labels, areas = labelled(candidates, 4)
    hole = _hole_sizes_ok(areas, mask)
    if not hole.any():
        return mask
    mean = np.bincount(labels.ravel(), dist.ravel(), n) / np.maximum(areas, 1)
    hole &= mean < HOLE_MAX_DIST
    out: Mask = mask & ~filled(hole[labels])     # with the JPEG specks inside the hole
    return out


def _open_outlined_holes(mask: Mask, dist: NDArray[np.float32], thresh: float,
                         barrier: Mask, r: int) -> Mask:
    """Holes inside a light garment, whose fill joins them in colour: background-coloured
    regions cut off by the widened edges that are the background exactly (HOLE_EXACT_SHARE
    of their pixels within HOLE_MAX_DIST; a light fabric's flat patches are not), grown back
    over the widening."""
    cand = mask & (dist < thresh)
    n, labels, areas = labelled(cand & ~barrier, 4)
    hole = _hole_sizes_ok(areas, mask)
    if not hole.any():
        return mask
    exact = np.bincount(labels.ravel(), (dist < HOLE_MAX_DIST).ravel(), n)
    hole &= exact >= HOLE_EXACT_SHARE * areas
    out: Mask = mask & ~filled(_grow(hole[labels], cand, r + 1))
    return out


def garment_mask(img: NDArray[np.uint8]) -> Mask:
    """HxW bool mask of the garment in an HxWx3 uint8 RGB product photo."""
    colour, spread = border_colour(img)
    dist = _distance(np.asarray(cv2.GaussianBlur(img, (3, 3), 0), np.uint8), colour)
    thresh = max(6.0, 3.0 * spread + 5.0)
    cand = dist < thresh
    solid = _clean(~exterior(cand.astype(np.uint8)))
    barrier, r = _barrier(img, dist)
    added = _broad(_outlined(cand, barrier, r) & ~solid, solid, dist < HOLE_MAX_DIST)
    mask = _clean(filled(solid | added))
    mask = _open_real_holes(mask, dist, thresh)
    return _open_outlined_holes(mask, dist, thresh, barrier, r)


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
