"""The shade a lens leaves on the skin behind it, lifted before its frame is painted out.

Helpers of :mod:`portrait_studio.perception.glasses`, on its upright "work" copy of the eye
band (eye line level, outer eye corners ``UNIT`` = 100 px apart), so sizes are work pixels.

Skin seen through a lens, right under its rim, is darker and often redder or browner than the
same skin just outside it: the lens's tint and the rim's own shadow. The frame is painted from
the skin on both sides of it (the dark lid hardly counts there, as a frame's shadow), so that
step survived as a straight edge along the old rim line (Harold Rogers' black top rims left a
brown band over each upper lid with a straight top edge: a ghost of the glasses). Here each
lens's step is measured across the painted band, from the skin just inside it to the skin just
outside (Gaussian means), smoothed along the rim, and added to the skin inside the lens: its
colour (a*, b*: the tint) fading to nothing ``FADE`` px in, its lightness (the shade) only
``SHADE_FADE`` px in, which softens the edge and keeps the lid's own shade (lifting the whole
lid read as another face: Harold Rogers' mean dlib distance to his reference rose 0.584 ->
0.611, 4 of 37 fusions no longer retrieved him). Only shade is lifted: where the skin behind a
lens is lighter than outside it nothing changes. The eye openings with their lashes, the brows
and whatever lies off the face are never changed or used.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..imaging.fill import carry_in
from ..imaging.regions import disc
from . import landmarks as lm

RING = 4                     # the skin within this many px of the painted band sets the step
SMOOTH = 3.0                 # ... its colour taken as a Gaussian mean of this sigma (px)
ALONG = 5.0                  # ... and the step smoothed along the rim with this sigma (px)
FADE = 10.0                  # the tint's correction fades to nothing this many px inside the band
SHADE_FADE = 3.0             # ... the shade's (L*) this many
EYE_GROW = 1.0               # eye openings grown by this factor ...
LASHES = 2                   # ... and this many px (lashes), never changed ...
EYE_FEATHER = 3.0            # ... the correction fading in over this many px beyond them
MAX_LIGHT = 25.0             # the step in L* is capped at this (a dark rim line is no skin)
MAX_TINT = 12.0              # ... in a* and b* at this
MIN_MASS = 0.05              # a Gaussian mean needs this much weight (of 1) to count


def _mean_of(lab: np.ndarray, where: np.ndarray, sigma: float) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """Gaussian mean of ``lab`` (HxWx3 float32) over the ``where`` pixels (HxW bool): the
    mean (HxWx3) and its weight (HxW, 0..1)."""
    w = where.astype(np.float32)
    mass = cv2.GaussianBlur(w, (0, 0), sigma)
    total = cv2.GaussianBlur(lab * w[..., None], (0, 0), sigma)
    mean: np.ndarray = total / np.maximum(mass, 1e-6)[..., None]
    return mean, mass


def _eyes(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The eye openings grown by ``EYE_GROW`` and ``LASHES`` px (HxW bool)."""
    out = np.zeros(shape[:2], np.uint8)
    for ring in (lm.RIGHT_EYE, lm.LEFT_EYE):
        poly = points[list(ring)]
        centre = poly.mean(axis=0)
        cv2.fillPoly(out, [np.round(centre + (poly - centre) * EYE_GROW).astype(np.int32)], 1)
    grown: np.ndarray = cv2.dilate(out, disc(2 * LASHES + 1)) > 0
    return grown


def _below_brows(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """HxW bool: below the brows' lower edge (interpolated per column)."""
    h, w = shape[:2]
    xs = np.arange(w, dtype=np.float32)
    # each brow's lower edge (the first five of its ring), from left to right in the image
    lines = [points[list(lm.RIGHT_BROW[:5])], points[list(lm.LEFT_BROW[4::-1])]]
    right = np.interp(xs, lines[0][:, 0], lines[0][:, 1])
    left = np.interp(xs, lines[1][:, 0], lines[1][:, 1])
    mid = points[[lm.RIGHT_EYE_INNER, lm.LEFT_EYE_INNER], 0].mean()
    edge = np.where(xs < mid, right, left)
    below: np.ndarray = np.arange(h, dtype=np.float32)[:, None] > edge[None, :]
    return below


def lens_shade(rgb: np.ndarray, points: np.ndarray, rims: list[np.ndarray],
               painted: np.ndarray, face: np.ndarray) -> np.ndarray:
    """The correction (HxWx3 float32, L*, a*, b*) that lifts the lenses' shade off the skin
    behind them in the work image ``rgb``: ``points`` its landmarks, ``rims`` the traced
    closed rims (Nx2 each), ``painted`` the pixels the frame's paint will replace (HxW
    bool), ``face`` the skin that may be used and changed (HxW bool, the face oval). Zero
    outside the lenses, on the eyes and where no skin lies on both sides of the band."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / np.float32(255), cv2.COLOR_RGB2Lab)
    shape = painted.shape
    lenses = np.zeros(shape, np.uint8)
    for rim in rims:
        cv2.fillPoly(lenses, [np.round(rim).astype(np.int32)], 1)
    inside = lenses > 0
    eyes = _eyes(points, shape)
    usable = face & ~painted & ~eyes & _below_brows(points, shape)
    gap = cv2.distanceTransform((~painted).astype(np.uint8), cv2.DIST_L2, 3)
    ring = usable & (gap <= RING)
    inner, outer = ring & inside, ring & ~inside
    if inner.sum() < 20 or outer.sum() < 20:
        return np.zeros((*shape, 3), np.float32)
    in_mean, in_mass = _mean_of(lab, inner, SMOOTH)
    out_mean, out_mass = _mean_of(lab, outer, SMOOTH)
    # the outside skin's colour carried across the band to the inside ring
    across = carry_in(out_mean, (out_mass >= MIN_MASS).astype(np.float32))
    known = inner & (in_mass >= MIN_MASS)
    step = np.where(known[..., None], across - in_mean, 0).astype(np.float32)
    # only shade is lifted: skin lighter behind the lens than outside it is left as it is
    # (thick frames' lower rims: the dark cheek outside would darken the bags under the eyes)
    step[step[..., 0] <= 0] = 0
    step[..., 0] = np.minimum(step[..., 0], MAX_LIGHT)
    step[..., 1:] = np.clip(step[..., 1:], -MAX_TINT, MAX_TINT)
    smooth, mass = _mean_of(step, known, ALONG)
    spread = carry_in(smooth, (mass >= MIN_MASS).astype(np.float32))
    clear = cv2.distanceTransform((~eyes).astype(np.uint8), cv2.DIST_L2, 3)
    weight = np.clip(clear / EYE_FEATHER, 0, 1) * (inside & face & ~eyes)
    fades = np.stack([np.clip(1 - gap / SHADE_FADE, 0, 1)] + [np.clip(1 - gap / FADE, 0, 1)] * 2,
                     axis=2)
    out: np.ndarray = (spread * fades * weight[..., None]).astype(np.float32)
    return out
