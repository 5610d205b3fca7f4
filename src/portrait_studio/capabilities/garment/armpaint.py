"""Bare upper arms where an old sleeve was, continued from the real arm just below it.

The visible arm right below the painted part (a band 0.3 shoulder widths long along the
upper-arm bone) gives the arm's edges, hence its centre and width, and its colour profile
across the arm (mean RGB in 16 bins of the normalised offset from the centre: tone AND the
light gradient of the real arm). The painted part keeps only the pixels inside the arm's
continued outline (widening by up to 12% toward the shoulder); each gets the profile colour
at its offset plus a grain matched to the real arm's fine-detail std; the edge is
anti-aliased. Images HxWx3 uint8 RGB, masks HxW bool, points (x, y) float32 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Point = NDArray[np.float32]
BINS = 16
MIN_REF = 80
BLEND = 0.1          # share of the arm's length over which the junction is blended
MIRROR = 0.25        # longest stretch (shoulder widths) of real arm mirrored upward
RIM = 2.5            # px: mirrored samples stay this far inside the real arm's edges (its
                     # rim pixels are mixed with what is behind and would outline a tube)


@dataclass(frozen=True)
class ArmPaint:
    """``rgb`` Nx3 float32 colours and ``alpha`` N float32 for the pixels ``ys``, ``xs``;
    ``kept`` HxW bool: the painted part inside the continued arm outline."""

    ys: NDArray[np.intp]
    xs: NDArray[np.intp]
    rgb: F32
    alpha: F32
    kept: Mask


def _coords(ys: NDArray[np.intp], xs: NDArray[np.intp], a: Point, b: Point) -> tuple[F32, F32]:
    """Arc length along and signed offset across the bone a -> b of pixels (ys, xs)."""
    d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    px, py = xs.astype(np.float32) - a[0], ys.astype(np.float32) - a[1]
    return px * d[0] + py * d[1], px * -d[1] + py * d[0]


def _profile(q: F32, colours: F32) -> F32:
    """BINSx3 mean colour per bin of q in [-1, 1] (empty bins from their neighbours)."""
    idx = np.clip(((q + 1) / 2 * BINS).astype(int), 0, BINS - 1)
    sums = np.zeros((BINS, 3), np.float64)
    np.add.at(sums, idx, colours)
    counts = np.bincount(idx, minlength=BINS).astype(np.float64)
    have = counts > 0
    centres = np.arange(BINS, dtype=np.float64)
    prof = np.stack([np.interp(centres, centres[have], sums[have, c] / counts[have])
                     for c in range(3)], axis=1)
    return prof.astype(np.float32)


def grain_std(img: NDArray[np.uint8], ys: NDArray[np.intp], xs: NDArray[np.intp]) -> float:
    """Std (grey levels, 0.8..5) of the fine detail (minus a 1.5 px blur) at the pixels."""
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    grey = img[y0:y1, x0:x1].mean(axis=2).astype(np.float32)
    high = grey - cv2.GaussianBlur(grey, (0, 0), 1.5)
    return float(np.clip(np.std(high[ys - y0, xs - x0]), 0.8, 5.0))


def hem_position(t: F32) -> float:
    """Where the old sleeve ends along the bone: the last 2 px slice of it at least
    half as wide (pixel count) as its 90th-percentile slice (thin rims of clothing-like pixels
    along the real arm below do not count)."""
    bins = np.floor((t - t.min()) / 2).astype(int)
    counts = np.bincount(bins)
    full = np.nonzero(counts >= 0.5 * np.percentile(counts[counts > 0], 90))[0]
    return float(t.min() + 2 * (full.max() + 1)) if len(full) else float(np.percentile(t, 98))


def _edges(ro: F32) -> tuple[float, float]:
    """Centre and half-width (px) of a band of the real arm from its offsets."""
    lo, hi = np.percentile(ro, [2, 98])
    return float(lo + hi) / 2, max(float(hi - lo) / 2, 2.0)


def _colours(q: F32, ro: F32, colours: F32, c: float, r: float) -> F32:
    """Nx3 profile colours at offsets ``q`` from a band's offsets and colours."""
    prof = _profile((ro - c) / r, colours)
    centres = (np.arange(BINS) + 0.5) / BINS * 2 - 1
    return np.stack([np.interp(q, centres, prof[:, k]) for k in range(3)], axis=1)


