"""A whole bare arm painted where a long sleeve hung beside the body, placed by the sleeve.

The pose's elbow is often wrong under a sleeve (it slides onto the torso), so an arm painted
along the pose bones misses the sleeve and the real arm vanishes into the filled background.
For an arm that hangs down (wrist well below the shoulder, not far across the body) the
sleeve itself says where the arm is: on each row the arm is the outermost run of the old
top on that side, at most an arm's width wide (0.26 shoulder widths at the shoulder tapering
to 0.15 at the wrist, fuller at the biceps and below the elbow: :func:`limb_profile`); the
run goes on into the hand (the cuff's end is not the arm's), and the cuff's pixels in the
hand's grown rim above the hand skin are painted too (and the hand skin's first pixels by
the cuff, mixed with it). Its centre and half width per row are smoothed along the arm and,
over the last 0.35 shoulder widths, widened to take in the top of the hand it joins (an
edge of the arm past the hand's is kept, a flared cuff, unless the backdrop is there: the
hand's skin mask takes in light grey beside it); the arm is painted there with a tone
going from the neck's (mostly) at the shoulder to the hand's (mostly) at the wrist, a soft
dip at the elbow and cylinder shading lit from the face's side (:mod:`armsynth`),
pinholes of old clothing inside it included. Images HxWx3 uint8 RGB, masks HxW bool,
points (x, y) float32 pixels.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator
from scipy.ndimage import maximum_filter1d

from .armpaint import ArmPaint, grain_std
from .armsynth import MIN_HAND, face_light, hand_pixels, shading
from .body import Body

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Point = NDArray[np.float32]
WIDTH_TOP, WIDTH_WRIST = 0.26, 0.15   # arm width x shoulder width at the shoulder / wrist
STEEP = 1.5                            # hanging: drop >= STEEP x sideways shift
MIN_ROWS = 0.6                         # share of the rows where the sleeve must be found
TOP_REACH = 0.2                        # rows start this far (x shoulder width) above the joint
CUFF_RIM = 0.02                        # the cuff's rim over the hand's top (x shoulder width)
PINHOLE = 40                           # px: holes in the arm's pixels smaller than this are filled
CUFF_MIX = 2                           # px of hand skin by the cuff painted over (mixed with it)
MOTTLE = 0.03                          # std of the painted arm's low-frequency tone variation
HAND_BAND = 0.06                       # the hand's top: its skin rows this deep (x shoulder width)
HAND_REACH = 0.35                      # the wrist widens to the hand's top over this (x sw)
HAND_HALF = 0.14                       # ... to half a hand this wide at most (x shoulder width)
HAND_SHARE = (0.25, 0.75)              # the hand's share of the tone at the shoulder / wrist
ELBOW_SHADE = 0.04                     # the elbow's soft dip in brightness ...
ELBOW_SIGMA = 0.07                     # ... over this (x shoulder width) along the arm
# width factors along the arm (bone position: 0 shoulder, 1 elbow, 2 wrist)
EDGE_SIGMA = 0.015                     # the outer edge's pull-in smoothed over this (x sw)
EDGE_MARGIN = 0.5                      # px: the soft edge's last pixel stays on the person
EDGE_PULL = 0.3                        # the edge is pulled in by at most this x half width
COLUMN_LIGHT = 0.4                     # the light's swing to the side for a clear face cue (a
                                       # studio light is mostly frontal: the ridge stays near
                                       # the arm's middle, not along its lit edge)
WRAP = 0.3                             # wrapped Lambert: the light reaches this far round
COLUMN_AMBIENT = 0.35                  # share of the shading that does not depend on it
ROUND_BLUR = 0.3                       # x half width: the shoulder top's darkening softened
PROFILE_AT = (-0.3, 0.0, 0.35, 0.85, 1.0, 1.25, 1.6, 2.0, 2.3)
PROFILE = (1.0, 1.0, 1.04, 0.94, 0.92, 1.04, 0.98, 0.92, 0.95)


def hanging_side(chain: list[Point], centre_x: float) -> int:
    """+1 / -1 when the arm ``chain`` (shoulder, elbow, wrist) hangs on the image-right /
    image-left side of the body centre line ``centre_x``; 0 when it does not hang down."""
    shoulder, wrist = chain[0], chain[-1]
    drop, side = float(wrist[1] - shoulder[1]), float(wrist[0] - shoulder[0])
    if drop <= STEEP * abs(side):
        return 0
    return 1 if shoulder[0] > centre_x else -1


def sleeve_rows(sleeve: Mask, rows: NDArray[np.intp], side: int,
                widths: F32) -> tuple[F32, F32, NDArray[np.bool_]]:
    """Per row of ``rows``: centre x and half width of the outermost run of ``sleeve`` on
    ``side`` (capped at ``widths``), and whether the row has sleeve pixels."""
    centre = np.zeros(len(rows), np.float32)
    half = np.zeros(len(rows), np.float32)
    found = np.zeros(len(rows), bool)
    for i, y in enumerate(rows):
        xs = np.flatnonzero(sleeve[y])
        if not len(xs):
            continue
        outer = int(xs.max()) if side > 0 else int(xs.min())
        run = _run_length(sleeve[y], outer, -side)
        width = float(min(run, widths[i]))
        centre[i] = outer - side * (width - 1) / 2.0
        half[i] = width / 2.0
        found[i] = True
    return centre, half, found


def limb_profile(rows: NDArray[np.intp], chain: list[Point]) -> F32:
    """Width factor (~0.92..1.04) of an arm's outline at image ``rows``: fuller at the
    biceps and the forearm's muscles below the elbow, narrower at the elbow (the pose's)
    and the wrist; a smooth spline along the bone position (0 shoulder, 1 elbow, 2
    wrist, by the rows of the joints)."""
    ys = [float(p[1]) for p in chain]
    if not ys[0] < ys[1] < ys[2]:
        return np.ones(len(rows), np.float32)
    u = np.interp(rows, ys, [0.0, 1.0, 2.0], left=np.nan, right=np.nan)
    before = rows < ys[0]
    u = np.where(before, (rows - ys[0]) / max(ys[1] - ys[0], 1.0), u)
    u = np.where(rows > ys[2], 2.0 + (rows - ys[2]) / max(ys[2] - ys[1], 1.0), u)
    out: F32 = PchipInterpolator(PROFILE_AT, PROFILE)(np.clip(u, -0.3, 2.3)).astype(np.float32)
    return out


def _run_length(row: NDArray[np.bool_], start: int, step: int) -> int:
    """How many consecutive True pixels of ``row`` from ``start`` going ``step`` (+-1)."""
    seq = row[start::step] if step > 0 else row[start::-1]
    off = np.flatnonzero(~seq)
    return int(off[0]) if len(off) else len(seq)


def _smooth(values: F32, found: NDArray[np.bool_], sigma: float) -> F32:
    """Rows without a value take their neighbours' (linear), then a Gaussian along rows."""
    idx = np.arange(len(values))
    filled = np.interp(idx, idx[found], values[found]).astype(np.float32)
    return np.asarray(cv2.GaussianBlur(filled.reshape(-1, 1), (1, 0), sigma).ravel(),
                      np.float32)


