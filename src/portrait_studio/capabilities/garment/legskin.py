"""Bare legs where a dress leaves old trousers showing below its hem (issue 7: the old
clothing a shorter new garment leaves is replaced, never left showing).

Each leg is shaped from its trouser leg (:func:`.replaced.worn_under`): per row, the centre
and width of the trousers' run on that leg's side (the legs are split halfway between the
pose's knee-ankle bones, :func:`leg_split`), both smoothed down the leg, the width narrowed
to ``NARROW`` of the trouser leg's and to at most a leg's width (shoulder widths: ``THIGH``
at the hip joint, ``KNEE`` at the knee, ``CALF`` ``CALF_T`` of the way down to the ankle,
``ANKLE`` at the ankle joint; linear between): loose joggers are no leg's outline. Below
the calf the leg's centre moves over to the pose's bone, on it at the ankle. The leg runs
on past the trousers' last row by their rim (``BELOW``; the shoe or the real ankle below
stays). The distance from the leg's axis over its half width is the ``rel`` of
:func:`.reveal.paint_skin`'s cylinder shading, and the dress's hem casts a soft shadow on
the legs (:func:`hem_shadow`); the trousers beside them get the backdrop. Only straight
legs are shaped so (:func:`straight_legs`). Tight trousers on legs one behind the other
(:func:`tight_legs`: woman_with_dog's leggings, side on, knees bent) have a leg's outline
already: the bare legs take it whole (:func:`fitted_legs`), lit as they were
(:func:`fabric_shade`), in shade where they go into the shoes (:func:`shoe_shadow`).
Loose trousers on bent legs apart (:func:`apart_legs`: the skier's ski trousers) have no
leg's outline at all: the legs are drawn from the pose's bones (:func:`posed_legs`).
Masks HxW bool.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from ...imaging.regions import labelled
from .body import Body
from .limbs import nearest_on_chain
from .regions import runs
from .reveal import limb_chains

Mask = NDArray[np.bool_]
F32 = NDArray[np.float32]
NARROW = 0.8        # a bare leg's width: this share of the trouser leg's
THIGH = 0.45        # x shoulder width: widest a bare thigh is drawn (at the hip joint)
KNEE = 0.27         # ... the knee (at its joint)
CALF = 0.3          # ... the calf
ANKLE = 0.19        # ... and the ankle (at its joint)
CALF_T = 0.35       # the calf's widest row: this share of the way from the knee to the ankle
SMOOTH = 0.06       # x shoulder width: Gaussian sigma of the outline along the leg
FULL = 0.85         # a row's run this share of the widest below it is whole (gives the centre)
HEM_DARK = 0.3      # the dress's shadow on the legs: this much darker right below its hem
HEM_FALL = 0.05     # x shoulder width: ... fading (exponentially) over this depth
STRAIGHT = 20.0     # degrees: a leg bent more at the knee is not shaped from its trousers
BELOW = 6           # px: a leg runs on this far below the trousers' last row (their rim)
MIN_RUN = 3         # px: rows where the trousers' run on a leg is narrower are skipped
BEHIND = 0.75      # x a trouser leg's width: knees / ankles no further apart: one behind
TIGHT = 0.23       # x a leg's length: a tight trouser leg is no wider (:func:`tight_legs`)
FIT_SMOOTH = 2.0    # px: Gaussian sigma down the legs of a fitted leg's cylinder shading
FABRIC_BLUR = 4.0   # px: Gaussian sigma of the tight trousers' light followed by the legs
FABRIC_IN = 2       # px: ... measured this far inside their outline (mixed with the backdrop)
FABRIC_GAMMA = 1.0  # the legs' light: the trousers' light ratio to this power
FABRIC_RANGE = (0.65, 1.12)  # ... clipped to this (in sRGB values)
SHOE_DARK = 0.2     # the legs right above the shoes they go into: this much darker
SHOE_FALL = 0.1     # x shoulder width: ... fading (exponentially) over this height
APART = 1.0         # x a trouser leg's width: knees and ankles at least this far apart, on
                    # the same sides, are legs apart (:func:`apart_legs`)
POSED = (0.5, 0.3, 0.34, 0.2)  # x shoulder width: a posed leg's width at the hip joint, the
                    # knee, the calf and the ankle (a woman's thigh top, knee, calf and
                    # ankle, ~17, 10, 11.5, 6.5 cm, over her shoulder joints' ~34 cm)
INTO_BOOT = 0.15    # x the shin: a posed leg runs on this far past the ankle joint (into
                    # the boot, which is kept in front of it)


def bare_legs(body: Body, trousers: Mask) -> list[tuple[Mask, F32]]:
    """Per leg of :meth:`.pose.Pose.sides` (image-left first): the bare leg's mask and
    the distance from its axis over its half width (HxW float32, inf off the leg), shaped
    from ``trousers`` (the old trousers below the dress's hem). Empty masks without."""
    h, w = trousers.shape
    empty = [(np.zeros((h, w), bool), np.full((h, w), np.inf, np.float32)) for _ in range(2)]
    rows = np.flatnonzero(trousers.any(axis=1))
    if not len(rows):
        return empty
    sw = body.pose.shoulder_width
    chains = limb_chains(body)["legs"]
    split = leg_split(body, h)
    xs = np.arange(w)[None, :]
    out = []
    for side, chain in enumerate(chains):
        mine = _largest(trousers & body.person & ((xs < split[:, None]) if side == 0 else
                                                  (xs >= split[:, None])))
        shape = _outline(mine, chain, sw)
        if shape is None:
            out.append(empty[side])
            continue
        centre, half, top, bottom = shape
        rel = np.full((h, w), np.inf, np.float32)
        band = slice(top, bottom + 1)
        dist = np.abs(xs.astype(np.float32) - centre[band, None]) / half[band, None]
        rel[band] = np.where(dist <= 1.0, dist, np.inf)
        out.append((np.isfinite(rel), rel))
    return out


def posed_legs(body: Body, trousers: Mask) -> list[tuple[Mask, F32]]:
    """Like :func:`bare_legs`, for legs apart that are bent at the knee or whose trousers
    are no two separate trouser legs (:func:`apart_legs`: the skier's baggy ski trousers,
    a knee bent 63 degrees): no row of the trousers is a leg's outline, so each leg is
    drawn from the pose: a tapered capsule along its hip-knee-ankle bones (run on past
    the ankle by ``INTO_BOOT`` of the shin, into the boot kept in front of it), its width
    a leg's at the joints (``POSED``: the hip, the knee, the calf ``CALF_T`` of the way
    down the shin, the ankle; shoulder widths, linear between), round over the bent knee;
    ``rel`` is the distance from the bones over the half width there. Only where
    ``trousers`` are (what the legs leave of them gets the backdrop)."""
    h, w = trousers.shape
    sw = body.pose.shoulder_width
    out = []
    for chain in limb_chains(body)["legs"]:
        hip, knee, ankle = (np.asarray(p, np.float32) for p in chain)
        thigh = float(np.linalg.norm(knee - hip))
        shin = float(np.linalg.norm(ankle - knee))
        pts = np.stack([hip, knee, ankle, ankle + INTO_BOOT * (ankle - knee)])
        rel = np.full((h, w), np.inf, np.float32)
        pad = 0.5 * THIGH * sw + 2
        x0, y0 = np.clip(np.floor(pts.min(axis=0) - pad), 0, [w, h]).astype(int)
        x1, y1 = np.clip(np.ceil(pts.max(axis=0) + pad), 0, [w, h]).astype(int)
        if x1 > x0 and y1 > y0:
            ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
            t, dist, _ = nearest_on_chain(xs, ys, pts)
            half = 0.5 * sw * np.interp(t, [0.0, thigh, thigh + CALF_T * shin, thigh + shin],
                                        POSED)
            rel[y0:y1, x0:x1] = dist / np.maximum(half, 1.0)
        rel[~trousers | (rel > 1.0)] = np.inf
        out.append((np.isfinite(rel), rel))
    return out


def apart_legs(body: Body, cloth: Mask) -> bool:
    """Whether the old trousers ``cloth`` below a dress's hem are on legs apart: the
    pose's knees and ankles are each at least ``APART`` of a trouser leg's width
    (:func:`leg_width`) apart across the image, each leg on the same side at both (not
    crossed). The skier's: 65 and 68 px on 32-42 px trouser legs."""
    width, _ = leg_width(body, cloth)
    if not np.isfinite(width):
        return False
    (_, k0, a0), (_, k1, a1) = limb_chains(body)["legs"]
    knees, ankles = float(k1[0] - k0[0]), float(a1[0] - a0[0])
    return knees * ankles > 0 and min(abs(knees), abs(ankles)) >= APART * width


def fitted_legs(body: Body, trousers: Mask) -> list[tuple[Mask, F32]]:
    """Like :func:`bare_legs`, for tight trousers (leggings, :func:`tight_legs`; here
    ``trousers`` are their pixels of their colour, :func:`.replaced.worn_under`): they
    have a leg's outline already, so the bare legs are all of them on the person, not
    narrowed, one mask for both legs (first; the second is empty: one behind the other
    in a side view they are one piece). In each row's runs of at least ``MIN_RUN`` px the
    ``rel`` is a leg's round toward the run's ends: 1 at an end, 0 half a leg's width
    (:func:`leg_width`) or the run's half width (the less) in from it, so that where
    the two legs overlap in one run its middle (the crease between them, which
    :func:`fabric_shade` darkens) is not lit as one wide leg's axis (it was: the
    painted legs' smoothed light hardly followed the leggings', correlation 0.09 under
    the midi, 0.40 under the short dress, now 0.50 / 0.89); smoothed down
    the legs (``FIT_SMOOTH``) so that the rows' ragged ends do not stripe the shading."""
    h, w = trousers.shape
    legs = trousers & body.person
    rel = np.full((h, w), np.inf, np.float32)
    empty = (np.zeros((h, w), bool), rel.copy())
    if not legs.any():
        return [empty, empty]
    one, _ = leg_width(body, legs)
    flat = np.zeros((h, w), np.float32)
    for y in np.flatnonzero(legs.sum(axis=1) >= MIN_RUN):
        for a, b in zip(*runs(legs[y]), strict=True):
            if b - a < MIN_RUN:
                continue
            half = max(0.5 * (b - a), 1.0)
            edge = half - np.abs(np.arange(a, b) - 0.5 * (a + b - 1))    # in from its end
            reach = min(half, 0.5 * one) if np.isfinite(one) else half
            flat[y, a:b] = 1.0 - np.minimum(edge, reach) / max(reach, 1.0)
    inside = legs.astype(np.float32)
    k = (1, 2 * int(3 * FIT_SMOOTH) + 1)    # down the columns only
    num = cv2.GaussianBlur(flat * inside, k, FIT_SMOOTH, sigmaY=FIT_SMOOTH)
    den = cv2.GaussianBlur(inside, k, FIT_SMOOTH, sigmaY=FIT_SMOOTH)
    rel[legs] = np.clip(num[legs] / np.maximum(den[legs], 1e-3), 0.0, 1.0)
    return [(legs, rel), empty]


def fabric_shade(img: NDArray[np.uint8], legs: Mask) -> F32:
    """HxW float32 multiplier (1 off ``legs``): the tight trousers' own light over the
    bare legs painted in their place. Their lightness is measured ``FABRIC_IN`` px inside
    their outline (the outline's pixels are mixed with the backdrop: bright grass lit
    her leggings' edges), Gaussian-smoothed within that over ``FABRIC_BLUR`` px (the
    weave's grain left out) and spread over the legs; as luminance (CIE Y) over its
    median, it is the light falling there (a lit knee, the back leg and the crease
    between the legs in shadow). Skin takes that light ratio to the power
    ``FABRIC_GAMMA`` (a black fabric's own sheen and its shadows' crushed black
    exaggerate it), in sRGB values (/2.2), clipped to ``FABRIC_RANGE``. It was
    (lightness - median) / max(5-95 spread, 6 L) x 0.08: black leggings span ~5 L,
    so the legs followed them by +-3% only and looked flat."""
    out = np.ones(legs.shape, np.float32)
    core = cv2.erode(legs.astype(np.uint8), np.ones((2 * FABRIC_IN + 1,) * 2, np.uint8)) > 0
    if core.sum() < 20:
        return out
    light = rgb_to_lab(img)[..., 0].astype(np.float32)
    inside = core.astype(np.float32)
    num = cv2.GaussianBlur(light * inside, (0, 0), FABRIC_BLUR)
    den = cv2.GaussianBlur(inside, (0, 0), FABRIC_BLUR)
    seen = legs & (den > 1e-3)
    smooth = (num / np.maximum(den, 1e-3)).astype(np.float32)
    lum = _luminance(smooth[seen])
    ratio = lum / max(float(np.median(_luminance(smooth[core]))), 1e-4)
    lo, hi = FABRIC_RANGE
    out[seen] = np.clip(ratio ** (FABRIC_GAMMA / 2.2), lo, hi)
    return out


def _luminance(light: F32) -> F32:
    """CIE Y (0-1) of Lab lightness ``light``."""
    out: F32 = np.where(light > 8.0, ((light + 16.0) / 116.0) ** 3,
                        light / 903.3).astype(np.float32)
    return out


def tight_legs(body: Body, cloth: Mask) -> bool:
    """Whether the old trousers ``cloth`` below a dress's hem are tight ones on legs one
    behind the other (a side view), which :func:`bare_legs` cannot split into two legs:
    the bare legs take their own outline (:func:`fitted_legs`). The pose's knees and
    ankles are each at most ``BEHIND`` of a trouser leg's width apart across the image
    (woman_with_dog: 14 and 24 px on 50-58 px wide legs; the skier's bent legs, apart:
    65 and 68 px on 32-42 px), and a trouser leg is at most ``TIGHT`` of a leg's length
    wide (:func:`leg_width`; her leggings 0.15-0.18, loose trousers wider)."""
    width, length = leg_width(body, cloth)
    if not np.isfinite(width) or length < 1.0:
        return False
    (_, k0, a0), (_, k1, a1) = limb_chains(body)["legs"]
    apart = max(abs(float(k0[0] - k1[0])), abs(float(a0[0] - a1[0])))
    return apart <= BEHIND * width and width <= TIGHT * length


def straight_legs(body: Body) -> bool:
    """Whether both legs of the pose are straight (the shin's direction within
    ``STRAIGHT`` degrees of the thigh's): a bare leg is shaped row by row from its trouser
    leg, which a bent knee (the skier's stance: her thin painted legs missed the bend and
    ran over a boot) is not."""
    for chain in limb_chains(body)["legs"]:
        hip, knee, ankle = (np.asarray(p, np.float64) for p in chain)
        thigh, shin = knee - hip, ankle - knee
        norm = float(np.linalg.norm(thigh) * np.linalg.norm(shin))
        if norm < 1e-6:
            return False
        cos = float(np.dot(thigh, shin)) / norm
        if np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))) > STRAIGHT:
            return False
    return True


