"""A body seen from the side: where its torso is, and how a frontal garment is laid on it.

In a side view the shoulder joints nearly coincide, so the frontal body frame (built on
their span) is a narrow strip around the joints that says nothing about where the back
and the chest are. Here the torso is measured on the silhouette instead: on each row from
the shoulder line down, the run of the person (face, hair, hands and things in front left
out) through the torso's centre line, from the back to the front; where a forward-reaching
arm lengthens the run, the front is capped at the back plus the torso's usual depth
(measured on the rows below the chest). Both edges are smoothed along the rows.

A frontal garment shows only its half on the seen side: from its centre line (with the
print) at the chest edge to its side seam in the torso's middle, foreshortened like a
cylinder towards the chest; the strip by the side seam is spread over the back half (the
back panel, which the product photo does not show); the far half lies beyond the chest
edge (a fold would tear the thin-plate warp) and is cut away with everything outside the
torso's edges. Points (x, y) float32 image pixels, masks HxW bool.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from ...imaging.regions import row_first, row_last
from .body import Body
from .fit import body_frame
from .kinds import row_runs
from .pose import NOSE, Pose
from .regions import capsule

F32 = NDArray[np.float32]
Point = NDArray[np.float32]
Pairs = list[tuple[Point, Point]]
SIDE = 0.2           # shoulder joints closer than this x the torso length: a side view
DEPTH_SLACK = 1.0    # the front is capped at the back plus this x the usual depth
SMOOTH = 0.12        # row smoothing window (torso lengths)
BELLY = 0.6          # the belly's skin under a shorter top starts here (torso lengths) ...
WAISTBAND = 0.9      # ... and ends here, where a long old top hid the old bottom's top
BACK_STRIP = 0.25    # share of the seen half (from its side seam) spread over the back
LEVELS = ("shoulder", "armpit", "waist", "hem")
EXTRA_U = (0.9, 0.75, 0.5, 0.25)   # |offsets| of the extra pairs on the seen half
EASE = 0.08          # a loose old top's standing off the body, each side (shoulder widths)
LEG_REACH = 0.4      # a leg's pixels lie this near its bones (shoulder widths)
TROUSER_DE = 20.0    # Lab distance from the trousers' median colour of what is mirrored up
WAIST_UP = 0.03      # ... and how far above a jacket's skirt (torso lengths): the old top
                     # between a new top's hem and the hips; a hem reaching less far below
                     # the skirt's first row is at the hips too (nothing beside it)
HEM_REACH = 0.1      # a new top's hem below a jacket's skirt's first row (torso lengths)
HEM_SHARE = 0.5      # ... over at least this share of its width in the row above
GAP_REACH = 0.1      # uncovered old top between a new top's hem and the trousers below it,
                     # at most this high (torso lengths): the old top's hem lying on them
GAP_FLAT = 2.0       # ... and that many times as wide as high (a wedge along the hem)


@dataclass(frozen=True)
class Edges:
    """The torso's back and front edge (image x) on the rows ``ys`` (ascending)."""

    ys: F32
    back: F32
    front: F32

    def at(self, y: float) -> tuple[float, float]:
        """(back x, front x) at image row ``y`` (the nearest measured row beyond them)."""
        return (float(np.interp(y, self.ys, self.back)),
                float(np.interp(y, self.ys, self.front)))

    def scaled(self, gain: float, rows: tuple[float, float]) -> Edges:
        """The edges moved apart (``gain`` > 1) or together about their middle on each row:
        the torso as a looser or tighter top (the prompt's fit width) shows it; not at all
        above ``rows[0]`` (the shoulders: the fabric lies on them), fully below ``rows[1]``
        (the armpits), eased between. Narrowed at the shoulders too, a tight top's chest
        left a notch of old top under the chin (the woman with the dog)."""
        if gain == 1.0:
            return self
        y0, y1 = rows
        g = 1 + (gain - 1) * np.clip((self.ys - y0) / max(y1 - y0, 1.0), 0, 1)
        mid = (self.back + self.front) / 2
        return Edges(self.ys, (mid + (self.back - mid) * g).astype(np.float32),
                     (mid + (self.front - mid) * g).astype(np.float32))

    def band(self, shape: tuple[int, int], margin: float, rows: tuple[float, float] | None
             = None) -> NDArray[np.bool_]:
        """HxW bool: between the edges, widened by ``margin`` px on each side, on the
        measured rows (``rows``: from, to image rows instead); nothing elsewhere."""
        ys = np.arange(shape[0], dtype=np.float32)
        y0, y1 = rows if rows is not None else (float(self.ys[0]), float(self.ys[-1]))
        back, front = np.interp(ys, self.ys, self.back), np.interp(ys, self.ys, self.front)
        lo, hi = np.minimum(back, front) - margin, np.maximum(back, front) + margin
        xs = np.arange(shape[1], dtype=np.float32)[None]
        out: NDArray[np.bool_] = (xs >= lo[:, None]) & (xs <= hi[:, None]) & \
            ((ys >= y0) & (ys <= y1))[:, None]
        return out


