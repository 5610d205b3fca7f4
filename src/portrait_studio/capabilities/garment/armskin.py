"""Finish a synthesised bare arm so that it reads as the person's own skin.

A whole arm painted where a long sleeve hid it (:mod:`armsynth`, :mod:`armcolumn`) is a
tone times a cylinder shading: one light along its whole length, no grain of the photo's
kind and a colour that may step at the hand. Three corrections, measured on the photo:

* light: the old sleeve's own large-scale shading (the old top's grey level, plus a floor
  that keeps a black suit's sheen from counting, blurred over 0.08 shoulder widths,
  relative to its mean over the arm, compressed, clipped and brought to median 1 over the
  arm) lights the arm the way the photo lit the sleeve (the side away from the light, the
  shadow under a crossed arm) without darkening or lightening it as a whole;
* tone: where the arm touches real skin (the hand at the wrist, across a cuff or watch
  strap up to ``GAP`` shoulder widths wide; the hand's own skin, not the backdrop its mask
  took in beside it) or the painted torso (at the armhole), each
  colour channel is scaled so that the arm's rim there has the touching skin's median
  colour, the correction fading out (smoothstep) over ``REACH`` shoulder widths along the
  arm, and the sleeve's light with it; at a hand, away from the junction itself, the
  correction's chromaticity (not its lightness) is taken from the bands beyond both rims
  (``BEYOND``): the hand's edge by the old cuff lies in its shadow, greyer than the hand
  (an arm matched to it was 5 C* duller than the hand near the wrist);
* texture: the person's own skin detail (pores, mottle: :func:`skintex.real_grain`, copied
  from the visible torso skin, else the face's), then band-limited grain
  (:func:`retouch.texture.match_texture`) tops the two finest bands of the arm's luma up to
  the levels of the visible body skin (neck, chest, forearms; the face's skin when none
  shows), as a shaved beard gets the cheeks'.

Images HxWx3 RGB (uint8 photo, float32 canvas 0..255), masks HxW bool.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from ..retouch.texture import match_texture, texture_levels
from .armpaint import ArmPaint
from .armsynth import hand_skin
from .body import Body
from .regions import channel_mean
from .skintex import real_grain

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Box = tuple[int, int, int, int]
LIGHT_SIGMA = 0.08             # x shoulder width: scale of the old sleeve's shading taken
LIGHT_GAMMA = 0.45             # compression of the sleeve's relative grey level
LIGHT_CLIP = (0.8, 1.15)       # range of the light taken from the sleeve
LIGHT_FLOOR = 10.0             # grey levels added to the sleeve's before its ratio: a dark
                               # fabric's sheen and see-through are no light on the arm
LOCAL = 0.03                   # x shoulder width: colours compared locally over this
ALONG = 1.5                    # px: ... and over this along the junction
SEPARATE = 2.7                 # x the rims' spread across it: centroids of rims that lie on
                               # either side of one junction (a hanging arm above its hand)
CONTACT = 0.05                 # x shoulder width: rims of arm and touching skin compared
ARMHOLE = 0.3                  # x shoulder width: painted torso this near the shoulder
GAP = 0.15                     # x shoulder width: farther skin does not touch the arm
BEYOND = 0.12                  # x shoulder width: the bands beyond the rims compared
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)  # weights of a colour's lightness
REACH = 0.45                   # x shoulder width: a contact's tone fades out over this
GAIN_CLIP = (0.65, 1.5)          # per-channel tone correction limits
MIN_CONTACT = 30               # pixels on each side of a contact
MIN_REF = 400                  # pixels of reference skin for its texture levels
MAX_LEVEL = 6.0                # cap of the texture levels taken (grey levels)
KNEE = 225.0                   # brighter channels approach 255 softly (no clipped white)
CORE = 4                       # px: texture measured this far inside the arm
RIDGE_PCT = 90                 # the real skin's highlights: this percentile of its grey
RIDGE_FLOOR = 10               # the arm's contrast above this percentile of its grey is
                               # scaled down to bring its highlights to the real skin's
RIDGE_ROOM = 0.02              # ... which are taken at least this share above its median
RIDGE_BLUR = 2.0               # px: the real skin's highlights measured without its grain
CROSS_DEPTH = 0.45             # a crossed-over arm's contact shadow: this share of its light
CROSS_REACH = 0.03             # x shoulder width: ... gone to 1/e this far from the arm in front
HAND_CLEAR = 0.12              # x shoulder width: ... and faded out this near a real hand


def arm_box(arm: ArmPaint, shape: tuple[int, int], pad: int) -> Box:
    """(y0, y1, x0, x1) of the painted pixels plus ``pad``, within ``shape``."""
    h, w = shape
    return (max(0, int(arm.ys.min()) - pad), min(h, int(arm.ys.max()) + pad + 1),
            max(0, int(arm.xs.min()) - pad), min(w, int(arm.xs.max()) + pad + 1))


def near_chain(shape: tuple[int, int], chain: list[NDArray[np.float32]], reach: float) -> (
        Mask):
    """HxW bool: pixels within ``reach`` px of the bone ``chain`` (round ends)."""
    canvas = np.zeros(shape, np.uint8)
    pts = [(round(float(p[0])), round(float(p[1]))) for p in chain]
    for a, b in pairwise(pts):
        cv2.line(canvas, a, b, 1, thickness=max(1, int(2 * reach)), lineType=cv2.LINE_8)
    out: Mask = canvas > 0
    return out


def skin_levels(img: NDArray[np.uint8], body: Body, trusted: Mask) -> tuple[float, ...]:
    """Texture levels (:func:`texture_levels`, two finest bands, third 0) of the visible
    body skin away from its edges: trusted skin off the head and hands, else the face's
    skin, else the hands'; zeros when none shows."""
    k = np.ones((7, 7), np.uint8)
    for ref in (trusted & ~body.head & ~body.hands, body.skin & body.head,
                body.skin & body.hands):
        inner = cv2.erode(ref.astype(np.uint8), k)
        if int(inner.sum()) >= MIN_REF:
            x, y, w, h = cv2.boundingRect(inner)
            box = np.s_[max(0, y - 8):y + h + 8, max(0, x - 8):x + w + 8]
            fine = texture_levels(img[box], inner[box].astype(np.float32))[:2]
            return (*(min(v, MAX_LEVEL) for v in fine), 0.0)
    return (0.0, 0.0, 0.0)


