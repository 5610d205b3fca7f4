"""Sleeves laid along the arm as a strip of quads (no thin-plate spline: no balloons).

On the product photo a sleeve is a quad: its seam (shoulder corner, armpit) and its opening
(outer and inner hem corners, measured perpendicular to the sleeve's axis). On the body the
same sleeve is a strip along the arm bones: the outer edge starts at the placed shoulder
corner, the inner one at the arm's inner side just below the shoulder, and the hem crosses
the arm perpendicularly; the strip's half width is the arm's radius (fitted to the visible
arm) times ``1 + ease``, the ease taken from the garment's own opening and clipped, so the
sleeve never bulges beyond the arm more than the garment itself does. A long sleeve gets an
extra cross-section at the elbow. Each quad maps by a homography (straight lines stay
straight). Images HxWx3 uint8 RGB, masks HxW bool, points (x, y) float32 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import labelled
from .fit import Warped, along, quarter_turn, remapped
from .limbs import unit

F32 = NDArray[np.float32]
Point = NDArray[np.float32]
Section = tuple[Point, Point]          # (outer, inner) edge points of one cross-section
EASE = (0.12, 0.3)                     # sleeve half width / arm radius - 1, clipped
SHORT_CAP = 0.9                        # a short sleeve ends above this share of the upper arm
LONG_SLEEVE = 0.8                      # sleeves this share of the arm or longer pass the elbow
PAD = 3                                # px the strip reaches beyond its quads


@dataclass(frozen=True)
class SleeveQuad:
    """A sleeve on the product photo: seam (``seam_out`` shoulder corner, ``seam_in``
    armpit) and opening (``hem_out``, ``hem_in``), cut-out pixels."""

    seam_out: Point
    seam_in: Point
    hem_out: Point
    hem_in: Point

    @property
    def half_width(self) -> float:
        return float(np.linalg.norm(self.hem_out - self.hem_in)) / 2

    @property
    def outer_len(self) -> float:
        return float(np.linalg.norm(self.hem_out - self.seam_out))


@dataclass(frozen=True)
class Arm:
    """An arm on the person: bone chain (shoulder, elbow, wrist) and its radius (px) at
    the shoulder and at the wrist."""

    chain: list[Point]
    radii: tuple[float, float]

    @property
    def upper(self) -> float:
        return float(np.linalg.norm(self.chain[1] - self.chain[0]))

    @property
    def total(self) -> float:
        return sum(float(np.linalg.norm(b - a)) for a, b in pairwise(self.chain))

    def radius(self, s: float) -> float:
        """Radius at arc length ``s`` from the shoulder."""
        f = float(np.clip(s / max(self.total, 1.0), 0.0, 1.0))
        return self.radii[0] + (self.radii[1] - self.radii[0]) * f


def garment_quad(sleeve: NDArray[np.bool_], seam_out: Point, seam_in: Point) -> (
        SleeveQuad | None):
    """The quad of one sleeve from its HxW bool mask (the sleeve alone; its largest
    piece is used) and its seam: the axis runs from the seam's middle to the far end, the
    opening is the sleeve's extent across the axis in its last 15%."""
    ys, xs = np.nonzero(_largest(sleeve))
    if len(xs) < 50:
        return None
    pts = np.stack([xs, ys], 1).astype(np.float32)
    root = (seam_out + seam_in) / 2
    dist = np.linalg.norm(pts - root, axis=1)
    axis = unit(pts[dist >= np.percentile(dist, 93)].mean(axis=0) - root)
    t = (pts - root) @ axis
    t_end = float(np.percentile(t, 99))
    normal = quarter_turn(axis)
    if float(np.dot(normal, seam_out - root)) < 0:
        normal = -normal
    c = (pts - root) @ normal
    tip = t >= 0.85 * t_end
    lo, hi = float(np.percentile(c[tip], 1)), float(np.percentile(c[tip], 99))
    # each hem corner as far along the axis as the sleeve reaches on its side: a hem cut
    # at a slant is not squared off (the quad's corner beyond it would be left empty)
    band = 0.15 * (hi - lo)
    t_out = _reach(t, c >= hi - band, t_end)
    t_in = _reach(t, (c <= lo + band) & (t >= 0.5 * t_end), t_end)
    return SleeveQuad(seam_out, seam_in, (root + axis * t_out + normal * hi).astype(np.float32),
                      (root + axis * t_in + normal * lo).astype(np.float32))