def leg_width(body: Body, trousers: Mask) -> tuple[float, float]:
    """(width, length) px: the median, over the rows of ``trousers`` (at least
    ``MIN_RUN`` px of them), of the row's trouser pixels per leg in it (the pose's
    knee-ankle bones, continued straight, that cross the row within the trousers'
    extent; at least one), and the mean length of the pose's legs (hip-knee-ankle)."""
    w = trousers.shape[1]
    count = trousers.sum(axis=1)
    rows = np.flatnonzero(count >= MIN_RUN)
    chains = limb_chains(body)["legs"]
    length = float(np.mean([np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[1])
                            for c in chains]))
    if not len(rows):
        return float("inf"), length
    ys = rows.astype(np.float32)
    first = np.argmax(trousers[rows], axis=1)
    last = w - 1 - np.argmax(trousers[rows, ::-1], axis=1)
    legs = np.zeros(len(rows))
    for chain in chains:
        x = _bone_x(chain, ys)
        legs += (x >= first) & (x <= last)
    return float(np.median(count[rows] / np.maximum(legs, 1))), length


def leg_split(body: Body, h: int) -> F32:
    """Per image row (``h`` of them), the column halfway between the pose's two
    knee-ankle bones (continued straight beyond their ends): image-left of it is the
    image-left leg's."""
    ys = np.arange(h, dtype=np.float32)
    left, right = (_bone_x(chain, ys) for chain in limb_chains(body)["legs"])
    out: F32 = (0.5 * (left + right)).astype(np.float32)
    return out


