"""Bare upper arms where an old sleeve was, continued from the real arm just below it.

The visible arm right below the painted part (a band 0.3 shoulder widths long along the
upper-arm bone) gives the arm's edges, hence its centre and width, and its colour profile
across the arm (mean RGB in 16 bins of the normalised offset from the centre: tone AND the
light gradient of the real arm). The painted part keeps only the pixels inside the arm's
continued outline (widening by up to 12% toward the shoulder; at the hem no wider than the
real arm right below it, no ledge), and the pinholes they enclose; each gets the profile
colour at its offset plus a grain matched to the real arm's fine-detail std; the edge is
anti-aliased. Above the old sleeve's part, where the pose's shoulder lies below the real
shoulder's top, the arm goes on up as a dome (:func:`_dome`: as wide as the part's top,
up to the person's outline or ``DOME`` half-widths), not a square top under the torso's
skin. Images HxWx3 uint8 RGB, masks HxW bool, points (x, y) float32 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.blend import mask_box
from ...imaging.regions import nearest_in, touching
from .regions import longest_run

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Point = NDArray[np.float32]
BINS = 16
MIN_REF = 80
MIN_ROWS = 8        # rows seeing each real-arm edge, to fit the outline to them
FIT_ABOVE_ELBOW = 0.2  # shoulder widths of real upper arm below the hem needed to fit it
BLEND = 0.1          # share of the arm's length over which the junction is blended
MIRROR = 0.25        # longest stretch (shoulder widths) of real arm mirrored upward
SHADOW = 0.06        # the old sleeve's shadow below its hem is painted over up to this far
                     # (x shoulder width), until the real arm is lit like the rest below
MIXED = 2            # px: real arm pixels this near the old top are mixed with its colour
SEAM = 0.08         # shoulder widths above the junction over which the mirrored pixels go
                     # from the real arm's own offsets to the outline's scaling across
JUNCTION = 0.015     # shoulder widths of real arm below the junction giving its edges there
LIFT = 0.03          # shoulder widths below the junction the old sleeve's shade is lifted over
MAX_LIFT = 0.15      # at most by this share of the grey level
RIM = 2.5            # px: mirrored samples stay this far inside the real arm's edges (its
                     # rim pixels are mixed with what is behind and would outline a tube)
DOME = 1.2           # the shoulder's dome above the painted part: at most this many of the
                     # arm's half-widths high
OUTER = 0.5          # ... over its centre and this far (x its half-width) toward its
                     # outer side
SLICE = 0.6          # a part narrower than this share of the outline is a slice of the arm
DOME_BELOW = 0.1     # no dome over a part whose top lies this far below the pose's shoulder
                     # (x shoulder width: a piece of sleeve down the arm)
DOME_HALF = 0.04     # ... nor over a top narrower than this (half-width, x shoulder width)
SMOOTH = 2.0         # px: Gaussian sigma softening the dome's outline against the person's
ROW_MIN = 6          # real arm pixels in a 1 px slice to read its edges there
ROW_SMOOTH = 1.5     # px: Gaussian sigma smoothing those edges along the arm
FULL = 0.85          # a slice at least this share of the 90th-percentile slice's width is
                     # the arm's full width (not cut short by the hem or its shadow)


@dataclass(frozen=True)
class ArmPaint:
    """``rgb`` Nx3 float32 colours and ``alpha`` N float32 for the pixels ``ys``, ``xs``;
    ``kept`` HxW bool: the painted part inside the continued arm outline; ``synthetic``:
    a whole arm made up (no real arm continued), to be finished by :mod:`armskin`."""

    ys: NDArray[np.intp]
    xs: NDArray[np.intp]
    rgb: F32
    alpha: F32
    kept: Mask
    synthetic: bool = False

    def solid(self) -> Mask:
        """HxW bool: the painted pixels at alpha over 0.5 (the arm itself, not its soft
        edge)."""
        on = self.alpha > 0.5
        return _painted(self.ys[on], self.xs[on], self.kept.shape)

    def without(self, drop: Mask) -> ArmPaint:
        """The painting without the pixels of ``drop`` (HxW bool), but for the holes
        that would leave inside it (background-filled specks in the arm)."""
        keep = ~drop[self.ys, self.xs]
        inner = _painted(*_with_holes(self.ys[keep], self.xs[keep], drop.shape), drop.shape)
        keep |= inner[self.ys, self.xs]
        return ArmPaint(self.ys[keep], self.xs[keep], self.rgb[keep], self.alpha[keep],
                        self.kept & (~drop | inner), self.synthetic)

    def grown(self, extra: Mask) -> ArmPaint:
        """The painting with the pixels of ``extra`` (HxW bool, beside its solid part) in
        the colour of the solid pixel nearest each, opaque: the shoulder's top above the
        arm's round up to the person's outline is the arm's tone (the torso skin's was a
        darker lump on it)."""
        solid = self.solid()
        add = extra & ~solid
        if not add.any() or not solid.any():
            return self
        box = mask_box(add | solid, 0)
        y0, x0 = box[0].start, box[1].start
        colour = np.zeros((box[0].stop - y0, box[1].stop - x0, 3), np.float32)
        on = self.alpha > 0.5
        colour[self.ys[on] - y0, self.xs[on] - x0] = self.rgb[on]
        ay, ax = np.nonzero(add[box])
        ny, nx = nearest_in(solid[box], ay, ax).T
        keep = ~add[self.ys, self.xs]
        # the painting's soft rim next to them (its round's top edge) opaque: left, it
        # was a light line between the two
        rim = (cv2.dilate(add.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)[
            self.ys[keep], self.xs[keep]]
        alpha = np.where(rim, 1, self.alpha[keep]).astype(np.float32)
        return ArmPaint(np.concatenate([self.ys[keep], ay + y0]),
                        np.concatenate([self.xs[keep], ax + x0]),
                        np.concatenate([self.rgb[keep], colour[ny, nx]]),
                        np.concatenate([alpha, np.ones(len(ay), np.float32)]),
                        self.kept | add, self.synthetic)


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


def _junction(rt: F32, ro: F32, t_j: float, sw: float) -> tuple[float, float] | None:
    """Centre and half-width (px, to the outer bounds of its edge pixels) of the real arm
    (arc lengths ``rt``, offsets ``ro``) in the rows right below the junction ``t_j``
    (``JUNCTION`` shoulder widths, at least 3 px), or None with under ``MIN_REF // 4``
    pixels there."""
    near = (rt > t_j) & (rt < t_j + max(3.0, JUNCTION * sw))
    if near.sum() < MIN_REF // 4:
        return None
    lo, hi = np.percentile(ro[near], [1, 99])
    return float(lo + hi) / 2, float(hi - lo) / 2 + 0.5


def _colours(q: F32, q_ref: F32, colours: F32) -> F32:
    """Nx3 profile colours at normalised offsets ``q`` from a band's (``q_ref``) colours."""
    prof = _profile(q_ref, colours)
    centres = (np.arange(BINS) + 0.5) / BINS * 2 - 1
    return np.stack([np.interp(q, centres, prof[:, k]) for k in range(3)], axis=1)


