"""Dress a person in one set of garments (at most one top or dress and one bottom).

Order: the fit anchors are measured on the person (old top's hem, old bottom's top and
width, how high the old top reaches over the shoulders); every garment is warped
(:mod:`.layers`: a top's torso and sleeves separately, overlapping at the seam; cut-out
edges cleaned, the product photo's background taken out of their rim and their colours
bled outward so no white rim is warped in; a crew neck's inside back left out,
:mod:`.neckback`); a top's torso is widened over the old top that shows beside it (and over
thin gaps to its sleeves, the bare arms, its fabric spread sideways over a gap to a bare arm:
:mod:`.sidecover`, :mod:`.spread`), and the loose bits and tongues those stretches left are
taken back (:mod:`.fragments`); once the arms are painted, a torso is given back where an
arm's zone cut it but no arm was drawn (:mod:`.reclaim`). The old clothing each garment
replaces (:mod:`.replaced`; old trousers below a dress's hem are bare legs, :mod:`.legskin`,
or on bent legs worn on under it) that no new garment covers gets the background continued
from around the person, and skin only where a limb beyond its new sleeve or trouser leg, or
the torso (neckline, belly), really is (no real arm to continue under a long sleeve:
:mod:`.oldsleeve`; such a made-up arm is then lit like the old sleeve, toned like the hand
and the torso it touches and given the visible skin's grain, :mod:`.armskin`). Then bottoms,
dresses and tops are laid on in that order, shaded by the old clothes, each behind what must
stay in front (face, neck, hands; arms in front of a torso but not of its own sleeves; an
untouched old top in front of new trousers; specks of the arms not in front). Pixels outside
the new garments, the repainted old clothing and the painted skin (plus a 2 px feather) are
left exactly as they were, but for the old clothing's share in the outline (3 px) of what
stays in front, hands but for their skin, an old top: it is swapped for the new surface's
colour (:mod:`.unmix`). Something else the person segmentation took in (a dog in her arms,
:mod:`.others`) stays in front of everything and untouched; an arm the pose only guesses
(hidden behind the body or the dog) gets no sleeve and no painted skin. A body seen from the
side gets the garment's seen half on its torso's silhouette, the belly and the old bottom's
top continued under a shorter top (:mod:`.sideview`). Images HxWx3 uint8 RGB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.blend import alpha_blend_into, mask_box
from ...imaging.color import to_u8
from ...imaging.regions import disc, row_first, row_last, touching
from .armcolumn import column_arm
from .armpaint import ArmPaint, paint_arm
from .armside import beyond_arms, sleeve_part
from .armskin import Surround, crossing_shadow, finish_arm, near_chain, skin_levels
from .armsynth import hand_skin, synth_arm
from .body import Body
from .cutout import Cutout
from .envelope import side_view_rows
from .fit import Fit, body_frame
from .fragments import tidy_layers
from .layers import Layer, is_torso, limb_covers, warp_layers
from .legskin import bare_legs, fabric_shade, fitted_legs, hem_shadow, posed_legs, shoe_shadow
from .limbs import LimbZone, covered_limb
from .measure import anchors as measure_anchors
from .neckline import neck_opening
from .oldsleeve import long_sleeve
from .reclaim import arms_drawn, reclaim, reclaim_rim
from .regions import without_slivers
from .render import feathered, garment_shading, plain_weight, shaded, shading_parts
from .replaced import old_region, outline_halo, worn_under
from .reveal import (
    background_fill,
    cap_shoulder,
    limb_chains,
    limb_zones,
    paint_skin,
    raise_shoulders,
    torso_zone,
    trusted_skin,
    tuck_in,
    uncovered_limb,
    widen_to_old,
)
from .shape import GarmentShape
from .sidecover import SLIVER, SPECK, arm_sides, cover_gaps, cover_slits, to_sleeves
from .sideline import smooth_sides
from .sideview import (
    below_waistband,
    bottom_up,
    gap_up,
    in_room,
    on_bottom,
    outside_room,
    side_view,
    torso_band,
    trousers_up,
)
from .skinholes import beside_arms, loose_pieces, nearer, pinholes, shoulder_top
from .unmix import swap_rims
from .wrist import paint_over, wrist_things

Mask = NDArray[np.bool_]
ORDER = {"bottom": 0, "full": 1, "top": 2}
FEATHER = 2
NECK_DIP = 0.08      # depth (shoulder widths) of the rounded bottom of the neck skin
FRONT_DROP = 0.15    # a crew neck's front below its collar top (shoulder widths)
ARMHOLE_REACH = 0.07  # how far inside an arm the armhole curve's top is (shoulder widths)
ARM_WIDTH_PCT = 90    # a real arm's full width: this percentile of its row widths
ARMHOLE_RISE = 0.06   # how far above the arm cut the armhole curve starts (torso lengths)
INSIDE = 7           # px: the old top left inside a painted arm is skin in pieces this thick
FRONT_ROWS = 0.1     # ... down to this many torso lengths below the shoulder line
ON_TOP = 2           # px a bodice may rise above the shoulders' outline (its soft edge)
OUTLINE_SIGMA = 2.0  # px: the shoulders' outline smoothed over this (its steps are 2-3 px)
HEM_ROWS = 0.1       # shoulder widths: a tight top's sides reach as far as in these rows above
TIGHT_FROM = 0.12    # torso lengths below the shoulder line: beside a tight top's torso from
                     # here down the old top is the backdrop (under the armpit, where the
                     # short sleeve ends, 0.3 left a bare patch of torso skin: 049205)


@dataclass(frozen=True)
class Garment:
    """A prepared garment: cut-out (already recoloured if asked), kind, keypoints and the
    sleeve mask of the cut-out."""

    cutout: Cutout
    kind: str
    shape: GarmentShape
    index: int


def neck_skin(body: Body, collar_y: float | None = None) -> Mask:
    """Skin of the neck, in front of a top's back collar: a column over the neck base
    (0.2 shoulder widths each side) closed by a half ellipse below it, and all skin from
    0.25 shoulder widths above the neck base up (chin, face); holes closed. The column
    ends no lower than ``FRONT_DROP`` shoulder widths below the garment's collar top
    ``collar_y`` (a crew neck's front), so it does not cut a deep square into the collar."""
    pose = body.pose
    sw = pose.shoulder_width
    cx, cy = pose.shoulder_mid - np.array([0.0, 0.05 * sw], np.float32)
    if collar_y is not None:
        cy = min(cy, collar_y + (FRONT_DROP - NECK_DIP) * sw)
    h, w = body.person.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = (xs - cx) / (0.2 * sw), (ys - cy) / (NECK_DIP * sw)
    zone = ((np.abs(dx) < 1) & ((dy < 0) | (dx * dx + dy * dy < 1))) | (ys < cy - 0.25 * sw)
    skin = cv2.morphologyEx(body.skin.astype(np.uint8), cv2.MORPH_CLOSE,
                            np.ones((7, 7), np.uint8)) > 0
    neck: Mask = skin & zone & ~body.arms
    return neck


def _above_armpits_outside(body: Body) -> Mask:
    """Background beside and above the shoulders (rows above the armpits, off the person):
    no top or dress bodice reaches there. Below the shoulder joints' line, beside the body
    (the shoulder round's and the arm's sides), it may stand off up to 3% of the shoulder
    width (a flat ellipse round the body without the head); elsewhere (the tops of the
    shoulders, on which the fabric lies, and the neck's sides) ``ON_TOP`` px round the
    body's outline smoothed over ``OUTLINE_SIGMA`` px (the segmentation's outline is
    stepped). A square allowance round the whole person, hair included, let a bodice's or
    a tee's top rise 8-25 px into the backdrop between the hair and the sloping shoulder,
    a peak at the collar or a corner above the shoulder line (05997, model_1, Obama)."""
    grow = max(3, int(0.06 * body.pose.shoulder_width)) | 1
    own = (body.person & ~body.head).astype(np.uint8)
    flat = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, 3))
    beside = (cv2.dilate(own, flat) > 0) & _below_joints(body)
    on_top = cv2.dilate(own, disc(2 * ON_TOP + 1)).astype(np.float32)
    top = cv2.GaussianBlur(on_top, (0, 0), OUTLINE_SIGMA) > 0.5
    out: Mask = ~(body.person | beside | top) & ~_below_armpits(body)
    return out


