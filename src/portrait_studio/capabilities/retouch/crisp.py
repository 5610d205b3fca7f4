"""Fine-scale crispness of skin: measure it on the template photo, and sharpen a pasted face
up to it.

A face swapped in from another photo (resampled, smoothed, re-toned) is softer at the
scale of a pixel or two than the sharp studio photo around it, although its grain (the
noise level) matches: the fusion bench's BRISQUE rose by 5-14 on sharp templates (Bennie
Thompson, Gabe Amo, Byron Donalds) from the face alone, and noise added to it took off
1-2 of that, an unsharp mask 4-6. Crispness is measured as BRISQUE's own local statistic:
the mean square of the luma's mean-subtracted, contrast-normalised (MSCN) value, local mean
and deviation over a Gaussian window of 7/6 px, which is high where detail changes from one
pixel to the next and low where the local contrast is a smooth ramp; it does not depend on
the skin's contrast or light. Images are HxWx3 RGB 0..255 (uint8 or float32); masks HxW 0..1.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ...imaging.blend import mask_box
from ...perception import landmarks as lm
from ...perception.masks import cheek_mask, face_regions, face_scale

WINDOW = 7.0 / 6.0      # the local statistics' Gaussian sigma (px), as BRISQUE's
DETAIL = 1.0            # the unsharp mask's Gaussian sigma (px)
MAX_AMOUNT = 1.2        # the strongest unsharp amount (detail gain - 1)
MIN_SAMPLES = 64
BOX_MARGIN = 6          # px around a mask: the blurs' support
STRIPE, STRIPE_STEP = 8, 48  # crispness is sampled on runs of 8 rows, one in 48


def _luma(img: np.ndarray) -> np.ndarray:
    third = np.full((1, 3), 1.0 / 3.0, np.float32)
    return np.asarray(cv2.transform(np.ascontiguousarray(img, np.float32), third), np.float32)


def _mscn_square(luma: np.ndarray) -> np.ndarray:
    mu = cv2.GaussianBlur(luma, (7, 7), WINDOW)
    var: np.ndarray = cv2.GaussianBlur(cv2.multiply(luma, luma), (7, 7), WINDOW)
    var -= cv2.multiply(mu, mu)
    sigma: np.ndarray = cv2.sqrt(np.maximum(var, 0.0, out=var))
    sigma += np.float32(1.0)
    out: np.ndarray = cv2.divide(cv2.subtract(luma, mu), sigma)
    return cv2.multiply(out, out, dst=out)


def _stripes(height: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of a box ``height`` rows high on which crispness is sampled (every
    :data:`STRIPE_STEP`-th run of :data:`STRIPE` rows, each with the local window's 3 rows
    either side), and which of those rows are a stripe's own (not its margins)."""
    starts = np.arange(3, max(height - 3, 3), STRIPE_STEP)
    offsets = np.arange(-3, STRIPE + 3)
    rows = (starts[:, None] + offsets[None, :]).ravel()
    own = np.tile((offsets >= 0) & (offsets < STRIPE), len(starts))
    keep = rows < height
    return rows[keep], own[keep]


def _mean_on(values: np.ndarray, rows: np.ndarray, own: np.ndarray,
             inside: np.ndarray) -> float:
    """Mean of :func:`_mscn_square` of the stacked ``rows`` of ``values`` over the stripes'
    own rows where ``inside`` (both HxW of the box); NaN when none is selected."""
    sel = inside[rows] & own[:, None]
    if not sel.any():
        return float("nan")
    return float(_mscn_square(np.ascontiguousarray(values[rows]))[sel].mean())


def crispness(img: np.ndarray, mask: np.ndarray) -> float:
    """Mean squared MSCN value of the luma of ``img`` where ``mask`` > 0.5 (0 when fewer than
    :data:`MIN_SAMPLES` pixels), sampled on stripes (:func:`_stripes`) of the box around the
    mask: a third of its rows, which keeps it to a few milliseconds on a large face."""
    sel = mask > 0.5
    if int(np.count_nonzero(sel)) < MIN_SAMPLES:
        return 0.0
    box = mask_box(sel, BOX_MARGIN)
    rows, own = _stripes(sel[box].shape[0])
    level = _mean_on(_luma(img[box][rows]), np.arange(len(rows)), own, sel[box][rows])
    return 0.0 if math.isnan(level) else level


def skin_crispness(img: np.ndarray, points: np.ndarray) -> float:
    """:func:`crispness` of the bare skin of the face ``points`` in ``img``: the lower of its
    cheeks' and its forehead's (the oval above the brows), so that a beard on the cheeks or
    hair over the forehead (both far crisper than skin) does not count; 0 for no sample."""
    shape = img.shape[:2]
    scale = face_scale(points)
    brow = float(points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min()) - 0.05 * scale
    above = (np.arange(shape[0], dtype=np.float32)[:, None] < brow).astype(np.float32)
    forehead = (face_regions(points, shape).skin > 0.9) * above
    levels = [c for c in (crispness(img, cheek_mask(points, shape)), crispness(img, forehead))
              if c > 0]
    return min(levels) if levels else 0.0


def match_crispness(img: np.ndarray, weight: np.ndarray, target: float,
                    measure: np.ndarray, share: float = 1.0) -> np.ndarray:
    """``img`` with its luma detail finer than :data:`DETAIL` px boosted in proportion to
    ``weight`` so that its :func:`crispness` where ``measure`` (inside ``weight``'s support)
    is > 0.5 rises to ``target`` (by ``share`` of the way there); a face already as crisp
    gets nothing. A float32 ``img`` is
    changed in place and returned, any other a float32 copy; the boosted box is clipped to
    0..255. The crispness of an amount is measured (on :func:`_stripes`) at no boost and at
    the strongest, :data:`MAX_AMOUNT`, and the amount interpolated between them (close to
    linear there: 2-4% over the target on a soft patch)."""
    out = img if img.dtype == np.float32 else img.astype(np.float32)
    sel = measure > 0.5
    if target <= 0 or share <= 0 or int(np.count_nonzero(sel)) < MIN_SAMPLES:
        return out
    box = mask_box(weight, BOX_MARGIN)
    inside = sel[box]
    # the samples: stripes of the measured part's own box (its columns, with the window's)
    ys, xs = mask_box(inside, 3)
    rows, own = _stripes(ys.stop - ys.start)
    rows += ys.start
    luma = _luma(out[box])
    now = _mean_on(luma[:, xs], rows, own, inside[:, xs])
    if not now < target:  # NaN (no sample on the stripes) too
        return out
    target = now + min(share, 1.0) * (target - now)
    detail: np.ndarray = cv2.subtract(luma, cv2.GaussianBlur(luma, (7, 7), DETAIL))
    cv2.multiply(detail, weight[box], dst=detail, dtype=cv2.CV_32F)
    strongest = _mean_on(cv2.scaleAdd(detail[rows, xs], MAX_AMOUNT, luma[rows, xs]),
                         np.arange(len(rows)), own, inside[rows, xs])
    if not strongest > now:
        return out
    amount = MAX_AMOUNT * min(1.0, (target - now) / (strongest - now))
    detail *= np.float32(amount)
    view = out[box]
    cv2.add(view, cv2.merge([detail, detail, detail]), dst=view)
    np.clip(view, 0.0, 255.0, out=view)
    return out
