"""Portrait framing: a head-and-shoulders crop around the face, resized to the output size.

The face is centred horizontally, the eyes sit :data:`EYE_LINE` of the height from the top and
the face (mesh forehead to chin) fills :data:`FACE_SHARE` of the height (less when the frame is
too narrow for that: the face width stays within :data:`MAX_FACE_WIDTH` of the width). Where
the crop leaves the photo, a thin band of reflection turns into a smooth continuation of the
photo's edge colours, so no mirrored head is read as a second person. Images are HxWx3 uint8 RGB; points Nx2 float32 (x, y) pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...perception.faces import Box, Face, detect_faces, mesh_in_box

Image = NDArray[np.uint8]
EYE_LINE = 0.40
FACE_SHARE = 0.40
MAX_FACE_WIDTH = 0.62
DETECT_SIDE = 896
EYES = (33, 133, 362, 263)


@dataclass(frozen=True)
class Framing:
    """The framed picture (``image``, HxWx3 uint8 RGB at output size), the face landmarks in
    it (478x2 float32, None without a face), the face box [x, y, w, h] in output pixels, the
    scale (output pixels per input pixel) and the share of the frame filled by padding."""

    image: Image
    points: NDArray[np.float32] | None
    box: tuple[int, int, int, int] | None
    scale: float
    padded: float


def find_face(img: Image) -> Face | None:
    """The largest face of ``img`` (detected on a copy of at most 896 px), in ``img`` pixels."""
    h, w = img.shape[:2]
    f = min(1.0, DETECT_SIDE / max(h, w))
    small = img if f >= 1.0 else np.asarray(cv2.resize(
        img, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA), np.uint8)
    faces = detect_faces(small, max_faces=4)
    if not faces:
        return None
    face = faces[0]
    b = face.box
    return Face(Box(b.x / f, b.y / f, b.w / f, b.h / f), face.score,
                (face.landmarks / f).astype(np.float32), (face.depth / f).astype(np.float32))


def face_transform(points: NDArray[np.float32], size: tuple[int, int]) -> NDArray[np.float64]:
    """2x3 matrix (input -> output pixels) that frames the face of ``points`` in ``size``."""
    w, h = size
    core = points[:468]
    face_h = float(np.ptp(core[:, 1]))
    face_w = float(np.ptp(core[:, 0]))
    s = min(FACE_SHARE * h / max(face_h, 1.0), MAX_FACE_WIDTH * w / max(face_w, 1.0))
    cx = float(core[:, 0].min() + core[:, 0].max()) / 2
    eye_y = float(points[list(EYES), 1].mean())
    return np.array([[s, 0.0, w / 2 - s * cx], [0.0, s, EYE_LINE * h - s * eye_y]])


def cover_transform(shape: tuple[int, ...], size: tuple[int, int]) -> NDArray[np.float64]:
    """2x3 matrix scaling an image of ``shape`` to cover ``size`` (centre crop, no face)."""
    w, h = size
    s = max(w / shape[1], h / shape[0])
    c = (s - 1.0) / 2  # pixel centres line up (OpenCV maps pixel indexes)
    return np.array([[s, 0.0, (w - s * shape[1]) / 2 + c], [0.0, s, (h - s * shape[0]) / 2 + c]])


def warp(img: Image, m: NDArray[np.float64], size: tuple[int, int]) -> tuple[Image, float]:
    """``img`` through ``m`` at ``size`` with a blurred-reflection border; (image, padded
    share). Shrinking first goes through an area filter so nothing aliases."""
    s = float(m[0, 0])
    src, mm = img, m.copy()
    if s < 0.8:
        src = np.asarray(cv2.resize(img, (max(1, round(img.shape[1] * s)),
                                          max(1, round(img.shape[0] * s))),
                                    interpolation=cv2.INTER_AREA), np.uint8)
        mm[:, :2] = np.eye(2)  # already scaled: only the translation is left
    out = cv2.warpAffine(src, mm, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT_101)
    inside = np.asarray(cv2.warpAffine(np.ones(src.shape[:2], np.float32), mm, size,
                                       flags=cv2.INTER_LINEAR,
                                       borderMode=cv2.BORDER_CONSTANT, borderValue=0),
                        np.float32)
    padded = float((inside < 0.5).mean())
    if padded > 0.002:
        bottom = int(np.ceil(mm[1, 2] + mm[1, 1] * src.shape[0]))
        down = _downward(src, mm, size, bottom)
        out = _soften_padding(np.asarray(out, np.uint8), inside, down, bottom)
    return np.asarray(out, np.uint8), padded


def _downward(src: Image, m: NDArray[np.float64], size: tuple[int, int], bottom: int
              ) -> NDArray[np.float32] | None:
    """Below the photo: its bottom row continued downward (clothes go on), softened
    sideways and darkening a little with distance; None when nothing is below."""
    if bottom >= size[1]:
        return None
    rep = cv2.warpAffine(src, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    k = max(3, int(min(size) * 0.12)) | 1
    soft = cv2.GaussianBlur(cv2.blur(rep, (k, 1)), (0, 0), k / 12).astype(np.float32)
    ys = np.clip((np.arange(size[1], dtype=np.float32) - bottom) / (0.25 * size[1]), 0, 1)
    return np.asarray(soft * (1.0 - 0.18 * ys)[:, None, None], np.float32)


def _soften_padding(img: Image, inside: NDArray[np.float32], down: NDArray[np.float32] | None,
                    bottom: int) -> Image:
    """Past a thin band of reflection, the border becomes a smooth continuation of the photo's
    edge colours (pyramid fill at the sides and top, the bottom row continued below), so no
    mirrored head or shoulder shows."""
    side = min(img.shape[:2])
    dist = cv2.distanceTransform((inside < 0.5).astype(np.uint8), cv2.DIST_L2, 5)
    t = np.clip(dist / (0.04 * side), 0.0, 1.0)
    fill = _edge_fill(img, inside, side)
    if down is not None:
        fill[max(0, bottom):] = down[max(0, bottom):]
        t[max(0, bottom):] = np.clip(dist[max(0, bottom):] / (0.1 * side), 0.0, 1.0)
    t = t[..., None]
    out = img * (1 - t) + fill * t
    return np.asarray(np.clip(out + 0.5, 0, 255), np.uint8)


def _edge_fill(img: Image, inside: NDArray[np.float32], side: int) -> NDArray[np.float32]:
    """HxWx3 float32: the photo's edge colours spread outward (pyramid push-pull at 1/8 size:
    every outside pixel takes the nearest photo colours, smoothly)."""
    h, w = img.shape[:2]
    small = (max(1, w // 8), max(1, h // 8))
    m = np.asarray(cv2.resize(inside, small, interpolation=cv2.INTER_AREA), np.float32)
    x = np.asarray(cv2.resize(img, small, interpolation=cv2.INTER_AREA), np.float32)
    fill = cv2.GaussianBlur(_push_pull(x, m), (0, 0), max(1.0, side / 8 * 0.01))
    return np.asarray(cv2.resize(fill, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)


def _push_pull(x: NDArray[np.float32], m: NDArray[np.float32]) -> NDArray[np.float32]:
    """``x`` where ``m`` is 1, holes filled from ever coarser mask-normalised levels."""
    if min(m.shape) <= 2 or float(m.min()) > 0.999:
        return x
    xs = np.asarray(cv2.pyrDown(x * m[..., None]), np.float32)
    ms = np.asarray(cv2.pyrDown(m), np.float32)
    coarse = _push_pull(np.asarray(xs / np.maximum(ms, 1e-4)[..., None], np.float32),
                        np.asarray(np.clip(ms * 2.0, 0.0, 1.0), np.float32))
    up = cv2.pyrUp(coarse, dstsize=(x.shape[1], x.shape[0]))
    return np.asarray(x * m[..., None] + up * (1.0 - m[..., None]), np.float32)


def frame_portrait(img: Image, size: tuple[int, int], face: Face | None) -> Framing:
    """``img`` framed as a portrait at ``size`` = (width, height) around ``face`` (centre
    crop when None); the landmarks are re-measured on the framed picture."""
    m = face_transform(face.landmarks, size) if face is not None else cover_transform(
        img.shape, size)
    out, padded = warp(img, m, size)
    if face is None:
        return Framing(out, None, None, float(m[0, 0]), padded)
    points = (face.landmarks @ m[:, :2].T + m[:, 2]).astype(np.float32)
    points = _refine(out, points)
    lo, hi = points[:468].min(axis=0), points[:468].max(axis=0)
    box = (round(lo[0]), round(lo[1]), round(hi[0] - lo[0]),
           round(hi[1] - lo[1]))
    return Framing(out, points, box, float(m[0, 0]), padded)


def _refine(img: Image, points: NDArray[np.float32]) -> NDArray[np.float32]:
    """The mesh measured again on the framed picture (mapped points if the mesh fails)."""
    lo, hi = points[:468].min(axis=0), points[:468].max(axis=0)
    found = mesh_in_box(img, Box(float(lo[0]), float(lo[1]), float(hi[0] - lo[0]),
                                 float(hi[1] - lo[1])))
    return points if found is None else np.asarray(found[0], np.float32)
