"""Garment keypoints measured on the cut-out mask (garment-photo pixels, x right, y down).

Tops and dresses: neck (top of the back collar), shoulder corners, armpits, waist sides,
hem corners, and per sleeve its end centre and half width; a halter's (straps round the neck
above a narrow bodice top) shoulder line lies above its bodice top (:func:`halter`).
Bottoms: waistband corners, crotch (trousers), and per leg its hem centre and half width.
"l"/"r" are image sides of the product photo (image-left is the wearer's right in a front
view).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from .kinds import row_runs
from .straps import Straps, find_straps

Point = NDArray[np.float32]
SLEEVE_REACH = 0.3       # a sleeve reaches this share of the torso's half width beyond it
MAX_ARMHOLE = 0.8        # armpits at most this many torso widths below the shoulders
SHOULDER_SHARE = 0.7     # with sleeves hanging against it, the body is at least this share
                         # of the shoulder span wide
HALTER_TOP = 0.75        # a bodice top (below the straps) narrower than this x the torso
                         # width hangs from straps around the neck: a halter
HALTER_DROP = 0.27       # a halter's bodice top lies this many torso widths below the shoulders
HALTER_BAND = (0.2, 0.4)  # a halter's torso width is measured in these rows (share of the
                          # height): below its bodice top, narrowed by the halter's cut


@dataclass(frozen=True)
class Limb:
    """A sleeve or trouser leg: ``root`` where it joins the body, ``end`` centre of its
    opening, ``half_width`` of the opening and ``root_half`` at the root (pixels),
    ``outer_hint`` a direction toward its outer edge (the shoulder side of a sleeve)."""

    root: Point
    end: Point
    half_width: float
    root_half: float = 0.0
    outer_hint: Point = field(default_factory=lambda: np.zeros(2, np.float32))

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.end - self.root))


@dataclass(frozen=True)
class GarmentShape:
    """Keypoints of one garment; ``points`` maps names to (x, y) float32 in the cut-out."""

    kind: str
    points: dict[str, Point]
    limbs: dict[str, Limb] = field(default_factory=dict)
    torso_width: float = 0.0
    strap_width: float = 0.0    # mean width of a strappy top's straps (0: no straps)
    halter: bool = False        # straps around the neck above a narrow bodice (:func:`halter`)


def _pt(x: float, y: float) -> Point:
    return np.array([x, y], np.float32)


def _run_at(row: NDArray[np.bool_], x: float) -> tuple[int, int] | None:
    return _nearest_run(row_runs(row), x)


def _nearest_run(runs: list[tuple[int, int]], x: float) -> tuple[int, int] | None:
    """The run holding column ``x``, else the nearest one (None when there are none)."""
    if not runs:
        return None
    return min(runs, key=lambda r: 0 if r[0] <= x < r[1] else min(abs(r[0] - x), abs(r[1] - x)))


def centre_x(mask: NDArray[np.bool_]) -> float:
    """Centre column of a garment's cut-out: the median x of its 30-90% rows."""
    h = mask.shape[0]
    band = mask[int(h * 0.3):int(h * 0.9)]
    xs = np.nonzero(band)[1]
    return float(np.median(xs)) if len(xs) else mask.shape[1] / 2


def _torso_widths(mask: NDArray[np.bool_], cx: float) -> tuple[NDArray[np.float32],
                                                                  NDArray[np.float32]]:
    """Per row, the width of the run of ``mask`` at column ``cx`` or the nearest one (0
    without one), and how far that run's nearer end lies from ``cx`` (0 when it holds it,
    inf without one)."""
    widths = np.zeros(mask.shape[0], np.float32)
    gaps = np.full(mask.shape[0], np.inf, np.float32)
    for y in range(mask.shape[0]):
        run = _run_at(mask[y], cx)
        if run is not None:
            widths[y] = run[1] - run[0]
            gaps[y] = 0 if run[0] <= cx < run[1] else min(abs(run[0] - cx), abs(run[1] - cx))
    return widths, gaps


