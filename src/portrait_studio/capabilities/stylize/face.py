"""The face's own treatment: keep eyes, brows, nose and lips (identity), paint the skin the way
the style paints it, and blend into the whole-image result without a seam.

Works on a region of interest around each face only. Images are HxWx3 uint8 RGB at output
size; landmarks 478x2 float32 in the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.geometry import roi_around
from ...perception.masks import face_regions, face_scale
from .toolkit import Float, Image, blur, f32, luma, u8

Mask = NDArray[np.float32]


@dataclass(frozen=True)
class FaceProfile:
    """How a style treats faces.

    ``detail``: share of the photo's fine feature detail (eyes, brows, nose, lips) put back;
    ``shading``: share of the photo's mid-scale face modelling put back over the whole oval;
    ``smooth``: how much the styled skin is evened out (0..1); ``tint``: RGB multiplier of the
    re-added detail (e.g. warm brown ink); ``lift``: brightening of the skin (grey units).
    """

    detail: float = 0.6
    shading: float = 0.25
    smooth: float = 0.0
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)
    lift: float = 0.0


def treat_faces(styled: Image, source: Image, faces: list[NDArray[np.float32]],
                profile: FaceProfile) -> Image:
    """``styled`` with every face in ``faces`` given the profile's treatment (new array)."""
    out = styled.copy()
    for points in faces:
        _treat_one(out, source, points, profile)
    return out


def _treat_one(out: Image, source: Image, points: NDArray[np.float32],
               profile: FaceProfile) -> None:
    roi = roi_around(points, 1.5, out.shape)
    local = points - np.array([roi.x0, roi.y0], np.float32)
    src = source[roi.slices]
    dst = f32(out[roi.slices])
    s = max(face_scale(local), 8.0)
    regions = face_regions(local, src.shape)
    feats = np.maximum.reduce([regions.eyes, regions.brows, regions.lips, regions.nose])
    feats = blur(feats, s * 0.08)
    oval = blur(regions.oval, s * 0.12)
    if profile.smooth > 0:
        dst = _smooth_skin(dst, regions.skin, s, profile.smooth)
    dst = dst + _detail(src, feats, oval, s, profile)
    if profile.lift:
        dst = dst + (profile.lift * regions.skin)[..., None]
    out[roi.slices] = u8(dst)


def _detail(src: Image, feats: Mask, oval: Mask, s: float, profile: FaceProfile) -> Float:
    """HxWx3 float32 luminance detail to add: fine band in the features, mid band in the oval."""
    lum = luma(src)
    fine = lum - blur(lum, s * 0.05)
    mid = blur(lum, s * 0.03) - blur(lum, s * 0.3)
    amount = fine * feats * profile.detail + mid * oval * profile.shading
    return np.asarray(amount[..., None] * np.asarray(profile.tint, np.float32), np.float32)


def _smooth_skin(dst: Float, skin: Mask, s: float, amount: float) -> Float:
    blurred = blur(dst, s * 0.06)
    m = blur(skin, s * 0.05)[..., None] * amount
    return np.asarray(dst + (blurred - dst) * m, np.float32)


def flatten_skin(img: Image, faces: list[NDArray[np.float32]], sigma: float = 0.12) -> Image:
    """``img`` with the skin of every face (oval minus eyes, brows, nose and lips) blurred by
    ``sigma`` eye distances, so a later quantisation paints it in one or two flat tones.
    ``faces`` must be in ``img``'s pixels (scale them for a working copy)."""
    out = img.copy()
    for points in faces:
        roi = roi_around(points, 1.3, out.shape)
        local = points - np.array([roi.x0, roi.y0], np.float32)
        s = max(face_scale(local), 8.0)
        regions = face_regions(local, (roi.h, roi.w))
        skin = blur(regions.skin, s * 0.04)[..., None]
        part = f32(out[roi.slices])
        out[roi.slices] = u8(part + (blur(part, s * sigma) - part) * skin)
    return out
