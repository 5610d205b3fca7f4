"""Identity keeping (``face_switch``) and the face image's own style (``facestyle_switch``).

:func:`keep_face` puts the photograph's face back into the styled picture: the photo face is
lightly styled (its Lab colour moved toward the styled face's and :data:`STYLE_SHARE` of
the styled face mixed in, less on eyes, brows, nose and lips) and Laplacian-blended inside the mesh oval (upper forehead and hair
left to the style), so eyes, brows, nose, mouth and outline keep photographic geometry.
Images are HxWx3 uint8 RGB at output size; landmarks 478x2 float32 in the same pixels.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.blend import laplacian_blend
from ...imaging.geometry import roi_around
from ...perception.masks import face_regions, face_scale, polygon_mask, swap_polygon
from ..stylize.custom import transfer
from ..stylize.toolkit import Float, Image, Mask, f32, u8
from .ops import mix

Points = NDArray[np.float32]
#: share of the styled face mixed into the kept photo face (the rest is the photo)
STYLE_SHARE = 0.45
#: how far the photo face's Lab mean (L, a, b) and spread move toward the styled face's
MEAN_PULL = np.asarray((0.55, 0.7, 0.7), np.float32)
SPREAD_PULL = np.asarray((0.25, 0.8, 0.8), np.float32)


def _lab_moments(img: Image, mask: Mask) -> tuple[Float, Float]:
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32).reshape(-1, 3)
    w = mask.reshape(-1, 1)
    total = float(w.sum()) + 1e-6
    mean = (lab * w).sum(0) / total
    sd = np.sqrt(((lab - mean) ** 2 * w).sum(0) / total) + 1e-3
    return np.asarray(mean, np.float32), np.asarray(sd, np.float32)


def match_face_colour(photo: Image, styled: Image, mask: Mask) -> Image:
    """``photo`` with its Lab moments inside ``mask`` moved toward ``styled``'s."""
    mu_p, sd_p = _lab_moments(photo, mask)
    mu_s, sd_s = _lab_moments(styled, mask)
    gain = 1.0 + (np.clip(sd_s / sd_p, 0.2, 3.0) - 1.0) * SPREAD_PULL
    shift = mu_p + (mu_s - mu_p) * MEAN_PULL
    lab = cv2.cvtColor(photo, cv2.COLOR_RGB2LAB).astype(np.float32)
    lab = (lab - mu_p) * gain + shift
    return np.asarray(cv2.cvtColor(u8(lab), cv2.COLOR_LAB2RGB), np.uint8)


def face_mask(points: Points, shape: tuple[int, ...]) -> Mask:
    """HxW soft mask of the kept face: the mesh oval with the upper forehead lowered."""
    s = max(face_scale(points), 8.0)
    return np.asarray(polygon_mask(swap_polygon(points, forehead_keep=0.7, shrink=0.98), shape,
                                   soften=s * 0.12), np.float32)


def _features(points: Points, shape: tuple[int, ...]) -> Mask:
    """HxW soft mask of eyes, brows, nose and lips (kept crisper than the skin)."""
    r = face_regions(points, shape)
    feats = np.maximum.reduce([r.eyes, r.brows, r.lips, r.nose])
    return np.asarray(cv2.GaussianBlur(feats, (0, 0), max(face_scale(points), 8.0) * 0.06),
                      np.float32)


def keep_face(styled: Image, photo: Image, points: Points, style_share: float = STYLE_SHARE
              ) -> Image:
    """``styled`` with the photo's face (lightly styled) blended back in."""
    roi = roi_around(points, 1.5, styled.shape)
    local = points - roi.offset
    src, dst = photo[roi.slices], styled[roi.slices]
    mask = face_mask(local, src.shape)
    face = match_face_colour(src, dst, mask)
    face = u8(mix(face, dst, style_share * (1.0 - 0.7 * _features(local, src.shape))))
    out = styled.copy()
    out[roi.slices] = u8(laplacian_blend(face, dst, mask, max_levels=4))
    return out


def own_palette(styled: Image, photo: Image, amount: float) -> Image:
    """``styled`` with its colours moved back toward the photo's own (facestyle_switch)."""
    if amount <= 0:
        return styled
    return u8(mix(styled, transfer(styled, photo, 1.0), amount))


def face_detail(img: Image, photo: Image, points: Points, amount: float) -> Float:
    """HxWx3 float32: ``img`` with ``amount`` of the photo's fine detail added inside the
    oval (used when the face may be styled freely)."""
    mask = face_mask(points, img.shape)
    lum = np.asarray(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), np.float32)
    fine = lum - cv2.GaussianBlur(lum, (0, 0), 2.0)
    return np.asarray(f32(img) + (fine * mask * amount)[..., None], np.float32)
