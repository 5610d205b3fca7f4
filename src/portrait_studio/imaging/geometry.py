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


def overlap(a: tuple[slice, slice], b: tuple[slice, slice]) -> (
        tuple[tuple[slice, slice], tuple[slice, slice]] | None):
    """Where two boxes of one image (slices with set, non-negative starts and stops) meet, as
    slices into an array of box ``a`` and into one of box ``b``; None when they do not."""
    ys = slice(max(a[0].start, b[0].start), min(a[0].stop, b[0].stop))
    xs = slice(max(a[1].start, b[1].start), min(a[1].stop, b[1].stop))
    if ys.stop <= ys.start or xs.stop <= xs.start:
        return None

    def local(box: tuple[slice, slice]) -> tuple[slice, slice]:
        return (slice(ys.start - box[0].start, ys.stop - box[0].start),
                slice(xs.start - box[1].start, xs.stop - box[1].start))

    return local(a), local(b)


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
    out: np.ndarray = (points.astype(np.float64) @ m[:, :2].T + m[:, 2]).astype(np.float32)
    return out


def _grid(shape: tuple[int, int], step: int) -> tuple[np.ndarray, tuple[int, int]]:
    h, w = shape
    gh, gw = (h + step - 1) // step + 1, (w + step - 1) // step + 1
    ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32) * step
    return np.stack([xs.ravel(), ys.ravel()], axis=1), (gh, gw)


def _upsample(values: np.ndarray, grid_shape: tuple[int, int], shape: tuple[int, int],
              step: int) -> Maps:
    """Bilinear interpolation of grid-node values (node (i, j) at pixel (j*step, i*step))
    at every pixel of ``shape``: an exact inverse-mapped scaling (cv2.resize would place the
    nodes at pixel-centre positions and shift the maps by up to step/2 px)."""
    gh, gw = grid_shape
    h, w = shape
    inv = np.array([[1.0 / step, 0, 0], [0, 1.0 / step, 0]], np.float64)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    out = []
    for c in (0, 1):
        grid = np.ascontiguousarray(values[:, c].reshape(gh, gw).astype(np.float32))
        out.append(cv2.warpAffine(grid, inv, (w, h), flags=flags,
                                  borderMode=cv2.BORDER_REPLICATE))
    return out[0], out[1]


