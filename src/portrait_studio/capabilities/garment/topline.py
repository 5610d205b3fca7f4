"""A top's or a dress's upper edge laid on the shoulders' outline: warp control points along
the cut-out's top edge between the collar's corner and each shoulder corner, placed on the
top of the person's silhouette (without the head) in their columns (:func:`on_shoulders`).

The torso's thin-plate warp pins only the neck and the shoulder corners
(:func:`.sleeve_fit.settle_shoulders` puts those on the outline); between them the edge
followed the product photo's own shape, laid by the body frame's straight shoulder line: a
tee's collar corner peaked, and a dress's shoulder corner stood, 10-25 px above a sloping
shoulder, in the backdrop.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ...imaging.geometry import tps_points
from .body import Body
from .fit import Pairs
from .shape import GarmentShape
from .sleeve_fit import low_neck

EDGE_AT = (0.0, 1 / 3, 2 / 3)  # control points at these shares of the way from the
                               # collar's corner to the shoulder corner (pinned already)
WORN_COLLAR = 2 / np.pi  # a sleeved top's collar seen round the neck is this share of its
                          # width laid flat (half its round, against its diameter)
ROUND_NECK = 0.23         # torso widths: a neckline whose opening (:mod:`.neckback`) reaches
                          # no deeper below the back collar's top wraps round the neck (the
                          # tees' crew necks 0.14 and 0.20: the dalmatian's back collar dips
                          # 0.06 below its corners; the V necks, a polo's placket and the
                          # cardigan's open front 0.27-0.85)
CAPPED = 0.5              # share of the way to the shoulder corner past which a sleeved
                          # top's edge point only goes down: above the torso's line there
                          # the sleeve's cap lays the shoulder's round
                          # (:func:`.sleeve_fit.shoulder_cap`; the torso's edge raised onto
                          # it covered the cardigan's cap on vitonhd_00055, 103 -> 27 px)
NECKLINE = (0.0, 0.25)    # shares of the way from the centre to a shoulder corner where a
                          # sleeveless top's neckline is pinned (inside its collar corners:
                          # the dress's at 0.5)
UP, DOWN = 0.1, 0.3       # shoulder widths a point may move up / down onto the outline
                          # (as far as the corners may: :func:`.sleeve_fit.settle_shoulders`)
OVER = 0.003              # shoulder widths the fabric's edge lies above the outline (1 px
                          # at 1024 px high: at 0.01, 3 px, the occluder's 2 px allowance
                          # cut it along the outline's steps, a wavier edge)
ON_EDGE = 0.08            # torso widths: an edge point lower than this below the higher of
                          # the collar's corner and the shoulder corner is no shoulder line
                          # (a strap's side, a neckline dipping between them)
ASIDE = 0.05              # shoulder widths outward an outline is looked for (:func:`_settled`)
RISE = 0.07               # shoulder widths a crew neck's collar corner may be settled above
                          # the shoulders' line through the back collar's top (laid by the
                          # warp, the corners sit 0.00-0.05 below it on 13 persons; settled,
                          # at most 0.062 above it but on vitonhd_09597): higher, the outline
                          # it found is the side of a turned neck, and the collar lifted up
                          # it opened the front into a deep U (the tees on vitonhd_09597,
                          # 0.093-0.101 above it; at 0.05 a skin wedge opened between the
                          # lowered corner and the shoulder's fabric, 61 px)
LEVEL = 0.02              # shoulder widths both collar corners may be settled above the
                          # shoulders' line through the back collar's top before it goes up
                          # with them (the lesser corner's rise beyond this): below it, a
                          # dip at the back drags the front neckline down into a deep U
                          # (vitonhd_09597's turned torso, both corners 0.062-0.07 above
                          # it: the fila tee's neckline 11 px lower than before the
                          # corners were settled); the fila tee's corners rise at most
                          # 0.010 above it elsewhere (vitonhd_01008)
BACKDROP = 3              # px above the outline that must be off the person (the outline
                          # against the backdrop, not against the hair or the neck)


def on_shoulders(pairs: Pairs, shape: GarmentShape, mask: NDArray[np.bool_],
                 body: Body, opening: NDArray[np.bool_] | None = None) -> Pairs:
    """Torso ``pairs`` (garment -> body) with control points added along the cut-out's
    (``mask``, HxW bool, product-photo pixels) top edge on each side between its collar's
    corner (its highest point between the neck and the shoulder corner) and the shoulder
    corner, at ``EDGE_AT`` of the way: each is taken where the current warp puts it (a
    sleeved top's collar corner first drawn in toward the neck to ``WORN_COLLAR`` of its
    offset: laid flat, a crew neck's collar is wider than it looks round the neck; moved
    down onto the shoulder at its flat width, it opened a scoop 30 px deeper on model_1)
    and moved (up at most ``UP``, down at most ``DOWN`` shoulder widths) onto the top of
    the person's silhouette in its column, ``OVER`` above it, where that outline lies
    against the backdrop (or at its height a little outward: :func:`_settled`). Only a
    collar round the neck (:func:`_round_neck`, ``opening`` the neckline's inside back or
    V opening on the cut-out) is drawn in and settled; a V neck's, an open front's and a
    sleeveless top's collar corner stays where the warp puts it, and a sleeveless top's
    neckline too (:func:`_neckline`). A crew neck's corner settles no higher than ``RISE``
    above the shoulders' line through the back collar's top (the ``neck`` point), and when
    both settle more than ``LEVEL`` above it the neck point goes up by the lesser excess
    (the back collar no lower than its sides). Past ``CAPPED`` a sleeved top's points only go down. Points
    with hair or the neck above the shoulder all round are pinned where they are (the
    hair hides the edge there; left free, the spline bent them up as their neighbours
    moved down: a tee's collar corner 19 px above model_1's shoulder). Strappy tops (their
    straps are placed by their own points) and low necklines (their edge there is the
    neckline rising to the seams, :func:`.sleeve_fit.low_neck`) are left as they are."""
    if shape.strap_width or shape.kind == "bottom" or low_neck(shape):
        return pairs
    src = np.array([g for g, _ in pairs], np.float64)
    dst = np.array([b for _, b in pairs], np.float64)
    own = body.person & ~body.head
    sw = body.pose.shoulder_width
    mid = float(body.pose.shoulder_mid[0])
    neck = next(b for g, b in pairs if g is shape.points["neck"])
    slope = _shoulder_slope(pairs, shape)
    crew = _round_neck(shape, opening)

    def warped(g: NDArray[np.float32]) -> NDArray[np.float32]:
        """Where the torso's warp so far takes the cut-out point ``g``."""
        moved: NDArray[np.float32] = tps_points(src, dst, g[None].astype(np.float64))[0].astype(
            np.float32)
        return moved

    added: Pairs = []
    rises = []
    for side in ("l", "r"):
        for share, g in _edge_points(shape, mask, side):
            b = warped(g)
            if share == 0 and not crew:
                # a V neck's or an open front's edge, and a sleeveless top's neckline, stay
                # where the warp puts them (drawn in, the cardigan's V bent inward; settled,
                # the orange dress's neckline dipped and went lopsided on vitonhd_05997)
                added.append((g, b))
                continue
            if share == 0:                     # a collar round the neck, laid flat
                b = neck + (b - neck) * WORN_COLLAR
                b[0] = round(float(b[0]))
            to = _settled(b, own, body.person, sw, mid)
            if share == 0:                     # not up the side of a turned neck
                level = float(neck[1]) + slope * (float(to[0]) - float(neck[0]))
                to[1] = max(float(to[1]), level - RISE * sw)
                rises.append((level - float(to[1])) / sw)
            if share > CAPPED and shape.limbs:
                to[1] = max(float(to[1]), float(b[1]))
            added.append((g, to))
    if not shape.limbs:   # a sleeveless neckline stays whole where the warp puts it
        for g in _neckline(shape, mask if opening is None else mask & ~opening):
            added.append((g, warped(g)))
    up = (min(rises) - LEVEL) * sw if len(rises) == 2 else 0.0
    if up > 0:            # the back collar no lower than both its corners
        lifted = np.array([0.0, up], np.float32)
        pairs = [(g, b - lifted if g is shape.points["neck"] else b) for g, b in pairs]
    return pairs + added