def paint_arm(img: NDArray[np.uint8], chain: list[Point], part: Mask, trusted: Mask,
              sw: float, rng: np.random.Generator) -> ArmPaint | None:
    """Upper-arm painting for ``part`` (uncovered old sleeve over the arm), or None when
    too little real arm shows below it. The outline continues the real arm's (over the
    last ``BLEND`` of the arm's length above it, centre and width go over to those right at
    the junction, a 0.06 shoulder-width band) and widens by up to 12% toward the shoulder;
    the pixels are the real arm's own, mirrored upward from below the hem (ping-pong over
    at most ``MIRROR`` shoulder widths, scaled across to the outline): its texture, shading
    across the arm and colour continue with no step at the junction."""
    a, b = chain[0], chain[1]
    ys, xs = np.nonzero(part)
    if not len(ys):
        return None
    t, o = _coords(ys, xs, a, b)
    t_hem = hem_position(t)
    rys, rxs = np.nonzero(trusted)
    rt, ro = _coords(rys, rxs, a, b)
    ref = (rt > t_hem) & (rt < t_hem + 0.3 * sw) & (np.abs(ro) < 0.2 * sw)
    if ref.sum() < MIN_REF:
        return None
    near = ref & (rt < t_hem + 0.06 * sw)
    near = near if near.sum() >= MIN_REF // 3 else ref
    (c, r), (cn, rn) = _edges(ro[ref]), _edges(ro[near])
    skip = max(2.0, 0.015 * sw)          # the old hem's shadow line is painted over
    by, bx = _hem_band(part, (a, b), t_hem, skip, (cn, rn))
    ys, xs = np.concatenate([ys, by]), np.concatenate([xs, bx])
    t, o = _coords(ys, xs, a, b)
    length = sum(float(np.linalg.norm(q - p)) for p, q in pairwise(chain))
    w = np.clip(1 - (t_hem - t) / max(BLEND * length, 1.0), 0, 1).astype(np.float32)
    widen = 1 + 0.12 * np.clip((t_hem - t) / max(t_hem, 1.0), 0, 1)
    cw, rw = c + w * (cn - c), (r + w * (rn - r)) * widen
    q = (o - cw) / rw
    span = float(np.clip(np.percentile(rt[ref], 95) - t_hem - skip, 2.0, MIRROR * sw))
    rgb, real = _mirrored(img, trusted, (a, b), t_hem + skip + _ping_pong(t_hem - t, span),
                          c + np.clip(q * r, -(r - RIM), r - RIM))
    colours = img[rys, rxs].astype(np.float32)
    rgb[~real] = _colours(q[~real], ro[ref], colours[ref], c, r)   # source not the arm
    alpha = np.clip((1 - np.abs(q)) * rw / 1.5, 0, 1).astype(np.float32)
    kept = np.zeros(part.shape, bool)
    inside = alpha > 0
    kept[ys[inside], xs[inside]] = True
    return ArmPaint(ys, xs, rgb, alpha, kept)


def _hem_band(part: Mask, bone: tuple[Point, Point], t_hem: float, depth: float,
              edges: tuple[float, float]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Pixels (ys, xs) around the old hem (arc length within ``depth`` of t_hem along the
    bone, within the arm's edges there), not in ``part``: the hem's edge and shadow line
    (thin rims along the skin are not replaced as clothing), which would otherwise stay as
    a crease between painting and arm."""
    a, b = bone
    d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    c, r = edges
    centre = a + d * t_hem + np.array([-d[1], d[0]], np.float32) * c
    reach = int(r + depth + 3)
    h, w = part.shape
    x0, y0 = max(0, int(centre[0]) - reach), max(0, int(centre[1]) - reach)
    x1, y1 = min(w, int(centre[0]) + reach + 1), min(h, int(centre[1]) + reach + 1)
    ys, xs = np.mgrid[y0:y1, x0:x1]
    ys, xs = ys.ravel(), xs.ravel()
    t, o = _coords(ys, xs, a, b)
    sel = (np.abs(t - t_hem) <= depth) & (np.abs(o - c) < r) & ~part[ys, xs]
    return ys[sel].astype(np.intp), xs[sel].astype(np.intp)


def _ping_pong(u: F32, span: float) -> F32:
    """``u`` >= 0 folded back and forth into [0, span]."""
    m = np.mod(np.clip(u, 0, None), 2 * span)
    return np.asarray(np.where(m <= span, m, 2 * span - m), np.float32)


def _mirrored(img: NDArray[np.uint8], trusted: Mask, bone: tuple[Point, Point], t: F32,
              o: F32) -> tuple[F32, NDArray[np.bool_]]:
    """(Nx3 float32 colours of ``img`` sampled bilinearly at arc length ``t`` along and
    offset ``o`` across the bone, N bool: whether the nearest source pixel is ``trusted``
    skin)."""
    a, b = bone
    d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    mx = (a[0] + t * d[0] - o * d[1]).astype(np.float32).reshape(-1, 1)
    my = (a[1] + t * d[1] + o * d[0]).astype(np.float32).reshape(-1, 1)
    out = cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    h, w = trusted.shape
    iy = np.clip(np.round(my[:, 0]).astype(int), 0, h - 1)
    ix = np.clip(np.round(mx[:, 0]).astype(int), 0, w - 1)
    return out.reshape(-1, 3).astype(np.float32), trusted[iy, ix]
