"""Eyeglass parts the traced lines do not hold: nose pads, lens glare and faint lens edges.

Helpers of :mod:`portrait_studio.perception.glasses`, on its upright "work" copy of the eye
band (eye line level, outer eye corners ``UNIT`` = 100 px apart), so sizes are work pixels:

- pads: a wire frame's nose pads, their arms and the lens edges beside them hang below the
  bridge beside the nose, thin and faint (grey-blue plastic, brown pad marks 3-4 px wide, a
  bright lens edge); they are the faint line or blob pixels there that connect to the frame
  already found
  (on thicker frames the pads are moulded into the nasal rims, and growing beside them only
  repaints the nose's own shading: Harold Rogers' fusion identity suffered);
- glare: a tinted lens coating's reflection, a blob inside a traced rim brighter and greener
  than the skin seen through that lens (skin, lids and brows keep their red), with its
  fainter fringe;
- lens edges: the lower edge of a rimless or half-rim lens (Andy Kim's thin metal top rims
  hold lenses whose lower edges show only as a faint dark-and-bright line, 2-5 L*, across the
  cheeks): the traced rim runs along it, but far below the line strength the frame mask
  needs. Where the rim's lower part (below the lower lid) follows a line clearly stronger than
  the skin's texture around it, the line pixels along it, and along the line's own path
  within a few rows of it, are frame too.

Masks are HxW bool over the work image; RGB images HxWx3 uint8; landmarks 478x2.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..imaging.regions import pixels_at
from . import landmarks as lm
from .paths import row_path

PAD_TOP = 8                  # pads: from this many px below the bridge ...
PAD_BELOW = 25               # ... down to this many px below the eye line,
PAD_GAP = 5                  # ... between the inner eye corners, not within this of the middle
PAD_STEPS = 2                # ... reaching at most this many px from the frame
PAD_LINE = 9.0               # ... through faint lines or pad marks: black-hat (5 or 9 px
                             # disc) or top-hat (L*) at least this
GLARE_GREEN = 7.0            # glare: a* at least this far below the lens's median skin
GLARE_LIGHT = 4.0            # ... and L* at least this far above it
GLARE_AREA = 12              # ... in a blob of at least this many px (after a 3x3 opening)
EDGE_BELOW_LID = 2           # lens edges: rim points this many px below the lower lid ...
EDGE_MIN = 1.2               # ... along a thin line (L*, median within 1 px) at least this
EDGE_CONTRAST = 2.0          # ... and this many times the median of the skin around (6 px)
EDGE_SHARE = 0.4             # ... mask: pixels within 1 px at least this share of that median
EDGE_THIN = 0.6              # ... and this share of an 11 px disc's (a crease, a bag's shading
                             # is wider: it keeps growing with the disc)
EDGE_SNAP = 3                # ... along the line's own path within this many rows of the rim


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
    inside = pixels_at(lab, region)
    green = np.median(inside[:, 1]) - lab[..., 1]
    light = lab[..., 0] - np.median(inside[:, 0])
    core = region & (green >= GLARE_GREEN) & (light >= GLARE_LIGHT)
    core = cv2.morphologyEx(core.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    if core.sum() < GLARE_AREA:
        return np.zeros(region.shape, bool)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    big = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] >= GLARE_AREA) + 1
    fringe = region & (green >= GLARE_GREEN / 2) & (light >= 0)
    return connected(fringe, np.isin(labels, big))


def thin_lines(light: np.ndarray, width: int = 5) -> np.ndarray:
    """Dark or bright line response (HxW float32, L*) of the work image's ``light``:
    black-hat or top-hat with a ``width`` px disc after a slight blur (the grain is no
    line)."""
    soft = cv2.GaussianBlur(light, (0, 0), 0.7)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (width, width))
    out: np.ndarray = np.maximum(cv2.morphologyEx(soft, cv2.MORPH_BLACKHAT, kernel),
                                 cv2.morphologyEx(soft, cv2.MORPH_TOPHAT, kernel))
    return out


def _lower_part(rim: np.ndarray, below: float, shape: tuple[int, ...]) -> np.ndarray:
    """The segments of the closed ``rim`` (Nx2 points) whose both ends lie below the row
    ``below``, drawn 1 px wide (HxW uint8 0/1)."""
    out = np.zeros(shape[:2], np.uint8)
    low = rim[:, 1] > below
    ends = np.round(rim).astype(np.int32)
    for i in np.flatnonzero(low & np.roll(low, -1)):
        j = (i + 1) % len(rim)
        cv2.line(out, (int(ends[i, 0]), int(ends[i, 1])), (int(ends[j, 0]), int(ends[j, 1])), 1)
    return out


def lens_edges(light: np.ndarray, rims: list[np.ndarray], points: np.ndarray,
               free: np.ndarray) -> np.ndarray:
    """Faint lower lens edges (HxW bool) along the traced ``rims`` (right eye's, then left
    eye's, Nx2 work points) of the work image's ``light`` (L*), among the ``free`` pixels:
    per lens, the rim below its lower lid (``points``: work landmarks) when the thin line
    there is at least ``EDGE_MIN`` and ``EDGE_CONTRAST`` times the skin's texture beside it
    (a trace wandering over bare cheek finds no such line); then its line pixels within
    1 px of the rim or of the line's own path near it (:func:`_snapped`), at least
    ``EDGE_SHARE`` of the line's median and thin (``EDGE_THIN``; on the path itself: any
    width)."""
    resp = thin_lines(light)
    thin = resp >= EDGE_THIN * thin_lines(light, 11)
    near = cv2.dilate(resp, np.ones((3, 3), np.uint8))
    out = np.zeros(light.shape, bool)
    for rim, ring in zip(rims, (lm.RIGHT_EYE, lm.LEFT_EYE)):
        lower = _lower_part(rim, float(points[list(ring), 1].max()) + EDGE_BELOW_LID,
                            light.shape)
        if lower.sum() < 10:
            continue
        band = cv2.dilate(lower, np.ones((3, 3), np.uint8)) > 0
        beside = (cv2.dilate(lower, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (13, 13)))
                  > 0) & ~band & free
        line = float(np.median(near[lower > 0]))
        skin = float(np.median(resp[beside])) if beside.any() else 0.0
        if line >= max(EDGE_MIN, EDGE_CONTRAST * skin):
            path = _snapped(resp, lower)
            grown = cv2.dilate(path, np.ones((3, 3), np.uint8)) > 0
            on = ((band | grown) & thin) | (path > 0)  # the path itself: a line, thin or not
            out |= on & free & (resp >= EDGE_SHARE * line)
    return out


def _snapped(resp: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """The line itself under the rim's ``lower`` part (HxW uint8 0/1, 1 px wide): the best
    left-to-right path through the line response ``resp`` within ``EDGE_SNAP`` rows of the
    rim in each of its columns (the rim is traced on coarse rays and cuts across the faint
    line where it bends: Andy Kim's lower lens edges were half left on his cheeks)."""
    ys, xs = np.nonzero(lower)
    x0, x1 = int(xs.min()), int(xs.max()) + 1
    y0, y1 = max(int(ys.min()) - EDGE_SNAP, 0), min(int(ys.max()) + EDGE_SNAP + 1, len(resp))
    top, bottom = np.full(x1 - x0, len(resp)), np.full(x1 - x0, -1)
    np.minimum.at(top, xs - x0, ys)
    np.maximum.at(bottom, xs - x0, ys)
    cols = np.arange(x1 - x0)
    has = bottom >= 0  # columns the rim skips (two pieces below the lid): bridged
    lo, hi = (np.interp(cols, cols[has], bound[has]) for bound in (top, bottom))
    rows = np.arange(y0, y1)[:, None]
    ok = (rows >= np.floor(lo) - EDGE_SNAP) & (rows <= np.ceil(hi) + EDGE_SNAP)
    score = np.where(ok, cv2.GaussianBlur(resp, (5, 1), 0)[y0:y1, x0:x1], np.float32(-100))
    path = row_path(score.astype(np.float32))
    out = np.zeros(lower.shape, np.uint8)
    keep = ok[path, cols]
    out[path[keep] + y0, cols[keep] + x0] = 1
    return out
