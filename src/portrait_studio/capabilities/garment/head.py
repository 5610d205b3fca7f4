"""The head of a try-on person: face oval plus hair, always in front of a new garment.

Hair is the non-skin silhouette joined to the crown (the rows above the face box's upper
fifth) inside a zone around the face above the shoulders; a light shirt collar touching
the jaw is taken out again (:mod:`collar`), and hair falling onto the shoulders is added by
its colour; small holes in the hair below the chin are closed (:func:`hair_holes`). A face cut off by the photo's top edge is measured from the pose
(:mod:`facecrop`). Lab HxWx3 float32, masks HxW bool.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import touching
from ...perception.faces import Face
from ...perception.landmarks import FACE_OVAL
from ...perception.masks import polygon_mask
from .collar import collar_not_hair
from .facecrop import CropFace, crop_face_region, crop_head_zone, thick_parts
from .pose import Pose
from .regions import hue_turn, lab_dist2

Mask = NDArray[np.bool_]

LOCK = 0.02         # x shoulder width: locks hanging in front of the neck are this wide
SHADE_DE = 10.0     # Lab distance to the hair's colour darkened to a pixel's L*: hair in shadow
SHADE_HUE = 35.0    # degrees: hair in shadow keeps the hair's hue (a dark collar has another)
SHADE_CHROMA = 3.0  # below this chroma a pixel's hue is noise (black cloth): no hair in shadow
SHADE_THICK = 0.03  # x shoulder width: hair in shadow is this thick (not a collar's shadow line)
HAIR_HOLE = 0.1     # x shoulder width: holes in the hair under this size (squared) are hair


def head_mask(lab: NDArray[np.float32], face: Face | None, crop: CropFace | None, pose: Pose,
          person: Mask, skin: Mask) -> Mask:
    """Face oval plus hair: non-skin silhouette pixels around the face above the shoulders
    that are connected to the crown (the hair above the face box), plus hair falling
    further (see ``_hair_on_shoulders``). A strap or neckline inside the zone that does not
    reach the crown is clothing. A face cut off by the photo's top edge (``crop``) gives
    the face above its chin line and the rows above the mouth as the crown."""
    h, w = person.shape
    if face is not None:
        oval = polygon_mask(face.landmarks[list(FACE_OVAL)], (h, w)) > 0.5
        zone, crown = _head_zone(face, pose, (h, w))
        oval_pts = face.landmarks[list(FACE_OVAL)]
        chin: tuple[float, float] | None = (float(oval_pts[oval_pts[:, 1].argmax(), 0]),
                                            float(oval_pts[:, 1].max()))
    elif crop is not None:  # its chin line is a guess: no collar test
        oval = crop_face_region(crop, skin, person, pose.shoulder_width)
        zone, crown = crop_head_zone(crop, pose, (h, w))
        chin = None
    else:
        return np.zeros((h, w), bool)
    candidates = zone & person & ~skin & ~oval
    if face is None:    # the cut-off face's thin shaded rim joins the crown to the collar
        candidates = thick_parts(candidates, 0.05 * pose.shoulder_width)
    hair = touching(candidates, crown)
    collar = np.zeros((h, w), bool)
    if chin is not None:    # a light shirt collar under the chin joins the jaw's rim
        collar = collar_not_hair(lab, hair, chin, pose.shoulder_width, person & ~skin & ~zone,
                                 skin & oval, zone & ~person)
        hair = touching(hair & ~collar, crown)
    # the collar is not taken back as hair of the hair's colour (white under white hair)
    return oval | hair | _hair_on_shoulders(lab, hair, person & ~skin & ~oval & ~collar, pose)


def _head_zone(face: Face, pose: Pose, shape: tuple[int, int]) -> tuple[Mask, Mask]:
    """(zone, crown): around the face box above the shoulders, and the rows above the
    face box's upper fifth."""
    h, w = shape
    fx, fy, fw, fh = face.box.x, face.box.y, face.box.w, face.box.h
    top = min(pose.p(11)[1], pose.p(12)[1]) - 0.1 * pose.shoulder_width
    zone = np.zeros((h, w), bool)
    zone[:max(0, int(min(top, fy + 1.25 * fh))), max(0, int(fx - 0.8 * fw)):
         min(w, int(fx + 1.8 * fw))] = True
    crown = np.zeros((h, w), bool)
    crown[:max(0, int(fy + 0.2 * fh))] = True
    return zone, crown


def _hair_on_shoulders(lab: NDArray[np.float32], hair: Mask, candidates: Mask,
                       pose: Pose) -> Mask:
    """Hair falling beyond the head zone (onto the shoulders, beside it): ``candidates``
    within Lab 14 of the hair's colour, connected to it, down to 0.35 shoulder widths below
    the shoulder line; in the column under the neck (0.2 shoulder widths either side of its
    centre), where a neckline of the hair's colour would join it, only locks hanging down
    from the hair (:func:`_hanging`). Lighter or
    darker strands (within Lab 24) count when they are much closer to the hair's colour
    than to the clothing's (:func:`_cloth_dist2`), and so do its shadowed parts, darker but
    of its hue (:func:`_hair_in_shadow`). Clothing of another colour is never taken."""
    if hair.sum() < 50:
        return np.zeros(hair.shape, bool)
    ref = np.median(lab[hair], axis=0)
    sw = pose.shoulder_width
    bottom = int(max(pose.p(11)[1], pose.p(12)[1]) + 0.35 * sw)
    neck_x = float(pose.shoulder_mid[0])
    d2 = lab_dist2(lab, ref)
    cloth2 = _cloth_dist2(lab, candidates, pose)
    shade = thick_parts(candidates & _hair_in_shadow(lab, ref, cloth2), SHADE_THICK * sw)
    near = shade | (candidates & ((d2 < 14.0**2) | ((d2 < 24.0**2) & (d2 < 0.4 * cloth2))))
    near[max(0, bottom):] = False
    c0, c1 = max(0, int(neck_x - 0.2 * sw)), max(0, int(neck_x + 0.2 * sw))
    k = max(3, int(LOCK * sw)) | 1     # locks, not the thin shaded edge of a collar
    ell = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    thick = cv2.morphologyEx(near[:, c0:c1].astype(np.uint8), cv2.MORPH_OPEN, ell) > 0
    locks = _hanging(thick, hair[:, c0:c1])
    near[:, c0:c1] = locks
    out: Mask = touching(near | hair, hair) & near & ~hair
    return out