def facing(pose: Pose) -> int:
    """+1 / -1 when the body is seen from the side facing image right / left (the nose
    ahead of the shoulders' middle), 0 for a frontal (or back) view."""
    joints = float(np.linalg.norm(pose.p(11) - pose.p(12)))
    if joints >= SIDE * pose.torso_len:
        return 0
    ahead = float(pose.p(NOSE)[0] - pose.shoulder_mid[0])
    if abs(ahead) < 0.05 * pose.shoulder_width:
        return 0
    return 1 if ahead > 0 else -1


def torso_edges(body: Body, face: int, reach: float = 1.3) -> Edges | None:
    """The torso's edges on the rows from the shoulder line down ``reach`` torso lengths
    (see the module's docstring), or None when fewer than 5 rows have a run."""
    frame = body_frame(body.pose)
    region = body.person & ~body.head & ~body.hands
    h = region.shape[0]
    rows, backs, fronts = [], [], []
    for v in np.arange(0.0, reach, 0.02) * frame.torso_len:
        y = round(float(frame.origin[1] + frame.down[1] * v))
        cx = float(frame.origin[0] + frame.down[0] * v)
        run = next(((a, b) for a, b in row_runs(region[y]) if a <= cx < b), None) \
            if 0 <= y < h else None
        if run is not None:
            rows.append(y)
            backs.append(run[0] if face > 0 else run[1] - 1)
            fronts.append(run[1] - 1 if face > 0 else run[0])
    if len(rows) < 5:
        return None
    return _smoothed(np.array(rows, np.float32), np.array(backs, np.float32),
                     np.array(fronts, np.float32), frame.torso_len)


