"""Face-local retouch of a glam style: tone evening, smoothing, pore detail, grain, eyes, teeth,
skin lightness and face slimming (a small inward warp of the jaw outline).

Every function works on a region around one face: ``img`` HxWx3 float32 RGB 0..255 and
``points`` 478x2 float32 landmarks in that region's pixels. Pixels far from the face are
returned unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.color import gaussian, lab_to_rgb, masked_blur, rgb_to_lab
from ...perception import landmarks as lm
from ...perception.masks import FaceRegions, face_regions, face_scale, polygon_mask
from ..retouch.core import match_grain, smooth_skin, whiten_teeth
from .types import FaceLook

BLOTCH_WORK_SCALE = 40.0  # eye distance (px) at which the blotch map is computed


def blotch_map(img: np.ndarray, skin: np.ndarray, scale: float) -> np.ndarray:
    """HxWx3 float32 correction that evens blotchy skin: the skin-only local mean at 0.3 eye
    distances minus the one at 0.05 (mid-frequency patches such as redness), computed at a
    reduced size (it is smooth) and zero outside ``skin``."""
    factor = min(1.0, BLOTCH_WORK_SCALE / scale)
    h, w = img.shape[:2]
    size = (max(4, round(w * factor)), max(4, round(h * factor)))
    small = cv2.resize(img.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    small_skin = cv2.resize(skin.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    s = scale * factor
    band = masked_blur(small, small_skin, s * 0.3) - masked_blur(small, small_skin, s * 0.05)
    big = cv2.resize(band, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.asarray(big * skin[..., None], np.float32)


def even_tone(img: np.ndarray, blotch: np.ndarray, amount: float) -> np.ndarray:
    """Add ``amount`` of the :func:`blotch_map` correction (fine texture and broad lighting
    are kept)."""
    if amount <= 0:
        return img
    return np.asarray(img + blotch * np.float32(amount), np.float32)


def boost_detail(img: np.ndarray, skin: np.ndarray, amount: float, scale: float) -> np.ndarray:
    """Raise the finest detail (pores, fine lines) inside ``skin`` by up to 1.5x ``amount``."""
    if amount <= 0:
        return img
    detail = img - gaussian(img, max(0.8, scale * 0.012))
    return np.asarray(np.clip(img + detail * (1.5 * amount * skin)[..., None], 0, 255),
                      np.float32)


def eye_mask(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Soft mask of the two eye openings (sclera and iris, not the lids)."""
    soft = max(face_scale(points), 8.0) * 0.02
    right = polygon_mask(points[list(lm.RIGHT_EYE)], shape, soft)
    return np.asarray(np.maximum(right, polygon_mask(points[list(lm.LEFT_EYE)], shape, soft)),
                      np.float32)


def brighten_eyes(img: np.ndarray, eyes: np.ndarray, amount: float, scale: float) -> np.ndarray:
    """Lift the lightness of the eye openings (more where they are already light: the sclera)
    and add local contrast (a crisper iris)."""
    if amount <= 0:
        return img
    lab = rgb_to_lab(img)
    light = np.clip(lab[..., 0] / 100.0, 0, 1)
    lab[..., 0] += eyes * amount * (4.0 + 10.0 * light)
    out = lab_to_rgb(lab)
    detail = out - gaussian(out, max(1.0, scale * 0.02))
    return np.asarray(np.clip(out + detail * (0.8 * amount * eyes)[..., None], 0, 255),
                      np.float32)


def lighten_skin(img: np.ndarray, skin: np.ndarray, amount: float) -> np.ndarray:
    """Add ``amount`` Lab L* units inside ``skin``."""
    if amount == 0:
        return img
    lab = rgb_to_lab(img)
    lab[..., 0] += skin * amount
    return np.asarray(lab_to_rgb(lab), np.float32)


def jaw_shift(points: np.ndarray, amount: float) -> np.ndarray:
    """Landmarks with the lower face outline moved toward the face's midline by ``amount``
    face widths, most at the jaw angle and not at all at the chin or the cheekbones."""
    out = points.copy()
    top, chin = points[lm.NOSE_TIP], points[lm.CHIN]
    axis = (chin - top) / max(float(np.linalg.norm(chin - top)), 1e-6)
    width = float(np.linalg.norm(points[lm.LEFT_CHEEK] - points[lm.RIGHT_CHEEK]))
    for idx in lm.FACE_OVAL:
        rel = points[idx] - top
        t = float(np.dot(rel, axis)) / max(float(np.linalg.norm(chin - top)), 1e-6)
        if not 0.0 < t < 1.0:
            continue
        side = rel - axis * float(np.dot(rel, axis))
        out[idx] -= side / max(float(np.linalg.norm(side)), 1e-6) * (
            amount * width * float(np.sin(np.pi * t)))
    return out


