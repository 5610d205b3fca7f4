"""Per-face steps of face fusion: planning (pose, scale, model-5 decisions) and finishing
(enhancement, smoothing, teeth, make-up, sharpening inside the new face).

Images are HxWx3 uint8 RGB (inputs) or float32 RGB 0..255 (working canvas).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..capabilities.face_swap.core import SwapOutput
from ..capabilities.face_swap.types import SwapOptions
from ..capabilities.retouch.core import (enhance_detail_fast, grain_level, match_grain, sharpen,
                                         smooth_skin,
                                         transfer_colour, whiten_teeth)
from ..capabilities.super_resolution.core import upscale
from ..imaging import geometry as geo
from ..imaging.blend import feather
from ..perception import landmarks as lm
from ..perception.faces import Face
from ..perception.glasses import remove_glasses
from ..perception.masks import (FaceRegions, cheek_mask, eye_openness, face_regions, face_scale,
                                polygon_mask)
from .timing import timed
from .fusion_params import PRESETS, FusionParams, swap_options

MIRROR_YAW_GAP = 0.35
MIRROR_FILL_FROM = 0.15  # yaw excess of the user over the template before mirror filling
CLOSED_EYE, OPEN_EYE = 0.12, 0.18


@dataclass(frozen=True)
class FacePlan:
    """Everything decided about one face before swapping."""

    template_face: Face
    user_face: Face
    source_image: np.ndarray     # the user image as used (mirrored when ``mirrored``)
    user: np.ndarray             # user crop scaled to the template face size (uint8 RGB)
    user_points: np.ndarray      # 478x2 landmarks in ``user``
    options: SwapOptions
    mirrored: bool
    glasses_removed: bool = False


def should_mirror(user: Face, template: Face) -> bool:
    """Mirror when the two faces look to opposite sides by a clear margin."""
    return user.yaw * template.yaw < 0 and abs(user.yaw - template.yaw) > MIRROR_YAW_GAP


def mirror_amount(user: Face, template: Face) -> float:
    """How much of the user's hidden face half to fill by mirroring (0 for similar poses)."""
    excess = abs(user.yaw) - abs(template.yaw)
    return float(np.clip((excess - MIRROR_FILL_FROM) / 0.3, 0.0, 1.0))


def eyes_closed(face: Face) -> bool:
    return max(eye_openness(face.landmarks)) < CLOSED_EYE


def eyes_open(face: Face) -> bool:
    return min(eye_openness(face.landmarks)) > OPEN_EYE


def scaled_user(image: np.ndarray, face: Face, target_scale: float,
                upscale_small: bool) -> tuple[np.ndarray, np.ndarray, bool]:
    """Crop around the user face, paint out eyeglass frames, and resize it so its eye distance
    is ``target_scale``; also says whether glasses were removed."""
    roi = geo.roi_around(face.landmarks, 2.4, image.shape)
    points = face.landmarks - roi.offset
    crop, frame_pixels = remove_glasses(image[roi.slices], points)
    factor = target_scale / max(face_scale(face.landmarks), 1.0)
    if upscale_small and factor > 1.3 and max(crop.shape[:2]) <= 640:
        crop = upscale(crop, 2)
        points, factor = points * 2, factor / 2
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    size = (max(1, round(crop.shape[1] * factor)), max(1, round(crop.shape[0] * factor)))
    scaled = cv2.resize(crop, size, interpolation=interp)
    real = np.array([size[0] / crop.shape[1], size[1] / crop.shape[0]], np.float32)
    return scaled, (points * real).astype(np.float32), frame_pixels > 0


def plan_face(image: np.ndarray, user: Face, template: Face, params: FusionParams) -> FacePlan:
    """Decide mirroring, model-5 keeps and scaling for one user/template face pair."""
    from .fusion import mirror_user

    mirrored = should_mirror(user, template)
    if mirrored:
        image, user = mirror_user(image, user)
    preset = PRESETS[params.model]
    keep_eyes = preset.auto_keep_closed and eyes_closed(user) and eyes_open(template)
    options = swap_options(params, keep_eyes, False, mirror_amount(user, template))
    crop, points, glasses = scaled_user(image, user, face_scale(template.landmarks),
                                        preset.upscale_user)
    return FacePlan(template, user, image, crop, points, options, mirrored, glasses)