def _smoothed(ys: F32, back: F32, front: F32, torso: float) -> Edges:
    """Edges with the front capped at the back plus ``DEPTH_SLACK`` x the median depth of
    the lower rows (an arm reaching forward is not the chest), both smoothed by a running
    median over ``SMOOTH`` torso lengths; the back no further in than its line through
    the rows 0.25-0.7 torso lengths below the shoulders."""
    depth = np.abs(front - back)
    lower = depth[len(depth) // 2:]
    cap = DEPTH_SLACK * float(np.median(lower))
    sign = np.sign(front - back)
    front = np.where(depth > cap, back + sign * cap, front).astype(np.float32)
    step = float(np.median(np.diff(ys))) if len(ys) > 1 else 1.0
    k = max(3, int(SMOOTH * torso / max(step, 1.0))) | 1
    back = _running_median(back, k)
    # the back's straight line from the rows below the shoulder blades continued up: hair
    # or a hood hides the upper back and the neck, not the body
    mid = (ys >= ys[0] + 0.25 * torso) & (ys <= ys[0] + 0.7 * torso)
    if mid.sum() >= 3:
        line = np.polyval(np.polyfit(ys[mid], back[mid], 1), ys).astype(np.float32)
        back = np.where(sign > 0, np.minimum(back, line), np.maximum(back, line))
    return Edges(ys, back.astype(np.float32), _running_median(front, k))


def _running_median(values: F32, k: int) -> F32:
    """Running median over ``k`` samples (edges padded with the end values)."""
    pad = np.pad(values, k // 2, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(pad, k)
    out: F32 = np.median(windows, axis=1).astype(np.float32)
    return out


def seen_at(u: float, face: int) -> float:
    """Where (0 back .. 1 front edge; beyond 1: past the chest) a garment point at offset
    ``u`` (-1..1 from its centre line, image x) lands on a torso seen from the side facing
    ``face``: the seen half's strip by the side seam (``BACK_STRIP`` of it) spreads over
    the back half (a plain back panel stand-in), the rest over the front half as on a
    cylinder (foreshortened towards the chest); the far half lies past the chest."""
    s = float(np.clip(u * face, -1.0, 1.0))
    if s > 0:
        return 1.0 + 0.5 * s
    a = s + 1.0                      # 0 at the side seam .. 1 at the centre line
    if a < BACK_STRIP:
        return 0.5 * a / BACK_STRIP
    return 0.5 + 0.5 * float(np.sin(np.pi / 2 * (a - BACK_STRIP) / (1.0 - BACK_STRIP)))


def side_pairs(pairs: Pairs, points: dict[str, Point], half_width: float, edges: Edges,
               face: int, gain: float = 1.0, rows: tuple[float, float] = (0.0, 0.0)) -> Pairs:
    """Torso (garment, body) pairs remapped for a side view: each body point keeps its
    row and goes to :func:`seen_at` of the way from the back to the front edge; extra
    pairs across the seen half at each level (shoulders, armpits, waist, hem) hold the
    curve between them. ``points``: the garment's keypoints (centre line: the neck's x),
    ``half_width``: half its torso width; ``gain``: the prompt's fit width, the edges moved
    apart or together by it below the shoulders' and armpits' ``rows`` (:meth:`Edges.scaled`)."""
    neck_x = float(points["neck"][0])
    edges = edges.scaled(gain, rows)
    out: Pairs = []
    for g, b in pairs + _extra(pairs, points, neck_x, half_width, face):
        u = (float(g[0]) - neck_x) / max(half_width, 1.0)
        back, front = edges.at(float(b[1]))
        x = back + seen_at(u, face) * (front - back)
        out.append((g, np.array([x, b[1]], np.float32)))
    return out


def _extra(pairs: Pairs, points: dict[str, Point], neck_x: float, half_width: float,
           face: int) -> Pairs:
    """Garment points between each level's two corners at ``EXTRA_U`` of the seen half,
    with body rows interpolated between the corners' body points."""
    placed = {id(g): b for g, b in pairs}
    out: Pairs = []
    for level in LEVELS:
        gl, gr = points.get(f"{level}_l"), points.get(f"{level}_r")
        if gl is None or gr is None or id(gl) not in placed or id(gr) not in placed:
            continue
        span = float(gr[0] - gl[0])
        if abs(span) < 1.0:
            continue
        bl, br = placed[id(gl)], placed[id(gr)]
        for a in EXTRA_U:
            f = (neck_x - face * a * half_width - float(gl[0])) / span
            g = (gl + f * (gr - gl)).astype(np.float32)
            out.append((g, (bl + f * (br - bl)).astype(np.float32)))
    return out


def on_side(pairs: Pairs, points: dict[str, Point], half_width: float, body: Body,
            gain: float = 1.0) -> Pairs:
    """A top's or dress's torso pairs laid on the torso when the body is seen from the
    side (:func:`side_pairs`, ``gain`` the prompt's fit width); else as they are."""
    side = side_view(body)
    return pairs if side is None else side_pairs(pairs, points, half_width, side[1], side[0],
                                                 gain, fit_rows(body))


def fit_rows(body: Body) -> tuple[float, float]:
    """Image rows of the shoulders' line and the armpits (0.3 torso lengths below it) on
    the body's middle: where a side view's torso takes the prompt's fit width
    (:meth:`Edges.scaled`)."""
    frame = body_frame(body.pose)
    return float(frame.origin[1]), float(frame.place(0.0, 0.3 * frame.torso_len)[1])


def in_room(alphas: list[F32], torso: list[bool], body: Body, gain: float = 1.0) -> list[F32]:
    """A side view's torso layers (``torso`` flags per alpha), widened over the old top,
    cut back to the torso's edges (:func:`garment_room`, ``gain`` the prompt's fit width);
    else the alphas as they are."""
    side = side_view(body)
    if side is None:
        return alphas
    room = garment_room(body, side[1], gain=gain).astype(np.float32)
    return [a * room if t else a for a, t in zip(alphas, torso, strict=True)]


def side_view(body: Body) -> tuple[int, Edges] | None:
    """(:func:`facing`, :func:`torso_edges`) of a body seen from the side, else None."""
    face = facing(body.pose)
    edges = torso_edges(body, face) if face else None
    return None if edges is None else (face, edges)


def outside_room(body: Body, gain: float = 1.0) -> NDArray[np.bool_]:
    """Where a side view's torso garment may not be drawn (not :func:`garment_room`,
    ``gain`` the prompt's fit width); nothing in other views."""
    side = side_view(body)
    if side is None:
        return np.zeros(body.person.shape, bool)
    out: NDArray[np.bool_] = ~garment_room(body, side[1], gain=gain)
    return out


def garment_room(body: Body, edges: Edges, margin: int = 2,
                 gain: float = 1.0) -> NDArray[np.bool_]:
    """Where a side view's torso garment may be drawn: the person grown by ``margin`` px,
    and on the measured rows only between the torso's edges (not along an arm reaching
    forward); below them (a skirt) the person and the gap between the legs
    (:func:`between_legs`). ``gain``: the prompt's fit width: the edges moved apart or
    together by it (:meth:`Edges.scaled`), a looser top's person grown by as much as its
    edges moved out at most."""
    if gain > 1.0:
        margin += int(np.ceil((gain - 1) * float(np.max(np.abs(edges.front - edges.back))) / 2))
    edges = edges.scaled(gain, fit_rows(body))
    k = 2 * margin + 1
    near: NDArray[np.bool_] = cv2.dilate(body.person.astype(np.uint8),
                                         np.ones((k, k), np.uint8)) > 0
    measured = edges.band(body.person.shape, 1e9)
    out: NDArray[np.bool_] = (near | between_legs(body)) & \
        (~measured | edges.band(body.person.shape, margin))
    return out


def between_legs(body: Body) -> NDArray[np.bool_]:
    """HxW bool: on each row, everything from the first to the last pixel of the legs (the
    person, not what is in front of it, within ``LEG_REACH`` shoulder widths of the hip,
    knee and ankle bones): a skirt hangs across the gap between legs set apart, it does
    not part into two trouser legs with the backdrop between them."""
    pose = body.pose
    legs: NDArray[np.bool_] = np.zeros(body.person.shape, bool)
    for side in pose.sides():
        legs |= capsule(body.person.shape, [pose.p(side[k]) for k in ("hip", "knee", "ankle")],
                        LEG_REACH * pose.shoulder_width)
    legs &= body.person & ~body.in_front
    w = body.person.shape[1]
    first, last = row_first(legs, w), row_last(legs, w - 1)
    xs = np.arange(w)[None, :]
    out: NDArray[np.bool_] = (xs >= first[:, None]) & (xs <= last[:, None])
    return out


def torso_band(body: Body, rows: tuple[float, float] = (BELLY, WAISTBAND)) -> (
        NDArray[np.bool_]):
    """A side view's belly (skin under a shorter new top): the person between the torso's
    edges, each drawn in by ``EASE`` shoulder widths (a loose old top stood off the body),
    on the rows ``rows`` (torso lengths below the shoulder line); nothing in other views."""
    side = side_view(body)
    if side is None:
        return np.zeros(body.person.shape, bool)
    frame = body_frame(body.pose)
    y0, y1 = (float(frame.origin[1] + frame.down[1] * v * frame.torso_len) for v in rows)
    band = side[1].band(body.person.shape, -EASE * body.pose.shoulder_width, (y0, y1))
    out: NDArray[np.bool_] = band & body.person
    return out


def below_waistband(body: Body) -> NDArray[np.bool_]:
    """HxW bool: a side view's rows from ``WAISTBAND`` torso lengths below the shoulder line
    down, where :func:`bottom_up` continues the old bottom up (not the torso's skin: the
    frontal torso zone, a strip in a side view, reaches lower, and its skin there was a
    flat pink block between the leggings continued up on both sides of it); nothing in
    other views."""
    out = np.zeros(body.person.shape, bool)
    if side_view(body) is None:
        return out
    frame = body_frame(body.pose)
    top = float(frame.origin[1] + frame.down[1] * WAISTBAND * frame.torso_len)
    out[max(int(np.ceil(top)), 0):] = True
    return out


def bottom_up(img: NDArray[np.uint8], canvas: F32, body: Body,
              region: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """A side view's old bottom continued up into ``region`` (uncovered old top) to
    ``WAISTBAND`` torso lengths below the shoulder line, painted on ``canvas`` (HxWx3
    float32 RGB, in place): each pixel takes the old bottom's pixel mirrored about its
    first clean row (:func:`_clean_row`; its texture and shading; where that is no old
    bottom, nothing); the old bottom's rows above that one (the old top's hem taken for
    it) are repainted too. Returns where it painted (nothing in other views)."""
    painted = np.zeros(region.shape, bool)
    if side_view(body) is None:
        return painted
    frame = body_frame(body.pose)
    top = float(frame.origin[1] + frame.down[1] * WAISTBAND * frame.torso_len)
    axis = _clean_row(rgb_to_lab(img), body, round(body.split_y), int(0.1 * frame.torso_len))
    h = img.shape[0]
    rows = np.arange(h)[:, None]
    ys, xs = np.nonzero((region | body.old_bottom) & (rows >= top) & (rows < axis))
    src = np.clip(2 * axis - 1 - ys, 0, h - 1)
    ok = body.old_bottom[src, xs]
    canvas[ys[ok], xs[ok]] = img[src[ok], xs[ok]]
    painted[ys[ok], xs[ok]] = True
    return painted


def _clean_row(lab: NDArray[np.float32], body: Body, split: int, reach: int) -> int:
    """The first row from ``split`` down (at most ``reach`` rows) whose old bottom pixels
    are nearly all (95%) within Lab 15 of the old bottom's median colour: above it the
    old top's hem was taken for the bottom. ``split`` when there is none."""
    bottom = body.old_bottom
    if bottom.sum() < 50:
        return split
    ref = np.median(lab[bottom], axis=0)
    for y in range(max(split, 0), min(split + reach, bottom.shape[0])):
        px = lab[y][bottom[y]]
        if len(px) and float((np.linalg.norm(px - ref, axis=1) > 15.0).mean()) < 0.05:
            return y
    return split


def _beside_hem(body: Body, region: NDArray[np.bool_], start: int) -> NDArray[np.bool_]:
    """HxW bool: the rows from a jacket's skirt's first row ``start`` down to the lowest
    row of what stays over it (the new top's hem, within ``HEM_REACH`` torso lengths),
    outside the columns it has covered from ``start`` down to each row: beside the new
    top's hem, where the trousers continued up stood as flat blocks wider than it (the
    backdrop there). Nothing when what stays over the skirt's first row spans less than
    ``HEM_SHARE`` of what stays over the row above, or reaches less than ``WAIST_UP`` torso
    lengths below it (a hem at the hips with a few rows' dip below them: the strip beside
    the dip is under the hem, the trousers'; taken for beside it, the 3 rows under the
    higher half of the FILA tee's stepped hem on Obama were a light line of backdrop
    between the tee and the trousers continued up below them)."""
    h, w = region.shape
    out = np.zeros((h, w), bool)
    if not 1 <= start < h:
        return out
    stop = min(h, start + max(int(HEM_REACH * body.pose.torso_len), 1))
    cover = body.person[start - 1:stop] & ~region[start - 1:stop]
    if not cover[1].any() or np.ptp(np.nonzero(cover[1])[0]) < \
            HEM_SHARE * np.ptp(np.nonzero(cover[0] | cover[1])[0]):
        return out
    cover = cover[1:]
    last = int(np.nonzero(cover.any(axis=1))[0].max()) + 1
    if last < WAIST_UP * body.pose.torso_len:
        return out
    cover = cover[:last]
    cols = np.arange(w)
    lo = np.minimum.accumulate(row_first(cover, w))
    hi = np.maximum.accumulate(row_last(cover, -1))
    out[start:start + last] = (cols < lo[:, None]) | (cols > hi[:, None])
    return out


def trousers_up(img: NDArray[np.uint8], canvas: F32, body: Body,
                region: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The trousers continued up into ``region`` (uncovered old top) where it is a suit
    jacket's skirt (:attr:`Body.skirt`) or up to ``WAIST_UP`` torso lengths above it
    under a new top's hem (a little above the hips: left to the background fill, a pale
    line under it), painted on ``canvas`` (HxWx3 float32 RGB, in place): in each column each
    pixel takes the old bottom's pixel mirrored about the skirt's lowest row there (the
    trousers' texture and shading; where that is no old bottom, beside the trousers, the
    background fill stays). Returns where it painted."""
    painted = np.zeros(region.shape, bool)
    if body.skirt is None:
        return painted
    h = img.shape[0]
    rows = np.arange(h)[:, None]
    axis = np.where(body.skirt, rows, -1).max(axis=0) + 1      # per column
    top = np.where(body.skirt.any(axis=0), body.skirt.argmax(axis=0), h)
    band = (rows < top) & (rows >= top - WAIST_UP * body.pose.torso_len)
    # only under what stays there (the new top's hem): beside it, a block of trousers
    under = np.logical_or.accumulate(band & ~region & body.person, axis=0)
    skirt = (body.skirt & ~_beside_hem(body, region, int(top.min()))) | (band & under)
    ys, xs = np.nonzero(region & skirt)
    span = np.maximum(h - axis[xs], 1)      # the rows below the hem, mirrored back and forth
    t = (axis[xs] - 1 - ys) % (2 * span)
    src = np.clip(axis[xs] + np.where(t >= span, 2 * span - 1 - t, t), 0, h - 1)
    lab = rgb_to_lab(img)
    bottom = body.old_bottom & (rows >= axis[None, :])
    if bottom.sum() < 50:
        return painted
    ref = np.median(lab[bottom], axis=0)    # the trousers' colour: not the legs' parting
    ok = body.old_bottom[src, xs] & (np.linalg.norm(lab[src, xs] - ref, axis=1) < TROUSER_DE)
    canvas[ys[ok], xs[ok]] = img[src[ok], xs[ok]]
    painted[ys[ok], xs[ok]] = True
    for y in np.unique(ys[ok]):     # the legs' parting mirrored up: joined from both sides
        done = np.nonzero(painted[y])[0]
        gap = region[y] & skirt[y] & ~painted[y]
        gap[:done[0]] = False
        gap[done[-1]:] = False
        if gap.any():
            at = np.nonzero(gap)[0]
            for c in range(3):
                canvas[y, at, c] = np.interp(at, done, canvas[y, done, c])
            painted[y, at] = True
    return painted


def on_bottom(body: Body, region: NDArray[np.bool_]) -> NDArray[np.int64]:
    """HxW int: for the pixels of ``region`` (uncovered old top, not skin) in a column run
    at most ``GAP_REACH`` torso lengths high with what stays over the person right above
    it (the new top's hem) and the old bottom that stays right below it, that run's end
    row (the old bottom's first row there); 0 elsewhere. The old top's curved hem lying on
    the trousers where the new top's hem ends higher: left to the background fill it was
    a white wedge inside the person between a navy tee and black trousers (00034)."""
    h, w = region.shape
    out = np.zeros((h, w), np.int64)
    reach = max(int(GAP_REACH * body.pose.torso_len), 1)
    stays = body.person & ~region
    under = body.old_bottom & ~region
    for x in np.nonzero(region.any(axis=0))[0]:
        for start, stop in row_runs(region[:, x]):
            if start < 1 or stop >= h or stop - start > reach:
                continue
            if stays[start - 1, x] and under[stop, x]:
                out[start:stop, x] = stop
    # only pieces lying along the hem (wider than ``GAP_FLAT`` x their height), not the
    # slivers along an arm or a bag's strap down to the old bottom's outline
    _, labels, stats, _ = cv2.connectedComponentsWithStats((out > 0).astype(np.uint8),
                                                           connectivity=8)
    flat = stats[:, cv2.CC_STAT_WIDTH] >= GAP_FLAT * stats[:, cv2.CC_STAT_HEIGHT]
    flat[0] = False
    out[~flat[labels]] = 0
    return out


def gap_up(img: NDArray[np.uint8], canvas: F32, body: Body,
           gap: NDArray[np.int64]) -> NDArray[np.bool_]:
    """The old bottom continued up into ``gap`` (:func:`on_bottom`'s end rows), painted on
    ``canvas`` (HxWx3 float32 RGB, in place): in each column each pixel takes the old
    bottom's pixel mirrored about its first row there within ``TROUSER_DE`` of the
    bottom's median colour under the gap (the rows above it, the old top's hem blended
    into the trousers, mirrored up were a light dotted line; they are repainted too;
    where there is none within ``GAP_REACH`` torso lengths, or the mirrored pixel is no
    old bottom, nothing). Returns where it painted."""
    painted = np.zeros(gap.shape, bool)
    h = img.shape[0]
    reach = max(int(GAP_REACH * body.pose.torso_len), 1)
    cols = np.nonzero(gap.any(axis=0))[0]
    if not len(cols):
        return painted
    lab = rgb_to_lab(img)
    stops = gap[:, cols].max(axis=0)
    near = np.zeros(gap.shape, bool)
    for x, stop in zip(cols, stops, strict=True):
        near[stop:stop + reach, x] = True
    near &= body.old_bottom
    if near.sum() < 10:
        return painted
    ref = np.median(lab[near], axis=0)      # the trousers' colour under the gap
    for x, stop in zip(cols, stops, strict=True):
        ys = np.arange(stop, min(stop + reach, h))
        clean = body.old_bottom[ys, x] & \
            (np.linalg.norm(lab[ys, x] - ref, axis=1) < TROUSER_DE)
        if not clean.any():
            continue
        axis = int(ys[clean.argmax()])
        start = int(np.nonzero(gap[:, x])[0].min())
        rows = np.arange(start, axis)
        src = np.clip(2 * axis - 1 - rows, 0, h - 1)
        ok = body.old_bottom[src, x]
        canvas[rows[ok], x] = img[src[ok], x]
        painted[rows[ok], x] = True
    return painted
