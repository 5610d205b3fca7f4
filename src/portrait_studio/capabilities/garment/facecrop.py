"""The face of a person whose photo cuts it off at the top edge (try-on crops showing only the
mouth and chin): no face mesh is found, so skin and head are measured from the pose.

Skin samples: a disc around the pose's mouth (landmarks 9, 10; the nose, 0, when it is in
the frame pulls the centre up a little) reaching the chin and lower cheeks, inside the
person, kept only near the samples' own median colour (Lab, twice: lips, nostrils, shadows,
hair and stray background drop out), and never lips (a* well above the median) or shadows
(L* well below it). The face is the skin above the chin line (0.1 shoulder widths below the
mouth, a conservative guess: everything below it is judged as skin or not anyway) joined to
the samples, closed to its convex hull (lips and nostrils inside are face); the crown, whose
non-skin pieces are hair, is the rows above the mouth. Images HxWx3 uint8 RGB, Lab HxWx3
float32, masks HxW bool, points (x, y) float32 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import SkinModel, rgb_to_lab
from .pose import Pose

Mask = NDArray[np.bool_]
F32 = NDArray[np.float32]
MOUTH_L, MOUTH_R, NOSE = 9, 10, 0
SAMPLE_RADIUS = 0.22    # x shoulder width: the disc of skin samples around the mouth
CHIN_DROP = 0.1         # x shoulder width: the chin line below the mouth
MIN_SAMPLES = 150       # fewer kept samples: no skin model (as with no face at all)
KEEP_DE = (18.0, 14.0)  # Lab distance to the samples' median kept in the two passes
LIP_DA = 8.0            # a* above the median: lips
SHADOW_DL = 20.0        # L* below the median: shadow


@dataclass(frozen=True)
class CropFace:
    """A cut-off face measured from the pose: ``samples`` (robust skin pixels around the
    mouth), ``mouth`` (x, y) and ``chin_y`` (image row of the chin line)."""

    samples: Mask
    mouth: NDArray[np.float32]
    chin_y: float


def _mouth(pose: Pose) -> NDArray[np.float32]:
    """The mouth's centre (midpoint of the mouth corners)."""
    out: NDArray[np.float32] = ((pose.p(MOUTH_L) + pose.p(MOUTH_R)) / 2).astype(np.float32)
    return out


def _sample_disc(pose: Pose, person: Mask) -> Mask:
    """The disc around the mouth (moved a little toward the nose when the nose is in the
    frame, down toward the chin otherwise), within the person and above the shoulders."""
    h, w = person.shape
    sw = pose.shoulder_width
    mouth = _mouth(pose)
    centre = mouth + np.array([0.0, 0.04 * sw], np.float32)
    canvas = np.zeros((h, w), np.uint8)
    cv2.circle(canvas, (round(float(centre[0])), round(float(centre[1]))),
               max(2, int(SAMPLE_RADIUS * sw)), 255, -1)
    shoulders = float(min(pose.p(11)[1], pose.p(12)[1])) - 0.15 * sw
    canvas[max(0, int(shoulders)):] = 0
    out: Mask = (canvas > 0) & person
    return out


def _robust(lab: F32, disc: Mask) -> Mask:
    """Pixels of ``disc`` near their own median colour (two passes), without lips and
    shadows."""
    keep = disc.copy()
    for limit in KEEP_DE:
        if keep.sum() < MIN_SAMPLES:
            return np.zeros(disc.shape, bool)
        med = np.median(lab[keep], axis=0)
        d = lab - med
        keep = disc & (np.einsum("ijk,ijk->ij", d, d) < limit * limit)
    if not keep.any():
        return keep
    med = np.median(lab[keep], axis=0)
    out: Mask = keep & (lab[..., 1] < med[1] + LIP_DA) & (lab[..., 0] > med[0] - SHADOW_DL)
    return out


