"""Choosing the best of a user's 1..6 photos for one template face.

Each usable photo (its largest face: big enough, turned at most ~53 degrees) gets four scores
in 0..1 and a weighted total:

- ``pose`` (weight 0.35): 1 - (angle between the user's and the template face's head pose, yaw
  and pitch from the 3-D mesh) / 30 degrees;
- ``sharpness`` (0.25): high-frequency energy of the inner face measured at the size it will
  have in the template (a small photo blown up scores low), relative to a crisp studio portrait;
- ``eyes_open`` (0.25): the smaller eye aspect ratio mapped from 0.08 (closed) to 0.20 (open);
- ``frontal`` (0.15): 1 - |yaw| / 45 degrees.

The photo with the highest total is used; :func:`choose_photo` also says why in words.
Images are HxWx3 uint8 RGB.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import FaceError
from ..imaging import geometry as geo
from ..perception import landmarks as lm
from ..perception.faces import Face, require_faces
from ..perception.masks import eye_openness, face_scale
from .fusion import check_face_size, check_image_size, check_pose

WEIGHTS = {"pose": 0.35, "sharpness": 0.25, "eyes_open": 0.25, "frontal": 0.15}
POSE_RANGE_DEG, FRONTAL_RANGE_DEG = 30.0, 45.0
EYE_CLOSED, EYE_OPEN = 0.08, 0.20
SHARP_REFERENCE = 0.55   # inner-face |Laplacian| / contrast of a crisp studio portrait
SHARP_MAX_SCALE = 96.0   # sharpness is judged at most at this eye distance (pixels)
INNER = tuple(sorted({*lm.RIGHT_EYE, *lm.LEFT_EYE, *lm.RIGHT_BROW, *lm.LEFT_BROW,
                      *lm.LIPS_OUTER, *lm.NOSE_OUTLINE}))


@dataclass(frozen=True)
class PhotoScore:
    """How one photo of a user fits one template face (``skipped`` says why it cannot)."""

    index: int
    face: Face | None
    pose_deg: float = 0.0
    yaw_deg: float = 0.0
    pose: float = 0.0
    sharpness: float = 0.0
    eyes_open: float = 0.0
    frontal: float = 0.0
    skipped: str | None = None

    @property
    def total(self) -> float:
        if self.skipped:
            return -1.0
        return sum(w * float(getattr(self, name)) for name, w in WEIGHTS.items())

    def as_dict(self) -> dict[str, object]:
        """JSON-able summary for the job report."""
        if self.skipped:
            return {"photo": self.index, "skipped": self.skipped}
        return {"photo": self.index, "score": round(self.total, 3),
                "pose_difference_deg": round(self.pose_deg, 1),
                "yaw_deg": round(self.yaw_deg, 1), "pose": round(self.pose, 3),
                "sharpness": round(self.sharpness, 3), "eyes_open": round(self.eyes_open, 3),
                "frontal": round(self.frontal, 3)}


def head_angles(face: Face) -> tuple[float, float]:
    """(yaw, pitch) in degrees from the mesh's 3-D points (cheek to cheek, brow top to chin)."""
    p, z = face.landmarks, face.depth
    r, le = lm.RIGHT_CHEEK, lm.LEFT_CHEEK
    yaw = np.degrees(np.arctan2(z[le] - z[r], p[le, 0] - p[r, 0]))
    top, chin = lm.FOREHEAD_TOP, lm.CHIN
    pitch = np.degrees(np.arctan2(z[chin] - z[top], p[chin, 1] - p[top, 1]))
    return float(yaw), float(pitch)


