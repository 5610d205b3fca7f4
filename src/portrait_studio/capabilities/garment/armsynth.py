"""A whole bare arm where a long sleeve covered all of it (no real arm left to continue).

Tone: the median colour of the hand at the end of this arm (the other hand, then the
visible skin, when it is not seen; never the greyish pixels the hand's skin mask takes in
beside it, :func:`hand_skin`): hands share the arm's sun and undertone, the face is usually
lighter (make-up, more light). Light: the brightness difference between the face's left and
right halves at cheek height gives the side the light comes from (image x); the arm is
shaded as a cylinder lit from that side (Lambert with a soft ambient term and a sheen along
the lit ridge, normalised to median 1 so the arm's median stays the hand's tone). Shape:
the radius tapers shoulder -> mid upper arm -> elbow -> the forearm's muscles -> wrist (a
smooth spline: a natural outline, not a capsule); given the old sleeve, the outline is
fitted into its silhouette (:mod:`armoutline`). Texture: a faint low-frequency mottle and
(unless left to :mod:`armskin`) a fine grain matched to the hand's fine-detail std. Images
HxWx3 uint8 RGB, masks HxW bool, points (x, y) float32 pixels.
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator

from ...imaging.color import rgb_to_lab
from .armoutline import STEPS, ArmOutline, frames, sleeve_outline
from .armpaint import ArmPaint, grain_std
from .body import Body

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Point = NDArray[np.float32]
# radius x shoulder width at fractions of the upper arm (0..1) and forearm (1..2)
# (deltoid, biceps narrowing to the elbow, the forearm's muscles just below it, the wrist;
# a smooth monotone spline through them: curved sides, no straight tube)
TAPER_AT = (0.0, 0.15, 0.45, 0.8, 1.0, 1.25, 1.6, 2.0)
TAPER_R = (0.12, 0.118, 0.1, 0.08, 0.072, 0.08, 0.07, 0.055)
AMBIENT = 0.45            # share of the shading that does not depend on the light
SHEEN = 0.06              # a soft sheen along the ridge facing the light (skin's gloss)
SHEEN_POWER = 10          # its narrowness (power of the Lambert term)
LIGHT_GAIN = 0.8          # how far (0..1) the light swings to the side for a clear face cue
MIN_HAND = 60
END_FREE = 0.3           # chain positions: a painted part stopping this far inside the
                          # chain's ends gets a round end over the room beyond it
JOINT_EASE = 0.15         # chain positions: the light's side across the bone goes from one
                          # bone's to the next over this far each side of a joint (a bent
                          # elbow showed a seam along its bisector)
GREY_SHARE = 0.5          # a "hand" pixel under this share of the hand's median chroma is
                          # no skin (the backdrop, a white cuff, a dark sleeve in its grown rim)


def face_light(img: NDArray[np.uint8], body: Body) -> float:
    """Side of the light in image x (-1 from the left .. 1 from the right, 0 unknown): the
    L* difference of the face skin's right and left halves at cheek height, / 12."""
    face = body.skin & body.head
    ys, xs = np.nonzero(face)
    if len(ys) < 200:
        return 0.0
    y0, y1 = np.percentile(ys, [35, 75])
    cx = float(np.median(xs))
    band = (ys >= y0) & (ys <= y1)
    lum = rgb_to_lab(img[ys[band], xs[band]].reshape(-1, 1, 3))[:, 0, 0]
    left, right = lum[xs[band] < cx - 2], lum[xs[band] > cx + 2]
    if len(left) < 30 or len(right) < 30:
        return 0.0
    return float(np.clip((np.median(right) - np.median(left)) / 12.0, -1.0, 1.0))


def hand_skin(img: NDArray[np.uint8], hand: Mask) -> Mask:
    """``hand`` (HxW bool: a hand's skin as segmented) without its greyish pixels: Lab
    chroma under ``GREY_SHARE`` of the median chroma of ``hand`` (the chroma model takes in
    a pale backdrop or cuff beside a hand, whose colour is no skin's)."""
    ys, xs = np.nonzero(hand)
    if not len(ys):
        return hand
    lab = rgb_to_lab(img[ys, xs].reshape(-1, 1, 3))[:, 0]
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    keep = chroma >= GREY_SHARE * float(np.median(chroma))
    out: Mask = np.zeros(hand.shape, bool)
    out[ys[keep], xs[keep]] = True
    return out


def hand_pixels(img: NDArray[np.uint8], body: Body, wrist: Point, trusted: Mask) -> tuple[
        NDArray[np.intp], NDArray[np.intp]]:
    """Skin pixels of the hand at ``wrist`` (within 0.4 shoulder widths; no greyish ones:
    :func:`hand_skin`) when at least ``MIN_HAND`` of them lie inside it (not on its
    outline: a hand hidden under the other arm leaves only slivers near its wrist, the
    skin mask's fringe along a white cuff, a watch's rim, a tie), else of both hands, else
    the ``trusted`` skin."""
    hands = hand_skin(img, body.hands & body.skin)
    ys, xs = np.nonzero(hands)
    near = np.hypot(xs - wrist[0], ys - wrist[1]) < 0.4 * body.pose.shoulder_width
    inner = cv2.erode(hands.astype(np.uint8), np.ones((3, 3), np.uint8))[ys, xs] > 0
    if (near & inner).sum() >= MIN_HAND:
        return ys[near], xs[near]
    if len(ys) >= MIN_HAND:
        return ys, xs
    ty, tx = np.nonzero(trusted)
    return ty, tx


