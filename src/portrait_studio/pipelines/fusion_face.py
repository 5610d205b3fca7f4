"""Per-face steps of face fusion: planning (pose, scale, model-5 decisions) and finishing
(enhancement, smoothing, teeth, make-up, sharpening inside the new face).

Images are HxWx3 uint8 RGB (inputs and canvas) or float32 RGB 0..255 (retouch regions).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, TypeVar

import cv2
import numpy as np

from ..capabilities.face_swap.core import SwapOutput, computed_ahead
from ..capabilities.face_swap.shave import has_beard
from ..capabilities.face_swap.types import SwapOptions
from ..capabilities.retouch.core import (
    enhance_detail_fast,
    grain_level,
    match_grain,
    sharpen,
    smooth_skin,
    transfer_colour,
    unit_grain,
    whiten_teeth,
)
from ..capabilities.retouch.crisp import match_crispness, skin_crispness
from ..capabilities.retouch.focus import (
    defocus_sigma,
    edge_widths,
    match_focus,
    may_be_defocused,
    template_edges,
)
from ..capabilities.retouch.texture import PHOTO_GRAIN, match_noise, missing_noise, noise_level
from ..capabilities.super_resolution.core import upscale
from ..imaging import geometry as geo
from ..imaging.blend import feather, mask_box
from ..imaging.color import to_u8
from ..perception import landmarks as lm
from ..perception.faces import Face
from ..perception.glasses import remove_glasses
from ..perception.masks import cheek_mask, eye_openness, face_regions, face_scale, polygon_mask
from .fusion_params import PRESETS, FusionParams, swap_options
from .timing import timed

MIRROR_YAW_GAP = 0.35
MIRROR_FILL_FROM = 0.15  # yaw excess of the user over the template before mirror filling
T = TypeVar("T")

CLOSED_EYE, OPEN_EYE = 0.12, 0.18
# retouching (enhancement, smoothing, sharpening, grain) starts where the blend weight reaches
# this level and is full at 1: the seam (blend weight 0.05..0.9) sees the user's face texture
# as the swap left it next to the template's own, never a sharpened or smoothed rim
RETOUCH_FROM = 0.97
CRISP_CLEAR = 9  # px inside the blend's 0.9 level where the skin's crispness boost starts


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
    shaven: bool = False         # the template face's beard is painted out for this user


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


def plan_face(image: np.ndarray, user: Face, template: Face, params: FusionParams,
              template_bearded: bool = False) -> FacePlan:
    """Decide mirroring, model-5 keeps, scaling and shaving for one user/template face pair
    (``template_bearded``: the template face has a beard, which goes unless the user has
    one too: their own beard goes with their face)."""
    from .fusion import mirror_user

    mirrored = should_mirror(user, template)
    if mirrored:
        image, user = mirror_user(image, user)
    preset = PRESETS[params.model]
    keep_eyes = preset.auto_keep_closed and eyes_closed(user) and eyes_open(template)
    crop, points, glasses = scaled_user(image, user, face_scale(template.landmarks),
                                        preset.upscale_user)
    shaven = template_bearded and not has_beard(crop, points)
    options = swap_options(params, keep_eyes, False, mirror_amount(user, template), shaven)
    return FacePlan(template, user, image, crop, points, options, mirrored, glasses, shaven)


@dataclass(frozen=True)
class RetouchArea:
    """Where one new face is retouched: a box of the canvas (just around the part of the face
    the blend takes fully) and its soft fields at full resolution inside that box."""

    roi: geo.Roi
    points: np.ndarray     # 478x2 landmarks relative to the box
    scale: float           # inter-ocular distance, px
    weight: np.ndarray     # retouch weight: the oval, fading well inside the blend boundary
    skin: np.ndarray       # skin (oval minus features) x weight
    sharp: np.ndarray      # (eyes + brows + lips) x weight (sharpening)
    k: int = 1             # working-grid reduction for smooth layers (large faces)


def retouch_area(points: np.ndarray, mask: np.ndarray, shape: tuple[int, ...]) -> RetouchArea:
    """The retouch box of a face (landmarks ``points``, full-image blend ``mask``): the
    bounding box of ``mask > 0.5`` inside the face's 1.3x region, with a margin for the
    feathers; its region masks are drawn on a working grid and upsampled."""
    scale = max(face_scale(points), 8.0)
    outer = geo.roi_around(points, 1.3, shape)
    ys, xs = mask_box(mask[outer.slices], int(scale * 0.1) + 2, threshold=0.5)
    k = geo.work_factor(scale)
    roi = geo.trim_roi(geo.Roi(outer.x0 + (xs.start or 0), outer.y0 + (ys.start or 0),
                               outer.x0 + (xs.stop or 0), outer.y0 + (ys.stop or 0)), k)
    local = points - roi.offset
    grid = geo.WorkGrid((roi.h, roi.w), k)
    regions = face_regions(grid.points(local), grid.small)
    # retouching fades in inside the blend boundary (RETOUCH_FROM), so the seam keeps the
    # template's own gradient energy (no sharpened or grainy rim); sharpening (the model
    # presets' crisp look) is for eyes, brows and lips: sharpened skin reads less like the user
    blend = np.clip((grid.down(mask[roi.slices]) - RETOUCH_FROM) / (1.0 - RETOUCH_FROM), 0, 1)
    weight = np.minimum(regions.oval, blend)
    features = np.clip(regions.eyes + regions.brows + regions.lips, 0.0, 1.0)
    return RetouchArea(roi, local, scale, grid.up(weight), grid.up(regions.skin * weight),
                       grid.up(features * weight), k)


def area_grain(area: Future[RetouchArea]) -> tuple[np.ndarray, float]:
    """The grain field (:func:`~portrait_studio.capabilities.retouch.core.unit_grain`, seed
    0) of the retouch box ``area`` will have: queued on the helper thread after that box, it
    is ready before the retouch needs it."""
    roi = area.result().roi
    return unit_grain((max(roi.h, 1), max(roi.w, 1)), 0)


def area_feather(area: Future[RetouchArea]) -> np.ndarray:
    """:func:`_feathered` of the retouch box ``area``: queued on the helper thread after
    that box."""
    return _feathered(area.result())


def _feathered(area: RetouchArea) -> np.ndarray:
    """The enhancement's weight: the box's oval weight feathered by 5% of the face scale."""
    return feather(area.weight, area.scale * 0.05)


def _enhance_weight(area: RetouchArea, ahead: Future[np.ndarray] | None) -> np.ndarray:
    """:func:`_feathered` of ``area``, from ``ahead`` when it fits (:func:`_for_box`)."""
    return _for_box(ahead, area.weight.shape, lambda w: w, _feathered, area)


def _for_box(ahead: Future[T] | None, shape: tuple[int, ...], of: Callable[[T], np.ndarray],
             fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` for a retouch box of ``shape``: from ``ahead`` (a future of it queued
    after that box), or computed here when that has not started, had no box (its
    :func:`retouch_area` was cancelled) or was made for another shape (``of``: the array
    of a result whose shape is compared)."""
    try:
        value = computed_ahead(ahead, fn, *args)
    except CancelledError:
        return fn(*args)
    return value if of(value).shape == shape else fn(*args)


