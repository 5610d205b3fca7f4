"""Soft region masks from the 478-point face mesh, at image (or region) resolution.

All masks are HxW float32 in [0, 1]. ``points`` are 478x2 landmarks in the same pixel frame as
the requested ``shape`` (subtract a region's offset first to work inside a crop).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, overload

import cv2
import numpy as np

from ..imaging.blend import feather
from . import landmarks as lm


def polygon_mask(points: np.ndarray, shape: tuple[int, ...], soften: float = 0.0) -> np.ndarray:
    """Filled polygon (anti-aliased, sub-pixel) softened by ``soften`` pixels. Only the
    polygon's bounding box plus the blur's reach is computed (the mask is 0 beyond it), and
    widely softened masks are drawn on a reduced grid and resized (identical to the eye,
    much cheaper)."""
    h, w = shape[:2]
    factor = max(1, int(soften // 3))
    pad = int(soften) + 2 * factor + 2
    lo = np.floor(points.min(axis=0)).astype(int) - pad
    hi = np.ceil(points.max(axis=0)).astype(int) + pad + 1
    x0, y0 = max(0, int(lo[0]) // factor * factor), max(0, int(lo[1]) // factor * factor)
    x1, y1 = min(w, int(hi[0])), min(h, int(hi[1]))
    out = np.zeros((h, w), np.float32)
    if x1 > x0 and y1 > y0:
        offset = np.array([x0, y0], np.float32)
        out[y0:y1, x0:x1] = _polygon_in(points - offset, (y1 - y0, x1 - x0), soften, factor)
    return out


def _polygon_in(points: np.ndarray, shape: tuple[int, int], soften: float,
                factor: int) -> np.ndarray:
    h, w = shape
    small = (max(1, -(-h // factor)), max(1, -(-w // factor)))
    mask = np.zeros(small, dtype=np.uint8)
    poly = np.round((points + 0.5) / factor * 16 - 8).astype(np.int32)
    cv2.fillPoly(mask, [poly], 255, lineType=cv2.LINE_AA, shift=4)
    soft = feather(mask.astype(np.float32) / 255.0, soften / factor)
    if factor == 1:
        return soft
    return cv2.resize(soft, (small[1] * factor, small[0] * factor),
                      interpolation=cv2.INTER_LINEAR)[:h, :w]


def face_scale(points: np.ndarray) -> float:
    """Inter-ocular distance in pixels (outer eye corners): the face's natural unit."""
    return float(np.linalg.norm(points[lm.RIGHT_EYE_OUTER] - points[lm.LEFT_EYE_OUTER]))


def region_mask(points: np.ndarray, ring: tuple[int, ...], shape: tuple[int, ...],
                grow: float, soften: float) -> np.ndarray:
    """HxW float32 mask of the landmark ring ``ring`` grown by ``grow`` about its centroid,
    softened by ``soften`` px."""
    poly = points[list(ring)]
    centre = poly.mean(axis=0)
    return polygon_mask(centre + (poly - centre) * grow, shape, soften)


T = TypeVar("T")


class _kept(Generic[T]):
    """A property computed on first use and kept in the instance (as
    ``functools.cached_property``, without its lock: on Python 3.11 that lock is one per
    property for all instances, so the user half of a face swap on the helper thread waited
    while the main thread drew another face's masks of the same name). Two threads reading
    one instance's mask at once may both draw it: the same values, one kept."""

    def __init__(self, fn: Callable[[FaceRegions], T]) -> None:
        self._fn, self._name = fn, fn.__name__
        self.__doc__ = fn.__doc__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _kept[T]: ...

    @overload
    def __get__(self, obj: FaceRegions, owner: type | None = None) -> T: ...

    def __get__(self, obj: FaceRegions | None, owner: type | None = None) -> T | _kept[T]:
        if obj is None:
            return self
        # (once kept, the instance's own attribute is found first: no call here)
        value = obj.__dict__[self._name] = self._fn(obj)
        return value


class FaceRegions:
    """Soft masks of one face: oval, skin (oval minus features), eyes, brows, lips, mouth,
    nose. Each mask is drawn on first use and kept (callers often need only one or two)."""

    def __init__(self, points: np.ndarray, shape: tuple[int, ...]) -> None:
        self._points, self._shape = points, tuple(shape[:2])
        self._soft = max(face_scale(points), 8.0) * 0.04

    def _pair(self, right: tuple[int, ...], left: tuple[int, ...], grow: float) -> np.ndarray:
        pair: np.ndarray = np.maximum(
            region_mask(self._points, right, self._shape, grow, self._soft),
            region_mask(self._points, left, self._shape, grow, self._soft))
        return pair

    @_kept
    def eyes(self) -> np.ndarray:
        return self._pair(lm.RIGHT_EYE, lm.LEFT_EYE, 1.35)

    @_kept
    def brows(self) -> np.ndarray:
        return self._pair(lm.RIGHT_BROW, lm.LEFT_BROW, 1.25)

    @_kept
    def lips(self) -> np.ndarray:
        return region_mask(self._points, lm.LIPS_OUTER, self._shape, 1.08, self._soft)

    @_kept
    def mouth_inner(self) -> np.ndarray:
        return region_mask(self._points, lm.LIPS_INNER, self._shape, 1.0, self._soft * 0.5)

    @_kept
    def nose(self) -> np.ndarray:
        return region_mask(self._points, lm.NOSTRILS, self._shape, 1.1, self._soft)

    @_kept
    def oval(self) -> np.ndarray:
        return region_mask(self._points, lm.FACE_OVAL, self._shape, 1.0, self._soft)

    @_kept
    def features(self) -> np.ndarray:
        """Eyes, brows, lips and nose together (their maximum)."""
        out: np.ndarray = np.maximum(self.eyes, self.brows)  # in place after the first: no 4xHxW stack
        np.maximum(out, self.lips, out=out)
        np.maximum(out, self.nose, out=out)
        return out

    @_kept
    def skin(self) -> np.ndarray:
        skin: np.ndarray = np.clip(self.oval - self.features, 0.0, 1.0)
        return skin


