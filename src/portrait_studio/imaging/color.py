"""Colour helpers: masked low-pass (shading), skin colour models, Lab conversions.

Images are HxWx3 RGB, uint8 or float32 in 0..255; masks HxW float32 in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from .regions import pixels_at


def gaussian(img: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur with a kernel derived from ``sigma`` (float32)."""
    return cv2.GaussianBlur(img.astype(np.float32), (0, 0), max(sigma, 0.1))


def masked_blur(img: np.ndarray, mask: np.ndarray, sigma: float, prior: float = 0.02) -> (
        np.ndarray):
    """Normalised convolution: blur of ``img`` using only pixels where ``mask`` is set.

    Regularised toward the masked mean with weight ``prior``, so it stays defined (and fades to
    that mean) far from the mask. Large blurs are computed on a reduced copy (the result is
    smooth at that scale anyway) and resized back. Returns HxWx3 float32.
    """
    h, w = mask.shape[:2]
    factor = max(1, int(sigma // 4))
    m = mask.astype(np.float32)
    small_size = (max(1, w // factor), max(1, h // factor))
    small_m = cv2.resize(m, small_size, interpolation=cv2.INTER_AREA) if factor > 1 else m
    small_i = (cv2.resize(img.astype(np.float32), small_size, interpolation=cv2.INTER_AREA)
               if factor > 1 else img.astype(np.float32))
    weights = gaussian(small_m, sigma / factor)[..., None]
    num = gaussian(small_i * small_m[..., None], sigma / factor)
    mean = masked_mean(img, m)
    out = ((num + prior * mean) / (weights + prior)).astype(np.float32)
    return out if factor == 1 else cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)


def masked_mean(img: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean RGB (3 float32) of ``img`` weighted by ``mask``."""
    m = mask.astype(np.float64).reshape(-1)
    total = m @ img.reshape(-1, 3).astype(np.float64)  # BLAS: 6x faster than einsum
    return (total / max(float(m.sum()), 1.0)).astype(np.float32)


@dataclass(frozen=True)
class SkinPixels:
    """An image's pixels as a :class:`SkinModel` judges them, for several likelihoods of the
    same image and model: YCrCb (HxWx3 uint8), luma (HxW float32) and the chroma distance to
    the model (HxW float32)."""

    ycc: np.ndarray
    luma: np.ndarray
    dist: np.ndarray

    @cached_property
    def pairs(self) -> np.ndarray:
        """HxW intp: each pixel's (Cr, Cb) pair as one index, 256 Cr + Cb (Cr-major), for
        lookups in 65536-entry tables (computed once: several tables look it up)."""
        out: np.ndarray = (self.ycc[..., 1].astype(np.int32) * 256
                           + self.ycc[..., 2]).astype(np.intp)
        return out


@dataclass(frozen=True)
class SkinModel:
    """Gaussian skin-colour model in YCrCb chroma (Cr, Cb) plus luma range."""

    mean: np.ndarray
    inv_cov: np.ndarray
    luma_lo: float
    luma_hi: float

    def distance(self, img: np.ndarray) -> np.ndarray:
        """Mahalanobis distance of every pixel's chroma to the model (HxW float32)."""
        return self._distance(cv2.cvtColor(_u8(img), cv2.COLOR_RGB2YCrCb))

    def _distance(self, ycc_u8: np.ndarray) -> np.ndarray:
        # d0 (a d0 + b d1) + c d1 d1 in float32, each product and sum in that order, on the
        # two chroma planes alone and in place (the same values, fewer passes)
        d0 = ycc_u8[..., 1].astype(np.float32)
        d0 -= self.mean[0]
        d1 = ycc_u8[..., 2].astype(np.float32)
        d1 -= self.mean[1]
        a, b, c = self.inv_cov[0, 0], self.inv_cov[0, 1] + self.inv_cov[1, 0], self.inv_cov[1, 1]
        q = a * d0
        q += b * d1
        q *= d0
        cross = c * d1
        cross *= d1
        q += cross
        dist: np.ndarray = np.sqrt(np.maximum(q, 0, out=q), out=q)
        return dist

    def pixels(self, img: np.ndarray) -> SkinPixels:
        """:class:`SkinPixels` of an HxWx3 RGB image (uint8, or float 0..255: clipped)."""
        ycc = cv2.cvtColor(_u8(img), cv2.COLOR_RGB2YCrCb)
        return SkinPixels(ycc, ycc[..., 0].astype(np.float32), self._distance(ycc))

    def likelihood(self, img: np.ndarray, scale: float = 3.0,
                   bright_scale: float | None = None) -> np.ndarray:
        """Soft skin probability in [0, 1]: 1 near the model, 0 beyond ``scale`` sigmas, and
        0 for pixels far darker than the sampled skin (hair, frames, shadows). With
        ``bright_scale``, pixels brighter than the skin (highlights, a paler forehead) are
        judged with that wider tolerance instead."""
        return self.likelihood_of(self.pixels(img), scale, bright_scale)

    def hue_likelihood_of(self, px: SkinPixels, scale: float = 3.0) -> np.ndarray:
        """0..1 per pixel of ``px``: 1 near the model's chroma, 0 beyond ``scale`` sigmas,
        whatever its lightness (skin in deep shadow included; so are hair and wood of a
        skin-like hue: callers add their own test)."""
        return _ramp(px.dist, scale).astype(np.float32, copy=False)  # (a fresh array)

    def lighter_of(self, px: SkinPixels) -> np.ndarray:
        """0..1 per pixel of ``px``: how much lighter than the skin it is, from the middle of
        the model's luma range up over 12 levels (the pixels judged with a wider chroma
        tolerance as highlights)."""
        mid = (self.luma_lo + self.luma_hi) / 2
        out: np.ndarray = np.subtract(px.luma, mid)  # (the same arithmetic, in place)
        out /= 12.0
        return np.clip(out, 0.0, 1.0, out=out)

    def likelihood_of(self, px: SkinPixels, scale: float = 3.0,
                      bright_scale: float | None = None) -> np.ndarray:
        """:meth:`likelihood` of the image whose :meth:`pixels` are ``px``."""
        chroma = _ramp(px.dist, scale)
        if bright_scale is not None:
            chroma = np.maximum(chroma, self.lighter_of(px) * _ramp(px.dist, bright_scale))
        span = max(self.luma_hi - self.luma_lo, 10.0)
        # the same arithmetic as clip((luma - lo) / step, 0, 1) * chroma, in place: no
        # temporaries (a fused likelihood took five passes and four allocations)
        low = np.subtract(px.luma, self.luma_lo - 0.35 * span)
        low /= 0.25 * span
        np.clip(low, 0.0, 1.0, out=low)
        chroma *= low
        return chroma.astype(np.float32, copy=False)


def _ramp(dist: np.ndarray, scale: float) -> np.ndarray:
    """1 below scale/2 sigmas, 0 beyond scale sigmas, linear between (a fresh array, of the
    dtype the expression would have)."""
    # clip(1 - (dist - s) / s, 0, 1), s = scale / 2, step by step in one array (the same
    # values: each operation in the same dtype and order, without its temporary)
    out: np.ndarray = np.subtract(dist, scale * 0.5)
    out /= scale * 0.5
    np.subtract(1.0, out, out=out)
    return np.clip(out, 0.0, 1.0, out=out)


def fit_skin_model(img: np.ndarray, mask: np.ndarray) -> SkinModel:
    """Skin model from the pixels of ``img`` where ``mask`` > 0.5."""
    ycc = cv2.cvtColor(_u8(img), cv2.COLOR_RGB2YCrCb).astype(np.float32)
    sel = pixels_at(ycc, mask > 0.5)
    if len(sel) < 10:
        sel = ycc.reshape(-1, 3)
    chroma = sel[:, 1:]
    cov = np.cov(chroma.T) + np.eye(2) * 4.0
    lo, hi = np.percentile(sel[:, 0], [5, 95])
    return SkinModel(chroma.mean(0).astype(np.float32), np.linalg.inv(cov).astype(np.float32),
                     float(lo), float(hi))


def _u8(img: np.ndarray) -> np.ndarray:
    return img if img.dtype == np.uint8 else np.clip(img, 0, 255).astype(np.uint8)


def to_u8(img: np.ndarray) -> np.ndarray:
    """Round (half to even) and clip a float image to uint8 (a copy of a uint8 image)."""
    if img.dtype == np.uint8:
        return img.copy()
    if img.dtype == np.float32 and (img.ndim == 2 or (img.ndim == 3 and img.shape[2] in (3, 4))):
        # OpenCV's saturate_cast: the same result, faster (a scalar src2, which the stubs lack)
        fast: np.ndarray = cv2.add(img, 0.0, dtype=cv2.CV_8U)  # type: ignore[call-overload]
        return fast
    rounded: np.ndarray = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return rounded


def rgb_to_lab(img: np.ndarray) -> np.ndarray:
    """CIE Lab (L 0..100, a/b signed) float32 from RGB 0..255."""
    return cv2.cvtColor(img.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """RGB float32 0..255 from CIE Lab float32."""
    return cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_Lab2RGB) * 255.0