# a row's run farther than this share of the photo's width from the centre is no torso: the
# cuffs of long sleeves hanging below the hem (a bodysuit, a polo, a cardigan) were taken for
# its lowest rows, which put the hem corners on a cuff and left the cuff's bottom rows to the
# torso layer (warped into a thin stick off the wrist)
HEM_REACH = 0.15
HEM_SIDE = 1.05  # half torso widths from the centre: a hem's flared corners reach no farther


def _top_y(mask: NDArray[np.bool_], x: float) -> float:
    col = np.flatnonzero(mask[:, int(np.clip(x, 0, mask.shape[1] - 1))])
    return float(col[0]) if len(col) else 0.0


def _limb(mask: NDArray[np.bool_], root: Point, region: NDArray[np.bool_],
          root_half: float, outer: Point) -> Limb | None:
    ys, xs = np.nonzero(mask & region)
    if len(xs) < 0.01 * mask.sum():
        return None
    pts = np.stack([xs, ys], 1).astype(np.float32)
    dist = np.linalg.norm(pts - root, axis=1)
    far = pts[dist >= np.percentile(dist, 93)]
    end = far.mean(axis=0)
    axis = (end - root) / max(float(np.linalg.norm(end - root)), 1e-6)
    normal = np.array([-axis[1], axis[0]], np.float32)
    half = float(np.ptp((far - end) @ normal)) / 2
    return Limb(root, end.astype(np.float32), max(half, 2.0), max(root_half, 2.0), outer)


def top_shape(mask: NDArray[np.bool_], kind: str = "top") -> GarmentShape:
    """Keypoints of a top or a dress from its cut-out mask."""
    h, w = mask.shape
    cx = centre_x(mask)
    widths, gaps = _torso_widths(mask, cx)
    rows = np.flatnonzero((widths > 0) & (gaps <= HEM_REACH * w))
    if not len(rows):
        rows = np.flatnonzero(widths > 0)
    hem_y = float(rows[-1])
    found = find_straps(mask, cx)
    straps = found if kind == "top" else None
    torso = _torso_width(widths, h, w, (0.12, 0.35) if kind == "full" else (0.4, 0.85),
                         1.0 if straps is not None else 0.72)
    neck_straps = halter(mask, found, torso)
    if neck_straps is not None:
        torso = _torso_width(widths, h, w, HALTER_BAND, 0.72)
        return _halter_shape(mask, kind, cx, torso, neck_straps, widths, hem_y)
    hanging = _between_sleeves(mask, cx) if kind == "top" else None
    if hanging is not None:  # the cuffs' level can be a bodysuit's narrow hips: not below
        torso = max(min(torso, hanging), SHOULDER_SHARE * _shoulder_span(mask, cx))
    half = torso / 2
    sh_y = (_top_y(mask, cx - half * 0.95) + _top_y(mask, cx + half * 0.95)) / 2
    neck_y = min(_top_y(mask, cx + dx) for dx in np.linspace(-0.25, 0.25, 5) * torso)
    arm_y = _armpit_y(widths, sh_y, hem_y, torso)
    pits = _armpit_corners(mask, cx, sh_y, hem_y, torso)
    if pits is not None:
        arm_y = float(pits[0][1] + pits[1][1]) / 2
    arm_y = min(arm_y, sh_y + MAX_ARMHOLE * torso)   # sleeves hanging against the body
    pts = {"neck": _pt(cx, neck_y), "shoulder_l": _pt(cx - half, sh_y),
           "shoulder_r": _pt(cx + half, sh_y)}
    pts.update(_sides(mask, cx, arm_y, "armpit"))
    if pits is not None:
        pts["armpit_l"], pts["armpit_r"] = pits
    elif hanging is not None:  # sleeves against the body: the row ends at the sleeves' edges
        pts["armpit_l"][0] = max(float(pts["armpit_l"][0]), cx - half)
        pts["armpit_r"][0] = min(float(pts["armpit_r"][0]), cx + half)
    waist_y = _dress_waist(widths, arm_y, hem_y) if kind == "full" else \
        arm_y + 0.45 * (hem_y - arm_y)
    pts.update(_sides(mask, cx, waist_y, "waist"))
    pts.update(_sides(mask, cx, hem_y - 0.01 * h, "hem"))
    pts["hem_c"] = _pt(cx, hem_y)
    reach = waist_y if kind == "full" else arm_y + 0.75 * (hem_y - arm_y)
    limbs = _sleeves(mask, cx, half, pts, reach)
    if straps is not None and not limbs:
        pts.update(_strap_points(straps))
        return GarmentShape(kind, pts, limbs, torso, straps.width)
    return GarmentShape(kind, pts, limbs, torso)


