"""The person in a try-on photo: pose, silhouette, skin, face, hair and the old clothes.

Old clothes are the person (selfie segmentation) minus skin (a chroma model fitted on the
cheeks of the face mesh), the face and the hair. They are split into the old top and the old
bottom at the row where the clothing colour changes most along the torso (waist seam); a
uniform outfit is split at the hips. Limb zones are capsules around the pose bones, clipped
to the silhouette. Images HxWx3 uint8 RGB, masks HxW bool unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...errors import NoFaceDetected
from ...imaging.color import fit_skin_model, masked_mean, rgb_to_lab
from ...perception.faces import Face, detect_faces
from ...perception.landmarks import FACE_OVAL
from ...perception.masks import cheek_mask, polygon_mask
from ...perception.segmentation import person_mask
from .pose import HAND_POINTS, Pose, detect_pose

Mask = NDArray[np.bool_]
DEFAULT_SKIN = np.array([205.0, 160.0, 135.0], np.float32)


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

    @property
    def old_top(self) -> Mask:
        ys = np.arange(self.clothes.shape[0])[:, None]
        return self.clothes & (ys < self.split_y)

    @property
    def old_bottom(self) -> Mask:
        ys = np.arange(self.clothes.shape[0])[:, None]
        return self.clothes & (ys >= self.split_y) & ~self.feet

    @property
    def feet(self) -> Mask:
        """Below the ankles (shoes): never part of the old bottom."""
        h = self.clothes.shape[0]
        ankles = [self.pose.p(i)[1] for i in (27, 28) if self.pose.visibility[i] > 0.5]
        limit = max(ankles) if ankles else float(h) + 1
        ys = np.arange(h)[:, None]
        return np.broadcast_to(ys > limit, self.clothes.shape)


def _main_face(img: NDArray[np.uint8], pose: Pose) -> Face | None:
    faces = detect_faces(img, max_faces=4)
    nose = pose.p(0)
    return min(faces, key=lambda f: float(np.linalg.norm(np.array(f.box.center) - nose)),
               default=None)


def capsule(shape: tuple[int, int], chain: list[NDArray[np.float32]], radius: float) -> Mask:
    """Thick polyline through ``chain`` points (radius in pixels)."""
    canvas = np.zeros(shape, np.uint8)
    pts = np.round(np.array(chain)).astype(np.int32)
    cv2.polylines(canvas, [pts], False, 255, max(1, int(2 * radius)))
    for p in pts:
        cv2.circle(canvas, (int(p[0]), int(p[1])), int(radius), 255, -1)
    return canvas > 0


def _limb_zones(pose: Pose, shape: tuple[int, int]) -> tuple[Mask, Mask, Mask]:
    sw = pose.shoulder_width
    arms = np.zeros(shape, bool)
    hands = np.zeros(shape, bool)
    legs = np.zeros(shape, bool)
    for side in pose.sides():
        chain = [pose.p(side["shoulder"]), pose.p(side["elbow"]), pose.p(side["wrist"])]
        arms |= capsule(shape, chain, 0.14 * sw)
        tips = [pose.p(i) for i in HAND_POINTS[side["wrist"]]]
        hands |= capsule(shape, [pose.p(side["wrist"]), *tips], 0.1 * sw)
        leg = [pose.p(side["hip"]), pose.p(side["knee"]), pose.p(side["ankle"])]
        legs |= capsule(shape, leg, 0.22 * sw)
    return arms, hands, legs


def _skin(img: NDArray[np.uint8], face: Face | None, person: Mask) -> tuple[Mask, NDArray[
        np.float32]]:
    if face is None:
        return np.zeros(person.shape, bool), DEFAULT_SKIN.copy()
    cheeks = cheek_mask(face.landmarks, img.shape)
    model = fit_skin_model(img, cheeks)
    skin = (model.likelihood(img, scale=3.0) > 0.5) & person
    skin = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    return skin, masked_mean(img, cheeks)


def _head(img: NDArray[np.uint8], face: Face | None, pose: Pose, person: Mask,
          skin: Mask) -> Mask:
    """Face oval plus hair: non-skin silhouette pixels around the face above the shoulders."""
    h, w = person.shape
    if face is None:
        return np.zeros((h, w), bool)
    oval = polygon_mask(face.landmarks[list(FACE_OVAL)], (h, w)) > 0.5
    fx, fy, fw, fh = face.box.x, face.box.y, face.box.w, face.box.h
    top = min(pose.p(11)[1], pose.p(12)[1]) - 0.1 * pose.shoulder_width
    zone = np.zeros((h, w), bool)
    zone[:max(0, int(min(top, fy + 1.25 * fh))), max(0, int(fx - 0.8 * fw)):
         min(w, int(fx + 1.8 * fw))] = True
    return oval | (zone & person & ~skin)


def _split_row(img: NDArray[np.uint8], clothes: Mask, pose: Pose) -> float:
    """Row of the strongest clothing colour change along the torso (old top / bottom)."""
    sides = pose.sides()
    hl, hr = pose.p(sides[0]["hip"]), pose.p(sides[1]["hip"])
    sh_y = (pose.p(11)[1] + pose.p(12)[1]) / 2
    hip_y = float(hl[1] + hr[1]) / 2
    torso = max(hip_y - sh_y, 1.0)
    x0, x1 = int(hl[0] + 0.2 * (hr[0] - hl[0])), int(hr[0] - 0.2 * (hr[0] - hl[0]))
    y0, y1 = int(sh_y + 0.35 * torso), int(min(img.shape[0] - 1, hip_y + 0.4 * torso))
    if x1 <= x0 + 2 or y1 <= y0 + 8:
        return hip_y
    lab = rgb_to_lab(img[y0:y1, x0:x1])
    m = clothes[y0:y1, x0:x1].astype(np.float32)[..., None]
    rows = (lab * m).sum(1) / np.maximum(m.sum(1), 1.0)
    valid = m[..., 0].mean(1) > 0.3
    return _best_change(rows, valid, max(3, int(0.06 * torso)), y0, hip_y)


def _best_change(rows: NDArray[np.float32], valid: NDArray[np.bool_], k: int, y0: int,
                 fallback: float) -> float:
    best, best_y = 0.0, fallback
    for i in range(k, len(rows) - k):
        a, b = valid[i - k:i], valid[i:i + k]
        if a.sum() < k // 2 or b.sum() < k // 2:
            continue
        diff = float(np.linalg.norm(rows[i - k:i][a].mean(0) - rows[i:i + k][b].mean(0)))
        if diff > best:
            best, best_y = diff, float(y0 + i)
    return best_y if best > 12.0 else fallback


def analyse_body(img: NDArray[np.uint8], *, field: str = "FileInfos") -> Body:
    """Measure the person in an HxWx3 uint8 RGB photo; raises NoFaceDetected (``field``)
    when no body with visible shoulders is found."""
    pose = detect_pose(img)
    if pose is None:
        raise NoFaceDetected(f"{field}: no person (body with visible shoulders) found in the "
                             "photo; use a frontal upper- or full-body photo", field=field)
    person = person_mask(img) > 0.5
    face = _main_face(img, pose)
    skin, skin_rgb = _skin(img, face, person)
    head = _head(img, face, pose, person, skin)
    clothes = person & ~skin & ~head
    arms, hands, legs = _limb_zones(pose, person.shape)
    hands &= person
    split = _split_row(img, clothes, pose)
    return Body(pose, person, skin, head, clothes, split, skin_rgb, arms & person, hands,
                legs & person)