def sleeve_light(grey: F32, cloth: Mask, arm: Mask, sw: float) -> F32:
    """HxW float32 light (~1, median 1 over ``arm``, within ``LIGHT_CLIP``) from the old
    sleeve's large-scale grey level (``grey`` where ``cloth``, plus ``LIGHT_FLOOR``),
    relative to its mean over ``arm``, compressed; 1 (before the median's normalisation)
    where little of the sleeve shows."""
    sel = cloth & arm
    if int(sel.sum()) < MIN_REF:
        return np.ones(grey.shape, np.float32)
    k = 4                                   # computed at a quarter size: a large blur
    h, w = grey.shape
    size = (max(1, w // k), max(1, h // k))
    g = cv2.resize(grey * sel, size, interpolation=cv2.INTER_AREA)
    m = cv2.resize(sel.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    sigma = max(1.0, LIGHT_SIGMA * sw / k)
    num, den = cv2.GaussianBlur(g, (0, 0), sigma), cv2.GaussianBlur(m, (0, 0), sigma)
    local = cv2.resize(num / np.maximum(den, 1e-3), (w, h), interpolation=cv2.INTER_LINEAR)
    cover = cv2.resize(den, (w, h), interpolation=cv2.INTER_LINEAR)
    ratio = (local + LIGHT_FLOOR) / (float(grey[sel].mean()) + LIGHT_FLOOR)
    light = np.clip(np.power(np.maximum(ratio, 1e-3), LIGHT_GAMMA), *LIGHT_CLIP)
    trust = np.clip(cover / 0.3, 0.0, 1.0)          # far from any sleeve pixel: no light
    out: F32 = (1.0 + trust * (light - 1.0)).astype(np.float32)
    # median 1 over the arm: the sleeve moves light around the arm, it never darkens the
    # whole arm (clipped, a dark suit's sheen left most of it under 1)
    normed: F32 = np.clip(out / max(float(np.median(out[arm])), 1e-3), *LIGHT_CLIP).astype(
        np.float32)
    return normed


def contact_gain(plane: F32, arm: Mask, touch: tuple[F32, Mask, Mask | None], sw: float) -> (
        tuple[F32, F32] | None):
    """(per-channel gains: 3 or HxWx3, HxW weight) that bring the ``arm``'s colour beside a
    touching skin (``touch``: source image, skin mask, and the arm pixels it is compared
    with, None for the arm's rim along it: then also locally, :func:`_local_gain`) in
    ``plane`` to that skin's median colour (along a rim, of the lit halves of both rims:
    the shaded sides take up different shares of them), fading out over ``REACH`` shoulder
    widths from it; None without a contact."""
    source, skin, ref = touch
    if not skin.any() or not arm.any():
        return None
    from_skin = cv2.distanceTransform((~skin).astype(np.uint8), cv2.DIST_L2, 3)
    from_arm = cv2.distanceTransform((~arm).astype(np.uint8), cv2.DIST_L2, 3)
    gap = float(from_skin[arm].min())       # a cuff or watch strap may lie between them
    if gap > GAP * sw:
        return None
    near = gap + max(2.0, CONTACT * sw)
    rim_arm = arm & (from_skin <= near) if ref is None else arm & ref
    rim_skin = skin & (from_arm <= near)
    if int(rim_arm.sum()) < MIN_CONTACT or int(rim_skin.sum()) < MIN_CONTACT:
        return None
    if ref is None:     # the lit halves: the shaded sides' shares of the rims differ
        want, have = lit_median(source, rim_skin), lit_median(plane, rim_arm)
    else:
        want, have = np.median(source[rim_skin], axis=0), np.median(plane[rim_arm], axis=0)
    gain = np.clip(want / np.maximum(have, 1.0), *GAIN_CLIP).astype(np.float32)
    if ref is None:     # right beside the skin, its own colour there (a shaded side too)
        # the hue of the skin beyond the rims (the hand's edge lies in the old cuff's shadow)
        dists = (np.asarray(from_skin, np.float32), np.asarray(from_arm, np.float32))
        hue = _beyond_rim(plane, (arm, skin), source, dists, (near, sw), gain)
        gain = _local_gain(plane, (rim_arm, rim_skin), source, gain * hue / float(hue @ LUMA),
                           max(1.5, LOCAL * sw))
    u = np.clip((from_skin - gap) / max(REACH * sw, 1.0), 0.0, 1.0)
    weight: F32 = ((1.0 - u * u * (3.0 - 2.0 * u)) * arm).astype(np.float32)
    return gain, weight


def _beyond_rim(plane: F32, masks: tuple[Mask, Mask], source: F32,
                dists: tuple[F32, F32], reach: tuple[float, float], gain: F32) -> F32:
    """Per-channel factor (3) on top of the rims' ``gain``: the ratio of the touching
    skin's median colour to the arm's (after ``gain``) in the bands beyond their rims
    (``reach`` = (the rims' depth ``near``, shoulder width): from ``near`` to ``BEYOND``
    shoulder widths further, by ``dists`` = (distance from the skin, from the arm)); 1
    where either band is small."""
    arm, skin = masks
    from_skin, from_arm = dists
    near, sw = reach
    band_skin = skin & (from_arm > near) & (from_arm <= near + BEYOND * sw)
    band_arm = arm & (from_skin > near) & (from_skin <= near + BEYOND * sw)
    if int(band_skin.sum()) < MIN_CONTACT or int(band_arm.sum()) < MIN_CONTACT:
        return np.ones(3, np.float32)
    want = np.median(source[band_skin], axis=0)
    have = np.median(plane[band_arm], axis=0) * gain
    out: F32 = np.clip(want / np.maximum(have, 1.0), *GAIN_CLIP).astype(np.float32)
    return out


def lit_median(values: F32, mask: Mask) -> F32:
    """Median colour (3) of the lit half of ``values`` (HxWx3) over ``mask``: its pixels
    at or above their median grey level."""
    sel = values[mask]
    grey = sel.mean(axis=1)
    out: F32 = np.median(sel[grey >= np.median(grey)], axis=0).astype(np.float32)
    return out


def _local_gain(plane: F32, rims: tuple[Mask, Mask], source: F32, gain: F32,
                sigma: float) -> F32:
    """HxWx3 gains: the ratio of the touching skin's colour to the arm's, each averaged
    over ``sigma`` px of its own rim across the junction and ``ALONG`` px along it
    (:func:`junction_kernel`; ``rims``: the arm's, the skin's), where both are near; the
    overall ``gain`` elsewhere. Each stretch of the junction (a column of a hanging arm)
    meets the skin right across it: averaged round about, the arm's middle met the hand's
    a step lighter or darker than its own (their shaded sides at other offsets)."""
    rim_arm, rim_skin = rims
    x, y, w, h = cv2.boundingRect((rim_arm | rim_skin).astype(np.uint8))
    m = int(3 * sigma) + 1
    box = np.s_[max(0, y - m):y + h + m, max(0, x - m):x + w + m]     # where both are near
    kernel = junction_kernel(rims, sigma)

    def local(values: F32, mask: Mask) -> tuple[F32, F32]:
        wt = np.asarray(cv2.filter2D(mask[box].astype(np.float32), -1, kernel), np.float32)
        v = cv2.filter2D(values[box] * mask[box][..., None], -1, kernel)
        return np.asarray(v / np.maximum(wt, 1e-3)[..., None], np.float32), wt

    want, w_skin = local(source, rim_skin)
    have, w_arm = local(plane, rim_arm)
    ratio = np.clip(want / np.maximum(have, 1.0), *GAIN_CLIP)
    share = np.clip(np.minimum(w_skin, w_arm) / 0.15, 0.0, 1.0)[..., None]
    out = np.empty(plane.shape, np.float32)
    out[:] = gain
    out[box] += share * (ratio - gain)
    return out


def junction_kernel(rims: tuple[Mask, Mask], sigma: float) -> F32:
    """Normalised 2-D Gaussian kernel, ``sigma`` px across the junction of two rims
    (``rims``: HxW bool; across: from one's centroid to the other's) and ``ALONG`` px
    along it; round (``sigma`` each way) when the rims do not lie on either side of one
    junction (their centroids within ``SEPARATE`` of the rims' spread across it of each
    other: a hand lying on the arm, its fingers ringed by the arm's rim, where a kernel
    along a guessed line compared slivers of each)."""
    pa, pb = (np.argwhere(r).astype(np.float32) for r in rims)
    ca, cb = pa.mean(axis=0), pb.mean(axis=0)
    norm = float(np.hypot(*(cb - ca)))
    r = int(3 * sigma) + 1
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1].astype(np.float32)
    ny, nx = (cb - ca) / max(norm, 1e-6)
    spread = float(np.sqrt(0.5 * (np.var((pa - ca) @ (ny, nx)) + np.var((pb - cb) @ (ny, nx)))))
    if norm < max(1.0, SEPARATE * spread):
        across, along, s_along = np.hypot(dy, dx), np.zeros_like(dy), 1.0
    else:
        across, along, s_along = dy * ny + dx * nx, dx * ny - dy * nx, ALONG
    k = np.exp(-0.5 * (across / sigma) ** 2 - 0.5 * (along / s_along) ** 2)
    out: F32 = (k / k.sum()).astype(np.float32)
    return out


def contact_factor(plane: F32, arm: Mask, contacts: list[tuple[F32, Mask, Mask | None]],
                   sw: float) -> tuple[F32, F32]:
    """(HxWx3 float32 factor, HxW float32 weight 0..1) of the contacts' tone corrections
    (:func:`contact_gain`) over ``arm`` in ``plane`` (weights of overlapping contacts
    normalised where they sum over 1)."""
    found = [g for g in (contact_gain(plane, arm, t, sw) for t in contacts) if g is not None]
    factor = np.ones(plane.shape, np.float32)
    if not found:
        return factor, np.zeros(arm.shape, np.float32)
    total = sum((w for _, w in found), np.zeros(arm.shape, np.float32))
    norm = np.maximum(total, 1.0)
    for gain, w in found:
        factor += (w / norm)[..., None] * (gain - 1.0)
    return factor, np.minimum(total, 1.0).astype(np.float32)


def soft_peak(rgb: F32) -> F32:
    """``rgb`` (...x3 float32) with each colour whose brightest channel passes ``KNEE``
    scaled down so that it approaches 255 smoothly (tanh) instead of clipping: a lit
    light arm keeps its hue, no flat white patch."""
    peak = rgb.max(axis=-1)
    over = peak > KNEE
    if not over.any():
        return rgb
    room = 255.0 - KNEE
    high = peak[over]
    out: F32 = rgb.astype(np.float32, copy=True)
    out[over] *= ((KNEE + room * np.tanh((high - KNEE) / room)) / high)[:, None]
    return out


def skin_highlight(img: NDArray[np.uint8], body: Body) -> float | None:
    """The ``RIDGE_PCT`` percentile of the grey level (RGB mean, averaged over
    ``RIDGE_BLUR`` px within the skin: its shading, not its grain, which the arm gets
    after the cap) of the person's real hand skin (:func:`hand_skin`: no backdrop), else
    of the visible body skin off the head; None when under ``MIN_REF`` pixels show."""
    for ref in (hand_skin(img, body.hands & body.skin), body.skin & ~body.head & ~body.hands):
        if int(ref.sum()) < MIN_REF:
            continue
        x, y, w, h = cv2.boundingRect(ref.astype(np.uint8))
        box = np.s_[y:y + h, x:x + w]
        m = ref[box].astype(np.float32)
        grey = channel_mean(img[box].astype(np.float32))
        num = cv2.GaussianBlur(grey * m, (0, 0), RIDGE_BLUR)
        den = cv2.GaussianBlur(m, (0, 0), RIDGE_BLUR)
        smooth = num[ref[box]] / np.maximum(den[ref[box]], 1e-3)
        return float(np.percentile(smooth, RIDGE_PCT))
    return None


def cap_ridge(plane: F32, arm: Mask, highlight: float | None,
              spare: F32 | None = None) -> F32:
    """``plane`` (HxWx3) with the grey levels of ``arm`` brought down so that their 90th
    percentile is no brighter than ``highlight`` (at least ``RIDGE_ROOM`` of the median
    above the median: an arm lighter than the hands keeps some light): the contrast above
    the arm's ``RIDGE_FLOOR`` percentile (its shaded rims) is scaled down (the same factor
    on each channel), so the arm keeps its rounded profile, its ridge only less bright. A
    painted arm's lit ridge no brighter than the person's own skin highlights (a brighter
    ridge read as an airbrushed slab; capped at a knee instead, the middle of the arm was
    a flat plateau at the cap's level). ``spare`` (HxW 0..1): the share of each pixel's
    change left out (where the arm already has the touching skin's own colour, at a
    contact: capped there too, the arm met the hand a step greyer than it); the rest of
    the arm comes down further, so that its 90th percentile with the spared pixels is
    still the cap (computed without them, a third of a sheer top's arms near the hands
    and shoulders stayed above it: 78.5 L* against the hands' 75.7)."""
    if highlight is None or int(arm.sum()) < MIN_CONTACT:
        return plane
    grey = plane.mean(axis=2)
    floor, mid, top = np.percentile(grey[arm], [RIDGE_FLOOR, 50, RIDGE_PCT])
    want = max(highlight, mid * (1 + RIDGE_ROOM))
    if top <= want or top - floor < 1.0:
        return plane
    scale = float(np.clip((want - floor) / (top - floor), 0.0, 1.0))
    # on the arm's pixels only (the bisection's percentiles are taken over them)
    g_arm, s_arm = grey[arm], None if spare is None else spare[arm]
    if s_arm is not None:       # the spared pixels count: the rest comes down further
        lo, hi = 0.0, scale
        for _ in range(12):
            mid_scale = 0.5 * (lo + hi)
            if np.percentile(g_arm * _ridge_ratio(g_arm, (floor, mid_scale), s_arm),
                             RIDGE_PCT) > want:
                hi = mid_scale
            else:
                lo = mid_scale
        scale = lo
    out: F32 = plane.copy()
    out[arm] *= _ridge_ratio(g_arm, (floor, scale), s_arm)[:, None]
    return out


def _ridge_ratio(grey: F32, cap: tuple[float, float], spare: F32 | None) -> F32:
    """Ratio (``grey``'s shape) that scales ``grey``'s contrast above ``cap`` = (floor,
    scale), with the ``spare`` share (same shape, 0..1, or None) of each pixel's change
    left out."""
    floor, scale = cap
    ratio = (floor + (grey - floor) * scale) / np.maximum(grey, 1.0)
    if spare is not None:
        ratio = 1.0 + (ratio - 1.0) * (1.0 - spare)
    out: F32 = np.asarray(ratio, np.float32)
    return out


@dataclass(frozen=True)
class Surround:
    """What a synthesised arm is finished against: the ``canvas`` (HxWx3 float32) with its
    solidly ``painted`` torso skin (HxW bool), the arm's ``shoulder`` joint and the
    ``levels`` of the visible skin's texture (:func:`skin_levels`)."""

    canvas: F32
    painted: Mask
    shoulder: NDArray[np.float32]
    levels: tuple[float, ...]


def finish_arm(img: NDArray[np.uint8], body: Body, arm: ArmPaint, around: Surround,
               seed: int) -> ArmPaint:
    """``arm`` (a synthesised whole arm) lit like the old sleeve, its tone continuing the
    hand (``img``) and the painted torso skin at its armhole (within ``ARMHOLE`` shoulder
    widths of the shoulder joint) that it touches, its highlights no brighter than the
    person's real skin's (:func:`cap_ridge`), with the visible skin's grain."""
    if not len(arm.ys):
        return arm
    sw = body.pose.shoulder_width
    y0, y1, x0, x1 = arm_box(arm, img.shape[:2], int((GAP + CONTACT) * sw) + 4)
    box = np.s_[y0:y1, x0:x1]
    ys, xs = arm.ys - y0, arm.xs - x0
    solid = np.zeros((y1 - y0, x1 - x0), bool)
    solid[ys[arm.alpha > 0.5], xs[arm.alpha > 0.5]] = True
    plane = np.empty((y1 - y0, x1 - x0, 3), np.float32)
    plane[:] = arm.rgb.mean(axis=0)
    plane[ys, xs] = arm.rgb
    # the hand's skin beside the arm (no greyish pixels of its grown mask; the skin mixed
    # with the cuff that the arm paints over is the arm's, toned with it)
    hand = hand_skin(img[box], body.hands[box] & body.skin[box]) & ~solid
    seen = solid
    armhole = near_chain(body.skin.shape, [around.shoulder] * 2, ARMHOLE * sw)[box]
    # the torso beside the arm's top: compared with the arm's whole top (its rim there is
    # its shaded side), the hand with the arm's end right beside it
    touch = [(img[box].astype(np.float32), hand, None),
             (around.canvas[box], around.painted[box] & armhole & ~solid, armhole)]
    factor, near = contact_factor(plane, seen, touch, sw)
    # the sleeve's light away from the contacts (there the touching skin's own tone rules);
    # the old top's only: an old bottom beside the arm (a leopard skirt) lights nothing
    light = sleeve_light(channel_mean(img[box].astype(np.float32)), body.old_top[box], solid,
                         sw)
    lit = (1.0 + (light - 1.0) * (1.0 - near))[..., None]
    plane = cap_ridge(np.asarray(plane * factor * lit, np.float32), solid,
                      skin_highlight(img, body), near)
    plane = soft_peak(plane)
    rgb = plane[ys, xs]
    rgb += _grain(arm, (y0, x0), plane, around.levels, seed,
                  _own_grain(img, body, plane, (y0, x0), seed))[:, None]
    return ArmPaint(arm.ys, arm.xs, rgb, arm.alpha, arm.kept, arm.synthetic)


def crossing_shadow(canvas: F32, behind: Mask, front: ArmPaint, sw: float,
                    hands: Mask | None = None) -> None:
    """Darken, in place on ``canvas`` (HxWx3 float32), the pixels of ``behind`` (HxW bool:
    arms painted before ``front``) beside the arm painted in front of them: the light
    times ``1 - CROSS_DEPTH * exp(-d / r)`` at ``d`` px from ``front``'s solid pixels
    (``r``: ``CROSS_REACH`` shoulder widths), so a forearm crossed over another casts a
    soft contact shadow on it. Without it the arm behind met the front arm's shaded rim
    with its own lit side: a pale line along the crossing, two flat tubes stacked. Within
    ``HAND_CLEAR`` shoulder widths of ``hands`` (HxW bool, the real hands' skin) the
    shadow fades out (smoothstep): there the arm keeps the hand's own tone that
    :func:`finish_arm` gave it. Pixels outside ``behind`` are left as they are."""
    solid = front.solid()
    if not len(front.ys) or not behind.any() or not solid.any():
        return
    r = max(2.0, CROSS_REACH * sw)
    y0, y1, x0, x1 = arm_box(front, behind.shape, int(5 * r) + 2)
    box = np.s_[y0:y1, x0:x1]
    back = behind[box] & ~solid[box]
    if not back.any():
        return
    d = cv2.distanceTransform((~solid[box]).astype(np.uint8), cv2.DIST_L2, 5)
    depth = CROSS_DEPTH * np.exp(-d / r)
    if hands is not None and hands[box].any():
        away = cv2.distanceTransform((~hands[box]).astype(np.uint8), cv2.DIST_L2, 5)
        u = np.clip(away / max(HAND_CLEAR * sw, 1.0), 0.0, 1.0)
        depth *= u * u * (3.0 - 2.0 * u)
    canvas[box][back] *= (1.0 - depth[back])[:, None]


def _own_grain(img: NDArray[np.uint8], body: Body, plane: F32, origin: tuple[int, int],
               seed: int) -> F32 | None:
    """HxW float32 grain over ``plane``'s box (at ``origin``): the person's own skin detail
    (:func:`skintex.real_grain`: pores and mottle finer than its blur, copied in blocks
    from the visible torso skin, else the face's), scaled by the arm's grey level over
    that skin's; None when too little of it shows."""
    rng = np.random.default_rng(seed)
    k = np.ones((5, 5), np.uint8)
    for source in (body.skin & ~body.head & ~body.hands & ~body.old_top,
                   body.skin & body.head):
        inner = cv2.erode(source.astype(np.uint8), k) > 0
        if int(inner.sum()) < MIN_REF:
            continue
        grain = real_grain(img, inner, plane.shape[:2], rng)
        if grain is not None:
            ratio = float(plane.mean()) / max(float(img[inner].mean()), 1.0)
            out: F32 = (grain * float(np.clip(ratio, 0.5, 1.5))).astype(np.float32)
            return out
    return None


def _grain(arm: ArmPaint, origin: tuple[int, int], plane: F32, levels: tuple[float, ...],
           seed: int, own: F32 | None = None) -> F32:
    """N float32 luma grain at the arm's pixels: the skin's ``own`` grain (over ``plane``'s
    box at ``origin``, when given), topped up with band-limited noise that brings the two
    finest bands of ``plane``'s (the arm's colours) luma to ``levels``
    (:func:`match_texture`, measured ``CORE`` px inside the arm)."""
    if own is not None:
        plane = plane + own[..., None]
    pad = CORE + 4
    y0 = max(origin[0], int(arm.ys.min()) - pad)
    x0 = max(origin[1], int(arm.xs.min()) - pad)
    ys, xs = arm.ys - y0, arm.xs - x0
    shape = (int(ys.max()) + pad + 1, int(xs.max()) + pad + 1)
    crop = plane[y0 - origin[0]:, x0 - origin[1]:][:shape[0], :shape[1]]
    weight = np.zeros(crop.shape[:2], np.float32)
    weight[ys, xs] = arm.alpha
    solid = (weight > 0.5).astype(np.uint8)
    core = cv2.erode(solid, np.ones((2 * CORE + 1,) * 2, np.uint8)).astype(np.float32)
    out = match_texture(crop, weight, levels, measure=core, seed=seed)
    # the grain is luma, the same on every channel (the mean: a clipped channel aside)
    added: F32 = (out - crop)[ys, xs].mean(axis=1).astype(np.float32)
    if own is not None:
        added += own[arm.ys - origin[0], arm.xs - origin[1]]
    return added
