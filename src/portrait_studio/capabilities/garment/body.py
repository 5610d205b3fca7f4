"""The person in a try-on photo: pose, silhouette, skin, face, hair, hands and the old clothes.

Old clothes are the person (selfie segmentation, limited to an envelope around the pose's
torso and limbs, and extended by same-coloured pixels the segmentation missed or the
envelope cut off, such as the back of a body seen from the side: :mod:`envelope`, or a
padded shoulder rising above its joint) minus skin
(a chroma model fitted on the cheeks of the face mesh, grown along the arms, without
skin-coloured fabric surrounded by clothes and below mid-torso the sheen lighter than the
lit face), the face, the hair and the hands. They are split into the old top and the old
bottom at the row where the clothing's colour distribution changes most along the torso
(the waist seam or the top's hem, not a stripe of its print: :mod:`split`; near it, and
on the arms, colour decides, and the bottom's clear colour joined to it wins); a uniform
outfit is split at the hips, and a suit jacket's skirt below them (beside the trousers,
down to where the clothing steps in) is the old top's. Small skin-coloured pieces ringed by the old bottom
are part of it. Limb zones are capsules around the pose bones, clipped to the silhouette.
Whatever else the selfie segmentation took in (a dog in her arms: :mod:`others`) is
taken out of the person (and the skin) before the clothes are measured and is kept in front
of the new garments. The face and hair are
measured in :mod:`head`; brown hair the cheeks' chroma model
accepts (dark, textured, joined to the face) is taken out of the skin first and is head
(:mod:`hairskin`). Images HxWx3 uint8 RGB, masks HxW bool
unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ...errors import NoFaceDetected
from ...imaging.color import fit_skin_model, masked_mean, rgb_to_lab
from ...imaging.regions import touching
from ...perception.faces import Face, detect_faces
from ...perception.masks import cheek_mask
from ...perception.segmentation import person_mask
from .envelope import (
    PALETTE_SHARE,
    below_ankles,
    envelope,
    missed_clothes,
    round_wrists,
    side_view_rows,
)
from .facecrop import CropFace, crop_face, neck_shade
from .hairskin import hair_in_skin
from .head import hair_holes, head_mask
from .limbs import ARM_RADII, limb_zone
from .others import other_things
from .pose import HAND_POINTS, Pose, detect_pose
from .regions import capsule, lab_dist2
from .split import jacket_skirt, lit_sides, palette, palette_distance, split_row

Mask = NDArray[np.bool_]
DEFAULT_SKIN = np.array([205.0, 160.0, 135.0], np.float32)
ARMPIT = 0.3         # x torso length: the armpits below the shoulder joints
HELD = 0.4           # x shoulder width: a gloved hand this near its wrist
OWN_COLOUR = 8.0     # Lab distance within which a pixel has one of the old top's colours
GLOVE_APART = 20.0   # Lab: a glove this far from its sleeve's colour is told apart from it
GLOVED = 0.6         # share of a hand's core that is not skin: the hand wears a glove
SLEEVE_SHARE = 0.25  # share of a hand's core in its sleeve's colour: the pose put it on the sleeve
CAP = 0.4            # x shoulder width: a padded shoulder rises this far above its joint
VOTE_HOLDS = 0.5     # share of the old bottom near the split its colour vote must take (else
                     # the vote cannot tell the two apart: see TOP_PIECE)
TOP_PIECE = 0.7      # ... and then a piece above the split with this share of its pixels
                     # nearer the old top's colours than the bottom's is the top's
BACKDROP_DE = 6.0    # Lab: a person pixel this near the backdrop beside it is the backdrop
BACKDROP_SIGMA = 0.03  # x shoulder width: the blur giving the local backdrop colour


@dataclass(frozen=True)
class Body:
    """Everything measured on the person photo (all masks at the photo's size)."""

    pose: Pose
    person: Mask
    skin: Mask
    head: Mask            # face oval + hair: always in front of a new garment
    clothes: Mask
    split_y: float        # old top above, old bottom below
    skin_rgb: NDArray[np.float32]
    arms: Mask
    hands: Mask
    legs: Mask
    lower: Mask           # clothes of the old bottom (below the split, by colour near it)
    others: Mask | None = None  # taken for the person, but something else (a dog): in front
    skirt: Mask | None = None   # a suit jacket's skirt below the hips (old top), else none

    @property
    def in_front(self) -> Mask:
        """What is not the person but lies over or beside her (:attr:`others`, else none)."""
        return self.others if self.others is not None else np.zeros(self.person.shape, bool)

    @property
    def old_top(self) -> Mask:
        return self.clothes & ~self.lower

    @property
    def old_bottom(self) -> Mask:
        return self.lower & ~self.feet

    @property
    def feet(self) -> Mask:
        """Below the ankles (shoes): never part of the old bottom."""
        return below_ankles(self.pose, self.clothes.shape)


def _main_face(img: NDArray[np.uint8], pose: Pose) -> Face | None:
    faces = detect_faces(img, max_faces=4)
    nose = pose.p(0)
    return min(faces, key=lambda f: float(np.linalg.norm(np.array(f.box.center) - nose)),
               default=None)


def _chin_row(face: Face | None, pose: Pose) -> float:
    """The row below which hair falls over the clothes: the face box's bottom, or without
    a face 0.3 shoulder widths above the higher shoulder joint."""
    if face is not None:
        return float(face.box.y + face.box.h)
    return float(min(pose.p(11)[1], pose.p(12)[1]) - 0.3 * pose.shoulder_width)


def _limb_zones(pose: Pose, shape: tuple[int, int]) -> tuple[Mask, Mask, Mask, Mask]:
    sw = pose.shoulder_width
    core = np.zeros(shape, bool)
    arms = np.zeros(shape, bool)
    hands = np.zeros(shape, bool)
    legs = np.zeros(shape, bool)
    for side in pose.sides():
        chain = [pose.p(side["shoulder"]), pose.p(side["elbow"]), pose.p(side["wrist"])]
        arms |= capsule(shape, chain, 0.14 * sw)
        core |= limb_zone(shape, chain, (ARM_RADII[0] * sw, ARM_RADII[1] * sw)).inside
        wrist = pose.p(side["wrist"])
        tips = [wrist + (pose.p(i) - wrist) * 1.6 for i in HAND_POINTS[side["wrist"]]]
        hands |= capsule(shape, [pose.p(side["wrist"]), *tips], 0.1 * sw)
        leg = [pose.p(side["hip"]), pose.p(side["knee"]), pose.p(side["ankle"])]
        legs |= capsule(shape, leg, 0.22 * sw)
    return arms, hands, legs, core


def _skin(img: NDArray[np.uint8], face: Face | None, crop: CropFace | None, pose: Pose,
          person: Mask) -> tuple[Mask, NDArray[np.float32]]:
    """Skin by a chroma model fitted on the cheeks of the face mesh, or (face cut off by
    the photo's edge) on the robust samples around the mouth (plus its shaded neck); none without either."""
    if face is not None:
        sample: NDArray[Any] = cheek_mask(face.landmarks, img.shape)
    elif crop is not None:
        sample = crop.samples
    else:
        return np.zeros(person.shape, bool), DEFAULT_SKIN.copy()
    model = fit_skin_model(img, sample)
    skin = (model.likelihood(img, scale=3.0) > 0.5) & person
    if crop is not None:
        skin |= neck_shade(img, model, crop, pose, skin) & person
    skin = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    return skin, masked_mean(img, sample)


def _lower(lab: NDArray[np.float32], clothes: Mask, split: float, arms: Mask, core: Mask,
           band: float) -> Mask:
    """Clothes of the old bottom: below the split row, except (inside the tapered arm
    zones ``core``) what looks like the old top; within ``band`` px of the split row the
    colour decides (a tilted waistline). Colour votes are smoothed locally so that the
    spots of a print follow their surroundings. When the vote takes less than
    ``VOTE_HOLDS`` of the old bottom within ``band`` below the split (outside the arm
    zones) for the bottom, it cannot tell the two apart there, and a piece above the split
    it gave the bottom that is mostly the top's own colours stays the top's
    (:func:`_top_pieces`): a long patterned dress worn as the top has one print on both
    sides (dresscode_052767: the vote takes 0.20 of it, against 0.80 to 1.00 for a top over
    trousers or a skirt; the piece is 0.88 the top's colours), and a patch of its print
    above the split taken for the bottom was revealed above new trousers and painted as
    belly skin. (The stretched skier's gloves by the split, black like her ski trousers,
    0.19 to 0.47 the top's, stay the bottom's.)"""
    ys = np.arange(clothes.shape[0])[:, None]
    below = clothes & (ys >= split)
    top, bottom = clothes & (ys < split) & ~arms, below & ~arms
    if top.sum() < 50 or bottom.sum() < 50:
        return below & ~core
    refs = np.median(lab[top], axis=0), np.median(lab[bottom], axis=0)
    if float(np.linalg.norm(refs[0] - refs[1])) < 15.0:
        return below & ~core
    k = max(3, int(band * 0.5)) | 1
    score = _side_score(lab, clothes, (top, bottom), refs, (split, band, k))
    vote = cv2.blur(np.clip(score, -30, 30) * clothes, (k, k)) > 0      # > 0: bottom-like
    near = np.abs(ys - split) < band
    zone = core | arms
    out: Mask = clothes & ((below & ~zone) | (below & zone & vote) | (near & vote & ~zone))
    out |= _bottom_edge_in_zone(clothes & zone & ~out & (ys >= split - band), score, out,
                                max(3, int(0.6 * band)) | 1)
    taken = vote[bottom & near & ~zone]
    if taken.size and float(np.mean(taken)) < VOTE_HOLDS:     # a dress's one print: no line
        near3 = np.abs(ys - split) < 3 * band
        out &= ~_top_pieces(lab, out & ~below, _colours(lab, top & near3, top),
                            _colours(lab, bottom & near3, bottom))
    return out


def _top_pieces(lab: NDArray[np.float32], pieces: Mask, top: NDArray[np.float32],
                bottom: NDArray[np.float32]) -> Mask:
    """The pieces of ``pieces`` (those within 4 px of each other taken as one) whose
    pixels are mostly (``TOP_PIECE``) nearer to one of the old top's colours ``top`` (n x 3
    Lab) than to any of the bottom's ``bottom``: the top's own print, not the bottom."""
    joined = cv2.dilate(pieces.astype(np.uint8), np.ones((5, 5), np.uint8))
    n, labels = cv2.connectedComponents(joined, connectivity=8)
    if n < 2:
        return np.zeros(pieces.shape, bool)
    ids, px = labels[pieces], lab[pieces]
    own = palette_distance(px, top) < palette_distance(px, bottom)
    share = np.bincount(ids, own, n) / np.maximum(np.bincount(ids, minlength=n), 1)
    out: Mask = pieces & (share > TOP_PIECE)[labels]
    return out


def _side_score(lab: NDArray[np.float32], clothes: Mask, parts: tuple[Mask, Mask],
                refs: tuple[NDArray[Any], NDArray[Any]],
                rows: tuple[float, float, int]) -> NDArray[np.float32]:
    """HxW float32: how much closer (Lab) each pixel is to the old bottom's median colour
    than to the old top's; but a pixel within ``OWN_COLOUR`` of one of the old top's own
    colours near the split (its palette within 3 ``band``) and nearer to it than to any
    of the bottom's there is the top's (at most the palette difference): a striped top's
    stripe of the trousers' hue, far from the top's median, is still the top. ``parts``:
    the old top and bottom outside the arms, ``refs`` their median Lab colours; ``rows``:
    (split row, ``band``, ``k``): the palette is looked at for the ``clothes`` from
    ``band`` + ``k`` rows above the split down."""
    (top, bottom), (split, band, k) = parts, rows
    score = np.sqrt(lab_dist2(lab, refs[0])) - np.sqrt(lab_dist2(lab, refs[1]))
    ys = np.arange(lab.shape[0])[:, None]
    near = np.abs(ys - split) < 3 * band
    seen = clothes & (ys >= split - band - k)
    px, old = lab[seen], score[seen]
    own = palette_distance(px, _colours(lab, top & near, top))
    pal = own - palette_distance(px, _colours(lab, bottom & near, bottom))
    score[seen] = np.where((own < OWN_COLOUR) & (pal < 0), np.minimum(old, pal), old)
    return score


def _colours(lab: NDArray[np.float32], part: Mask, whole: Mask) -> NDArray[np.float32]:
    """The palette of ``part`` (of ``whole`` when ``part`` is small or has no colour
    holding 4% of it; the median of ``whole`` as a last resort): n x 3 Lab."""
    colours = palette(lab, part) if part.sum() >= 50 else np.zeros((0, 3), np.float32)
    if not len(colours):
        colours = palette(lab, whole)
    return colours if len(colours) else np.median(lab[whole], axis=0)[None].astype(np.float32)


def _bottom_edge_in_zone(candidates: Mask, score: NDArray[np.float32], lower: Mask,
                         k: int) -> Mask:
    """The old bottom's own colour inside the arm zones beside it (a skirt's edge next to
    a sleeve, where the smoothed vote took the sleeve's side): ``candidates`` clearly
    closer to the bottom's colour (``score`` > 12), connected to ``lower``, plus the print
    spots they enclose."""
    clear = candidates & (score > 12.0)
    joined = touching(clear | lower, lower) & clear
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    closed = cv2.morphologyEx((lower | joined).astype(np.uint8), cv2.MORPH_CLOSE, kernel) > 0
    out: Mask = joined | (closed & candidates)
    return out


def _whole_hands(lab: NDArray[np.float32], skin: Mask, capsules: Mask, pose: Pose,
                 person: Mask) -> Mask:
    """The hands: skin pieces touching the hand capsules, within 0.45 shoulder widths of a
    wrist (spread fingers reach beyond the capsules), plus the capsules' pixels close
    (Lab < 18) to the hands' own median colour (shaded fingers), grown by 2 px."""
    zone = np.zeros(skin.shape, np.uint8)
    for side in pose.sides():
        x, y = (int(v) for v in pose.p(side["wrist"]))
        cv2.circle(zone, (x, y), int(0.45 * pose.shoulder_width), 255, -1)
    zone[~_beyond_wrists(pose, skin.shape)] = 0
    hand = touching(skin, capsules) & (zone > 0)
    if hand.sum() > 50:
        ref = np.median(lab[hand & capsules], axis=0) if (hand & capsules).any() else \
            np.median(lab[hand], axis=0)
        hand |= capsules & (lab_dist2(lab, ref) < 18.0**2)
        hand |= _shaded_fingers(lab, hand, ref, person & ~skin & (zone > 0))
    return cv2.dilate(hand.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0


def _gloves(lab: NDArray[np.float32], person: Mask, skin: Mask, pose: Pose) -> Mask:
    """Gloved hands: past a wrist (within 0.45 shoulder widths of it), the non-skin person
    pixels nearer the glove's colour than the sleeve's, in pieces touching the hand's core
    (wrist to the hand points' middle), grown by 2 px. Only for a visible arm whose hand's
    core is mostly not skin (``GLOVED``) and whose glove stands apart (``GLOVE_APART``) from
    the sleeve (the arm's non-skin pixels short of the hand: the skier's black glove on a red
    sleeve), with at most ``SLEEVE_SHARE`` of the core in the sleeve's colour (else the pose
    put the hand on the sleeve: her foreshortened waist-level arm, whose red cuff was taken
    for a glove); a glove in its sleeve's colour cannot be told from it and stays clothing. The growth takes the glove's
    anti-aliased rim, not the sleeve's colours beside it (they would show by the new cuff)."""
    sw, shape = pose.shoulder_width, person.shape
    cloth = person & ~skin
    out, sleeves = np.zeros(shape, bool), np.zeros(shape, bool)
    for side in pose.sides():
        if pose.arm_hidden(side):
            continue
        wrist, elbow = pose.p(side["wrist"]), pose.p(side["elbow"])
        middle = np.mean([pose.p(i) for i in HAND_POINTS[side["wrist"]]], axis=0)
        hand = capsule(shape, [wrist, middle], 0.08 * sw) & person
        core = hand & cloth
        sleeve = cloth & capsule(shape, [pose.p(side["shoulder"]), elbow, wrist], 0.1 * sw) & \
            ~capsule(shape, [wrist, middle], 0.15 * sw)
        if core.sum() < GLOVED * max(hand.sum(), 20) or sleeve.sum() < 20:
            continue
        glove, own = np.median(lab[core], axis=0), np.median(lab[sleeve], axis=0)
        if float(np.linalg.norm(glove - own)) < GLOVE_APART or \
                np.mean(lab_dist2(lab[core], own) < GLOVE_APART**2) > SLEEVE_SHARE:
            continue
        zone = np.zeros(shape, np.uint8)
        cv2.circle(zone, (int(wrist[0]), int(wrist[1])), int(0.45 * sw), 255, -1)
        past = _past_wrist(pose, side, _grid(shape), 0.15)
        nearer = lab_dist2(lab, glove) < lab_dist2(lab, own)
        near = cloth & (zone > 0) & past & nearer
        out |= touching(near, core & near)
        sleeves |= cloth & (zone > 0) & ~nearer
    grown: Mask = cv2.dilate(out.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return grown & person & ~sleeves


def _beyond_wrists(pose: Pose, shape: tuple[int, int]) -> Mask:
    """HxW bool: the pixels past either wrist along its forearm (from 0.08 shoulder widths
    before the wrist joint on): the hand, not the forearm a long sleeve covers."""
    out, grid = np.zeros(shape, bool), _grid(shape)
    for side in pose.sides():
        out |= _past_wrist(pose, side, grid, 0.08)
    return out


def _grid(shape: tuple[int, int]) -> NDArray[np.float32]:
    """2xHxW float32: each pixel's row and column."""
    grid: NDArray[np.float32] = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    return grid


def _past_wrist(pose: Pose, side: dict[str, int], grid: NDArray[np.float32],
                margin: float) -> Mask:
    """HxW bool: the pixels (``grid`` of :func:`_grid`) past the wrist of ``side`` along its
    forearm, from ``margin`` shoulder widths before the wrist joint on."""
    wrist, elbow = pose.p(side["wrist"]), pose.p(side["elbow"])
    d = (wrist - elbow) / max(float(np.linalg.norm(wrist - elbow)), 1e-6)
    ys, xs = grid
    out: Mask = (xs - wrist[0]) * d[0] + (ys - wrist[1]) * d[1] > -margin * pose.shoulder_width
    return out


def _shaded_fingers(lab: NDArray[np.float32], hand: Mask, ref: NDArray[np.floating[Any]],
                    other: Mask) -> Mask:
    """Pixels inside the convex hull of each hand piece that look like the hand rather than
    what is around it: within Lab 35 of the hand's colour and at most 0.7 of the distance
    to the median of ``other`` (the non-skin person pixels near the wrists: the clothing the
    hand rests on). Shaded fingers and their edges; the clothing between them stays out."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hand.astype(np.uint8), connectivity=8)
    hull = np.zeros(hand.shape, np.uint8)
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] >= 50:
            ys, xs = np.nonzero(labels == i)
            pts = cv2.convexHull(np.stack([xs, ys], 1).astype(np.int32))
            cv2.fillConvexPoly(hull, pts, 1)
    inside = (hull > 0) & ~hand
    if not inside.any() or other.sum() < 50:
        return np.zeros(hand.shape, bool)
    d_hand = lab_dist2(lab, ref)
    d_other = lab_dist2(lab, np.median(lab[other], axis=0))
    out: Mask = inside & (d_hand < 35.0**2) & (d_hand < 0.49 * d_other)
    return out


def _arm_skin(lab: NDArray[np.float32], skin: Mask, arms: Mask, cloth: Mask) -> Mask:
    """Pixels in the arm zones that belong to the arms' detected skin (its lit or shaded
    side that the cheek-based model missed): within Lab 15 of its median colour, or (the
    shaded rim, joined to the skin) within Lab 35 of it and clearly closer to it than to
    the clothing's colours (``cloth``: the clothes seen so far, in and out of the arm
    zones)."""
    seen = skin & arms
    if seen.sum() < 200:
        return np.zeros(skin.shape, bool)
    ref = np.median(lab[seen], axis=0)
    d_skin = lab_dist2(lab, ref)
    out: Mask = arms & (d_skin < 15.0**2)
    d_cloth = np.full(skin.shape, np.inf, np.float32)
    for part in (cloth & arms, cloth & ~arms):
        if part.sum() > 200:
            d_cloth = np.minimum(d_cloth, lab_dist2(lab, np.median(lab[part], axis=0)))
    rim = arms & ~skin & (d_skin < 35.0**2) & (d_skin < 0.5 * d_cloth)   # 0.5: (0.7 x d)^2
    return out | (touching(rim | seen, seen) & rim)


def _near_colour(lab: NDArray[np.float32], rgb: NDArray[np.float32], limit: float) -> Mask:
    """Pixels (of a Lab image) within Lab distance ``limit`` of the colour ``rgb``."""
    ref = rgb_to_lab(rgb.reshape(1, 1, 3).astype(np.float32))[0, 0]
    out: Mask = lab_dist2(lab, ref) < limit * limit
    return out


def _skin_in_clothes(skin: Mask, clothes: Mask, limbs: Mask, pose: Pose) -> Mask:
    """Skin-coloured pixels (outside the arms and hands) mostly surrounded by clothing:
    beige or pink fabric, not skin."""
    k = max(3, int(0.12 * pose.shoulder_width)) | 1
    share = cv2.blur(clothes.astype(np.float32), (k, k))
    return skin & ~limbs & (share > 0.6)


def _sheen_below_face(lab: NDArray[np.float32], skin: Mask, head: Mask, person: Mask,
                      pose: Pose, margin: float = 10.0) -> Mask:
    """Skin-coloured pixels below mid-torso, at least 3 px inside the silhouette (not an
    arm's rim blended with a light background), that are lighter (L*) than the face's lit
    skin (its 95th percentile plus ``margin``): the sheen of beige or satin fabric; skin
    is never much lighter than the lit face."""
    face = skin & head
    if face.sum() < 200:
        return np.zeros(skin.shape, bool)
    limit = float(np.percentile(lab[..., 0][face], 95)) + margin
    ys = np.arange(skin.shape[0])[:, None]
    mid = float(pose.p(11)[1] + pose.p(12)[1]) / 2 + 0.5 * pose.torso_len
    inner = cv2.erode(person.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    out: Mask = skin & ~head & inner & (lab[..., 0] > limit) & (ys > mid)
    return out


def _enclosed_pieces(skin: Mask, lower: Mask, sw: float, size: float = 0.06) -> Mask:
    """Small pieces of ``skin`` (under (``size`` shoulder widths)^2) whose 2 px outer rim
    is mostly (> 60%) ``lower``: e.g. print spots or sheen on the old bottom, not skin (or,
    the other way round, shadow specks ringed by skin, not clothing)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(skin.astype(np.uint8), connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < (size * sw) ** 2
    small[0] = False
    if not small.any():
        return np.zeros(skin.shape, bool)
    grown = cv2.dilate(labels.astype(np.float32), np.ones((5, 5), np.uint8)).astype(np.int32)
    rim = (labels == 0) & (grown > 0)
    total = np.bincount(grown[rim], minlength=n)
    inside = np.bincount(grown[rim & lower], minlength=n)
    keep = small & (inside > 0.6 * np.maximum(total, 1))
    out: Mask = keep[labels]
    return out


def _below_armpits(pose: Pose, shape: tuple[int, int]) -> Mask:
    """HxW bool: the rows below the armpits (``ARMPIT`` torso lengths below the lower
    shoulder joint), where a suit jacket's side hangs out of the torso's envelope when the
    hip joints are placed narrow (Biden, arms crossed: the slab of jacket that stayed
    beside a shorter new top); taken there not within ``HELD`` of a wrist (a black glove
    beside black trousers), and only for a frontal view (a side view's rows keep the whole
    round of each wrist out: the skier's glove is 0.6 of her narrow shoulder span long)."""
    y = max(float(pose.p(side["shoulder"])[1]) for side in pose.sides()) + \
        ARMPIT * pose.torso_len
    out = np.zeros(shape, bool)
    out[max(0, int(y)):] = True
    return out


def _beyond_shoulders(pose: Pose, shape: tuple[int, int]) -> Mask:
    """HxW bool: past either shoulder joint along the shoulders' line (away from the other
    joint), from ``CAP`` shoulder widths above the joint down: a padded shoulder whose joint
    the pose places well inside it (Biden's left, 0.3 shoulder widths in) rises out of the
    torso's envelope there. The head, jaw and neck lie between the joints."""
    grid, out = _grid(shape), np.zeros(shape, bool)
    ys, xs = grid
    for side, other in zip(pose.sides(), reversed(pose.sides()), strict=True):
        joint, far = pose.p(side["shoulder"]), pose.p(other["shoulder"])
        u = (joint - far) / max(float(np.linalg.norm(joint - far)), 1e-6)
        out |= ((xs - joint[0]) * u[0] + (ys - joint[1]) * u[1] > 0) & \
            (ys >= joint[1] - CAP * pose.shoulder_width)
    return out


def _padded_shoulders(lab: NDArray[np.float32], clothes: Mask, free: Mask, pose: Pose) -> Mask:
    """The old top's shoulders beyond the torso's envelope: ``free`` pixels (person pixels
    outside the envelope, neither skin, head, hands nor near a wrist) past a shoulder joint
    and above the armpits (:func:`_beyond_shoulders`) that have one of the colours of the
    old clothes there (Lab < 12 of the palette of ``clothes`` in that zone: a dark suit's
    shoulder in the light is far from its shaded front's colours), or lie in a piece of
    them whose median has (its lit rim), joined to the clothes."""
    shape = clothes.shape
    zone = _beyond_shoulders(pose, shape) & ~_below_armpits(pose, shape)
    local = clothes & zone
    candidates = free & zone
    if local.sum() < 50 or not candidates.any():
        return np.zeros(shape, bool)
    colours = palette(lab, local, PALETTE_SHARE)
    like = np.zeros(shape, bool)
    like[candidates] = palette_distance(lab[candidates], colours) < 12.0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(candidates.astype(np.uint8),
                                                           connectivity=8)
    for i in range(1, n):
        x, y, w, h = stats[i, :4]
        box = (slice(y, y + h), slice(x, x + w))
        piece = labels[box] == i
        median = np.median(lab[box][piece], axis=0)
        if palette_distance(median[None], colours)[0] < 12.0:
            like[box] |= piece
    edge = cv2.dilate(clothes.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return touching(like, edge)


def _below_hips(pose: Pose, shape: tuple[int, int]) -> Mask:
    """HxW bool: the rows below both hip joints, where a wide trouser leg or skirt flares
    out of the legs' capsules (the old bottom's colour beyond them is old clothing, even
    beside a hand: wide jeans at the image's bottom edge beside 00055's hand)."""
    y = max(float(pose.p(side["hip"])[1]) for side in pose.sides())
    out = np.zeros(shape, bool)
    out[max(0, int(y)):] = True
    return out


def backdrop_under_hair(lab: NDArray[np.float32], person: Mask, skin: Mask, head: Mask,
                        pose: Pose) -> Mask:
    """The backdrop the person segmentation took in below the hair, above the shoulder
    joints: pixels of ``person``, neither skin nor head, within ``BACKDROP_DE`` (Lab) of
    the backdrop's colour beside them (the non-person pixels blurred over
    ``BACKDROP_SIGMA`` shoulder widths), in pieces touching both the backdrop and the hair.
    Taken for the old top, the gap between 05997's hair and shoulder was repainted as skin
    and the new top's shoulder was raised into it as a bar beside the neck."""
    ys = np.arange(person.shape[0])[:, None]
    joint_y = max(float(pose.p(side["shoulder"])[1]) for side in pose.sides())
    cand = person & ~head & (ys < joint_y)
    if not cand.any():
        return cand
    rows = np.flatnonzero(cand.any(axis=1))
    cols = np.flatnonzero(cand.any(axis=0))
    sigma = max(2.0, BACKDROP_SIGMA * pose.shoulder_width)
    m = int(4 * sigma) + 2
    h, w = person.shape
    box = np.s_[max(0, rows[0] - m):min(h, rows[-1] + m + 1),
                max(0, cols[0] - m):min(w, cols[-1] + m + 1)]
    back = (~person[box]).astype(np.float32)
    weight = cv2.GaussianBlur(back, (0, 0), sigma)
    colour = cv2.GaussianBlur(lab[box] * back[..., None], (0, 0), sigma) / \
        np.maximum(weight, 1e-6)[..., None]
    out = np.zeros_like(person)
    out[box] = cand[box] & (weight > 0.02) & \
        (np.linalg.norm(lab[box] - colour, axis=2) < BACKDROP_DE)
    if not out.any():
        return out
    outside = cv2.dilate((~person).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    hair = cv2.dilate(head.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    found: Mask = touching(touching(out, outside), hair)
    return found


def analyse_body(img: NDArray[np.uint8], *, field: str = "FileInfos") -> Body:
    """Measure the person in an HxWx3 uint8 RGB photo; raises NoFaceDetected (``field``)
    when no body with visible shoulders is found."""
    pose = detect_pose(img)
    if pose is None:
        raise NoFaceDetected(f"{field}: no person (body with visible shoulders) found in the "
                             "photo; use a frontal upper- or full-body photo", field=field)
    person = person_mask(img) > 0.5
    face = _main_face(img, pose)
    crop = crop_face(img, pose, person) if face is None else None
    skin, skin_rgb = _skin(img, face, crop, pose, person)
    lab = rgb_to_lab(img)
    hair = hair_in_skin(lab, skin, face, pose)       # brown hair of the cheeks' chroma
    skin &= ~hair
    head = head_mask(lab, face, crop, pose, person, skin) | (hair & person)
    head |= hair_holes(head, _chin_row(face, pose), pose.shoulder_width)
    arms, hands, legs, core = _limb_zones(pose, person.shape)
    near_cheeks = _near_colour(lab, skin_rgb, 20.0)
    skin &= ~_sheen_below_face(lab, skin, head, person, pose)
    skin &= ~_skin_in_clothes(skin, person & ~skin & ~head, (core | hands) & near_cheeks, pose)
    added = _arm_skin(lab, skin, arms & ~head, person & ~skin & ~head) & ~skin
    # an arm zone along a wrong elbow can reach a beige print (a leopard skirt): pixels it
    # adds that sit inside clothing are fabric, not the arm's shaded side
    skin |= added & ~_skin_in_clothes(added, person & ~skin & ~added & ~head, hands, pose)
    gloves = round_wrists(pose, person.shape) | hands      # a gloved hand is no skin
    held = round_wrists(pose, person.shape, HELD) | hands    # the glove itself
    hands = _whole_hands(lab, skin & _near_colour(lab, skin_rgb, 28.0), hands & person, pose,
                         person) | _gloves(lab, person, skin, pose)
    others = other_things(lab, person, pose, head | hands)    # a dog she holds
    person, skin = person & ~others, skin & ~others
    person &= ~backdrop_under_hair(lab, person, skin, head, pose)
    around = envelope(pose, person.shape)
    clothes = person & ~skin & ~head & ~hands & around
    # shadow specks ringed by skin (under the chin, in the collarbones) are not clothing
    specks = _enclosed_pieces(clothes, skin | head, pose.shoulder_width, 0.1)
    skin, clothes = skin | specks, clothes & ~specks
    split = split_row(img, clothes, pose)
    side = side_view_rows(pose, person.shape)
    beyond = person & ~around & ~skin & ~head & ~hands & \
        ((~gloves & side) | _below_hips(pose, person.shape) |
         (~held & ~side & _below_armpits(pose, person.shape)))
    clothes |= missed_clothes(lab, clothes, person, split, pose, beyond)
    clothes |= _padded_shoulders(lab, clothes, person & ~around & ~skin & ~head & ~held,
                                 pose)
    lower = _lower(lab, clothes, split, arms & ~hands, core, 0.12 * pose.torso_len)
    # a suit jacket's skirt is the old top (with its lit sides, out of the dark palette)
    free = person & ~clothes & ~skin & ~head & ~hands
    skirt = jacket_skirt(lower | lit_sides(lower, free), split, pose)
    if skirt.any():     # and above the hips, below the elbows (not a sleeve's lit side)
        ys = np.arange(person.shape[0])[:, None]
        elbow_y = max(float(pose.p(side["elbow"])[1]) for side in pose.sides())
        clothes |= skirt | lit_sides(clothes & (ys >= elbow_y) & (ys < split), free & ~skirt)
    lower &= ~skirt
    spots = _enclosed_pieces(skin & ~hands & ~head, lower, pose.shoulder_width)
    skin, clothes, lower = skin & ~spots, clothes | spots, lower | spots
    return Body(pose, person, skin, head, clothes, split, skin_rgb, arms & person, hands,
                legs & person, lower, others, skirt if skirt.any() else None)