def _below_joints(body: Body) -> Mask:
    """The pixels below the line through the two shoulder joints."""
    frame = body_frame(body.pose)
    ax, ay = float(frame.axis[0]), float(frame.axis[1])
    h, w = body.person.shape
    xs = np.arange(w, dtype=np.float32)
    slope = ay / float(np.copysign(max(abs(ax), 1e-3), ax))
    line = float(frame.origin[1]) + (xs - float(frame.origin[0])) * slope
    out: Mask = np.arange(h, dtype=np.float32)[:, None] > line[None, :]
    return out


def _below_armpits(body: Body, depth: float = 0.3) -> Mask:
    """Rows below the armpits (``depth`` torso lengths below the shoulder line), where
    arms hang beside (or cross in front of) the torso."""
    frame = body_frame(body.pose)
    y = float(frame.place(0.0, depth * frame.torso_len)[1])
    ys = np.arange(body.person.shape[0])[:, None]
    return np.broadcast_to(ys > y, body.person.shape)


def visible_arms(body: Body) -> Mask:
    """The arms as seen: skin inside the wide arm zones plus the thin tapered capsules
    (sleeved arms cannot be told from the torso by colour)."""
    thin = np.zeros(body.person.shape, bool)
    for zone in limb_zones(body, "arms"):
        thin |= zone.inside
    return (body.arms & body.skin) | (thin & body.person)


def _occluders(layer: Layer, body: Body, has_top: bool, arms: Mask,
               neck: Mask | None, gain: float = 1.0) -> NDArray[np.float32]:
    """HxW float32: what stays in front of ``layer`` (feathered); ``neck``: the neck skin in
    front of a torso layer's collar (:func:`neck_skin`); ``gain``: the prompt's fit width
    (a side view's room, :func:`.sideview.outside_room`)."""
    front = body.head | _hand_itself(body) | body.in_front
    sw = body.pose.shoulder_width
    if layer.sleeve:
        return feathered(front, 1.5)
    if layer.kind == "bottom":
        front = front | without_slivers(arms & ~body.old_bottom, SPECK * sw) | body.feet
        if not has_top:
            front = front | body.old_top
        return feathered(front, 1.5)
    below = _below_armpits(body, 0.12 if layer.sleeveless else 0.3)
    if neck is not None:
        front = front | neck
    if layer.bodysuit:  # the bottoms worn with it stay on top of its lower part
        front = front | body.old_bottom
    if layer.straps or layer.low_neck:  # straps lie on the shoulders: not past their outline
        front = front | (~body.person & ~below)
    front = front | outside_room(body, gain)  # a side view's far half lies beyond the chest
    return feathered(front | arm_cut(layer, body, arms) | _above_armpits_outside(body), 1.5)


def arm_cut(layer: Layer, body: Body, arms: Mask) -> Mask:
    """The ``arms`` (:func:`visible_arms`) in front of a torso layer: below its armpits and
    past the elbows (:func:`_forearms`), without their specks."""
    depth = 0.12 if layer.sleeveless else 0.3
    cut = arms & _below_armpits(body, depth)
    if arms.any():
        cut |= arms & _forearms(body)
    if layer.straps:
        cut |= _armhole(body, arms, depth)
    elif layer.sleeveless:
        cut |= _bare_armhole(layer, body, arms, depth)
    return without_slivers(cut, SPECK * body.pose.shoulder_width)