def _hair_in_shadow(lab: NDArray[np.float32], ref: NDArray[np.floating[Any]],
                    cloth2: NDArray[np.float32]) -> Mask:
    """HxW bool: pixels darker than the hair's colour ``ref`` that are that colour in
    shadow: within ``SHADE_DE`` of ``ref`` with its L* and chroma scaled down to the pixel's
    L*, of about its hue (``SHADE_HUE``, at least ``SHADE_CHROMA`` of chroma) and much
    closer to it than to the clothing's colour (``cloth2``, squared distances); the caller
    keeps only its thick parts (the thin shadow line along a collar's edge is none). The dark
    underside of brown hair falling on the shoulders (00055: L* 4-15 against the hair's 33)
    was far from its median colour, and the new garment was drawn over it."""
    lum, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    ref_l = max(float(ref[0]), 1.0)
    scale = np.clip(lum / ref_l, 0.0, 1.0)
    d2 = (a - scale * float(ref[1])) ** 2 + (b - scale * float(ref[2])) ** 2
    chroma = np.hypot(a, b)
    out: Mask = (lum < ref_l) & (d2 < SHADE_DE**2) & (chroma >= SHADE_CHROMA) & \
        (hue_turn(lab, ref) < SHADE_HUE) & (d2 < 0.4 * cloth2)
    return out


def _hanging(near: Mask, hair: Mask) -> Mask:
    """The pixels of ``near`` (the neck column's pixels of the hair's colour) hanging from
    ``hair`` straight down or slanting by at most one pixel a row: locks falling in front of
    the neck from the head above, not a neckline of the hair's colour reached sideways (the
    neck's skin lies between it and the hair above). The column used to be cut out whole,
    leaving a straight vertical cut through long hair (and the new garment in it)."""
    out = np.zeros_like(near)
    rows = np.flatnonzero(hair.any(axis=1))
    lit = np.flatnonzero(near.any(axis=1))
    if near.shape[1] == 0 or rows.size == 0 or lit.size == 0:
        return out
    top = max(int(rows[0]), int(lit[0]) - 1)
    prev = hair[top]
    for y in range(top + 1, int(lit[-1]) + 1):
        grown = prev.copy()
        grown[1:] |= prev[:-1]
        grown[:-1] |= prev[1:]
        out[y] = near[y] & grown
        prev = out[y] | hair[y]
        if not prev.any() and y > rows[-1]:
            break
    return out


def _cloth_dist2(lab: NDArray[np.float32], candidates: Mask, pose: Pose) -> (
        NDArray[np.float32]):
    """HxW float32 squared Lab distance to the clothing's median colour (the candidates in
    the chest strip 0.15-0.45 shoulder widths below the shoulder line, 0.3 either side of
    the centre); infinite when none are there."""
    sw = pose.shoulder_width
    y = float(max(pose.p(11)[1], pose.p(12)[1]))
    x = float(pose.shoulder_mid[0])
    strip = candidates[int(y + 0.15 * sw):max(0, int(y + 0.45 * sw)),
                       max(0, int(x - 0.3 * sw)):max(0, int(x + 0.3 * sw))]
    if strip.sum() < 50:
        return np.full(candidates.shape, np.inf, np.float32)
    part = lab[int(y + 0.15 * sw):int(y + 0.45 * sw), max(0, int(x - 0.3 * sw)):int(x + 0.3 * sw)]
    return lab_dist2(lab, np.median(part[strip], axis=0))


def hair_holes(head: Mask, top: float, sw: float) -> Mask:
    """Small 4-connected holes of ``head`` (under (``HAIR_HOLE`` shoulder widths)^2) ringed
    all round by it, lying wholly below row ``top`` (the chin): the gaps between the locks of
    long hair falling over the chest, whose lit strands the skin model takes for skin. Left
    out, the new garment showed through them as blotches of its colour inside the hair."""
    h, w = head.shape
    out = np.zeros((h, w), bool)
    y0 = max(0, int(np.ceil(top)))
    rows = np.flatnonzero(head[y0:].any(axis=1))
    if rows.size == 0:
        return out
    cols = np.flatnonzero(head[y0:].any(axis=0))
    # holes ringed by the head lie inside its box; a hole cut by the box's edge is none
    box = (slice(y0 + int(rows[0]), y0 + int(rows[-1]) + 1),
           slice(int(cols[0]), int(cols[-1]) + 1))
    part = head[box]
    _, labels, stats, _ = cv2.connectedComponentsWithStats((~part).astype(np.uint8),
                                                           connectivity=4)
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    ph, pw = part.shape
    ok = (stats[:, cv2.CC_STAT_AREA] < (HAIR_HOLE * sw) ** 2) & (x > 0) & (y > 0) & \
        (x + stats[:, cv2.CC_STAT_WIDTH] < pw) & (y + stats[:, cv2.CC_STAT_HEIGHT] < ph)
    ok[0] = False   # label 0: the head itself
    out[box] = ok[labels] & ~part
    return out
