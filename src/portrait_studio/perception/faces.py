"""Faces in an image: MediaPipe BlazeFace detection (short and full range) + 478-point mesh.

Detection runs both BlazeFace models on the whole image (and on overlapping tiles of large
images so that small faces in group photos are found), merges the boxes, then runs the
attention face mesh on a square crop around every box, so each face gets its mesh at a useful
resolution however small it is in the image. Images are HxWx3 uint8 RGB throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import cv2
import numpy as np

from ..errors import FaceRectInvalid, NoFaceDetected
from ..models.mediapipe_runtime import quiet_graph
from . import landmarks as lm
from .graphs import BUILD_LOCK, graph_slot, register

MESH_CROP = 256
MIN_RECT_SIDE = 30


@dataclass(frozen=True)
class Box:
    """Axis-aligned rectangle in pixels (x, y = top-left)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def area(self) -> float:
        return max(0.0, self.w) * max(0.0, self.h)

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def intersection(self, other: Box) -> float:
        ix = min(self.x + self.w, other.x + other.w) - max(self.x, other.x)
        iy = min(self.y + self.h, other.y + other.h) - max(self.y, other.y)
        return max(0.0, ix) * max(0.0, iy)

    def iou(self, other: Box) -> float:
        inter = self.intersection(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def as_ints(self) -> tuple[int, int, int, int]:
        return round(self.x), round(self.y), round(self.w), round(self.h)


@dataclass(frozen=True)
class Face:
    """One detected face.

    ``landmarks`` is 478x2 float32 (x, y) in image pixels; ``depth`` is 478 float32 relative
    depth (MediaPipe z scaled to pixels, smaller = closer to the camera).
    """

    box: Box
    score: float
    landmarks: np.ndarray
    depth: np.ndarray

    @property
    def size(self) -> float:
        """Shorter side of the mesh bounding box in pixels."""
        return min(self.box.w, self.box.h)

    @property
    def yaw(self) -> float:
        """Signed head yaw estimate in [-1, 1]: >0 when the nose points to the image right."""
        return yaw_of(self.landmarks)


def mirror_points(points: np.ndarray, width: int) -> np.ndarray:
    """Landmarks of the horizontally flipped image (x -> width-1-x), re-indexed so each index
    still names the same facial point (the subject's right eye stays index 33)."""
    flipped = points.copy()
    flipped[:, 0] = width - 1 - flipped[:, 0]
    order = list(lm.MIRROR) + list(lm.IRIS_MIRROR[: len(points) - 468])
    return flipped[order]


def mirror_face(face: Face, width: int) -> Face:
    """The same face in the horizontally flipped image."""
    box = Box(width - face.box.x - face.box.w, face.box.y, face.box.w, face.box.h)
    order = list(lm.MIRROR) + list(lm.IRIS_MIRROR[: len(face.depth) - 468])
    return Face(box, face.score, mirror_points(face.landmarks, width), face.depth[order])


def yaw_of(points: np.ndarray) -> float:
    """Yaw proxy from the nose tip position between the two cheek extremes (-1..1)."""
    right = points[lm.RIGHT_CHEEK, 0]
    left = points[lm.LEFT_CHEEK, 0]
    nose = points[lm.NOSE_TIP, 0]
    span = max(1e-6, left - right)
    return float(np.clip(2.0 * (nose - right) / span - 1.0, -1.0, 1.0))


def _detector(model_selection: int) -> Any:
    return _detector_in(model_selection, graph_slot())


def _mesher() -> Any:
    return _mesher_in(graph_slot())


@cache
def _detector_in(model_selection: int, slot: int) -> Any:
    import mediapipe as mp

    with BUILD_LOCK:
        return quiet_graph(lambda: mp.solutions.face_detection.FaceDetection(
            model_selection=model_selection, min_detection_confidence=0.5))


@cache
def _mesher_in(slot: int) -> Any:
    import mediapipe as mp

    with BUILD_LOCK:
        return quiet_graph(lambda: mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True, max_num_faces=1, refine_landmarks=True,
            min_detection_confidence=0.4))


def _build_graphs(slot: int) -> None:
    _detector_in(0, slot), _detector_in(1, slot), _mesher_in(slot)


