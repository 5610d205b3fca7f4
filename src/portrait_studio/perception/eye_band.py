"""The upright "work" copy of a face's eye band, and the way back to the image.

Eyeglass frames are found (:mod:`portrait_studio.perception.glasses`) on a fixed-size copy of
the eye band: the outer eye corners level and ``UNIT`` px apart, their midpoint at
(``WORK_W`` / 2, ``EYE_ROW``), so sizes there are in eye-distance hundredths whatever the
photo's resolution. Images are HxWx3 uint8 RGB; landmarks 478x2 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import landmarks as lm

UNIT = 100.0                 # work image: eye distance (outer corners) in px
WORK_W, WORK_H, EYE_ROW = 260, 170, 90


@dataclass(frozen=True)
class EyeBand:
    """The upright eye band (WORK_H x WORK_W): RGB uint8, L* (0..100 float32), the
    landmarks in its px and the 2x3 image->work map."""

    rgb: np.ndarray
    light: np.ndarray
    points: np.ndarray
    matrix: np.ndarray


def _upright_matrix(points: np.ndarray) -> np.ndarray:
    """2x3 similarity: image -> work (outer eye corners level, ``UNIT`` px apart)."""
    a = points[lm.RIGHT_EYE_OUTER].astype(np.float64)
    b = points[lm.LEFT_EYE_OUTER].astype(np.float64)
    turn = -np.arctan2(b[1] - a[1], b[0] - a[0])
    zoom = UNIT / max(float(np.hypot(*(b - a))), 8.0)
    rot = zoom * np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    shift = np.array([WORK_W / 2, EYE_ROW]) - rot @ ((a + b) / 2)
    return np.hstack([rot, shift[:, None]])


def _work_box(m: np.ndarray, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """Image box (x0, y0, x1, y1) that the work window ``m`` (image -> work) sees."""
    inv = cv2.invertAffineTransform(m)
    corners = np.array([[0, 0], [WORK_W, 0], [0, WORK_H], [WORK_W, WORK_H]], np.float64)
    pts = corners @ inv[:, :2].T + inv[:, 2]
    x0, y0 = np.clip(np.floor(pts.min(axis=0)).astype(int) - 2, 0, None)
    x1 = int(np.clip(np.ceil(pts[:, 0].max()) + 3, 0, shape[1]))
    y1 = int(np.clip(np.ceil(pts[:, 1].max()) + 3, 0, shape[0]))
    return int(min(x0, x1)), int(min(y0, y1)), x1, y1


def upright(img: np.ndarray, points: np.ndarray) -> EyeBand:
    """The work copy of the eye band of ``img`` (HxWx3 uint8 RGB) with the face ``points``
    (478x2 image px); large faces are area-shrunk first so thin lines are not aliased away."""
    m = _upright_matrix(points)
    x0, y0, x1, y1 = _work_box(m, img.shape)
    src = np.ascontiguousarray(img[y0:max(y1, y0 + 1), x0:max(x1, x0 + 1)])
    pre = np.array([[1.0, 0, x0], [0, 1.0, y0], [0, 0, 1]])
    zoom = float(np.hypot(*m[:, 0]))
    if zoom < 0.8 and min(src.shape[:2]) > 8:
        small = cv2.resize(src, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_AREA)
        pre = pre @ np.diag([src.shape[1] / small.shape[1], src.shape[0] / small.shape[0], 1])
        src = small
    full = np.vstack([m, [0, 0, 1]]) @ pre
    rgb = cv2.warpAffine(src, full[:2], (WORK_W, WORK_H), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
    light = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[..., 0].astype(np.float32) * np.float32(100 / 255)
    work_pts = (points.astype(np.float64) @ m[:, :2].T + m[:, 2]).astype(np.float32)
    return EyeBand(rgb, light, work_pts, m)


def to_image(mask: np.ndarray, work: EyeBand, shape: tuple[int, ...]) -> np.ndarray:
    """The work-frame ``mask`` (WORK_H x WORK_W bool) mapped back onto an image of ``shape``
    (HxW bool), only over its box."""
    out = np.zeros(shape[:2], bool)
    back = field_to_image(mask.astype(np.float32), mask, work, shape)
    if back is not None:
        box, soft = back
        out[box] = soft > 0.4
    return out


def field_to_image(field: np.ndarray, where: np.ndarray, work: EyeBand,
                   shape: tuple[int, ...]) -> tuple[tuple[slice, slice], np.ndarray] | None:
    """The work-frame ``field`` (WORK_H x WORK_W, float32, any channels) mapped back onto
    an image of ``shape`` over the box holding the ``where`` pixels (HxW bool): that box
    (image slices) and the field there (bilinear); None when the box is empty."""
    ys, xs = np.nonzero(where)
    if len(xs) == 0:
        return None
    inv = cv2.invertAffineTransform(work.matrix)
    corners = np.array([[xs.min() - 1, ys.min() - 1], [xs.max() + 2, ys.min() - 1],
                        [xs.min() - 1, ys.max() + 2], [xs.max() + 2, ys.max() + 2]], np.float64)
    img_pts = corners @ inv[:, :2].T + inv[:, 2]
    x0, y0 = np.maximum(np.floor(img_pts.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(img_pts.max(axis=0)).astype(int) + 1, [shape[1], shape[0]])
    if x1 <= x0 or y1 <= y0:
        return None
    to_box = work.matrix.copy()
    to_box[:, 2] += work.matrix[:, :2] @ np.array([x0, y0], np.float64)
    back = cv2.warpAffine(field, to_box, (int(x1 - x0), int(y1 - y0)),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    return (slice(int(y0), int(y1)), slice(int(x0), int(x1))), back
