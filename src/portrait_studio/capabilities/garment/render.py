"""Rendering helpers for warped garments: shading from the old clothes and clean cut-out
edges (no background colours bled in, :func:`bleed`; sharp where a warp magnifies them,
:func:`crisp`).

Shading: the old clothing's lightness (a median filter first, so small prints and logos of
the old clothes do not carry over) is taken at two scales by normalised convolution inside
the old clothes, on its plain fabric only (patterned parts, whose lightness has sharp
fine detail: brocade, logos, printed motifs, weigh nothing, see :func:`pattern_weight`, and
the shading fades out over them): the low frequency over its median gives the light
direction, the band-pass (fine over low) gives the folds; both are clipped (the folds to +-12-15%), weakened on dark
old clothes (sheen and see-through content, not shading) and on all-over prints, and the
product multiplies the new garment; on
the new garment's plain areas the folds are raised to a power up to 1.4 (stronger), on its
prints they stay as they are so that the prints stay readable. Images HxWx3
(uint8 or float32 RGB 0..255), masks HxW.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from .regions import channel_mean

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
FOLDS = (0.86, 1.12)     # clip of the band-pass (fold) shading
LIGHT = (0.78, 1.18)     # clip of the low-frequency shading
FOLD_GAIN = 1.4          # fold shading exponent on plain areas of the new garment
DARK_FLOOR = 0.35        # share of the shading kept from all-over printed old clothes
BLACK_FLOOR = 0.2        # share of the shading kept from black old clothes
DARK_DL = 0.8            # x the old clothing's median L*: its plain fabric's L* tolerance
MIN_DL = 6.0             # the least L* tolerance (black clothing)
PATTERN_EDGE = (3.0, 6.0)  # fine-detail energy (L*) from which old fabric counts as patterned
RAMP = 1.5               # px: the widest a warped garment's edge rises (:func:`crisp`)
MAX_GAIN = 8.0           # the most an edge is sharpened (a warp magnifying 8 times)


def _norm_conv(values: F32, weight: F32, sigma: float) -> tuple[F32, F32]:
    num = cv2.GaussianBlur(values * weight, (0, 0), sigma)
    den = cv2.GaussianBlur(weight, (0, 0), sigma)
    value: F32 = (num / np.maximum(den, 1e-3)).astype(np.float32)
    total: F32 = np.asarray(den, np.float32)
    return value, total


def shading_ratio(img: NDArray[np.uint8], clothes: Mask, sigma: float) -> F32:
    """HxW float32 multiplier ~1 from the old clothing's lightness: low frequency (Gaussian
    ``sigma`` px) over its median times the clipped band-pass (folds, ``sigma / 4``).
    Computed at a reduced scale (sigma / 8)."""
    base, folds = shading_parts(img, clothes, sigma)
    out: F32 = (base * folds).astype(np.float32)
    return out


def shading_parts(img: NDArray[np.uint8], clothes: Mask, sigma: float) -> tuple[F32, F32]:
    """(light, folds): the two HxW float32 factors of :func:`shading_ratio`."""
    k = max(1, int(sigma // 8))
    small = (max(1, img.shape[1] // k), max(1, img.shape[0] // k))
    lab = rgb_to_lab(cv2.resize(img, small, interpolation=cv2.INTER_AREA))
    inside = cv2.resize(clothes.astype(np.uint8), small, interpolation=cv2.INTER_NEAREST) > 0
    m = _plain(lab, inside)
    keep = 1 - pattern_weight(lab[..., 0], inside, sigma / k)
    m = m * keep        # the shading is measured on the plain (unpatterned) fabric only
    lum = cv2.medianBlur(np.clip(lab[..., 0] * 2.5, 0, 255).astype(np.uint8), 5)
    lum = lum.astype(np.float32) / 2.5
    low, den = _norm_conv(lum, m, max(sigma / k, 0.5))
    fine, den_fine = _norm_conv(lum, m, max(sigma / (4 * k), 0.5))
    med = float(np.median(lab[..., 0][inside])) if inside.any() else 50.0
    base = np.clip(low / max(med, 5.0), *LIGHT) ** 0.85
    trust = np.clip(den_fine / 0.6, 0, 1)         # plain fabric around, not a print
    folds = 1 + (np.clip((fine + 2.0) / (low + 2.0), *FOLDS) - 1) * trust
    plain = float(m[inside].mean()) if inside.any() else 1.0
    strength = min(dark_strength(med), print_strength(plain))
    local = strength * cv2.GaussianBlur(keep, (0, 0), max(sigma / k, 0.5))
    base, folds = 1 + (base - 1) * local, 1 + (folds - 1) * local
    weight = np.clip(den / 0.3, 0, 1)
    on = den > 0.05
    parts = (np.where(on, base, 1.0) * weight + (1 - weight),
             np.where(on, folds, 1.0) * weight + (1 - weight))
    size = (img.shape[1], img.shape[0])
    a, b = (np.asarray(cv2.resize(p.astype(np.float32), size, interpolation=cv2.INTER_LINEAR),
                       np.float32) for p in parts)
    return a, b


def pattern_weight(lightness: F32, inside: Mask, sigma: float) -> F32:
    """HxW float32 0..1: 1 where the old clothing (``inside``) is patterned, from the
    local energy (Gaussian ``sigma / 2`` px) of its lightness's fine detail (L* minus a
    1 px blur): printed or woven motifs have sharp edges, folds and shadows are smooth
    (plain fabric with folds scores 1-3 L*, a brocade 8-15)."""
    m = inside.astype(np.float32)
    smooth, _ = _norm_conv(lightness, m, 1.0)
    energy, _ = _norm_conv((lightness - smooth) ** 2, m, max(sigma / 2, 0.5))
    low, high = PATTERN_EDGE
    out: F32 = np.clip((np.sqrt(energy) - low) / (high - low), 0, 1).astype(np.float32)
    return out


def dark_strength(median_l: float) -> float:
    """How much of the old clothing's lightness map is shading, from its median L*: 1 for
    mid and light fabrics, down to ``BLACK_FLOOR`` for black ones, whose lightness is mostly
    sheen and what shows through (a bra under a sheer top printed dark cups on the new
    garment)."""
    return float(np.clip((median_l - 12.0) / 30.0, BLACK_FLOOR, 1.0))


def print_strength(plain_share: float) -> float:
    """How much of the old clothing's lightness map is shading, from the mean weight of its
    plain fabric (:func:`_plain`): 1 for plain and lightly patterned fabric (>= 0.6), down to
    ``DARK_FLOOR`` for an all-over print (a leopard skirt scores 0.26), whose spots would
    print blotches on the new garment."""
    return float(np.clip((plain_share - 0.15) / 0.45, DARK_FLOOR, 1.0))


def plain_weight(rgb: F32, sigma: float) -> F32:
    """HxW float32 0..1: 1 where the new garment (HxWx3 float32 RGB) is plain fabric
    (local grey std, Gaussian ``sigma`` px, under ~6 levels), ~0 on prints and logos."""
    grey = channel_mean(rgb)
    mean = cv2.GaussianBlur(grey, (0, 0), sigma)
    var = cv2.GaussianBlur(grey * grey, (0, 0), sigma) - mean * mean
    out: F32 = np.exp(-np.maximum(var, 0) / 36.0).astype(np.float32)
    return out


def garment_shading(light: F32, folds: F32, plain: F32) -> F32:
    """HxW float32 multiplier for a new garment: the folds are stronger (exponent up to
    ``FOLD_GAIN``) where the new garment is plain, as they are on its prints."""
    out: F32 = (light * folds ** (1 + (FOLD_GAIN - 1) * plain)).astype(np.float32)
    return out


def shaded(rgb: F32, shade: F32) -> F32:
    """HxWx3 float32 RGB 0..255: the garment ``rgb`` under the ``shade`` multiplier (HxW
    float32 ~1, :func:`garment_shading`): multiplied where it darkens; where it lightens,
    the gain ``rgb * (shade - 1)`` saturates softly in the headroom left to white
    (``gain * head / (head + gain)``), so a white garment's lit parts keep their weave
    instead of clipping to blank white (blotches where an old top's see-through parts were
    lighter); darker colours are lit about as by the plain product (computed in the
    bounding box of the lightened pixels)."""
    s3 = cv2.merge([shade] * 3)
    out: F32 = (rgb * s3).astype(np.float32)
    up = shade > 1.0
    if up.any():
        x, y, w, h = cv2.boundingRect(up.astype(np.uint8))
        base, s = rgb[y:y + h, x:x + w], s3[y:y + h, x:x + w]
        gain = base * np.maximum(s - 1.0, 0.0)
        head = np.maximum(255.0 - base, 1e-3)
        np.copyto(out[y:y + h, x:x + w], base + gain * head / (head + gain), where=s > 1.0)
    return out


def _plain(lab: F32, clothes: Mask) -> F32:
    """HxW float32 weight of the old clothing's plain fabric: pixels far (in a*b* or L)
    from its median colour are prints, logos or other parts and weigh little. On dark
    clothing the lightness tolerance shrinks with its median L* (``DARK_DL`` of it, at
    least ``MIN_DL``): a sheer black top's see-through skin and a bra under it, or a
    satin's sheen, are 10-15 L* from its median, far more than its folds."""
    if not clothes.any():
        return clothes.astype(np.float32)
    med = np.median(lab[clothes], axis=0)
    dab = np.hypot(lab[..., 1] - med[1], lab[..., 2] - med[2])
    dl = np.abs(lab[..., 0] - med[0]) / float(np.clip(DARK_DL * med[0], MIN_DL, 25.0))
    weight: F32 = (clothes * np.exp(-(dab / 12.0) ** 2 - dl ** 2)).astype(np.float32)
    return weight