register(_build_graphs)


def _detect_boxes(img: np.ndarray, model: int, offset: tuple[int, int] = (0, 0)) -> list[
        tuple[Box, float]]:
    h, w = img.shape[:2]
    result = _detector(model).process(np.ascontiguousarray(img))
    found: list[tuple[Box, float]] = []
    for det in result.detections or []:
        rb = det.location_data.relative_bounding_box
        box = Box(rb.xmin * w + offset[0], rb.ymin * h + offset[1], rb.width * w, rb.height * h)
        found.append((box, float(det.score[0])))
    return found


def _tiles(h: int, w: int, size: int) -> list[tuple[int, int, int, int]]:
    step = int(size * 0.75)
    ys = list(range(0, max(1, h - size) + 1, step)) or [0]
    xs = list(range(0, max(1, w - size) + 1, step)) or [0]
    if ys[-1] + size < h:
        ys.append(h - size)
    if xs[-1] + size < w:
        xs.append(w - size)
    return [(x, y, min(size, w - x), min(size, h - y)) for y in ys for x in xs]


DETECT_SIDE = 640  # BlazeFace sees 128/192 px: detect on a copy at most this large


def shrink(img: np.ndarray, k: int) -> np.ndarray:
    """``img`` reduced k times by block averaging (OpenCV's fast integer INTER_AREA path; the
    last ``side % k`` rows/columns are left out, which the caller's ``side / k`` mapping of
    coordinates accounts for to within k px)."""
    if k <= 1:
        return img
    h, w = img.shape[:2]
    crop = img[:h // k * k, :w // k * k]
    return cv2.resize(crop, (w // k, h // k), interpolation=cv2.INTER_AREA)


def _detect_scaled(img: np.ndarray, model: int, factor: float,
                   offset: tuple[int, int] = (0, 0)) -> list[tuple[Box, float]]:
    """:func:`_detect_boxes` on ``img`` (a ``factor``-scaled copy), boxes in full pixels."""
    found = _detect_boxes(img, model)
    return [(Box(b.x / factor + offset[0], b.y / factor + offset[1], b.w / factor, b.h / factor),
             s) for b, s in found]


CONFIDENT = 0.8  # a short-range score this high: the full-range model adds nothing (it
# won the merge on 3 of 76 corpus portraits, by a box that differed by a few px)


def detection_copy(img: np.ndarray) -> tuple[np.ndarray, int]:
    """The copy of an HxWx3 uint8 RGB image that detection runs on (at most DETECT_SIDE px per
    side, block-averaged) and its integer reduction factor."""
    k = -(-max(img.shape[:2]) // DETECT_SIDE)
    return shrink(img, k), k


def candidate_boxes(img: np.ndarray, tiles: bool = True,
                    copy: tuple[np.ndarray, int] | None = None) -> list[tuple[Box, float]]:
    """Face boxes from both detectors on the whole image and, for large images with
    ``tiles``, on overlapping tiles (small faces of group photos). Detection runs on a copy
    of at most DETECT_SIDE px per side (``copy``: :func:`detection_copy` of ``img`` when the
    caller has it); tiles keep at least the detector's input size. Without ``tiles`` (only
    the largest face is wanted) the full-range model runs only when the short-range one finds
    no face with a score of at least CONFIDENT."""
    h, w = img.shape[:2]
    small, k = copy if copy is not None else detection_copy(img)
    found = _detect_scaled(small, 0, 1.0 / k)
    if tiles or max((s for _, s in found), default=0.0) < CONFIDENT:
        found += _detect_scaled(small, 1, 1.0 / k)
    if tiles and max(h, w) > 900:
        size = max(480, min(h, w) // 2)
        tk = max(1, size // 256)  # the tile copy stays larger than the detector's input
        for x, y, tw, th in _tiles(h, w, size):
            found += _detect_scaled(shrink(img[y:y + th, x:x + tw], tk), 1, 1.0 / tk, (x, y))
    return _nms(found)


def _nms(found: list[tuple[Box, float]], thresh: float = 0.3) -> list[tuple[Box, float]]:
    kept: list[tuple[Box, float]] = []
    for box, score in sorted(found, key=lambda bs: -bs[1]):
        overlap = [k for k in kept if k[0].intersection(box) > thresh * min(k[0].area, box.area)]
        if not overlap:
            kept.append((box, score))
    return kept


def _crop_square(img: np.ndarray, box: Box, scale: float = 2.2) -> tuple[np.ndarray, float, float,
                                                                         float]:
    cx, cy = box.center
    side = max(box.w, box.h) * scale
    x0, y0 = cx - side / 2, cy - side / 2
    factor = MESH_CROP / side
    m = np.array([[factor, 0, -x0 * factor], [0, factor, -y0 * factor]], dtype=np.float64)
    crop = cv2.warpAffine(img, m, (MESH_CROP, MESH_CROP), flags=cv2.INTER_AREA
                          if factor < 1 else cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return crop, x0, y0, factor


def mesh_in_box(img: np.ndarray, box: Box) -> tuple[np.ndarray, np.ndarray] | None:
    """478x2 landmarks and 478 depths (image pixels) of the face around ``box``, or None."""
    crop, x0, y0, factor = _crop_square(img, box)
    result = _mesher().process(crop)
    if not result.multi_face_landmarks:
        return None
    pts = np.array([(p.x, p.y, p.z) for p in result.multi_face_landmarks[0].landmark],
                   dtype=np.float32)
    xy = pts[:, :2] * MESH_CROP / factor + np.array([x0, y0], dtype=np.float32)
    depth = pts[:, 2] * MESH_CROP / factor
    return xy.astype(np.float32), depth.astype(np.float32)


def _mesh_box(points: np.ndarray) -> Box:
    x0, y0 = points[:468].min(axis=0)
    x1, y1 = points[:468].max(axis=0)
    return Box(float(x0), float(y0), float(x1 - x0), float(y1 - y0))


def detect_faces(img: np.ndarray, max_faces: int = 16, tiles: bool = True,
                 copy: tuple[np.ndarray, int] | None = None) -> list[Face]:
    """All faces in an HxWx3 uint8 RGB image, each with its mesh, sorted largest first.
    ``tiles=False`` skips the tile pass of large images: enough when only the largest face
    is wanted (small faces of group photos may then be missed). ``copy``: the image's
    :func:`detection_copy` when the caller already made it."""
    faces: list[Face] = []
    for box, score in candidate_boxes(img, tiles, copy)[: max_faces * 2]:
        meshed = mesh_in_box(img, box)
        if meshed is None:
            continue
        mbox = _mesh_box(meshed[0])
        if mbox.intersection(box) < 0.3 * min(mbox.area, box.area):
            continue
        if any(f.box.iou(mbox) > 0.4 for f in faces):
            continue
        faces.append(Face(mbox, score, meshed[0], meshed[1]))
    faces.sort(key=lambda f: -f.box.area)
    return faces[:max_faces]


def require_faces(img: np.ndarray, *, field: str | None = None, tiles: bool = True,
                  copy: tuple[np.ndarray, int] | None = None) -> list[Face]:
    """:func:`detect_faces`, raising :class:`NoFaceDetected` when there is none."""
    faces = detect_faces(img, tiles=tiles, copy=copy)
    if not faces:
        raise NoFaceDetected(f"no face detected in {field or 'the image'}", field=field)
    return faces


def select_face(faces: list[Face], rect: Box, *, field: str | None = None) -> Face:
    """The face whose box overlaps ``rect`` most (FaceRect semantics)."""
    if rect.w < MIN_RECT_SIDE or rect.h < MIN_RECT_SIDE:
        raise FaceRectInvalid(
            f"{field or 'FaceRect'} is {rect.w:g}x{rect.h:g}; Width and Height must be at "
            f"least {MIN_RECT_SIDE} px", field=field)
    scored = [(f.box.intersection(rect), f) for f in faces]
    best = max(scored, key=lambda sf: sf[0], default=(0.0, None))
    if best[1] is None or best[0] <= 0:
        raise FaceRectInvalid(
            f"{field or 'FaceRect'} ({rect.x:g},{rect.y:g},{rect.w:g}x{rect.h:g}) does not "
            "overlap any detected face", field=field)
    return best[1]
