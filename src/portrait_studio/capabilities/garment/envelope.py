"""Where the old clothes of a try-on person can be: an envelope round the pose's torso and
limbs (whatever else the person segmentation took in, a dog or a bag, is not the old
clothing), and the pixels that continue the old clothes beyond it or beyond the
segmentation (missed at the image border, or the back of a body seen from the side). Lab
HxWx3 float32, masks HxW bool.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import touching
from .pose import L_ANKLE, R_ANKLE, Pose
from .regions import capsule, lab_dist2, without_slivers
from .split import palette, palette_distance

Mask = NDArray[np.bool_]
PALETTE_SHARE = 0.02  # the old clothes' colours: histogram bins holding this share of them
SLIVER = 0.04        # x shoulder width: thinner pieces of their colours are no clothes


def envelope(pose: Pose, shape: tuple[int, int]) -> Mask:
    """Where the body and its clothes can be: the torso (shoulders to hips) grown by 0.4
    shoulder widths, and capsules along arms (0.3) and legs (0.4). Whatever else the
    person segmentation took in (a dog, a bag) is not the old clothing."""
    sw = pose.shoulder_width
    left, right = pose.sides()
    quad = np.array([pose.p(left["shoulder"]), pose.p(right["shoulder"]),
                     pose.p(right["hip"]), pose.p(left["hip"])])
    canvas = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(canvas, np.round(quad).astype(np.int32), 255)
    dist = cv2.distanceTransform((canvas == 0).astype(np.uint8), cv2.DIST_L2, 3)
    out: Mask = np.asarray(dist <= 0.4 * sw, bool)
    for side in (left, right):
        out |= capsule(shape, [pose.p(side[k]) for k in ("shoulder", "elbow", "wrist")],
                       0.3 * sw)
        out |= capsule(shape, [pose.p(side[k]) for k in ("hip", "knee", "ankle")], 0.4 * sw)
    return out


def side_view_rows(pose: Pose, shape: tuple[int, int]) -> Mask:
    """HxW bool: when the body is seen from the side (shoulder joints closer than half the
    torso length: the envelope built on them is too narrow for the back and the belly),
    the rows from 0.3 shoulder widths above the shoulders down to the ankles (not the
    shoes); else nothing."""
    joints = float(np.linalg.norm(pose.p(11) - pose.p(12)))
    out = np.zeros(shape, bool)
    if joints >= 0.5 * pose.torso_len:
        return out
    top = min(pose.p(11)[1], pose.p(12)[1]) - 0.3 * pose.shoulder_width
    ankle = lowest_ankle(pose)
    bottom = float(shape[0]) if ankle is None else ankle
    out[max(0, int(top)):max(0, int(bottom))] = True
    return out


def round_wrists(pose: Pose, shape: tuple[int, int], radius: float = 0.8) -> Mask:
    """Discs of ``radius`` shoulder widths round the wrists: where a hand, gloved or not,
    and what it holds are."""
    canvas = np.zeros(shape, np.uint8)
    for side in pose.sides():
        x, y = (int(v) for v in pose.p(side["wrist"]))
        cv2.circle(canvas, (x, y), int(radius * pose.shoulder_width), 255, -1)
    out: Mask = canvas > 0
    return out


def below_ankles(pose: Pose, shape: tuple[int, int]) -> Mask:
    """HxW bool: the rows below the lower visible ankle (shoes, skis); none when no ankle
    is seen."""
    ankle = lowest_ankle(pose)
    limit = float(shape[0]) + 1 if ankle is None else ankle
    return np.broadcast_to(np.arange(shape[0])[:, None] > limit, shape)


def lowest_ankle(pose: Pose) -> float | None:
    """The row (image y) of the lower visible ankle, None when no ankle is seen."""
    ankles = [pose.p(i)[1] for i in (L_ANKLE, R_ANKLE) if pose.visibility[i] > 0.5]
    return max(ankles) if ankles else None


def _like_pieces(lab: NDArray[np.float32], mask: Mask, colours: NDArray[np.float32]) -> Mask:
    """The 8-connected pieces of ``mask`` whose median Lab colour is within 12 of one of
    ``colours``: a jacket's side in the light, its sheen too far from the jacket's colours
    pixel by pixel, is of them as a whole."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        median = np.median(lab[labels == i], axis=0)
        keep[i] = palette_distance(median[None], colours)[0] < 12.0
    out: Mask = keep[labels] & mask
    return out


def missed_clothes(lab: NDArray[np.float32], clothes: Mask, person: Mask, split: float,
                   pose: Pose, beyond: Mask) -> Mask:
    """Pixels that continue the old clothes but were left out: missed by the person
    segmentation (often at the image border; within 0.15 shoulder widths of the person)
    and of the old top's or bottom's median colour (Lab < 12; ``split``: the row between
    them), or ``beyond`` (person pixels outside the envelope, neither skin, head nor
    hands, nor near them, where a glove would be: the back of a body seen from the side,
    which the envelope built on the narrow shoulder span cuts off) and of one of their
    palette's colours (Lab < 12: the jeans in the shadow below 05997's hand, 15 from their
    median; not below the ankles, where black boots and skis are of black trousers'
    colours, nor pieces nowhere ``SLIVER`` shoulder widths across, a ski pole beside
    them) or in a piece of it (those thick parts) whose median is (:func:`_like_pieces`);
    connected to the clothes. Colours within 15 of the backdrop's are left out."""
    ys = np.arange(clothes.shape[0])[:, None]
    parts = [part for part in (clothes & (ys < split), clothes & (ys >= split))
             if part.sum() > 50]
    background = np.median(lab[~person], axis=0) if (~person).any() else None
    grow = max(3, int(0.15 * pose.shoulder_width)) | 1
    reach = cv2.dilate(person.astype(np.uint8), np.ones((grow, grow), np.uint8)) > 0
    missed = np.zeros(clothes.shape, bool)
    for ref in (np.median(lab[part], axis=0) for part in parts):
        if background is None or float(np.linalg.norm(ref - background)) > 15.0:
            missed |= lab_dist2(lab, ref) < 12.0**2
    candidates = missed & ~person & reach
    colours = np.concatenate([palette(lab, part, PALETTE_SHARE) for part in parts]) if \
        parts else np.zeros((0, 3), np.float32)
    if background is not None:
        colours = colours[np.linalg.norm(colours - background, axis=1) > 15.0]
    candidates |= missed & beyond
    above = beyond & ~below_ankles(pose, clothes.shape)
    if len(colours) and above.any():
        like = np.zeros(clothes.shape, bool)
        like[above] = palette_distance(lab[above], colours) < 12.0
        candidates |= touching(like, without_slivers(like, SLIVER * pose.shoulder_width))
        candidates |= _like_pieces(lab, without_slivers(above, SLIVER * pose.shoulder_width),
                                  colours)
    edge = cv2.dilate(clothes.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return touching(candidates, edge)
