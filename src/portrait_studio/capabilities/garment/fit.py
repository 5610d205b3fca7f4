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

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.geometry import tps_maps
from .pose import Pose
from .shape import GarmentShape, Limb

Point = NDArray[np.float32]
SHOULDER_SPAN = 1.22     # garment shoulder seam span / shoulder joint distance
CHEST_SPAN = 1.05        # visible chest width below the armpits / shoulder joint distance
LENGTH_GAIN = 1.1        # garment length per torso width, relative to the shoulder span
HIP_SPAN = 1.75          # outer hip width / hip joint distance
WAIST_SPAN = 1.6         # trouser waistband width / hip joint distance
WAIST_RISE = 0.2         # waistband height above the hip joints, in torso lengths


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

    def place(self, u: float, v: float, width_gain: float = 1.0) -> Point:
        """Point at height ``v`` px below the shoulder line and relative offset ``u``
        (-1..1 = the body's edges at that height)."""
        half = self.width_at(v) * width_gain / 2
        return (self.origin + self.down * v + self.axis * u * half).astype(np.float32)


def body_frame(pose: Pose) -> Frame:
    """The body frame of a pose."""
    left, right = pose.sides()
    sl, sr = pose.p(left["shoulder"]), pose.p(right["shoulder"])
    hl, hr = pose.p(left["hip"]), pose.p(right["hip"])
    origin = (sl + sr) / 2
    axis = (sr - sl) / max(float(np.linalg.norm(sr - sl)), 1e-6)
    hips = (hl + hr) / 2
    torso = max(float(np.linalg.norm(hips - origin)), 1.0)
    down = (hips - origin) / torso
    hip_span = max(float(np.linalg.norm(hr - hl)) * HIP_SPAN, 0.8 * pose.shoulder_width)
    return Frame(origin.astype(np.float32), axis.astype(np.float32), down.astype(np.float32),
                 pose.shoulder_width * SHOULDER_SPAN, pose.shoulder_width * CHEST_SPAN,
                 hip_span, torso)


def along(chain: list[Point], dist: float) -> tuple[Point, Point]:
    """Point at arc length ``dist`` along a polyline (extended past its end) and the unit
    direction there."""
    for a, b in zip(chain[:-1], chain[1:], strict=True):
        seg = float(np.linalg.norm(b - a))
        d = (b - a) / max(seg, 1e-6)
        if dist <= seg or b is chain[-1]:
            return (a + d * dist).astype(np.float32), d.astype(np.float32)
        dist -= seg
    return chain[-1], np.array([0.0, 1.0], np.float32)


def _normal(d: Point) -> Point:
    return np.array([-d[1], d[0]], np.float32)


def _outward(d: Point, outer_hint: Point) -> Point:
    """Unit normal of direction ``d`` on the side of ``outer_hint``."""
    n = _normal(d)
    return n if float(np.dot(n, outer_hint)) >= 0 else -n


def _limb_pairs(limb: Limb, chain: list[Point], scale: float, start: float, cap: float,
                outer: Point, max_half: float, fracs: tuple[float, ...] = (0.0, 0.5, 1.0)
                ) -> list[tuple[Point, Point]]:
    """(garment, body) pairs along a sleeve or leg at ``fracs`` of its length (centre and
    both edges); the garment's outer edge (``limb.outer_hint``) goes to the body's
    ``outer`` side."""
    g_axis = (limb.end - limb.root) / max(limb.length, 1e-6)
    g_norm = _outward(g_axis, limb.outer_hint)
    total = sum(float(np.linalg.norm(b - a)) for a, b in zip(chain[:-1], chain[1:], strict=True))
    reach = min(start + limb.length * scale, total * cap)
    pairs = []
    for frac in fracs:
        g = limb.root + (limb.end - limb.root) * frac
        b, d = along(chain, start + (reach - start) * frac)
        hw = limb.root_half * (1 - frac) + limb.half_width * frac
        b_norm = _outward(d, outer)
        b_hw = min(hw * scale, max_half)
        pairs.append((g, b))
        pairs.append((g + g_norm * hw, b + b_norm * b_hw))
        pairs.append((g - g_norm * hw, b - b_norm * b_hw))
    return pairs


Pairs = list[tuple[Point, Point]]