def finish_face(swapped: SwapOutput, template: np.ndarray, plan: FacePlan,
                params: FusionParams, timings: dict[str, float]) -> np.ndarray:
    """Enhance, smooth, whiten and make up the new face; returns the float32 canvas."""
    roi = geo.roi_around(swapped.points, 1.3, swapped.image.shape)
    region = swapped.image[roi.slices].astype(np.float32)
    points = swapped.points - roi.offset
    regions = face_regions(points, region.shape)
    scale = max(face_scale(points), 8.0)
    # retouching fades out well inside the blend boundary, so the seam keeps the template's
    # own gradient energy (no sharpened or grainy rim)
    weight = np.minimum(regions.oval, np.clip(swapped.mask[roi.slices] * 2.0 - 1.0, 0.0, 1.0))
    with timed(timings, "enhance"):
        if params.enhance > 0:
            region = enhance_detail_fast(region, feather(weight, scale * 0.05), params.enhance,
                                         scale)
    with timed(timings, "retouch_face"):
        region = _retouch(region, regions, weight, scale, template, plan, params, points)
    out = swapped.image.copy()
    out[roi.slices] = region
    return out


def template_grain(template: np.ndarray, points: np.ndarray) -> float:
    """Grain level of the template's own cheek skin."""
    roi = geo.roi_around(points, 1.2, template.shape)
    crop = template[roi.slices]
    return grain_level(crop, cheek_mask(points - roi.offset, crop.shape))


def _retouch(region: np.ndarray, regions: FaceRegions, weight: np.ndarray, scale: float,
             template: np.ndarray, plan: FacePlan, params: FusionParams,
             points: np.ndarray) -> np.ndarray:
    """Smoothing, teeth, make-up, model sharpening and grain, inside the new face."""
    region = smooth_skin(region, regions.skin * weight, params.smooth, scale)
    region = whiten_teeth(region, regions.mouth_inner, float(params.teeth))
    if params.makeup:
        region = _makeup(region, points, template, plan.template_face.landmarks)
    region = sharpen(region, regions.oval * weight, PRESETS[params.model].sharpen, scale * 0.03)
    if params.smooth < 1.0:
        target = template_grain(template, plan.template_face.landmarks) * (1.0 - params.smooth)
        region = match_grain(region, regions.skin * weight, target)
    return region


def _eyeshadow_mask(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    scale = max(face_scale(points), 8.0)
    masks = []
    for eye, brow in ((lm.RIGHT_EYE, lm.RIGHT_BROW), (lm.LEFT_EYE, lm.LEFT_BROW)):
        ring = np.concatenate([points[list(eye[8:]) + [eye[0]]], points[list(brow[5:])]])
        masks.append(polygon_mask(ring, shape, scale * 0.05))
    eyes = np.maximum(face_regions(points, shape).eyes, 0)
    return np.clip(np.maximum(masks[0], masks[1]) - eyes, 0, 1) * 0.6


def _makeup(region: np.ndarray, points: np.ndarray, template: np.ndarray,
            t_points: np.ndarray) -> np.ndarray:
    """Carry the template's lip and eye make-up colours onto the new face."""
    troi = geo.roi_around(t_points, 1.3, template.shape)
    t_img = template[troi.slices].astype(np.float32)
    t_local = t_points - troi.offset
    t_regions, r_regions = face_regions(t_local, t_img.shape), face_regions(points, region.shape)
    lips = np.clip(r_regions.lips - r_regions.mouth_inner, 0, 1)
    t_lips = np.clip(t_regions.lips - t_regions.mouth_inner, 0, 1)
    region = transfer_colour(region, lips, t_img, t_lips)
    return transfer_colour(region, _eyeshadow_mask(points, region.shape), t_img,
                           _eyeshadow_mask(t_local, t_img.shape), amount=0.7)
