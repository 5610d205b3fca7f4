"""Retouching inside mesh masks: skin smoothing, teeth whitening, make-up transfer, sharpening.

Every function takes an HxWx3 float32 RGB 0..255 region and HxW float32 masks in [0, 1] and
returns a new array; pixels where the mask is 0 are returned unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import cv2
import numpy as np

from ...imaging.blend import scale_channels
from ...imaging.color import gaussian, lab_to_rgb, masked_mean, rgb_to_lab
from ...perception.graphs import alongside


def reduced(img: np.ndarray, k: int) -> np.ndarray:
    """``img`` (HxW or HxWxC float32) averaged over k x k blocks (edges replicated)."""
    if k <= 1:
        return img
    h, w = img.shape[:2]
    sh, sw = -(-h // k), -(-w // k)
    if (sh * k, sw * k) != (h, w):
        img = cv2.copyMakeBorder(img, 0, sh * k - h, 0, sw * k - w, cv2.BORDER_REPLICATE)
    return cv2.resize(img, (sw, sh), interpolation=cv2.INTER_AREA)


def enlarged(field: np.ndarray, k: int, shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of :func:`reduced` for smooth fields: bilinear k-fold upsampling, cropped to
    ``shape``."""
    if k <= 1:
        return field
    sh, sw = field.shape[:2]
    out = cv2.resize(field, (sw * k, sh * k), interpolation=cv2.INTER_LINEAR)
    return out[:shape[0], :shape[1]]


def _guided(img: np.ndarray, radius: float, eps: float, k: int) -> np.ndarray:
    """Self-guided colour guided filter of a 0..1 float32 image, run on a k-fold reduced copy
    and upsampled when ``k`` > 1 (radius in full-resolution pixels)."""
    small = reduced(img, k)
    out = cv2.ximgproc.guidedFilter(small, small, max(1, round(radius / k)), eps)
    return enlarged(out, k, img.shape)


def smooth_skin(img: np.ndarray, skin: np.ndarray, strength: float, scale: float,
                k: int = 1) -> np.ndarray:
    """Edge-preserving smoothing (guided filter) blended in by ``strength`` inside ``skin``.

    A little of the original fine texture is kept even at strength 1 so skin never looks
    plastic. ``scale`` is the face's inter-ocular distance in pixels; with ``k`` > 1 the
    smooth layer is computed k times coarser (a large face: the layer has no fine texture
    anyway) while the kept texture stays full resolution.
    """
    if strength <= 0:
        return img.copy()
    radius = max(2, round(scale * 0.06))
    src = img.astype(np.float32, copy=False)  # only read: ``out`` is a fresh array
    small = reduced(src, k) * np.float32(1.0 / 255.0)
    base = cv2.ximgproc.guidedFilter(small, small, max(1, round(radius / k)), 0.008)
    out = enlarged(base * np.float32(255.0), k, img.shape)
    cv2.subtract(out, src, dst=out)  # out = src + (smooth - src) * weight
    scale_channels(out, (skin * strength * 0.75).astype(np.float32, copy=False))
    return cv2.add(out, src, dst=out)


def teeth_likelihood(img: np.ndarray, mouth: np.ndarray) -> np.ndarray:
    """Soft map of teeth pixels inside the inner-mouth mask: bright pixels that are not red
    (lips, gums and tongue are red; yellowed teeth are not, and they need whitening most)."""
    return _teeth_weight(rgb_to_lab(img), mouth)


def _teeth_weight(lab: np.ndarray, mouth: np.ndarray) -> np.ndarray:
    """:func:`teeth_likelihood` from the region's Lab (``lab``, not modified)."""
    lum, redness = lab[..., 0], lab[..., 1]
    inside = mouth > 0.3
    if inside.sum() < 4:
        return np.zeros_like(mouth)
    ref = float(np.percentile(lum[inside], 40))
    bright = np.clip((lum - ref) / 12.0 + 0.5, 0, 1)
    not_red = np.clip((20.0 - redness) / 10.0, 0, 1)
    return (mouth * bright * not_red).astype(np.float32)


