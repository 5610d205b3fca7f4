"""Shared colour tools: abstraction, palettes, quantisation, curves, saturation, blend modes.

Images are HxWx3 uint8 RGB unless a function says float (float32, 0..255). Abstraction runs at
the working resolution; quantisation maps full-resolution pixels through a 32x32x32 lookup.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
Float = NDArray[np.float32]
Mask = NDArray[np.float32]
LUMA = (0.299, 0.587, 0.114)
LEVELS = 32


def u8(img: NDArray[np.floating] | Image) -> Image:
    """Round and clip to HxWx3 (or HxW) uint8 (OpenCV saturating conversion, one pass)."""
    if img.dtype == np.uint8:
        return np.asarray(img)
    x = np.ascontiguousarray(img, np.float32)
    flat = x.reshape(x.shape[0], -1) if x.ndim > 1 else x.reshape(1, -1)
    out = cv2.add(flat, 0.0, dtype=cv2.CV_8U)  # type: ignore[call-overload]  # scalar src2
    return np.asarray(out, np.uint8).reshape(x.shape)


def f32(img: Image | NDArray[np.floating]) -> Float:
    return np.asarray(img, np.float32)


def resize(img: NDArray[Any], size: tuple[int, int]) -> NDArray[Any]:
    """``img`` at ``size`` = (width, height): area when shrinking, linear when enlarging."""
    if (img.shape[1], img.shape[0]) == size:
        return img
    shrink = size[0] * size[1] < img.shape[0] * img.shape[1]
    return np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA if shrink
                                 else cv2.INTER_LINEAR))


def luma(img: Image | Float) -> Float:
    """HxW float32 Rec.601 luma of an RGB image (0..255)."""
    x = np.ascontiguousarray(img, np.float32)
    return np.asarray(cv2.transform(x, np.asarray([LUMA], np.float32)), np.float32)


def grey(img: Image) -> Image:
    return np.asarray(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), np.uint8)


def bilateral(img: Image, passes: int, sigma_color: float, diameter: int = 9) -> Image:
    """Edge-preserving smoothing: ``passes`` bilateral filters (use at working resolution)."""
    out = img
    for _ in range(passes):
        out = np.asarray(cv2.bilateralFilter(out, diameter, sigma_color, diameter / 2.0),
                         np.uint8)
    return out


def blur(img: NDArray[np.generic], sigma: float, max_sigma: float = 6.0) -> Float:
    """Gaussian blur (float32) of any size: large sigmas run on a reduced copy and the result
    is resized back (identical to the eye, far cheaper)."""
    return np.asarray(_gaussian(np.asarray(img, np.float32), sigma, max_sigma), np.float32)


def soften(img: Image, sigma: float, max_sigma: float = 4.0) -> Image:
    """:func:`blur` for uint8 images, staying in 8 bits (several times cheaper)."""
    return np.asarray(_gaussian(img, sigma, max_sigma), np.uint8)


def _gaussian(x: Image | Float, sigma: float, max_sigma: float) -> np.ndarray:
    """Gaussian blur in ``x``'s own dtype; beyond ``max_sigma`` on a copy reduced so that
    ``max_sigma`` does the job, resized back."""
    if sigma <= max_sigma:
        return np.asarray(cv2.GaussianBlur(x, (0, 0), max(sigma, 0.3)))
    f = max_sigma / sigma
    h, w = x.shape[:2]
    small = cv2.resize(x, (max(1, round(w * f)), max(1, round(h * f))),
                       interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), max_sigma)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR))


def add_signed(img: Image, delta: Float, size: tuple[int, int]) -> Image:
    """``img`` plus a small float correction (any HxW or HxWx3 size) enlarged to ``size``:
    the positive and negative parts are enlarged and applied as saturating 8-bit adds."""
    pos = _layer3(resize(u8(np.maximum(delta, 0.0)), size))
    neg = _layer3(resize(u8(np.maximum(-delta, 0.0)), size))
    return np.asarray(cv2.subtract(cv2.add(img, pos), neg), np.uint8)


def median(img: Image, k: int) -> Image:
    return np.asarray(cv2.medianBlur(img, k | 1), np.uint8)


def _lab_samples(img: Image, count: int, rng: np.random.Generator) -> Float:
    pixels = img.reshape(-1, 3)
    idx = rng.integers(0, len(pixels), size=min(count, len(pixels)))
    lab = cv2.cvtColor(pixels[idx][None], cv2.COLOR_RGB2LAB)[0]
    return np.asarray(lab, np.float32)


def palette(img: Image, k: int, samples: int = 6000) -> Image:
    """``k`` representative colours (kx3 uint8 RGB) of ``img`` by k-means in Lab, seeded from
    lightness quantiles so the result is deterministic."""
    lab = _lab_samples(img, samples, np.random.default_rng(12345))
    order = np.argsort(lab[:, 0])
    init = order[np.linspace(0, len(order) - 1, k).astype(int)]
    labels = np.argmin(((lab[:, None, :] - lab[init][None]) ** 2).sum(-1), axis=1)
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 12, 0.5)
    _, _, centres = cv2.kmeans(lab, k, labels.astype(np.int32).reshape(-1, 1), crit, 1,
                               cv2.KMEANS_USE_INITIAL_LABELS)
    rgb = cv2.cvtColor(u8(np.asarray(centres, np.float32))[None], cv2.COLOR_LAB2RGB)[0]
    return np.asarray(rgb, np.uint8)


def _lut_grid() -> Float:
    step = 256 // LEVELS
    v = np.arange(LEVELS, dtype=np.float32) * step + step / 2
    r, g, b = np.meshgrid(v, v, v, indexing="ij")
    return np.stack([r, g, b], -1).reshape(-1, 3)


_GRID = _lut_grid()


def palette_lut(colours: Image, weights: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> (
        NDArray[np.int32]):
    """Index of the nearest palette colour (Lab distance) for every 32^3 RGB bin."""
    grid_lab = cv2.cvtColor(u8(_GRID)[None], cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    pal_lab = cv2.cvtColor(colours[None], cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    w = np.asarray(weights, np.float32)
    d = (((grid_lab[:, None, :] - pal_lab[None]) ** 2) * w).sum(-1)
    return np.asarray(np.argmin(d, axis=1), np.int32)


def bin_index(img: Image) -> NDArray[np.int32]:
    """HxW 32^3 bin index of every RGB pixel."""
    shift = 8 - int(np.log2(LEVELS))
    q = (img >> shift).astype(np.int32)
    return np.asarray((q[..., 0] * LEVELS + q[..., 1]) * LEVELS + q[..., 2], np.int32)


def quantize(img: Image, colours: Image, lut: NDArray[np.int32] | None = None) -> Image:
    """Every pixel replaced by its nearest palette colour (HxWx3 uint8, exactly the palette)."""
    table = palette_lut(colours) if lut is None else lut
    return np.asarray(colours[table[bin_index(img)]], np.uint8)


def curve(points: list[tuple[float, float]]) -> Image:
    """256-entry uint8 tone curve through (in, out) points (0..255), linearly interpolated."""
    xs, ys = zip(*points, strict=True)
    return u8(np.interp(np.arange(256), xs, ys))


def soften_curve(table: Image, strength: float) -> Image:
    """A tone curve moved toward the identity: ``strength`` 1 keeps it, 0 gives identity."""
    ident = np.arange(256, dtype=np.float32)
    return u8(ident + (table.astype(np.float32) - ident) * strength)


def apply_curves(img: Image, r: Image, g: Image | None = None, b: Image | None = None) -> Image:
    """Per-channel tone curves (one curve for all three when only ``r`` is given); an HxW
    grey image takes ``r`` only."""
    if img.ndim == 2:
        return np.asarray(cv2.LUT(img, r), np.uint8)
    table = np.stack([r, r if g is None else g, r if b is None else b], axis=1).reshape(256, 1, 3)
    return np.asarray(cv2.LUT(img, table), np.uint8)


def saturate(img: Image, factor: float, value: float = 1.0) -> Image:
    """Scale HSV saturation by ``factor`` and value by ``value`` (lookup tables, uint8);
    also takes a kx3 palette."""
    if img.ndim == 2:
        return np.asarray(saturate(img[None], factor, value)[0], np.uint8)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    s_lut = u8(np.arange(256) * factor)
    v_lut = u8(np.arange(256) * value)
    hsv[..., 1] = cv2.LUT(hsv[..., 1], s_lut)
    if value != 1.0:
        hsv[..., 2] = cv2.LUT(hsv[..., 2], v_lut)
    return np.asarray(cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB), np.uint8)


def _layer3(layer: Image | Float | Mask) -> Image:
    """A uint8 HxWx3 layer from an HxW or HxWx3 layer in 0..255 (uint8 or float)."""
    lay = u8(layer)
    return lay if lay.ndim == 3 else np.asarray(cv2.merge([lay, lay, lay]), np.uint8)


def mix(a: Image | Float, b: Image | Float, t: float | Mask) -> Image:
    """(1 - t) * a + t * b, ``t`` a scalar or an HxW mask in 0..1; uint8 in OpenCV
    (multi-threaded, 8-bit arithmetic: several times cheaper than float numpy)."""
    a8, b8 = u8(a), u8(b)
    if isinstance(t, float):
        return np.asarray(cv2.addWeighted(a8, 1.0 - t, b8, t, 0.0), np.uint8)
    w = np.ascontiguousarray(np.clip(t, 0.0, 1.0), np.float32)
    return np.asarray(cv2.blendLinear(a8, b8, 1.0 - w, w), np.uint8)


def multiply(img: Image | Float, layer: Image | Float | Mask) -> Image:
    """Multiply blend: img * layer / 255 (``layer`` HxW or HxWx3 in 0..255)."""
    return np.asarray(cv2.multiply(u8(img), _layer3(layer), scale=1 / 255.0), np.uint8)


def screen(img: Image | Float, layer: Image | Float | Mask) -> Image:
    """Screen blend: 255 - (255 - a)(255 - b)/255."""
    inv = cv2.multiply(cv2.bitwise_not(u8(img)), cv2.bitwise_not(_layer3(layer)), scale=1 / 255.0)
    return np.asarray(cv2.bitwise_not(inv), np.uint8)


def ink(img: Image | Float, coverage: Mask, colour: tuple[int, int, int]) -> Image:
    """Lay ``colour`` over ``img`` with per-pixel ``coverage`` (HxW 0..1)."""
    base = u8(img)
    paint = cv2.merge([np.full(base.shape[:2], int(c), np.uint8) for c in colour])
    w = np.ascontiguousarray(np.clip(coverage, 0.0, 1.0), np.float32)
    return np.asarray(cv2.blendLinear(base, paint, 1.0 - w, w), np.uint8)


def solid(size: tuple[int, int], colour: tuple[int, int, int]) -> Image:
    """An HxWx3 uint8 image of one colour; ``size`` = (width, height)."""
    return np.asarray(cv2.merge([np.full((size[1], size[0]), int(c), np.uint8)
                                 for c in colour]), np.uint8)


def gain(img: Image, factors: tuple[float, float, float]) -> Image:
    """Per-channel multiplication by constant factors (lookup tables)."""
    r, g, b = (u8(np.arange(256, dtype=np.float32) * f) for f in factors)
    return apply_curves(img, r, g, b)


SCALE_ONE = 200.0


def scale(img: Image | Float, factor: Mask) -> Image:
    """``img`` times an HxW float factor in [0, 1.27] (a vignette, a texture around 1.0);
    the factor is coded in 8 bits (1.0 = 200) so the product stays 8-bit arithmetic."""
    return np.asarray(cv2.multiply(u8(img), _layer3(np.asarray(factor, np.float32) * SCALE_ONE),
                                   scale=1.0 / SCALE_ONE), np.uint8)


def add(img: Image | Float, delta: Mask | Float) -> Image:
    """``img`` plus an HxW (grey) or HxWx3 float offset, saturated to uint8."""
    d = np.ascontiguousarray(delta, np.float32)
    if d.ndim == 2:
        d = np.asarray(cv2.merge([d, d, d]), np.float32)
    return np.asarray(cv2.add(np.asarray(img, np.float32), d, dtype=cv2.CV_8U), np.uint8)


def gradient_map(lum: Float, stops: list[tuple[float, tuple[int, int, int]]]) -> Image:
    """Map HxW luma (0..255) through a colour ramp of (position 0..1, RGB) stops."""
    pos = [p * 255 for p, _ in stops]
    table = np.stack([np.interp(np.arange(256), pos, [c[i] for _, c in stops])
                      for i in range(3)], axis=1)
    return np.asarray(cv2.LUT(cv2.merge([u8(lum)] * 3), u8(table).reshape(256, 1, 3)), np.uint8)


def lab_stats(img: Image) -> tuple[Float, Float]:
    """Per-channel mean and standard deviation of an image in OpenCV Lab (uint8 scale)."""
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    return lab.mean(0), lab.std(0) + 1e-3
