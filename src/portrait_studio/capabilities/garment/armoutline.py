"""The outline of a whole arm painted under a long sleeve, from the sleeve's silhouette.

Along the pose's bone chain (shoulder, elbow, wrist), at ``STEPS`` positions, the old
sleeve is sampled across the bone: the run of sleeve pixels at (or next to) the bone gives
the sleeve's two edges there. The arm inside is a little narrower than the sleeve
(``FILL``), kept within a plausible width of the arm's taper at that position (upper arm
wider than forearm, narrowest at the pose's elbow and wrist) and centred where the sleeve
is (within ``SHIFT`` radii of the bone); where only one edge is seen (the sleeve merges
with the torso or the other arm) the arm keeps its taper radius and lies inside that
edge. Centre and radius are smoothed along the arm: curved sides following the sleeve,
never two straight parallel lines. Masks HxW bool, points (x, y) float32 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Point = NDArray[np.float32]
STEPS = 41           # positions along the chain (0 shoulder .. 1 elbow .. 2 wrist)
FILL = 0.8           # the arm's width x the sleeve's
WIDTH = (0.85, 1.25) # the arm's radius within these factors of the taper's
SHIFT = 0.6          # the arm's centre at most this many taper radii off the bone
SEARCH = 2.6         # the sleeve's edges are looked for within this many taper radii
NEAR = 0.25          # a sleeve run this near the bone (x taper radius) is the arm's
SMOOTH = 2.0         # Gaussian smoothing along the arm (positions)


@dataclass(frozen=True)
class ArmOutline:
    """Centre offset (px, across the bone, signed like the chain's normal) and radius (px)
    at the chain positions ``pos`` (0..2)."""

    pos: F32
    centre: F32
    radius: F32

    def at(self, pos: F32) -> tuple[F32, F32]:
        """Centre offset and radius at chain positions ``pos``."""
        c = np.interp(pos, self.pos, self.centre).astype(np.float32)
        r = np.interp(pos, self.pos, self.radius).astype(np.float32)
        return c, r


def frames(chain: list[Point], pos: F32) -> tuple[F32, F32]:
    """(Nx2 points on the chain, Nx2 unit normals of their bones) at positions ``pos``."""
    k = np.minimum(pos.astype(int), len(chain) - 2)
    a = np.array(chain, np.float32)[k]
    b = np.array(chain, np.float32)[k + 1]
    seg = b - a
    d = seg / np.maximum(np.linalg.norm(seg, axis=1, keepdims=True), 1e-6)
    points = a + seg * (pos - k)[:, None]
    return points.astype(np.float32), np.stack([-d[:, 1], d[:, 0]], axis=1).astype(np.float32)


def _sample(mask: Mask, points: F32, normals: F32, offsets: F32) -> Mask:
    """NxM ``mask`` (nearest pixel; False outside) at ``points`` + offsets x normals."""
    x = np.round(points[:, :1] + offsets[None, :] * normals[:, :1]).astype(int)
    y = np.round(points[:, 1:] + offsets[None, :] * normals[:, 1:]).astype(int)
    h, w = mask.shape
    inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    out = np.zeros(x.shape, bool)
    out[inside] = mask[y[inside], x[inside]]
    return out


def _edges(row: Mask, offsets: F32, near: float) -> tuple[float | None, float | None]:
    """The offsets of the ends of the run of ``row`` at (or within ``near`` of) offset 0;
    an end reaching the search window's border is None (not seen)."""
    zero = int(np.argmin(np.abs(offsets)))
    hits = np.flatnonzero(row & (np.abs(offsets) <= near))
    if not len(hits):
        return None, None
    start = int(hits[np.argmin(np.abs(hits - zero))])
    lo, hi = start, start
    while lo > 0 and row[lo - 1]:
        lo -= 1
    while hi < len(row) - 1 and row[hi + 1]:
        hi += 1
    return (float(offsets[lo]) if lo > 0 else None,
            float(offsets[hi]) if hi < len(row) - 1 else None)


def _fit(lo: float | None, hi: float | None, r_t: float) -> tuple[float, float]:
    """Centre and radius of the arm in a sleeve with edges ``lo``, ``hi`` (None unseen)."""
    if lo is not None and hi is not None:
        r = float(np.clip(FILL * (hi - lo) / 2, WIDTH[0] * r_t, WIDTH[1] * r_t))
        return (lo + hi) / 2, r
    if lo is not None:
        return lo + r_t / FILL, r_t
    if hi is not None:
        return hi - r_t / FILL, r_t
    return 0.0, r_t


def _smooth(values: F32) -> F32:
    """``values`` smoothed with a Gaussian (``SMOOTH`` positions), ends repeated."""
    k = np.arange(-3 * int(SMOOTH), 3 * int(SMOOTH) + 1, dtype=np.float32)
    kernel = np.exp(-0.5 * (k / SMOOTH) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(values, len(k) // 2, mode="edge")
    return np.convolve(padded, kernel, mode="valid").astype(np.float32)


def sleeve_outline(sleeve: Mask, chain: list[Point], taper: F32) -> ArmOutline:
    """The arm's outline inside the ``sleeve`` (HxW bool: the old top) along ``chain``;
    ``taper``: the arm's plausible radius (px) at each of the ``STEPS`` positions."""
    pos = np.linspace(0.0, len(chain) - 1.0, STEPS, dtype=np.float32)
    points, normals = frames(chain, pos)
    reach = SEARCH * float(taper.max())
    offsets = np.arange(-reach, reach + 1.0, 1.0, dtype=np.float32)
    rows = _sample(sleeve, points, normals, offsets)
    centre, radius = np.zeros(STEPS, np.float32), np.zeros(STEPS, np.float32)
    for i in range(STEPS):
        r_t = float(taper[i])
        c, r = _fit(*_edges(rows[i], offsets, NEAR * r_t + 1.0), r_t)
        centre[i], radius[i] = float(np.clip(c, -SHIFT * r_t, SHIFT * r_t)), r
    return ArmOutline(pos, _smooth(centre), _smooth(radius))