def whiten_teeth(img: np.ndarray, mouth: np.ndarray, strength: float) -> np.ndarray:
    """Raise lightness and remove yellow (Lab b) on the teeth inside ``mouth``."""
    if strength <= 0:
        return img.copy()
    lab = rgb_to_lab(img)
    weight = _teeth_weight(lab, mouth) * strength
    lab[..., 0] = lab[..., 0] + weight * np.clip(95.0 - lab[..., 0], 0, None) * 0.35
    lab[..., 2] = lab[..., 2] - weight * np.clip(lab[..., 2], 0, None) * 0.6
    lab[..., 1] = lab[..., 1] - weight * lab[..., 1] * 0.3
    out = lab_to_rgb(lab)
    return np.where(weight[..., None] > 0, out, img).astype(np.float32)


def transfer_colour(img: np.ndarray, region: np.ndarray, source: np.ndarray,
                    source_region: np.ndarray, amount: float = 1.0) -> np.ndarray:
    """Shift the Lab chroma (and half the lightness) of ``region`` in ``img`` to the mean of
    ``source_region`` in ``source`` (make-up colours: lips, eye shadow)."""
    lab = rgb_to_lab(img)
    target = rgb_to_lab(masked_mean(source, source_region)[None, None, :])[0, 0]
    current = rgb_to_lab(masked_mean(img, region)[None, None, :])[0, 0]
    delta = (target - current) * np.array([0.5, 1.0, 1.0], np.float32) * amount
    lab = lab + region[..., None] * delta
    return lab_to_rgb(lab).astype(np.float32)


def sharpen(img: np.ndarray, mask: np.ndarray, amount: float, sigma: float,
            k: int = 1) -> np.ndarray:
    """Unsharp mask of ``amount`` inside ``mask``; with ``k`` > 1 the (wide) blur is taken
    on a k-fold reduced copy and upsampled."""
    if amount <= 0:
        return img.copy()
    k = max(1, min(k, int(sigma / 3)))  # the blur must stay >= 3 reduced pixels wide
    src = img.astype(np.float32, copy=False)
    detail = enlarged(gaussian(reduced(src, k), sigma / k), k, img.shape)
    cv2.subtract(src, detail, dst=detail)
    scale_channels(detail, (mask * np.float32(amount)).astype(np.float32, copy=False))
    cv2.add(detail, src, dst=detail)
    return np.clip(detail, 0, 255, out=detail)


def grain_level(img: np.ndarray, mask: np.ndarray) -> float:
    """Standard deviation of the finest luma detail (img - blur(img, 1 px)) inside ``mask``."""
    luma = cv2.transform(img.astype(np.float32), np.full((1, 3), 1.0 / 3.0, np.float32))
    fine = luma - gaussian(luma, 1.0)
    sel = mask > 0.5
    return float(fine[sel].std()) if sel.sum() > 16 else 0.0


def match_grain(img: np.ndarray, mask: np.ndarray, target: float, seed: int = 0,
                grain: Callable[[], tuple[np.ndarray, float]] | None = None) -> np.ndarray:
    """Add fine luma grain inside ``mask`` so its grain level rises to ``target`` (a face
    upscaled from a small selfie looks plastic next to a sharp template). Deterministic.
    ``grain``: gives :func:`unit_grain` of ``img``'s height and width and ``seed`` computed
    ahead (its field is then scaled in place); by default it is computed alongside."""
    if target < 0.3:  # nothing can be missing (the level measured is never below 0)
        return img.copy()
    # meanwhile the level here
    grain_of = grain if grain is not None else alongside(unit_grain, img.shape[:2], seed)
    current = grain_level(img, mask)
    missing = float(np.sqrt(max(target ** 2 - current ** 2, 0.0)))
    noise, spread = grain_of()
    if missing < 0.3:
        return img.copy()
    noise *= missing / max(spread, 1e-6)
    noise *= mask  # the same float32 operations in place (the field is ours)
    grained: np.ndarray = np.asarray(img + noise[..., None], np.float32)
    return np.clip(grained, 0, 255, out=grained)


GRAIN_KEPT = 4_000_000  # values (16 MB of float32, a 2000x2000 box): the longest noise kept
GRAIN_SEEDS = 2         # seeds whose noise is kept, the most recently used (the fusion's
                        # is 0; a glam request's are new: each replaces the least recent)
