"""Brush-stroke texture: line-integral convolution (LIC) of noise along the picture's own
edge-tangent flow, so strokes follow forms the way a painter's do.

Works at the working resolution (HxWx3 uint8 RGB in, HxW float32 zero-mean texture out).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float32]


def tangent_flow(img: NDArray[np.uint8], sigma: float = 3.0) -> tuple[Float, Float]:
    """Unit vectors (tx, ty) along edges, from the smoothed structure tensor."""
    g = cv2.GaussianBlur(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32), (0, 0), 1.0)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    jxx = cv2.GaussianBlur(gx * gx, (0, 0), sigma)
    jxy = cv2.GaussianBlur(gx * gy, (0, 0), sigma)
    jyy = cv2.GaussianBlur(gy * gy, (0, 0), sigma)
    theta = 0.5 * np.arctan2(2.0 * jxy, jxx - jyy) + np.pi / 2.0
    return np.asarray(np.cos(theta), np.float32), np.asarray(np.sin(theta), np.float32)


def strokes(img: NDArray[np.uint8], rng: np.random.Generator, length: int,
            width: float = 0.8) -> Float:
    """Zero-mean, unit-deviation stroke texture: noise smeared ``length`` pixels both ways
    along the tangent flow of ``img``; ``width`` is the noise grain (stroke thickness)."""
    h, w = img.shape[:2]
    tx, ty = tangent_flow(img)
    noise = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), width)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    acc = noise.copy()
    for sign in (1.0, -1.0):
        px, py = xs.copy(), ys.copy()
        for _ in range(length):
            dx = cv2.remap(tx, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            dy = cv2.remap(ty, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            px += sign * dx
            py += sign * dy
            acc = acc + np.asarray(cv2.remap(noise, px, py, cv2.INTER_LINEAR,
                                             borderMode=cv2.BORDER_REFLECT), np.float32)
    centred = acc - np.float32(acc.mean())
    return np.asarray(centred / (float(centred.std()) + 1e-6), np.float32)
