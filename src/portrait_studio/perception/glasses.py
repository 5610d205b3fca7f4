"""Eyeglass frames: find them on a face and paint them out.

A frame is a thin dark structure in the eye band (brow line to below the eyes) outside the eyes
and brows, and a real frame always crosses the nose bridge (skin creases and eyelids never do).
Found with a morphological black-hat of the lightness; removed with OpenCV's Telea inpainting
from the surrounding skin. Images are HxWx3 uint8 RGB; landmarks 478x2 pixels.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import landmarks as lm
from .masks import face_regions, face_scale

BLACKHAT_MIN = 9.0       # L* units darker than the surroundings
BRIDGE_COVER = 0.6       # share of the bridge zone's width a frame must span
MIN_WIDTH = 0.45         # rims and arms: at least this many eye distances wide


def _kernel(size: float) -> np.ndarray:
    k = max(3, int(size) | 1)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))


def _candidates(img: np.ndarray, points: np.ndarray, scale: float) -> np.ndarray:
    """Dark thin structures in the eye band outside the eyes and brows (HxW bool); only the
    band's rows (plus the reach of the black-hat's closing) are examined."""
    kernel = _kernel(scale * 0.18)
    brow_y = points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].mean()
    eye_y = points[[lm.RIGHT_IRIS_CENTER, lm.LEFT_IRIS_CENTER], 1].mean()
    top, bottom = brow_y - 0.05 * scale, eye_y + 0.5 * scale
    pad = kernel.shape[0]  # a closing (dilate then erode) reaches two kernel radii
    y0 = max(0, int(np.floor(top)) - pad)
    y1 = min(img.shape[0], int(np.ceil(bottom)) + pad + 1)
    out = np.zeros(img.shape[:2], bool)
    if y1 <= y0:
        return out
    band_img = np.ascontiguousarray(img[y0:y1])
    light = cv2.cvtColor(band_img, cv2.COLOR_RGB2Lab)[..., 0].astype(np.float32) * (100 / 255)
    blackhat = cv2.morphologyEx(light, cv2.MORPH_BLACKHAT, kernel)
    ys = np.arange(y0, y1)[:, None]
    band = (ys > top) & (ys < bottom)
    regions = face_regions(points - np.array([0, y0], np.float32), band_img.shape)
    features = (regions.eyes > 0.5) | (regions.brows > 0.6)
    out[y0:y1] = band & ~features & (blackhat > BLACKHAT_MIN)
    return out


def _bridge_zone(points: np.ndarray, shape: tuple[int, ...], scale: float) -> tuple[
        np.ndarray, int]:
    x0 = int(points[lm.RIGHT_EYE_INNER, 0] + 0.05 * scale)
    x1 = int(points[lm.LEFT_EYE_INNER, 0] - 0.05 * scale)
    x0, x1 = min(x0, x1), max(x0, x1)
    y = points[[168, 6], 1]
    y0, y1 = int(y.min() - 0.25 * scale), int(y.max() + 0.1 * scale)
    zone = np.zeros(shape[:2], bool)
    zone[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = True
    return zone, max(1, x1 - x0)


def _columns_in_zone(labels: np.ndarray, zone: np.ndarray, n: int) -> np.ndarray:
    """For each of the ``n`` labels, how many image columns of the (rectangular) ``zone``
    it appears in."""
    rows, cols = np.nonzero(zone.any(axis=1))[0], np.nonzero(zone.any(axis=0))[0]
    if len(rows) == 0 or len(cols) == 0:
        return np.zeros(n, np.float64)
    sub = labels[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].astype(np.int64)
    pairs = np.unique(sub * sub.shape[1] + np.arange(sub.shape[1])[None, :])
    return np.bincount(pairs // sub.shape[1], minlength=n)[:n].astype(np.float64)


def glasses_mask(img: np.ndarray, points: np.ndarray) -> np.ndarray:
    """HxW bool mask of eyeglass frames on the face, all False when there are none."""
    scale = max(face_scale(points), 8.0)
    cand = _candidates(img, points, scale)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand.astype(np.uint8), 8)
    zone, width = _bridge_zone(points, img.shape, scale)
    ids = np.arange(n)
    cover = _columns_in_zone(labels, zone, n) / width
    bridge = (cover >= BRIDGE_COVER) & (ids > 0)
    if not bridge.any():
        return np.zeros(img.shape[:2], bool)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    wide = (w >= MIN_WIDTH * scale) & (w > 1.5 * h) & (ids > 0)
    return np.isin(labels, np.flatnonzero(bridge | wide))


def remove_glasses(img: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, int]:
    """``img`` with eyeglass frames painted out from the surrounding skin, and the number of
    frame pixels removed (0: no glasses found, image returned unchanged)."""
    mask = glasses_mask(img, points)
    count = int(mask.sum())
    if count == 0:
        return img, 0
    scale = max(face_scale(points), 8.0)
    grown = cv2.dilate(mask.astype(np.uint8) * 255, _kernel(max(3.0, scale * 0.04)))
    return cv2.inpaint(np.ascontiguousarray(img), grown, max(3.0, scale * 0.05),
                       cv2.INPAINT_TELEA), count