def halter(mask: NDArray[np.bool_], straps: Straps | None, torso: float) -> Straps | None:
    """``straps`` when they rise from a bodice top narrower than ``HALTER_TOP`` of the
    ``torso`` width (measured a few rows below the straps' gap, from the outermost garment
    pixel on each side): straps worn around the neck (a halter), not over the shoulders
    (a cami's straps rise from the corners of a bodice as wide as its body); else None."""
    if straps is None:
        return None
    y = min(mask.shape[0] - 1, straps.gap_y + max(2, round(0.01 * mask.shape[1])))
    xs = np.flatnonzero(mask[y])
    if not len(xs) or xs[-1] + 1 - xs[0] >= HALTER_TOP * torso:
        return None
    return straps


def _halter_shape(mask: NDArray[np.bool_], kind: str, cx: float, torso: float,
                  straps: Straps, widths: NDArray[np.float32], hem_y: float) -> GarmentShape:
    """Keypoints of a halter: its shoulder line ``HALTER_DROP`` torso widths above the
    bodice top (the bottom of the straps' gap), so that the bodice lies on the chest below
    bare collarbones and the straps run up toward the neck; shoulder corners on that line
    at the torso's half width (in the background: they only pin the warp), the neck at the
    straps' tips; armpits, waist and hem measured as for a sleeveless top or dress."""
    half = torso / 2
    sh_y = float(straps.gap_y) - HALTER_DROP * torso
    pts = {"neck": _pt(cx, float(straps.top)), "shoulder_l": _pt(cx - half, sh_y),
           "shoulder_r": _pt(cx + half, sh_y)}
    arm_y = _armpit_y(widths, sh_y, hem_y, torso)
    pits = _armpit_corners(mask, cx, sh_y, hem_y, torso)
    if pits is not None:
        arm_y = float(pits[0][1] + pits[1][1]) / 2
    arm_y = min(arm_y, sh_y + MAX_ARMHOLE * torso)
    pts.update(_sides(mask, cx, arm_y, "armpit"))
    waist_y = _dress_waist(widths, arm_y, hem_y) if kind == "full" else \
        arm_y + 0.45 * (hem_y - arm_y)
    pts.update(_sides(mask, cx, waist_y, "waist"))
    pts.update(_sides(mask, cx, hem_y - 0.01 * mask.shape[0], "hem"))
    pts["hem_c"] = _pt(cx, hem_y)
    return GarmentShape(kind, pts, {}, torso, 0.0, True)


def _strap_points(straps: Straps) -> dict[str, Point]:
    """A strappy top's shoulder corners: the middle of each strap's top; its neck: the
    middle of the front neckline (the bottom of the gap between the straps)."""
    y = float(straps.top)
    return {"shoulder_l": _pt(sum(straps.left) / 2, y), "shoulder_r": _pt(sum(straps.right) / 2, y),
            "neck": _pt(sum(straps.inner) / 2, float(straps.gap_y))}


def _dress_waist(widths: NDArray[np.float32], arm_y: float, hem_y: float) -> float:
    """A dress's waist: the narrowest row between 10% and 50% of armpit -> hem."""
    y0 = int(arm_y + 0.1 * (hem_y - arm_y))
    y1 = max(int(arm_y + 0.5 * (hem_y - arm_y)), y0 + 1)
    band = widths[y0:y1]
    band = np.where(band > 0, band, np.inf)
    return float(y0 + int(np.argmin(band))) if len(band) else (arm_y + hem_y) / 2