def _reach(t: NDArray[np.floating], side: NDArray[np.bool_], t_end: float) -> float:
    """How far along the axis (98th percentile) the sleeve's pixels on one side reach; the
    whole sleeve's ``t_end`` when too few are there."""
    return float(np.percentile(t[side], 98)) if side.sum() >= 20 else t_end


def _largest(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    n, labels, areas = labelled(mask)
    if n <= 2:
        return mask
    out: NDArray[np.bool_] = labels == 1 + int(np.argmax(areas[1:]))
    return out


def _arc_of(chain: list[Point], p: Point) -> float:
    """Arc length of the projection of ``p`` on the first bone (may be negative)."""
    return float(np.dot(p - chain[0], unit(chain[1] - chain[0])))


def body_sections(quad: SleeveQuad, seam_out: Point, arm: Arm, scale: float,
                  hint: Point, sw: float, gain: float = 1.0) -> tuple[list[Section], list[float]]:
    """Cross-sections of the sleeve on the body (outer, inner) and the garment fractions
    (0 seam .. 1 hem) they correspond to. ``scale`` garment -> body px, ``hint`` a
    direction toward the arm's outer side at the shoulder, ``sw`` the shoulder width. The
    outer side is the one ``hint`` picks on the upper arm, carried round the elbow (a
    forearm folded across the body keeps its outer edge on the same side of the bones, so
    no quad is folded over itself). ``gain``: the prompt's fit width (:func:`ease_of`)."""
    s_top, s_in, s_hem = sleeve_arcs(quad, seam_out, arm, scale, sw)
    ease = ease_of(quad, scale, arm.radius(s_hem), gain)
    turn = _turn(arm.chain, hint)
    p_in, d_in = along(arm.chain, s_in)
    inner_top = p_in - quarter_turn(d_in) * turn * arm.radius(s_in) * (1 + ease)
    sections: list[Section] = [(seam_out, inner_top.astype(np.float32))]
    fracs = [0.0]
    if s_hem > arm.upper + 0.1 * sw:
        sections.append(_section(arm, arm.upper, turn, ease, bend=True))
        fracs.append((arm.upper - s_top) / max(s_hem - s_top, 1.0))
    sections.append(_section(arm, s_hem, turn, ease))
    fracs.append(1.0)
    return sections, fracs


def ease_of(quad: SleeveQuad, scale: float, radius: float, gain: float = 1.0) -> float:
    """A sleeve's half width over the arm's ``radius`` at its hem, less 1: the quad's half
    width (``scale`` garment -> body px) over it, within ``EASE``, then times the prompt's
    fit width ``gain`` (loose 1.12: a sleeve standing 1.46 radii off the arm's axis at most,
    tight 0.93: down to 1.04, hugging it)."""
    ease = float(np.clip(quad.half_width * scale / max(radius, 1.0) - 1, *EASE))
    return ease + (1 + ease) * (gain - 1)


def sleeve_arcs(quad: SleeveQuad, seam_out: Point, arm: Arm, scale: float,
                sw: float) -> tuple[float, float, float]:
    """Arc lengths along ``arm``'s bones (from the shoulder joint) of a sleeve's seam corner
    (``seam_out``'s projection on the upper arm), of its inner edge's start below the
    armpit and of its hem (the sleeve's outer length times ``scale``, a long sleeve's
    capped just past the wrist, a short one's above the elbow; at least 0.1 ``sw`` past
    the inner start)."""
    s_top = _arc_of(arm.chain, seam_out)
    s_in = s_top + float(np.clip(0.3 * sw, 0.1 * sw, 0.4 * arm.upper + 0.1 * sw))
    long = quad.outer_len * scale >= LONG_SLEEVE * arm.total
    cap = 1.03 * arm.total if long else SHORT_CAP * arm.upper
    s_hem = float(np.clip(s_top + quad.outer_len * scale, s_in + 0.1 * sw, max(cap, s_in + 0.1 * sw)))
    return s_top, s_in, s_hem


def _turn(chain: list[Point], hint: Point) -> float:
    """+1 when the outer side is left of the bones (:func:`.fit.quarter_turn`), -1 when
    right: picked by ``hint`` on the upper arm."""
    return 1.0 if float(np.dot(quarter_turn(unit(chain[1] - chain[0])), hint)) >= 0 else -1.0


def _section(arm: Arm, s: float, turn: float, ease: float, bend: bool = False) -> Section:
    """Cross-section perpendicular to the arm at arc length ``s``, outer side ``turn``
    (:func:`_turn`); at the elbow (``bend``) perpendicular to the mean of both bones."""
    p, d = along(arm.chain, s)
    if bend:
        p = arm.chain[1]
        d = unit(unit(arm.chain[1] - arm.chain[0]) + unit(arm.chain[2] - arm.chain[1]))
    n = quarter_turn(d) * turn * arm.radius(s) * (1 + ease)
    return (p + n).astype(np.float32), (p - n).astype(np.float32)


STEP = 0.35                            # a long sleeve's sections, shoulder widths apart
MITRE = 2.0                            # at most this widening of the strip across a bent elbow
ELBOW = 1.2                            # ... on its outer side
CLEAR = 0.25                           # half widths a section keeps clear of the mitre's
                                       # reach (the upper arm's, wider, came to a point on
                                       # its inner end: a line of background along the mitre)


@dataclass(frozen=True)
class Elbow:
    """A bent long sleeve's elbow: the strip within ``reach`` px of the joint is kept within
    its half width (the arm's radius times ``1 + ease``, plus ``PAD``) of the bones,
    shoulder -> elbow -> ``end`` (the hem's point on the bones): the mitre's outer corner,
    a spike on a sharply folded arm, is rounded off."""

    arm: Arm
    ease: float
    end: Point
    reach: float


@dataclass(frozen=True)
class Strip:
    """A sleeve's garment and body cross-sections (:func:`strip_sections`); ``long`` for a
    long sleeve (shaded round, :func:`warp_strip`), ``elbow`` when it is bent."""

    g_secs: list[Section]
    b_secs: list[Section]
    long: bool = False
    elbow: Elbow | None = None
    split: int = 0                     # first section of a forearm drawn in front (0: none)


def strip_sections(sleeve: NDArray[np.bool_], quad: SleeveQuad, seam_out: Point, arm: Arm,
                   scale: float, hint: Point, sw: float, gain: float = 1.0) -> Strip:
    """The garment's and the body's cross-sections of one sleeve (``sleeve`` its HxW bool
    mask on the cut-out, the rest as for :func:`body_sections`). A short sleeve: the quad's
    (:func:`body_sections`, :func:`garment_sections`). A long one: the sleeve's own
    cross-sections along its axis on the product photo (:func:`garment_profile`: a sleeve
    hanging beside the body has its seam along its inner edge, and the quad from seam to hem
    crossed it as a thin diagonal, a wedge on the arm) laid on cross-sections every
    ``STEP`` shoulder widths along the arm, mitred round the elbow (:func:`bent_sections`,
    its outer corner rounded: :class:`Elbow`). ``gain``: the prompt's fit width
    (:func:`ease_of`)."""
    b_secs, fracs = body_sections(quad, seam_out, arm, scale, hint, sw, gain)
    if len(fracs) < 3:
        return Strip(garment_sections(quad, fracs), b_secs)
    s_top, _, s_hem = sleeve_arcs(quad, seam_out, arm, scale, sw)
    ease = ease_of(quad, scale, arm.radius(s_hem), gain)
    turn = _turn(arm.chain, hint)
    folded = folded_sections(arm, s_top, s_hem, turn, ease, STEP * sw)
    b_long, f_long, split = folded or (*bent_sections(arm, s_top, s_hem, turn, ease, STEP * sw), 0)
    g_long = garment_profile(sleeve, quad, f_long)
    if g_long is None:
        return Strip(garment_sections(quad, fracs), b_secs)
    end = along(arm.chain, s_hem)[0]
    if split:       # folded: the elbow's outer corner is rounded over 1.5 half widths
        reach = arm.radius(arm.upper) * (1 + ease) * 1.5 + 2 * PAD
        return Strip(g_long, b_long, True, Elbow(arm, ease, end, reach), split)
    arcs = [s_top + f * (s_hem - s_top) for f in f_long]
    bend = [k for k, s in enumerate(arcs) if abs(s - arm.upper) < 1e-3 and 0 < k < len(arcs) - 1]
    elbow = None
    if bend:        # mitred: as far as the sections beside the elbow's
        k = bend[0]
        joint = arm.chain[1]
        reach = max(float(np.linalg.norm(b_long[j][0] - joint)) for j in (k - 1, k + 1)) + PAD
        elbow = Elbow(arm, ease, end, reach)
    return Strip(g_long, b_long, True, elbow)


def _bones(arm: Arm) -> tuple[Point, Point, float]:
    """Unit directions of ``arm``'s upper arm and forearm, and the cosine of half the turn
    between them at the elbow."""
    u = unit(arm.chain[1] - arm.chain[0])
    v = unit(arm.chain[2] - arm.chain[1])
    return u, v, float(np.cos(0.5 * float(np.arccos(np.clip(float(u @ v), -1.0, 1.0)))))


def bent_sections(arm: Arm, s_top: float, s_hem: float, turn: float, ease: float,
                  step: float) -> tuple[list[Section], list[float]]:
    """Cross-sections of a strip along ``arm`` from arc length ``s_top`` to ``s_hem``
    (outer side ``turn``, half width the arm's radius times ``1 + ease``), about ``step`` px
    apart, and their fractions (0..1) of the strip's length. Round the elbow the strip is
    mitred: one section on the bisector of the bones, widened by 1 / cos(half the turn)
    (at most ``MITRE``; ``ELBOW`` on the outer side: a rounded elbow, no spike), none
    within the mitre's reach on either side, or ``CLEAR`` half widths beyond it (their inner
    ends would cross it or meet it in a point)."""
    length = max(s_hem - s_top, 1.0)
    u, v, cos_half = _bones(arm)
    mitre = min(1.0 / max(cos_half, 1e-3), MITRE)
    width = arm.radius(arm.upper) * (1 + ease)
    reach = width * float(np.sqrt(max(mitre * mitre - 1.0, 0.0))) + 2.0
    n = max(2, int(np.ceil(length / max(step, 1.0))))
    arcs = [s_top + length * k / n for k in range(n + 1)]
    bend = s_top < arm.upper < s_hem - reach
    if bend:
        off = reach + CLEAR * width
        arcs = [s for s in arcs if abs(s - arm.upper) > off or s in (s_top, s_hem)]
        arcs = sorted([*arcs, arm.upper])
    secs: list[Section] = []
    for s in arcs:
        if bend and s == arm.upper:
            d = unit(u + v) if float(np.linalg.norm(u + v)) > 0.2 else u
            p, w, w_out = arm.chain[1], width * mitre, width * min(mitre, ELBOW)
        else:
            p, d = along(arm.chain, s)
            w = w_out = arm.radius(s) * (1 + ease)
        side = quarter_turn(d) * turn
        secs.append(((p + side * w_out).astype(np.float32), (p - side * w).astype(np.float32)))
    return secs, [(s - s_top) / length for s in arcs]


def folded_sections(arm: Arm, s_top: float, s_hem: float, turn: float, ease: float,
                    step: float) -> tuple[list[Section], list[float], int] | None:
    """A strip along an arm folded sharper than a mitre can follow (it would widen the strip
    more than ``MITRE`` times: the mitred quads' inner corners crossed and left gaps), as two
    segments, or None for a straighter arm (:func:`bent_sections`) or a sleeve ending near
    the elbow. The upper arm's sections (perpendicular to its bone) run on past the elbow by
    the strip's half width, the forearm's start at the elbow perpendicular to its own bone;
    returns the sections, their fractions of the strip's length and the index of the
    forearm's first section (the forearm is drawn in front where the two cross; the elbow's
    outer corner is rounded by :class:`Elbow`)."""
    u, v, cos_half = _bones(arm)
    width = arm.radius(arm.upper) * (1 + ease)
    if cos_half * MITRE >= 1.0 or not s_top + step / 2 < arm.upper < s_hem - width:
        return None
    length = max(s_hem - s_top, 1.0)
    joint = arm.chain[1]
    n_up = max(1, int(np.ceil((arm.upper - s_top) / max(step, 1.0))))
    n_fore = max(1, int(np.ceil((s_hem - arm.upper) / max(step, 1.0))))
    up = [s_top + (arm.upper - s_top) * k / n_up for k in range(n_up + 1)]
    fore = [arm.upper + (s_hem - arm.upper) * k / n_fore for k in range(n_fore + 1)]
    secs: list[Section] = []
    arcs: list[float] = []
    for s in [*up, arm.upper + width]:
        p = joint + u * (s - arm.upper)
        side = quarter_turn(u) * turn * arm.radius(min(s, arm.upper)) * (1 + ease)
        secs.append(((p + side).astype(np.float32), (p - side).astype(np.float32)))
        arcs.append(s)
    for s in fore:
        p = joint + v * (s - arm.upper)
        side = quarter_turn(v) * turn * arm.radius(s) * (1 + ease)
        secs.append(((p + side).astype(np.float32), (p - side).astype(np.float32)))
        arcs.append(s)
    return secs, [(s - s_top) / length for s in arcs], len(up) + 1


def garment_profile(sleeve: NDArray[np.bool_], quad: SleeveQuad, fracs: list[float]) -> (
        list[Section] | None):
    """The sleeve's cross-sections (outer, inner) on the product photo at ``fracs`` of its
    length: perpendicular to its main axis (principal direction of its pixels, from the
    seam's end to the cuff), each as wide as the sleeve is there (1st..99th percentile
    across, over a band 6% of the length deep, kept inside the sleeve's ends); None when
    the sleeve is too small."""
    ys, xs = np.nonzero(_largest(sleeve))
    if len(xs) < 200:
        return None
    pts = np.stack([xs, ys], 1).astype(np.float32)
    centre = pts.mean(axis=0)
    _, vecs = np.linalg.eigh(np.cov((pts - centre).T))
    axis = unit(vecs[:, 1].astype(np.float32))
    seam = (quad.seam_out + quad.seam_in) / 2
    if float(np.dot(axis, centre - seam)) < 0:
        axis = -axis
    normal = quarter_turn(axis)
    hint = unit(quad.seam_out - quad.seam_in) + unit(centre - seam)
    if float(np.dot(normal, hint)) < 0:
        normal = -normal
    t, c = (pts - centre) @ axis, (pts - centre) @ normal
    t0, t1 = float(np.percentile(t, 0.5)), float(np.percentile(t, 99.5))
    band = 0.03 * (t1 - t0)
    secs: list[Section] = []
    for f in fracs:
        at = t0 + (t1 - t0) * f
        mid = float(np.clip(at, t0 + band, t1 - band))
        near = np.abs(t - mid) <= band
        if near.sum() < 5:
            return None
        hi, lo = float(np.percentile(c[near], 99)), float(np.percentile(c[near], 1))
        base = centre + axis * at
        secs.append(((base + normal * hi).astype(np.float32),
                     (base + normal * lo).astype(np.float32)))
    return secs


def garment_sections(quad: SleeveQuad, fracs: list[float]) -> list[Section]:
    """Cross-sections of the garment quad at ``fracs`` of its length."""
    return [((quad.seam_out + (quad.hem_out - quad.seam_out) * f).astype(np.float32),
             (quad.seam_in + (quad.hem_in - quad.seam_in) * f).astype(np.float32))
            for f in fracs]


def _quad(a: Section, b: Section) -> F32:
    return np.array([a[0], b[0], b[1], a[1]], np.float32)


ROUNDNESS = 0.16                       # a long sleeve's edges this much darker than its middle


def warp_strip(image: NDArray[np.uint8], mask: NDArray[np.bool_] | F32, g_secs: list[Section],
               b_secs: list[Section], shape: tuple[int, int], roundness: float = 0.0,
               elbow: Elbow | None = None, split: int = 0) -> Warped:
    """The sleeve (HxWx3 uint8 RGB cut-out + its HxW bool mask, or its coverage, HxW
    float32 0..1) mapped quad by quad onto an image of ``shape``; alpha is anti-aliased,
    sharp where the strip magnifies the sleeve (:func:`.render.crisp`) and limited to the
    strip (plus ``PAD`` px), round an ``elbow`` to its bones (:func:`elbow_room`). With
    ``roundness`` the arm's round is shaded across the strip (:func:`round_shade`). With
    ``split`` the strip is two segments, sections ``[:split]`` and ``[split:]`` (no quad
    between them), the second drawn in front (:func:`folded_sections`)."""
    h, w = shape
    rgb, alpha = np.zeros((h, w, 3), np.float32), np.zeros((h, w), np.float32)
    allpts = np.array([p for sec in b_secs for p in sec], np.float32)
    x0, y0 = np.clip(np.floor(allpts.min(0)) - 2 * PAD, 0, [w, h]).astype(int)
    x1, y1 = np.clip(np.ceil(allpts.max(0)) + 2 * PAD, 0, [w, h]).astype(int)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return Warped(rgb, alpha)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    homs = [cv2.getPerspectiveTransform(_quad(b_secs[i], b_secs[i + 1]), _quad(ga, gb))
            for i, (ga, gb) in enumerate(pairwise(g_secs))]
    labels = _labels(b_secs, xs.shape, np.array([x0, y0], np.float32), split)
    mx, my = _mapped(homs, labels, xs, ys)
    region = labels > 0
    box = np.s_[y0:y1, x0:x1]
    rgb[box], a = remapped(image, mask, mx, my)
    if roundness > 0:
        rgb[box] = np.clip(rgb[box] * round_shade(b_secs, labels, xs, ys, roundness)[..., None],
                           0, 255)
    soft = cv2.GaussianBlur(region.astype(np.float32), (0, 0), 1.0)
    alpha[box] = np.clip(a * soft * region, 0, 1)
    if elbow is not None:
        alpha[box] *= elbow_room(elbow, xs, ys)
    return Warped(rgb, alpha)


def warp_cap(image: NDArray[np.uint8], mask: NDArray[np.bool_] | F32, g_secs: list[Section],
             b_secs: list[Section], shape: tuple[int, int], height: float) -> Warped:
    """A strip's sleeve (HxWx3 uint8 RGB cut-out + its HxW bool mask or float32 coverage)
    carried on past its seam: over the quad ``height`` px deep above the first body section
    (its sides the strip's first outer and inner edges carried on), each pixel takes the
    sleeve's fabric at its mirror image across that section (the product photo has nothing
    of the sleeve beyond its seam: a hanging sleeve's top is the shoulder's corner). Alpha
    0 elsewhere."""
    h, w = shape
    rgb, alpha = np.zeros((h, w, 3), np.float32), np.zeros((h, w), np.float32)
    (o0, i0), (o1, i1) = b_secs[0], b_secs[1]
    top = ((o0 + unit(o0 - o1) * height).astype(np.float32),
           (i0 + unit(i0 - i1) * height).astype(np.float32))
    pts = np.array([o0, i0, *top], np.float32)
    x0, y0 = np.clip(np.floor(pts.min(0)) - 1, 0, [w, h]).astype(int)
    x1, y1 = np.clip(np.ceil(pts.max(0)) + 2, 0, [w, h]).astype(int)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return Warped(rgb, alpha)
    canvas = np.zeros((y1 - y0, x1 - x0), np.uint8)
    corner = np.array([x0, y0], np.float32)
    cv2.fillConvexPoly(canvas, np.round(_quad(top, b_secs[0]) - corner).astype(np.int32), 1)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    normal = quarter_turn(unit(i0 - o0))
    off = (xs - o0[0]) * normal[0] + (ys - o0[1]) * normal[1]
    hom = cv2.getPerspectiveTransform(_quad(b_secs[0], b_secs[1]), _quad(g_secs[0], g_secs[1]))
    mx, my = _mapped([hom], canvas.astype(np.int32), xs - 2 * off * normal[0],
                     ys - 2 * off * normal[1])
    box = np.s_[y0:y1, x0:x1]
    rgb[box], a = remapped(image, mask, mx, my)
    alpha[box] = a * canvas
    return Warped(rgb, alpha)


def _mapped(homs: list[NDArray[np.floating | np.integer]], labels: NDArray[np.int32],
            xs: F32, ys: F32) -> tuple[F32, F32]:
    """Each pixel (``xs``, ``ys``) mapped by the homography of its quad (``labels``, 1 +
    index into ``homs``; 0 stays 0)."""
    mx, my = np.zeros_like(xs), np.zeros_like(ys)
    for i, hom in enumerate(homs):
        sel = labels == i + 1
        den = hom[2, 0] * xs[sel] + hom[2, 1] * ys[sel] + hom[2, 2]
        den = np.where(np.abs(den) < 1e-6, 1e-6, den)
        mx[sel] = (hom[0, 0] * xs[sel] + hom[0, 1] * ys[sel] + hom[0, 2]) / den
        my[sel] = (hom[1, 0] * xs[sel] + hom[1, 1] * ys[sel] + hom[1, 2]) / den
    return mx, my


def round_shade(b_secs: list[Section], labels: NDArray[np.int32], xs: F32, ys: F32,
                roundness: float) -> F32:
    """Multiplier (float32, the shape of ``xs``) of a strip laid round an arm: 1 along its
    middle, ``1 - roundness`` at both edges (quadratic across each quad, from its own outer
    to its inner side), faded in over the first section's half width below the seam (the
    torso beside it is not shaded so)."""
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    homs = [cv2.getPerspectiveTransform(_quad(a, b), square) for a, b in pairwise(b_secs)]
    along_, across = _mapped(homs, labels, xs, ys)
    c = np.clip(2 * across - 1, -1, 1)
    first = b_secs[0]
    half = max(float(np.linalg.norm(first[0] - first[1])) / 2, 1.0)
    mids = [(a + b) / 2 for a, b in b_secs[:2]]
    length = float(np.linalg.norm(mids[1] - mids[0]))
    fade = np.where(labels == 1, np.clip(along_ * length / half, 0, 1), 1.0)
    out: F32 = (1 - roundness * fade * c * c).astype(np.float32)
    return out


def _segment_distance(xs: F32, ys: F32, a: Point, b: Point) -> tuple[F32, F32]:
    """Distance of each pixel from segment ``a`` -> ``b`` and its projection's fraction
    (0..1) along it."""
    d = b - a
    t = np.clip(((xs - a[0]) * d[0] + (ys - a[1]) * d[1]) / max(float(d @ d), 1e-6), 0, 1)
    dist: F32 = np.hypot(xs - a[0] - t * d[0], ys - a[1] - t * d[1]).astype(np.float32)
    return dist, t.astype(np.float32)


def elbow_room(elbow: Elbow, xs: F32, ys: F32) -> F32:
    """Multiplier 0..1 (the shape of ``xs``): within ``elbow.reach`` of the elbow, 1 within
    the strip's half width of either bone (the arm's radius tapering along it) plus the
    ``PAD`` + 1 px its soft edge takes, 0 a pixel beyond, anti-aliased; 1 elsewhere."""
    arm = elbow.arm
    shoulder, joint = arm.chain[0], arm.chain[1]
    room = np.zeros_like(xs)
    for a, b, s0, s1 in ((shoulder, joint, 0.0, arm.upper),
                         (joint, elbow.end, arm.upper, arm.total)):
        dist, t = _segment_distance(xs, ys, a, b)
        r0, r1 = arm.radius(s0), arm.radius(s1)
        radius = (r0 + (r1 - r0) * t) * (1 + elbow.ease) + PAD
        room = np.maximum(room, np.clip(radius + 1.5 - dist, 0, 1))
    near = np.hypot(xs - joint[0], ys - joint[1]) <= elbow.reach
    out: F32 = np.where(near, room, 1.0).astype(np.float32)
    return out


def _labels(b_secs: list[Section], shape: tuple[int, int], off: Point,
            split: int = 0) -> NDArray[np.int32]:
    """HxW int32: 1 + index of the body quad each pixel belongs to (0 outside); pixels up
    to ``PAD`` px beyond the quads go to the nearest one's neighbour order. With ``split``
    the quad ending at section ``split`` is left out and the quads from there on (a
    forearm) take the pixels of the ones before (the upper arm) they cover."""
    labels = np.zeros(shape, np.int32)
    quads = [_quad(a, b) - off for a, b in pairwise(b_secs)]
    for grow in (0, PAD):
        for i, q in enumerate(quads):
            if split and i == split - 1:
                continue
            canvas = np.zeros(shape, np.uint8)
            cv2.fillConvexPoly(canvas, np.round(q).astype(np.int32), 1)
            poly = cv2.dilate(canvas, np.ones((2 * grow + 1,) * 2, np.uint8)) if grow \
                else canvas
            free = labels == 0
            if split and i >= split and not grow:
                free |= labels < split
            labels[(poly > 0) & free] = i + 1
    return labels
