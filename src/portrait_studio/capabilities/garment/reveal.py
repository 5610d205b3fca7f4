"""What shows where old clothing is no longer covered: background or skin.

Background is continued from around the person by push-pull (pyramid normalised
convolution) filling: the whole person (slightly dilated) is unknown, so the fill comes only
from the surroundings and never smears clothing or skin into the hole. Skin is painted only
where a limb really is: a tapered capsule along the arm or leg bones, beyond the part of the
limb the new garment already covers, intersected with the old clothing; and on the torso
(neckline, belly) where a top or dress replaced the old top. Its tone is continued from the
visible skin (push-pull of skin colours; on the torso :mod:`chestpaint`: the touching real
skin's colour, over its shadowed rim too, going to the chest's lit tone, with the chest's
relief), shaded like a cylinder (darker toward the edges of the painted part) with the
visible skin's own grain copied in (:mod:`skintex`); where it meets the background painted
into the old clothing its edge is rounded, uneven and soft.
Above the shoulder line the painted torso keeps to the real neck's width (the silhouette's
narrowest run below the chin), widening smoothly into the shoulders, never to an old
collar's width. Images HxWx3 float32 RGB 0..255 unless said otherwise, masks HxW bool.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from ...imaging.regions import gather, nearest_set, row_first, row_last
from .body import Body
from .chestpaint import chest_tone, outline_shade, rim_alpha, skin_rim
from .fit import Warped, body_frame
from .limbs import ARM_RADII, LEG_RADII, LimbZone, fitted_limb, limb_zone
from .render import push_pull
from .skintex import real_grain, soft_outline
from .spread import spread

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Point = NDArray[np.float32]
NECK_HALF = 0.28     # half the neck's width with its sides (shoulder widths)
NECK_MARGIN = 0.02   # the painted neck's margin beyond the silhouette's neck (shoulder widths)
SHOULDER_CAP = 1.1   # the torso zone's shoulders reach this far (x the half seam span)
GRAIN_TILE = 160     # px: the backdrop's grain is laid over a square this size at most
LIKE_ROW = 24.0      # RGB (largest channel): a column's backdrop continued into a hole
                     # this near to one of its row's at most
EDGE_SLACK = 3        # px: a cap may reach this far past its sleeve's outer edge
NECK_TOP = 0.6       # the torso zone's neck reaches this far above the shoulders (x torso
                     # length): up to the chin (the head, in front, bounds it)
RIM_IN = 2           # px: a layer's fabric is mirrored beyond its edge from this far in
TUCK_RIM = 3         # px: a bodysuit's leg-opening rim continued with the fabric tucked in
JOINT_NEAR = 0.3     # x a limb zone's radius: its bone's pixels at the joint (elbow, knee)
SIDE_ROWS = 12       # px (half size): a row side's colour is the median over this many rows
                     # each way (:func:`_steady`)
DETAIL = 2.0         # px: the blur over which a stretched layer's mirrored detail is taken
AXIS_ROWS = 49       # px: a hole's outline's position is averaged over this many rows or
                     # columns where the backdrop is mirrored across it (it is ragged)
VERTICAL = 1.5       # a backdrop whose detail's horizontal gradient is twice this times its
                     # vertical one runs up and down: continued down its columns
BACK_NEAR = 0.05     # x shoulder width: within this of the hole's outline its backdrop is
                     # mirrored rather than continued down the columns
GRAIN_PX = 1.5       # px: the backdrop's grain, finer than this blur, is only mirrored
COLUMN_IN = 3        # px: a column's backdrop is taken this far beyond the hole's edge
BACK_DETAIL = 0.025  # x shoulder width: the blur over which the backdrop's mirrored detail
                     # is taken (a curtain's folds are in it, :func:`backdrop_detail`)


def background_fill(img: NDArray[np.uint8], body: Body, region: Mask | None = None,
                    halo: Mask | None = None) -> F32:
    """HxWx3 float32: the photo with the person (and ``halo``: the old clothing's soft
    outline beyond it, :func:`.replaced.outline_halo`) replaced by the surrounding background,
    computed at half size in the bounding box of ``region`` (plus 0.3 shoulder widths;
    the whole photo when None) and exact elsewhere. Background is taken from 3 px (half
    size) beyond the person, clear of its blended edge. Each pixel is continued from the
    nearest background on its row's and its column's sides (:func:`_cross_fill`: weighted
    by inverse squared distance, near a side its own colour, so a wide hole does not carry
    the far side's lighter or darker background over), pixels with background on fewer
    than two sides by push-pull; with the backdrop's own detail continued in
    (:func:`backdrop_detail`: a curtain's folds down its columns, else mirrored across the
    hole's outline), and where none like the fill is found with the backdrop's grain
    (:func:`backdrop_grain`, its blocks picked by a generator of its own, seed 0: the
    dressing's random stream is left as it was), not a smooth patch in a grainy backdrop."""
    h, w = body.person.shape
    out = img.astype(np.float32)
    box = _box(region, body, (h, w))
    if box is None:
        return out
    y0, y1, x0, x1 = box
    size = (max(1, (x1 - x0) // 2), max(1, (y1 - y0) // 2))
    small = cv2.resize(img[y0:y1, x0:x1], size, interpolation=cv2.INTER_AREA).astype(np.float32)
    whole = body.person | body.clothes if halo is None else body.person | body.clothes | halo
    person = cv2.resize(whole[y0:y1, x0:x1].astype(np.uint8), size,
                        interpolation=cv2.INTER_NEAREST)
    known = ~(cv2.dilate(person, np.ones((7, 7), np.uint8)) > 0)
    filled = np.where(known[..., None], small, _cross_fill(small, known, push_pull(small, known)))
    out[y0:y1, x0:x1] = cv2.resize(filled, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    # the full size's backdrop: ``known`` doubled (the box's odd last row or column none)
    seen = np.zeros((y1 - y0, x1 - x0), bool)
    seen[:2 * size[1], :2 * size[0]] = np.repeat(np.repeat(known, 2, axis=0), 2, axis=1)
    want = ~seen if region is None else ~seen & region[y0:y1, x0:x1]
    view = out[y0:y1, x0:x1]
    ys, xs = np.nonzero(want[:2 * size[1], :2 * size[0]])
    detail, like = backdrop_detail(img[y0:y1, x0:x1], small, known, seen, (ys, xs),
                                   view[ys, xs], BACK_DETAIL * body.pose.shoulder_width)
    view[ys, xs] += detail * like[:, None]
    if (like < 1).any():    # no like backdrop at the mirror image: the backdrop's grain
        grain = backdrop_grain(img, body, box, np.random.default_rng(0), halo)
        view[ys, xs] += (grain[ys, xs] * (1 - like))[:, None]
    return out


def backdrop_detail(img: NDArray[np.uint8], small: F32, known: Mask, seen: Mask,
                    at: tuple[NDArray[np.intp], NDArray[np.intp]], base: F32,
                    sigma: float) -> tuple[F32, F32]:
    """The backdrop's detail for the full-size pixels ``at`` (ys, xs, in the box of
    ``img``) of a hole whose smooth fill is ``base`` (Nx3; ``small``: ``img`` at half size,
    ``known``: the backdrop there, ``seen``: it doubled): its colour minus its ``sigma`` px blur (taken over the
    ``seen`` backdrop only: the person beside it would lift or darken it near the outline), where
    the backdrop around runs up and down (a curtain's folds: its detail's mean horizontal
    gradient over ``VERTICAL`` times its vertical one, :func:`_upright`) from the nearest
    backdrop above or below in the pixel's column, so the folds run straight on through
    the hole; elsewhere from the pixel's mirror image across the hole's outline in its row
    or column (:func:`_mirror_side`, the nearest of the four sides whose mirror image is
    backdrop: a skirting board's line runs straight on, a wall's pattern goes on,
    continuously at the outline). Returns (Nx3 float32 detail, N float32 weight: 1 where
    the blurred colour where it was taken is within ``LIKE_ROW`` of ``base``, going to 0 at
    twice that, and 0 where there is none). With blocks of the backdrop's fine grain laid
    at random (:func:`backdrop_grain`) the fill was a flat, cloudy patch in the old
    sleeve's shape (a smooth blue in Barack Obama's folded curtain, a grey-white blotch on
    the cream wall beside his other arm); the weight keeps out the detail of other things
    (the gold trim of a curtain mirrored onto the wall beside it). (Mirrored across the
    nearest backdrop pixel in any direction, the ragged outline broke the folds into
    diagonal shards; mirrored in the row, they bent along the old sleeve's outline.)"""
    ys, xs = at
    n = len(ys)
    detail, like = np.zeros((n, 3), np.float32), np.zeros(n, np.float32)
    if not n or not seen.any():
        return detail, like
    weight = seen.astype(np.float32)
    blur, half = _seen_blur(small, known, sigma, weight.shape)
    fine = img.astype(np.float32)       # the colour minus its blur, in place
    np.subtract(fine, blur, out=fine)
    np.multiply(fine, weight[..., None], out=fine)
    up = _upright(half, known, 4 * sigma, ys, xs)
    # its grain (under a ``GRAIN_PX`` blur) comes from the mirror image only: a column's,
    # taken a few rows deep (one bright pixel at the edge drew a line down), is smooth
    mid = cv2.GaussianBlur(fine, (0, 0), GRAIN_PX)
    # the column's source, divided only where it is taken (the box's whole was 2x the work)
    deep_sum = cv2.blur(mid, (3, 2 * COLUMN_IN + 1)).reshape(-1, 3)
    deep_weight = cv2.blur(weight, (3, 2 * COLUMN_IN + 1)).ravel()
    w = seen.shape[1]
    flat_blur, flat_mid, flat_fine = blur.reshape(-1, 3), mid.reshape(-1, 3), fine.reshape(-1, 3)
    likes, details, weights = [], [], []
    near = _nearest_backdrop(known)
    for (sy, sx, ok, dist), mirror in ((_column_to(known, near, ys, xs, False), False),
                                       (_column_to(known, near, ys, xs, True), False),
                                       (_mirror_to(known, near, ys, xs), True)):
        k = np.zeros(n, np.float32)
        idx = sy[ok] * w + sx[ok]
        diff = largest_channel(np.abs(np.take(flat_blur, idx, axis=0) - base[ok])[None])[0]
        k[ok] = np.clip(2.0 - diff / LIKE_ROW, 0.0, 1.0)
        if mirror:      # its mid-scale detail and its grain (the finer rest)
            at_mid = np.take(flat_mid, idx, axis=0)
            taken = [at_mid, np.take(flat_fine, idx, axis=0) - at_mid]
        else:
            taken = [np.take(deep_sum, idx, axis=0) / np.maximum(
                np.take(deep_weight, idx), 1e-3)[:, None]]
        for values in taken:
            d = np.zeros((n, 3), np.float32)
            d[ok] = values
            details.append(d)
        likes.append(k)
        weights.append(k / np.maximum(dist, 1.0))
    gap = dist      # the mirror image's (the last): the distance to the hole's outline
    # the column's above and below (the same folds: the nearer, like one counts most), or
    # the mirror image; a share with no like source goes to the other (a window below
    # the curtain, the chandelier above: its folds mirrored)
    col_w = weights[0] + weights[1]
    col = (details[0] * weights[0][:, None] + details[1] * weights[1][:, None]) / \
        np.maximum(col_w, 1e-9)[:, None]
    col_like = np.maximum(likes[0], likes[1])
    # by the hole's outline its mirror image, continuous with the backdrop beside it
    up = up * np.clip(gap / (BACK_NEAR * sigma / BACK_DETAIL), 0.0, 1.0)
    a = np.where(col_like > 0, up, 0.0)
    b = np.where(likes[2] > 0, 1 - up, 0.0)
    wa, wb = a * col_like, b * likes[2]
    done = (wa + wb) > 1e-6
    detail[done] = (col[done] * wa[done, None] + details[2][done] * wb[done, None]) / (
        wa + wb)[done, None] + details[3][done] * (likes[2][done, None] > 0)
    like[done] = ((wa + wb) / np.maximum(a + b, 1e-6))[done]
    return detail, like


def _seen_blur(small: F32, known: Mask, sigma: float, shape: tuple[int, int]) -> tuple[
        F32, F32]:
    """(HxWx3 float32 of ``shape``, its half size): the Gaussian blur (``sigma`` px at full
    size) of the half size image ``small`` over its ``known`` pixels only, at full size
    (it is smooth), and the half size image's detail (minus it, 0 off the backdrop)."""
    weight = known.astype(np.float32)
    s = max(sigma / 2, 0.5)
    blur = cv2.GaussianBlur(small * weight[..., None], (0, 0), s) / np.maximum(
        cv2.GaussianBlur(weight, (0, 0), s), 1e-3)[..., None]
    h, w = shape
    full = np.zeros((h, w, 3), np.float32)
    full[:2 * known.shape[0], :2 * known.shape[1]] = cv2.resize(
        blur, (2 * known.shape[1], 2 * known.shape[0]), interpolation=cv2.INTER_LINEAR)
    half: F32 = ((small - blur) * weight[..., None]).astype(np.float32)
    return full, half


def _upright(half: F32, known: Mask, sigma: float, ys: NDArray[np.intp],
             xs: NDArray[np.intp]) -> F32:
    """N float32 in 0..1 for the full-size pixels (``ys``, ``xs``): how much the backdrop's
    detail (``half``: at half size, 0 off the ``known`` backdrop) runs up and down around
    them: 0 up to a mean horizontal gradient (over a ``sigma`` px blur at full size,
    backdrop only) ``VERTICAL`` times its vertical one, 1 from twice that. At quarter
    size (the folds are wider)."""
    h, w = known.shape
    size = (max(1, w // 2), max(1, h // 2))
    grey = cv2.resize(half.mean(axis=2), size, interpolation=cv2.INTER_AREA)
    near = cv2.resize(known.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.99
    gx = np.abs(cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)) * near
    gy = np.abs(cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)) * near
    ex, ey = (cv2.GaussianBlur(g, (0, 0), max(sigma / 4, 0.5)) for g in (gx, gy))
    at = (np.minimum(ys // 4, size[1] - 1), np.minimum(xs // 4, size[0] - 1))
    ratio = ex[at] / np.maximum(ey[at], 1e-3)
    out: F32 = np.clip(ratio / VERTICAL - 1.0, 0.0, 1.0).astype(np.float32)
    return out


Nearest = dict[tuple[int, bool], NDArray[np.intp]]


def _nearest_backdrop(known: Mask) -> Nearest:
    """:func:`~portrait_studio.imaging.regions.nearest_set` of ``known`` along each axis
    (0: the column, 1: the row), before and after each pixel, by (axis, after): the columns'
    serve both the column sources and the mirror images."""
    return {(axis, after): nearest_set(known, axis, after)
            for axis in (0, 1) for after in (False, True)}


def _mirror_to(known: Mask, near: Nearest, ys: NDArray[np.intp], xs: NDArray[np.intp]) -> (
        tuple[NDArray[np.intp], NDArray[np.intp], Mask, F32]):
    """(ys, xs, found, distance to the outline) of each full-size pixel's mirror image
    across the nearest of the four sides (:func:`_mirror_side`) whose mirror image is
    backdrop; ``known``: the backdrop at half size (the full size's is it doubled),
    ``near``: its :func:`_nearest_backdrop`."""
    n = len(ys)
    best = np.full(n, np.inf, np.float32)
    my, mx = ys.copy(), xs.copy()
    for axis in (1, 0):
        for rev in (False, True):
            dist, to = _mirror_side(known, near[axis, rev], ys, xs, axis)
            better = dist < best
            best = np.where(better, dist, best)
            if axis == 1:
                mx = np.where(better, to, mx)
                my = np.where(better, ys, my)
            else:
                my = np.where(better, to, my)
                mx = np.where(better, xs, mx)
    return my, mx, np.isfinite(best), best


def _column_to(known: Mask, near: Nearest, ys: NDArray[np.intp], xs: NDArray[np.intp],
               below: bool) -> tuple[NDArray[np.intp], NDArray[np.intp], Mask, F32]:
    """(ys, xs, found, distance) of the backdrop pixel ``COLUMN_IN`` px beyond the hole's
    edge above each full-size pixel in its column (below when ``below``), clear of the
    edge's mixed row; ``known``: the backdrop at half size (the full size's is it
    doubled), ``near``: its :func:`_nearest_backdrop`."""
    h = known.shape[0]
    edge = near[0, below][ys // 2, xs // 2]
    if below:
        ok = edge < h
        sy = 2 * edge + COLUMN_IN
    else:
        ok = edge >= 0
        sy = 2 * edge + 1 - COLUMN_IN
    sy = np.clip(sy, 0, 2 * h - 1)
    ok &= known[sy // 2, xs // 2]
    return sy, xs.copy(), ok, np.abs(sy - ys).astype(np.float32)


def _mirror_side(known: Mask, nearest: NDArray[np.intp], ys: NDArray[np.intp],
                 xs: NDArray[np.intp], axis: int) -> tuple[F32, NDArray[np.intp]]:
    """For the full-size pixels (``ys``, ``xs``): (distance to, N float32, inf where its
    mirror image is no backdrop; the mirror image's index along ``axis``) across the
    hole's outline, the nearest backdrop pixel along ``axis`` (1: in the row, 0: in the
    column) before or after the pixel (``nearest``: its index there, from
    :func:`_nearest_backdrop`), its position averaged over ``AXIS_ROWS`` px across
    ``axis`` within the hole. ``known``: the backdrop at half size (the full size's is it
    doubled)."""
    n = known.shape[axis]
    edge = nearest.astype(np.float32)
    real = ((edge >= 0) & (edge < n) & ~known).astype(np.float32)
    k = (1, AXIS_ROWS // 2 | 1) if axis == 1 else (AXIS_ROWS // 2 | 1, 1)
    smooth = cv2.blur(edge * real, k) / np.maximum(cv2.blur(real, k), 1e-3)
    width = known.shape[1]
    at = (ys // 2) * width + xs // 2        # the half size's pixel, flat
    inside = np.take(real.ravel(), at) > 0
    # the full size's outline: between the half size's edge pixel and the next
    centre = 2 * np.where(inside, np.take(smooth.ravel(), at), np.take(edge.ravel(), at)) + 0.5
    along = xs if axis == 1 else ys
    to = np.round(2 * centre - along).astype(np.intp)
    ok = inside & (to >= 0) & (to < 2 * n)
    half = np.minimum(to[ok] // 2, n - 1)
    moved = at[ok] + (half - along[ok] // 2) * (1 if axis == 1 else width)
    ok[ok] = np.take(known.ravel(), moved)
    dist = np.where(ok, np.abs(along - centre), np.inf).astype(np.float32)
    return dist, to


def backdrop_grain(img: NDArray[np.uint8], body: Body, box: tuple[int, int, int, int],
                   rng: np.random.Generator, halo: Mask | None = None) -> F32:
    """(y1-y0)x(x1-x0) float32 zero-mean grain for ``box`` (y0, y1, x0, x1): the fine
    detail of the backdrop in it (beyond 3 px from the person) copied in blocks
    (:func:`skintex.real_grain`) over at most ``GRAIN_TILE`` px square, mirrored on over
    the rest (laying the blocks over a whole box cost 40 ms); zeros when too little
    backdrop shows there. ``halo``: taken for the person too."""
    y0, y1, x0, x1 = box
    h, w = y1 - y0, x1 - x0
    whole = body.person | body.clothes if halo is None else body.person | body.clothes | halo
    near = cv2.dilate(whole[y0:y1, x0:x1].astype(np.uint8),
                      np.ones((7, 7), np.uint8))
    source = np.zeros(body.person.shape, bool)
    source[y0:y1, x0:x1] = near == 0
    th, tw = min(h, GRAIN_TILE), min(w, GRAIN_TILE)
    grain = real_grain(img, source, (th, tw), rng)
    if grain is None:
        return np.zeros((h, w), np.float32)
    out: F32 = np.pad(grain, ((0, h - th), (0, w - tw)), mode="symmetric")
    return out


def _box(region: Mask | None, body: Body, shape: tuple[int, int]) -> (
        tuple[int, int, int, int] | None):
    h, w = shape
    if region is None:
        return 0, h, 0, w
    if not region.any():
        return None
    x, y, bw, bh = cv2.boundingRect(region.astype(np.uint8))
    m = int(0.3 * body.pose.shoulder_width) + 4
    return max(0, y - m), min(h, y + bh + m), max(0, x - m), min(w, x + bw + m)


def _cross_fill(img: F32, known: Mask, fallback: F32) -> F32:
    """Each unknown pixel from the nearest known pixels left and right of it in its row
    and above and below it in its column (the local mean of 3 there), weighted by inverse
    squared distance: near a side its own colour, and between two legs the backdrop seen
    below them goes on up (from the rows' sides only, a lighter strip of the far sides'
    backdrop ended in a hard line on the real gap). A column's side counts only when its
    colour is within ``LIKE_ROW`` of one of the row's (a ski binding below old trousers is
    no backdrop to continue up). Pixels without known pixels on both sides of their row
    take ``fallback``. Smoothed a little across the rows and columns."""
    weight_k = known.astype(np.float32)
    rows, cols = (np.asarray(cv2.blur(img * weight_k[..., None], k) / np.maximum(
        cv2.blur(weight_k, k), 1e-3)[..., None], np.float32) for k in ((3, 1), (1, 3)))
    (lv, lw), (rv, rw) = (_nearest_along(rows, known, 1, rev) for rev in (False, True))
    # the sides matter only in the hole and as far round it as the last smoothing reaches
    need = cv2.dilate((~known).astype(np.uint8), np.ones((13, 7), np.uint8)) > 0
    lv, rv = _steady(lv, lw > 0, need), _steady(rv, rw > 0, need)
    weight, total = lw + rw, lv * lw[..., None] + rv * rw[..., None]
    for value, w in (_nearest_along(cols, known, 0, rev) for rev in (False, True)):
        like = np.minimum(largest_channel(np.abs(value - lv)),
                          largest_channel(np.abs(value - rv)))
        w = np.where(like < LIKE_ROW, w, 0.0).astype(np.float32)
        weight, total = weight + w, total + value * w[..., None]
    both = (lw > 0) & (rw > 0)
    out = np.where(both[..., None], total / np.maximum(weight, 1e-12)[..., None],
                   fallback).astype(np.float32)
    _between_rows(out, img, known, both | known)
    smooth = cv2.GaussianBlur(out, (0, 0), sigmaX=1.0, sigmaY=2.0)
    return np.asarray(np.where(known[..., None], img, smooth), np.float32)


def _between_rows(out: F32, img: F32, known: Mask, done: Mask) -> None:
    """In place: each pixel of ``out`` not ``done`` (HxW; a hole's pixels whose row has
    no backdrop on one side) interpolated linearly down its column between the nearest
    ``done`` pixels above and below it (``img``'s own colour where ``known``, else
    ``out``'s; left as it was where either is missing). Where the person runs off the
    photo's edge its rows have backdrop on one side only; they took the push-pull
    fallback, which pulled in whatever lay nearest (a gilt frame's gold smeared past Joe
    Biden's elbow, a cream block where his sleeve met the image edge) and broke off in
    straight seams at the rows above and below, which have both sides."""
    h = done.shape[0]
    if done.all() or not done.any():
        return
    above, below = nearest_set(done, 0, False), nearest_set(done, 0, True)
    ys, xs = np.nonzero(~done & (above >= 0) & (below < h))
    if not len(ys):
        return
    a, b = above[ys, xs], below[ys, xs]
    t = ((ys - a) / (b - a)).astype(np.float32)[:, None]
    top = np.where(known[a, xs][:, None], img[a, xs], out[a, xs])
    bottom = np.where(known[b, xs][:, None], img[b, xs], out[b, xs])
    out[ys, xs] = top * (1 - t) + bottom * t


def _steady(side: F32, seen: Mask, need: Mask | None = None) -> F32:
    """A row side's colour (HxWx3, ``seen``: where there is one) with its odd rows out: the
    median over ``SIDE_ROWS`` rows each way down its column (within the rows that have
    one; only in the rows and columns of ``need`` when given). The nearest backdrop pixel
    jumps along a ragged outline from row to row; over a backdrop with vertical detail
    (a curtain's folds, the old suit's pale rim left beside it) each row took its own
    colour, and the hole filled with horizontal streaks. A step kept by most of the rows
    (a skirting board) stays."""
    ys = np.flatnonzero(seen.any(axis=1))
    if not len(ys):
        return side
    y0, y1 = int(ys[0]), int(ys[-1]) + 1
    out = side.copy()
    out[y0:y1] = column_median(side[y0:y1], SIDE_ROWS, None if need is None else need[y0:y1])
    return out


def column_median(values: F32, half: int, need: Mask | None = None, chunk: int = 16) -> F32:
    """HxWxC float32: the median over ``half`` rows each way down each column (the edge
    rows repeated beyond the ends), as scipy's ``median_filter`` with a (2 half + 1, 1, 1)
    footprint and mode "nearest"; given ``need`` (HxW), only in the rows of each ``chunk``
    columns that hold its pixels (as ``values`` elsewhere). Two rows at a time by a
    selection network (:func:`_pair_median`: a partition of the rows' shifted copies, 16
    columns at a time, took 210 ms of CPU for Barack Obama's cami, this ~50)."""
    h, w = values.shape[:2]
    spans = []
    for c in range(0, w, chunk):
        y0, y1 = 0, h
        if need is not None:
            rows = np.flatnonzero(need[:, c:c + chunk].any(axis=1))
            if not len(rows):
                continue
            y0, y1 = int(rows[0]), int(rows[-1]) + 1
        spans.append((c, y0, y1))
    out = values.copy()
    if not spans:
        return out
    # the spans' bounding rows and columns at once (few numpy calls), kept in the spans
    top, bottom = min(s[1] for s in spans), max(s[2] for s in spans)
    left, right = spans[0][0], min(w, spans[-1][0] + chunk)
    padded = np.pad(values[:, left:right], ((half, half + 1),) + ((0, 0),) *
                    (values.ndim - 1), mode="edge")
    med = _pair_median(padded[top:bottom + 2 * half + 1], half, bottom - top)
    for c, y0, y1 in spans:
        out[y0:y1, c:c + chunk] = med[y0 - top:y1 - top, c - left:c - left + chunk]
    return out


def _pair_median(part: F32, half: int, n: int) -> F32:
    """The median of ``part``'s rows r .. r + 2 half for each of its first ``n`` rows r
    (``part``: n + 2 half + 1 rows). Rows r and r + 1 share 2 half rows: their ``half``-th
    and ``half + 1``-th smallest (a pruned odd-even merge sort network of minima and
    maxima) bound each median, which is its own extra row clipped to them (exact: the same
    values as a sort)."""
    net, lo, hi = _select_network(2 * half, half - 1, half)
    pairs = (n + 1) // 2
    wires = [part[1 + i::2][:pairs] for i in range(2 * half)]
    owned = [False] * len(wires)
    for a, b, keep_a, keep_b in net:
        x, y = wires[a], wires[b]
        if keep_a and keep_b:
            if owned[a] and owned[b]:
                low = np.minimum(x, y)
                np.maximum(x, y, out=y)
                wires[a] = low
            else:
                wires[a], wires[b] = np.minimum(x, y), np.maximum(x, y)
            owned[a] = owned[b] = True
        elif keep_a:
            wires[a], owned[a] = np.minimum(x, y), True
        else:
            wires[b], owned[b] = np.maximum(x, y), True
    out = np.empty((n,) + part.shape[1:], np.float32)
    out[0::2] = np.minimum(np.maximum(part[0::2][:pairs], wires[lo]), wires[hi])[:(n + 1) // 2]
    out[1::2] = np.minimum(np.maximum(part[2 * half + 1::2][:pairs], wires[lo]),
                           wires[hi])[:n // 2]
    return out


@functools.lru_cache(maxsize=8)
def _select_network(m: int, *ranks: int) -> tuple[list[tuple[int, int, bool, bool]], int, int]:
    """(comparators (a, b, minimum kept at a, maximum kept at b), the wires of the two
    ``ranks``): Batcher's odd-even merge sort of ``m`` values (padded to a power of two with
    infinities, their comparators dropped), only the comparators the ranks depend on."""
    size = 1
    while size < m:
        size *= 2
    infinite = set(range(m, size))
    label = list(range(size))
    comps: list[tuple[int, int]] = []
    p = 1
    while p < size:
        k = p
        while k >= 1:
            for j in range(k % p, size - k, 2 * k):
                for i in range(min(k, size - j - k)):
                    if (i + j) // (2 * p) != (i + j + k) // (2 * p):
                        continue
                    a, b = i + j, i + j + k
                    if b in infinite:
                        continue
                    if a in infinite:        # the value moves down, the infinity up
                        infinite.discard(a)
                        infinite.add(b)
                        label[a], label[b] = label[b], label[a]
                        continue
                    comps.append((label[a], label[b]))
            k //= 2
        p *= 2
    wanted = [label[r] for r in ranks]
    needed, kept = set(wanted), []
    for a, b in reversed(comps):
        if a in needed or b in needed:
            kept.append((a, b, a in needed, b in needed))
            needed |= {a, b}
    kept.reverse()
    return kept, wanted[0], wanted[1]


def largest_channel(diff: F32) -> F32:
    """HxW: the largest of the 3 channels of ``diff`` (HxWx3; a max over the last axis of
    3 is slow in numpy)."""
    out: F32 = np.maximum(np.maximum(diff[..., 0], diff[..., 1]), diff[..., 2])
    return out


def _nearest_along(local: F32, known: Mask, axis: int, rev: bool) -> tuple[F32, F32]:
    """(HxWx3 ``local`` colour at, HxW inverse squared distance to) each pixel's nearest
    ``known`` pixel along ``axis`` (1: in its row, 0: in its column), before it (after it
    when ``rev``); weight 0 where there is none."""
    n = known.shape[axis]
    pos = np.arange(n).reshape((-1, 1) if axis == 0 else (1, -1))
    at = nearest_set(known, axis, rev)
    dist, seen = (at - pos, at < n) if rev else (pos - at, at >= 0)
    h, w = known.shape
    src = np.clip(at, 0, n - 1)
    flat = (np.arange(h).reshape(-1, 1) * w + src) if axis == 1 else (src * w + np.arange(w))
    value = gather(local, flat)
    weight = np.where(seen, 1.0 / np.maximum(dist, 1).astype(np.float32) ** 2, 0.0)
    return value.astype(np.float32), weight.astype(np.float32)


def uncovered_limb(zone: LimbZone, cover: F32, chain: list[Point] | None = None) -> Mask:
    """The part of a limb zone beyond what ``cover`` (HxW alpha of the garment parts that
    dress this limb) covers along the bone. Given the limb's bone ``chain`` (root, joint,
    end): when the cover leaves the joint's own bone bare (a short sleeve ending above a
    bent elbow), its reach is measured along the first bone only, and all of the limb past
    it is uncovered: the cover's pixels by the inner bend lie nearer the second bone (arc
    lengths past the joint) and left no upper arm between the hem and the elbow."""
    on = zone.inside & (cover > 0.5)
    if not on.any():
        return zone.inside
    reach = float(np.percentile(zone.t[on], 98))
    if chain is not None and len(chain) > 2:
        joint = float(np.linalg.norm(np.asarray(chain[1]) - np.asarray(chain[0])))
        if reach > joint:
            reach = _first_bone_reach(zone, on, cover, joint, reach)
    return zone.inside & (zone.t > reach - 2.0)


def _first_bone_reach(zone: LimbZone, on: Mask, cover: F32, joint: float,
                      reach: float) -> float:
    """The cover's reach along the first bone (98th percentile arc length of the covered
    pixels ``on`` before the ``joint``) when the bone's pixels at the joint (within
    ``JOINT_NEAR`` of its radius) are mostly bare; else ``reach``."""
    bone = zone.inside & (np.abs(zone.t - joint) <= 2.0) & (zone.rel <= JOINT_NEAR)
    first = on & (zone.t < joint)
    if not bone.any() or not first.any() or float(np.mean(cover[bone] > 0.5)) >= 0.5:
        return reach
    return float(np.percentile(zone.t[first], 98))


def limb_chains(body: Body) -> dict[str, list[list[Point]]]:
    """Bone chains per limb kind ("arms", "legs") of the pose."""
    pose = body.pose
    out: dict[str, list[list[Point]]] = {"arms": [], "legs": []}
    for side in pose.sides():
        out["arms"].append([pose.p(side[k]) for k in ("shoulder", "elbow", "wrist")])
        out["legs"].append([pose.p(side[k]) for k in ("hip", "knee", "ankle")])
    return out


def limb_zones(body: Body, kind: str, skin: Mask | None = None) -> list[LimbZone]:
    """Tapered capsules of both arms (``kind`` "arms") or legs ("legs"); arm radii fitted
    to the visible bare arm when ``skin`` is given."""
    sw = body.pose.shoulder_width
    shape = body.person.shape
    radii = ARM_RADII if kind == "arms" else LEG_RADII
    zones = []
    for chain in limb_chains(body)[kind]:
        r = (radii[0] * sw, radii[1] * sw)
        if skin is not None and kind == "arms":
            chain, r = fitted_limb(shape, chain, skin & ~body.hands, sw, radii)
        zones.append(limb_zone(shape, chain, r))
    return zones


def torso_zone(body: Body, bottom_y: float | None = None, width: float = 0.85) -> Mask:
    """The torso from the neck down to the hip joints (or image row ``bottom_y``, the top
    of the old bottom, when higher), ``width`` of the model body width, the neck (up to
    ``NECK_TOP`` torso lengths above the shoulder line, where the head in front of it ends
    it; widening to its base 0.3 torso lengths above that line: a collar around it is
    neck, not a flat cut) and the shoulders (from the neck's base, sloping down to the
    joints and out past them to ``SHOULDER_CAP``; the person's silhouette limits them): bare
    shoulders are skin, not background, under a low-cut new top."""
    frame = body_frame(body.pose)
    t = frame.torso_len
    end = t if bottom_y is None else float(np.clip(frame.v_of(bottom_y), 0.3 * t, t))
    # the neck, then the slope of the shoulders out past their caps (the silhouette
    # limits them): the old top there covered the shoulders, not the background
    neck, base = NECK_HALF * 1.2, NECK_HALF * 1.6
    poly = [frame.place(-neck, -NECK_TOP * t), frame.place(neck, -NECK_TOP * t),
            frame.place(base, -0.3 * t), frame.place(SHOULDER_CAP, -0.1 * t),
            frame.place(SHOULDER_CAP, 0.1 * t), frame.place(width, end), frame.place(-width, end),
            frame.place(-SHOULDER_CAP, 0.1 * t), frame.place(-SHOULDER_CAP, -0.1 * t),
            frame.place(-base, -0.3 * t)]
    canvas = np.zeros(body.person.shape, np.uint8)
    cv2.fillPoly(canvas, [np.round(np.array(poly)).astype(np.int32)], 255)
    return (canvas > 0) & body.person & neck_profile(body)


def neck_profile(body: Body) -> Mask:
    """HxW bool: above the shoulder line, the columns within the real neck's half width of
    its centre, widening smoothly (quadratically) from the chin down to 0.8 shoulder widths
    at the shoulder line. The neck's width is the narrowest run of the person's silhouette through
    the centre between the chin (the head's lowest row there) and the shoulder line, plus
    ``NECK_MARGIN`` shoulder widths; everything when there is no head."""
    h, w = body.person.shape
    sw = body.pose.shoulder_width
    cx, sh_y = body.pose.shoulder_mid
    col = body.head[:, int(np.clip(cx, 0, w - 1))]
    if not col.any() or int(np.nonzero(col)[0].max()) >= sh_y - 2:
        return np.ones((h, w), bool)
    chin = int(np.nonzero(col)[0].max()) + 1
    runs = [r for r in (_run_half(body.person, y, cx) for y in range(chin, int(sh_y))) if r > 0]
    if not runs:
        return np.ones((h, w), bool)
    half = float(np.clip(min(runs) + NECK_MARGIN * sw, 0.12 * sw, 0.4 * sw))
    ys = np.arange(h, dtype=np.float32)[:, None]
    t = np.clip((ys - chin) / max(sh_y - chin, 1.0), 0.0, 1.0)
    limit = half + (0.8 * sw - half) * t * t
    out: Mask = (np.abs(np.arange(w, dtype=np.float32)[None, :] - cx) <= limit) | (ys >= sh_y)
    return out


def _run_half(person: Mask, row: int, cx: float) -> float:
    """Half the width of the run of ``person`` pixels in ``row`` around column ``cx`` (the
    larger distance from ``cx`` to the run's ends); 0 when ``cx`` is outside."""
    line = person[row]
    x = int(np.clip(cx, 0, len(line) - 1))
    if not line[x]:
        return 0.0
    gaps = np.nonzero(~line)[0]
    left = gaps[gaps < x]
    right = gaps[gaps > x]
    x0 = int(left.max()) + 1 if len(left) else 0
    x1 = int(right.min()) - 1 if len(right) else len(line) - 1
    return float(max(cx - x0, x1 - cx))


def trusted_skin(img: NDArray[np.uint8], body: Body) -> Mask:
    """Skin pixels close (Lab distance < 20) to the cheeks' mean colour: no shadowed or
    see-through-fabric pixels."""
    out = np.zeros(body.skin.shape, bool)
    if not body.skin.any():
        return out
    lab = rgb_to_lab(img[body.skin].reshape(-1, 1, 3))[:, 0]
    ref = rgb_to_lab(body.skin_rgb.reshape(1, 1, 3).astype(np.float32))[0, 0]
    out[body.skin] = np.linalg.norm(lab - ref, axis=1) < 20.0
    return out


def skin_tone_field(img: NDArray[np.uint8], body: Body, trusted: Mask) -> F32:
    """HxWx3 float32: the visible ``trusted`` skin's colour continued smoothly everywhere."""
    h, w = body.person.shape
    k = 4
    size = (max(1, w // k), max(1, h // k))
    small = cv2.resize(img, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    skin = cv2.resize(trusted.astype(np.uint8), size, interpolation=cv2.INTER_AREA)
    known = cv2.erode(skin, np.ones((3, 3), np.uint8)) > 0
    if known.sum() < 20:
        return np.broadcast_to(body.skin_rgb.astype(np.float32), (h, w, 3)).copy()
    filled = push_pull(small, known)
    filled = np.asarray(cv2.GaussianBlur(filled, (0, 0), 2.0), np.float32)
    return cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)


def _grain_sigma(img: NDArray[np.uint8], skin: Mask) -> float:
    """Std of the visible skin's fine detail (grey levels, 1..4)."""
    inner = cv2.erode(skin.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if inner.sum() < 200:
        return 2.0
    grey = img.mean(axis=2).astype(np.float32)
    high = grey - cv2.GaussianBlur(grey, (0, 0), 1.5)
    return float(np.clip(np.std(high[inner]), 1.0, 4.0))


def paint_skin(img: NDArray[np.uint8], body: Body, region: Mask, trusted: Mask,
               rel: F32, rng: np.random.Generator, backdrop: Mask | None = None) -> (
        tuple[F32, F32]):
    """(HxWx3 float32 skin painting, HxW float32 alpha) for ``region``: continued tone,
    cylinder shading (``rel``: distance from a limb's axis over its radius, inf off the
    limbs, where the distance to the region's edge is used), a faint mottle and the real
    skin's own grain (:func:`skintex.real_grain`; noise matched to its strength when too
    little skin shows), computed inside the region's bounding box (zero elsewhere). The
    tone continues ALL visible skin but the hands (a neck in shadow is darker than the lit
    cheeks that ``trusted`` skin is measured on; the nearest skin decides); off the limbs
    it is :func:`chestpaint.chest_tone`'s, and the painting also covers the real neck and
    chest skin's rim beside it (:func:`chestpaint.skin_rim`): ``region`` grows IN PLACE by
    the rim pixels painted at alpha >= 0.5, so that the caller's later rim un-mixing
    (:func:`unmix.swap_rims`) takes them for painted. Next to ``backdrop`` (background
    painted into the old clothing) the outline is rounded, uneven and soft
    (:func:`skintex.soft_outline`)."""
    tone = skin_tone_field(img, body, body.skin & ~body.hands)
    rgb = np.zeros(img.shape, np.float32)
    alpha = np.zeros(region.shape, np.float32)
    x, y, w, h = cv2.boundingRect(region.astype(np.uint8))
    pad = 4 + int(0.04 * body.pose.shoulder_width)
    box = np.s_[max(0, y - pad):y + h + pad, max(0, x - pad):x + w + pad]
    part = region[box]
    off = ~np.isfinite(rel[box])
    rim = skin_rim(img[box], body, box, part & off, tone[box])
    over = part | (rim > 0)
    back = np.zeros(part.shape, bool) if backdrop is None else backdrop[box] & ~part
    tone[box] = chest_tone(tone[box], img[box], body, box, over, off)
    shade = _shade(body, over, rel[box], box, rng, back)
    grain = _grain(img, body, trusted, part.shape, rng)
    rgb[box] = tone[box] * shade[..., None] + grain[..., None]
    _, alpha[box] = soft_outline(part, back, body.pose.shoulder_width, rng)
    alpha[box] = np.maximum(alpha[box], rim_alpha(part, rim))
    region[box] |= rim >= 0.5      # painted now: the caller's rim un-mixing leaves it alone
    return rgb, alpha


def _shade(body: Body, part: Mask, r: F32, box: tuple[slice, slice],
           rng: np.random.Generator, back: Mask) -> F32:
    """Multiplier ~1 over a box: cylinder shading on limbs (``r``), darker toward the
    body's outline elsewhere (:func:`chestpaint.outline_shade`; ``back``: the background
    painted into the old clothing), and a faint low-frequency mottle."""
    flat = outline_shade(body, box, part, back)
    shade = np.where(np.isfinite(r), 1.0 - 0.22 * np.clip(r, 0, 1.2) ** 2, flat)
    mottle = cv2.GaussianBlur(rng.normal(0, 1.0, part.shape).astype(np.float32), (0, 0),
                              max(5.0, 0.03 * body.pose.shoulder_width))
    out: F32 = (shade * (1 + 0.015 * mottle / max(float(mottle.std()), 1e-3))).astype(
        np.float32)
    return out


def _grain(img: NDArray[np.uint8], body: Body, trusted: Mask, shape: tuple[int, int],
           rng: np.random.Generator) -> F32:
    """Grain over a box of ``shape``: the real skin's (body skin off the face first, then
    any trusted skin but the hands), else smoothed noise of the skin's detail strength."""
    for source in (trusted & ~body.hands & ~body.head, trusted & ~body.hands):
        real = real_grain(img, source, shape, rng)
        if real is not None:
            return real
    grain = cv2.GaussianBlur(rng.normal(0, 1.0, shape).astype(np.float32), (0, 0), 0.7)
    out: F32 = grain * (_grain_sigma(img, trusted) / max(float(grain.std()), 1e-3))
    return out


def widen_to_old(warped: Warped, alpha: F32, body: Body, arms: Mask,
                 keep_out: Mask | None = None) -> F32:
    """Stretch a top's torso layer sideways over the old top that shows beside it (up to
    0.1 shoulder widths, below the armpits, never over the arms nor a suit jacket's skirt,
    where the trousers are continued up, :func:`.sideview.trousers_up`, nor into its own
    neckline, :func:`v_opening`): in the rows where it
    lies beside the layer the fabric is spread sideways over it (:func:`_spread_sides`),
    elsewhere (below a shorter top's hem) the edge colours are continued (in place on
    ``warped.rgb``); returns the widened alpha. Never over ``keep_out`` (beside a tight
    top's torso: :func:`.dress.beside_tight`)."""
    frame = body_frame(body.pose)
    ys = np.arange(alpha.shape[0])[:, None]
    armpit = float(frame.origin[1] + frame.down[1] * 0.3 * frame.torso_len)
    solid = alpha > 0.5
    reach = max(2.0, 0.1 * body.pose.shoulder_width)
    dist = cv2.distanceTransform((~solid).astype(np.uint8), cv2.DIST_L2, 3)
    old = body.old_top if body.skirt is None else body.old_top & ~body.skirt
    ext = old & ~solid & ~(arms | body.arms | body.hands) & (dist <= reach) & (ys > armpit)
    ext &= ~v_opening(solid, armpit)
    if keep_out is not None:
        ext &= ~keep_out
    if not ext.any() or not solid.any():
        return alpha
    alpha = _spread_sides(warped, alpha, ext, body)
    rest = ext & (alpha <= 0.5)
    if not rest.any():
        return alpha
    x, y, w, h = cv2.boundingRect((rest | (solid & (dist <= 0))).astype(np.uint8) &
                                  (dist <= reach + 2).astype(np.uint8))
    return _stretch(warped, alpha, rest, np.s_[y:y + h, x:x + w])


def tuck_in(warped: Warped, alpha: F32, body: Body, arms: Mask) -> F32:
    """A bodysuit's torso layer (:func:`.fit.bodysuit`) carried on down over the old top
    below its widest row in its lower half (the hips, where its leg openings begin), within
    that row's width, below its own lowest pixel in each column (not into its neckline),
    not below its crotch, never over the arms: worn under the bottoms, its leg openings
    rising above their waistband left triangles of the old top there, painted as bare
    hips. The fabric is continued there (in place on ``warped.rgb``); returns the widened
    alpha."""
    solid = alpha > 0.5
    rows = np.flatnonzero(solid.any(axis=1))
    if len(rows) < 4:
        return alpha
    low = rows[len(rows) // 2:]
    first = solid[low].argmax(axis=1)
    last = solid.shape[1] - 1 - solid[low, ::-1].argmax(axis=1)
    k = int(np.argmax(last - first))
    h, w = alpha.shape
    ys = np.arange(h)[:, None]
    xs = np.arange(w)[None, :]
    hem = h - 1 - solid[::-1].argmax(axis=0)    # each column's lowest solid row
    ext = body.old_top & body.person & ~solid & ~(arms | body.arms | body.hands) & \
        (ys > low[k]) & (ys > hem[None, :]) & (ys <= rows[-1]) & (xs >= first[k]) & \
        (xs <= last[k])
    if not ext.any():
        return alpha
    # the leg openings' rim (blended with the product photo's backdrop) is continued too:
    # kept, it drew a pale line across the fabric
    rim = (cv2.dilate(ext.astype(np.uint8), np.ones((2 * TUCK_RIM + 1,) * 2, np.uint8)) > 0) \
        & solid & ~ext
    fill = ext | rim
    bx, by, bw, bh = cv2.boundingRect((fill | (solid & (ys >= low[k]))).astype(np.uint8))
    box = np.s_[by:by + bh, bx:bx + bw]
    rgb, part = warped.rgb[box], fill[box]
    rgb[part] = mirrored(rgb, (alpha[box] > 0.9) & ~part, part)[part]
    out: F32 = np.maximum(alpha, fill.astype(np.float32))
    return out


def v_opening(solid: Mask, top_row: float) -> Mask:
    """HxW bool: a torso layer's own neckline opening, its ``solid`` part's gaps between
    its first and last solid pixel in their rows, in the pieces (4-connected) that reach
    above ``top_row`` (a V neck's or a placket's opening runs up to the collar; a hole the
    arms cut lies lower). Widened over the old top seen there (a cardigan's V), the
    layer closed the V's bottom with a flat block of its bands' colours cut straight at
    the armpits' row, a seam line down its middle."""
    w = solid.shape[1]
    first, last = row_first(solid, w)[:, None], row_last(solid, -1)[:, None]
    cols = np.arange(w)[None, :]
    between = (cols > first) & (cols < last) & ~solid
    out = np.zeros_like(solid)
    if not between.any():
        return out
    _, labels, stats, _ = cv2.connectedComponentsWithStats(between.astype(np.uint8),
                                                           connectivity=4)
    high = np.flatnonzero(stats[1:, cv2.CC_STAT_TOP] <= top_row) + 1
    if high.size:
        out = np.isin(labels, high)
    return out


def _spread_sides(warped: Warped, alpha: F32, ext: Mask, body: Body) -> F32:
    """``alpha`` widened over the rows of ``ext`` that lie beside its solid part, the
    layer's fabric spread sideways over them (:func:`spread.spread`, in place on
    ``warped.rgb``): continued from the edge's colours (push-pull) the print became a
    smeared block (a brown band down the side of a dress over a suit's hips). Each side of
    the body is its own piece; the alpha grows over ``ext`` only (and its soft edge)."""
    sides = ext.copy()
    centre = round(float(body.pose.shoulder_mid[0]))
    sides[:, min(max(centre, 0), ext.shape[1] - 1)] = False
    widened = spread(warped.rgb, alpha, sides, body.pose.shoulder_width, even=True)
    near = cv2.dilate(ext.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out: F32 = np.where(near, widened, alpha).astype(np.float32)
    return out


def _stretch(warped: Warped, alpha: F32, ext: Mask, box: tuple[slice, slice]) -> F32:
    """The layer's fabric continued over ``ext`` (HxW bool, inside ``box``), in place on
    ``warped.rgb`` (:func:`mirrored`); returns the alpha with ``ext`` set."""
    rgb = warped.rgb[box]
    part = ext[box]
    rgb[part] = mirrored(rgb, alpha[box] > 0.9, part)[part]
    return np.maximum(alpha, ext.astype(np.float32))


def mirrored(rgb: F32, solid: Mask, region: Mask) -> F32:
    """HxWx3 float32: ``rgb`` with the ``solid`` fabric's colours continued over
    ``region`` by push-pull, its fine detail (over a ``DETAIL`` px blur) added from each
    pixel's mirror image across its nearest pixel of the fabric's core (``RIM_IN`` px in
    from its outline: the cut-out's rim is paler), so the weave, knit or checks run on
    beyond the edge while a print's or logo's colours do not (mirrored whole, a red dot
    of FILA's logo was copied beside Biden's waist). Continued by push-pull alone, a
    sleeve's cap over an old shoulder was a flat pale patch in a cardigan's knit, a
    stretch beside a polo's sleeve a pattern-less pink block in its checks."""
    out: F32 = push_pull(rgb, solid)
    core = cv2.erode(solid.astype(np.uint8), np.ones((2 * RIM_IN + 1,) * 2, np.uint8)) > 0
    if core.sum() < 50:
        core = solid
    if not core.any() or not region.any():
        return out
    _, labels = cv2.distanceTransformWithLabels((~core).astype(np.uint8), cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    cy, cx = np.nonzero(core)           # label k is the k-th core pixel in raster order
    ys, xs = np.nonzero(region)
    near = labels[ys, xs] - 1
    my, mx = 2 * cy[near] - ys, 2 * cx[near] - xs
    h, w = core.shape
    ok = (my >= 0) & (my < h) & (mx >= 0) & (mx < w)
    ok[ok] = core[my[ok], mx[ok]]
    fine = rgb - np.asarray(cv2.GaussianBlur(rgb, (0, 0), DETAIL), np.float32)
    out[ys[ok], xs[ok]] += fine[my[ok], mx[ok]]
    return out


def _joint_row(body: Body) -> float:
    """Image row 0.05 shoulder widths below the lower shoulder joint."""
    pose = body.pose
    return float(max(pose.p(11)[1], pose.p(12)[1])) + 0.05 * pose.shoulder_width


def cap_shoulder(warped: Warped, alpha: F32, body: Body, torso: Mask, arms: Mask) -> F32:
    """Stretch a sleeve over the shoulder beside it (up to 0.1 shoulder widths from the
    sleeve, down to 0.05 below the shoulder joints; never over the ``torso`` layers, hands
    or head): over the old top's shoulder cap (not over skin, nor over ``arms`` between
    the sleeve and the neck: :func:`_toward_neck`), and over the notch between the sleeve
    and the torso layer that a closing of the two fills (bare shoulder skin of a tank top
    included). A straight sleeve seam otherwise leaves the round of the shoulder to the
    background fill, or a hole onto the old skin. Beyond the sleeve the old sleeve inside
    the arm's capsule is cap too: kept out, the strip of it the new sleeve left cut the
    cap off the sleeve, the loose piece was taken back (:mod:`.fragments`) and the
    shoulder's rim painted as skin outside the sleeve. Edge colours are continued there
    (in place on ``warped.rgb``); returns the widened alpha."""
    ys = np.arange(alpha.shape[0])[:, None]
    sw = body.pose.shoulder_width
    joints = _joint_row(body)
    solid = alpha > 0.5
    if not solid.any():
        return alpha
    reach = max(2.0, 0.1 * sw)
    x, y, w, h = cv2.boundingRect(solid.astype(np.uint8))
    m = int(reach) + 3
    box = np.s_[max(0, y - m):y + h + m, max(0, x - m):x + w + m]
    dist = cv2.distanceTransform((~solid[box]).astype(np.uint8), cv2.DIST_L2, 3)
    k = max(3, int(0.12 * sw)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    both = (solid | torso)[box].astype(np.uint8)
    notch = (cv2.morphologyEx(both, cv2.MORPH_CLOSE, kernel) > 0) & body.person[box]
    cap = (body.old_top & ~body.skin)[box] & ~(arms[box] & _toward_neck(solid, body, box))
    ext = np.zeros(alpha.shape, bool)
    ext[box] = (cap | notch) & ~solid[box] & ~(torso | body.hands | body.head)[box] & \
        (dist <= reach) & (ys[box[0]] < joints) & _within_outer_edge(solid, body, box, joints,
                                                                     reach)
    return _stretch(warped, alpha, ext, box) if ext.any() else alpha


def _within_outer_edge(solid: Mask, body: Body, box: tuple[slice, slice], joints: float,
                       depth: float) -> Mask:
    """Within ``box``: the columns on the neck's side of a sleeve's (``solid``) outer edge,
    its outermost column (plus ``EDGE_SLACK`` px, its soft rim) in the ``depth`` px of rows
    below the ``joints`` row (all columns when it has none there: an arm raised sideways);
    its side is that of those rows' sleeve
    (a forearm crossed over the chest carries the whole sleeve's middle past the neck).
    Past it, a cap stuck out of the shoulder as a flat block ending in a ledge at the joint
    row (a padded suit's shoulder wider than the new sleeve, whose rest below is
    background: Joe Biden's)."""
    y0 = max(0, round(joints))
    band = solid[y0:y0 + max(1, int(depth)), box[1]]
    cols = np.flatnonzero(band.any(axis=0))
    shape = solid[box].shape
    if cols.size == 0:
        return np.ones(shape, bool)
    x = np.arange(shape[1])[None, :]
    if float(cols.mean()) + box[1].start > float(body.pose.shoulder_mid[0]):  # on the right
        return np.broadcast_to(x <= cols.max() + EDGE_SLACK, shape)
    return np.broadcast_to(x >= cols.min() - EDGE_SLACK, shape)


def _toward_neck(solid: Mask, body: Body, box: tuple[slice, slice]) -> Mask:
    """Within ``box``: the pixels between the neck's centre line and a sleeve (``solid``)
    in the rows that hold it (the shoulder's top toward the collar, not its outer rim),
    and the sleeve's whole side in the rows that do not."""
    part = solid[box]
    neck_x = float(body.pose.shoulder_mid[0]) - box[1].start
    cols = np.arange(part.shape[1])[None, :]
    if float(np.flatnonzero(part.any(axis=0)).mean()) > neck_x:     # the sleeve on the right
        first = row_first(part, part.shape[1])[:, None]
        out: Mask = (cols > neck_x) & (cols < first)
    else:
        last = row_last(part, -1)[:, None]
        out = (cols < neck_x) & (cols > last)
    return out


def raise_shoulders(warped: Warped, alpha: F32, body: Body, keep: Mask) -> F32:
    """Stretch a top's torso layer up over the person's shoulders above it: in each column
    beside the neck (more than ``NECK_HALF`` shoulder widths from its centre), the person's
    pixels up to 0.12 shoulder widths above the layer's top edge, above the shoulder
    joints (plus 0.05), not ``keep`` (the neck skin), head or hands, in one run up from
    that edge. The garment's
    straight shoulder line otherwise leaves the round top of the shoulder bare (skin of a
    tank-top showed between collar and sleeve). Edge colours are continued there (in place
    on ``warped.rgb``); returns the widened alpha."""
    solid = alpha > 0.5
    if not solid.any():
        return alpha
    h, w = alpha.shape
    sw = body.pose.shoulder_width
    joints = _joint_row(body)
    has = solid.any(axis=0)
    top = np.where(has, solid.argmax(axis=0), -1)
    ys = np.arange(h)[:, None]
    reach = 0.12 * sw
    neck_x = float(body.pose.shoulder_mid[0])
    has &= np.abs(np.arange(w) - neck_x) > NECK_HALF * sw
    span = has[None, :] & (ys < top[None, :]) & (ys >= top[None, :] - reach)
    free = span & body.person & ~(keep | body.head | body.hands)
    # only the run straight up from the layer's top: past a gap (backdrop between the
    # hair and the shoulder) it climbed into the hair's wisps as a tongue of fabric
    gap = np.where(span & ~free, ys, -1).max(axis=0)
    ext = free & (ys > gap[None, :]) & (ys < joints) & ~solid
    if not ext.any():
        return alpha
    x, y, bw, bh = cv2.boundingRect((ext | (solid & (ys < joints + reach))).astype(np.uint8))
    return _stretch(warped, alpha, ext, np.s_[y:y + bh, x:x + bw])
