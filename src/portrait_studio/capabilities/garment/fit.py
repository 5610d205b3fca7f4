"""Where a garment's keypoints go on the body, and the thin-plate-spline warp that takes it
there.

Torso points (neck, shoulders, armpits, waist, hem) are placed in a body frame built from the
pose: origin at the middle of the shoulder joints, ``axis`` along the shoulders, ``down``
toward the hips. A garment point's height below its shoulder line is scaled by the garment ->
body scale; its offset from the centre line is taken relative to the garment's torso width
and laid onto the body's width at that height (shoulder span to hip span), so a flared hem
stays flared and a straight one hugs the body. Sleeves and trouser legs follow the arm and leg
bones by arc length (end, middle, and the two edges of the opening). Bottoms hang from a
waistband placed above the hip joints.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.geometry import tps_maps
from .pose import Pose
from .render import crisp
from .shape import GarmentShape, Limb

Point = NDArray[np.float32]
SHOULDER_SPAN = 1.22     # garment shoulder seam span / shoulder joint distance
CHEST_SPAN = 1.05        # visible chest width below the armpits / shoulder joint distance
LENGTH_GAIN = 1.1        # garment length per torso width, relative to the shoulder span
HIP_SPAN = 1.75          # outer hip width / hip joint distance
WAIST_SPAN = 1.6         # trouser waistband width / hip joint distance
WAIST_RISE = 0.2         # waistband height above the hip joints, in torso lengths
SLEEVELESS_SHOULDER = 0.85  # a sleeveless top's shoulder corners sit inside the seam span
STRAP_AT = 0.34          # a strap's middle sits this many shoulder widths from the centre line
LONG_SLEEVE = 0.8        # a sleeve this share of the arm or longer may pass the elbow
CROTCH_DROP = 0.12       # crotch below the hip joints, in torso lengths
BODYSUIT_HEM = 0.35      # a top whose hem is narrower than this x its torso width: a bodysuit
LONG_TOP = 1.9           # a top longer (shoulder -> hem) than this x its width is long:
REGULAR_HEM = 1.05       # its hem goes at least this many torso lengths down (the hips)
TUNIC_TOP = 2.6          # longer than this x its width: a tunic, its proportions are kept
FULL_LENGTH = 0.85       # a trouser leg reaching this share of the leg goes to the ankle
DRESS_STRETCH = 1.7      # a dress's product photo is this much longer (per width) than the
                         # dress: a mini's and a midi's hems land above the knee, mid-calf
HIP_SPANS = 1.15         # a body's hip joints below its shoulder line, in seam spans ...
LEG_SPANS = 1.9          # ... and its legs' length (hip to ankle)


@dataclass(frozen=True)
class Anchors:
    """Measured on the person (image rows / pixels; None when not found): ``waist_y`` top
    of the old bottom, ``waist_w`` its width, ``hem_y`` lowest row of the old top, ``lift``
    how far the old top reaches above the shoulder joints, ``chest_w`` the old top's
    width across the chest (arms left out), ``inner_w`` its width between the arm zones
    (the room the shoulders of a dress take; ``chest_w`` when None), ``legs`` the rows of
    the hip, knee and ankle joints of the legs seen in the photo (None: none seen)."""

    waist_y: float | None = None
    waist_w: float | None = None
    hem_y: float | None = None
    lift: float | None = None
    chest_w: float | None = None
    inner_w: float | None = None
    legs: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Fit:
    """Fit adjustments from the prompt: width and length multipliers."""

    width: float = 1.0
    length: float = 1.0


@dataclass(frozen=True)
class Frame:
    """Body frame from the pose (image pixels)."""

    origin: Point
    axis: Point
    down: Point
    shoulder_span: float
    chest_span: float
    hip_span: float
    torso_len: float

    def width_at(self, v: float) -> float:
        """Visible body width at ``v`` px below the shoulder line: shoulder span, narrowing
        to the chest below the armpits (28% of the torso), then to the hips."""
        t = float(np.clip(v / max(self.torso_len, 1.0), 0.0, 1.0))
        return float(np.interp(t, [0.0, 0.28, 1.0],
                               [self.shoulder_span, self.chest_span, self.hip_span]))

    def v_of(self, y: float) -> float:
        """Height below the shoulder line (along ``down``) of image row ``y``."""
        return (y - float(self.origin[1])) / max(float(self.down[1]), 1e-3)

    def place(self, u: float, v: float, width_gain: float = 1.0) -> Point:
        """Point at height ``v`` px below the shoulder line and relative offset ``u``
        (-1..1 = the body's edges at that height)."""
        half = self.width_at(v) * width_gain / 2
        point: Point = (self.origin + self.down * v + self.axis * u * half).astype(np.float32)
        return point


def body_frame(pose: Pose) -> Frame:
    """The body frame of a pose."""
    left, right = pose.sides()
    sl, sr = pose.p(left["shoulder"]), pose.p(right["shoulder"])
    hl, hr = pose.p(left["hip"]), pose.p(right["hip"])
    origin = (sl + sr) / 2
    hips = (hl + hr) / 2
    torso = pose.torso_len
    down = (hips - origin) / torso
    axis = _across(sr - sl, down.astype(np.float32), pose.shoulder_width)
    hip_span = max(float(np.linalg.norm(hr - hl)) * HIP_SPAN, 0.8 * pose.shoulder_width)
    return Frame(origin.astype(np.float32), axis.astype(np.float32), down.astype(np.float32),
                 pose.shoulder_width * SHOULDER_SPAN, pose.shoulder_width * CHEST_SPAN,
                 hip_span, torso)


def along(chain: list[Point], dist: float) -> tuple[Point, Point]:
    """Point at arc length ``dist`` along a polyline (extended past its end) and the unit
    direction there."""
    for a, b in pairwise(chain):
        seg = float(np.linalg.norm(b - a))
        d = (b - a) / max(seg, 1e-6)
        if dist <= seg or b is chain[-1]:
            return (a + d * dist).astype(np.float32), d.astype(np.float32)
        dist -= seg
    return chain[-1], np.array([0.0, 1.0], np.float32)


def quarter_turn(d: Point) -> Point:
    """``d`` turned a quarter, (x, y) -> (-y, x): its normal on the left."""
    return np.array([-d[1], d[0]], np.float32)


def _outward(d: Point, outer_hint: Point) -> Point:
    """Unit normal of direction ``d`` on the side of ``outer_hint``."""
    n = quarter_turn(d)
    return n if float(np.dot(n, outer_hint)) >= 0 else -n


def _limb_pairs(limb: Limb, chain: list[Point], scale: float, start: float, cap: float,
                outer: Point, max_half: float, fracs: tuple[float, ...] = (0.0, 0.5, 1.0),
                wscale: float | None = None) -> list[tuple[Point, Point]]:
    """(garment, body) pairs along a sleeve or leg at ``fracs`` of its length (centre and
    both edges); the garment's outer edge (``limb.outer_hint``) goes to the body's
    ``outer`` side."""
    g_axis = (limb.end - limb.root) / max(limb.length, 1e-6)
    g_norm = _outward(g_axis, limb.outer_hint)
    total = sum(float(np.linalg.norm(b - a)) for a, b in pairwise(chain))
    reach = min(start + limb.length * scale, total * cap)
    pairs = []
    for frac in fracs:
        g = limb.root + (limb.end - limb.root) * frac
        b, d = along(chain, start + (reach - start) * frac)
        hw = limb.root_half * (1 - frac) + limb.half_width * frac
        b_norm = _outward(d, outer)
        b_hw = min(hw * (scale if wscale is None else wscale), max_half)
        pairs.append((g, b))
        pairs.append((g + g_norm * hw, b + b_norm * b_hw))
        pairs.append((g - g_norm * hw, b - b_norm * b_hw))
    return pairs


Pairs = list[tuple[Point, Point]]


def top_pairs(shape: GarmentShape, pose: Pose, fit: Fit,
              anchors: Anchors | None = None) -> dict[str, Pairs]:
    """(garment, body) point pairs for a top or a dress: the torso ("body") and each
    sleeve ("l", "r") separately. Below the armpits a top's length is refitted so its hem
    lands on the old top's hem (unless it is clearly long or cropped); a dress's waist
    lands on the natural waist and its skirt keeps its proportions (its hem, when legs are
    seen, where the dress's length puts it on them: :func:`_dress_hem_y`)."""
    frame = body_frame(pose)
    pts = shape.points
    cx = float(pts["neck"][0])
    sh_y = float(pts["shoulder_l"][1] + pts["shoulder_r"][1]) / 2
    scale = frame.shoulder_span * LENGTH_GAIN / max(shape.torso_width, 1.0)
    anchors = anchors or Anchors()
    lift = 0.07 * frame.shoulder_span
    if anchors.lift is not None:
        lift = float(np.clip(anchors.lift + 2.0, 0.04 * frame.shoulder_span,
                             0.2 * frame.shoulder_span))
    knots = _length_knots(shape, frame, scale, sh_y, lift, anchors)
    gain = fit.width * _bodice_gain(shape, frame, anchors.chest_w)
    # a dress's shoulders stay between the arms: widened to the chest of a slim woman
    # whose bare arms hang against it, they lay a cap over the tops of her arms; the fit's
    # width leaves them where they are (the fabric lies on the shoulders): moved out with
    # it, a loose tee's sleeves hung from corners in the air: wings over the backdrop
    # above the shoulders (model_1 3247 px, 049205 1692 px); a tight one's left a slit of
    # old top between sleeve and arm
    inner = anchors.chest_w if anchors.inner_w is None else anchors.inner_w
    shoulder_gain = _bodice_gain(shape, frame, inner)
    pairs = []
    placed: dict[str, Point] = {}
    for name, g in pts.items():
        v = _remap((float(g[1]) - sh_y) * scale, knots)
        v = v * fit.length if v > 0 else v
        u = (float(g[0]) - cx) / (shape.torso_width / 2)
        if not shape.limbs and name.startswith("shoulder"):
            u = _strap_u(u) if shape.strap_width else u * SLEEVELESS_SHOULDER
        placed[name] = frame.place(u, v - lift, shoulder_gain if name.startswith("shoulder")
                                   else gain)
        pairs.append((g, placed[name]))
    out = {"body": pairs}
    sides = pose.sides()
    for side, idx in (("l", sides[0]), ("r", sides[1])):
        if side in shape.limbs:
            out[side] = _sleeve_pairs(shape, side, idx, pose, frame, placed, scale * fit.width)
    return out


Knots = tuple[float, float, float]


def _strap_u(u: float) -> float:
    """A strap's relative offset on the body: its middle ``STRAP_AT`` shoulder widths from
    the centre line (on the top of the shoulder, between the neck and the joint), on the
    side of the garment's offset ``u``."""
    return float(np.sign(u)) * STRAP_AT * 2 / SHOULDER_SPAN


def _bodice_gain(shape: GarmentShape, frame: Frame, width: float | None) -> float:
    """Width factor for a dress's bodice: the old top's measured ``width`` (plus 4% ease)
    over the model chest width, within 0.72..1.05; 1 for tops or without a width."""
    if shape.kind != "full" or width is None:
        return 1.0
    return float(np.clip(width * 1.04 / max(frame.chest_span, 1.0), 0.72, 1.05))


def _remap(v: float, knots: Knots) -> float:
    """Piecewise-linear length map below the shoulder line: factor ``k1`` down to ``a``
    (garment px below the shoulders, scaled), ``k2`` below it."""
    a, k1, k2 = knots
    if v <= 0:
        return v
    return v * k1 if v <= a else a * k1 + (v - a) * k2


def _length_knots(shape: GarmentShape, frame: Frame, scale: float, sh_y: float, lift: float,
                  anchors: Anchors) -> Knots:
    """A top's hem goes to the old top's hem (else 0.9 torso lengths), a long top's at least
    to the hips (1.05 torso lengths), unless the top is a tunic or clearly cropped: at most
    25% of that from above the armpits, the rest below;
    a dress's waist goes to the natural waist, its skirt keeps its proportions, or with
    legs seen (``anchors.legs``) is scaled to end where the dress's length says
    (:func:`_dress_hem_y`; 0.3-1.3 of its own scale)."""
    pts, t = shape.points, frame.torso_len
    arm = (float(pts["armpit_l"][1] + pts["armpit_r"][1]) / 2 - sh_y) * scale
    old_hem = None if anchors.hem_y is None else frame.v_of(anchors.hem_y)
    if shape.kind == "full":
        waist = (float(pts["waist_l"][1] + pts["waist_r"][1]) / 2 - sh_y) * scale
        goal = old_hem if old_hem is not None and 0.45 * t <= old_hem <= 0.75 * t else 0.6 * t
        k1 = float(np.clip((goal + lift) / max(waist, 1.0), 0.7, 1.3))
        hem = (float(pts["hem_c"][1]) - sh_y) * scale
        if anchors.legs is None or hem <= waist + 1.0:
            return (waist, k1, 1.0)
        # the skirt's hem lands on the legs seen where the dress's length says it does
        v = frame.v_of(_dress_hem_y(shape, sh_y, anchors.legs))
        return (waist, k1, float(np.clip((v + lift - waist * k1) / (hem - waist), 0.3, 1.3)))
    hem = (float(pts["hem_c"][1]) - sh_y) * scale
    goal = old_hem if old_hem is not None and 0.5 * t <= old_hem <= 1.1 * t else 0.9 * t
    if bodysuit(shape):     # its crotch goes to the person's, under the bottoms worn with it
        goal = (1 + CROTCH_DROP) * t
    goal = goal + lift
    ratio = hem / max(shape.torso_width * scale, 1.0)
    if ratio > LONG_TOP:   # a full-length top (product photos are often stretched): the hips
        goal = max(goal, REGULAR_HEM * t + lift)
    if ratio > TUNIC_TOP or hem < 0.7 * goal or hem <= arm + 1.0:
        return (arm, 1.0, 1.0)
    k1 = float(np.clip(goal / hem, 0.75, 1.0))
    k2 = max((goal - arm * k1) / (hem - arm), 0.3)
    return (arm, k1, k2)


def _dress_hem_y(shape: GarmentShape, sh_y: float, legs: tuple[float, float, float]) -> float:
    """Image row of a dress's hem on legs whose hip, knee and ankle joints are at rows
    ``legs``: its length below its shoulders in its seam spans, less the photo's
    ``DRESS_STRETCH``, is laid on a body of ``HIP_SPANS`` and ``LEG_SPANS`` as a share of the
    leg (0 at the hips, 1/2 at the knees, 1 at the ankles; at most a little past them)."""
    spans = (float(shape.points["hem_c"][1]) - sh_y) / max(shape.torso_width, 1.0)
    share = float(np.clip((spans / DRESS_STRETCH - HIP_SPANS) / LEG_SPANS, 0.0, 1.05))
    hip, knee, ankle = legs
    return hip + 2 * share * (knee - hip) if share <= 0.5 else \
        knee + (2 * share - 1) * (ankle - knee)


def bodysuit(shape: GarmentShape) -> bool:
    """A top whose hem (its crotch) is narrower than ``BODYSUIT_HEM`` of its torso width
    (the black bodysuit's: 0.15; tees, polos, cardigans, jerseys: 0.66-1.21)."""
    pts = shape.points
    return shape.kind == "top" and \
        float(pts["hem_r"][0] - pts["hem_l"][0]) < BODYSUIT_HEM * shape.torso_width


def _sleeve_pairs(shape: GarmentShape, side: str, idx: dict[str, int], pose: Pose,
                  frame: Frame, placed: dict[str, Point], scale: float) -> Pairs:
    """A sleeve's seam (shoulder corner, armpit) lands where the torso's does; its middle
    and end follow the arm from the seam's centre through elbow and wrist."""
    pts, limb = shape.points, shape.limbs[side]
    seam = [(pts[f"shoulder_{side}"], placed[f"shoulder_{side}"]),
            (pts[f"armpit_{side}"], placed[f"armpit_{side}"])]
    root_body = (seam[0][1] + seam[1][1]) / 2
    chain = [root_body.astype(np.float32), pose.p(idx["elbow"]), pose.p(idx["wrist"])]
    sign = -1.0 if side == "l" else 1.0
    outer = (frame.axis * sign - frame.down).astype(np.float32)
    upper = float(np.linalg.norm(chain[1] - chain[0]))
    total = upper + float(np.linalg.norm(chain[2] - chain[1]))
    cap = 1.03 if limb.length * scale >= LONG_SLEEVE * total else \
        min(1.03, 0.95 * upper / max(total, 1.0))
    return seam + [(limb.root, chain[0])] + _limb_pairs(
        limb, chain, scale, 0.0, cap, outer, 0.2 * pose.shoulder_width, (0.5, 1.0))


def bottom_pairs(shape: GarmentShape, pose: Pose, fit: Fit,
                 anchors: Anchors | None = None) -> dict[str, Pairs]:
    """(garment, body) point pairs for trousers, shorts or a skirt. The waistband's top
    goes to the top of the old bottom (``anchors.waist_y``, else ``WAIST_RISE`` above the
    hip joints) and takes its width (within 0.85-1.3 of a model width); the crotch sits
    ``CROTCH_DROP`` below the hip joints; legs follow hip, knee and ankle, full-length
    ones down to the ankle."""
    anchors = anchors or Anchors()
    frame = body_frame(pose)
    scale = _waist_width(pose, anchors) * fit.width / max(shape.torso_width, 1.0)
    pts = shape.points
    top, cx = float(pts["waist_c"][1]), float(pts["waist_c"][0])
    t = frame.torso_len
    top_v = t * (1 - WAIST_RISE)
    if anchors.waist_y is not None:
        top_v = float(np.clip(frame.v_of(anchors.waist_y) - 0.02 * t, 0.45 * t, 0.95 * t))
    crotch_v = t * (1 + CROTCH_DROP)
    vscale = scale
    if "crotch" in pts:
        rise = max(float(pts["crotch"][1]) - top, 1.0)
        vscale = float(np.clip((crotch_v - top_v) / rise, 0.6 * scale, 2.0 * scale))
    origin = frame.origin + frame.down * top_v
    axis = _hip_axis(pose)
    down = np.array([-axis[1], axis[0]], np.float32)
    down = down if float(np.dot(down, frame.down)) > 0 else -down
    pairs = []
    for name, g in pts.items():
        # with legs, their roots (at the crotch's height) place the crotch: its own point,
        # placed by the rise's scale (held at 0.6 of the width's), landed 53-68 px below
        # them and bent the legs round it (a bump on the inner edge, 11-12 px off a line)
        if shape.limbs and (name.startswith("hem") or name == "crotch"):
            continue
        v = (float(g[1]) - top) * vscale * (fit.length if name.startswith("hem") else 1.0)
        pairs.append((g, (origin + down * v + axis * (float(g[0]) - cx) * scale
                          ).astype(np.float32)))
    spans = _leg_spans(shape, scale, waist_w_of(scale, shape))
    for side, chain in _leg_chains(pose, axis, spans).items():
        if side in shape.limbs:
            pairs += _leg_pairs(shape.limbs[side], chain, scale, fit, crotch_v - t,
                                axis * (-1.0 if side == "l" else 1.0),
                                0.5 * pose.shoulder_width, shape.torso_width)
    return {"body": pairs}


def waist_w_of(scale: float, shape: GarmentShape) -> float:
    """Width of a bottom's waistband on the body (px)."""
    return scale * shape.torso_width


def _leg_spans(shape: GarmentShape, scale: float, waist_w: float) -> tuple[float, ...]:
    """Least distance (px, across the body) between the two legs' hip, knee and ankle
    joints: half the waistband, and at least the garment's own distance between its two
    legs' centre lines at their roots, middles and ends, scaled (``scale``) as their widths
    are: the legs' outer edges stay apart by the garment's gap between them, scaled. Legs
    held together (a woman in a dress, ankles 45 px apart) had their flared trouser legs'
    inner edges laid 4 px apart at the knees and crossed at the hem (their garment points
    31-35 px apart): the warp between them bent both legs into S-shapes (23-24 px off a
    straight line)."""
    least = 0.5 * waist_w
    legs = shape.limbs
    if "l" not in legs or "r" not in legs:
        return (least,) * 3
    left, right = legs["l"], legs["r"]
    return tuple(max(least, abs(float((right.root + (right.end - right.root) * frac)[0] -
                                      (left.root + (left.end - left.root) * frac)[0])) * scale)
                 for frac in (0.0, 0.5, 1.0))


def _leg_chains(pose: Pose, axis: Point, spans: tuple[float, ...]) -> dict[str, list[Point]]:
    """Hip, knee and ankle of each leg ("l", "r" = image sides); joints closer across the
    body than their least distance (``spans``, :func:`_leg_spans`: a side view, crossed
    legs, legs held together) are moved apart to it, half each side of their middle, so
    the two trouser legs never fold over each other."""
    sides = pose.sides()
    chains = {name: [pose.p(idx[k]) for k in ("hip", "knee", "ankle")]
              for name, idx in (("l", sides[0]), ("r", sides[1]))}
    left, right = [], []
    for lp, rp, span in zip(chains["l"], chains["r"], spans, strict=True):
        push = max(0.0, (span - float(np.dot(rp - lp, axis))) / 2)
        left.append((lp - axis * push).astype(np.float32))
        right.append((rp + axis * push).astype(np.float32))
    return {"l": left, "r": right}


def _across(d: Point, down: Point, sw: float) -> Point:
    """Unit vector along ``d`` (left to right joint); perpendicular to ``down`` (pointing
    to image-right) when the joints are too close to give a direction (a side view)."""
    n = float(np.linalg.norm(d))
    if n < 0.5 * sw:
        d = np.array([down[1], -down[0]], np.float32)
        d = d if d[0] >= 0 else -d
        n = float(np.linalg.norm(d))
    return (d / max(n, 1e-6)).astype(np.float32)


def _hip_axis(pose: Pose) -> Point:
    """Unit vector from the image-left to the image-right hip joint (the waistband's
    direction), or across the spine in a side view."""
    left, right = pose.sides()
    frame = body_frame(pose)
    return _across(pose.p(right["hip"]) - pose.p(left["hip"]), frame.down,
                   pose.shoulder_width)


def _waist_width(pose: Pose, anchors: Anchors) -> float:
    sides = pose.sides()
    hip_joint = float(np.linalg.norm(pose.p(sides[1]["hip"]) - pose.p(sides[0]["hip"])))
    model = max(hip_joint * WAIST_SPAN, 0.75 * pose.shoulder_width)
    if anchors.waist_w is None:
        return model
    return float(np.clip(anchors.waist_w * 1.04, 0.85 * model, 1.3 * model))


def _leg_pairs(limb: Limb, chain: list[Point], scale: float, fit: Fit, start: float,
               outer: Point, max_half: float, waist: float) -> Pairs:
    """A trouser leg from ``start`` px below the hip joint along hip, knee and ankle; a leg
    long enough to nearly reach the ankle (or at least 1.3 waistbands long, ``waist`` in
    garment px) is stretched to it."""
    total = sum(float(np.linalg.norm(b - a)) for a, b in pairwise(chain))
    start = max(start, 0.0)
    lscale = scale * fit.length
    long_leg = limb.length * scale >= FULL_LENGTH * (total - start) or \
        limb.length >= 1.3 * waist
    if long_leg and fit.length >= 1.0:
        lscale = (total * 1.03 - start) / max(limb.length, 1.0)
    return _limb_pairs(limb, chain, lscale, start, 1.06, outer, max_half, wscale=scale)


def _name_of(pts: dict[str, Point], g: Point) -> str:
    return next((n for n, p in pts.items() if p is g), "")


@dataclass(frozen=True)
class Warped:
    """A garment (or one part of it) warped onto the person photo: ``rgb`` HxWx3 float32
    RGB 0..255, ``alpha`` HxW float32 0..1."""

    rgb: NDArray[np.float32]
    alpha: NDArray[np.float32]


def warp_garment(image: NDArray[np.uint8], mask: NDArray[np.bool_] | NDArray[np.float32],
                 pairs: Pairs, shape: tuple[int, int]) -> Warped:
    """Thin-plate-spline warp of a cut-out (HxWx3 uint8 RGB + its mask, HxW bool, or its
    coverage, HxW float32 0..1) onto an image of ``shape`` so that every garment point of
    ``pairs`` lands on its body point; the alpha's edges stay sharp where the warp
    magnifies (:func:`.render.crisp`). Only the bounding box of the targets (plus a margin)
    is computed."""
    src = np.array([p[0] for p in pairs], np.float32)
    dst = np.array([p[1] for p in pairs], np.float32)
    src, dst = _dedupe(src, dst)
    h, w = shape
    reach = 0.6 * float(np.ptp(dst, axis=0).max()) + 8
    x0, y0 = np.clip(np.floor(dst.min(0) - reach), 0, [w, h]).astype(int)
    x1, y1 = np.clip(np.ceil(dst.max(0) + reach), 0, [w, h]).astype(int)
    rgb = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return Warped(rgb, alpha)
    mx, my = tps_maps(dst - np.array([x0, y0], np.float32), src, (y1 - y0, x1 - x0), step=8,
                      smoothing=1.0)
    box = np.s_[y0:y1, x0:x1]
    rgb[box], alpha[box] = remapped(image, mask, mx, my)
    return Warped(rgb, alpha)


def remapped(image: NDArray[np.uint8], mask: NDArray[np.bool_] | NDArray[np.float32],
             mx: NDArray[np.float32], my: NDArray[np.float32]) -> tuple[
                 NDArray[np.float32], NDArray[np.float32]]:
    """A cut-out (HxWx3 uint8 RGB + its HxW bool mask or float32 coverage) sampled at the
    maps ``mx``, ``my`` (cut-out px per output px): float32 RGB (edges replicated) and an
    alpha 0..1 (0 off the cut-out) kept sharp where the maps magnify (:func:`.render.crisp`)."""
    rgb = np.asarray(cv2.remap(image.astype(np.float32), mx, my, cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE), np.float32)
    alpha = crisp(np.clip(cv2.remap(mask.astype(np.float32), mx, my, cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_CONSTANT, borderValue=0), 0, 1))
    return rgb, alpha


def _dedupe(src: NDArray[np.float32], dst: NDArray[np.float32]) -> tuple[
        NDArray[np.float32], NDArray[np.float32]]:
    keep: list[int] = []
    for i in range(len(dst)):
        if all(float(np.linalg.norm(dst[i] - dst[j])) > 1.5 for j in keep):
            keep.append(i)
    return src[keep], dst[keep]