def _forearms(body: Body) -> Mask:
    """The arm zones past the elbows: a forearm crossed over the chest lies in front of
    the torso even above the armpits' row (Biden's, high on his long torso: the new
    T-shirt was laid over them and his hand floated on its print). None in a side view
    (the skier's far arm, placed by her neck, is no forearm in front of her)."""
    out = np.zeros(body.person.shape, bool)
    if side_view_rows(body.pose, body.person.shape).any():
        return out
    for zone, chain in zip(limb_zones(body, "arms"), limb_chains(body)["arms"], strict=True):
        upper = float(np.linalg.norm(chain[1] - chain[0]))
        out |= zone.inside & (zone.t > upper)
    return out


def _armhole(body: Body, arms: Mask, depth: float) -> Mask:
    """The sleeved ``arms`` (to be painted: no bare skin of theirs in these rows) in front
    of a strappy torso in the ``ARMHOLE_RISE`` torso lengths above its arm cut (``depth``
    torso lengths below the shoulder line): those farther inside the arm than a margin that
    grows from 0 at the cut to ``ARMHOLE_REACH`` shoulder widths along a quarter ellipse.
    The cut's edge runs up along the arm's outline and curves out toward the shoulder, as
    an armhole does, instead of a square step where a strap over the arm met the straight
    cut below. A bare arm is left alone: the garment cut off beside it is given back up to
    the arm as seen (:func:`.reclaim.reclaim`)."""
    out = np.zeros_like(arms)
    rows = _armhole_rows(body, depth)
    if rows is None:
        return out
    y0, y1 = rows
    band = arms[y0:y1]
    bare = without_slivers(band & body.arms[y0:y1] & body.skin[y0:y1],
                           SPECK * body.pose.shoulder_width)
    sleeved = band & ~touching(band, bare)
    if not sleeved.any():
        return out
    inside = _inside(arms)
    s = (y1 - np.arange(y0, y1, dtype=np.float32)) / max(y1 - y0, 1)
    margin = ARMHOLE_REACH * body.pose.shoulder_width * (1 - np.sqrt(1 - s * s))
    out[y0:y1] = sleeved & (inside[y0:y1] > margin[:, None])
    return out


def _armhole_rows(body: Body, depth: float) -> tuple[int, int] | None:
    """[y0, y1): the rows in the ``ARMHOLE_RISE`` torso lengths above a torso layer's arm
    cut (``depth`` torso lengths below the shoulder line), None when there are none."""
    top = _below_armpits(body, depth - ARMHOLE_RISE)[:, 0]
    bottom = _below_armpits(body, depth)[:, 0]
    rows = np.nonzero(top & ~bottom)[0]
    return None if rows.size == 0 else (int(rows[0]), int(rows[-1]) + 1)


def _inside(arms: Mask) -> NDArray[np.float32]:
    """Each pixel's distance inside ``arms`` (0 outside; the image's border counts as
    outside)."""
    out: NDArray[np.float32] = np.asarray(cv2.distanceTransform(
        np.pad(arms, 1).astype(np.uint8), cv2.DIST_L2, 3)[1:-1, 1:-1], np.float32)
    return out


def _bare_armhole(layer: Layer, body: Body, arms: Mask, depth: float) -> Mask:
    """The bare ``arms`` in front of a sleeveless bodice in the ``ARMHOLE_RISE`` torso lengths
    above its arm cut (``depth`` torso lengths below the shoulder line): those farther inside
    the arm than a margin that eases (smoothstep) from 0 at the cut to, at the band's top,
    how far the bodice itself reaches inside that arm there. The bodice's edge runs from the
    arm's outline up into its own armhole edge, instead of a step where the bodice laid over
    the arm above the cut met the arm drawn in front of it below (05997's orange dress:
    21 px in one row)."""
    out = np.zeros_like(arms)
    rows = _armhole_rows(body, depth)
    if rows is None:
        return out
    y0, y1 = rows
    bare = without_slivers(arms & body.arms & body.skin, SPECK * body.pose.shoulder_width)
    if not bare[y0:y1].any():
        return out
    inside = _inside(arms)
    laid = bare[y0] & (layer.warped.alpha[y0] > 0.5)
    s = (y1 - np.arange(y0, y1, dtype=np.float32)) / max(y1 - y0, 1)
    ease = s * s * (3 - 2 * s)
    mid = float(body.pose.shoulder_mid[0])
    xs = np.arange(arms.shape[1])
    for side in (xs < mid, xs >= mid):
        reach = float(inside[y0][laid & side].max()) if (laid & side).any() else 0.0
        band = bare[y0:y1] & side & (inside[y0:y1] > reach * ease[:, None])
        out[y0:y1] |= band
    return out


def _to_sleeves(layers: list[Layer], alphas: list[NDArray[np.float32]], body: Body,
                reveal: Mask, keep_front: NDArray[np.float32]) -> list[NDArray[np.float32]]:
    """The torso layers stretched over the thin gaps of ``reveal`` (uncovered old clothing)
    between them and their sleeves, and the arms below (:func:`sidecover.to_sleeves`)."""
    sleeves = np.logical_or.reduce([a > 0.5 for ly, a in zip(layers, alphas, strict=True)
                                    if ly.sleeve] or [np.zeros(body.person.shape, bool)])
    if not sleeves.any():
        return alphas
    return [np.minimum(to_sleeves(ly.warped, a, body, reveal, sleeves), keep_front)
            if is_torso(ly) else a for ly, a in zip(layers, alphas, strict=True)]


