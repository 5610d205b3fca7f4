"""Complexion: measure a face's skin colour and re-tone a template person's visible skin.

Skin tone is part of identity: by default the user's complexion is kept on the face and the
template person's other skin (neck, ears, chest, arms) is re-toned to match, so there is no jump
at the jaw, forehead or neck. Re-toning multiplies RGB by the per-channel ratio of the two skin
means (an albedo change under the same lighting), weighted by a soft skin map of that person.
Images are HxWx3 float32/uint8 RGB 0..255.
"""

from __future__ import annotations

import numpy as np

from ...imaging.blend import feather
from ...imaging.color import fit_skin_model, masked_mean
from ...perception.masks import cheek_mask, face_regions, face_scale


def skin_mean(img: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Mean RGB of the face skin (oval minus features, cut to skin-coloured pixels)."""
    regions = face_regions(points, img.shape)
    model = fit_skin_model(img, cheek_mask(points, img.shape))
    weights = regions.skin * model.likelihood(img)
    return masked_mean(img, weights)


def tone_ratio(user_mean: np.ndarray, template_mean: np.ndarray) -> np.ndarray:
    """Per-channel multiplier taking the template's skin to the user's (clipped to 0.25..4)."""
    return np.clip(user_mean / np.maximum(template_mean, 1.0), 0.25, 4.0).astype(np.float32)


def person_skin_weight(img: np.ndarray, points: np.ndarray, person: np.ndarray) -> np.ndarray:
    """Soft map (HxW float32) of the visible skin of the person whose face is ``points``:
    skin-coloured like that face, on the person mask, fading with distance from the face."""
    regions = face_regions(points, img.shape)
    model = fit_skin_model(img, cheek_mask(points, img.shape))
    scale = max(face_scale(points), 8.0)
    h, w = img.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = points[:468].mean(axis=0)
    dy = np.where(ys > cy, (ys - cy) / (scale * 9.0), (cy - ys) / (scale * 3.0))
    falloff = np.exp(-((xs - cx) / (scale * 5.0)) ** 2 - dy ** 2)
    weight = model.likelihood(img) * person * falloff
    return feather(np.maximum(weight, regions.oval), scale * 0.08)


def retone(img: np.ndarray, ratio: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``img`` with its pixels multiplied by ``ratio`` in proportion to ``weight``."""
    gain = 1.0 + (ratio[None, None, :] - 1.0) * weight[..., None]
    return np.clip(img.astype(np.float32) * gain, 0, 255)
