"""Complexion: measure a face's skin colour and re-tone a template person's visible skin.

Skin tone is part of identity: by default the user's complexion is kept on the face and the
template person's other skin (neck, ears, chest, arms) is re-toned to match, so there is no jump
at the jaw, forehead or neck. Re-toning multiplies RGB by the per-channel ratio of the two skin
means (an albedo change under the same lighting), weighted by a soft skin map of that person.
Images are HxWx3 float32/uint8 RGB 0..255.
"""

from __future__ import annotations

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.blend import feather, mask_box
from ...imaging.color import fit_skin_model, masked_mean
from ...perception.masks import cheek_mask, face_regions, face_scale


def skin_mean(img: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Mean RGB of the face skin (oval minus features, cut to skin-coloured pixels)."""
    k = geo.work_factor(face_scale(points))
    roi = geo.trim_roi(geo.roi_around(points, 1.2, img.shape), k)
    grid = geo.WorkGrid((roi.h, roi.w), k)
    local, crop = grid.points(points - roi.offset), grid.down(img[roi.slices])
    regions = face_regions(local, crop.shape)
    model = fit_skin_model(crop, cheek_mask(local, crop.shape))
    return masked_mean(crop, regions.skin * model.likelihood(crop))


def tone_ratio(user_mean: np.ndarray, template_mean: np.ndarray) -> np.ndarray:
    """Per-channel multiplier taking the template's skin to the user's (clipped to 0.25..4)."""
    return np.clip(user_mean / np.maximum(template_mean, 1.0), 0.25, 4.0).astype(np.float32)


# reach of the re-toning around a face, in inter-ocular distances (sideways, up, down)
REACH_X, REACH_UP, REACH_DOWN = 5.0, 3.0, 9.0


def _reach(points: np.ndarray, shape: tuple[int, ...], scale: float) -> geo.Roi:
    cx, cy = points[:468].mean(axis=0)
    k = 2.2 * scale  # exp(-2.2^2) < 1%: beyond this the weight is negligible
    return geo.Roi(max(0, int(cx - REACH_X * k)), max(0, int(cy - REACH_UP * k)),
                   min(shape[1], int(cx + REACH_X * k) + 1),
                   min(shape[0], int(cy + REACH_DOWN * k) + 1))


def person_skin_field(img: np.ndarray, points: np.ndarray, person: np.ndarray) -> (
        tuple[geo.Roi, geo.WorkGrid, np.ndarray]):
    """Soft map of the visible skin of the person whose face is ``points`` (skin-coloured like
    that face's cheeks, on the person mask ``person`` (HxW float32), fading with distance from
    the face) for the region where it is not negligible, computed on a working grid of that
    region: (region, grid, grid-sized float32 weight). ``person`` may be at a reduced
    resolution of the whole image (it is sampled)."""
    full_scale = max(face_scale(points), 8.0)
    k = geo.work_factor(full_scale)
    roi = geo.trim_roi(_reach(points, img.shape, full_scale), k)
    grid = geo.WorkGrid((roi.h, roi.w), k)
    crop, local = grid.down(img[roi.slices]), grid.points(points - roi.offset)
    mask = geo.sample_field(person, img.shape, roi, grid)
    scale = full_scale / k
    model = fit_skin_model(crop, cheek_mask(local, crop.shape))
    h, w = crop.shape[:2]
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    cx, cy = local[:468].mean(axis=0)
    dy = np.where(ys > cy, (ys - cy) / (scale * REACH_DOWN), (cy - ys) / (scale * REACH_UP))
    falloff = np.exp(-((xs - cx) / (scale * REACH_X)) ** 2 - dy ** 2).astype(np.float32)
    weight = model.likelihood(crop) * mask * falloff
    oval = face_regions(local, crop.shape).oval
    soft = feather(np.maximum(weight, oval), scale * 0.08)
    return roi, grid, soft * np.maximum(mask, oval)  # no spill onto the background


def person_skin_weight(img: np.ndarray, points: np.ndarray, person: np.ndarray) -> (
        tuple[geo.Roi, np.ndarray]):
    """:func:`person_skin_field` at full resolution: (region, HxW float32 weight inside it)."""
    roi, grid, weight = person_skin_field(img, points, person)
    return roi, grid.up(weight)


def retone(img: np.ndarray, ratio: np.ndarray, roi: geo.Roi, weight: np.ndarray) -> np.ndarray:
    """Copy of ``img`` (float32) whose pixels in ``roi`` are multiplied by ``ratio`` in
    proportion to ``weight``."""
    out = img.astype(np.float32, copy=True)
    gain = 1.0 + (ratio[None, None, :] - 1.0) * weight[..., None]
    out[roi.slices] = np.clip(out[roi.slices] * gain, 0, 255)
    return out


def retone_field(canvas: np.ndarray, ratio: np.ndarray, roi: geo.Roi, grid: geo.WorkGrid,
                 weight: np.ndarray) -> None:
    """In place on ``canvas`` (HxWx3 uint8 or float32 RGB 0..255): multiply the pixels of
    ``roi`` by ``ratio`` in proportion to ``weight`` given on ``grid`` (the gain field is
    smooth, so it is formed on the grid and upsampled). uint8 results are rounded."""
    box = mask_box(weight, 1, threshold=1e-3)  # elsewhere the gain is 1 to within 0.3%
    weight = weight[box]
    if weight.size == 0:
        return
    gain = grid.up((1.0 + (ratio[None, None, :] - 1.0) * weight[..., None]).astype(np.float32))
    ys, xs = grid.full_slices(box)
    region = canvas[roi.slices][ys, xs]
    gain = gain[:region.shape[0], :region.shape[1]]
    if canvas.dtype == np.uint8:
        region[...] = cv2.multiply(region, gain, dtype=cv2.CV_8U)
        return
    np.multiply(region, gain, out=region)
    np.clip(region, 0, 255, out=region)
