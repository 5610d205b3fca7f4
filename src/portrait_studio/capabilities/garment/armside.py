"""Old clothing around the arms: the torso's side, a strap or a sleeve.

The arm zones are wide (the pose's bones are often off the arm's middle), so on a slim
person whose bare arms hang against a sleeveless top they take in the top's sides. Along
each bone (upper arm, forearm) the arm is seen bare at an arc length when the longest run
of skin across the bone there is about as wide as the arm's wide runs (``BARE_SHARE`` of
their 90th percentile, capped at ``ARM_WIDTH``; at least ``MIN_WIDTH`` shoulder widths) over
``MIN_RUN`` shoulder widths along the bone; old clothing in such a slice is no sleeve, and
beyond the skin on the torso's side, or between its skin pixels (a strap), it is the
torso's side (skin). Beside a hanging arm, away from the torso, an old sleeve is neither arm
nor shoulder (background). A thin piece of old top ringed by skin is a strap, not an arm's
shaded rim. Masks HxW bool, points (x, y) float32 image pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from .body import Body
from .limbs import LimbZone
from .regions import longest_runs, runs
from .reveal import limb_chains

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Point = NDArray[np.float32]
REACH = 0.3          # skin runs are looked for this far (x shoulder width) across the bone
MIN_WIDTH = 0.07     # a bare slice's skin run is at least this wide (x shoulder width)
BARE_SHARE = 0.6     # ... and this share of the arm's wide (90th percentile) runs
ARM_WIDTH = 0.25     # ... counted at most this wide (x shoulder width: wider runs cross
                     # the bare shoulders and chest, not the arm)
MIN_RUN = 0.15       # the arm is seen bare along at least this much of a bone (x shoulder
                     # width) at a time: not a hand resting on a sleeve
HANGING = 0.75       # an upper arm pointing down at least this steeply (y of its direction)
OUTER_FROM = 0.05    # the outer side begins this far along the bone (x shoulder width):
                     # above, the round of the shoulder is skin
SLEEVE_BITS = 0.1    # old top left in a mostly bare arm's zone under this size (squared,
                     # shoulder widths) is no sleeve
FRONTAL = 0.6        # shoulder joints this far apart (x shoulder width): a frontal view
STRAP_RING = 0.75    # a thin piece of old top ringed by this share of skin is a strap
BEFORE = 0.2         # slices start this far (x shoulder width) before the bone's root
GAP = 0.2            # a stretch of narrower arm (x shoulder width along the bone) between two
                     # bare stretches is bare too: the top's side bulging over its inner half
NARROW = 0.5         # ... when its skin runs are at least this share of a bare slice's


def torso_side(part: Mask, skin: Mask, chain: list[Point], centre: Point, sw: float,
               bridge: bool = True) -> tuple[Mask, Mask]:
    """(no sleeve, torso skin): the pixels of ``part`` (old clothing in an arm's zone) in
    the slices across the arm's bones where the arm is seen bare (``skin``), and of those
    the ones beside the upper arm beyond its skin on the side of ``centre`` (a point on the
    torso's centre line) or between skin pixels of their slice (a strap crossing the
    shoulder), within ``REACH`` shoulder widths of the bone. Beside the forearm the old
    clothing can be a loose hem hanging over the hip: no sleeve, but no skin either.
    ``bridge``: a short stretch where the arm shows narrower between two bare ones (the
    top's side bulging over its inner half) is bare too (:func:`_bridged`)."""
    return _torso_sides(part, skin, chain, centre, sw)[bridge]


def _torso_sides(part: Mask, skin: Mask, chain: list[Point], centre: Point, sw: float) -> (
        dict[bool, tuple[Mask, Mask]]):
    """:func:`torso_side` with and without bridging (keyed by ``bridge``), from one
    sampling of the slices (each pixel's result depends on that pixel alone)."""
    out = {bridge: (np.zeros(part.shape, bool), np.zeros(part.shape, bool))
           for bridge in (True, False)}
    ys, xs = np.nonzero(part)
    if not len(ys):
        return out
    pts = np.stack([xs, ys], 1).astype(np.float32)
    best = np.full(len(ys), np.inf, np.float32)
    for i, (a, b) in enumerate(pairwise(chain)):
        t, o = _coords(pts, a, b)
        length = float(np.linalg.norm(b - a))
        near = np.hypot(np.clip(t, 0, length) - t, o) < best
        best = np.where(near, np.hypot(np.clip(t, 0, length) - t, o), best)
        slices = _slices(skin, a, b, centre, sw)
        for bridge, (drop, side) in out.items():
            bare, inner = _classify(t, o, None if slices is None else slices[bridge], length)
            inner &= (np.abs(o) <= REACH * sw) & (i == 0)
            drop[ys[near], xs[near]] = bare[near]
            side[ys[near], xs[near]] = inner[near]
    return out


def _classify(t: F32, o: F32, slices: _Slices | None, length: float) -> tuple[Mask, Mask]:
    """Per point at arc length ``t`` and offset ``o``: whether its slice sees the arm
    bare, and whether it lies beyond the arm's edge on the torso's side or between the
    slice's skin pixels."""
    if slices is None:
        return np.zeros(t.shape, bool), np.zeros(t.shape, bool)
    k = np.clip(np.round(t - slices.start).astype(int), 0, len(slices.edge) - 1)
    bare = (t >= slices.start) & (t <= length) & np.isfinite(slices.edge[k])
    s = slices.sign
    inner = bare & ((s * (o - slices.edge[k]) > 0) |
                    ((o > slices.lo[k]) & (o < slices.hi[k])))
    return bare, inner


def _coords(pts: F32, a: Point, b: Point) -> tuple[F32, F32]:
    """Arc length along and signed offset across the bone a -> b of Nx2 points."""
    d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    rel = pts - a
    return (rel @ d).astype(np.float32), (rel @ np.array([-d[1], d[0]], np.float32)).astype(
        np.float32)


@dataclass(frozen=True)
class _Slices:
    """Per 1 px slice across a bone: ``edge`` offset of the bare arm's edge on the torso's
    side (NaN where the arm is not seen bare), ``lo``/``hi`` the first and last skin offsets
    of the slice; ``sign`` of the offsets toward the torso; ``start`` the arc length of the
    first slice (before the joint: a strap over the top of the shoulder)."""

    edge: F32
    lo: F32
    hi: F32
    sign: float
    start: float


def _slices(skin: Mask, a: Point, b: Point, centre: Point, sw: float) -> (
        dict[bool, _Slices] | None):
    """The slices of the bone a -> b with and without bridging (:func:`_bridged`; keyed by
    it); None for a bone under 2 px or without skin."""
    length = int(np.linalg.norm(b - a))
    if length < 2:
        return None
    d = (b - a) / float(np.linalg.norm(b - a))
    n = np.array([-d[1], d[0]], np.float32)
    sign = 1.0 if float(np.dot(centre - a, n)) >= 0 else -1.0
    ts = np.arange(-int(BEFORE * sw), length, dtype=np.float32)
    os_ = np.arange(-REACH * sw, REACH * sw + 1, 1.0, dtype=np.float32)
    gx = np.round(a[0] + ts[:, None] * d[0] + os_[None, :] * n[0]).astype(int)
    gy = np.round(a[1] + ts[:, None] * d[1] + os_[None, :] * n[1]).astype(int)
    h, w = skin.shape
    ok = (gx >= 0) & (gx < w) & (gy >= 0) & (gy < h)
    grid = np.zeros(gx.shape, bool)
    grid[ok] = skin[gy[ok], gx[ok]]
    spans = longest_runs(grid)
    widths = (spans[:, 1] - spans[:, 0]).astype(np.float32)
    if not (widths > 0).any():
        return None
    wide = min(float(np.percentile(widths[widths > 0], 90)), ARM_WIDTH * sw)
    need = max(MIN_WIDTH * sw, BARE_SHARE * wide)
    edge = np.where(sign > 0, os_[np.maximum(spans[:, 1] - 1, 0)], os_[spans[:, 0]])
    plain = widths >= need
    any_ = grid.any(axis=1)
    lo = np.where(any_, os_[grid.argmax(axis=1)], np.inf).astype(np.float32)
    hi = np.where(any_, os_[len(os_) - 1 - grid[:, ::-1].argmax(axis=1)], -np.inf)
    out = {}
    for bridge in (True, False):
        bare = (_bridged(plain, widths >= NARROW * need, GAP * sw, int(BEFORE * sw))
                if bridge else plain)
        seen = np.where(_long_runs(bare, MIN_RUN * sw), edge, np.nan).astype(np.float32)
        out[bridge] = _Slices(seen, lo, hi.astype(np.float32), sign, float(ts[0]))
    return out


def _bridged(flags: Mask, narrow: Mask, length: float, first: int = 0) -> Mask:
    """``flags`` with its gaps shorter than ``length`` between two True stretches set True
    where every slice of the gap is ``narrow`` (some arm seen across the bone all along),
    for gaps from index ``first`` on (below the joint: over the shoulder, straps)."""
    out = flags.copy()
    for a, b in zip(*runs(~flags), strict=True):
        if max(first, 1) <= a and b < len(flags) and b - a < length and narrow[a:b].all():
            out[a:b] = True
    return out


def _long_runs(flags: Mask, length: float) -> Mask:
    """``flags`` without its runs of True shorter than ``length``."""
    out = flags.copy()
    for a, b in zip(*runs(flags), strict=True):
        if b - a < length:
            out[a:b] = False
    return out


def outer_side(zone: LimbZone, chain: list[Point], centre: Point, sw: float) -> Mask:
    """Pixels beside a hanging arm (its upper arm within ~40 degrees of straight down) on
    the side away from the torso: outside its (fitted) zone, beyond the upper arm's bone
    (``chain``: shoulder, elbow, wrist) away from ``centre`` and farther out (x) than the
    shoulder joint, along the bone from ``OUTER_FROM`` shoulder widths below the joint
    (the round of the shoulder above stays skin) to the elbow. An old sleeve there is
    neither arm nor torso: the background shows."""
    a, b = chain[0], chain[1]
    length = float(np.linalg.norm(b - a))
    d = (b - a) / max(length, 1e-6)
    if length < 2 or d[1] < HANGING:     # a raised arm's far side can be the neck
        return np.zeros(zone.inside.shape, bool)
    n = np.array([-d[1], d[0]], np.float32)
    sign = 1.0 if float(np.dot(centre - a, n)) >= 0 else -1.0
    h, w = zone.inside.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xs - a[0]) * d[0] + (ys - a[1]) * d[1]
    o = ((xs - a[0]) * n[0] + (ys - a[1]) * n[1]) * sign
    lateral = (xs - a[0]) * (1.0 if a[0] >= centre[0] else -1.0) > 0
    out: Mask = ~zone.inside & (o < 0) & lateral & (t > OUTER_FROM * sw) & (t < length)
    return out


def _centre(body: Body) -> NDArray[np.float32]:
    """The middle of the shoulder and hip joints (a point on the torso)."""
    pose = body.pose
    out: NDArray[np.float32] = ((pose.p(11) + pose.p(12) + pose.p(23) + pose.p(24)) / 4
                                ).astype(np.float32)
    return out


def beyond_arms(body: Body, zones: list[LimbZone]) -> Mask:
    """Beside the arms (``zones``: their fitted zones), away from the torso
    (:func:`outer_side`; none in a side view): an old sleeve's outer part there is no
    shoulder; painted as the torso zone's skin, it left flecks outside the arm."""
    out = np.zeros(body.person.shape, bool)
    pose = body.pose
    if float(np.linalg.norm(pose.p(11) - pose.p(12))) < FRONTAL * pose.shoulder_width:
        return out       # a side view: beside the near arm are the chest or back, the neck
    for zone, chain in zip(zones, limb_chains(body)["arms"], strict=True):
        out |= outer_side(zone, chain, _centre(body), body.pose.shoulder_width)
    return out


def sleeve_part(body: Body, part: Mask, around: Mask, chain: list[NDArray[np.float32]]) -> (
        tuple[Mask, Mask, Mask]):
    """(sleeve, torso skin, narrowed): ``part`` (old top in an arm's zone) is no sleeve
    where the arm is seen bare (:func:`torso_side`; a few specks left beside such an arm
    are none either), and there the old top (``part`` or ``around`` it: the zone may stop short of
    the torso) beside the upper arm on the torso's side, or a strap across it, is skin.
    Taken for a sleeve or left out, the torso's side was painted as a strip of arm or
    background between the arm and a new top, and a strap as a bar across the arm.
    ``narrowed``: the part of ``part`` that is no sleeve only where the old top bulged over
    the arm's inner half (a bridged stretch): the real arm's edge there is not its outline."""
    sw = body.pose.shoulder_width
    skin = body.skin & ~body.hands & ~body.head
    sides = _torso_sides(part | around, skin, chain, _centre(body), sw)
    drop, side = sides[True]
    narrowed = part & drop & ~sides[False][0]
    left = part & ~drop
    if drop.sum() > left.sum() and left.sum() < (SLEEVE_BITS * sw) ** 2:
        left = np.zeros_like(part)       # specks along a bare arm's rim: no sleeve
    return left, side, narrowed & ~left


def straps_in_skin(pieces: Mask, skin: Mask, k: int) -> Mask:
    """The 8-connected pieces of ``pieces`` whose ring (``k`` px wide around them) is
    mostly (> ``STRAP_RING``) ``skin``: a thin strap lying across the bare shoulder, not
    the shaded rim of an arm (which has the background or the clothing beside it)."""
    n, labels = cv2.connectedComponents(pieces.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(pieces.shape, bool)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    grown = cv2.dilate(labels.astype(np.float32), kernel).astype(np.int32)
    ring = (labels == 0) & (grown > 0)
    total = np.bincount(grown[ring], minlength=n)
    bare = np.bincount(grown[ring & skin], minlength=n)
    keep = bare > STRAP_RING * np.maximum(total, 1)
    keep[0] = False
    out: Mask = keep[labels]
    return out