def rounded_top(half: F32) -> F32:
    """Half widths with the first rows narrowed to a half disc (a shoulder, not a tube's
    flat end)."""
    cap = max(1, min(len(half), round(float(half[0]))))
    d = (np.arange(cap, dtype=np.float32) + 0.5) / cap
    out = half.copy()
    out[:cap] *= np.sqrt(np.clip(1.0 - (1.0 - d) ** 2, 0.0, 1.0))
    return out


def column_arm(img: NDArray[np.uint8], body: Body, chain: list[Point], sleeve: Mask,
               allowed: Mask, trusted: Mask, rng: np.random.Generator, grain: bool = True) -> (
        ArmPaint | None):
    """A hanging arm painted over the old ``sleeve`` (HxW bool: the old top), only on
    ``allowed`` pixels (uncovered, revealed); None when the arm does not hang down, the
    sleeve is not found along it or no hand tone is seen. Without ``grain`` the fine
    grain is left out (:mod:`armskin` adds the skin's own)."""
    sw = body.pose.shoulder_width
    centre_x = float(np.mean([body.pose.p(s["shoulder"])[0] for s in body.pose.sides()]))
    side = hanging_side(chain, centre_x)
    hy, hx = hand_pixels(img, body, chain[-1], trusted)
    if side == 0 or len(hy) < MIN_HAND:
        return None
    # from above the shoulder joint (the new garment's armhole covers the top) to just past
    # the wrist (the hand is in front): no square-cut ends
    y0, y1 = int(chain[0][1] - TOP_REACH * sw), int(chain[-1][1] + 0.1 * sw)
    rows = np.arange(max(0, y0), min(img.shape[0], y1), dtype=np.intp)
    if len(rows) < 8:
        return None
    widths = np.interp(rows, [y0, y1], [WIDTH_TOP * sw, WIDTH_WRIST * sw]).astype(np.float32)
    widths *= limb_profile(rows, chain)
    # the sleeve's cuff runs on into the hand (the hand's rim is not the arm's end), and
    # the cuff's pixels in the hand's dilated rim above the hand skin are the arm's too
    centre, half, found = sleeve_rows(sleeve | body.hands, rows, side, widths)
    allowed = allowed | _cuff_rim(body, (hy, hx), int(CUFF_RIM * sw))
    if found.mean() < MIN_ROWS:
        return None
    centre = _smooth(centre, found, 0.05 * sw)
    half = _smooth(half, found, 0.05 * sw)
    top = hand_top((hy, hx), sw)
    centre, half = meet_hand(rows, (centre, half), top, sw, _backdrop_row(body, (hy, hx),
                                                                        int(top[0])))
    centre, flat = within_person(rows, (centre, half), body.person, side, sw)
    half = rounded_top(flat)
    # the pose's elbow may slide under a sleeve: kept within the arm's middle
    y_s, y_w = float(chain[0][1]), float(chain[-1][1])
    elbow = float(np.clip(chain[1][1], y_s + 0.4 * (y_w - y_s), y_s + 0.6 * (y_w - y_s)))
    # what shows the background beside the arm: outside the person, or the old sleeve
    # beyond the arm's outer side (its inner side meets the torso's painted skin)
    beyond = np.zeros(allowed.shape, bool)
    cols = np.arange(allowed.shape[1], dtype=np.float32)
    beyond[rows] = side * (cols[None, :] - centre[:, None]) > 0
    backdrop = ~body.person | (allowed & beyond)
    return _paint(img, body, (rows, centre, half, flat, elbow), (allowed, backdrop), (hy, hx),
                  rng, grain)