def _chain_coords(ys: NDArray[np.intp], xs: NDArray[np.intp], chain: list[Point]) -> tuple[
        F32, F32, F32]:
    """Per pixel: position along the chain in segment units (0..1 upper arm, 1..2
    forearm), signed offset across its nearest bone (px) and that bone's across-x. Past
    the elbow on the outside of its bend (nearest the joint itself) the offset is the
    distance to the joint: the arm's outline goes round the elbow, not on along the upper
    arm's line (a bent arm's upper arm ran on past the forearm)."""
    px, py = xs.astype(np.float32), ys.astype(np.float32)
    best = np.full(len(px), np.inf, np.float32)
    pos, off, across_x = (np.zeros(len(px), np.float32) for _ in range(3))
    dirs = [(b - a) / max(float(np.linalg.norm(b - a)), 1e-6) for a, b in pairwise(chain)]
    for k, (a, b) in enumerate(pairwise(chain)):
        seg = b - a
        n = max(float(np.linalg.norm(seg)), 1e-6)
        d = dirs[k]
        raw = ((px - a[0]) * d[0] + (py - a[1]) * d[1]) / n
        s = np.clip(raw, 0, 1)
        o = (px - a[0]) * -d[1] + (py - a[1]) * d[0]
        dist = np.hypot(px - a[0] - s * seg[0], py - a[1] - s * seg[1])
        for joint, other, turn in ((raw > 1, k + 1, -1.0), (raw < 0, k - 1, 1.0)):
            if not 0 <= other < len(dirs):
                continue
            # the outside of the bend: away from where the other bone goes
            side = turn * float(dirs[other] @ np.array([-d[1], d[0]], np.float32))
            sign = np.sign(side) if abs(side) > 1e-3 else np.sign(o)
            o = np.where(joint, sign * dist, o)
        closer = dist < best
        best = np.where(closer, dist, best)
        pos = np.where(closer, k + s, pos)
        off = np.where(closer, o, off)
        across_x = np.where(closer, -d[1], across_x)
    for j in range(1, len(dirs)):   # the light's side eased across each joint
        f = np.clip((pos - j + JOINT_EASE) / (2 * JOINT_EASE), 0, 1).astype(np.float32)
        near = np.abs(pos - j) < JOINT_EASE
        across_x = np.where(near, -dirs[j - 1][1] * (1 - f) - dirs[j][1] * f, across_x)
    return pos, off, across_x.astype(np.float32)


def shading(q: F32, light_x: F32, wrap: float = 0.0, ambient: float = AMBIENT) -> F32:
    """Cylinder shading (median 1 over ``|q| <= 1``) at normalised offsets ``q`` (-1..1
    across the arm) for a light whose component along the offset axis is ``light_x``
    (-1..1): Lambert, wrapped by ``wrap`` (a soft studio light reaches round the arm: the
    brightest band is its middle, turned toward the light, and both sides darken, the one
    away from it more) over an ``ambient`` share, with a soft sheen along the ridge that
    faces the light. The
    median, not the mean: most of an arm is its lit middle, the dark rims are thin, and
    the tone it keeps is a hand's median (a mean-1 arm looked paler than it)."""
    lp = np.clip(light_x, -0.95, 0.95)
    qc = np.clip(q, -1.0, 1.0)
    ndotl = qc * lp + np.sqrt(1 - qc * qc) * np.sqrt(1 - lp * lp)
    lit = np.clip((ndotl + wrap) / (1 + wrap), 0, 1)
    shade = ambient + (1 - ambient) * lit + SHEEN * lit ** SHEEN_POWER
    inside = np.abs(q) <= 1
    mid = float(np.median(shade[inside])) if inside.any() else 1.0
    out: F32 = (shade / max(mid, 1e-3)).astype(np.float32)
    return out


def _texture(ys: NDArray[np.intp], xs: NDArray[np.intp], sigmas: tuple[float, float],
             rng: np.random.Generator) -> tuple[F32, F32]:
    """(mottle ~N(0, 1) smoothed over ``sigmas[1]`` px, grain of std ``sigmas[0]``) at the
    pixels."""
    sigma = sigmas[0]
    y0, x0 = int(ys.min()), int(xs.min())
    shape = (int(ys.max()) - y0 + 1, int(xs.max()) - x0 + 1)
    mottle = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), sigmas[1])
    grain = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), 0.7)
    m = mottle[ys - y0, xs - x0] / max(float(mottle.std()), 1e-3)
    g = grain[ys - y0, xs - x0] * (sigma / max(float(grain.std()), 1e-3))
    return m.astype(np.float32), g.astype(np.float32)