def clean_edge(mask: Mask) -> Mask:
    """A cut-out mask without its outer 1 px rim (product-photo edge pixels are mixed with
    the white background and would draw a light outline)."""
    if mask.sum() < 400:
        return mask
    return cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0


def crisp(alpha: F32, width: float = RAMP, most: float = MAX_GAIN) -> F32:
    """HxW float32 alpha whose edges rise over no more than about ``width`` px: where a
    warp magnified the cut-out (the inner side of a trouser leg stretched 5-7 times) its
    one-pixel edge became a ramp as wide, and the mask's steps notches as deep, a soft
    band the later smoothing spread into streaks. The alpha's distance from 1/2 is
    multiplied by ``1 / (width * |grad|)`` (at least 1, at most ``most``), which keeps
    the outline where it is (the 1/2 level) and sharpens it to ``width`` px."""
    dx = np.asarray(cv2.Sobel(alpha, cv2.CV_32F, 1, 0, ksize=3, scale=0.125), np.float32)
    dy = np.asarray(cv2.Sobel(alpha, cv2.CV_32F, 0, 1, ksize=3, scale=0.125), np.float32)
    gain = np.clip(1.0 / (width * np.maximum(cv2.magnitude(dx, dy), 1e-3)), 1.0, most)
    out: F32 = np.clip(0.5 + (alpha - 0.5) * gain, 0.0, 1.0).astype(np.float32)
    return out