def within_person(rows: NDArray[np.intp], arm: tuple[F32, F32], person: Mask, side: int,
                  sw: float) -> tuple[F32, F32]:
    """The arm's per-row (centre x, half width) with its outer edge (on ``side``) kept
    inside the ``person`` (HxW bool) by a smooth curve: where the outline passes the
    person's edge (the old sleeve's jagged silhouette), it is pulled in by the overshoot's
    running maximum (over ``EDGE_SIGMA`` shoulder widths) smoothed along the rows, at most
    ``EDGE_PULL`` of the half width; the inner edge stays. Clipped to the sleeve's
    pixels instead, the outline followed its segmentation's stairs, with a hard edge and
    specks of background between them."""
    centre, half = arm
    outer = centre + side * half
    over = np.zeros(len(rows), np.float32)
    for i, y in enumerate(rows):
        x = int(np.clip(round(float(centre[i])), 0, person.shape[1] - 1))
        if not person[y, x]:
            continue
        edge = x + side * (_run_length(person[y], x, side) - 1)
        over[i] = max(0.0, side * (float(outer[i]) - edge) + EDGE_MARGIN)
    sigma = max(2.0, EDGE_SIGMA * sw)
    pull = maximum_filter1d(over, 2 * int(sigma) + 1)
    pull = cv2.GaussianBlur(pull.reshape(-1, 1), (1, 0), sigma).ravel()
    pull = np.minimum(np.maximum(pull, over), EDGE_PULL * half)
    return ((centre - side * pull / 2).astype(np.float32),
            (half - pull / 2).astype(np.float32))


def hand_top(hand: tuple[NDArray[np.intp], NDArray[np.intp]], sw: float) -> (
        tuple[float, float, float]):
    """(row, centre x, half width) of the top of a hand (its skin pixels ``hand``: ys,
    xs): the median left and right ends of its rows within ``HAND_BAND`` shoulder widths
    of its first row, at that band's middle row."""
    hy, hx = hand
    top = int(hy.min())
    depth = max(2, int(HAND_BAND * sw))
    lefts, rights = [], []
    for y in range(top, top + depth):
        xs = hx[hy == y]
        if len(xs):
            lefts.append(float(xs.min()))
            rights.append(float(xs.max()))
    left, right = float(np.median(lefts)), float(np.median(rights))
    return top + depth / 2.0, (left + right) / 2.0, (right - left + 1) / 2.0