def arm_wide(side: Mask, real: Mask) -> Mask:
    """The pixels of ``side`` (skin painted beside a real arm) that lie in the rows of a
    piece of ``real`` (a real arm's skin) within its full width (``ARM_WIDTH_PCT``
    percentile of its row widths) of its far edge in their row: the arm's inner side that
    an old top bulged over, not a ledge of torso skin wider than the arm."""
    out = np.zeros_like(side)
    n, labels = cv2.connectedComponents(real.astype(np.uint8), connectivity=8)
    for i in range(1, n):
        own = labels == i
        rows = np.flatnonzero(own.any(axis=1))
        if len(rows) < 2:
            continue
        first = own[rows].argmax(axis=1)
        last = own.shape[1] - 1 - own[rows, ::-1].argmax(axis=1)
        width = int(np.percentile(last - first + 1, ARM_WIDTH_PCT))
        xs = np.arange(own.shape[1])[None, :]
        room = (xs > last[:, None] - width) & (xs < first[:, None] + width)
        out[rows] |= side[rows] & room
    return out


def _hand_itself(body: Body) -> Mask:
    """The hands (skin-coloured pixels near the wrists, plus 2 px) within the person: the
    2 px grown over the backdrop are no hand in front of a garment (beside a wrist over a
    flared skirt they cut a slot of backdrop between the skirt and the arm)."""
    hands: Mask = body.hands & body.person
    return hands


