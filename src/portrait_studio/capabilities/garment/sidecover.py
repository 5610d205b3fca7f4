"""A new top's or dress's torso widened over the old clothing between it and a bare arm.

A loose old top hangs beside a slim person's bare arms; the new garment, fitted to the
body, stops short of it. The old top between them is the torso's side: painted as skin
it made a block beside the arm as wide as the arm itself (the arm looked twice as thick),
left as background a hole between the garment and the arm. Where, in a row below the
shoulder joints, only uncovered old clothing lies between the new torso layer and the
bare arm's skin, over at most ``REACH`` shoulder widths, the layer is stretched over it up
to the arm, as a garment lies against a hanging arm; its fabric is spread sideways over
it (:mod:`.spread`: its print continued, not smeared, not mirrored in blocks). A sleeve narrower than the bare arm under
it is stretched the same way over the sliver of arm outline beside it (``SLIVER``), which
showed as a dark line along its edge; a torso over the thin slits between it and a bare
arm that the arm's zone, wider than the arm, cut out of it (:func:`cover_slits`), and a
sleeved torso over the gaps to its sleeves and to the bare arm below them, with its own
warp under the sleeve, not a mirror image (:func:`to_sleeves`). Masks HxW bool, alphas
HxW float32, colours HxWx3 float32 RGB.
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import nearest_set
from .armside import sleeve_part
from .body import Body
from .fit import Warped
from .limbs import LimbZone
from .regions import runs, without_slivers
from .reveal import largest_channel, limb_chains, uncovered_limb
from .spread import spread

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
REACH = 0.18         # x shoulder width: the gap to the arm the layer is stretched over at most
TALL = 0.25          # x shoulder width: a gap beside a hanging arm runs at least this far down
TOUCH = 3            # px: the arm's skin begins at most this far beyond the gap
SLIVER = (0.03, 0.05)  # x shoulder width: a sliver of bare arm this thin at most and this
                       # tall at least between a sleeve and the background is covered by it
SLEEVE_GAP = (0.07, 0.05)  # x shoulder width: a gap between a torso and its sleeve this
                           # wide at most and this tall at least is covered by the torso
ARM_GAP = (0.11, 0.05)  # ... and one between it and the bare arm below the sleeve
SPECK = 0.02         # arm pieces narrower than this (shoulder widths) are not in front of a
                     # garment: old clothing the parsing missed (a trouser's side piping by
                     # the hand), which kept its colours as specks on the garment's edge
SLIT = (0.08, 0.0)   # x shoulder width: a slit beside a bare arm this wide at most is covered
BRIDGE = (0.12, 0.1)  # x shoulder width: ... and one up to this wide for at most this many
                      # rows between two narrower ones (:func:`bridged`)
INSET = 2            # px: a mirror's axis lies this much deeper in the layer (its outermost
                     # pixels, the cut-out's rim, doubled showed as a fold line)
JUMP = 60.0          # RGB: a mirrored pixel this far from its row's edge colour is a print
                     # element reversed (a letter's copy beside it), the edge colour goes on
NEAR = 12            # px: ... and from that of the rows this near above and below (at the
                     # armpit a torso's outermost pixels are the sleeve's fabric beyond
                     # the seam for about 12 rows: with 6, that red sliver was taken for
                     # the edge colour and drawn over the torso's white side as an arrow)


def arm_gaps(free: Mask, solid: Mask, arm: Mask, reach: int, first: int = 0) -> Mask:
    """Runs of ``free`` pixels in each row (from row ``first`` on) at most ``reach`` px long
    with ``solid`` right next to one end and ``arm`` within ``TOUCH`` px beyond the other."""
    out = np.zeros(free.shape, bool)
    w = free.shape[1]
    for y in np.flatnonzero(solid.any(axis=1) & free.any(axis=1)):
        if y < first:
            continue
        for a, b in zip(*runs(free[y]), strict=True):
            if b - a > reach or a == 0 or b == w:
                continue
            left = arm[y, max(0, a - TOUCH):a].any() and solid[y, b]
            right = arm[y, b:b + TOUCH].any() and solid[y, a - 1]
            out[y, a:b] = left or right
    return out


def arm_sides(body: Body, reveal: Mask, zones: list[LimbZone], cover: F32) -> Mask:
    """The torso's side beside each bare arm in ``reveal`` (the old clothing no garment
    covers) as :func:`dress._paint_reveal` paints it (:func:`armside.sleeve_part`'s torso
    skin; ``zones``: the arms' fitted :func:`reveal.limb_zones`; ``cover``: the new
    sleeves' alpha), but where the old top bulged over the arm's inner half below an old
    sleeve (:func:`_sleeve_above`): the arm is fitted over that bulge, and the skin beside
    it is the arm's own width continued."""
    out = np.zeros(reveal.shape, bool)
    source = body.old_top | (reveal & body.skin)
    for zone, chain in zip(zones, limb_chains(body)["arms"], strict=True):
        part = reveal & source & uncovered_limb(zone, cover, chain)
        left, side, narrowed = sleeve_part(body, part, reveal & body.old_top, chain)
        out |= side & ~narrowed if _sleeve_above(left, narrowed) else side
    return out


def _sleeve_above(sleeve: Mask, narrowed: Mask) -> bool:
    """Whether some of ``sleeve`` (old sleeve left) lies above all of ``narrowed`` (a
    short sleeve over the upper arm, the top bulging over the bare arm below its hem; old
    top left beside the forearm below is no sleeve over it)."""
    if not sleeve.any() or not narrowed.any():
        return False
    return int(np.flatnonzero(sleeve.any(axis=1))[0]) < int(np.flatnonzero(
        narrowed.any(axis=1))[0])


def cover_gaps(warped: Warped, alpha: F32, body: Body, sides: Mask, arm: Mask,
               size: tuple[float, float] = (REACH, TALL), mirror: bool = True,
               sideways: bool = False) -> F32:
    """``alpha`` (a torso layer's) stretched over the :func:`gaps` of ``sides`` (the old
    clothing no garment covers) to ``arm`` (the bare arms' skin), ``size`` (their greatest
    width and least height, shoulder widths): :func:`stretch`; with ``sideways`` its fabric
    spread over them instead by the gaps' smooth envelope, their far edge smoothed
    (:func:`spread.spread`; by each row's own gap, the print beside 00055's arm shifted
    row by row)."""
    ext = gaps(alpha, body, sides, arm, size)
    if sideways:
        return spread(warped.rgb, alpha, ext, body.pose.shoulder_width, even=True)
    return stretch(warped, alpha, ext, mirror)


def gaps(alpha: F32, body: Body, sides: Mask, arm: Mask, size: tuple[float, float]) -> Mask:
    """The :func:`tall` pieces (``size[1]`` shoulder widths) of the :func:`arm_gaps` (at most
    ``size[0]`` shoulder widths long) of ``sides`` between the layer (``alpha`` over 0.5)
    and ``arm``, below the lower shoulder joint."""
    solid = alpha > 0.5
    if not solid.any():
        return np.zeros(solid.shape, bool)
    pose = body.pose
    reach = int(size[0] * pose.shoulder_width)
    first = int(max(pose.p(11)[1], pose.p(12)[1]))
    return tall(arm_gaps(sides & ~solid, solid, arm, reach, first), size[1] * pose.shoulder_width)


def stretch(warped: Warped, alpha: F32, ext: Mask, mirror: bool = True,
            edge: bool = False) -> F32:
    """``alpha`` stretched over ``ext`` with a soft outer edge and no seam at its own edge;
    the layer's colours mirrored there (in place on ``warped.rgb``) when ``mirror``, else
    its own warp (the cut-out's fabric beyond the torso's cut line, as it runs) shows;
    with ``edge`` mirrored about an axis ``INSET`` px deeper, the print's elements mirrored
    in giving way to the edge colour (:func:`_mirror_into`)."""
    if not ext.any():
        return alpha
    grown = cv2.dilate(ext.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if mirror:
        _mirror_into(warped.rgb, alpha, grown, edge)
    cover = ext | (grown & (alpha > 0.003))     # with the layer's soft edge beside it
    solid = cover | (alpha > 0.5)
    inside = cover & (cv2.erode(solid.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    soft = np.maximum(cv2.GaussianBlur(cover.astype(np.float32), (0, 0), 0.8), inside)
    out: F32 = np.maximum(alpha, soft).astype(np.float32)
    return out


def closed(ext: Mask, beyond: Mask) -> Mask:
    """The 8-connected pieces of ``ext`` with no ``beyond`` pixel (the same gap, wider)
    right above or below them: covered, they would leave a step in the garment's side."""
    n, labels = cv2.connectedComponents(ext.astype(np.uint8), connectivity=8)
    if n <= 1:
        return ext
    ends = cv2.dilate(labels.astype(np.float32), np.ones((3, 1), np.uint8)).astype(np.int32)
    open_ = np.zeros(n, bool)
    open_[np.unique(ends[beyond])] = True
    open_[0] = True
    out: Mask = ~open_[labels]
    return out


def _mirror_into(rgb: F32, alpha: F32, grown: Mask, edge: bool) -> None:
    """``rgb`` over ``grown`` (a gap with its soft edge) and the layer's own outline beside
    it (where ``alpha`` is under 0.9, 2 px in) mirrored from the layer's solid inside, in
    place. With ``edge``: the outline ``INSET`` px deeper, and where the mirror brings
    another colour than the row's edge (a letter's reversed copy, :func:`continued`) the
    edge colour goes on instead (not on all layers: a print of large motifs, a dress's
    cabbages, passes mirrored and shows streaks continued)."""
    deeper = INSET if edge else 0
    k = 5 + 2 * deeper
    inner = cv2.erode((alpha > 0.9).astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    fill = cv2.dilate(grown.astype(np.uint8), np.ones((1, 1 + 2 * deeper), np.uint8)) > 0
    fill &= ~inner                  # with the layer's outline, ``deeper`` px more of it
    ys = np.flatnonzero(fill.any(axis=1))
    rows = slice(int(ys[0]), int(ys[-1]) + 1)       # mirrored within rows: only these
    part, known, ext = rgb[rows], inner[rows], fill[rows]
    filled = mirrored(part, known, ext)
    part[ext] = (continued(part, filled, known) if edge else filled)[ext]


def continued(rgb: F32, fill: F32, known: Mask) -> F32:
    """HxWx3: ``fill`` (colours beside the ``known`` pixels of ``rgb``) where within ``JUMP``
    (RGB, each channel) of its row's nearest known pixel or that of a row ``NEAR`` by,
    that pixel's colour elsewhere and 2 px round (the element's blended outline): a
    horizontal stripe goes on, an element of the print mirrored in is left out. Rows
    without known pixels keep ``fill``."""
    edge = rgb[np.arange(rgb.shape[0])[:, None], nearest_known(known)]
    far = (_off_edge(fill, edge) > JUMP).astype(np.uint8)
    off: Mask = cv2.dilate(far, np.ones((5, 5), np.uint8)) > 0     # with its blended outline
    off &= np.asarray(known.any(axis=1))[:, None]
    out: F32 = np.where(off[..., None], edge, fill)
    return out


def _off_edge(fill: F32, edge: F32) -> F32:
    """HxW: the least RGB difference (largest channel) of each ``fill`` pixel from the edge
    colours (``edge``, HxWx3) of its row and the ``NEAR`` rows above and below (a stripe
    meeting the edge aslant is mirrored as a V, not taken for a letter)."""
    h = fill.shape[0]
    pad = np.pad(edge, ((NEAR, NEAR), (0, 0), (0, 0)), mode="edge")
    out: F32 = largest_channel(np.abs(fill - pad[:h]))
    # by two np.maximum (:func:`reveal.largest_channel`): .max(axis=-1) over the 25 shifts
    # of a 400-row strip took 479 ms, this 16
    for d in range(1, 2 * NEAR + 1):
        np.minimum(out, largest_channel(np.abs(fill - pad[d:d + h])), out=out)
    return out.astype(np.float32)


def nearest_known(known: Mask) -> NDArray[np.intp]:
    """HxW: the column of each row's nearest ``known`` pixel (0 in rows with none)."""
    return np.clip(_nearest_edge(known), 0, known.shape[1] - 1)


def _nearest_edge(known: Mask) -> NDArray[np.intp]:
    """HxW: the column of each row's nearest ``known`` pixel (the right one at a tie), -1 in
    rows with none."""
    w = known.shape[1]
    cols = np.arange(w)[None, :]
    left, right = nearest_set(known, 1, False), nearest_set(known, 1, True)
    use_right = (right < w) & ((left < 0) | (right - cols <= cols - left))
    out: NDArray[np.intp] = np.where(use_right, right, left)
    return out


def to_sleeves(warped: Warped, alpha: F32, body: Body, reveal: Mask, sleeves: Mask) -> F32:
    """``alpha`` (a sleeved torso layer's) stretched over the thin gaps of ``reveal`` (the
    uncovered old clothing, with the arm's specks) between it and its ``sleeves``
    (``SLEEVE_GAP``), its own warp showing: the cut-out's fabric beyond the torso's cut line,
    under the sleeve, as it runs (mirrored, its stripes and letters showed reversed); then
    over those between it and the bare arm below the sleeve (``ARM_GAP``), mirrored (beyond
    the product photo's side seam its own warp is only the colours bled outward) but for the
    print's letters (a reversed copy of FILA's F beside it: the row's edge colour goes on,
    :func:`continued`). The arm's zone reached past the sleeve's inner edge and the arm
    painted there showed as a strip; below the sleeve the old top between the torso and the
    arm was painted as background (a notch in the shirt's outline under the sleeve, when the
    skin model missed the arm's shaded inner side)."""
    bare = body.skin & body.arms & ~body.hands
    arm = without_slivers(bare, SPECK * body.pose.shoulder_width)
    free = (reveal | (bare & ~arm)) & ~sleeves
    alpha = cover_gaps(warped, alpha, body, free, sleeves, SLEEVE_GAP, mirror=False)
    arm |= body.arms & ~free            # the arm's outline the skin model missed too
    below = gaps(alpha, body, free, arm, ARM_GAP)
    solid = alpha > 0.5
    wider = arm_gaps(free & ~solid, solid, arm, free.shape[1]) & ~below
    return stretch(warped, alpha, closed(below, wider), edge=True)


def cover_slits(warped: Warped, alpha: F32, body: Body, slits: Mask) -> F32:
    """``alpha`` (a torso layer's) widened over the ``slits`` (runs at most ``SLIT`` wide)
    between it and a bare arm, its fabric spread sideways over them by the gaps' smooth
    envelope (:func:`spread.spread`): old clothing inside the arm taken as in front of the
    layer (its skin and a capsule round the bone) that was painted as background, the arm
    not being there; it showed as a light slit (0.04 shoulder widths at most were covered,
    with the layer's own warp: the notch beside 00055's forearm where the dress's waist is
    narrower than her jeans stayed white, and a thin cover showed the bled edge colours)."""
    bare = body.skin & body.arms & ~body.hands
    sw = body.pose.shoulder_width
    ext = gaps(alpha, body, slits, bare, SLIT)
    wide = gaps(alpha, body, slits, body.arms & ~body.hands, (BRIDGE[0], SLIT[1]))
    ext = bridged(ext, wide, int(BRIDGE[1] * sw))
    # the arm's outline beyond its skin, next to a slit, is the photo's backdrop: left out,
    # it showed as a light line between the dress and 09597's arm
    ext |= body.arms & ~body.skin & ~body.hands & ~(alpha > 0.5) & (cv2.dilate(
        ext.astype(np.uint8), np.ones((1, 2 * TOUCH + 1), np.uint8)) > 0)
    return spread(warped.rgb, alpha, ext, sw, even=True)


def bridged(narrow: Mask, wide: Mask, most: int) -> Mask:
    """``narrow`` with the rows of each 8-connected piece of ``wide`` (``narrow`` within
    it) that lie between two of its rows with ``narrow``, at most ``most`` rows apart: a
    slit a few px wider than the rest for a few rows (beside 09597's elbow), or ending a
    few px short of the arm's skin, was left out and showed as a white bar or line between
    the dress and the arm."""
    out = narrow.copy()
    n, labels, stats, _ = cv2.connectedComponentsWithStats(wide.astype(np.uint8),
                                                           connectivity=8)
    for k in range(1, n):
        y0 = int(stats[k, cv2.CC_STAT_TOP])
        y1 = y0 + int(stats[k, cv2.CC_STAT_HEIGHT])
        piece = labels[y0:y1] == k
        ys = np.flatnonzero((piece & narrow[y0:y1]).any(axis=1))
        for a, b in pairwise(ys.tolist()):
            if 1 < b - a <= most:
                out[y0 + a + 1:y0 + b] |= piece[a + 1:b]
    return out


def tall(mask: Mask, height: float) -> Mask:
    """The 8-connected pieces of ``mask`` at least ``height`` px tall (a strip along a
    hanging arm, not a ledge beside a top's edge)."""
    out = np.zeros_like(mask)
    ys = np.flatnonzero(mask.any(axis=1))
    if not len(ys):
        return out
    rows = slice(int(ys[0]), int(ys[-1]) + 1)          # the pieces lie within these rows
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask[rows].astype(np.uint8),
                                                           connectivity=8)
    keep = stats[:, cv2.CC_STAT_HEIGHT] >= height
    keep[0] = False
    out[rows] = keep[labels]
    return out


def mirrored(rgb: F32, known: Mask, ext: Mask) -> F32:
    """HxWx3: over ``ext``, each row's ``known`` colours mirrored about the nearer known
    pixel in the row (the garment's own fabric and print continued, not smeared into
    one colour), that edge pixel's colour where the mirror falls outside ``known``."""
    h, w = known.shape
    cols = np.broadcast_to(np.arange(w), (h, w))
    edge = _nearest_edge(known)
    far = 2 * edge - cols
    mirror = np.clip(far, 0, w - 1)
    rows = np.broadcast_to(np.arange(h)[:, None], (h, w))
    inside = (far >= 0) & (far < w) & known[rows, mirror]
    src = np.where(inside, mirror, np.clip(edge, 0, w - 1))
    out = rgb.copy()
    ok = ext & (edge >= 0) & (edge < w)
    out[ok] = rgb[rows[ok], src[ok]]
    return out