def _shoulder_slope(pairs: Pairs, shape: GarmentShape) -> float:
    """Rows per column of the line through the shoulder corners where ``pairs`` put them
    (the torso's tilt: 0.27 on vitonhd_09597, turned to the image right)."""
    left = next(b for g, b in pairs if g is shape.points["shoulder_l"])
    right = next(b for g, b in pairs if g is shape.points["shoulder_r"])
    dx = float(right[0]) - float(left[0])
    return (float(right[1]) - float(left[1])) / dx if abs(dx) > 1 else 0.0


def _neckline(shape: GarmentShape, shown: NDArray[np.bool_]) -> list[NDArray[np.float32]]:
    """Points of a neckline's front edge (the first ``shown`` pixel down its column) at its
    centre (the ``neck`` point's column) and ``NECKLINE`` of the way out to each shoulder
    corner. Pinned only at its corners, a sleeveless neckline sagged between them as its
    shoulders settled: the orange dress's 7 px lower and wavy on model_1."""
    w = shown.shape[1]
    cx = float(shape.points["neck"][0])
    out = []
    for side in ("l", "r"):
        for share in NECKLINE:
            if side == "r" and share == 0:
                continue
            x = round(cx + (float(shape.points[f"shoulder_{side}"][0]) - cx) * share)
            if 0 <= x < w and shown[:, x].any():
                out.append(np.array([x, float(shown[:, x].argmax())], np.float32))
    return out


