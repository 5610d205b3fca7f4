"""Skin texture by frequency band: measure it, and add what a painted or smoothed patch lacks.

A patch painted from its surroundings (a shaved beard, a filled frame) is smooth at every
scale below a few pixels, and a sharp photo around it made that visible: the fusion bench's
BRISQUE rose by 5-8 when Bennie Thompson's, Ami Bera's or Byron Donalds' beard was painted
over, although the finest grain was already matched. Texture is measured here as the
standard deviation of the luma in each of :data:`BANDS` (differences of Gaussians), and
the missing part of each band is added as band-limited noise, deterministic per seed.
Images are HxWx3 RGB 0..255 (uint8 or float32); masks HxW 0..1.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

from ...imaging.color import gaussian

BANDS = (0.7, 1.4, 2.8)  # the Gaussian sigmas (px) splitting the fine detail into bands
MIN_SAMPLES = 16
REFINE = 3  # corrections of the noise layers' amounts after measuring their mix


def _luma(img: np.ndarray) -> np.ndarray:
    return np.asarray(np.asarray(img, np.float32).mean(axis=2), np.float32)


def _split(plane: np.ndarray) -> list[np.ndarray]:
    """The HxW ``plane``'s band-pass layers, finest first: plane - G(0.7), G(0.7) - G(1.4)..."""
    layers, previous = [], plane
    for sigma in BANDS:
        blurred = gaussian(plane, sigma)
        layers.append(previous - blurred)
        previous = blurred
    return layers


def texture_levels(img: np.ndarray, mask: np.ndarray) -> tuple[float, ...]:
    """Standard deviation of each band of the luma of ``img`` where ``mask`` > 0.5 (zeros
    when fewer than :data:`MIN_SAMPLES` pixels are selected)."""
    sel = mask > 0.5
    if int(np.count_nonzero(sel)) < MIN_SAMPLES:
        return tuple(0.0 for _ in BANDS)
    return tuple(float(layer[sel].std()) for layer in _split(_luma(img)))


def match_texture(img: np.ndarray, mask: np.ndarray, target: tuple[float, ...],
                  measure: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """``img`` (float32 copy) with band-limited luma noise added, weighted by ``mask``, so
    that each band's level (:func:`texture_levels` on ``measure``, default ``mask``) rises
    to ``target``'s; bands already at their level get nothing. A noise layer of one band
    also shows in its neighbours when measured, so the layers' amounts solve the variances
    each adds to each band (measured one by one; non-negative least squares)."""
    where = mask if measure is None else measure
    out = np.asarray(img, np.float32).copy()
    current = np.square(texture_levels(out, where))
    wanted = np.maximum(np.square(target) - current, 0.0)
    if float(np.sqrt(wanted.max())) < 0.3:
        return out
    noise = np.random.default_rng(seed).normal(0.0, 1.0, img.shape[:2]).astype(np.float32)
    layers = [layer * mask / max(float(layer.std()), 1e-6) for layer in _split(noise)]
    gains = np.stack([np.square(texture_levels(out + layer[..., None], where)) - current
                      for layer in layers], axis=1)
    mix = _mixed(layers, nnls(np.maximum(gains, 0.0), wanted)[0])
    # the layers' cross terms (positive: their spectra overlap) make the mix stronger than
    # the sum of its parts: one overall gain brings the wanted bands' total to the target's
    scale = 1.0
    for _ in range(REFINE):
        got = np.square(texture_levels(out + (mix * np.float32(scale))[..., None], where))
        sel = wanted > 0
        scale *= float(np.sqrt(wanted[sel].sum() / max(float((got - current)[sel].sum()),
                                                          1e-6)))
    out += (mix * np.float32(scale))[..., None]
    return np.clip(out, 0.0, 255.0, out=out)


def _mixed(layers: list[np.ndarray], power: np.ndarray) -> np.ndarray:
    """The noise layers summed with the square roots of ``power`` as amounts (HxW)."""
    total = np.zeros_like(layers[0])
    for layer, p in zip(layers, power, strict=True):
        total += layer * np.float32(np.sqrt(p))
    return total


def noise_level(img: np.ndarray, mask: np.ndarray) -> float:
    """A photo's noise: the robust spread (1.4826 x median absolute deviation) of the finest
    band of the luma of ``img`` where ``mask`` > 0.5 (0 when too few pixels). Median-based,
    it follows the flat parts (grain, pores) rather than the edges."""
    sel = mask > 0.5
    if int(np.count_nonzero(sel)) < MIN_SAMPLES:
        return 0.0
    return _spread(_split(_luma(img))[0][sel])


def _spread(values: np.ndarray) -> float:
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def match_noise(img: np.ndarray, weight: np.ndarray, target: float,
                measure: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """``img`` (float32 copy) with white luma noise added in proportion to ``weight`` (HxW
    0..1) so that its :func:`noise_level` where ``measure`` (default ``weight``) is about
    full rises to ``target``: a face pasted from a cleaner or softer photo gets the grain
    of the photo around it (the fusion bench's BRISQUE rose by 5-8 on sharp templates from
    that difference alone)."""
    out = np.asarray(img, np.float32).copy()
    where = (weight if measure is None else measure) > 0.97
    missing = float(np.sqrt(max(target * target - noise_level(out, where) ** 2, 0.0)))
    if missing < 0.3:
        return out
    noise = np.random.default_rng(seed).normal(0.0, 1.0, img.shape[:2]).astype(np.float32)
    noise *= np.float32(missing / max(_spread(_split(noise)[0].ravel()), 1e-6))
    out += (noise * weight)[..., None]
    return np.clip(out, 0.0, 255.0, out=out)