def top_pairs(shape: GarmentShape, pose: Pose, fit: Fit) -> dict[str, Pairs]:
    """(garment, body) point pairs for a top or a dress: the torso ("body") and each
    sleeve ("l", "r") separately."""
    frame = body_frame(pose)
    pts = shape.points
    cx = float(pts["neck"][0])
    sh_y = float(pts["shoulder_l"][1] + pts["shoulder_r"][1]) / 2
    scale = frame.shoulder_span * LENGTH_GAIN / max(shape.torso_width, 1.0)
    lift = 0.07 * frame.shoulder_span
    pairs = []
    placed: dict[str, Point] = {}
    for name, g in pts.items():
        v = (float(g[1]) - sh_y) * scale
        v = v * fit.length if v > 0 else v
        u = (float(g[0]) - cx) / (shape.torso_width / 2)
        placed[name] = frame.place(u, v - lift, fit.width)
        pairs.append((g, placed[name]))
    out = {"body": pairs}
    sides = pose.sides()
    for side, idx in (("l", sides[0]), ("r", sides[1])):
        if side in shape.limbs:
            out[side] = _sleeve_pairs(shape, side, idx, pose, frame, placed, scale * fit.width)
    return out


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
    return seam + [(limb.root, chain[0])] + _limb_pairs(
        limb, chain, scale, 0.0, 1.03, outer, 0.2 * pose.shoulder_width, (0.5, 1.0))


def bottom_pairs(shape: GarmentShape, pose: Pose, fit: Fit,
                 waist_y: float | None = None) -> dict[str, Pairs]:
    """(garment, body) point pairs for trousers, shorts or a skirt; the waistband sits
    ``WAIST_RISE`` above the hip joints, or higher up to ``waist_y`` (the top of the old
    bottom) so that no old waistband is left showing."""
    frame = body_frame(pose)
    sides = pose.sides()
    hip_joint = float(np.linalg.norm(pose.p(sides[1]["hip"]) - pose.p(sides[0]["hip"])))
    waist_w = max(hip_joint * WAIST_SPAN, 0.75 * pose.shoulder_width) * fit.width
    scale = waist_w / max(shape.torso_width, 1.0)
    pts = shape.points
    top, cx = float(pts["waist_c"][1]), float(pts["waist_c"][0])
    rise = WAIST_RISE * frame.torso_len
    if waist_y is not None:
        hip_y = float(frame.origin[1] + frame.down[1] * frame.torso_len)
        rise = float(np.clip(hip_y - waist_y, rise, 0.45 * frame.torso_len))
    origin = frame.origin + frame.down * (frame.torso_len - rise)
    pairs = []
    for name, g in pts.items():
        v = (float(g[1]) - top) * scale * (fit.length if name.startswith("hem") else 1.0)
        pairs.append((g, (origin + frame.down * v + frame.axis * (float(g[0]) - cx) * scale
                          ).astype(np.float32)))
    if shape.limbs:
        pairs = [p for p in pairs if not _name_of(pts, p[0]).startswith("hem")]
    for side, idx in (("l", sides[0]), ("r", sides[1])):
        if side in shape.limbs:
            chain = [pose.p(idx["hip"]), pose.p(idx["knee"]), pose.p(idx["ankle"])]
            start = (float(shape.limbs[side].root[1]) - top) * scale - rise
            sign = -1.0 if side == "l" else 1.0
            pairs += _limb_pairs(shape.limbs[side], chain, scale * fit.length, max(start, 0.0),
                                 1.06, frame.axis * sign, 0.5 * pose.shoulder_width)
    return {"body": pairs}


def _name_of(pts: dict[str, Point], g: Point) -> str:
    return next((n for n, p in pts.items() if p is g), "")


@dataclass(frozen=True)
class Warped:
    """A garment (or one part of it) warped onto the person photo: ``rgb`` HxWx3 float32
    RGB 0..255, ``alpha`` HxW float32 0..1."""

    rgb: NDArray[np.float32]
    alpha: NDArray[np.float32]


def warp_garment(image: NDArray[np.uint8], mask: NDArray[np.bool_], pairs: Pairs,
                 shape: tuple[int, int]) -> Warped:
    """Thin-plate-spline warp of a cut-out (HxWx3 uint8 RGB + masks) onto an image of
    ``shape`` so that every garment point of ``pairs`` lands on its body point. Only the
    bounding box of the targets (plus a margin) is computed."""
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
    rgb[box] = cv2.remap(image.astype(np.float32), mx, my, cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
    alpha[box] = np.clip(cv2.remap(mask.astype(np.float32), mx, my, cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=0), 0, 1)
    return Warped(rgb, alpha)


def _dedupe(src: NDArray[np.float32], dst: NDArray[np.float32]) -> tuple[
        NDArray[np.float32], NDArray[np.float32]]:
    keep: list[int] = []
    for i in range(len(dst)):
        if all(float(np.linalg.norm(dst[i] - dst[j])) > 1.5 for j in keep):
            keep.append(i)
    return src[keep], dst[keep]
