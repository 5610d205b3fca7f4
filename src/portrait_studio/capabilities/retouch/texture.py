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

from functools import cache

import cv2
import numpy as np
from scipy.optimize import nnls

from ...imaging.blend import mask_box, per_channel
from ...imaging.color import gaussian

BANDS = (0.7, 1.4, 2.8)  # the Gaussian sigmas (px) splitting the fine detail into bands
MIN_SAMPLES = 16
BOX_MARGIN = 9  # px around a mask: the band split's blur support (3 x the widest sigma)
SPREAD_STEP = 3  # the noise's median is taken over every third pixel
PHOTO_GRAIN = 0.7  # px: the Gaussian blur that gives white noise a photo noise's fine correlation


def _luma(img: np.ndarray) -> np.ndarray:
    """The channel mean of an HxWx3 image (HxW float32)."""
    third = np.full((1, 3), 1.0 / 3.0, np.float32)
    return np.asarray(cv2.transform(np.ascontiguousarray(img, np.float32), third), np.float32)


def _split(plane: np.ndarray) -> list[np.ndarray]:
    """The HxW ``plane``'s band-pass layers, finest first: plane - G(0.7), G(0.7) - G(1.4)..."""
    layers, previous = [], plane
    for sigma in BANDS:
        blurred = gaussian(plane, sigma)
        layers.append(previous - blurred)
        previous = blurred
    return layers