def hem_shadow(trousers: Mask, sw: float) -> F32:
    """HxW float32 multiplier: the shadow the dress casts on the legs below its hem (the
    first row of ``trousers`` in each column), ``1 - HEM_DARK`` there, fading to 1 over
    ``HEM_FALL`` shoulder widths down; 1 elsewhere."""
    h = trousers.shape[0]
    cols = trousers.any(axis=0)
    first = np.where(cols, np.argmax(trousers, axis=0), h).astype(np.float32)
    depth = np.arange(h, dtype=np.float32)[:, None] - first[None, :]
    fall = max(1.0, HEM_FALL * sw)
    out: F32 = np.where(depth >= 0, 1.0 - HEM_DARK * np.exp(-np.maximum(depth, 0) / fall),
                        1.0).astype(np.float32)
    return out


def shoe_shadow(legs: Mask, shoes: Mask, sw: float) -> F32:
    """HxW float32 multiplier: the shade where the bare legs go into their shoes (the
    last row of ``legs`` in each column whose next 2 rows below hold ``shoes``),
    ``1 - SHOE_DARK`` there, fading to 1 over ``SHOE_FALL`` shoulder widths up the legs;
    1 elsewhere. Without it lit skin met the dark boots' tops in a hard line."""
    h, w = legs.shape
    out = np.ones((h, w), np.float32)
    cols = np.flatnonzero(legs.any(axis=0))
    if not len(cols):
        return out
    last = h - 1 - np.argmax(legs[::-1, cols], axis=0)
    under = np.zeros(len(cols), bool)
    for k in (1, 2):
        at = np.minimum(last + k, h - 1)
        under |= shoes[at, cols] & (last + k < h)
    fall = max(1.0, SHOE_FALL * sw)
    ys = np.arange(h, dtype=np.float32)[:, None]
    height = last[None, under].astype(np.float32) - ys
    shade = np.where(height >= 0, 1.0 - SHOE_DARK * np.exp(-np.maximum(height, 0) / fall), 1.0)
    out[:, cols[under]] = shade
    return out