def _triangle_affines(dst: np.ndarray, src: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """Tx2x3 affine matrices taking each destination triangle onto its source triangle."""
    d = dst[tris].astype(np.float64)                       # T x 3 x 2
    s_ = src[tris].astype(np.float64)
    ones = np.ones((len(tris), 3, 1))
    lhs = np.concatenate([d, ones], axis=2)                 # T x 3 x 3
    det = np.abs(np.linalg.det(lhs))
    lhs[det < 1e-9] = np.eye(3)                             # degenerate: never drawn anyway
    return np.transpose(np.linalg.solve(lhs, s_), (0, 2, 1))  # T x 2 x 3


@dataclass(frozen=True)
class MeshRaster:
    """The Delaunay triangulation of destination points ``dst`` and, on a grid of ``step``
    pixels over the hull's bounding box (``lo`` .. ``hi`` of an image of ``shape``), the
    index of the triangle drawn last at every node (``len(tris)``: outside). It depends only
    on ``dst``, so several warps onto the same points (different sources) share it."""

    dst: np.ndarray          # Nx2 float32, relative to ``lo``
    tris: np.ndarray         # Tx3 int32
    labels: np.ndarray       # gh x gw int32
    lo: np.ndarray           # (x, y) int of the box in the image
    hi: np.ndarray
    shape: tuple[int, int]   # (h, w) of the image
    step: int


def mesh_raster(dst: np.ndarray, shape: tuple[int, int], step: int = 2) -> MeshRaster | None:
    """:class:`MeshRaster` of ``dst`` for maps of ``shape``; None when the hull misses it."""
    from scipy.spatial import Delaunay

    h, w = shape
    lo = np.clip(np.floor(dst.min(axis=0)).astype(int) - 2 * step, 0, [w, h])
    hi = np.clip(np.ceil(dst.max(axis=0)).astype(int) + 2 * step + 1, 0, [w, h])
    if (hi <= lo).any():
        return None
    local = dst - lo.astype(np.float32)
    bh, bw = int(hi[1] - lo[1]), int(hi[0] - lo[0])
    tris = Delaunay(local.astype(np.float64)).simplices.astype(np.int32)
    gh, gw = (bh + step - 1) // step + 1, (bw + step - 1) // step + 1
    labels = np.full((gh, gw), len(tris), np.int32)
    polys = np.round(local / step * 16).astype(np.int32)[tris]
    fill = cv2.fillConvexPoly
    for i in range(len(tris)):  # later triangles overwrite shared edges, as drawn in order
        fill(labels, polys[i], (i,), cv2.LINE_8, 4)
    return MeshRaster(local, tris, labels, lo, hi, (int(h), int(w)), step)


def piecewise_affine_maps(dst: np.ndarray, src: np.ndarray, shape: tuple[int, int],
                          step: int = 2, raster: MeshRaster | None = None) -> Maps:
    """Maps sending each pixel inside the hull of ``dst`` to the matching point of ``src``
    (piecewise affine over the Delaunay triangulation of ``dst``); far outside (-1e4) beyond
    the hull. Triangles are rasterised on a grid of ``step`` pixels over the hull's bounding
    box only, and the maps upsampled. ``raster``: :func:`mesh_raster` of the same ``dst``,
    ``shape`` and ``step`` when the caller has it (warps of several sources onto ``dst``)."""
    h, w = shape
    mx = np.full((h, w), -1e4, np.float32)
    my = np.full((h, w), -1e4, np.float32)
    if raster is None:
        raster = mesh_raster(dst, shape, step)
    if raster is None:
        return mx, my
    lo, hi = raster.lo, raster.hi
    bx, by = _affine_maps(raster, src)
    mx[lo[1]:hi[1], lo[0]:hi[0]] = bx
    my[lo[1]:hi[1], lo[0]:hi[0]] = by
    return mx, my


def _affine_maps(raster: MeshRaster, src: np.ndarray) -> Maps:
    tris, labels, step = raster.tris, raster.labels, raster.step
    coeffs = np.concatenate([_triangle_affines(raster.dst, src, tris), np.full((1, 2, 3), 0.0)])
    coeffs[-1, :, 2] = -1e4                                 # "outside" pseudo-triangle
    coeffs = coeffs.astype(np.float32).reshape(-1, 6)
    gh, gw = labels.shape
    ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32) * step
    c = [coeffs[:, k][labels] for k in range(6)]
    mx = c[0] * xs + c[1] * ys + c[2]
    my = c[3] * xs + c[4] * ys + c[5]
    box = (int(raster.hi[1] - raster.lo[1]), int(raster.hi[0] - raster.lo[0]))
    return _upsample(np.stack([mx.ravel(), my.ravel()], axis=1), (gh, gw), box, step)