def finish_face(swapped: SwapOutput, template: np.ndarray, plan: FacePlan,
                params: FusionParams, timings: dict[str, float],
                area: RetouchArea | Future[RetouchArea] | None = None,
                grain: TemplateGrain | Future[TemplateGrain] | None = None,
                field: Future[tuple[np.ndarray, float]] | None = None,
                feathered: Future[np.ndarray] | None = None) -> np.ndarray:
    """Enhance, smooth, whiten and make up the new face, in place on ``swapped.image``;
    returns that canvas (uint8 or float32 like it). With ``params.enhance == 0`` no
    enhancement work is done. ``area`` (:func:`retouch_area` of the swap) and ``grain``
    (:func:`template_grain` of the template face): computed ahead, or futures of them queued
    on another thread (computed here when it has not started them); ``field``: a future of
    :func:`area_grain` of ``area`` (for the grain matching); ``feathered``: a future of
    :func:`area_feather` of ``area`` (the enhancement's weight)."""
    area = computed_ahead(area, retouch_area, swapped.points, swapped.mask,
                          swapped.image.shape)
    if area.roi.w <= 0 or area.roi.h <= 0:
        return swapped.image
    region = swapped.image[area.roi.slices]
    with timed(timings, "enhance"):
        if params.enhance > 0:
            region = enhance_detail_fast(region, _enhance_weight(area, feathered),
                                         params.enhance, area.scale, area.k)
    with timed(timings, "retouch_face"):
        fine = computed_ahead(grain, template_grain, template, plan.template_face.landmarks)
        region = _retouch(region, area, template, plan, params, fine, field)
    with timed(timings, "crisp"):
        # as crisp at the pixel scale as the template's own bare skin (before the noise,
        # which would be sharpened too): the bench's BRISQUE -0.6..-1.2 on average on the
        # sharp templates' pairs (Bennie Thompson, Gabe Amo, Byron Donalds). Up to the
        # default smoothing (MpRadio 0.5) in full, the smoothing taking the blemishes and
        # this the photo's sharpness; stronger smoothing wins, with no boost at 1
        skin = _crisp_weight(swapped.mask[area.roi.slices], area.skin)
        region = match_crispness(region, skin, fine.crisp, skin,
                                 share=min(1.0, 2.0 * (1.0 - params.smooth)))
    with timed(timings, "focus"):
        region = _focus(region, area, swapped.mask[area.roi.slices], fine.edges)
    swapped.image[area.roi.slices] = to_u8(region) if swapped.image.dtype == np.uint8 else region
    with timed(timings, "noise"):
        _photo_noise(swapped, area, params.smooth, fine.noise)
    return swapped.image