def _finest(plane: np.ndarray) -> np.ndarray:
    """The finest band of :func:`_split` alone (``plane - G(0.7)``, the same values): one
    blur instead of three, the wider two being the costly ones."""
    out: np.ndarray = plane - gaussian(plane, BANDS[0])
    return out


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
    each adds to each band (non-negative least squares), and one overall gain then brings
    the wanted bands' total to the target's (the layers' spectra overlap: their cross terms
    made the mix stronger than the sum of its parts). The band split is linear: every mix
    is measured from the bands of the image and of each layer, split once, on the box
    around the mask."""
    out = np.array(img, np.float32)  # one fresh copy (uint8 or float32 in)
    where = (mask if measure is None else measure) > 0.5
    box = mask_box(np.maximum(mask, where), BOX_MARGIN)
    sel = where[box]
    if int(np.count_nonzero(sel)) < MIN_SAMPLES:
        return out
    base = np.stack([band[sel] for band in _split(_luma(out[box]))])
    current = base.var(axis=1)
    wanted = np.maximum(np.square(target) - current, 0.0)
    if float(np.sqrt(wanted.max())) < 0.3:
        return out
    noise = _white(sel.shape, seed)
    layers = [layer * mask[box] / max(float(layer.std()), 1e-6) for layer in _split(noise)]
    parts = [np.stack([band[sel] for band in _split(layer)]) for layer in layers]
    gains = np.stack([(base + part).var(axis=1) - current for part in parts], axis=1)
    amounts = np.sqrt(nnls(np.maximum(gains, 0.0), wanted)[0])
    scale = _overall_gain(base, sum(a * part for a, part in zip(amounts, parts, strict=True)),
                          wanted > 0, float((current + wanted)[wanted > 0].sum()))
    mix = sum((layer * np.float32(a * scale) for a, layer in zip(amounts, layers, strict=True)),
              np.zeros(sel.shape, np.float32))
    out[box] += per_channel(mix)
    return np.clip(out, 0.0, 255.0, out=out)


def _overall_gain(base: np.ndarray, mix: np.ndarray, bands: np.ndarray, total: float) -> float:
    """The gain g >= 0 with which the summed variance of ``base + g * mix`` over the chosen
    ``bands`` (rows of the band x pixel arrays) is ``total`` (a quadratic in g)."""
    b, m = base[bands], mix[bands]
    bc, mc = b - b.mean(axis=1, keepdims=True), m - m.mean(axis=1, keepdims=True)
    qa, qb = float((mc * mc).mean(axis=1).sum()), 2.0 * float((bc * mc).mean(axis=1).sum())
    qc = float((bc * bc).mean(axis=1).sum()) - total
    if qa <= 1e-12:
        return 1.0
    return max(0.0, (-qb + float(np.sqrt(max(qb * qb - 4.0 * qa * qc, 0.0)))) / (2.0 * qa))


def noise_level(img: np.ndarray, mask: np.ndarray) -> float:
    """A photo's noise: the robust spread (1.4826 x median absolute deviation) of the finest
    band of the luma of ``img`` where ``mask`` > 0.5 (0 when too few pixels). Median-based,
    it follows the flat parts (grain, pores) rather than the edges. Measured on the box
    around the mask, the median over every :data:`SPREAD_STEP`-th selected pixel."""
    sel = mask if mask.dtype == np.bool_ else mask > 0.5  # a selection as it is
    box = mask_box(sel, BOX_MARGIN)
    sel = sel[box]
    if int(np.count_nonzero(sel)) < MIN_SAMPLES:
        return 0.0
    return _spread(_finest(_luma(img[box]))[sel][::SPREAD_STEP])


def _spread(values: np.ndarray) -> float:
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def _white(shape: tuple[int, ...], seed: int, blur: float = 0.0) -> np.ndarray:
    """Gaussian white noise of unit deviation (float32, ``shape``), repeatable per ``seed``:
    OpenCV's generator (this thread's), several times faster than NumPy's for a face-sized
    field. ``blur`` > 0: blurred over that many px first (:data:`PHOTO_GRAIN`), then brought
    back to unit deviation."""
    cv2.setRNGSeed(seed)
    noise = np.empty(shape, np.float32)
    cv2.randn(noise, np.zeros(1), np.ones(1))
    if blur > 0:
        cv2.GaussianBlur(noise, (0, 0), blur, dst=noise)
        noise *= np.float32(1.0 / _blurred_deviation(blur))
    return noise


@cache
def _blurred_deviation(blur: float) -> float:
    """The deviation of unit white noise blurred over ``blur`` px (away from the borders)."""
    return float(cv2.GaussianBlur(_white((256, 256), 0), (0, 0), blur)[8:-8, 8:-8].std())


@cache
def _unit_spread(blur: float = 0.0) -> float:
    """:func:`_spread` of the finest band of :func:`_white` noise (of unit deviation,
    blurred over ``blur`` px)."""
    noise = _white((256, 256), 0, blur)
    return _spread(_finest(noise)[8:-8, 8:-8].ravel())


def missing_noise(img: np.ndarray, where: np.ndarray, target: float) -> float:
    """The noise deviation :func:`match_noise` adds to ``img`` for ``target`` (``where``: the
    HxW selection its level is measured on); below 0.3 nothing is added."""
    return float(np.sqrt(max(target * target - noise_level(img, where) ** 2, 0.0)))


def match_noise(img: np.ndarray, weight: np.ndarray, target: float,
                measure: np.ndarray | None = None, seed: int = 0,
                missing: float | None = None, blur: float = 0.0) -> np.ndarray:
    """``img`` (float32 copy) with white luma noise added in proportion to ``weight`` (HxW
    0..1) so that its :func:`noise_level` where ``measure`` (default ``weight``) is about
    full rises to ``target``: a face pasted from a cleaner or softer photo gets the grain
    of the photo around it (the fusion bench's BRISQUE rose by 5-8 on sharp templates from
    that difference alone). ``blur`` > 0: the noise is a photo's (:data:`PHOTO_GRAIN`), not
    white: a camera's demosaicing and its compression correlate neighbouring pixels. The
    finest band (:func:`_finest`) of the corpus portraits' skin and backdrops has a
    correlation of +0.06..+0.5 between neighbours, of white noise -0.27 (the band's own
    blur, the pixel-to-pixel flicker): at the same level, white noise read as a noisy photo
    (the bench's BRISQUE on four of Bennie Thompson's pairs 1.2 higher than with noise
    blurred by 0.7 px, whose band has +0.20)."""
    out = np.array(img, np.float32)  # one fresh copy (uint8 or float32 in)
    if missing is None:  # else :func:`missing_noise` of ``img`` known already
        missing = missing_noise(out, (weight if measure is None else measure) > 0.97, target)
    if missing < 0.3:
        return out
    box = mask_box(weight, 0)
    noise = _white(weight[box].shape, seed, blur)
    noise *= weight[box]  # the same float32 operations in place (the field is ours)
    noise *= np.float32(missing / _unit_spread(blur))
    out[box] += per_channel(noise)
    return np.clip(out, 0.0, 255.0, out=out)