def _torso_width(widths: NDArray[np.float32], h: int, w: int,
                 band_rows: tuple[float, float], cap: float = 0.72) -> float:
    """Body width of a top: a low percentile of the widths of the run through the centre
    in a height band (tops 40-85%: sleeves hanging alongside make rows wider, a bodysuit's
    crotch narrower; dresses: the bodice, 12-35%), capped at ``cap`` of the garment width
    (72%: the sleeves take the rest; a strappy top has none)."""
    band = widths[int(h * band_rows[0]):int(h * band_rows[1]) + 1]
    band = band[band > 0]
    found = float(np.percentile(band, 30)) if len(band) else 0.6 * w
    return min(found, cap * w)


def _shoulder_span(mask: NDArray[np.bool_], cx: float) -> float:
    """Distance between the points on each side of the centre where the garment's top edge
    turns steeply down (slope > 1.2, beyond 15% of the width from the centre: where the
    sleeves fall from the shoulders); 0 when a side has none."""
    h, w = mask.shape
    top = np.where(mask.any(axis=0), mask.argmax(axis=0), h).astype(np.float32)
    k = max(3, w // 60)
    smooth = np.convolve(top, np.ones(k, np.float32) / k, mode="same")
    slope = np.zeros(w, np.float32)
    slope[k:-k] = (smooth[2 * k:] - smooth[:-2 * k]) / (2 * k)
    xs = np.arange(w)
    right = np.flatnonzero((xs > cx + 0.15 * w) & (slope > 1.2))
    left = np.flatnonzero((xs < cx - 0.15 * w) & (-slope > 1.2))
    return float(right[0] - left[-1]) if len(left) and len(right) else 0.0


def _between_sleeves(mask: NDArray[np.bool_], cx: float) -> float | None:
    """Width of the body where sleeves hang beside it, separate (product photos with the
    arms down: the sleeves touch the body higher up, so its width is only seen where the
    cuffs hang free): the median width of the centre run in rows below 40% of the height
    holding three wide runs (sleeve, body, sleeve), or None when fewer than 2% of the rows
    do."""
    h = mask.shape[0]
    found = []
    for y in range(int(0.4 * h), h):
        every = row_runs(mask[y])
        runs = [r for r in every if r[1] - r[0] > 0.02 * mask.shape[1]]
        if len(runs) >= 3 and runs[0][1] <= cx < runs[-1][0]:
            mid = _nearest_run(every, cx)
            if mid is not None:
                found.append(mid[1] - mid[0])
    return float(np.median(found)) if len(found) >= 0.02 * h else None


def _armpit_corners(mask: NDArray[np.bool_], cx: float, sh_y: float, hem_y: float,
                    torso: float) -> tuple[Point, Point] | None:
    """The armpits as the deepest concave corners of the outline on each side (between
    10% and 60% of shoulder -> hem), or None when a side has none (no sleeves)."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(outline, returnPoints=False)
    defects = cv2.convexityDefects(outline, hull) if len(hull) > 3 else None
    if defects is None:
        return None
    y0, y1 = sh_y + 0.1 * (hem_y - sh_y), sh_y + 0.6 * (hem_y - sh_y)
    best: dict[int, tuple[float, Point]] = {}
    for _, _, far, depth in defects.reshape(-1, 4):
        x, y = (float(v) for v in outline[far, 0])
        side = -1 if x < cx else 1
        ok = y0 <= y <= y1 and abs(x - cx) > 0.3 * torso and depth / 256 > 0.03 * torso
        if ok and depth > best.get(side, (0.0, _pt(0, 0)))[0]:
            best[side] = (float(depth), _pt(x, y))
    if len(best) < 2:
        return None
    return best[-1][1], best[1][1]


def _armpit_y(widths: NDArray[np.float32], sh_y: float, hem_y: float, torso: float) -> float:
    start = int(sh_y + 0.12 * (hem_y - sh_y))
    for y in range(start, int(hem_y)):
        if abs(float(widths[y]) - torso) < 0.12 * torso:
            return float(y)
    return sh_y + 0.3 * (hem_y - sh_y)


def _sides(mask: NDArray[np.bool_], cx: float, y: float, name: str) -> dict[str, Point]:
    yi = int(np.clip(y, 0, mask.shape[0] - 1))
    run = _run_at(mask[yi], cx) or (int(cx) - 1, int(cx) + 1)
    return {f"{name}_l": _pt(run[0], yi), f"{name}_r": _pt(run[1] - 1, yi)}


def _sleeves(mask: NDArray[np.bool_], cx: float, half: float, pts: dict[str, Point],
             reach: float) -> dict[str, Limb]:
    """Sleeves: garment beyond the torso's sides above row ``reach``, reaching at least
    ``SLEEVE_REACH`` of the torso's half width beyond them (a bodice's or a flared skirt's
    edge just beyond the measured torso is no sleeve)."""
    xs = np.arange(mask.shape[1])[None, :]
    ys = np.arange(mask.shape[0])[:, None]
    above = ys < reach
    limbs: dict[str, Limb] = {}
    for side, sign in (("l", -1), ("r", 1)):
        region = (sign * (xs - cx) > half * 1.06) & above
        beyond = np.broadcast_to(sign * (xs - cx), mask.shape)[mask & region]
        if not len(beyond) or float(np.percentile(beyond, 99)) < half * (1 + SLEEVE_REACH):
            continue
        root = (pts[f"shoulder_{side}"] + pts[f"armpit_{side}"]) / 2
        root_half = float(np.linalg.norm(pts[f"shoulder_{side}"] - pts[f"armpit_{side}"])) / 2
        outer = (pts[f"shoulder_{side}"] - root).astype(np.float32)
        limb = _limb(mask, root.astype(np.float32), region, root_half, outer)
        if limb is not None:
            limbs[side] = limb
    return limbs


def bottom_shape(mask: NDArray[np.bool_]) -> GarmentShape:
    """Keypoints of trousers, shorts or a skirt from its cut-out mask."""
    h = mask.shape[0]
    cx = centre_x(mask)
    rows = np.flatnonzero(mask.any(axis=1))
    top, bottom = float(rows[0]), float(rows[-1])
    pts = _sides(mask, cx, top + 0.02 * h, "waist")
    pts["waist_c"] = _pt(cx, top)
    pts.update(_sides(mask, cx, bottom - 0.01 * h, "hem"))
    crotch = _crotch_y(mask, cx, top, bottom)
    limbs: dict[str, Limb] = {}
    if crotch is not None:
        pts["crotch"] = _pt(cx, crotch)
        limbs = _legs(mask, cx, crotch, bottom)
    width = float(np.linalg.norm(pts["waist_r"] - pts["waist_l"]))
    return GarmentShape("bottom", pts, limbs, width)


def _crotch_y(mask: NDArray[np.bool_], cx: float, top: float, bottom: float) -> float | None:
    """First row below the waistband (20% down) where the centre column opens, when most
    rows below it hold two or more runs (legs)."""
    col = np.asarray(mask[int(top):int(bottom) + 1, int(cx) - 1:int(cx) + 2].any(axis=1), bool)
    start = int(0.2 * (bottom - top))
    gap = np.flatnonzero(~col[start:])
    if not len(gap) or start + gap[0] > 0.8 * (bottom - top):
        return None
    y = int(top) + start + int(gap[0])
    legs = [len([r for r in row_runs(mask[r]) if r[1] - r[0] > 2]) >= 2
            for r in range(y, int(bottom) + 1, 4)]
    return float(y) if np.mean(legs) >= 0.6 else None


def _legs(mask: NDArray[np.bool_], cx: float, crotch: float, bottom: float) -> dict[str, Limb]:
    """Each leg: end at the hem's run, root at the run just below the crotch."""
    limbs: dict[str, Limb] = {}
    yi = int(bottom - 0.03 * mask.shape[0])
    yr = int(min(crotch + 0.04 * (bottom - crotch) + 1, yi))
    for side in ("l", "r"):
        run = _leg_run(mask[yi], cx, side)
        root = _leg_run(mask[yr], cx, side) or run
        if run is None or root is None:
            continue
        end = _pt((run[0] + run[1]) / 2, yi)
        outer = _pt(-1.0 if side == "l" else 1.0, 0.0)
        limbs[side] = Limb(_pt((root[0] + root[1]) / 2, crotch), end, (run[1] - run[0]) / 2,
                           (root[1] - root[0]) / 2, outer)
    return limbs


