"""The row between the old top and the old bottom: where the clothing's colours change.

Along the torso (the middle 60% between the hip joints, from 0.35 torso lengths below the
shoulders to 0.4 below the hips) each row's clothing pixels are counted in a coarse Lab
histogram. The split is the row whose clothing above and below (windows of 0.35 torso
lengths, shorter at the ends) share the least of their colour distributions (histogram
intersection): a striped or crocheted top has all its colours on both sides of each of its
own stripes, so only its hem, where the trousers' colours begin, separates two palettes.
Rows within half a window of the search's start are no candidates (the short window above
them holds only what ends under the chest: crossed arms, a V-neck's shirt), and the best
row is refined to the first one that looks like the clothing below it. A uniform outfit
(the windows share at least 35% everywhere, a suit) is split at the hips. Images HxWx3
uint8 RGB, masks HxW bool.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from ...imaging.regions import row_first, row_last, touching
from .pose import Pose
from .regions import lab_dist2

Mask = NDArray[np.bool_]
WINDOW = 0.35        # rows compared above and below a candidate, x torso length
SHARED = 0.35        # a split needs the two windows to share less than this
SKIRT_REACH = 0.7    # how far below the hips a suit jacket's hem is looked for (torso lengths)
SKIRT_MIN = 0.1      # ... from this far below them (a step above it is a fold, a waistband)
SKIRT_ROWS = 0.03    # rows over which the clothing steps in at that hem (torso lengths)
SKIRT_STEP = 0.04    # how far it steps in on each side (shoulder widths)
SKIRT_ONE = 2.75     # ... or on one side only by this x SKIRT_STEP (the other side keeps its
#                      line within a step), below the hands (not a sleeve's cuff):
SKIRT_HAND = 0.3     # this far below the wrists (torso lengths)
SKIRT_TAIL = 0.06    # rows below that step still taken for the skirt (torso lengths)
L_BIN, AB_BIN = 14.0, 12.0   # histogram bin sizes (L* 0..100, a*/b* -60..60)
_NL, _NAB = int(100 / L_BIN) + 1, int(120 / AB_BIN) + 1


def _bins(lab: NDArray[np.float32]) -> NDArray[np.intp]:
    """Histogram bin of every colour of ``lab`` (... x 3 Lab: an image or N pixels)."""
    li = np.clip(lab[..., 0] / L_BIN, 0, _NL - 1).astype(np.intp)
    ai = np.clip((lab[..., 1] + 60.0) / AB_BIN, 0, _NAB - 1).astype(np.intp)
    bi = np.clip((lab[..., 2] + 60.0) / AB_BIN, 0, _NAB - 1).astype(np.intp)
    out: NDArray[np.intp] = (li * _NAB + ai) * _NAB + bi
    return out


def row_histograms(lab: NDArray[np.float32], mask: Mask) -> NDArray[np.float64]:
    """(H+1) x bins cumulative colour histograms of the ``mask`` pixels of an HxWx3 Lab
    image: row ``i`` counts the pixels of the image rows before ``i``."""
    h, nb = lab.shape[0], _NL * _NAB * _NAB
    rows = np.broadcast_to(np.arange(h)[:, None], mask.shape)
    flat = rows[mask] * nb + _bins(lab)[mask]
    per_row = np.bincount(flat, minlength=h * nb).reshape(h, nb).astype(np.float64)
    out: NDArray[np.float64] = np.concatenate([np.zeros((1, nb)), np.cumsum(per_row, 0)])
    return out


def shared_colours(cum: NDArray[np.float64], k: int, least: float) -> NDArray[np.float64]:
    """Per row ``i`` of the histograms ``cum`` (:func:`row_histograms`), the intersection
    (0..1) of the normalised histograms of rows [i-k, i) and [i, i+k) (clipped to the
    image); 1.0 where either window holds fewer than ``least`` pixels."""
    h = cum.shape[0] - 1
    i = np.arange(h)
    above = cum[i] - cum[np.maximum(i - k, 0)]
    below = cum[np.minimum(i + k, h)] - cum[i]
    na, nb = above.sum(1), below.sum(1)
    ok = (na >= least) & (nb >= least)
    share = np.minimum(above / np.maximum(na, 1.0)[:, None],
                       below / np.maximum(nb, 1.0)[:, None]).sum(1)
    out: NDArray[np.float64] = np.where(ok, share, 1.0)
    return out


def split_row(img: NDArray[np.uint8], clothes: Mask, pose: Pose) -> float:
    """Row (image y) between the old top and the old bottom of the person in an HxWx3
    uint8 RGB photo, ``clothes`` their HxW bool old clothing: the row where the clothing's
    colour distribution changes most (see the module's docstring), else the hips' row."""
    sides = pose.sides()
    hl, hr = pose.p(sides[0]["hip"]), pose.p(sides[1]["hip"])
    sh_y = (pose.p(11)[1] + pose.p(12)[1]) / 2
    hip_y = float(hl[1] + hr[1]) / 2
    torso = max(hip_y - sh_y, 1.0)
    xa, xb = sorted((hl[0] + 0.2 * (hr[0] - hl[0]), hr[0] - 0.2 * (hr[0] - hl[0])))
    x0, x1 = max(int(xa), 0), int(xb)
    y0, y1 = max(int(sh_y + 0.35 * torso), 0), int(min(img.shape[0] - 1, hip_y + 0.4 * torso))
    if x1 <= x0 + 2 or y1 <= y0 + 8:
        return hip_y
    cum = row_histograms(rgb_to_lab(img[y0:y1, x0:x1]), clothes[y0:y1, x0:x1])
    k = max(3, int(WINDOW * torso))
    share = shared_colours(cum, k, 0.3 * (x1 - x0) * min(k, 0.06 * torso))
    share[:k // 2] = 1.0    # a short window under the chest: arms crossed, a V-neck's end
    best = int(np.argmin(share))
    return float(y0 + _first_below(cum, best, k)) if share[best] < SHARED else hip_y


def _first_below(cum: NDArray[np.float64], row: int, k: int, reach: int = 3) -> int:
    """The split row refined to the pixel: the first of the rows within ``reach`` of
    ``row`` whose colours are more like the window below ``row`` than the one above (the
    windows of :func:`shared_colours`; a blended edge row goes with the side it is like)."""
    h = cum.shape[0] - 1
    above = cum[row] - cum[max(row - k, 0)]
    below = cum[min(row + k, h)] - cum[row]
    above, below = above / max(above.sum(), 1.0), below / max(below.sum(), 1.0)
    for r in range(max(row - reach, 0), min(row + reach + 1, h)):
        hist = cum[r + 1] - cum[r]
        if hist.sum() > 0 and np.minimum(hist / hist.sum(), below).sum() > \
                np.minimum(hist / hist.sum(), above).sum():
            return r
    return row


def palette(lab: NDArray[np.float32], mask: Mask, share: float = 0.04) -> NDArray[np.float32]:
    """n x 3 Lab colours of the ``mask`` pixels of an HxWx3 Lab image: the mean colour of
    each histogram bin holding at least ``share`` of them (0 x 3 without pixels)."""
    if not mask.any():
        return np.zeros((0, 3), np.float32)
    px = lab[mask]
    bins = _bins(px)
    nb = _NL * _NAB * _NAB
    count = np.bincount(bins, minlength=nb)
    keep = np.flatnonzero(count >= max(share * len(bins), 1.0))
    sums = np.stack([np.bincount(bins, px[:, c].astype(np.float64), minlength=nb)
                     for c in range(3)], 1)
    out: NDArray[np.float32] = (sums[keep] / count[keep, None]).astype(np.float32)
    return out


def palette_distance(lab: NDArray[np.float32], colours: NDArray[np.float32]) -> (
        NDArray[np.float32]):
    """Lab distance of every colour of ``lab`` (N x 3 pixels) to the nearest of the n x 3
    ``colours`` (n >= 1): N float32."""
    best = np.full(len(lab), np.inf, np.float32)
    for colour in np.asarray(colours, np.float32):
        np.minimum(best, lab_dist2(lab, colour), out=best)
    out: NDArray[np.float32] = np.sqrt(best)
    return out


def jacket_skirt(lower: Mask, split: float, pose: Pose) -> Mask:
    """The skirt of a jacket worn over trousers of its colour (a suit, split at the hips:
    ``split`` the hips' row): ``lower`` (the old bottom, within 0.9 shoulder widths of the
    hips' centre) from the split down to the jacket's hem: the first row from ``SKIRT_MIN``
    to ``SKIRT_REACH`` torso lengths below the split where the clothing steps in on both sides
    by ``SKIRT_STEP`` shoulder widths over ``SKIRT_ROWS`` torso lengths and stays in (the
    trousers below are narrower) -- or on one side only by ``SKIRT_ONE`` steps, the other
    side keeping its line, ``SKIRT_HAND`` torso lengths below the wrists (a long jacket
    whose other side merges with something dark at the photo's edge; not a hanging
    arm's cuff) -- and ``SKIRT_TAIL`` torso lengths more (the hem slopes down toward the
    opening). Left in the old bottom, the skirt stayed below a new top's hem as a block
    of jacket. ``lower`` should hold the jacket's lit sides (:func:`lit_sides`): left
    out, the step was a third smaller.
    Nothing for an outfit split by colour or without such a step (a dress, a flared skirt)."""
    out = np.zeros_like(lower)
    sides = pose.sides()
    hl, hr = pose.p(sides[0]["hip"]), pose.p(sides[1]["hip"])
    hip_y = float(hl[1] + hr[1]) / 2
    if abs(split - hip_y) > 0.5:
        return out
    sw, torso = pose.shoulder_width, pose.torso_len
    cx = float(hl[0] + hr[0]) / 2
    x0, x1 = max(int(cx - 0.9 * sw), 0), min(int(cx + 0.9 * sw) + 1, lower.shape[1])
    d = max(2, int(SKIRT_ROWS * torso))
    y0 = max(int(split), 0)
    y1 = min(int(split + SKIRT_REACH * torso) + 3 * d, lower.shape[0])
    if y1 - y0 <= 3 * d or x1 <= x0:
        return out
    band = lower[y0:y1, x0:x1]
    filled: NDArray[np.bool_] = np.asarray(band.any(axis=1), bool)
    left = np.where(filled, np.argmax(band, axis=1), -1).astype(np.float64)
    right = np.where(filled, x1 - x0 - 1 - np.argmax(band[:, ::-1], axis=1), -1)
    step = SKIRT_STEP * sw
    hand_y = max(float(pose.p(side["wrist"])[1]) for side in sides) + SKIRT_HAND * torso
    for i in range(int(SKIRT_MIN * torso), len(left) - 3 * d):
        if not filled[i:i + 3 * d].all():
            continue
        in_l = np.median(left[i + d:i + 3 * d]) - left[i]
        in_r = right[i] - np.median(right[i + d:i + 3 * d])
        stays_l = left[i + d:i + 3 * d].min() > left[i]
        stays_r = right[i + d:i + 3 * d].max() < right[i]
        both = min(in_l, in_r) >= step and stays_l and stays_r
        one = y0 + i > hand_y and (
            (in_l >= SKIRT_ONE * step and stays_l and in_r > -step) or
            (in_r >= SKIRT_ONE * step and stays_r and in_l > -step))
        if both or one:
            end = y0 + i + d + int(SKIRT_TAIL * torso)     # a hem sloping down inward
            out[y0:end, x0:x1] = lower[y0:end, x0:x1]
            return out
    return out


def lit_sides(clothing: Mask, free: Mask) -> Mask:
    """The ``free`` pixels (the person's: no clothing, skin, head nor hands) beyond the outer
    edges of ``clothing`` on each of its rows, in pieces touching it: a dark suit's lit
    sides, out of its palette (Biden's jacket's right side, 25-30 px wide at 970x2204),
    which a jacket's skirt (:func:`jacket_skirt`) steps in from and takes along."""
    w = clothing.shape[1]
    xs = np.arange(w)[None, :]
    rows: NDArray[np.bool_] = np.asarray(clothing.any(axis=1), bool)
    beyond = (xs < row_first(clothing, 0)[:, None]) | (xs > row_last(clothing, w - 1)[:, None])
    edge = cv2.dilate(clothing.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return touching(free & beyond & rows[:, None], edge)