def meet_hand(rows: NDArray[np.intp], arm: tuple[F32, F32], top: tuple[float, float, float],
              sw: float, backdrop: NDArray[np.bool_] | None = None) -> tuple[F32, F32]:
    """The arm's per-row (centre x, half width) going smoothly (smoothstep over
    ``HAND_REACH`` shoulder widths) to the span of the hand's ``top`` (:func:`hand_top`;
    half width at most ``HAND_HALF`` shoulder widths), all the way at its row and below:
    the wrist as wide as the hand it joins, no ledge of background beside it. An edge of
    the arm past the hand's is kept (a flared cuff: the old bottom's or the hand's rim,
    which only the arm repaints) unless mostly ``backdrop`` there (the hand's row,
    ``backdrop`` a W bool row: background the hand's mask took in). A hand away from the
    arm (its centre beyond the arm's edge) is not met."""
    centre, half = arm
    row, hx, hh = top
    k = int(np.argmin(np.abs(rows - row)))
    if abs(hx - float(centre[k])) > float(half[k]) + 0.05 * sw:
        return centre, half
    u = np.clip((rows - (row - HAND_REACH * sw)) / max(HAND_REACH * sw, 1.0), 0.0, 1.0)
    w = (u * u * (3.0 - 2.0 * u)).astype(np.float32)
    hh = min(hh, HAND_HALF * sw)
    lo, hi = centre - half, centre + half
    want_lo, want_hi = hx - hh, hx + hh
    a, b = float(lo[k]), float(hi[k])
    if not _backdrop(backdrop, a, want_lo):
        want_lo = min(want_lo, a)
    if not _backdrop(backdrop, want_hi, b):
        want_hi = max(want_hi, b)
    lo = (1 - w) * lo + w * want_lo
    hi = (1 - w) * hi + w * want_hi
    return ((lo + hi) / 2).astype(np.float32), ((hi - lo) / 2).astype(np.float32)


def _backdrop(row: NDArray[np.bool_] | None, x0: float, x1: float) -> bool:
    """Whether the pixels of ``row`` in [x0, x1) are mostly True (False when none)."""
    if row is None or x1 - x0 < 1:
        return False
    seg = row[max(0, round(x0)):max(0, round(x1))]
    return bool(len(seg)) and float(seg.mean()) > 0.5


def _holes(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The 4-connected holes of ``mask`` (2-D bool) under ``PINHOLE`` pixels."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats((~mask).astype(np.uint8),
                                                           connectivity=4)
    h, w = mask.shape
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    small = (stats[:, cv2.CC_STAT_AREA] < PINHOLE) & (x > 0) & (y > 0) & \
        (x + stats[:, cv2.CC_STAT_WIDTH] < w) & (y + stats[:, cv2.CC_STAT_HEIGHT] < h)
    out: NDArray[np.bool_] = small[labels] & ~mask
    return out


def _backdrop_row(body: Body, hand: tuple[NDArray[np.intp], NDArray[np.intp]],
                  row: int) -> NDArray[np.bool_]:
    """W bool: in image ``row``, outside the person or in the hands' skin mask but not
    among the hand's own skin pixels ``hand`` (ys, xs: greyish ones left out, the
    backdrop the skin model took in beside the hand)."""
    row = int(np.clip(row, 0, body.person.shape[0] - 1))
    own = np.zeros(body.person.shape[1], bool)
    own[hand[1][hand[0] == row]] = True
    out: NDArray[np.bool_] = ~body.person[row] | (body.hands[row] & body.skin[row] & ~own)
    return out