def _leg_run(row: NDArray[np.bool_], cx: float, side: str) -> tuple[int, int] | None:
    runs = [r for r in row_runs(row) if r[1] - r[0] > 2]
    if not runs:
        return None
    run = runs[0] if side == "l" else runs[-1]
    return run if (side == "l") == ((run[0] + run[1]) / 2 < cx) else None


def garment_shape(mask: NDArray[np.bool_], kind: str) -> GarmentShape:
    """Keypoints for a garment of ``kind`` ("top", "bottom" or "full")."""
    return bottom_shape(mask) if kind == "bottom" else top_shape(mask, kind)


def limb_mask(mask: NDArray[np.bool_], shape: GarmentShape, side: str | None = None,
              margin: float = 0.0) -> NDArray[np.bool_]:
    """Pixels of a top's sleeves: beyond the seam line through the shoulder corner and the
    armpit, ``margin`` px past it (``side`` "l"/"r" for one sleeve, reaching 3 px behind the
    seam so the parts overlap); empty for bottoms. Thin strips of the torso's side edge
    beyond the seam line are not sleeve (a morphological opening drops them). Sleeves are
    drawn over the arms, the torso behind them."""
    if shape.kind == "bottom" or not shape.limbs:
        return np.zeros_like(mask)
    if side is None:
        out = np.zeros_like(mask)
        for s in shape.limbs:
            out |= _sleeve(mask, shape, s, margin)
        return out
    return _sleeve(mask, shape, side, -3.0) if side in shape.limbs else np.zeros_like(mask)