def dress(img: NDArray[np.uint8], body: Body, garments: list[Garment], fit: Fit,
          rng: np.random.Generator) -> tuple[NDArray[np.uint8], dict[str, Any], Mask]:
    """The person photo wearing ``garments``, a report of the masks' areas (pixels) and
    where the new garments are drawn (alpha > 0.5)."""
    garments = sorted(garments, key=lambda g: ORDER[g.kind])
    has_top = any(g.kind in ("top", "full") for g in garments)
    anchors = measure_anchors(body)
    layers = [layer for g in garments
              for layer in warp_layers(g.cutout, g.kind, g.shape, body, fit, anchors)]
    arms = visible_arms(body)
    necks = [neck_skin(body, ly.neck_y) if is_torso(ly) else None for ly in layers]
    alphas = [np.clip(ly.warped.alpha * (1 - _occluders(ly, body, has_top, arms, neck,
                                                        fit.width)), 0, 1)
              for ly, neck in zip(layers, necks, strict=True)]
    laid = list(alphas)      # as laid on, before the stretches (:func:`tidy`)
    uncut = [None if neck is None else   # torso layers: with no arm in front
             np.clip(ly.warped.alpha * (1 - _occluders(ly, body, has_top, ~arms & arms, neck,
                                                       fit.width)),
                     0, 1) for ly, neck in zip(layers, necks, strict=True)]
    front = body.head | _hand_itself(body) | body.in_front   # feathered outward only
    keep_front = (1 - feathered(front, 1.5)) * ~front
    torsos = np.zeros(body.person.shape, bool)
    opening = np.zeros(body.person.shape, bool)     # a low neckline's (:mod:`.neckline`)
    def torso_skin() -> Mask:   # where uncovered old top is painted as bare skin
        return _torso(body, anchors.waist_y)

    for i, (ly, neck) in enumerate(zip(layers, necks, strict=True)):  # torso before sleeves
        if neck is not None:
            # a tight top is not widened back over the old top beside it: that is
            # repainted as the backdrop (:func:`beside_tight`); below its hem it is
            widened = widen_to_old(ly.warped, alphas[i], body, arms, None if fit.width >= 1
                                   else beside_tight([alphas[i]], [True], body))
            # its sides follow the old top smoothly: no square jut over an old sleeve (a
            # strappy top's narrow body is left as widened: its arms are made up whole)
            alphas[i] = widened if ly.straps else smooth_sides(alphas[i], widened,
                                                               ly.warped.alpha, body, torso_skin)
            if ly.bodysuit:     # its leg openings under the bottoms, not bare hips
                alphas[i] = tuck_in(ly.warped, alphas[i], body, arms)
            own = np.zeros_like(opening)
            if ly.low_neck:
                own = neck_opening(ly.warped.alpha, float(body.pose.shoulder_mid[0]))
                opening |= own
            if not ly.straps:   # never up into a low neckline's opening
                alphas[i] = raise_shoulders(ly.warped, alphas[i], body, neck | own)
            torsos |= alphas[i] > 0.05
        elif ly.sleeve:
            alphas[i] = cap_shoulder(ly.warped, alphas[i] * ~opening, body, torsos | opening,
                                     arms)
            alphas[i] = cover_gaps(ly.warped, alphas[i], body, body.skin & body.arms &
                                   ~body.hands, ~body.person, SLIVER)
        alphas[i] = np.minimum(antialias(alphas[i]), keep_front)
    alphas = tidy_layers(alphas, laid, body)    # what they left loose is repainted below
    stretched = list(alphas)
    covered = np.zeros(body.person.shape, bool)
    for a in alphas:
        covered |= a > 0.5
    trousers, kept, fitted, posed = worn_under(
        img, body, [ly.warped.alpha > 0.5 for ly in layers if ly.kind == "full" and is_torso(ly)],
        anchors.legs)
    old = (old_region([g.kind for g in garments], body) | trousers) & ~kept
    legs = None
    if trousers.any():  # tight ones (fitted): the legs take their outline and light
        legs = (trousers, fitted_legs(body, fitted) if fitted.any() else
                posed_legs(body, trousers) if posed else bare_legs(body, trousers))
    reveal = old & ~covered & ~body.head & ~_hand_itself(body)
    bare = body.skin & body.arms & ~body.hands      # the new torso lies against bare arms
    trusted = trusted_skin(img, body)
    arm_zones = limb_zones(body, "arms", trusted)
    sides = arm_sides(body, reveal, arm_zones, limb_covers(layers, alphas)["arms"])
    alphas = [a if n is None else np.minimum(cover_gaps(ly.warped, a, body, sides, bare,
                                                        sideways=True), keep_front)
              for ly, a, n in zip(layers, alphas, necks, strict=True)]
    # a tight top's torso is not stretched back over the old top beside it either
    alphas = _to_sleeves(layers, alphas, body, reveal if fit.width >= 1 else
                         reveal & ~beside_tight(alphas, [is_torso(ly) for ly in layers], body),
                         keep_front)
    alphas = tidy_layers(alphas, stretched, body)
    covered = np.logical_or.reduce([a > 0.5 for a in alphas])
    reveal &= ~covered
    halo = outline_halo(img, reveal, body) & ~covered
    if posed:   # the trousers' outline on the backdrop: filled, not mirrored from its
        halo |= trousers & ~body.person & ~covered    # own lit rim
    canvas = img.astype(np.float32)
    off_body = None
    if fit.width < 1:
        off_body = beside_tight(alphas, [is_torso(ly) for ly in layers], body)
    skin, painted, sides = _paint_reveal(img, canvas, body, reveal, limb_covers(layers, alphas),
                                         anchors.waist_y, rng, (trusted, arm_zones), opening,
                                         halo, legs, bool(fitted.any()), posed, off_body)
    # the torso's side painted as skin beside a real arm counts as the arm as drawn only
    # where no torso layer would lie over it, or within the real arm's width of it
    # (:func:`arm_wide`): given back there, the garment meets the real arm's edge as it
    # meets the painted upper arm's above, no ledge of skin at the junction
    side_skin = sides & skin
    under = [u > 0.05 for u in uncut if u is not None]
    over = side_skin & np.logical_or.reduce(under) if under else None
    if over is not None and over.any():
        side_skin &= ~over | arm_wide(over, body.skin & body.arms & ~body.hands & ~reveal)
    # what stays in front is no free room either: the hands' given-back edge, blurred,
    # lay over the wrist as a line of garment across the arm
    drawn_arms, cloth = arms_drawn(img, body, arms, reveal, painted, side_skin)
    drawn_arms |= front
    alphas = [np.minimum(reclaim(a, u, arm_cut(ly, body, arms), drawn_arms | cloth),
                         keep_front)
              if u is not None else a for ly, a, u in zip(layers, alphas, uncut, strict=True)]
    # arms in front (or old clothing in an arm's zone beside its visible outline), painted
    # as background: not there
    slits = reveal & ~skin & (arms | body.arms)
    alphas = [np.minimum(cover_slits(ly.warped, a, body, slits), keep_front)
              if is_torso(ly) else a for ly, a in zip(layers, alphas, strict=True)]
    # the old clothing's rim taken for the arms' skin, given back once the slits are covered
    # (their spread follows the gaps as they were: the rim given back first narrowed
    # them and the spread fabric moved in bands, a brown wedge on 00034's skirt)
    alphas = [np.minimum(reclaim_rim(ly.warped, a, u, cloth, drawn_arms), keep_front)
              if u is not None else a for ly, a, u in zip(layers, alphas, uncut, strict=True)]
    alphas = in_room(alphas, [is_torso(ly) for ly in layers], body, fit.width)
    covered = np.logical_or.reduce([a > 0.5 for a in alphas])
    ratios = _ratios(img, body, {ly.kind for ly in layers})
    for ly, a in zip(layers, alphas, strict=True):
        light, folds = ratios[ly.kind]
        plain = plain_weight(ly.warped.rgb, 3.0)
        # canvas * (1 - a) + rgb * a, in place and only in the box where a > 0 (the
        # shading is per pixel; outside, the sum leaves the canvas as it is)
        if a.dtype != np.float32:   # not expected: numpy's promotions, on the whole image
            rgb = shaded(ly.warped.rgb, garment_shading(light, folds, plain))
            canvas = canvas * (1 - a[..., None]) + rgb * a[..., None]
            continue
        box = mask_box(a, 0, 0.0)
        rgb = shaded(ly.warped.rgb[box], garment_shading(light[box], folds[box], plain[box]))
        alpha_blend_into(canvas, rgb, a, box)
    drawn = np.logical_or.reduce([a > 0.01 for a in alphas])
    changed = cv2.dilate((covered | reveal | halo | skin | drawn).astype(np.uint8),
                         np.ones((2 * FEATHER + 1,) * 2, np.uint8)) > 0
    changed &= ~body.in_front       # a dog over her shoulder stays untouched
    out = img.copy()
    out[changed] = to_u8(canvas)[changed]
    out = swap_rims(img, out, reveal | halo | skin, np.maximum.reduce(alphas), old,
                    body.head | (body.hands & body.skin), body.person)
    # a watch's crescent left on the hand beside the painted forearm: the hand's skin
    bare = (skin | painted) & ~covered
    things = wrist_things(img, body, bare, body.clothes & ~covered & ~reveal & ~bare,
                          np.all(out == img, axis=2))
    out = paint_over(out, things, bare | (body.hands & body.skin), body.pose.shoulder_width)
    report = {"old_area": int(old.sum()),
              "new_area": int(covered.sum()), "skin_fill_area": int(skin.sum()),
              "inpaint_area": int((reveal & ~skin).sum() + (halo & ~skin).sum()),
              "changed_area": int(changed.sum())}
    return out, report, covered