def _cuff_rim(body: Body, hand: tuple[NDArray[np.intp], NDArray[np.intp]], depth: int) -> (
        Mask):
    """The cuff at the top of the ``hand`` (its skin pixels: ys, xs): the hands' non-skin
    rim (their mask is grown by 2 px, so the dark cuff's edge is in it) and their skin
    pixels next to the cuff (``CUFF_MIX`` px: mixed with it, a dark line along the
    wrist), down to ``depth`` rows below the hand's top in their own column (the hand's
    first row where none of its column is seen: a hand's top is slanted, one bound for all
    its columns left the mixed row under the cuff's lower end); and every person pixel off
    the hands within ``depth`` rows above that top (the cuff's edge that neither the old
    top's nor the hands' mask took in: left, it showed as dark specks or, painted as
    background, as a notch of backdrop beside the wrist)."""
    hy, hx = hand
    out: Mask = np.zeros(body.hands.shape, bool)
    h_img, w_img = out.shape
    first = np.full(w_img, int(hy.min()), np.intp)
    tops = np.full(w_img, h_img, np.intp)
    np.minimum.at(tops, hx, hy)
    first = np.where(tops < h_img, tops, first)
    rows = np.arange(h_img)[:, None]
    out |= body.person & ~body.hands & (rows >= first[None] - depth) & (rows < first[None])
    bottom = int(first.max()) + depth
    if not body.hands[:max(0, bottom)].any():
        return out
    r = CUFF_MIX + 2                                          # past the hands' 2 px too
    x, y, w, h = cv2.boundingRect(body.hands[:max(0, bottom)].astype(np.uint8))
    box = np.s_[max(0, y - r):y + h, max(0, x - r):x + w + r]
    cuff = (body.old_top & ~body.hands)[box].astype(np.uint8)
    by_cuff = cv2.dilate(cuff, np.ones((2 * r + 1,) * 2, np.uint8)) > 0
    out[box] |= body.hands[box] & (~body.skin[box] | by_cuff)
    out &= rows < first[None] + depth
    return out


def end_tones(img: NDArray[np.uint8], body: Body,
              hand: tuple[NDArray[np.intp], NDArray[np.intp]]) -> tuple[F32, F32]:
    """(hand's median RGB, visible body skin's median RGB: neck, chest, no face, no hands;
    the hand's when under ``MIN_HAND`` pixels of it show)."""
    tone = np.median(img[hand].astype(np.float32), axis=0).astype(np.float32)
    body_skin = body.skin & ~body.head & ~body.hands & ~body.arms
    if int(body_skin.sum()) < MIN_HAND:
        return tone, tone
    return tone, np.median(img[body_skin].astype(np.float32), axis=0).astype(np.float32)


def along_arm(rows: NDArray[np.intp], ys: NDArray[np.intp], elbow: float,
              tones: tuple[F32, F32], sw: float) -> tuple[F32, F32]:
    """(Nx3 RGB tone, N brightness factor) at pixel rows ``ys`` of an arm painted over
    ``rows``: the hand's share of the tone (``tones``: hand, body skin) going linearly from
    ``HAND_SHARE[0]`` at the top row to ``HAND_SHARE[1]`` at the last (halfway at the
    middle: hands are redder than upper arms), the upper arm like the shoulder, the forearm
    like the hand;
    and a soft dip of ``ELBOW_SHADE`` at row ``elbow`` (Gaussian, ``ELBOW_SIGMA``
    shoulder widths)."""
    u = (ys - float(rows[0])) / max(float(rows[-1] - rows[0]), 1.0)
    share = (HAND_SHARE[0] + (HAND_SHARE[1] - HAND_SHARE[0]) * np.clip(u, 0.0, 1.0))[:, None]
    tone = (share * tones[0][None] + (1.0 - share) * tones[1][None]).astype(np.float32)
    dip = ELBOW_SHADE * np.exp(-0.5 * ((ys - elbow) / max(ELBOW_SIGMA * sw, 1.0)) ** 2)
    return tone, (1.0 - dip).astype(np.float32)


def _rounded(q: F32, inside: Mask, backdrop: Mask, half: F32) -> F32:
    """Brightness factor (<= 1, rows x columns) that darkens the arm ``inside`` toward the
    ``backdrop`` (pixels that will show the background) as across it: the frontal
    cylinder shading (:func:`armsynth.shading`) at the pixel's nearness to the backdrop
    (1 - distance over the row's ``half`` width, softened by ``ROUND_BLUR``) over that at
    its offset ``q``, where the nearness is the larger. Where the outline turns across the
    rows (the shoulder's top), the skin darkens toward it, not only sideways."""
    edge = backdrop & ~inside
    out: F32 = np.ones(q.shape, np.float32)
    if not edge.any():
        return out
    dist = cv2.distanceTransform((~edge).astype(np.uint8), cv2.DIST_L2, 3)
    near = np.clip(1.0 - dist / np.maximum(half[:, None], 1.0), 0.0, 1.0).astype(np.float32)
    # softened where the backdrop ends beside the arm (the new garment over the shoulder):
    # no crease round the end of its edge
    near = np.asarray(cv2.GaussianBlur(near, (0, 0),
                                       max(1.0, ROUND_BLUR * float(np.median(half)))),
                      np.float32)
    across = np.minimum(np.abs(q), 1.0).astype(np.float32)
    zero = np.zeros(q.shape, np.float32)
    out = (shading(np.maximum(across, near), zero, WRAP, COLUMN_AMBIENT) /
           shading(across, zero, WRAP, COLUMN_AMBIENT)).astype(np.float32)
    return out