def sleeve_core(mask: NDArray[np.bool_], shape: GarmentShape, side: str,
                share: float = 0.05) -> NDArray[np.bool_]:
    """One sleeve's pixels at least ``share`` of the torso width beyond its seam line: the
    sleeve's own fabric (a curved seam leaves a sliver of the torso's colours just beyond
    the straight seam line)."""
    return _sleeve(mask, shape, side, share * shape.torso_width)


def sleeve_bands(mask: NDArray[np.bool_], shape: GarmentShape, side: str,
                 margins: Sequence[float]) -> list[NDArray[np.bool_]]:
    """One sleeve's pixels beyond its seam line by each of ``margins`` px (negative: behind
    it), as :func:`limb_mask` and :func:`sleeve_core` give them one at a time, with the
    seam's distance map and the opened sleeve computed once."""
    dist, region = _seam_distance(mask, shape, side)
    k = max(3, int(0.02 * mask.shape[1]) | 1)
    core = cv2.morphologyEx((region & (dist > 0.0)).astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((k, k), np.uint8))
    out = []
    for margin in margins:
        grown = cv2.dilate(core, np.ones((2 * int(abs(margin)) + 3,) * 2, np.uint8)) > 0
        out.append(region & (dist > margin) & grown)
    return out


def _sleeve(mask: NDArray[np.bool_], shape: GarmentShape, side: str,
            margin: float) -> NDArray[np.bool_]:
    return sleeve_bands(mask, shape, side, (margin,))[0]


def _seam_distance(mask: NDArray[np.bool_], shape: GarmentShape,
                   side: str) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """HxW float32 signed distance (px) beyond a sleeve's seam line (through its shoulder
    corner and armpit, positive away from the neck), and the garment pixels a sleeve may
    hold: above the hem, and above the armpit or beyond the torso's half width."""
    a, b = shape.points[f"shoulder_{side}"], shape.points[f"armpit_{side}"]
    d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    n = np.array([d[1], -d[0]], np.float32)
    if float(np.dot(n, a - shape.points["neck"])) < 0:
        n = -n
    h, w = mask.shape
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    dist = (xs - a[0]) * n[0] + (ys - a[1]) * n[1]
    beside = np.abs(xs - shape.points["neck"][0]) / (shape.torso_width / 2)
    # below the hem only a flared hem's corners are not sleeve: long sleeves hang lower
    below_hem = (ys > shape.points["hem_c"][1] - 0.02 * h) & (beside <= HEM_SIDE)
    outside = (ys < b[1]) | (beside > 1.0)
    region: NDArray[np.bool_] = mask & ~below_hem & outside
    return dist.astype(np.float32), region
