"""Real neck and chest skin kept under the torso painting.

The skin model is fitted on the lit cheeks; a neck in the chin's shadow is less saturated
and darker, so it can be taken for the old top (a suit's neck, from the jaw to the shirt
collar) and painted over with the chest's flat tone: a slab where a neck in shadow was.
Where the pixels to be painted above the shoulders are of the face skin's hue and of its
saturation for their lightness (:func:`skin_hue`), neither much darker nor lighter than
it (L* between ``LOW`` and ``HIGH`` of its), nearer that skin's colour than the old top's
(and at least ``CLOTH`` from the old top's median colour), and joined to the real skin or
the head (within ``JOIN`` shoulder widths), the photo's own colours are kept (and in its
gaps narrower than ``HOLES`` shoulder widths where they are of about the skin's hue, not
near the old top's colour and not black: the chin's deepest shadow)
(blurred ``SOFT`` px within them: the painting's grain goes on top), feathered into the
painting over ``FEATHER`` px. Images HxWx3 uint8 RGB (tones float32 RGB 0..255), masks
HxW bool, all over one box of the image (``Box``) unless said otherwise.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from ...imaging.regions import disc, touching
from .body import Body
from .regions import hue_turn, large_pieces

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Box = tuple[slice, slice]
ANGLE = 25.0         # degrees of a*, b* hue from the face skin's: still skin
SAT = 2.0            # chroma over L* within this factor of the face skin's
LOW, HIGH = 0.3, 1.15    # the L* range, x the face skin's
HOLES = 0.06         # x shoulder width: gaps in the kept skin narrower than this are kept
HOLE_ANGLE = 45.0    # when of about the skin's hue (degrees), not the old top's colour
HOLE_LOW = 0.25      # and not darker than this x the face skin's L* (a black strap is)
RIM = 2              # px: kept skin stops this short of the painting beside it
MIN_CHROMA = 4.0     # a*, b* chroma of skin at least (a black strap has none)
JOIN = 0.03          # x shoulder width: kept skin starts this near the real skin or head
CLOTH = 20.0         # Lab distance to the old top's median colour at least this
SOFT = 1.5           # px: the kept photo is blurred this much (its grain: the painting's)
FEATHER = 2.0        # px: the kept skin's edge fades into the painting over this
MIN_AREA = 0.002     # x shoulder width squared: smaller kept pieces are dropped


def own_skin(img: NDArray[np.uint8], body: Body, box: Box, paint: Mask, neck: Mask) -> Mask:
    """HxW bool over the box: the ``paint`` pixels within ``neck`` (above the shoulders)
    that are real skin in the photo (``img``, over the box; module docstring; the old
    top's colour: its median in the box), looked for in the bounding box of those pixels
    only (plus the reach of the joins and the gaps)."""
    top = body.old_top[box]
    cand = paint & neck
    out = np.zeros(paint.shape, bool)
    if not cand.any() or top.sum() < 50:
        return out
    sw = body.pose.shoulder_width
    x, y, w, h = cv2.boundingRect(cand.astype(np.uint8))
    m = int((JOIN + HOLES) * sw) + 4
    sub = np.s_[max(0, y - m):y + h + m, max(0, x - m):x + w + m]
    cloth = rgb_to_lab(img[top][::4].astype(np.float32).reshape(-1, 1, 3))[:, 0]
    real = (body.skin | body.head)[box][sub] & ~paint[sub]
    out[sub] = _own(rgb_to_lab(img[sub]), body, np.median(cloth, axis=0),
                    (paint[sub], cand[sub], real))
    return out


def _own(lab: F32, body: Body, cloth: NDArray[np.floating],
         masks: tuple[Mask, Mask, Mask]) -> Mask:
    """HxW bool: :func:`own_skin` over a sub-box (Lab ``lab``, the old top's median Lab
    ``cloth``; ``masks``: the painting, its part above the shoulders, the real skin and
    head beside it)."""
    paint, cand, real = masks
    sw = body.pose.shoulder_width
    ref = rgb_to_lab(body.skin_rgb.astype(np.float32).reshape(1, 1, 3))[0, 0]
    light = (lab[..., 0] > LOW * ref[0]) & (lab[..., 0] < HIGH * ref[0])
    d_ref = np.linalg.norm(lab - ref, axis=2)
    d_cloth = np.linalg.norm(lab - cloth, axis=2)
    loose = cand & skin_hue(lab, ref, HOLE_ANGLE, np.inf) & (d_cloth > CLOTH / 2) & \
        (lab[..., 0] > HOLE_LOW * ref[0])
    cand = cand & skin_hue(lab, ref) & light & (d_cloth > CLOTH) & (d_ref < d_cloth)
    cand = (cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_CLOSE,
                             np.ones((5, 5), np.uint8)) > 0) & (cand | loose)
    cand = cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((3, 3), np.uint8)) > 0
    k = max(3, int(JOIN * sw)) | 1
    seed = cv2.dilate(real.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    kept = large_pieces(touching(cand & paint, seed), MIN_AREA * sw ** 2)
    k = max(3, int(HOLES * sw)) | 1
    closed = cv2.morphologyEx(kept.astype(np.uint8), cv2.MORPH_CLOSE, disc(k)) > 0
    kept |= closed & loose
    # off the rim toward the painting (an old strap's blended edge)
    rim = cv2.dilate((paint & ~kept).astype(np.uint8), np.ones((2 * RIM + 1,) * 2, np.uint8))
    out: Mask = kept & (rim == 0)
    return out


def skin_hue(lab: F32, ref: NDArray[np.floating], angle: float = ANGLE,
             sat: float = SAT) -> Mask:
    """HxW bool: Lab pixels of the ``ref`` skin's hue (angle of a*, b* within ``angle``
    degrees) and saturation for their lightness (chroma over L* within ``sat`` times
    the reference's either way; at least ``MIN_CHROMA``): skin in shadow is darker and
    less chromatic in proportion; a suit's navy, a white shirt or a black strap is not."""
    ratio = np.hypot(lab[..., 1], lab[..., 2]) / np.maximum(lab[..., 0], 5.0)
    ref_sat = float(np.hypot(ref[1], ref[2]) / max(float(ref[0]), 5.0))
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    out: Mask = (hue_turn(lab, ref) < angle) & (ratio > ref_sat / sat) & (ratio < ref_sat * sat) & \
        (chroma > MIN_CHROMA)
    return out


def keep_own(tone: F32, img: NDArray[np.uint8], own: Mask) -> F32:
    """``tone`` (HxWx3 float32) with the ``own`` skin pixels taking the photo's colours
    there (blurred ``SOFT`` px within them), feathered over ``FEATHER`` px."""
    if not own.any():
        return tone
    x, y, w, h = cv2.boundingRect(own.astype(np.uint8))
    m = int(3 * max(SOFT, FEATHER)) + 2
    sub = np.s_[max(0, y - m):y + h + m, max(0, x - m):x + w + m]
    k = own[sub].astype(np.float32)
    num = cv2.GaussianBlur(img[sub].astype(np.float32) * k[..., None], (0, 0), SOFT)
    den = np.maximum(cv2.GaussianBlur(k, (0, 0), SOFT), 1e-4)[..., None]
    soft = (np.asarray(cv2.GaussianBlur(k, (0, 0), FEATHER), np.float32) * k)[..., None]
    out = tone.copy()
    out[sub] = tone[sub] + soft * (num / den - tone[sub])
    return out