def tps_maps(dst: np.ndarray, src: np.ndarray, shape: tuple[int, int], step: int = 8,
             smoothing: float = 0.0) -> Maps:
    """Smooth thin-plate-spline maps: output pixel at ``dst[i]`` samples the source at
    ``src[i]``; the displacement is evaluated on a coarse grid (nodes at pixel-centre
    positions of a ``step``-fold resize) and upsampled. ``smoothing`` > 0 uses SciPy's
    regularised spline."""
    h, w = shape
    gh, gw = -(-h // step), -(-w // step)
    gx = (np.arange(gw, dtype=np.float64) + 0.5) * step - 0.5
    gy = (np.arange(gh, dtype=np.float64) + 0.5) * step - 0.5
    nodes = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    disp = (src - dst).astype(np.float64)
    if smoothing > 0:
        values = RBFInterpolator(dst.astype(np.float64), disp, kernel="thin_plate_spline",
                                 smoothing=smoothing)(nodes)
    else:
        values = _tps_eval(dst.astype(np.float64), disp, nodes, (gx, gy))
    maps = []
    for c, axis in ((0, np.arange(w, dtype=np.float32)[None, :]),
                    (1, np.arange(h, dtype=np.float32)[:, None])):
        grid = values[:, c].reshape(gh, gw).astype(np.float32)
        up = cv2.resize(grid, (gw * step, gh * step), interpolation=cv2.INTER_LINEAR)[:h, :w]
        maps.append(np.ascontiguousarray(up + axis))
    return maps[0], maps[1]


def tps_points(src: np.ndarray, dst: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Where the interpolating thin-plate spline taking every ``src[i]`` to ``dst[i]`` (Nx2)
    takes the points ``at`` (Mx2): Mx2 float64."""
    moved: np.ndarray = at + _tps_eval(src.astype(np.float64), (dst - src).astype(np.float64),
                                       at.astype(np.float64))
    return moved


def _tps_kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """r^2 log r between every row of ``a`` and of ``b`` (0 at r = 0)."""
    d2 = np.square(a[:, :1] - b[:, 0][None, :])
    d2 += np.square(a[:, 1:] - b[:, 1][None, :])
    np.maximum(d2, 1e-300, out=d2)
    out: np.ndarray = np.log(d2)
    out *= d2  # in place: the same values as 0.5 * d2 * log(d2) (halving is exact)
    out *= 0.5
    return out


def _tps_kernel_grid(xs: np.ndarray, ys: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`_tps_kernel` of the nodes of a grid (every ``xs`` in every row ``ys``, row by
    row) and the rows of ``b``: the same values, the squared distances summed from one
    column term per x and one row term per y instead of two full-size differences."""
    d2 = np.square(ys[:, None] - b[:, 1][None, :])[:, None, :] + np.square(
        xs[:, None] - b[:, 0][None, :])[None, :, :]
    d2 = d2.reshape(-1, len(b))
    np.maximum(d2, 1e-300, out=d2)
    out: np.ndarray = np.log(d2)
    out *= d2
    out *= 0.5
    return out


def _tps_eval(ctrl: np.ndarray, values: np.ndarray, at: np.ndarray,
              grid: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Interpolating thin-plate spline (with its affine part) through ``values`` at the
    control points ``ctrl``, evaluated at ``at`` (float64, coordinates centred and scaled for
    conditioning; ``grid``: the columns' x and the rows' y when ``at`` is that grid's nodes,
    row by row, whose kernel is then summed from them)."""
    centre, span = ctrl.mean(axis=0), max(float(np.ptp(ctrl, axis=0).max()), 1.0)
    c, x = (ctrl - centre) / span, (at - centre) / span
    n = len(c)
    lhs = np.zeros((n + 3, n + 3))
    lhs[:n, :n] = _tps_kernel(c, c)
    lhs[:n, n] = lhs[n, :n] = 1.0
    lhs[:n, n + 1:] = c
    lhs[n + 1:, :n] = c.T
    rhs = np.zeros((n + 3, values.shape[1]))
    rhs[:n] = values
    try:
        coef = np.linalg.solve(lhs, rhs)
    except np.linalg.LinAlgError:  # repeated control points
        coef = np.linalg.lstsq(lhs, rhs, rcond=None)[0]
    affine = coef[n] + x[:, :1] * coef[n + 1] + x[:, 1:] * coef[n + 2]
    kernel = (_tps_kernel(x, c) if grid is None else
              _tps_kernel_grid((grid[0] - centre[0]) / span, (grid[1] - centre[1]) / span, c))
    spline: np.ndarray = kernel @ coef[:n] + affine
    return spline


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


def remap(img: np.ndarray, maps: Maps, border: int = cv2.BORDER_REPLICATE,
          interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """``cv2.remap`` (bilinear by default: right for smooth fields and masks). Photographs
    that are warped by fractional offsets should be resampled with ``cv2.INTER_CUBIC``:
    bilinear sampling at a half-pixel offset is a [1/2, 1/2] blur."""
    return cv2.remap(img, maps[0], maps[1], interpolation, borderMode=border)


# Working resolution of smooth per-face fields (masks, shading ratios, tone gains): the face is
# brought to about this inter-ocular distance (a face in a typical 335x410 template measures
# 72-113 px), by an integer factor so that resampling takes OpenCV's fast paths.
WORK_EYE = 100.0


@dataclass(frozen=True)
class WorkGrid:
    """A grid ``k`` times coarser than an HxW image, for smooth fields. Grid pixel ``i`` is
    the mean of image pixels ``i*k .. i*k+k-1`` (centre ``(i + 0.5) * k - 0.5``), so fields
    computed on the grid and brought back with :meth:`up` line up with the image. Images
    whose sides are multiples of ``k`` (see :func:`trim_roi`) resample fastest."""

    full: tuple[int, int]   # (h, w) of the image
    k: int                  # image pixels per grid pixel

    @property
    def small(self) -> tuple[int, int]:
        """(h, w) of the grid."""
        return -(-self.full[0] // self.k), -(-self.full[1] // self.k)

    @property
    def identity(self) -> bool:
        return self.k == 1

    def points(self, points: np.ndarray) -> np.ndarray:
        """Nx2 image-pixel points in grid pixels."""
        if self.identity:
            return points.astype(np.float32)
        return ((points + 0.5) / self.k - 0.5).astype(np.float32)

    def down(self, img: np.ndarray) -> np.ndarray:
        """An HxW(xC) image or field averaged onto the grid (box mean of k x k pixels)."""
        if self.identity:
            return img
        (h, w), (sh, sw) = self.full, self.small
        if (sh * self.k, sw * self.k) != (h, w):
            img = cv2.copyMakeBorder(img, 0, sh * self.k - h, 0, sw * self.k - w,
                                     cv2.BORDER_REPLICATE)
        return cv2.resize(img, (sw, sh), interpolation=cv2.INTER_AREA)

    def down_sparse(self, img: np.ndarray, box: tuple[slice, slice]) -> np.ndarray:
        """:meth:`down` of an image that is zero outside ``box`` (slices of it): only the
        grid pixels over the box are averaged (the others are zero), float32 or like
        ``img``. Grid pixels are k x k block means, so the result equals :meth:`down`."""
        ys, xs = box
        k, (h, w) = self.k, self.full
        y0, x0 = (ys.start or 0) // k * k, (xs.start or 0) // k * k
        y1, x1 = min(h, -(-(ys.stop or 0) // k) * k), min(w, -(-(xs.stop or 0) // k) * k)
        out = np.zeros((*self.small, *img.shape[2:]), img.dtype)
        if y1 > y0 and x1 > x0:
            part = WorkGrid((y1 - y0, x1 - x0), k).down(img[y0:y1, x0:x1])
            out[y0 // k:y0 // k + part.shape[0], x0 // k:x0 // k + part.shape[1]] = part
        return out

    def up(self, field: np.ndarray) -> np.ndarray:
        """A smooth grid field (or a block of it starting at a grid pixel) bilinearly
        upsampled k times; cropped to the image when it is the whole grid."""
        if self.identity:
            return field
        sh, sw = field.shape[:2]
        out = cv2.resize(field, (sw * self.k, sh * self.k), interpolation=cv2.INTER_LINEAR)
        if (sh, sw) == self.small and out.shape[:2] != self.full:
            out = np.ascontiguousarray(out[:self.full[0], :self.full[1]])
        return out

    def full_slices(self, box: tuple[slice, slice]) -> tuple[slice, slice]:
        """Image slices covered by a block of grid pixels (clipped to the image)."""
        ys, xs = box
        k, (h, w) = self.k, self.full
        return (slice(min(h, (ys.start or 0) * k), min(h, (ys.stop or 0) * k)),
                slice(min(w, (xs.start or 0) * k), min(w, (xs.stop or 0) * k)))

    def maps(self, maps: Maps) -> Maps:
        """Warp maps between two images on this grid (image pixel -> image pixel),
        resampled on the grid and expressed in grid pixels."""
        if self.identity:
            return maps
        size = (self.small[1], self.small[0])
        k = float(self.k)
        mx = cv2.resize(maps[0], size, interpolation=cv2.INTER_LINEAR)
        my = cv2.resize(maps[1], size, interpolation=cv2.INTER_LINEAR)
        return (mx + 0.5) / k - 0.5, (my + 0.5) / k - 0.5


def work_factor(face_scale: float, eye: float = WORK_EYE) -> int:
    """Integer reduction bringing a face of inter-ocular distance ``face_scale`` px to about
    ``eye`` px (1: work at full resolution)."""
    return max(1, int(face_scale / eye + 0.5))


def work_grid(shape: tuple[int, ...], face_scale: float, eye: float = WORK_EYE) -> WorkGrid:
    """The working grid over an image of ``shape`` for a face of ``face_scale`` px."""
    return WorkGrid((int(shape[0]), int(shape[1])), work_factor(face_scale, eye))


def trim_roi(roi: Roi, k: int) -> Roi:
    """``roi`` shrunk (by at most k - 1 px per side, from its far edges) to sides that are
    multiples of ``k``."""
    w, h = max(k, roi.w - roi.w % k), max(k, roi.h - roi.h % k)
    return Roi(roi.x0, roi.y0, roi.x0 + min(w, roi.w), roi.y0 + min(h, roi.h))


def sample_field(field: np.ndarray, shape: tuple[int, ...], roi: Roi, grid: WorkGrid) -> (
        np.ndarray):
    """A smooth field covering a whole image of ``shape`` (at that or any other resolution,
    e.g. a segmentation mask) bilinearly sampled at the pixel centres of ``grid`` laid over
    ``roi`` of the image: grid-sized float32."""
    sx, sy = field.shape[1] / shape[1], field.shape[0] / shape[0]
    k = grid.k
    m = np.array([[k * sx, 0, (0.5 * k + roi.x0) * sx - 0.5],
                  [0, k * sy, (0.5 * k + roi.y0) * sy - 0.5]], np.float64)
    return cv2.warpAffine(field.astype(np.float32), m, (grid.small[1], grid.small[0]),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)