def _round_neck(shape: GarmentShape, opening: NDArray[np.bool_] | None) -> bool:
    """Whether a sleeved top's collar wraps round the neck: its neckline's ``opening`` (HxW
    bool, :func:`.neckback.inside_back`) ends within ``ROUND_NECK`` torso widths below the
    back collar's top (the ``neck`` point). Without sleeves (a dress's or a bodice's
    neckline) or an opening found, False / True respectively."""
    if not shape.limbs:
        return False
    if opening is None or not opening.any():
        return True
    rows = np.flatnonzero(opening.any(axis=1))
    return float(rows[-1]) - float(shape.points["neck"][1]) <= ROUND_NECK * shape.torso_width


def _edge_points(shape: GarmentShape, mask: NDArray[np.bool_],
                 side: str) -> list[tuple[float, NDArray[np.float32]]]:
    """Points of the cut-out's top edge (the first mask pixel down each column) at
    ``EDGE_AT`` of the way from the collar's corner to the shoulder corner on ``side``."""
    pts = shape.points
    neck, corner = pts["neck"], pts[f"shoulder_{side}"]
    h, w = mask.shape
    x0, x1 = sorted((round(float(neck[0])), round(float(corner[0]))))
    x0, x1 = max(x0, 0), min(x1, w - 1)
    if x1 - x0 < 6:
        return []
    cols = mask[:, x0:x1 + 1]
    top = np.where(cols.any(axis=0), cols.argmax(axis=0), h).astype(np.float32)
    cx = x0 + int(np.argmin(top))           # the collar's corner (the highest point)
    cy = float(top[cx - x0])
    lowest = max(cy, float(corner[1])) + ON_EDGE * shape.torso_width
    out = []
    for share in EDGE_AT:
        x = round(cx + (float(corner[0]) - cx) * share)
        y = float(top[x - x0])
        if y <= lowest:
            out.append((share, np.array([x, y], np.float32)))
    return out


def _settled(p: NDArray[np.float32], own: NDArray[np.bool_], person: NDArray[np.bool_],
             sw: float, mid: float) -> NDArray[np.float32]:
    """``p`` on the outline (:func:`_on_outline`) in its column, else at the outline's height
    in the nearest column outward (away from the centre line ``mid``) within ``ASIDE``
    shoulder widths where it is found, else where it is. A collar's corner at the neck's
    side, or with the hair's tips above it, found no outline of its own: pinned where the
    warp put it, it held the fabric beside it 10-14 px above the shoulder (model_1)."""
    step = 1 if float(p[0]) >= mid else -1
    for dx in range(int(ASIDE * sw) + 1):
        found = _on_outline(p + np.array([step * dx, 0.0], np.float32), own, person, sw)
        if found is not None:
            return np.array([p[0], found[1]], np.float32)
    return p


def _on_outline(p: NDArray[np.float32], own: NDArray[np.bool_], person: NDArray[np.bool_],
                sw: float) -> NDArray[np.float32] | None:
    """``p`` moved onto the top of the person's silhouette in its column: the start of the
    lowest run of the ``person`` in the rows from ``UP`` above to ``DOWN`` below ``p``, when
    it reaches the window's end, has at least ``BACKDROP`` rows off the person above it
    and is the body (``own``: not the head) there; None otherwise (the hair or the neck
    continues above the shoulder). The hair's tips the head mask misses (05997) are
    passed over: the backdrop between them and the shoulder marks the outline."""
    h, w = own.shape
    x = round(float(p[0]))
    if not 0 <= x < w:
        return None
    y0 = int(np.clip(float(p[1]) - UP * sw, 0, h - 1))
    y1 = int(np.clip(float(p[1]) + DOWN * sw, y0 + 1, h))
    off = np.flatnonzero(~person[y0:y1, x])
    if not len(off) or off[-1] == y1 - y0 - 1:
        return None
    top = y0 + int(off[-1]) + 1
    if top < BACKDROP or person[top - BACKDROP:top, x].any() or not own[top:top + 3, x].all():
        return None
    return np.array([p[0], top - OVER * sw], np.float32)