def sharpness(image: np.ndarray, face: Face, target_scale: float) -> float:
    """0..1 sharpness of the inner face (eyes, brows, nose, mouth) resized to the eye distance
    it will have (``target_scale``, capped at :data:`SHARP_MAX_SCALE`)."""
    pts = face.landmarks[list(INNER)]
    roi = geo.roi_around(pts, 1.1, image.shape)
    grey = cv2.cvtColor(image[roi.slices], cv2.COLOR_RGB2GRAY).astype(np.float32)
    factor = min(target_scale, SHARP_MAX_SCALE) / max(face_scale(face.landmarks), 1.0)
    size = (max(8, round(grey.shape[1] * factor)), max(8, round(grey.shape[0] * factor)))
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    small = cv2.resize(grey, size, interpolation=interp)
    energy = float(np.abs(cv2.Laplacian(small, cv2.CV_32F)).mean())
    return float(np.clip(energy / (float(small.std()) + 1.0) / SHARP_REFERENCE, 0.0, 1.0))


def score_photo(index: int, image: np.ndarray, face: Face, template: Face) -> PhotoScore:
    """Scores of one user photo's face against ``template``."""
    yaw, pitch = head_angles(face)
    t_yaw, t_pitch = head_angles(template)
    diff = float(np.hypot(yaw - t_yaw, pitch - t_pitch))
    ear = min(eye_openness(face.landmarks))
    return PhotoScore(
        index, face, pose_deg=diff, yaw_deg=yaw,
        pose=float(np.clip(1.0 - diff / POSE_RANGE_DEG, 0.0, 1.0)),
        sharpness=sharpness(image, face, face_scale(template.landmarks)),
        eyes_open=float(np.clip((ear - EYE_CLOSED) / (EYE_OPEN - EYE_CLOSED), 0.0, 1.0)),
        frontal=float(np.clip(1.0 - abs(yaw) / FRONTAL_RANGE_DEG, 0.0, 1.0)))


def photo_face(image: np.ndarray, field: str) -> Face:
    """The largest face of one user photo, checked for size and pose (FaceError otherwise)."""
    check_image_size(image, field)
    face = require_faces(image, field=field)[0]
    check_face_size(face, field)
    check_pose(face, field)
    return face


@dataclass(frozen=True)
class PhotoChoice:
    """The photo chosen for one template face, every photo's scores and the reason."""

    index: int
    face: Face
    scores: list[PhotoScore]
    reason: str


def choose_photo(user: int, photos: tuple[np.ndarray, ...], template: Face) -> PhotoChoice:
    """Score every photo of user ``user`` against ``template`` and choose the best. A photo
    without a usable face is skipped; when none is usable the first photo's error is raised."""
    scores: list[PhotoScore] = []
    errors: list[FaceError] = []
    for j, image in enumerate(photos):
        try:
            face = photo_face(image, f"FaceInfos.{user}.ImageUrls.{j}")
        except FaceError as exc:
            errors.append(exc)
            scores.append(PhotoScore(j, None, skipped=exc.message))
            continue
        scores.append(score_photo(j, image, face, template))
    best = max(scores, key=lambda s: s.total)
    if best.face is None:
        raise errors[0]
    return PhotoChoice(best.index, best.face, scores, explain(best, scores))


LABELS = {"pose": "pose closest to the template face", "sharpness": "sharpest",
          "eyes_open": "eyes most open", "frontal": "most frontal"}


def explain(best: PhotoScore, scores: list[PhotoScore]) -> str:
    """Why ``best`` was chosen, e.g. "photo 1 of 3 (score 0.84): sharpest (0.91 vs 0.40);
    photo 0: score 0.62; photo 2 skipped: no face detected ..."."""
    head = f"photo {best.index} of {len(scores)} (score {best.total:.2f})"
    others = [s for s in scores if s is not best and s.face is not None]
    if not others:
        why = "the only usable photo"
    else:
        runner = max(others, key=lambda s: s.total)
        better = [f"{LABELS[name]} ({getattr(best, name):.2f} vs {getattr(runner, name):.2f})"
                  for name in WEIGHTS if getattr(best, name) > getattr(runner, name) + 0.05]
        why = ", ".join(better) or "best overall balance of pose, sharpness, eyes and frontality"
    rest = [f"photo {s.index} skipped: {s.skipped}" if s.skipped else
            f"photo {s.index}: score {s.total:.2f}" for s in scores if s is not best]
    return "; ".join([f"{head}: {why}", *rest])
