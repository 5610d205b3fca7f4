"""Eye effects for illustrated styles: local magnification ("large eyes") and catchlights.

Images are HxWx3 uint8 RGB; landmarks 478x2 float32 (refined mesh with iris points) in the
same pixels. Works on small regions around each eye only.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...perception import landmarks as lm
from .toolkit import Image, ink

Points = NDArray[np.float32]
EYES = (lm.RIGHT_EYE, lm.LEFT_EYE)


def _eye_centre_radius(points: Points, ring: tuple[int, ...]) -> tuple[NDArray[np.float32], float]:
    eye = points[list(ring)]
    centre = eye.mean(axis=0)
    width = float(np.ptp(eye[:, 0]))
    return centre.astype(np.float32), max(width * 0.95, 1.0)


def _magnify(img: Image, centre: NDArray[np.float32], radius: float, factor: float) -> None:
    """In-place radial magnification by ``factor`` at the centre, fading to 1 at ``radius``."""
    x0, y0 = (np.floor(centre - radius)).astype(int)
    x1, y1 = (np.ceil(centre + radius)).astype(int)
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(img.shape[1], x1), min(img.shape[0], y1)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = xs - centre[0], ys - centre[1]
    r = np.sqrt(dx * dx + dy * dy) / radius
    fall = np.clip(1.0 - r * r, 0.0, 1.0) ** 2
    scale = 1.0 - (1.0 - 1.0 / factor) * fall
    mx, my = centre[0] + dx * scale, centre[1] + dy * scale
    img[y0:y1, x0:x1] = cv2.remap(img, mx, my, cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)


def _move_points(points: Points, centre: NDArray[np.float32], radius: float,
                 factor: float) -> None:
    """Forward-map landmarks near the eye the way :func:`_magnify` moves the pixels."""
    d = points - centre
    r = np.sqrt((d * d).sum(1)) / radius
    fall = np.clip(1.0 - r * r, 0.0, 1.0) ** 2
    grow = 1.0 + (factor - 1.0) * fall
    points[:] = centre + d * grow[:, None]


def enlarge_eyes(img: Image, faces: list[Points], factor: float) -> Image:
    """A copy of ``img`` with both eyes of every face magnified by ``factor``; the landmark
    arrays in ``faces`` are moved accordingly (in place)."""
    out = img.copy()
    for points in faces:
        for ring in EYES:
            centre, radius = _eye_centre_radius(points, ring)
            _magnify(out, centre, radius, factor)
            _move_points(points, centre, radius, factor)
    return out


def catchlights(img: Image, faces: list[Points]) -> Image:
    """Paint a soft white highlight at the upper outer part of each iris."""
    if not faces or faces[0].shape[0] < 478:
        return img
    cover = np.zeros(img.shape[:2], np.float32)
    for points in faces:
        for c, edge in ((lm.RIGHT_IRIS_CENTER, 469), (lm.LEFT_IRIS_CENTER, 474)):
            r = float(np.linalg.norm(points[edge] - points[c]))
            x, y = points[c] + np.array([-0.35 * r, -0.4 * r], np.float32)
            cv2.circle(cover, (int(x), int(y)), max(1, int(r * 0.32)), 1.0, -1, cv2.LINE_AA)
    return ink(img, cover * 0.9, (255, 255, 255))

