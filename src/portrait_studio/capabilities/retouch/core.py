"""Retouching inside mesh masks: skin smoothing, teeth whitening, make-up transfer, sharpening.

Every function takes an HxWx3 float32 RGB 0..255 region and HxW float32 masks in [0, 1] and
returns a new array; pixels where the mask is 0 are returned unchanged.
"""

from __future__ import annotations

import cv2
import numpy as np

from ...imaging.color import gaussian, lab_to_rgb, masked_mean, rgb_to_lab


def smooth_skin(img: np.ndarray, skin: np.ndarray, strength: float, scale: float) -> np.ndarray:
    """Edge-preserving smoothing (guided filter) blended in by ``strength`` inside ``skin``.

    A little of the original fine texture is kept even at strength 1 so skin never looks
    plastic. ``scale`` is the face's inter-ocular distance in pixels.
    """
    if strength <= 0:
        return img.copy()
    radius = max(2, int(round(scale * 0.06)))
    src = img.astype(np.float32) / 255.0
    smooth = cv2.ximgproc.guidedFilter(src, src, radius, 0.008) * 255.0
    weight = (skin * strength * 0.75)[..., None]
    return (img * (1 - weight) + smooth * weight).astype(np.float32)


def teeth_likelihood(img: np.ndarray, mouth: np.ndarray) -> np.ndarray:
    """Soft map of teeth pixels inside the inner-mouth mask: bright pixels that are not red
    (lips, gums and tongue are red; yellowed teeth are not, and they need whitening most)."""
    lab = rgb_to_lab(img)
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
    weight = teeth_likelihood(img, mouth) * strength
    lab = rgb_to_lab(img)
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


def sharpen(img: np.ndarray, mask: np.ndarray, amount: float, sigma: float) -> np.ndarray:
    """Unsharp mask of ``amount`` inside ``mask``."""
    if amount <= 0:
        return img.copy()
    detail = img - gaussian(img, sigma)
    return np.clip(img + detail * (amount * mask)[..., None], 0, 255).astype(np.float32)


def grain_level(img: np.ndarray, mask: np.ndarray) -> float:
    """Standard deviation of the finest luma detail (img - blur(img, 1 px)) inside ``mask``."""
    luma = img.astype(np.float32).mean(axis=2)
    fine = luma - gaussian(luma, 1.0)
    sel = mask > 0.5
    return float(fine[sel].std()) if sel.sum() > 16 else 0.0


def match_grain(img: np.ndarray, mask: np.ndarray, target: float, seed: int = 0) -> np.ndarray:
    """Add fine luma grain inside ``mask`` so its grain level rises to ``target`` (a face
    upscaled from a small selfie looks plastic next to a sharp template). Deterministic."""
    current = grain_level(img, mask)
    missing = float(np.sqrt(max(target ** 2 - current ** 2, 0.0)))
    if missing < 0.3:
        return img.copy()
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, 1.0, img.shape[:2]).astype(np.float32)
    noise = noise - gaussian(noise, 1.0)
    noise *= missing / max(float(noise.std()), 1e-6)
    return np.clip(img + (noise * mask)[..., None], 0, 255).astype(np.float32)


def enhance_detail_fast(img: np.ndarray, mask: np.ndarray, strength: float,
                        scale: float) -> np.ndarray:
    """Face detail enhancement in a few milliseconds: the fine and medium detail layers (image
    minus an edge-preserving guided-filter base, at two radii) are boosted by ``strength``
    inside ``mask``, and local contrast of the lightness is lifted a little. Eyes, brows, lips
    and teeth get crisper; flat skin barely changes because its detail layer is small."""
    if strength <= 0:
        return img.copy()
    src = np.clip(img, 0, 255).astype(np.float32) / 255.0
    fine_r = max(1, int(round(scale * 0.02)))
    mid_r = max(2, int(round(scale * 0.06)))
    base_fine = cv2.ximgproc.guidedFilter(src, src, fine_r, 1e-3)
    base_mid = cv2.ximgproc.guidedFilter(src, src, mid_r, 4e-3)
    detail = (src - base_fine) * 0.9 + (base_fine - base_mid) * 0.6
    out = src + detail * (strength * mask)[..., None]
    return np.clip(out * 255.0, 0, 255).astype(np.float32)