def face_regions(points: np.ndarray, shape: tuple[int, ...]) -> FaceRegions:
    """Every region mask of the face whose landmarks are ``points`` (drawn lazily)."""
    return FaceRegions(points, shape)


def cheek_mask(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Discs on both cheeks (below the eyes, beside the nose): the most reliable skin sample,
    rarely covered by hair, scarves, glasses or beards."""
    scale = max(face_scale(points), 8.0)
    mask = np.zeros(shape[:2], np.uint8)
    for idx in lm.CHEEK_SAMPLE_POINTS:
        x, y = points[idx]
        cv2.circle(mask, (round(x), round(y)), max(1, int(scale * 0.09)), 255, -1)
    return mask.astype(np.float32) / 255.0


def above_brows(points: np.ndarray, shape: tuple[int, ...], soften: float) -> np.ndarray:
    """1 above the brow line (forehead and hair), 0 below, softened by ``soften`` px."""
    brow_y = float(points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min())
    return row_ramp(shape, brow_y, soften, above=True, centred=True)


def row_ramp(shape: tuple[int, ...], row: float, width: float, *, above: bool = False,
             centred: bool = False) -> np.ndarray:
    """HxW float32 0..1 by rows: 1 below ``row`` (``above``: above it), 0 on its other side,
    rising over ``width`` rows (at least one) that start at ``row`` or, ``centred``, are
    centred on it."""
    ys = np.arange(shape[0], dtype=np.float32)[:, None]
    step = (row - ys if above else ys - row) / max(width, 1.0)
    band = np.clip(step + 0.5 if centred else step, 0.0, 1.0)
    return np.broadcast_to(band, shape[:2]).astype(np.float32)


def swap_polygon(points: np.ndarray, forehead_keep: float = 0.55, shrink: float = 0.97) -> (
        np.ndarray):
    """Outline of the region a face swap replaces: the mesh oval, shrunk slightly toward the
    centre, with the upper forehead lowered so only ``forehead_keep`` of the brow-to-oval
    height is taken (no hairline is ever carried over)."""
    oval = points[list(lm.FACE_OVAL)].astype(np.float32).copy()
    brow_y = float(points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min())
    upper = oval[:, 1] < brow_y
    oval[upper, 1] = brow_y - (brow_y - oval[upper, 1]) * forehead_keep
    centre = points[lm.NOSE_TIP].astype(np.float32)
    polygon: np.ndarray = centre + (oval - centre) * shrink
    return polygon


def eye_openness(points: np.ndarray) -> tuple[float, float]:
    """Eye aspect ratios (opening / width) of the subject's right and left eyes."""
    def ratio(top: int, bottom: int, a: int, b: int) -> float:
        width = float(np.linalg.norm(points[a] - points[b]))
        return float(np.linalg.norm(points[top] - points[bottom])) / max(width, 1e-6)

    return (ratio(lm.RIGHT_EYE_TOP, lm.RIGHT_EYE_BOTTOM, lm.RIGHT_EYE_OUTER, lm.RIGHT_EYE_INNER),
            ratio(lm.LEFT_EYE_TOP, lm.LEFT_EYE_BOTTOM, lm.LEFT_EYE_OUTER, lm.LEFT_EYE_INNER))


def mouth_openness(points: np.ndarray) -> float:
    """Inner-lip gap divided by mouth width."""
    gap = float(np.linalg.norm(points[lm.UPPER_LIP_INNER] - points[lm.LOWER_LIP_INNER]))
    width = float(np.linalg.norm(points[lm.MOUTH_RIGHT] - points[lm.MOUTH_LEFT]))
    return gap / max(width, 1e-6)


def half_face_map(points: np.ndarray, shape: tuple[int, ...], sign: float) -> np.ndarray:
    """0..1 map of the face half on the ``sign`` side of the nose line (+1: the subject's left,
    landmark 454's side), ramping up across the line over 0.15 eye distances (HxW float32)."""
    top, bottom = points[168], points[lm.CHIN]
    normal = np.array([bottom[1] - top[1], top[0] - bottom[0]], np.float32)
    normal /= max(float(np.linalg.norm(normal)), 1e-6)
    if np.dot(points[lm.LEFT_CHEEK] - top, normal) < 0:
        normal = -normal
    xs = np.arange(shape[1], dtype=np.float32)[None, :]
    ys = np.arange(shape[0], dtype=np.float32)[:, None]
    dist = (xs - top[0]) * np.float32(normal[0]) + (ys - top[1]) * np.float32(normal[1])
    ramp = 0.15 * max(face_scale(points), 8.0)
    half: np.ndarray = np.clip(sign * dist / ramp, 0.0, 1.0).astype(np.float32)
    return half