def bleed(img: NDArray[np.uint8], mask: Mask) -> NDArray[np.uint8]:
    """HxWx3 uint8 RGB with the pixels outside ``mask`` replaced by nearby garment colours
    (push-pull from the pixels fully inside, at half size), so warping and anti-aliased
    edges never mix in the product photo's background."""
    h, w = mask.shape
    size = (max(1, w // 2), max(1, h // 2))
    small = cv2.resize(img, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    inside = cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.99
    fill = cv2.resize(push_pull(small, inside), (w, h), interpolation=cv2.INTER_LINEAR)
    out = np.where(mask[..., None], img, np.clip(fill, 0, 255).astype(np.uint8))
    return out.astype(np.uint8)


def push_pull(img: F32, known: Mask) -> F32:
    """HxWxC float32 with the unknown pixels filled from the known ones (smooth, nearest
    known colours dominate); known pixels are returned unchanged."""
    w = known.astype(np.float32)
    levels: list[tuple[F32, F32]] = [(img * w[..., None], w)]
    while max(levels[-1][1].shape) > 1:
        cw, lw = levels[-1]
        size = (max(1, cw.shape[1] // 2), max(1, cw.shape[0] // 2))
        small = np.asarray(cv2.resize(cw, size, interpolation=cv2.INTER_AREA), np.float32)
        weight = np.asarray(cv2.resize(lw, size, interpolation=cv2.INTER_AREA), np.float32)
        levels.append((small.reshape(size[1], size[0], -1), weight))
    cw, lw = levels[-1]
    val = cw / np.maximum(lw, 1e-6)[..., None]
    for cw, lw in reversed(levels[:-1]):
        up = cv2.resize(val, (lw.shape[1], lw.shape[0]), interpolation=cv2.INTER_LINEAR)
        up = up.reshape(lw.shape[0], lw.shape[1], -1)
        a = np.clip(lw * 4.0, 0.0, 1.0)[..., None]
        val = cw / np.maximum(lw, 1e-6)[..., None] * a + up * (1 - a)
    return val.astype(np.float32)


def feathered(mask: Mask, radius: float) -> F32:
    """Soft version of a bool mask (Gaussian, ``radius`` px)."""
    if radius <= 0:
        return mask.astype(np.float32)
    soft: F32 = np.asarray(cv2.GaussianBlur(mask.astype(np.float32), (0, 0), radius / 2),
                           np.float32)
    return soft