def crop_face(img: NDArray[np.uint8], pose: Pose, person: Mask) -> CropFace | None:
    """The cut-off face of the person, or None when the mouth is out of the frame (or its
    surroundings give too few skin-like samples)."""
    h, w = person.shape
    mouth = _mouth(pose)
    if not (0 <= mouth[0] < w and 1 <= mouth[1] < h) or \
            min(pose.visibility[MOUTH_L], pose.visibility[MOUTH_R]) < 0.5:
        return None
    disc = _sample_disc(pose, person)
    if disc.sum() < MIN_SAMPLES:
        return None
    samples = _robust(rgb_to_lab(img), disc)
    if samples.sum() < MIN_SAMPLES:
        return None
    return CropFace(samples, mouth, float(mouth[1]) + CHIN_DROP * pose.shoulder_width)


def crop_face_region(crop: CropFace, skin: Mask, person: Mask, sw: float) -> Mask:
    """The face above the chin line: the skin there (within 0.4 shoulder widths of the
    mouth's column) joined to the samples, filled to its convex hull, within the person."""
    h, w = skin.shape
    zone = np.zeros((h, w), bool)
    x = float(crop.mouth[0])
    zone[:max(0, int(crop.chin_y)), max(0, int(x - 0.4 * sw)):max(0, int(x + 0.4 * sw))] = True
    part = (skin | crop.samples) & zone
    _, labels = cv2.connectedComponents(part.astype(np.uint8), connectivity=8)
    ids = np.unique(labels[crop.samples & part])
    face = np.isin(labels, ids[ids > 0])
    if not face.any():
        return face
    ys, xs = np.nonzero(face)
    hull = cv2.convexHull(np.stack([xs, ys], 1).astype(np.int32))
    canvas = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(canvas, hull, 1)
    out: Mask = (canvas > 0) & person & zone
    return out


def crop_head_zone(crop: CropFace, pose: Pose, shape: tuple[int, int]) -> tuple[Mask, Mask]:
    """(zone, crown): where hair around a cut-off face can be (above the chin line and the
    shoulder line less 0.1 shoulder widths, within 0.6 of the mouth's column) and the rows
    above the mouth, whose non-skin pixels connected onward are hair. Hair further down is
    only taken by its colour (``head._hair_on_shoulders``): a shaded neck joins the face's
    rim to the collar, and the whole old top would be hair."""
    h, w = shape
    sw = pose.shoulder_width
    top = float(min(pose.p(11)[1], pose.p(12)[1])) - 0.1 * sw
    x = float(crop.mouth[0])
    zone = np.zeros((h, w), bool)
    zone[:max(0, int(top)), max(0, int(x - 0.6 * sw)):max(0, int(x + 0.6 * sw))] = True
    crown = np.zeros((h, w), bool)
    crown[:max(1, int(crop.mouth[1]))] = True
    return zone, crown


def neck_shade(img: NDArray[np.uint8], model: SkinModel, crop: CropFace, pose: Pose,
               skin: Mask) -> Mask:
    """The shaded neck under a cut-off face (the jaw's shadow, the neck's dark side), which
    the lit chin's luma range rejects: pixels of the neck column (0.25 shoulder widths
    either side of the mouth, from 0.05 above the chin line down to the shoulder line) of
    the skin's chroma (likelihood with no luma cut, > 0.5) and not too dark (luma > 40),
    connected to the skin."""
    h, w = skin.shape
    sw = pose.shoulder_width
    x = float(crop.mouth[0])
    y0 = max(0, int(crop.chin_y - 0.05 * sw))
    y1 = max(0, int(max(pose.p(11)[1], pose.p(12)[1])))
    zone = np.zeros((h, w), bool)
    zone[y0:y1, max(0, int(x - 0.25 * sw)):max(0, int(x + 0.25 * sw))] = True
    ycc = cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb)
    near = zone & (model.distance(img) < 2.0) & (ycc[..., 0] > 40)
    _, labels = cv2.connectedComponents((near | skin).astype(np.uint8), connectivity=8)
    ids = np.unique(labels[skin])
    out: Mask = near & np.isin(labels, ids[ids > 0])
    return out


def thick_parts(mask: Mask, width: float) -> Mask:
    """``mask`` opened with a disc ``width`` px across: strands of hair stay, the thin
    shaded rim along a jaw or neck goes."""
    k = max(3, int(width)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    out: Mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0
    return out