def beside_tight(alphas: list[NDArray[np.float32]], torso: list[bool], body: Body) -> Mask:
    """The pixels beside a tight top's torso (the torso layers' alphas over 0.5, ``torso``
    telling which of ``alphas`` they are) in its rows below ``TIGHT_FROM`` (in a side
    view, where no sleeve lies beside it, below the shoulders' line): left of its first or right
    of its last pixel in their row. The body under the old clothing there is narrower than
    that clothing, as the tight top shows it: painted as the torso's skin, the old clothing
    it no longer covers was a bare strip down each side (a suit's, Obama), a bare patch on
    the chest in a side view (the woman with the dog)."""
    solid = np.logical_or.reduce([a > 0.5 for a, t in zip(alphas, torso, strict=True) if t]
                                 or [np.zeros(body.person.shape, bool)])
    w = solid.shape[1]
    xs = np.arange(w)[None, :]
    # its widest reach over the rows just above: a slanted hem's rows are not its sides
    # (taken for them, the old top left below the hem's higher end was a pale band
    # between the tee and the trousers, 049205)
    k = max(1, int(HEM_ROWS * body.pose.shoulder_width))
    first = np.lib.stride_tricks.sliding_window_view(
        np.pad(row_first(solid, w), (k, 0), constant_values=w), k + 1).min(axis=1)
    last = np.lib.stride_tricks.sliding_window_view(
        np.pad(row_last(solid, -1), (k, 0), constant_values=-1), k + 1).max(axis=1)
    depth = 0.0 if side_view(body) is not None else TIGHT_FROM
    out: Mask = solid.any(axis=1)[:, None] & ((xs < first[:, None]) | (xs > last[:, None])) & \
        _below_armpits(body, depth)
    return out


def antialias(alpha: NDArray[np.float32], sigma: float = 0.8) -> NDArray[np.float32]:
    """HxW float32 alpha with its edges softened over ~2 px (Gaussian ``sigma``, computed
    in the bounding box of the non-zero pixels): no stair-stepped cut-out edges."""
    ys, xs = np.nonzero(alpha > 0.003)
    if not len(ys):
        return alpha
    pad = int(3 * sigma) + 2
    y0, y1 = max(0, int(ys.min()) - pad), int(ys.max()) + pad + 1
    x0, x1 = max(0, int(xs.min()) - pad), int(xs.max()) + pad + 1
    out = np.zeros_like(alpha)
    out[y0:y1, x0:x1] = cv2.GaussianBlur(alpha[y0:y1, x0:x1], (0, 0), sigma)
    return out


def _ratios(img: NDArray[np.uint8], body: Body, kinds: set[str]) -> dict[
        str, tuple[NDArray[np.float32], NDArray[np.float32]]]:
    sigma = 0.1 * body.pose.shoulder_width
    return {kind: shading_parts(img, source, sigma) for kind, source in
            (("top", body.old_top), ("bottom", body.old_bottom), ("full", body.clothes))
            if kind in kinds}


def _arm_paint(img: NDArray[np.uint8], body: Body, chain: list[NDArray[np.float32]],
               part: Mask, free: Mask, trusted: Mask, rng: np.random.Generator,
               narrowed: Mask | None = None, room: Mask | None = None) -> ArmPaint | None:
    """The upper arm continued from the real arm below it, or (no real arm seen) a whole
    arm toned like the hand and lit like the face: placed by the old sleeve when the arm
    hangs down (over ``free``: revealed old top beyond the new sleeves, the torso zone
    included: an arm hanging against the body is inside it; and the sleeve's part taken
    for the old bottom, a dress's cuffs below its waist seam, down to the hand), else along
    the pose bones over ``part``. ``narrowed``: old top beside the bare arm where it bulged
    over the arm's inner half (:func:`sleeve_part`): the real arm's edges there are not its
    outline, so the arm is fitted with it taken for the sleeve, then painted without it.
    ``room``: where the upper arm continued from below may go on above ``part`` (the
    revealed old clothing: its dome over the shoulder, :func:`.armpaint.paint_arm`)."""
    if long_sleeve(body, chain):  # no real arm to continue: the hand is all that shows
        tail = body.lower & body.arms & ~body.hands & ~body.feet
        arm = column_arm(img, body, chain, body.old_top | tail, free | tail, trusted, rng,
                         grain=False)
        if arm is not None:
            return arm
    real = trusted | (body.skin & body.arms & ~body.hands)      # shaded edges count
    if narrowed is None or not part.any():      # no sleeve: no arm fitted over the bulge
        narrowed = np.zeros_like(part)
    sw = body.pose.shoulder_width
    # a covered arm has no real arm below the hem to continue (the other hand's fingers
    # by Biden's elbow were taken for one): a whole arm is made up
    covered = covered_limb(part.shape, chain, body.skin & ~body.hands, sw)
    arm = None if covered else paint_arm(img, chain, part | narrowed, real, sw, rng,
                                         room=room, torso=body.pose.shoulder_mid,
                                         within=body.person)
    if arm is not None and narrowed.any():
        arm = arm.without(narrowed)
    if arm is not None:
        return arm
    # a whole arm: fitted into the old sleeve's silhouette, over its revealed part near
    # the bones (the limb zone's capsule is no arm's outline)
    room = free & near_chain(part.shape, chain, 0.25 * body.pose.shoulder_width)
    return synth_arm(img, body, chain, part, trusted, rng, grain=False, sleeve=body.old_top,
                     room=room)


