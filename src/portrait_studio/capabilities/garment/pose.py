"""Body pose: MediaPipe pose (``model_complexity=1``, static images; 33 landmarks).

Only complexity 1 ships in the mediapipe 0.10.14 wheel (0 and 2 try to download), so it is
the only one used. Its segmentation of the one person it found is kept (the selfie
segmentation takes in a dog or a chair too; the landmarks are the same with or without it). Images are HxWx3 uint8 RGB; landmarks come back in image pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...models.mediapipe_runtime import quiet_graph

NOSE = 0
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
HAND_POINTS = {L_WRIST: (17, 19, 21), R_WRIST: (18, 20, 22)}
HIDDEN = 0.5         # an elbow seen less surely than this: the arm is hidden (behind)


@dataclass(frozen=True)
class Pose:
    """33 landmarks: ``points`` 33x2 float32 (x, y) pixels, ``visibility`` 33 float32 0..1;
    ``own``: HxW float32 0..1, the pose model's own segmentation of this one person (None
    when not measured).

    "Left"/"right" are the subject's own sides (the subject's left is usually on the image
    right)."""

    points: NDArray[np.float32]
    visibility: NDArray[np.float32]
    own: NDArray[np.float32] | None = None

    def p(self, index: int) -> NDArray[np.float32]:
        """One landmark as a 2-vector (x, y)."""
        point: NDArray[np.float32] = self.points[index]
        return point

    def sides(self) -> tuple[dict[str, int], dict[str, int]]:
        """Index maps of the two body sides ordered by image x: (image-left, image-right)."""
        left = {"shoulder": L_SHOULDER, "elbow": L_ELBOW, "wrist": L_WRIST, "hip": L_HIP,
                "knee": L_KNEE, "ankle": L_ANKLE}
        right = {"shoulder": R_SHOULDER, "elbow": R_ELBOW, "wrist": R_WRIST, "hip": R_HIP,
                 "knee": R_KNEE, "ankle": R_ANKLE}
        if self.points[L_SHOULDER, 0] < self.points[R_SHOULDER, 0]:
            return left, right
        return right, left

    def arm_hidden(self, side: dict[str, int]) -> bool:
        """Whether the arm of ``side`` (a map of :meth:`sides`) is hidden behind the body
        or something in front of it: its elbow's visibility is below ``HIDDEN`` (the
        model guesses where it is; nothing of it is to be drawn)."""
        return bool(self.visibility[side["elbow"]] < HIDDEN)

    @property
    def shoulder_mid(self) -> NDArray[np.float32]:
        """The middle of the shoulder joints (x, y): the neck's column, the torso's top."""
        mid: NDArray[np.float32] = (self.points[L_SHOULDER] + self.points[R_SHOULDER]) / 2
        return mid

    @property
    def torso_len(self) -> float:
        """Distance (px) from the shoulders' middle to the hips' middle (at least 1)."""
        sh = self.shoulder_mid
        hips = (self.points[L_HIP] + self.points[R_HIP]) / 2
        return max(float(np.linalg.norm(hips - sh)), 1.0)

    @property
    def shoulder_width(self) -> float:
        """Body scale in pixels: the distance between the shoulder joints, but at least
        half the torso length (shoulders to hips) so that a side view keeps a body size."""
        joints = float(np.linalg.norm(self.points[L_SHOULDER] - self.points[R_SHOULDER]))
        sh = self.shoulder_mid
        hips = (self.points[L_HIP] + self.points[R_HIP]) / 2
        return max(joints, 0.5 * float(np.linalg.norm(hips - sh)))


@cache
def _estimator() -> Any:
    import mediapipe as mp

    return quiet_graph(lambda: mp.solutions.pose.Pose(
        static_image_mode=True, model_complexity=1, enable_segmentation=True,
        min_detection_confidence=0.4))


def detect_pose(img: NDArray[np.uint8]) -> Pose | None:
    """The pose of the main person in an HxWx3 uint8 RGB image, or None when no body is
    found (or the shoulders are not visible)."""
    h, w = img.shape[:2]
    result = _estimator().process(np.ascontiguousarray(img))
    if result.pose_landmarks is None:
        return None
    marks = result.pose_landmarks.landmark
    pts = np.array([(m.x * w, m.y * h) for m in marks], np.float32)
    vis = np.array([m.visibility for m in marks], np.float32)
    if min(vis[L_SHOULDER], vis[R_SHOULDER]) < 0.3:
        return None
    seg = result.segmentation_mask
    own = None if seg is None else np.clip(np.asarray(seg, np.float32), 0.0, 1.0)
    return Pose(pts, vis, own)