def _focus(region: np.ndarray, area: RetouchArea, mask: np.ndarray,
           template: tuple[float, float]) -> np.ndarray:
    """The new face (``region``, blend weight ``mask``) as out of focus as the template face
    whose eyes' and lips' edge widths are ``template`` (:mod:`~.retouch.focus`); measured
    on the new face only when the template's could be out of focus at all."""
    if not may_be_defocused(template, area.scale):
        return region
    face = edge_widths(region, face_regions(area.points, region.shape))
    return match_focus(region, mask, defocus_sigma(template, face))


def _crisp_weight(mask: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Where the new face's skin is made crisper: ``skin`` (the retouch box's) kept
    :data:`CRISP_CLEAR` px inside the blend ``mask``'s 0.9 level (the box's part), fading
    over a few px: sharper texture on the blend's inner rim read as a colour jump there
    (the bench's jump, on the image blurred by 1 px, rose by 0.03 on average)."""
    inner = cv2.erode((mask > 0.9).view(np.uint8),
                      cv2.getStructuringElement(cv2.MORPH_RECT, (2 * CRISP_CLEAR + 1,) * 2))
    soft = cv2.blur(inner.astype(np.float32), (5, 5))
    out: np.ndarray = cv2.multiply(skin, soft, dtype=cv2.CV_32F)
    return out


def _photo_noise(swapped: SwapOutput, area: RetouchArea, smooth: float, noise: float) -> None:
    """The template photo's noise level (``noise``) over the whole new face, in place on
    ``swapped.image``: in proportion to the blend weight, less on the skin as it is smoothed
    (``smooth``, MpRadio; the skin's grain is matched by the retouch). The noise is a
    photo's, correlated between neighbours (:data:`PHOTO_GRAIN`), not white."""
    # the weight is zero outside the swap region: its box is found there, not on the frame
    ys, xs = mask_box(swapped.mask[swapped.roi.slices], 0, 0.01)
    y0, x0 = swapped.roi.y0, swapped.roi.x0
    box = slice(ys.start + y0, ys.stop + y0), slice(xs.start + x0, xs.stop + x0)
    measure = swapped.mask[box]
    if measure.size == 0:
        return
    # nothing to add (most faces): the face is left as it is, no copies
    missing = missing_noise(swapped.image[box], measure > 0.97, noise)
    if missing < 0.3:
        return
    weight = np.array(measure, np.float32)
    shared = geo.overlap(box, area.roi.slices)
    if shared is not None:
        here, there = shared
        weight[here] = np.maximum(weight[here] - np.float32(smooth) * area.skin[there], 0.0)
    region = match_noise(swapped.image[box], weight, noise, measure=measure, missing=missing,
                         blur=PHOTO_GRAIN)
    swapped.image[box] = to_u8(region) if swapped.image.dtype == np.uint8 else region


@dataclass(frozen=True)
class TemplateGrain:
    """The template face's fine texture: the grain level of its cheeks' skin
    (:func:`~portrait_studio.capabilities.retouch.core.grain_level`), the photo's noise
    over the face (:func:`~portrait_studio.capabilities.retouch.texture.noise_level`) and
    its bare skin's crispness
    (:func:`~portrait_studio.capabilities.retouch.crisp.skin_crispness`) and its focus
    (:func:`~portrait_studio.capabilities.retouch.focus.edge_widths`)."""

    level: float
    noise: float
    crisp: float = 0.0
    edges: tuple[float, float] = (0.0, 0.0)  # its eyes' and lips' edge widths (focus)


def _face_crop(template: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    roi = geo.roi_around(points, 1.0, template.shape)
    return template[roi.slices], points - roi.offset


def template_grain_level(template: np.ndarray, points: np.ndarray) -> float:
    """Only :attr:`TemplateGrain.level` of the template face ``points`` (what glam uses)."""
    crop, local = _face_crop(template, points)
    return grain_level(crop, cheek_mask(local, crop.shape))


def template_grain(template: np.ndarray, points: np.ndarray) -> TemplateGrain:
    """:class:`TemplateGrain` of the template face ``points``."""
    crop, local = _face_crop(template, points)
    regions = face_regions(local, crop.shape)
    return TemplateGrain(grain_level(crop, cheek_mask(local, crop.shape)),
                         noise_level(crop, regions.oval), skin_crispness(crop, local),
                         template_edges(crop, local, face_scale(points), regions))


def _mouth_box(points: np.ndarray, shape: tuple[int, ...], scale: float) -> geo.Roi:
    ring = points[list(lm.LIPS_INNER)]
    pad = int(scale * 0.06) + 2
    lo, hi = np.floor(ring.min(0)).astype(int) - pad, np.ceil(ring.max(0)).astype(int) + pad
    return geo.Roi(max(0, int(lo[0])), max(0, int(lo[1])), min(shape[1], int(hi[0])),
                   min(shape[0], int(hi[1])))


def _teeth(region: np.ndarray, area: RetouchArea, strength: float) -> np.ndarray:
    """Teeth whitening on the inner-mouth box only (the mask is zero elsewhere)."""
    if strength <= 0:
        return region
    box = _mouth_box(area.points, region.shape, area.scale)
    if box.w <= 0 or box.h <= 0:
        return region
    local = area.points - box.offset
    mouth = polygon_mask(local[list(lm.LIPS_INNER)], (box.h, box.w), area.scale * 0.02)
    region = np.asarray(region, np.float32)  # a fresh array from smooth_skin
    region[box.slices] = whiten_teeth(region[box.slices], mouth, strength)
    return region


def _grain_ahead(field: Future[tuple[np.ndarray, float]],
                 shape: tuple[int, ...]) -> Callable[[], tuple[np.ndarray, float]]:
    """The :func:`unit_grain` of ``shape`` (seed 0), from ``field`` when it fits
    (:func:`_for_box`)."""
    return partial(_for_box, field, shape, itemgetter(0), unit_grain, shape, 0)


def _retouch(region: np.ndarray, area: RetouchArea, template: np.ndarray, plan: FacePlan,
             params: FusionParams, fine: TemplateGrain,
             field: Future[tuple[np.ndarray, float]] | None = None) -> np.ndarray:
    """Smoothing, teeth, make-up, model sharpening and grain, inside the new face."""
    region = smooth_skin(region, area.skin, params.smooth, area.scale, area.k)
    region = _teeth(region, area, float(params.teeth))
    if params.makeup:
        region = _makeup(region, area.points, template, plan.template_face.landmarks)
    region = sharpen(region, area.sharp, PRESETS[params.model].sharpen, area.scale * 0.03,
                     area.k)
    if params.smooth < 1.0:
        region = match_grain(region, area.skin, fine.level * (1.0 - params.smooth),
                             grain=None if field is None else _grain_ahead(field,
                                                                           region.shape[:2]))
    return region


def _eyeshadow_mask(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    scale = max(face_scale(points), 8.0)
    masks = []
    for eye, brow in ((lm.RIGHT_EYE, lm.RIGHT_BROW), (lm.LEFT_EYE, lm.LEFT_BROW)):
        ring = np.concatenate([points[list(eye[8:]) + [eye[0]]], points[list(brow[5:])]])
        masks.append(polygon_mask(ring, shape, scale * 0.05))
    eyes = np.maximum(face_regions(points, shape).eyes, 0)
    return np.asarray(np.clip(np.maximum(masks[0], masks[1]) - eyes, 0, 1) * 0.6, np.float32)


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