def _bone_x(chain: list[NDArray[np.float32]], ys: F32) -> F32:
    """The x of the knee-ankle bone (continued straight beyond its ends) at rows ``ys``."""
    knee, ankle = chain[1], chain[2]
    dy = float(ankle[1] - knee[1])
    slope = float(ankle[0] - knee[0]) / dy if abs(dy) > 1e-3 else 0.0
    out: F32 = (float(knee[0]) + (ys - float(knee[1])) * slope).astype(np.float32)
    return out


def _outline(mine: Mask, chain: list[NDArray[np.float32]], sw: float) -> (
        tuple[F32, F32, int, int] | None):
    """(centre, half width per row (HxW rows, float32), first and last row) of the bare
    leg inside the trouser leg ``mine``; None when it shows on too few rows."""
    h, w = mine.shape
    wide = mine.sum(axis=1) >= MIN_RUN
    rows = np.flatnonzero(wide)
    if len(rows) < 3:
        return None
    first = np.argmax(mine[rows], axis=1)
    last = w - 1 - np.argmax(mine[rows, ::-1], axis=1)
    top, bottom = int(rows[0]), int(rows[-1])
    span = np.arange(top, bottom + 1, dtype=np.float32)
    # a trouser leg is no narrower above than below: rows the hem's curve cuts short (or
    # a hand's shadow) are as wide as the widest below them, centred as the whole rows are
    runs = (last - first + 1).astype(np.float32)
    full = np.maximum.accumulate(runs[::-1])[::-1]
    whole = runs >= FULL * full
    centre = np.interp(span, rows[whole], 0.5 * (first + last)[whole]).astype(np.float32)
    width = np.interp(span, rows, full).astype(np.float32)
    sigma = max(1.0, SMOOTH * sw)
    centre = _smooth(centre, sigma)
    width = _smooth(width, sigma)
    hip, knee, ankle = (float(p[1]) for p in chain)
    shin = max(ankle - knee, 1.0)
    t = (span - knee) / shin
    calf = np.interp(t, [min((hip - knee) / shin, -0.5), 0.0, CALF_T, 1.0],
                     [THIGH, KNEE, CALF, ANKLE]).astype(np.float32) * sw
    half_span = 0.5 * np.minimum(NARROW * width, calf)
    # down to the ankle the leg moves over to its bone: a cuff bunches up beside the ankle
    # (left on the cuff's centre, the leg met the real ankle below it in a step)
    bone = np.clip((t - CALF_T) / (1.0 - CALF_T), 0.0, 1.0)
    centre = (1 - bone) * centre + bone * _bone_x(chain, span)
    half = np.ones(h, np.float32)
    mid = np.zeros(h, np.float32)
    half[top:bottom + 1] = np.maximum(half_span, 1.0)
    mid[top:bottom + 1] = centre
    end = min(h - 1, bottom + BELOW)     # on past the cuff's rim, as its last row
    half[bottom + 1:end + 1] = half[bottom]
    mid[bottom + 1:end + 1] = mid[bottom]
    return mid, half, top, end


def _smooth(values: F32, sigma: float) -> F32:
    """``values`` (1-D) Gaussian-smoothed, its ends continued flat."""
    pad = int(3 * sigma) + 1
    k = np.exp(-0.5 * (np.arange(-pad, pad + 1) / sigma) ** 2)
    ext = np.pad(values.astype(np.float64), pad, mode="edge")
    out: F32 = np.convolve(ext, k / k.sum(), mode="valid").astype(np.float32)
    return out


def _largest(mask: Mask) -> Mask:
    """The largest 8-connected piece of ``mask`` (a trouser leg, not specks beside it)."""
    n, labels, areas = labelled(mask)
    if n < 2:
        return mask
    out: Mask = labels == 1 + int(np.argmax(areas[1:]))
    return out
