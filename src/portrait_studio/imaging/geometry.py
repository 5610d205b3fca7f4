"""Geometry helpers: similarity alignment, dense warp maps, regions of interest.

Points are Nx2 float32 (x, y) in pixels. Warp maps are pairs of HxW float32 arrays for
``cv2.remap`` giving, for every output pixel, where to sample the source image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.interpolate import RBFInterpolator

Maps = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Roi:
    """Integer rectangle [x0, x1) x [y0, y1) inside an image."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.y0, self.y1), slice(self.x0, self.x1)

    @property
    def offset(self) -> np.ndarray:
        return np.array([self.x0, self.y0], dtype=np.float32)


def roi_around(points: np.ndarray, scale: float, shape: tuple[int, ...]) -> Roi:
    """Bounding box of ``points`` grown by ``scale`` about its centre, clipped to the image."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre, half = (lo + hi) / 2, (hi - lo) * scale / 2
    x0, y0 = np.floor(centre - half).astype(int)
    x1, y1 = np.ceil(centre + half).astype(int)
    return Roi(max(0, int(x0)), max(0, int(y0)), min(shape[1], int(x1)), min(shape[0], int(y1)))


def similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2x3 least-squares similarity (rotation, uniform scale, translation) mapping src -> dst."""
    src64, dst64 = src.astype(np.float64), dst.astype(np.float64)
    mu_s, mu_d = src64.mean(axis=0), dst64.mean(axis=0)
    a, b = src64 - mu_s, dst64 - mu_d
    var = (a ** 2).sum()
    sxx = (a * b).sum()
    sxy = (a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]).sum()
    c, s = sxx / var, sxy / var
    rot = np.array([[c, -s], [s, c]])
    t = mu_d - rot @ mu_s
    return np.hstack([rot, t[:, None]]).astype(np.float64)


def transform(points: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Apply a 2x3 affine matrix to Nx2 points."""
    return (points.astype(np.float64) @ m[:, :2].T + m[:, 2]).astype(np.float32)


def _grid(shape: tuple[int, int], step: int) -> tuple[np.ndarray, tuple[int, int]]:
    h, w = shape
    gh, gw = (h + step - 1) // step + 1, (w + step - 1) // step + 1
    ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32) * step
    return np.stack([xs.ravel(), ys.ravel()], axis=1), (gh, gw)


def _upsample(values: np.ndarray, grid_shape: tuple[int, int], shape: tuple[int, int],
              step: int) -> Maps:
    gh, gw = grid_shape
    h, w = shape
    mx = values[:, 0].reshape(gh, gw).astype(np.float32)
    my = values[:, 1].reshape(gh, gw).astype(np.float32)
    size = ((gw - 1) * step + 1, (gh - 1) * step + 1)
    mx = cv2.resize(mx, size, interpolation=cv2.INTER_LINEAR)[:h, :w]
    my = cv2.resize(my, size, interpolation=cv2.INTER_LINEAR)[:h, :w]
    return np.ascontiguousarray(mx), np.ascontiguousarray(my)


def _triangle_affines(dst: np.ndarray, src: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """Tx2x3 affine matrices taking each destination triangle onto its source triangle."""
    d = dst[tris].astype(np.float64)                       # T x 3 x 2
    s_ = src[tris].astype(np.float64)
    ones = np.ones((len(tris), 3, 1))
    lhs = np.concatenate([d, ones], axis=2)                 # T x 3 x 3
    det = np.abs(np.linalg.det(lhs))
    lhs[det < 1e-9] = np.eye(3)                             # degenerate: never drawn anyway
    return np.transpose(np.linalg.solve(lhs, s_), (0, 2, 1))  # T x 2 x 3


def piecewise_affine_maps(dst: np.ndarray, src: np.ndarray, shape: tuple[int, int],
                          step: int = 2) -> Maps:
    """Maps sending each pixel inside the hull of ``dst`` to the matching point of ``src``
    (piecewise affine over the Delaunay triangulation of ``dst``); far outside (-1e4) beyond
    the hull. Triangles are rasterised on a grid of ``step`` pixels and the maps upsampled."""
    from scipy.spatial import Delaunay

    h, w = shape
    tris = Delaunay(dst.astype(np.float64)).simplices.astype(np.int32)
    coeffs = np.concatenate([_triangle_affines(dst, src, tris), np.full((1, 2, 3), 0.0)])
    coeffs[-1, :, 2] = -1e4                                 # "outside" pseudo-triangle
    gh, gw = (h + step - 1) // step + 1, (w + step - 1) // step + 1
    labels = np.full((gh, gw), len(tris), np.int32)
    scaled = np.round(dst / step * 16).astype(np.int32)
    for i, tri in enumerate(tris):
        cv2.fillConvexPoly(labels, scaled[tri], i, lineType=cv2.LINE_8, shift=4)
    ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32) * step
    c = coeffs[labels].astype(np.float32)
    mx = c[..., 0, 0] * xs + c[..., 0, 1] * ys + c[..., 0, 2]
    my = c[..., 1, 0] * xs + c[..., 1, 1] * ys + c[..., 1, 2]
    return _upsample(np.stack([mx.ravel(), my.ravel()], axis=1), (gh, gw), shape, step)


def tps_maps(dst: np.ndarray, src: np.ndarray, shape: tuple[int, int], step: int = 8,
             smoothing: float = 0.0) -> Maps:
    """Smooth thin-plate-spline maps: output pixel at ``dst[i]`` samples the source at
    ``src[i]``; evaluated on a coarse grid and upsampled (cheap for large regions)."""
    grid, gshape = _grid(shape, step)
    rbf = RBFInterpolator(dst.astype(np.float64), (src - dst).astype(np.float64),
                          kernel="thin_plate_spline", smoothing=smoothing)
    return _upsample(grid + rbf(grid), gshape, shape, step)


def ring_points(center: np.ndarray, radii: tuple[float, float], count: int) -> np.ndarray:
    """``count`` points on an ellipse of radii (rx, ry) around ``center``."""
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    return np.stack([center[0] + radii[0] * np.cos(angles),
                     center[1] + radii[1] * np.sin(angles)], axis=1).astype(np.float32)


def border_points(w: int, h: int, per_side: int = 4) -> np.ndarray:
    """Points evenly spaced along the border of a w x h rectangle."""
    t = np.linspace(0, 1, per_side + 1)[:-1]
    top = np.stack([t * (w - 1), np.zeros_like(t)], 1)
    right = np.stack([np.full_like(t, w - 1), t * (h - 1)], 1)
    bottom = np.stack([(1 - t) * (w - 1), np.full_like(t, h - 1)], 1)
    left = np.stack([np.zeros_like(t), (1 - t) * (h - 1)], 1)
    return np.concatenate([top, right, bottom, left]).astype(np.float32)


def remap(img: np.ndarray, maps: Maps, border: int = cv2.BORDER_REPLICATE) -> np.ndarray:
    """``cv2.remap`` with bilinear sampling."""
    return cv2.remap(img, maps[0], maps[1], cv2.INTER_LINEAR, borderMode=border)
