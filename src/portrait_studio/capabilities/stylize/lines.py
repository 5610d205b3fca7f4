"""Line art: extended difference-of-Gaussians (XDoG) ink maps, thickening, dry-brush breaks.

Ink maps are HxW float32 in [0, 1] (1 = full ink). Inputs are HxW uint8 or float32 grey
(0..255), usually the upsampled abstraction so lines follow shapes rather than texture.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float32]


def xdog(grey: NDArray[np.generic], sigma: float, *, k: float = 1.6, tau: float = 0.98,
         threshold: float = 0.0, sharpness: float = 2.0) -> Float:
    """XDoG ink map: ``(1+tau)G_s - tau G_ks`` falling below ``threshold`` becomes ink, with a
    smooth ramp of width 1/``sharpness`` (in 0..255 grey units / 10)."""
    g = np.asarray(grey, np.float32)
    a = cv2.GaussianBlur(g, (0, 0), sigma)
    b = cv2.GaussianBlur(g, (0, 0), sigma * k)
    dog = a - tau * b + (tau - 1.0) * 128.0
    t = (threshold - dog) * (sharpness / 10.0)
    return np.asarray(np.clip(t, 0.0, 1.0), np.float32)


def edges(grey: NDArray[np.generic], sigma: float, *, k: float = 1.6,
          strength: float = 6.0, floor: float = 1.5) -> Float:
    """Dark-side DoG line map: pixels darker than their surround by more than ``floor`` grey
    units become ink, fully at ``floor + strength``."""
    g = np.asarray(grey, np.float32)
    a = cv2.GaussianBlur(g, (0, 0), sigma)
    b = cv2.GaussianBlur(g, (0, 0), sigma * k)
    return np.asarray(np.clip((b - a - floor) / strength, 0.0, 1.0), np.float32)


def thicken(ink: Float, radius: float) -> Float:
    """Grow an ink map by ``radius`` pixels (grey dilation with a disc), softened a little."""
    r = round(radius)
    if r < 1:
        return ink
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    grown = cv2.dilate(ink, disc)
    return np.asarray(cv2.GaussianBlur(grown, (0, 0), 0.6), np.float32)


def clean(ink: Float, min_area: int) -> Float:
    """Drop specks: connected ink components smaller than ``min_area`` pixels."""
    binary = (ink > 0.35).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    keep = np.zeros(n, np.float32)
    keep[1:] = (stats[1:, cv2.CC_STAT_AREA] >= min_area).astype(np.float32)
    return np.asarray(ink * keep[labels], np.float32)


def dry_brush(ink: Float, rng: np.random.Generator, scale: float, gaps: float = 0.35) -> Float:
    """Break an ink map into dry-brush strokes: streaky noise (stretched along rows and columns)
    removes about ``gaps`` of the ink; ``scale`` is the streak length in pixels."""
    h, w = ink.shape
    small = (max(8, int(w / scale * 4)), max(8, int(h / scale * 4)))
    noise = rng.standard_normal((small[1], small[0])).astype(np.float32)
    streak = (np.asarray(cv2.GaussianBlur(noise, (0, 0), sigmaX=0.6, sigmaY=2.5), np.float32)
              + np.asarray(cv2.GaussianBlur(noise, (0, 0), sigmaX=2.5, sigmaY=0.6), np.float32))
    big = np.asarray(cv2.resize(streak, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
    cut = float(np.quantile(big[:: 7, :: 7], gaps))
    keep = np.clip((big - cut) / (float(big.std()) * 0.4 + 1e-6) + 0.5, 0.0, 1.0)
    return np.asarray(ink * keep, np.float32)


def silhouette(mask: Float, width: float) -> Float:
    """Outline of a soft 0..1 mask (e.g. the person): ink where it crosses 0.5, ``width``
    pixels wide, anti-aliased (HxW float32)."""
    m = np.asarray(mask, np.float32)
    h, w = m.shape
    f = max(1, int(width // 2))
    small = cv2.resize(m, (max(2, w // f), max(2, h // f)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 2.0)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    grad = np.sqrt(gx * gx + gy * gy) + 1e-6
    dist = np.abs(small - 0.5) / grad * 8.0  # distance to the 0.5 level in small pixels
    line = np.clip(width / (2.0 * f) - dist + 0.5, 0.0, 1.0) * (grad > 0.02)
    return np.asarray(cv2.resize(line.astype(np.float32), (w, h),
                                 interpolation=cv2.INTER_LINEAR), np.float32)