def _paint(img: NDArray[np.uint8], body: Body,
           arm: tuple[NDArray[np.intp], F32, F32, F32, float],
           masks: tuple[Mask, Mask], hand: tuple[NDArray[np.intp], NDArray[np.intp]],
           rng: np.random.Generator, grain: bool) -> ArmPaint | None:
    """Cylinder-shaded skin over the per-row arm (rows, centre x, half width, the half
    width it is shaded across: the rounded shoulder's top is no edge where it meets the
    torso's painted skin, elbow row) on the ``allowed`` pixels (``masks``: allowed, and
    the backdrop beside the arm that its outline darkens toward, :func:`_rounded`), its
    tone and brightness varying along it (:func:`along_arm`)."""
    rows, centre, half, flat, elbow = arm
    allowed, backdrop = masks
    # only the columns the arm can reach (|x - centre| <= half + 1 px)
    b0 = max(0, int(np.floor((centre - half).min())) - 2)
    b1 = min(img.shape[1], int(np.ceil((centre + half).max())) + 3)
    xs_all = np.arange(b0, b1, dtype=np.float32)
    rel = (xs_all[None, :] - centre[:, None]) / np.maximum(half[:, None], 1.0)
    edge = (half[:, None] - np.abs(xs_all[None, :] - centre[:, None])) / 1.5 + 0.5
    inside = (np.abs(rel) <= 1.0 + 1.0 / np.maximum(half[:, None], 1.0)) & allowed[rows, b0:b1]
    across: F32 = ((xs_all[None, :] - centre[:, None]) / np.maximum(flat[:, None], 1.0)
                   ).astype(np.float32)
    # pinholes of old clothing the arm runs around (not allowed: a hem's rim) are painted
    # too, or they show the background fill as light specks in the arm; never the hand
    inside |= _holes(inside) & ~(body.hands & body.skin)[rows, b0:b1]
    ri, bx = np.nonzero(inside)
    if not len(ri):
        return None
    rim = _rounded(across, inside, backdrop[rows, b0:b1], flat)[ri, bx]
    q, edge, xs = across[ri, bx], edge[ri, bx], bx + b0
    ys = rows[ri]
    light = COLUMN_LIGHT * face_light(img, body)
    shade = shading(q, np.full(len(xs), light, np.float32), WRAP, COLUMN_AMBIENT) * rim
    tone, factor = along_arm(rows, ys, elbow, end_tones(img, body, hand),
                             body.pose.shoulder_width)
    # a hand's creases are coarser than arm skin
    sigma = 0.5 * grain_std(img, *hand) if grain else 0.0
    y0, x0 = int(ys.min()), int(xs.min())
    # the arm's own generator: one draw of the shared one whatever the arm's size (the
    # painting after it, the chest's grain, does not change with the arm's outline)
    rng = np.random.default_rng(int(rng.integers(2**31)))
    noise = rng.normal(0, 1, (int(ys.max()) - y0 + 1, int(xs.max()) - x0 + 1))
    fine = cv2.GaussianBlur(noise.astype(np.float32), (0, 0), 0.7)
    fine = fine[ys - y0, xs - x0] * (sigma / max(float(fine.std()), 1e-3))
    # skin is not one flat tone: a faint low-frequency mottle (+-3%) over the arm
    spots = cv2.GaussianBlur(rng.normal(0, 1, noise.shape).astype(np.float32), (0, 0),
                             max(2.0, 0.03 * body.pose.shoulder_width))
    mottle = 1 + MOTTLE * spots[ys - y0, xs - x0] / max(float(spots.std()), 1e-3)
    rgb = tone * (shade * mottle * factor)[:, None] + fine[:, None]
    alpha = np.clip(edge, 0, 1).astype(np.float32)
    kept = np.zeros(allowed.shape, bool)
    kept[ys[alpha > 0.5], xs[alpha > 0.5]] = True
    return ArmPaint(ys.astype(np.intp), xs.astype(np.intp), rgb.astype(np.float32), alpha,
                    kept, synthetic=True)