def paint_arm(img: NDArray[np.uint8], chain: list[Point], part: Mask, trusted: Mask,
              sw: float, rng: np.random.Generator, hidden: Mask | None = None,
              room: Mask | None = None, torso: Point | None = None,
              within: Mask | None = None) -> ArmPaint | None:
    """Upper-arm painting for ``part`` (uncovered old sleeve over the arm), or None when
    too little real arm shows below it. The outline continues the real arm's: its centre
    line, slope and width are fitted to the real arm's edges just below the hem (rows where
    neither edge is hidden by ``hidden``, the old top, default ``part``); with too few
    such rows it runs along the bone (over the last ``BLEND`` of the arm's length above the
    hem, centre and width go over to those right at the junction, a 0.06 shoulder-width
    band). It widens by up to 12% toward the shoulder; the pixels are the real arm's own,
    mirrored upward from below the hem (ping-pong over at most ``MIRROR`` shoulder widths,
    folding back no nearer the hem than the first row showing the arm's full width; scaled
    across from the outline to the real arm's own edges in each source row,
    :func:`_row_frames`): its texture, shading across the arm and colour continue with no
    step at the junction. Over ``SEAM`` shoulder widths above the junction the
    mirror is a true one (each pixel the real one at its own offset) and the outline goes
    over to the real arm's edges right below it; the old sleeve's shade past the junction
    is lifted off the real arm (and its mirror image): no line across the arm there.
    ``room``: where the arm may go on above ``part`` (revealed old clothing): a dome over
    its top (:func:`_dome`), round on the side away from ``torso`` (a point on the torso's
    centre line, default the bone's start), its pixels also inside ``within`` when given
    (the person's silhouette)."""
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
    edge_skip = max(2.0, 0.015 * sw)     # the hem's own edge line: no outline there
    skip = _hem_shadow(img, (rys[ref], rxs[ref]), rt[ref] - t_hem, (edge_skip, SHADOW * sw))
    hidden = part if hidden is None else hidden | part
    line = _outline(trusted, hidden, (a, b), (t_hem, edge_skip, sw), (rt[ref], ro[ref]))
    t_j = t_hem + skip + 0.5        # between the painting's last row and the real arm's first
    cj, rj = _junction(rt[ref], ro[ref], t_j, sw) or line.junction(t_hem)
    by, bx = _hem_band(part, (a, b), t_hem, skip, (cj, rj))
    dome = None if room is None else _dome(room, part, (a, b), t, line, (t_hem, sw, torso),
                                           within)
    if dome is not None:
        by, bx = np.concatenate([by, dome.ys]), np.concatenate([bx, dome.xs])
    ys, xs = _with_holes(np.concatenate([ys, by]), np.concatenate([xs, bx]), part.shape)
    t, o = _coords(ys, xs, a, b)
    length = sum(float(np.linalg.norm(q - p)) for p, q in pairwise(chain))
    w = np.clip(1 - (t_hem - t) / max(BLEND * length, 1.0), 0, 1).astype(np.float32)
    widen = 1 + 0.12 * np.clip((t_hem - t) / max(t_hem, 1.0), 0, 1)
    # over the seam band above the junction, the outline goes over to the real arm's own
    # edges right below it, and each pixel to the real one at its own offset (a true
    # mirror) from the outline's scaling across the arm: no ledge, line or streak there
    s = np.clip((t_j - t) / max(SEAM * sw, 1.0), 0, 1).astype(np.float32)
    cw, rw = line.at(t, t_hem, w)
    cw, rw = cj + s * (cw - cj), rj + s * (rw * widen - rj)
    q = (o - cw) / rw
    span = float(np.clip(np.percentile(rt[ref], 95) - t_hem - skip, 2.0, MIRROR * sw))
    # the real arm's rim against the old top is mixed with its colour: not mirrored
    k = 2 * MIXED + 1
    mixed = cv2.dilate((hidden & ~trusted).astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    source = trusted & ~mixed
    # each source row is read within the real arm's own edges there (RIM inside them), not
    # the fitted line's: where the old hem's scallops hide one side of the arm, the line's
    # width sampled them and the backdrop, a pale pinch across the painting (baumu's arms
    # in the dress) wherever the mirror folded back onto those rows; and it folds back no
    # nearer the hem than the first row with the arm's full width (the rows by the hem are
    # mirrored once, at the seam). Near the seam the line's offsets are only clamped into
    # the row (00055's junction as it was); beyond it they are scaled to the row's width
    own = ref & source[rys, rxs]
    cs, rs = _row_frames(rt[own] - t_j, ro[own], span,
                         (line.c0 + line.slope * t_j, line.slope, line.r))
    full = np.flatnonzero(rs >= FULL * float(np.percentile(rs, 90)))
    lo = float(min(full[0] if len(full) else 0, span / 2))
    u = t_j - t
    ts = (t_j + np.where(u <= lo, np.clip(u, 0, None), lo + _ping_pong(u - lo, span - lo))
          ).astype(np.float32)
    k_s = np.clip(np.floor(ts - t_j).astype(int), 0, len(cs) - 1)
    cs, half = cs[k_s], rs[k_s]
    inset = np.maximum(half - RIM, 1.0)
    kept = np.clip(line.c0 + line.slope * ts + np.clip(q * line.r, RIM - line.r, line.r - RIM),
                   cs - inset, cs + inset)
    # scaled to the row's own half-width, then kept RIM inside its edges: the real arm's
    # shading across it keeps its slope (scaling to the inset flattened it by RIM / width)
    across = kept + s * (cs + np.clip(q * half, -inset, inset) - kept)
    rgb, real = _mirrored(img, source, (a, b), ts, o + s * (across - o))
    colours = img[rys, rxs].astype(np.float32)
    q_ref = ((ro[ref] - line.c0 - line.slope * rt[ref]) / line.r).astype(np.float32)
    rgb[~real] = _colours(q[~real], q_ref, colours[ref])   # source not the arm
    alpha = np.clip((1 - np.abs(q)) * rw / 1.5, 0, 1).astype(np.float32)
    if dome is not None:    # its round top anti-aliased as the sides are
        alpha = np.minimum(alpha, dome.alpha(ys, xs, t, o))
    # the old sleeve's shade that reaches past the junction is lifted off the real arm
    # below it and off its mirror image above
    below = ref & (rt > t_j)
    gains = _lift(img, (rys[below], rxs[below]), rt[below] - t_j, max(3.0, LIFT * sw))
    rgb *= _gain_at(gains, ts - t_j)[:, None]
    near = ref & (rt < t_j + len(gains))    # and the few real pixels at the junction
    near[near] = ~_painted(ys, xs, part.shape)[rys[near], rxs[near]]
    ys, xs = np.concatenate([ys, rys[near]]), np.concatenate([xs, rxs[near]])
    lifted = img[rys[near], rxs[near]] * _gain_at(gains, rt[near] - t_j)[:, None]
    rgb = np.concatenate([rgb, lifted.astype(np.float32)])
    alpha = np.concatenate([alpha, np.ones(int(near.sum()), np.float32)])
    inside = alpha > 0
    return ArmPaint(ys, xs, rgb, alpha, _painted(ys[inside], xs[inside], part.shape))


@dataclass(frozen=True)
class _Dome:
    """The shoulder's round over an arm's painted top: above arc length ``top`` along the
    bone, within half-width ``r`` round the centre offset ``c`` and height ``h``, round on
    the side away from the torso (``inner``: +1 / -1, the torso's side of the offsets),
    level on the torso's; its pixels (``ys``, ``xs``) and their coverage ``edge`` against
    the person's outline (in the box from ``corner``)."""

    top: float
    c: float
    r: float
    h: float
    inner: float
    ys: NDArray[np.intp]
    xs: NDArray[np.intp]
    edge: F32
    corner: tuple[int, int]

    def reach(self, t: F32, o: F32) -> F32:
        """How far out (1 at the rim) arc lengths ``t`` and offsets ``o`` lie: a half
        ellipse above the top on the outer side, a rectangle's corner on the torso's."""
        u = np.clip((self.top - t) / self.h, 0, None)
        q = (o - self.c) / self.r
        out: F32 = np.where(q * self.inner > 0, np.maximum(np.abs(q), u),
                            np.sqrt(q * q + u * u)).astype(np.float32)
        return out

    def alpha(self, ys: NDArray[np.intp], xs: NDArray[np.intp], t: F32, o: F32) -> F32:
        """Coverage of the pixels (``ys``, ``xs``; arc lengths ``t``, offsets ``o``): 1
        inside the dome, falling to 0 over 1.5 px at its rim, 1 below its top; at the
        person's outline the softened ``edge``."""
        d = self.reach(t, o)
        out = np.where(t < self.top, np.clip((1 - d) * min(self.r, self.h) / 1.5 + 0.5,
                                             0, 1), 1).astype(np.float32)
        y0, x0 = self.corner
        h, w = self.edge.shape
        by, bx = ys - y0, xs - x0
        ok = (by >= 0) & (by < h) & (bx >= 0) & (bx < w)
        out[ok] = np.minimum(out[ok], self.edge[by[ok], bx[ok]])
        return out


def _dome(room: Mask, part: Mask, bone: tuple[Point, Point], t_part: F32, line: _Line,
          at: tuple[float, float, Point | None], within: Mask | None = None) -> _Dome | None:
    """The shoulder's round over ``part`` (arc lengths ``t_part``) up into ``room`` (where
    the arm may go: revealed old clothing, within the person), :func:`_dome_size`; ``at``:
    the hem's arc length, the shoulder width and a point on the torso's centre line (None:
    the bone's start). Its pixels are those of ``room`` within it (and in the outline's
    corners below the top that the part's rounded top left out) joined to the part, their
    outline against the rest of the person softened (Gaussian ``SMOOTH``: the person's
    outline runs in whole-pixel steps). The pose's shoulder lies below a real shoulder's
    top (00055's by 50 px): the arm continued from below stopped there, square, and the
    torso's skin painted above it was a block of another tone. ``within``: its pixels stay
    inside it too (the person's silhouette: the revealed clothing reaches past her sloping
    shoulder, and 00055's dome stood up to 21 px above it there, a flat top with a square
    corner); its height is still sized to ``room``."""
    a, b = bone
    d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    normal = np.array([-d[1], d[0]], np.float32)
    inner = 0.0 if at[2] is None else float((at[2] - a) @ normal)
    size = _dome_size(room, part, bone, t_part, line, at[:2], inner)
    if size is None:
        return None
    top, c, r, h = size
    none = np.zeros(0, np.intp)
    dome = _Dome(top, c, r, h, 1.0 if inner > c else -1.0, none, none,
                 np.ones((0, 0), np.float32), (0, 0))
    centre = a + d * (top - h / 2) + normal * c
    reach = int(2 * r + h) + 2
    y0, x0 = max(0, int(centre[1]) - reach), max(0, int(centre[0]) - reach)
    box = room[y0:int(centre[1]) + reach + 1, x0:int(centre[0]) + reach + 1]
    if within is not None:
        box = box & within[y0:y0 + box.shape[0], x0:x0 + box.shape[1]]
    ys, xs = np.nonzero(box)
    t, o = _coords(ys + y0, xs + x0, a, b)
    inside = (t < top + r) & (dome.reach(t, o) <= 1.1) & ~part[ys + y0, xs + x0]
    cap = touching(_painted(ys[inside] + y0, xs[inside] + x0, part.shape),
                   cv2.dilate(part.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    whole = (box | part[y0:y0 + box.shape[0], x0:x0 + box.shape[1]]).astype(np.float32)
    edge = np.clip(2 * cv2.GaussianBlur(whole, (0, 0), SMOOTH) - 0.5, 0, 1)
    edge = np.where(cap[y0:y0 + box.shape[0], x0:x0 + box.shape[1]], edge, 1)
    ys, xs = np.nonzero(cap)
    return replace(dome, ys=ys, xs=xs, edge=edge.astype(np.float32), corner=(y0, x0))


def _dome_size(room: Mask, part: Mask, bone: tuple[Point, Point], t_part: F32, line: _Line,
               at: tuple[float, float], inner: float) -> tuple[float, float, float, float] | None:
    """(top, centre offset, half-width, height) of the dome over ``part``: its top is the
    part's first 2 px slice along the bone at least half as wide as its 90th-percentile
    slice; its width the part's within the outline ``line`` over a half-width below that
    (the part's own top is rounded, the outline wider than the old sleeve's part lets the
    arm be); its height as far as ``room`` reaches up along its centre, at most ``DOME``
    half-widths. None under 2 px high, when the top lies over ``DOME_BELOW`` shoulder
    widths (``at``: the hem's arc length and the shoulder width) below the bone's start (a
    piece of sleeve down the arm) or is under ``DOME_HALF`` of them wide (the painting
    tapers to a tip there: a dome drew a spike)."""
    t_hem, sw = at
    bins = np.floor((t_part - t_part.min()) / 2).astype(int)
    counts = np.bincount(bins)
    full = np.flatnonzero(counts >= 0.5 * np.percentile(counts[counts > 0], 90))
    top = float(t_part.min() + 2 * full.min())
    if top > DOME_BELOW * sw:
        return None
    c_line, r_line = (float(v) for v in line.at(np.float32(top), t_hem))
    ys, xs = np.nonzero(part)
    t, o = _coords(ys, xs, *bone)
    near = (t >= top) & (t < top + r_line) & (np.abs(o - c_line) <= 1.12 * r_line)
    if near.sum() < MIN_REF // 4:
        return None
    lo, hi = np.percentile(o[near], [2, 98])
    c, r = float(lo + hi) / 2, float(hi - lo) / 2 + 0.5
    if r < DOME_HALF * sw:
        return None
    # a part much narrower than the arm's outline (the new top hides the arm's inner
    # side): as high as the room reaches over its centre or halfway to its outer side
    # (``inner``: the torso's side of the offsets), up to ``DOME`` of the outline's
    # half-width; a bone slanting into the torso runs into the top's armhole right above
    # the part while the shoulder's round goes on up beside it (baumu's arm in the dress
    # was cut flat 40 px below her shoulder's top, backdrop above it)
    sliced = r < SLICE * r_line
    steps = np.arange(1, int(DOME * (r_line if sliced else r)) + 1, dtype=np.float32)
    h = 0.0
    for k in (0.0, OUTER, 1.0) if sliced else (0.0,):
        at_o = c + (k * r if inner <= c else -k * r)
        up = _sample(room, bone, top - steps, np.full_like(steps, at_o), False)
        h = max(h, float(np.argmin(up)) if not up.all() else float(len(steps)))
    return None if h < 2 else (top, c, r, h)


def _painted(ys: NDArray[np.intp], xs: NDArray[np.intp], shape: tuple[int, int]) -> Mask:
    """HxW bool: the pixels (ys, xs)."""
    out: Mask = np.zeros(shape, bool)
    out[ys, xs] = True
    return out


def _lift(img: NDArray[np.uint8], at: tuple[NDArray[np.intp], NDArray[np.intp]], u: F32,
          depth: float) -> F32:
    """Gains (1 .. 1 + ``MAX_LIFT``) for the 1 px slices across the real arm (pixels
    ``at``, ``u`` px below the junction) over the first ``depth`` px: each brings a
    slice's mean grey level to the median of the next ``2 * depth`` px of slices (the arm
    lit as it is beyond the sleeve's shade), fading out to 1 at ``depth``; all 1 when too
    few slices are seen. Left as it was, that shade drew a line across the arm at the
    junction (and, mirrored above it, a darker band)."""
    n = int(np.ceil(depth))
    grey = img[at].astype(np.float32).mean(axis=1)
    k = np.floor(u).astype(int)
    ok = (k >= 0) & (k < 3 * n)
    counts = np.bincount(k[ok], minlength=3 * n)
    means = np.bincount(k[ok], grey[ok], minlength=3 * n) / np.maximum(counts, 1)
    seen = np.flatnonzero(counts[:n] >= 3)
    lit = counts[n:] >= 3
    if len(seen) < n // 2 or lit.sum() < n:
        return np.ones(n, np.float32)
    raw = np.interp(np.arange(n), seen, float(np.median(means[n:][lit])) / means[seen])
    fade = 1 - np.arange(n) / n
    return (1 + np.clip(raw - 1, 0, MAX_LIFT) * fade).astype(np.float32)


def _gain_at(gains: F32, u: F32) -> F32:
    """The slice gains at distances ``u`` (px) from the junction (1 beyond them)."""
    k = np.floor(np.clip(u, 0, None)).astype(int)
    return np.where(k < len(gains), gains[np.minimum(k, len(gains) - 1)], 1).astype(np.float32)


def _hem_shadow(img: NDArray[np.uint8], at: tuple[NDArray[np.intp], NDArray[np.intp]],
                u: F32, limits: tuple[float, float]) -> float:
    """How far (px, within ``limits``) the old sleeve's shadow reaches below its hem: the
    first 1 px slice across the real arm (pixels ``at``, ``u`` px below the hem) whose mean
    grey level is 95% of the slices' median (the lower limit when none is within the upper
    one: the arm brightens slowly along its length, no shadow line). Left as it was, it
    drew a dark band across the bare arm; the painting starts below it and covers it."""
    grey = img[at].astype(np.float32).mean(axis=1)
    k = np.floor(u).astype(int)
    ok = k >= 0
    counts = np.bincount(k[ok])
    means = np.bincount(k[ok], grey[ok]) / np.maximum(counts, 1)
    valid = counts >= 3
    if valid.sum() < 5:
        return limits[0]
    lit = np.flatnonzero(valid & (means >= 0.95 * float(np.median(means[valid]))))
    lit = lit[lit >= limits[0]]
    if not len(lit) or lit[0] > limits[1]:   # a slow gradient along the arm: no hem shadow
        return limits[0]
    return float(lit[0])


@dataclass(frozen=True)
class _Line:
    """The arm's outline across the bone: centre offset ``c0 + slope * t`` and half-width
    ``r`` (the real arm below the hem), going over to ``cn``, ``rn`` (right at the junction)
    with the blend weight; ``cn`` None: the centre stays on the line (a fitted one) and
    only the width goes over to ``rn`` (none when ``rn`` is 0)."""

    c0: float
    slope: float
    r: float
    cn: float | None = None
    rn: float = 0.0

    def at(self, t: F32 | np.float32, t_hem: float, w: F32 | None = None) -> tuple[F32, F32]:
        """Centre offset and half-width at arc lengths ``t`` (blend weights ``w``)."""
        c = np.asarray(self.c0 + self.slope * np.asarray(t, np.float32), np.float32)
        r = np.full_like(c, self.r)
        if w is None:
            return c, r
        if self.cn is None:     # a fitted line: its width only
            return c, r if self.rn <= 0 else r + w * (self.rn - r)
        return c + w * (self.cn - c), r + w * (self.rn - r)

    def junction(self, t_hem: float) -> tuple[float, float]:
        """Centre offset and half-width right at the hem."""
        if self.cn is None:
            return self.c0 + self.slope * t_hem, self.rn if self.rn > 0 else self.r
        return self.cn, self.rn


def _outline(trusted: Mask, hidden: Mask, bone: tuple[Point, Point],
             hem: tuple[float, float, float], band: tuple[F32, F32]) -> _Line:
    """The arm's outline from the real arm below the hem (``hem``: t_hem, skip, shoulder
    width; ``band``: arc lengths and offsets of its trusted pixels): fitted to its edges
    above the elbow (the fitted line shifts by at most 0.75 half-widths at the shoulder),
    else along the bone from the band's offsets; either way going over to the arm right
    below the hem (a 0.06 shoulder-width band) at the junction: for a fitted line only
    narrowing to its width there (a fitted line wider than the arm drew a ledge at the
    hem)."""
    t_hem, skip, sw = hem
    rt, ro = band
    c, r = _edges(ro)
    elbow = float(np.linalg.norm(bone[1] - bone[0]))    # the forearm bends away: not fitted
    # fitted only on a strip of upper arm wholly above the elbow, and never narrower than
    # the band's own width (an arm tapering toward the elbow painted a thin upper arm)
    fit = (_fit_edges(trusted, hidden, bone, (t_hem + skip, min(t_hem + 0.3 * sw, elbow)),
                      (c, r)) if elbow - t_hem >= FIT_ABOVE_ELBOW * sw else None)
    near = rt < t_hem + 0.06 * sw
    near = near if near.sum() >= MIN_REF // 3 else np.ones_like(near)
    cn, rn = _edges(ro[near])
    if fit is not None:     # going over to the arm's own edges right at the hem: no ledge
        c_hem = fit.c0 + fit.slope * t_hem
        slope = float(np.clip(fit.slope, -0.75 * fit.r / max(t_hem, 1.0),
                              0.75 * fit.r / max(t_hem, 1.0)))
        wide = max(fit.r, r)
        return _Line(c_hem - slope * t_hem, slope, wide, None, min(rn, wide))
    return _Line(c, 0.0, r, cn, rn)


def _fit_edges(trusted: Mask, hidden: Mask, bone: tuple[Point, Point],
               span: tuple[float, float], guess: tuple[float, float]) -> _Line | None:
    """The real arm's two edges over arc lengths ``span`` as parallel lines (one slope,
    least squares, one outlier pass): per 1 px row across the bone, the ends of the
    longest run of trusted pixels within 1.6 half-widths of the ``guess`` centre; an end
    counts where no ``hidden`` pixel (old top over the arm) lies within 3 px beyond it and
    it is off the image border and the search window. None with fewer than ``MIN_ROWS``
    rows for either edge or an implausible fit."""
    c, r = guess
    ts = np.arange(span[0], span[1], 1.0, dtype=np.float32)
    os_ = np.arange(c - 1.6 * r - 4, c + 1.6 * r + 5, 1.0, dtype=np.float32)
    grid_t, grid_o = np.meshgrid(ts, os_, indexing="ij")
    real = _sample(trusted, bone, grid_t, grid_o, False)
    hid = _sample(hidden, bone, grid_t, grid_o, True)
    ends = np.array([_row_edges(real[k], hid[k]) for k in range(len(ts))], np.float32)
    if len(ts) == 0 or min(np.isfinite(ends[:, 0]).sum(), np.isfinite(ends[:, 1]).sum()) < (
            MIN_ROWS):
        return None
    return _parallel_fit(ts, ends + os_[0], r)


def _row_edges(real: Mask, hid: Mask) -> tuple[float, float]:
    """First and last index of the longest run of ``real`` in a row, each NaN where it
    meets ``hid`` (within 3 px beyond) or the row's end, both NaN without a 6 px run."""
    start, end = longest_run(real)
    if end - start < 6:
        return np.nan, np.nan
    lo, hi = start, end - 1
    lo_ok = lo >= 3 and not hid[lo - 3:lo].any()
    hi_ok = hi <= len(real) - 4 and not hid[hi + 1:hi + 4].any()
    return (float(lo) if lo_ok else np.nan), (float(hi) if hi_ok else np.nan)


def _parallel_fit(t: F32, ends: F32, r: float) -> _Line | None:
    """Lines lo = a_lo + s t and hi = a_hi + s t through the seen ends (Nx2, NaN unseen),
    refitted without ends more than 3 px (or 2.5 median deviations) off; None when the
    slope exceeds 0.5, an edge keeps fewer than ``MIN_ROWS`` ends or the half-width is off
    the band's ``r`` by more than a factor of 1.6."""
    keep = np.isfinite(ends)
    for _ in range(2):
        rows, side = np.nonzero(keep)
        design = np.stack([side == 0, side == 1, t[rows]], axis=1).astype(np.float64)
        (a_lo, a_hi, slope), *_ = np.linalg.lstsq(design, ends[rows, side], rcond=None)
        fit = np.stack([a_lo + slope * t, a_hi + slope * t], axis=1)
        res = np.abs(np.nan_to_num(ends - fit, nan=1e9))
        keep = res <= max(3.0, 2.5 * float(np.median(res[np.isfinite(ends)])))
    half = float(a_hi - a_lo) / 2 + 0.5
    if keep.sum(axis=0).min() < MIN_ROWS or abs(slope) > 0.5 or not r / 1.6 <= half <= r * 1.6:
        return None
    return _Line(float(a_lo + a_hi) / 2, float(slope), half)


def _sample(mask: Mask, bone: tuple[Point, Point], t: F32, o: F32, outside: bool) -> Mask:
    """``mask`` at arc lengths ``t`` along and offsets ``o`` across the bone (nearest
    pixel; ``outside`` beyond the image)."""
    a, b = bone
    d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    x = np.round(a[0] + t * d[0] - o * d[1]).astype(int)
    y = np.round(a[1] + t * d[1] + o * d[0]).astype(int)
    h, w = mask.shape
    inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    out = np.full(t.shape, outside, bool)
    out[inside] = mask[y[inside], x[inside]]
    return out


def _with_holes(ys: NDArray[np.intp], xs: NDArray[np.intp], shape: tuple[int, int]) -> (
        tuple[NDArray[np.intp], NDArray[np.intp]]):
    """The pixels (ys, xs) and the 4-connected holes they enclose (a few pixels of the
    old hem left out of both the sleeve and the hem band: background-filled specks in the
    painted arm)."""
    if not len(ys):
        return ys, xs
    y0, x0 = int(ys.min()), int(xs.min())
    box = np.zeros((int(ys.max()) - y0 + 3, int(xs.max()) - x0 + 3), np.uint8)
    box[ys - y0 + 1, xs - x0 + 1] = 1
    _, labels = cv2.connectedComponents(1 - box, connectivity=4)
    hy, hx = np.nonzero((labels > 0) & (labels != labels[0, 0]))
    h, w = shape
    ok = (hy + y0 - 1 >= 0) & (hy + y0 - 1 < h) & (hx + x0 - 1 >= 0) & (hx + x0 - 1 < w)
    return (np.concatenate([ys, (hy[ok] + y0 - 1).astype(np.intp)]),
            np.concatenate([xs, (hx[ok] + x0 - 1).astype(np.intp)]))


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


def _row_frames(u: F32, o: F32, span: float, line: tuple[float, float, float]) -> (
        tuple[F32, F32]):
    """Centre offset and half-width (px, to the outer bounds of its edge pixels) of the
    real arm in each 1 px slice ``0 .. span`` below the junction (its source pixels ``u``
    below it, at offsets ``o``; within 1.6 half-widths of the outline's centre there:
    ``line`` its centre offset at the junction, slope and half-width),
    smoothed along the arm over ``ROW_SMOOTH`` px; slices with under ``ROW_MIN`` pixels
    take their neighbours' (the line's own where none has enough)."""
    n = int(np.ceil(span)) + 1
    centre = np.full(n, np.nan, np.float32)
    half = np.full(n, np.nan, np.float32)
    k = np.floor(u).astype(int)
    c0, slope, r = line
    near = (k >= 0) & (k < n) & (np.abs(o - c0 - slope * k) <= 1.6 * r)
    k, o = k[near], o[near]
    for i in range(n):
        row = o[k == i]
        if len(row) >= ROW_MIN:
            lo, hi = float(row.min()), float(row.max())
            centre[i], half[i] = (lo + hi) / 2, (hi - lo) / 2 + 0.5
    seen = np.flatnonzero(np.isfinite(centre))
    if not len(seen):
        return (c0 + slope * np.arange(n, dtype=np.float32), np.full(n, r, np.float32))
    idx = np.arange(n)
    centre = np.interp(idx, seen, centre[seen]).astype(np.float32)
    half = np.interp(idx, seen, half[seen]).astype(np.float32)
    if n > 2:
        centre = np.asarray(cv2.GaussianBlur(centre[:, None], (1, 0), ROW_SMOOTH,
                                             borderType=cv2.BORDER_REPLICATE)[:, 0], np.float32)
        half = np.asarray(cv2.GaussianBlur(half[:, None], (1, 0), ROW_SMOOTH,
                                           borderType=cv2.BORDER_REPLICATE)[:, 0], np.float32)
    return centre, half


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
