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

from ...imaging.color import masked_blur
from ...imaging.geometry import Roi, roi_around
from ...perception import landmarks as lm
from ...perception.masks import FaceRegions, face_regions, face_scale, polygon_mask
from .toolkit import Float, Image, add_signed, blur, f32, luma, mix, resize, soften, u8

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
    """Treat one face in place. Masks and the detail bands are computed at a reduced scale
    (eye distance about :data:`FACE_WORK` px) and the resulting smooth corrections are enlarged
    to the region; only the final blends touch full-resolution pixels (8-bit OpenCV)."""
    roi = roi_around(points, 1.5, out.shape)
    local = points - np.array([roi.x0, roi.y0], np.float32)
    f = min(1.0, FACE_WORK / max(face_scale(local), 8.0))
    small_size = (max(8, round(roi.w * f)), max(8, round(roi.h * f)))
    src = np.asarray(resize(source[roi.slices], small_size), np.uint8)
    pts = local * np.array([small_size[0] / roi.w, small_size[1] / roi.h], np.float32)
    s = max(face_scale(pts), 8.0)
    regions = face_regions(pts, src.shape)
    dst = out[roi.slices]
    if profile.smooth > 0:
        skin = blur(regions.skin, s * 0.05) * profile.smooth
        dst = mix(dst, soften(dst, s * 0.06 / f), _big(skin, roi))
    inner = _inner_oval(pts, src.shape, s)
    out[roi.slices] = add_signed(dst, _detail(src, regions, inner, s, profile), (roi.w, roi.h))


FACE_WORK = 160.0


def _big(small: NDArray[np.float32], roi: Roi) -> NDArray[np.float32]:
    return np.asarray(cv2.resize(small, (roi.w, roi.h), interpolation=cv2.INTER_LINEAR),
                      np.float32)


def _inner_oval(points: NDArray[np.float32], shape: tuple[int, ...], s: float) -> Mask:
    """The face oval shrunk toward the nose and softened, so the modelling band never reaches
    the jaw line (where the background would bleed in as a halo)."""
    ring = points[list(lm.FACE_OVAL)]
    centre = points[lm.NOSE_TIP]
    return blur(polygon_mask(centre + (ring - centre) * 0.86, shape), s * 0.12)


def _detail(src: Image, regions: FaceRegions, oval: Mask, s: float,
            profile: FaceProfile) -> Float:
    """HxW (grey) or HxWx3 (tinted) float32 correction: the photo's fine detail in the features, its mid-scale
    modelling over the oval (luminance, tinted), plus the skin lift."""
    feats = np.maximum.reduce([regions.eyes, regions.brows, regions.lips, regions.nose])
    feats = blur(feats, s * 0.08)
    lum = luma(src)
    fine = lum - blur(lum, s * 0.05)
    mid = blur(lum, s * 0.03) - blur(lum, s * 0.3)
    amount = fine * feats * profile.detail + mid * oval * profile.shading
    amount += profile.lift * regions.skin
    if profile.tint == (1.0, 1.0, 1.0):
        return np.asarray(amount, np.float32)
    return np.asarray(amount[..., None] * np.asarray(profile.tint, np.float32), np.float32)


def flatten_skin(img: Image, faces: list[NDArray[np.float32]], sigma: float = 0.12) -> Image:
    """``img`` with the skin of every face (oval minus eyes, brows, nose and lips) blurred by
    ``sigma`` eye distances (a normalised blur over skin pixels only, so no background or hair
    colour bleeds in), so a later quantisation paints it in one or two flat tones.
    ``faces`` must be in ``img``'s pixels (scale them for a working copy)."""
    out = img.copy()
    for points in faces:
        roi = roi_around(points, 1.3, out.shape)
        local = points - np.array([roi.x0, roi.y0], np.float32)
        s = max(face_scale(local), 8.0)
        regions = face_regions(local, (roi.h, roi.w))
        skin = blur(regions.skin, s * 0.04)
        part = f32(out[roi.slices])
        inside = masked_blur(part, (regions.skin > 0.5).astype(np.float32), s * sigma)
        out[roi.slices] = u8(part + (inside - part) * skin[..., None])
    return out
