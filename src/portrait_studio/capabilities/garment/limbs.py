"""Limb zones: tapered capsules along the pose's bone chains, with the arc length along the
bones of every pixel inside. Masks HxW bool, points (x, y) float32 image pixels.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Point = NDArray[np.float32]
ARM_RADII = (0.13, 0.075)    # tapered arm capsule radius at shoulder / wrist, x shoulder width
LEG_RADII = (0.2, 0.09)      # tapered leg capsule radius at hip / ankle


@dataclass(frozen=True)
class LimbZone:
    """A limb's tapered capsule: ``inside`` mask, ``t`` arc length from the root along the
    bones and ``dist`` distance to them (px, HxW float32; only meaningful near the limb),
    ``length`` of the bone chain, ``rel`` the distance over the local radius (0 on the
    bones, 1 at the capsule's edge)."""

    inside: Mask
    t: F32
    length: float
    dist: F32
    rel: F32


_ZONES: OrderedDict[tuple[Any, ...], LimbZone] = OrderedDict()
_ZONES_LOCK = threading.Lock()
ZONE_CACHE = 8     # limb zones kept (about 10 MB each at 768x1024): a render asks for the
                   # same capsule two to four times (the arms' zones, the bare-arm checks)


def limb_zone(shape: tuple[int, int], chain: list[Point], radii: tuple[float, float]) -> (
        LimbZone):
    """Tapered capsule (radius ``radii[0]`` at the root to ``radii[1]`` at the end). The
    last ``ZONE_CACHE`` zones are kept and handed out again for the same shape, bones and
    radii (their arrays are read-only)."""
    pts = np.array(chain, np.float32)
    key = (tuple(shape), pts.shape, pts.tobytes(),
           *((type(r).__name__, float(r)) for r in radii))
    with _ZONES_LOCK:
        zone = _ZONES.get(key)
        if zone is not None:
            _ZONES.move_to_end(key)
            return zone
    zone = _limb_zone(shape, chain, radii)
    for a in (zone.inside, zone.t, zone.dist, zone.rel):
        a.flags.writeable = False
    with _ZONES_LOCK:
        _ZONES[key] = zone
        while len(_ZONES) > ZONE_CACHE:
            _ZONES.popitem(last=False)
    return zone


def clear_zones() -> None:
    """Forget the kept limb zones (a new person photo: :func:`try_on` starts each request
    with it, so one request's zones are never handed to the next)."""
    with _ZONES_LOCK:
        _ZONES.clear()


def _limb_zone(shape: tuple[int, int], chain: list[Point], radii: tuple[float, float]) -> (
        LimbZone):
    h, w = shape
    pts = np.array(chain, np.float32)
    pad = radii[0] + 2
    x0, y0 = np.clip(np.floor(pts.min(0) - pad), 0, [w, h]).astype(int)
    x1, y1 = np.clip(np.ceil(pts.max(0) + pad), 0, [w, h]).astype(int)
    inside, t_full = np.zeros(shape, bool), np.zeros(shape, np.float32)
    d_full = np.full(shape, np.inf, np.float32)
    if x1 <= x0 or y1 <= y0:
        return LimbZone(inside, t_full, 0.0, d_full, d_full.copy())
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    t, dist, total = nearest_on_chain(xs, ys, pts)
    radius = radii[0] + (radii[1] - radii[0]) * np.clip(t / max(total, 1.0), 0, 1)
    inside[y0:y1, x0:x1] = dist <= radius
    t_full[y0:y1, x0:x1] = t
    d_full[y0:y1, x0:x1] = dist
    rel = np.full(shape, np.inf, np.float32)
    rel[y0:y1, x0:x1] = dist / np.maximum(radius, 1.0)
    return LimbZone(inside, t_full, total, d_full, rel)


def fitted_limb(shape: tuple[int, int], chain: list[Point], skin: Mask, sw: float,
                default: tuple[float, float]) -> tuple[list[Point], tuple[float, float]]:
    """The bone chain moved onto the visible bare limb (mean offset of the ``skin`` pixels
    near the bones, at most 0.08 ``sw``) and tapered radii (px) from its width (90th
    percentile distance); ``default`` radii (x ``sw``) when too little of it is seen."""
    seen = _bare(shape, chain, skin, sw)
    if seen.sum() < 0.02 * sw * sw:
        return chain, (default[0] * sw, default[1] * sw)
    ys, xs = np.nonzero(seen)
    pts = np.array(chain, np.float32)
    offsets = _offsets(xs.astype(np.float32), ys.astype(np.float32), pts)
    shift = offsets.mean(axis=0)
    shift *= min(1.0, 0.08 * sw / max(float(np.linalg.norm(shift)), 1e-6))
    moved = [(p + shift).astype(np.float32) for p in chain]
    r = float(np.percentile(np.linalg.norm(offsets - shift, axis=1), 90))
    return moved, (float(np.clip(1.15 * r, 0.08 * sw, 0.16 * sw)),
                   float(np.clip(0.9 * r, 0.05 * sw, 0.1 * sw)))


OUTLINE_REACH = 0.25   # x shoulder width: a covered arm's joint is moved out this far at most
BENT = 0.5             # |sum of the unit bones from the elbow|: an arm this bent or more


def arm_to_outline(chain: list[Point], radii: tuple[float, float], person: Mask,
                   mid_x: float, sw: float) -> list[Point]:
    """A covered arm's bone chain (shoulder, elbow, wrist; ``radii`` px at the shoulder and
    the elbow) with its shoulder and elbow each moved out (at most ``OUTLINE_REACH``
    ``sw``) until the arm's radius reaches the ``person``'s outline (or the image's border)
    beyond it: the shoulder square to the upper arm away from the body's middle ``mid_x``,
    the elbow away from the inside of its bend (square to the upper arm when it is
    straight). The pose puts the joints of an arm in a thick sleeve (a suit's padded
    shoulders, crossed arms) 0.1-0.45 ``sw`` inside the sleeve's own outline; a new
    sleeve laid on those bones left a block of the old sleeve beside it by the elbow."""
    shoulder, elbow, wrist = (np.asarray(p, np.float32) for p in chain)
    a, b = unit(shoulder - elbow), unit(wrist - elbow)
    side = np.array([-a[1], a[0]], np.float32)
    if (float(elbow[0]) - mid_x) * float(side[0]) < 0:
        side = -side
    bend = -(a + b)
    at_elbow = unit(bend) if float(np.linalg.norm(bend)) >= BENT else side
    return [_to_outline(shoulder, side, radii[0], person, sw),
            _to_outline(elbow, at_elbow, radii[1], person, sw), wrist]


def _to_outline(p: Point, out: Point, radius: float, person: Mask, sw: float) -> Point:
    """``p`` moved along the unit ``out`` until ``radius`` px beyond it reaches the first
    pixel off ``person`` (or the image's border), by ``OUTLINE_REACH`` ``sw`` at most; not
    moved when that pixel lies farther (an arm in front of the body)."""
    h, w = person.shape
    reach = radius + OUTLINE_REACH * sw
    t = np.arange(0.0, reach + 1.0, 1.0, dtype=np.float32)
    xs = np.rint(p[0] + out[0] * t).astype(int)
    ys = np.rint(p[1] + out[1] * t).astype(int)
    inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    off = ~inside
    off[inside] = ~person[ys[inside], xs[inside]]
    if not off.any():   # no outline within reach: the limb lies in front of the body
        return p
    shift = float(np.clip(float(t[int(np.argmax(off))]) - radius, 0.0, OUTLINE_REACH * sw))
    return (p + out * np.float32(shift)).astype(np.float32)


def unit(v: Point) -> Point:
    """``v`` scaled to length 1 (float32; a zero vector stays zero)."""
    n = max(float(np.linalg.norm(v)), 1e-6)
    return (np.asarray(v, np.float32) / np.float32(n)).astype(np.float32)


def covered_limb(shape: tuple[int, int], chain: list[Point], skin: Mask, sw: float) -> bool:
    """Whether too little bare limb (``skin``) is seen near the bones to fit them to it
    (:func:`fitted_limb` keeps the pose's bones and the model radii)."""
    return bool(_bare(shape, chain, skin, sw).sum() < 0.02 * sw * sw)


def _bare(shape: tuple[int, int], chain: list[Point], skin: Mask, sw: float) -> Mask:
    seen: Mask = limb_zone(shape, chain, (0.2 * sw, 0.2 * sw)).inside & skin
    return seen


def _offsets(xs: F32, ys: F32, pts: F32) -> F32:
    """Nx2 vectors from the nearest point of the chain ``pts`` to each pixel."""
    best = np.full(len(xs), np.inf, np.float32)
    out = np.zeros((len(xs), 2), np.float32)
    for a, b in pairwise(pts):
        seg = b - a
        s = np.clip(((xs - a[0]) * seg[0] + (ys - a[1]) * seg[1]) / max(float(seg @ seg), 1e-6),
                    0, 1)
        vec = np.stack([xs - a[0] - s * seg[0], ys - a[1] - s * seg[1]], axis=1)
        d = np.hypot(vec[:, 0], vec[:, 1])
        closer = d < best
        best = np.where(closer, d, best)
        out[closer] = vec[closer]
    return out


def nearest_on_chain(xs: F32, ys: F32, pts: F32) -> tuple[F32, F32, float]:
    """Per pixel: arc length of the nearest chain point, distance to it; chain length."""
    best_d = np.full(xs.shape, np.inf, np.float32)
    best_t = np.zeros(xs.shape, np.float32)
    start = 0.0
    for a, b in pairwise(pts):
        seg = b - a
        n2 = max(float(seg @ seg), 1e-6)
        s = np.clip(((xs - a[0]) * seg[0] + (ys - a[1]) * seg[1]) / n2, 0, 1)
        d = np.hypot(xs - a[0] - s * seg[0], ys - a[1] - s * seg[1])
        closer = d < best_d
        best_d = np.where(closer, d, best_d)
        best_t = np.where(closer, start + s * np.sqrt(n2), best_t)
        start += float(np.sqrt(n2))
    return best_t, best_d, start