def synth_arm(img: NDArray[np.uint8], body: Body, chain: list[Point], part: Mask,
              trusted: Mask, rng: np.random.Generator, grain: bool = True,
              sleeve: Mask | None = None, room: Mask | None = None) -> ArmPaint | None:
    """A whole arm painted over ``part`` (the uncovered old sleeve over the arm along
    ``chain`` shoulder, elbow, wrist), or None when ``part`` is empty or no skin is seen.
    Without ``grain`` the fine grain is left out (:mod:`armskin` adds the skin's own).
    ``sleeve`` (HxW bool, the old top): the arm's outline follows its silhouette
    (:func:`armoutline.sleeve_outline`) instead of the taper along the bones; ``room``
    (HxW bool): more pixels it may take beside ``part`` (never beyond ``part``'s reach
    along the bones)."""
    ys, xs = np.nonzero(part)
    hy, hx = hand_pixels(img, body, chain[-1], trusted)
    if not len(ys) or len(hy) < MIN_HAND:
        return None
    sw = body.pose.shoulder_width
    pos, off, across_x = _chain_coords(ys, xs, chain)
    outline = _outline(chain, sw, sleeve)
    ends: list[tuple[Point, float, NDArray[np.bool_]]] = []
    if room is not None:
        ys, xs, (pos, off, across_x), ends = _widened(ys, xs, pos, room & ~part, chain,
                                                      outline)
    centre, radius = outline.at(pos)
    off = off - centre
    q = off / radius
    alpha = np.clip((radius - np.abs(off)) / 1.5 + 0.5, 0, 1).astype(np.float32)
    for point, r, cap in ends:      # a round end (a half disc), shaded round too
        d = np.hypot(xs[cap] - point[0], ys[cap] - point[1]).astype(np.float32)
        alpha[cap] = np.minimum(alpha[cap], np.clip((r - d) / 1.5 + 0.5, 0, 1))
        q[cap] = np.copysign(np.maximum(np.abs(q[cap]), d / r), q[cap])
    shade = shading(q, across_x * LIGHT_GAIN * face_light(img, body))
    tone = np.median(img[hy, hx].astype(np.float32), axis=0)
    mottle, fine = _texture(ys, xs, (grain_std(img, hy, hx) if grain else 0.0,
                                     max(5.0, 0.03 * sw)), rng)
    rgb = tone[None] * (shade * (1 + 0.03 * mottle))[:, None] + fine[:, None]
    kept = np.zeros(part.shape, bool)
    kept[ys[alpha > 0], xs[alpha > 0]] = True
    return ArmPaint(ys, xs, rgb.astype(np.float32), alpha, kept, synthetic=True)


def _widened(ys: NDArray[np.intp], xs: NDArray[np.intp], pos: F32, room: Mask,
             chain: list[Point], outline: ArmOutline) -> tuple[
        NDArray[np.intp], NDArray[np.intp], tuple[F32, F32, F32],
        list[tuple[Point, float, NDArray[np.bool_]]]]:
    """The pixels (ys, xs) and those of ``room`` within their span along the chain
    (positions ``pos``, 1st to 99th percentile; never beyond the chain's ends), with their
    chain coordinates; past an end of the span that lies ``END_FREE`` or more inside the
    chain (the part stops short of the elbow or the wrist: a new sleeve covers the arm
    beyond along the bone), the ``room`` pixels within the ``outline``'s radius of its
    centre there, as (centre point, radius, N bool: those of the returned pixels) per end:
    a round end, not a straight cut across the arm."""
    lo, hi = np.percentile(pos, [1, 99])
    ry, rx = np.nonzero(room)
    rpos = _chain_coords(ry, rx, chain)[0]
    inside = (rpos >= max(lo, 1e-3)) & (rpos <= min(hi, len(chain) - 1 - 1e-3))
    caps: list[tuple[Point, float, NDArray[np.bool_]]] = []
    for end, beyond in ((lo, rpos < lo), (hi, rpos > hi)):
        if not END_FREE <= end <= len(chain) - 1 - END_FREE:
            continue
        c, r = (float(v[0]) for v in outline.at(np.array([end], np.float32)))
        points, normals = frames(chain, np.array([end], np.float32))
        point = (points[0] + c * normals[0]).astype(np.float32)
        near = beyond & (np.hypot(rx - point[0], ry - point[1]) <= r + 1.0)
        inside |= near
        caps.append((point, r, near))
    n = len(ys)
    ys, xs = np.concatenate([ys, ry[inside]]), np.concatenate([xs, rx[inside]])
    ends = [(p, r, np.concatenate([np.zeros(n, bool), near[inside]])) for p, r, near in caps]
    return ys, xs, _chain_coords(ys, xs, chain), ends


def _outline(chain: list[Point], sw: float, sleeve: Mask | None) -> ArmOutline:
    """The arm's outline: the taper along the bones, or fitted into the ``sleeve``."""
    pos = np.linspace(0.0, 2.0, STEPS, dtype=np.float32)
    taper = (PchipInterpolator(TAPER_AT, TAPER_R)(pos) * sw).astype(np.float32)
    if sleeve is None:
        return ArmOutline(pos, np.zeros_like(taper), taper)
    return sleeve_outline(sleeve, chain, taper)