_noise_kept: dict[int, np.ndarray] = {}  # seed -> the first values of its normal stream
_noise_lock = threading.Lock()


def _white_noise(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """``rng.normal(0, 1, shape)`` as float32 for ``default_rng(seed)``: the stream's first
    values row by row, whatever the shape, so those drawn for one grain field serve every
    field as large or smaller (drawing them was half of a field's cost). Up to
    :data:`GRAIN_KEPT` values are kept (read-only) for the :data:`GRAIN_SEEDS` seeds used
    last."""
    n = int(np.prod(shape))
    with _noise_lock:
        kept = _noise_kept.pop(seed, None)  # put back last: the most recently used
        if kept is not None and kept.size >= n:
            _noise_kept[seed] = kept
        else:
            # twice the longest asked so far: a run of growing boxes draws a few times only
            longer = min(2 * (0 if kept is None else kept.size), GRAIN_KEPT)
            drawn = np.random.default_rng(seed).normal(0.0, 1.0, max(n, longer)).astype(
                np.float32)
            if drawn.size > GRAIN_KEPT:  # too long to keep: the shorter one stays
                if kept is not None:
                    _noise_kept[seed] = kept
                return drawn.reshape(shape)
            kept = drawn
            kept.flags.writeable = False
            while len(_noise_kept) >= GRAIN_SEEDS:
                _noise_kept.pop(next(iter(_noise_kept)))
            _noise_kept[seed] = kept
    return kept[:n].reshape(shape)


def unit_grain(shape: tuple[int, ...], seed: int = 0) -> tuple[np.ndarray, float]:
    """The fine grain field of :func:`match_grain` (white noise minus its 1 px blur) and its
    standard deviation."""
    noise = _white_noise(shape, seed)
    noise = noise - gaussian(noise, 1.0)
    return noise, float(noise.std())


def enhance_detail_fast(img: np.ndarray, mask: np.ndarray, strength: float,
                        scale: float, k: int = 1) -> np.ndarray:
    """Face detail enhancement in a few milliseconds: the fine and medium detail layers (image
    minus an edge-preserving guided-filter base, at two radii) are boosted by ``strength``
    inside ``mask``, and local contrast of the lightness is lifted a little. Eyes, brows, lips
    and teeth get crisper; flat skin barely changes because its detail layer is small. With
    ``k`` > 1 the edge-preserving bases are computed k times coarser (the detail layers keep
    the full-resolution texture of ``img``). ``strength`` 0 returns an unchanged copy."""
    if strength <= 0:
        return img.copy()
    # a fresh float32 copy either way (np.clip of float32 is one already)
    src = img.astype(np.float32) if img.dtype == np.uint8 else np.clip(img, 0, 255)
    src = src.astype(np.float32, copy=False)
    src /= np.float32(255.0)
    fine_r = max(1, round(scale * 0.02))
    mid_r = max(2, round(scale * 0.06))
    # the fine base on a copy reduced as far as keeps its radius at 2+ px (at most k): a
    # full-resolution colour guided filter cost 25-30 ms on a 450x420 face
    # the two bases side by side: the medium one on the helper thread
    mid_of = alongside(_guided, src, mid_r, 4e-3, k)
    base_fine = _guided(src, fine_r, 1e-3, max(1, min(k, fine_r // 2)))
    base_mid = mid_of()
    # detail = (src - fine) * 0.9 + (fine - mid) * 0.6; out = src + detail * strength * mask,
    # the same float32 operations in place (fresh arrays: the bases are ours)
    detail: np.ndarray = cv2.subtract(src, base_fine)
    detail *= np.float32(0.9)
    coarse = np.subtract(base_fine, base_mid, out=np.asarray(base_mid, np.float32))
    coarse *= np.float32(0.6)
    detail += coarse
    scale_channels(detail, np.asarray(strength * mask, np.float32))
    detail += src
    detail *= np.float32(255.0)
    enhanced: np.ndarray = np.clip(detail, 0, 255, out=detail)
    return enhanced