def _below_painted(real: Mask, solids: list[Mask]) -> Mask:
    """The pieces of ``real`` (a real arm's skin) that touch a painted upper arm (its
    solid part, :meth:`ArmPaint.solid`, of ``solids``, grown by 1 px): the forearm it
    continues."""
    painted = np.zeros(real.shape, bool)
    for solid in solids:
        painted |= solid
    if not painted.any():
        return painted
    grown = cv2.dilate(painted.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return touching(real, grown)


def _inside_arm(part: Mask, arm: Mask, shoulder_x: float, centre_x: float) -> Mask:
    """The pixels of ``part`` between the arm on the side of ``shoulder_x`` (its pixels in
    ``arm`` on that side of ``centre_x``, the body's middle) and ``centre_x`` in their row;
    none in rows without the arm. Only its pieces ``INSIDE`` px thick (not the old top's
    thin rim along an arm's edge)."""
    part = cv2.morphologyEx(part.astype(np.uint8), cv2.MORPH_OPEN, disc(INSIDE)) > 0
    w = part.shape[1]
    xs = np.arange(w)[None, :]
    if shoulder_x < centre_x:
        edge = row_last(arm & (xs < centre_x), w)[:, None]
        out: Mask = part & (xs > edge) & (xs < centre_x)
        return out
    edge = row_first(arm & (xs > centre_x), -1)[:, None]
    out = part & (xs < edge) & (xs > centre_x)
    return out


def _torso(body: Body, waist_y: float | None) -> Mask:
    """The torso: its frontal zone, and a side view's band round the joints (there the
    frontal zone is a strip)."""
    out: Mask = torso_zone(body, waist_y) | torso_band(body)
    return out


def _beside_skin(part: Mask, skin: Mask) -> Mask:
    """The pieces of ``part`` (4-connected) that touch ``skin`` in their rows (left or
    right)."""
    beside = (cv2.dilate(skin.astype(np.uint8), np.ones((1, 3), np.uint8)) > 0) & part
    return touching(part, beside, connectivity=4)


def _paint_reveal(img: NDArray[np.uint8], canvas: NDArray[np.float32], body: Body,
                  reveal: Mask, covers: dict[str, NDArray[np.float32]],
                  waist_y: float | None, rng: np.random.Generator,
                  arms_seen: tuple[Mask, list[LimbZone]],
                  opening: Mask | None = None,
                  halo: Mask | None = None,
                  legs: tuple[Mask, list[tuple[Mask, NDArray[np.float32]]]] | None = None,
                  fitted: bool = False, posed: bool = False,
                  off_body: Mask | None = None) -> tuple[Mask, Mask, Mask]:
    """Background, continued from around the person, into the uncovered old clothing;
    skin over it where a limb beyond its new sleeve / trouser leg, or the torso, is (in
    place on ``canvas``); returns the skin-painted mask, the painted arms (alpha over
    0.5, or painted as plain skin) and the torso's sides beside bare arms (painted as
    skin, :func:`armside.sleeve_part`). ``arms_seen``: the :func:`trusted_skin` and the
    arms' :func:`limb_zones` fitted to it; ``opening``: a low neckline's
    (:func:`.neckline.neck_opening`), all of whose revealed pixels are skin; ``halo``: the
    old clothing's soft outline beyond ``reveal`` (:func:`.replaced.outline_halo`), given
    the background too; ``legs``: the old trousers a dress leaves below its hem
    (:func:`.replaced.worn_under`) and per leg the bare leg and its axis distances painted
    there (:func:`.legskin.bare_legs`), instead of the leg zone's revealed part; ``fitted``:
    they are tight and the legs their own outline (:func:`.legskin.fitted_legs`), lit as
    they were (:func:`.legskin.fabric_shade`), shaded going into the shoes
    (:func:`.legskin.shoe_shadow`); ``posed``: the legs are drawn from the pose
    (:func:`.legskin.posed_legs`), shaded going into the shoes too; ``off_body``: the old
    clothing beside a tight top's torso (:func:`beside_tight`), never the torso's skin."""
    drawn = np.zeros(reveal.shape, bool)
    if not reveal.any():
        return reveal, drawn, drawn
    at = reveal if halo is None else reveal | halo
    canvas[at] = background_fill(img, body, at, halo)[at]
    # a side view's old bottom is continued up below its waistband (bottom_up), not skin
    torso = _torso(body, waist_y) & ~below_waistband(body)
    # the torso's skin, and above the armpits the round of the shoulders, which the arm
    # zones reach into (the arm painting covers only the arm's own outline there)
    skin = reveal & torso & ~(body.arms & _below_armpits(body))
    if off_body is not None:
        skin &= ~off_body
    if body.skirt is not None:      # a suit jacket's skirt: the trousers' (trousers_up), a
        skin &= ~body.skirt         # faint skin's background showed as a white wedge
    trusted = arms_seen[0]
    zones = {"arms": arms_seen[1], "legs": limb_zones(body, "legs", trusted)}
    skin &= ~beyond_arms(body, zones["arms"])
    if opening is not None:     # a low neckline leaves the shoulders' tops bare
        skin |= reveal & opening
    rel = np.full(reveal.shape, np.inf, np.float32)
    arms: list[tuple[ArmPaint, NDArray[np.float32]]] = []   # and the arm's shoulder
    sides = np.zeros(reveal.shape, bool)
    # the old top's see-through holes (the only skin in ``reveal``) go with its sleeves
    for kind, source in (("arms", body.old_top | (reveal & body.skin)),
                         ("legs", body.old_bottom)):
        chains = limb_chains(body)[kind]
        for k, (zone, chain, idx) in enumerate(zip(zones[kind], chains, body.pose.sides(),
                                                   strict=True)):
            if kind == "arms" and body.pose.arm_hidden(idx):
                continue        # an arm hidden behind the body or a dog: never painted
            part = reveal & source & uncovered_limb(zone, covers[kind], chain)
            if kind == "legs" and legs is not None:     # bare legs below a dress's hem
                leg, leg_rel = legs[1][k]
                part &= ~legs[0]
                rel = np.where(reveal & leg, np.minimum(rel, leg_rel), rel)
                skin |= reveal & leg
            narrowed = None
            if kind == "arms":   # the torso's side beside a bare arm is no sleeve
                part, side, narrowed = sleeve_part(body, part, reveal & body.old_top, chain)
                sides |= side
            free = reveal & source & (covers[kind] <= 0.5) & ~sides
            arm = (_arm_paint(img, body, chain, part, free, trusted, rng, narrowed, reveal)
                   if kind == "arms" else None)
            if arm is not None:
                arms.append((arm, chain[0]))
                skin &= ~part
                # what the arm left of the old top between it and the body in the
                # shoulder's rows is its front, not backdrop (a white notch by 00034's
                # bare arm); lower the garment is given back there (:func:`reclaim`):
                # painted as skin, the strip beside 01008's arm showed as lumps past it
                inside = part & ~arm.solid() & ~_below_armpits(body, FRONT_ROWS)
                bare_arm = body.skin & body.arms & ~body.hands & ~reveal
                skin |= _inside_arm(inside, arm.solid() | bare_arm, float(chain[0][0]),
                                    float(body.pose.shoulder_mid[0]))
                continue
            skin |= part
            if kind == "arms":      # an arm painted as plain skin
                drawn |= part
            rel = np.where(part, np.minimum(rel, zone.rel), rel)
    skin = cv2.morphologyEx((skin | sides).astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((3, 3), np.uint8)) > 0
    # the old clothing left between a painted arm and the torso is skin; no skin islands
    solids = [a.solid() for a, _ in arms]
    skin = beside_arms(skin, reveal, solids, body.person,
                       (float(body.pose.shoulder_mid[0]),
                        body.pose.shoulder_width))
    # the shoulder's top above an arm continued from the real one, up to the person's
    # outline (left to the backdrop: a notch under the sloping shoulder beside a cami's
    # strap), goes with the arm where nearer to it than to the torso's skin, else with
    # that skin (not over a made-up arm: a suit's padded shoulder drew a ledge off it)
    every = np.logical_or.reduce([*solids, np.zeros(reveal.shape, bool)])
    for k, ((arm, shoulder), solid) in enumerate(zip(arms, solids, strict=True)):
        if arm.synthetic:
            continue
        top = shoulder_top(reveal & body.person & ~skin & ~every, solid, float(shoulder[1]),
                           (float(body.pose.shoulder_mid[0]), body.pose.shoulder_width))
        if not top.any():
            continue
        to_arm = nearer(top, solid, skin)
        arms[k] = (arm.grown(to_arm), shoulder)
        skin |= top & ~to_arm
    # over the old garment's rim, 2 px into the real skin beside it (its edge line stayed)
    skin |= (cv2.dilate(skin.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & body.skin & \
        torso & ~body.hands & ~body.head
    # small real skin pieces the painted skin runs around (a lit patch under the jaw): the
    # painted edge rounded off around them and showed the background fill in a ring
    # (not a real arm's skin right below its painted upper arm, in the torso zone: painted
    # over as torso skin it was a darker block between the painting and the forearm)
    loose = body.skin & torso & ~body.hands & ~body.head & ~skin
    skin |= loose_pieces(loose & ~_below_painted(loose & body.arms, solids), skin,
                         body.pose.shoulder_width)
    skin |= loose_pieces(reveal & torso & ~skin, skin, body.pose.shoulder_width)  # holes
    skin |= pinholes(skin, body.person, body.pose.shoulder_width)      # specks inside it
    # the old top's hem left between the new top's and the trousers: skin where it joins
    # the torso's skin in its rows (the midriff beside it), else the trousers continued up
    gap = on_bottom(body, reveal & body.old_top & body.person & ~skin & ~body.in_front)
    skin |= _beside_skin(gap > 0, skin)
    if off_body is not None:    # the torso's sides, the arms' sides taken in: the backdrop
        skin &= ~off_body
    if skin.any():
        # bare legs keep their smooth outline (no wobble of a torso's painted edge)
        back = reveal & ~skin if legs is None else reveal & ~skin & ~legs[0]
        rgb, a = paint_skin(img, body, skin, trusted, rel, rng, back)
        if legs is not None:    # in the dress's shadow below its hem
            rgb *= hem_shadow(legs[0], body.pose.shoulder_width)[..., None]
            if fitted:
                bare = legs[1][0][0]
                rgb *= (fabric_shade(img, bare) * shoe_shadow(
                    bare, body.person & ~bare & ~reveal, body.pose.shoulder_width))[..., None]
            elif posed:
                bare = reveal & (legs[1][0][0] | legs[1][1][0])
                rgb *= shoe_shadow(bare, body.person & ~bare & ~reveal,
                                   body.pose.shoulder_width)[..., None]
        if a.dtype == rgb.dtype == canvas.dtype == np.float32:
            box = mask_box(a, 0, 0.0)   # in place, only where a > 0
            alpha_blend_into(canvas, rgb[box], a, box)
        else:
            canvas[:] = canvas * (1 - a[..., None]) + rgb * a[..., None]
        painted = skin & (a > 0.9)
    else:
        painted = skin
    levels = skin_levels(img, body, trusted) if any(a.synthetic for a, _ in arms) else ()
    behind = np.zeros(reveal.shape, bool)   # the arms painted so far (a later one in front)
    hands = hand_skin(img, body.hands & body.skin) if len(arms) > 1 else None
    for arm, shoulder in arms:
        if arm.synthetic:   # lit like the old sleeve, the touching skin's tone and grain
            around = Surround(canvas, painted, shoulder, levels)
            arm = finish_arm(img, body, arm, around, int(rng.integers(2**31)))
        # crossed forearms: the arm behind is shaded where this one lies over it
        crossing_shadow(canvas, behind, arm, body.pose.shoulder_width, hands)
        behind |= arm.solid()
        a = arm.alpha[:, None]
        canvas[arm.ys, arm.xs] = canvas[arm.ys, arm.xs] * (1 - a) + arm.rgb * a
        skin |= arm.kept
        on = arm.alpha > 0.5
        drawn[arm.ys[on], arm.xs[on]] = True
    skin |= bottom_up(img, canvas, body, reveal & ~skin & ~body.in_front)  # side view
    skin |= trousers_up(img, canvas, body, reveal & ~skin & ~body.in_front)  # a suit's
    skin |= gap_up(img, canvas, body, np.where(skin, 0, gap))
    return skin, drawn, sides
