"""The old clothing a set of new garments replaces (the region repainted where no new
garment covers it).

A top replaces the old top, a bottom the old bottom, a dress both. Thin strips of the old
top along the bare skin inside the arm zones are left out (the arm's shaded rim that the
skin model missed); the skin seen through open-work fabric (crochet, lace: small holes
ringed by the old clothing, densely) counts as the fabric there, so the strands around it
are not taken for such rims; all small holes are replaced with the clothing. Masks HxW bool.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from ...imaging.regions import labelled, nearest_in
from .armside import straps_in_skin
from .body import Body
from .legskin import apart_legs, leg_split, straight_legs, tight_legs
from .reveal import limb_chains

Mask = NDArray[np.bool_]
HOLE_SIZE = 0.06     # holes of the old clothing under this size (squared, shoulder widths)
RIM = 0.04           # strips of the old top along bare arms under this width (shoulder widths)
TROUSERS = 0.75     # an old bottom reaching this share of the way from the knees to the
                    # ankles is trousers (leggings): worn on under a dress
SAME_DE = 15.0      # Lab: the old bottom below a dress's hem and at the ankles, one garment
CLOTH_DE = 15.0     # Lab (L halved): a pixel this close to their colour below the hem is the
                    # trousers
TROUSER_RIM = 6     # px: their soft outline on the backdrop, replaced with them
LEG_SHARE = 0.4     # the smaller trouser leg below the hem is at least this share of the other
TWO_LEGS = 0.9      # ... and both this share of the trousers there
GAP = 0.5           # x shoulder width: backdrop gaps between posed legs' trousers up to
                    # this wide are replaced with them (filled, :func:`worn_under`)
FIT_HOLE = 40       # px: holes in tight trousers' colour smaller than this are theirs
FIT_BLUR = 1.5      # px: Gaussian sigma smoothing tight trousers' outline
BAND = 0.2          # x the shin: the rows just below the hem and just above the ankles
OPENWORK = 0.1       # share of holes that makes a patch of old clothing open-work fabric
HALO = 0.035         # x shoulder width: the old clothing's soft outline looked for this far
                     # beyond the revealed old clothing (at least 3 px)
HALO_DE = 10.0       # Lab: a pixel there this far from the backdrop beyond is the outline's
HALO_SHARE = 75.0    # percentile: a ring is the outline's while a quarter of it is that far


def replaced(kind: str, body: Body) -> Mask:
    """The old clothing a garment of ``kind`` ("top", "bottom", "full") replaces."""
    if kind == "top":
        return without_arm_rims(body.old_top, body)
    if kind == "bottom":
        return body.old_bottom
    return without_arm_rims(body.old_top, body, body.old_bottom) | body.old_bottom


def without_arm_rims(old: Mask, body: Body, beside: Mask | None = None) -> Mask:
    """Old clothing minus thin strips (under ``RIM`` shoulder widths across, the old
    clothing's open-work holes counted as fabric) along the bare skin inside the arm zones:
    the shaded rim of an arm that the skin model missed, not fabric; replacing it would eat
    into the arm's outline. A strip ringed by skin is a strap across the bare shoulder and
    stays (left out, it stayed beside a new dress). Crochet strands around the skin seen
    through them are fabric (left out, a band of the crochet stayed on the shoulder), and
    so is the edge of ``old`` against ``beside`` (other old clothing replaced with it: a
    dress replaces the old top's last rows over the old bottom too)."""
    k = max(3, int(RIM * body.pose.shoulder_width)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    whole = old | openwork(old, body, 3 * k) | (np.zeros_like(old) if beside is None
                                                 else beside)
    thick = cv2.morphologyEx(whole.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0
    near_skin = cv2.dilate((body.skin & body.arms).astype(np.uint8), kernel) > 0
    rims = ~thick & near_skin & body.arms & old
    out: Mask = old & ~(rims & ~straps_in_skin(rims, body.skin, k))
    return out


def openwork(old: Mask, body: Body, size: int) -> Mask:
    """The holes of open-work fabric: small holes of ``old`` (:func:`enclosed_holes`)
    where they make up over ``OPENWORK`` of a ``size`` px box around them (a crochet's
    mesh), not a few stray specks the skin model took out of a plain top."""
    holes = enclosed_holes(old, ~body.head & ~body.hands, body.pose.shoulder_width)
    if not holes.any():
        return holes
    density = cv2.blur(holes.astype(np.float32), (size, size))
    out: Mask = holes & (density > OPENWORK)
    return out


def old_region(kinds: Iterable[str], body: Body) -> Mask:
    """The old clothing garments of ``kinds`` replace, with its open-work holes, grown 3 px
    into unclassified pixels (its rim; never into skin or other clothing), and the small
    pieces outside the person it and a hand ring (:func:`enclosed_holes`): old clothing
    the person segmentation missed beside the fingers (a dark blue seam of 00055's jeans
    stayed beside her hand on the backdrop painted over them)."""
    old = np.zeros(body.person.shape, bool)
    for kind in kinds:
        old |= replaced(kind, body)
    sw = body.pose.shoulder_width
    old |= enclosed_holes(old, ~body.head & ~body.hands, sw)
    grown = cv2.dilate(old.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    old |= grown & ~body.clothes & ~body.skin & ~body.head & ~body.hands & ~body.feet
    out: Mask = old | enclosed_holes(old | body.hands, ~body.person, sw)
    return out


def outline_halo(img: NDArray[np.uint8], reveal: Mask, body: Body) -> Mask:
    """The old clothing's soft outline on the backdrop beside ``reveal`` (the old clothing
    no new garment covers): the pixels outside the person up to the rim's width beyond
    ``reveal``. The width is measured in tiles of 4 times ``HALO`` shoulder widths: rings
    1, 2, ... px out, up to ``HALO`` shoulder widths, while their median colour (1 px blur)
    is over ``HALO_DE`` from the backdrop's just beyond (each pixel's nearest there); none
    when the first ring is like it; interpolated between the tiles. A band of smoothly
    varying width, not the pixels unlike the backdrop one by one: a strip of a white column
    narrower than the band beside the old suit went with them and its top ended in steps.
    The 3 px rim :func:`old_region` grows old clothing by is a small photo's: at Joe Biden's
    own size (2204 px high) the lit rim of his suit ran ~10 px beyond the person and stayed
    beside the new dress as a pale line tracing the old suit. Never over things in front of
    the person (a dog). ``img`` HxWx3 uint8 RGB."""
    none = np.zeros_like(reveal)
    if not reveal.any():
        return none
    w = max(3, round(HALO * body.pose.shoulder_width))
    h, wd = reveal.shape
    x, y, bw, bh = cv2.boundingRect(reveal.astype(np.uint8))
    m = 2 * w + 2
    box = np.s_[max(0, y - m):min(h, y + bh + m), max(0, x - m):min(wd, x + bw + m)]
    rev = reveal[box]
    outside = ~(body.person | body.clothes | body.in_front)[box] & ~rev
    dist = cv2.distanceTransform((~rev).astype(np.uint8), cv2.DIST_L2, 5)
    band = outside & (dist <= w)
    beyond = outside & (dist > w)
    if not band.any() or not beyond.any():
        return none
    lab = rgb_to_lab(cv2.GaussianBlur(img[box], (0, 0), 1.0))
    ys, xs = np.nonzero(band)
    ref = nearest_in(beyond, ys, xs)
    de = np.linalg.norm(lab[ys, xs] - lab[ref[:, 0], ref[:, 1]], axis=1)
    ring = np.ceil(dist[ys, xs]).astype(np.int64)
    tile = 4 * w
    ty, tx = ys // tile, xs // tile
    rows, cols = (band.shape[0] - 1) // tile + 1, (band.shape[1] - 1) // tile + 1
    width = np.zeros((rows, cols), np.float32)
    for t in np.unique(ty * cols + tx):
        here = ty * cols + tx == t
        for k in range(1, w + 1):
            at = de[here & (ring == k)]
            if not len(at) or float(np.percentile(at, HALO_SHARE)) <= HALO_DE:
                break
            width[t // cols, t % cols] = k
    if not width.any():
        return none
    # each tile's width, carried smoothly over to its neighbours' (no steps at the tiles')
    # edges; a tile with no rim in it is 0
    smooth = cv2.resize(width, (band.shape[1], band.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = none.copy()
    out[box] = band & (dist <= smooth)
    return out


def enclosed_holes(old: Mask, allowed: Mask, sw: float) -> Mask:
    """Small 4-connected holes (under (``HOLE_SIZE`` shoulder widths)^2) of ``old`` ringed
    all round by it, inside ``allowed``: the skin seen through open-work fabric (crochet,
    lace) that the skin model took for bare skin; left out, they stayed as specks of the
    old garment's rim on the painted arms and torso."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats((~old).astype(np.uint8),
                                                           connectivity=4)
    small = stats[:, cv2.CC_STAT_AREA] < (HOLE_SIZE * sw) ** 2
    h, w = old.shape
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    inner = (x > 0) & (y > 0) & (x + stats[:, cv2.CC_STAT_WIDTH] < w) & \
        (y + stats[:, cv2.CC_STAT_HEIGHT] < h)
    ok = small & inner
    ok[np.unique(labels[~allowed & ~old])] = False
    out: Mask = ok[labels] & ~old
    return out


def worn_under(img: NDArray[np.uint8], body: Body, dresses: list[Mask],
               legs: tuple[float, float, float] | None) -> tuple[Mask, Mask, Mask, bool]:
    """(trousers, kept, fitted, posed): the old trousers below a dress's hem, the rest of
    the old bottom there, for tight trousers the bare legs' pixels in them (else empty),
    and whether the legs are to be drawn from the pose (:func:`.legskin.posed_legs`).
    Below the lowest row of the ``dresses`` (warped, uncut; beside them, the nearest
    column's), when the old bottom reaches ``TROUSERS`` of the way from the knees down to
    the ankles (``legs``: the rows of the hip, knee and ankle joints seen,
    :func:`.measure.leg_rows`) and is of one colour there (median Lab within ``SAME_DE``
    just below the hem and at the ankles: not an old dress's skirt over legs in tights),
    its pixels within ``CLOTH_DE`` of that colour (and thin strips, their lit edge) are the
    trousers, with their soft outline ``TROUSER_RIM`` px over the backdrop: replaced,
    bare legs are painted there (:mod:`.legskin`; issue 7: the old clothing a shorter new
    garment leaves is never left showing). The rest of the old bottom below the hem is
    what the skin model took in with it (the shoes' tops, a sock): kept as it is, with
    the 3 px rim :func:`old_region` grows old clothing by. Both empty without legs seen,
    a dress or such trousers. When the trousers below the hem are not two legs apart where
    the pose has them (:func:`_two_legs`: legs crossed or one behind the other) or the
    legs are bent at the knee (:func:`.legskin.straight_legs`), no bare legs are shaped
    from them row by row. Tight ones on legs one behind the other
    (:func:`.legskin.tight_legs`: woman_with_dog's black leggings, side on) are bare legs
    of their pixels of the trousers' colour (``fitted``, :func:`.legskin.fitted_legs`).
    On legs apart (:func:`.legskin.apart_legs`: the skier's baggy ski trousers, a knee
    bent 63 degrees, kept from the hem to her boots) the legs are drawn from the pose
    (``posed``); then the boots' dark parts are no trousers (the convex hulls of the
    rest's pieces, :func:`_boots`, and below each leg's own ankle joint,
    :func:`_past_ankles`), and the backdrop in the gaps between the trouser legs up to
    ``GAP`` shoulder widths wide is replaced with them (left, the snow between her legs
    kept the trousers' lit outline, and the fill mirrored it into a pale line along the
    painted knee). Other trousers are worn on under the dress as they are (all of the
    old bottom below the hem, grown 3 px, is kept). ``img`` HxWx3 uint8 RGB."""
    out = np.zeros(body.person.shape, bool)
    dress = out.copy()
    for d in dresses:
        dress |= d
    rows = np.flatnonzero(body.old_bottom.sum(axis=1) >= 3)
    if legs is None or not dress.any() or not len(rows) or \
            rows[-1] < legs[1] + TROUSERS * (legs[2] - legs[1]):
        return out, out.copy(), out.copy(), False
    h, w = body.person.shape
    cols = np.flatnonzero(dress.any(axis=0))
    hem = h - 1 - dress[::-1, cols].argmax(axis=0)
    line = np.interp(np.arange(w), cols, hem)
    ys = np.arange(h)[:, None]
    below = body.old_bottom & (ys > line[None, :])
    band = BAND * max(legs[2] - legs[1], 1.0)
    top = below & (ys <= line[None, :] + band)
    ankles = below & (ys >= min(legs[2], float(rows[-1])) - band)
    if top.sum() < 20 or ankles.sum() < 20:
        return out, out.copy(), out.copy(), False
    hem_lab, ankle_lab = (rgb_to_lab(img[m].reshape(-1, 1, 3))[:, 0] for m in (top, ankles))
    colour = np.median(hem_lab, axis=0)
    if float(np.linalg.norm(colour - np.median(ankle_lab, axis=0))) > SAME_DE:
        return out, out.copy(), out.copy(), False
    near = out.copy()
    # lightness counts half (the folds' shading), so dark boots of another hue are not it
    off = (rgb_to_lab(img[below].reshape(-1, 1, 3))[:, 0] - colour) * np.array([0.5, 1, 1])
    near[below] = np.linalg.norm(off, axis=1) < CLOTH_DE
    # the rest is what is thicker than their lit edge's thin strips
    rest = cv2.morphologyEx((below & ~near).astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((5, 5), np.uint8)) > 0
    cloth = below & ~rest
    unshaped = not straight_legs(body) or not _two_legs(cloth, leg_split(body, h))
    tight = unshaped and tight_legs(body, cloth)
    posed = unshaped and not tight and apart_legs(body, cloth)
    if unshaped and not tight and not posed:
        worn: Mask = cv2.dilate(below.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
        return out, worn & (ys > line[None, :]), out.copy(), False
    if posed:   # the boots' dark parts (shade, black buckles, soles) are no trousers
        rest |= below & (_boots(rest) | _past_ankles(body))
        cloth = below & ~rest
    # with the rim :func:`old_region` grows them by (left in, a pale line round the boots),
    # but for their 3 px against the trousers, the two mixed (left, un-mixed into an
    # orange line across the ankle where the painted leg met it)
    rim3 = np.ones((7, 7), np.uint8)
    grown = cv2.dilate(rest.astype(np.uint8), rim3) > 0
    kept: Mask = grown & (ys > line[None, :]) & ~(cv2.dilate(cloth.astype(np.uint8), rim3) > 0)
    # and their lit, soft outline on the backdrop, wider than that rim (left, faint
    # bluish lines traced the joggers beside the painted legs)
    rim = cv2.dilate(cloth.astype(np.uint8), np.ones((2 * TROUSER_RIM + 1,) * 2, np.uint8)) > 0
    trousers: Mask = cloth | (rim & ~body.person & ~body.in_front & ~kept &
                              (ys > line[None, :]))
    if posed:   # the backdrop in the narrow gaps between them (their lit outlines)
        k = max(3, round(GAP * body.pose.shoulder_width)) | 1
        closed = cv2.morphologyEx(cloth.astype(np.uint8), cv2.MORPH_CLOSE,
                                  cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
        trousers |= closed & ~body.person & ~body.in_front & ~kept & (ys > line[None, :])
    if not tight:
        return trousers, kept, out, posed
    # tight: the legs are their pixels of the trousers' colour (not the thin strips of
    # backdrop between the legs that the opening above took in with them: painted, the
    # gap between her knees closed up), specks left out and pinholes filled
    fit: Mask = cv2.morphologyEx((cloth & near).astype(np.uint8), cv2.MORPH_OPEN,
                                 np.ones((3, 3), np.uint8)) > 0
    _, labels, areas = labelled(cloth & ~fit)
    fit |= (areas < FIT_HOLE)[labels] & (labels > 0)
    # a smooth outline (the colour test's is ragged pixel by pixel)
    fit = (cv2.GaussianBlur(fit.astype(np.float32), (0, 0), FIT_BLUR) > 0.5) & cloth
    return trousers, kept, fit, False


def _boots(rest: Mask) -> Mask:
    """The convex hulls of the pieces of ``rest`` (the old bottom below a dress's hem not
    of the trousers' colour, at least 5 px thick): boots, whose dark parts (the shade,
    black buckles) are as dark as black trousers (the skier's navy boots had patches of
    10-20 px so, and a hole in a boot's top piece; replaced with the trousers, most of
    her raised boot became snow)."""
    out = np.zeros(rest.shape, np.uint8)
    n, labels, _ = labelled(rest)
    for k in range(1, n):
        ys, xs = np.nonzero(labels == k)
        hull = cv2.convexHull(np.stack([xs, ys], axis=1).astype(np.int32))
        cv2.fillConvexPoly(out, hull, 1)
    return out > 0


def _past_ankles(body: Body) -> Mask:
    """Per leg, the rows below its ankle joint on its side of the pose's split between
    the legs (:func:`.legskin.leg_split`): its shoe or boot, as :attr:`.body.Body.feet`
    is below the lower ankle (the skier's raised back foot: its boot's black sole and
    binding, the trousers' colour, above her other ankle's row)."""
    h, w = body.person.shape
    split = leg_split(body, h)
    xs, ys = np.arange(w)[None, :], np.arange(h)[:, None]
    out = np.zeros((h, w), bool)
    for side, chain in enumerate(limb_chains(body)["legs"]):
        mine = (xs < split[:, None]) if side == 0 else (xs >= split[:, None])
        out |= mine & (ys > float(chain[2][1]))
    return out


def _two_legs(cloth: Mask, split: NDArray[np.float32]) -> bool:
    """Whether ``cloth`` is two legs apart where the pose has them: its two largest
    8-connected pieces make up ``TWO_LEGS`` of it, the smaller is at least ``LEG_SHARE``
    of the larger, and each lies (``TWO_LEGS`` of it) on its own side of the pose's
    ``split`` between the legs (:func:`.legskin.leg_split`, per row)."""
    n, labels, areas = labelled(cloth)
    if n < 3:
        return False
    order = np.argsort(areas[1:])[::-1] + 1
    big = areas[order]
    if big[1] < LEG_SHARE * big[0] or big[0] + big[1] < TWO_LEGS * areas[1:].sum():
        return False
    left = np.arange(cloth.shape[1])[None, :] < split[:, None]
    shares = sorted(float(left[labels == k].mean()) for k in order[:2])
    return shares[0] <= 1 - TWO_LEGS and shares[1] >= TWO_LEGS