def displacement_maps(points: np.ndarray, moves: np.ndarray, shape: tuple[int, ...],
                      sigma: float, step: int = 4) -> geo.Maps:
    """Backward maps of a smooth, bounded warp that moves each of ``points`` (Nx2) by its row
    of ``moves``: a Gaussian-weighted average of the moves (kernel ``sigma`` px) that fades to
    zero away from the points, so no pixel moves further than the largest move."""
    h, w = shape[:2]
    ys, xs = np.mgrid[0:h + step:step, 0:w + step:step].astype(np.float32)
    d2 = (xs[..., None] - points[:, 0]) ** 2 + (ys[..., None] - points[:, 1]) ** 2
    phi = np.exp(-d2 / (2 * sigma ** 2))
    weight = phi.sum(axis=-1, keepdims=True) + np.float32(np.exp(-2.0))
    field = (phi[..., None] * moves.astype(np.float32)).sum(axis=-2) / weight  # no BLAS
    size = (xs.shape[1] * step, xs.shape[0] * step)
    fx = cv2.resize(xs - field[..., 0], size, interpolation=cv2.INTER_LINEAR)[:h, :w]
    fy = cv2.resize(ys - field[..., 1], size, interpolation=cv2.INTER_LINEAR)[:h, :w]
    return np.ascontiguousarray(fx), np.ascontiguousarray(fy)


def slim_face(img: np.ndarray, points: np.ndarray, amount: float) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """Warp the jaw outline inward; the inner face (eyes, nose, mouth) stays where it is.
    Returns the warped region and the moved landmarks."""
    if amount <= 0:
        return img, points
    moved = jaw_shift(points, amount)
    oval = list(lm.FACE_OVAL)
    anchors = [i for i in lm.ALIGN_POINTS if i not in oval]
    where = np.concatenate([points[oval], points[anchors]])
    moves = np.concatenate([moved[oval] - points[oval], np.zeros((len(anchors), 2), np.float32)])
    width = float(np.linalg.norm(points[lm.LEFT_CHEEK] - points[lm.RIGHT_CHEEK]))
    maps = displacement_maps(where, moves, img.shape, sigma=max(2.0, 0.12 * width))
    return np.asarray(geo.remap(img, maps), np.float32), moved


@dataclass(frozen=True)
class FaceMasks:
    """What every style needs of one face region; computed once per region, shared by all
    outputs: mesh region masks, the eye openings, the eye distance and the blotch map."""

    regions: FaceRegions
    eyes: np.ndarray
    scale: float
    blotch: np.ndarray


def face_masks(img: np.ndarray, points: np.ndarray) -> FaceMasks:
    """:class:`FaceMasks` of the face ``points`` in the region ``img``."""
    regions = face_regions(points, img.shape)
    scale = max(face_scale(points), 8.0)
    return FaceMasks(regions, eye_mask(points, img.shape), scale,
                     blotch_map(img, regions.skin, scale))


def apply_face_look(img: np.ndarray, points: np.ndarray, look: FaceLook, grain_target: float,
                    seed: int = 0, masks: FaceMasks | None = None) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """Retouch one face region with ``look``; ``grain_target`` is the template's own skin grain
    level (see :func:`~portrait_studio.capabilities.retouch.core.grain_level`); ``masks`` are
    this region's :func:`face_masks` when already known. Returns the region (HxWx3 float32
    RGB) and the face's landmarks after slimming."""
    m = masks or face_masks(img, points)
    skin = m.regions.skin
    out = even_tone(img.astype(np.float32), m.blotch, look.even)
    out = smooth_skin(out, skin, look.smooth, m.scale)
    out = boost_detail(out, skin, look.detail, m.scale)
    if look.grain > 0:
        out = match_grain(out, skin, grain_target * look.grain, seed=seed)
    out = lighten_skin(out, skin, look.skin_light)
    out = brighten_eyes(out, m.eyes, look.eyes, m.scale)
    out = whiten_teeth(out, m.regions.mouth_inner, look.teeth)
    return slim_face(np.clip(out, 0, 255), points, look.slim)
