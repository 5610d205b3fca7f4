"""Eyeglass parts that are no traced line: nose pads and lens glare.

Helpers of :mod:`portrait_studio.perception.glasses`, on its upright "work" copy of the eye
band (eye line level, outer eye corners ``UNIT`` = 100 px apart), so sizes are work pixels:

- pads: a wire frame's nose pads, their arms and the lens edges beside them hang below the
  bridge beside the nose, thin and faint (grey-blue plastic, brown pad marks, a bright lens
  edge); they are the faint line pixels there that connect to the frame already found
  (on thicker frames the pads are moulded into the nasal rims, and growing beside them only
  repaints the nose's own shading: Harold Rogers' fusion identity suffered);
- glare: a tinted lens coating's reflection, a blob inside a traced rim brighter and greener
  than the skin seen through that lens (skin, lids and brows keep their red), with its
  fainter fringe.

Masks are HxW bool over the work image; RGB images HxWx3 uint8; landmarks 478x2.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import landmarks as lm

PAD_TOP = 8                  # pads: from this many px below the bridge ...
PAD_BELOW = 25               # ... down to this many px below the eye line,
PAD_GAP = 5                  # ... between the inner eye corners, not within this of the middle
PAD_STEPS = 2                # ... reaching at most this many px from the frame
PAD_LINE = 9.0               # ... through faint lines: black-hat or top-hat (L*) at least this
GLARE_GREEN = 7.0            # glare: a* at least this far below the lens's median skin
GLARE_LIGHT = 4.0            # ... and L* at least this far above it
GLARE_AREA = 12              # ... in a blob of at least this many px (after a 3x3 opening)


def connected(cand: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Pixels of ``cand | seeds`` (HxW bool) in 8-connected components holding a seed."""
    _, labels = cv2.connectedComponents((cand | seeds).astype(np.uint8), connectivity=8)
    keep = np.unique(labels[seeds])
    out: np.ndarray = np.isin(labels, keep[keep > 0])
    return out


def nose_zone(points: np.ndarray, bridge_row: float, shape: tuple[int, ...]) -> np.ndarray:
    """Where nose pads sit (HxW bool): between the inner eye corners, from ``PAD_TOP`` px
    under the bridge row to ``PAD_BELOW`` px under the eye line, less a strip of ``PAD_GAP``
    px either side of the nose's middle (the bare skin between the pads)."""
    p = points
    x0, x1 = int(p[lm.RIGHT_EYE_INNER, 0]) + 1, int(p[lm.LEFT_EYE_INNER, 0]) - 1
    y1 = int(p[[lm.RIGHT_IRIS_CENTER, lm.LEFT_IRIS_CENTER], 1].mean()) + PAD_BELOW
    zone = np.zeros(shape[:2], bool)
    zone[max(int(bridge_row) + PAD_TOP, 0):max(y1, 0), max(x0, 0):max(x1, 0)] = True
    mid = int(p[[lm.RIGHT_EYE_INNER, lm.LEFT_EYE_INNER], 0].mean())
    zone[:, max(mid - PAD_GAP, 0):max(mid + PAD_GAP, 0)] = False
    return zone


def pad_pixels(zone: np.ndarray, line: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """Nose pads, pad arms and lens edges beside the nose (HxW bool): the ``line`` pixels
    (faint thin dark or bright lines) of the pad ``zone`` reached from the ``frame`` pixels
    there in at most ``PAD_STEPS`` 8-connected steps; ``frame`` itself not included."""
    seeds = frame & zone
    grown, step = seeds, np.ones((3, 3), np.uint8)
    for _ in range(PAD_STEPS):
        grown = (cv2.dilate(grown.astype(np.uint8), step) > 0) & ((zone & line) | seeds)
    out: np.ndarray = grown & ~frame
    return out


def glare_pixels(rgb: np.ndarray, rims: list[np.ndarray], free: np.ndarray) -> np.ndarray:
    """Lens glare (HxW bool) of the work image ``rgb`` inside the closed ``rims`` (Nx2
    points each), among the ``free`` pixels, grown by 1 px."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).astype(np.float32)
    lab[..., 0] *= np.float32(100 / 255)  # L* 0..100; a* + 128
    out = np.zeros(free.shape, bool)
    for rim in rims:
        lens = np.zeros(free.shape, np.uint8)
        cv2.fillPoly(lens, [np.round(rim).astype(np.int32)], 1)
        out |= _lens_glare(lab, (lens > 0) & free)
    cross = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    grown: np.ndarray = (cv2.dilate(out.astype(np.uint8), cross) > 0) & free
    return grown


def _lens_glare(lab: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Glare blobs (HxW bool) of one lens ``region`` of the Lab image ``lab`` (HxWx3 float32:
    L* and a* + 128)."""
    if region.sum() < 50:
        return np.zeros(region.shape, bool)
    green = np.median(lab[region][:, 1]) - lab[..., 1]
    light = lab[..., 0] - np.median(lab[region][:, 0])
    core = region & (green >= GLARE_GREEN) & (light >= GLARE_LIGHT)
    core = cv2.morphologyEx(core.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    if core.sum() < GLARE_AREA:
        return np.zeros(region.shape, bool)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    big = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] >= GLARE_AREA) + 1
    fringe = region & (green >= GLARE_GREEN / 2) & (light >= 0)
    return connected(fringe, np.isin(labels, big))
