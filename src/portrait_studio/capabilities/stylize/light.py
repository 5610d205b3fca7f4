"""Light effects: bloom/glow, vignettes, soft diffusion. Computed at reduced size when smooth.

Images are HxWx3 uint8 RGB or float32 0..255; masks HxW float32.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from .toolkit import Float, Image, f32, luma, resize, u8

Mask = NDArray[np.float32]


def _small(img: Image | Float, side: int) -> Float:
    h, w = img.shape[:2]
    f = min(1.0, side / max(h, w))
    return f32(resize(np.asarray(img), (max(1, round(w * f)), max(1, round(h * f)))))


def bloom(img: Image | Float, threshold: float, radius: float, side: int = 384,
          gain: float = 1.0) -> Image:
    """HxWx3 uint8 soft glow of the parts brighter than ``threshold`` (0..255) times
    ``gain``; ``radius`` is a fraction of the short side. Computed at <= ``side`` pixels."""
    h, w = img.shape[:2]
    small = _small(img, side)
    bright = small * np.clip((luma(small) - threshold) / (255.0 - threshold + 1e-6),
                             0.0, 1.0)[..., None]
    sigma = max(1.0, radius * min(small.shape[:2]))
    glow = (cv2.GaussianBlur(bright, (0, 0), sigma) + cv2.GaussianBlur(bright, (0, 0),
                                                                        sigma / 3)) * (0.5 * gain)
    return np.asarray(cv2.resize(u8(glow), (w, h), interpolation=cv2.INTER_LINEAR), np.uint8)


def soft_blur(img: Image | Float, radius: float, side: int = 512) -> Image:
    """Gaussian blur with sigma ``radius`` x short side, computed at <= ``side`` pixels."""
    h, w = img.shape[:2]
    small = _small(img, side)
    sigma = max(0.5, radius * min(small.shape[:2]))
    blurred = np.asarray(cv2.GaussianBlur(small, (0, 0), sigma), np.float32)
    return np.asarray(cv2.resize(u8(blurred), (w, h),
                                 interpolation=cv2.INTER_LINEAR), np.uint8)


def vignette(size: tuple[int, int], amount: float, power: float = 2.0) -> Mask:
    """HxW float32 multiplier: 1 at the centre falling by ``amount`` at the corners."""
    w, h = size
    ys = (np.arange(h, dtype=np.float32) - (h - 1) / 2) / (h / 2)
    xs = (np.arange(w, dtype=np.float32) - (w - 1) / 2) / (w / 2)
    r2 = (ys[:, None] ** 2 + xs[None, :] ** 2) / 2.0
    return np.asarray(1.0 - amount * r2 ** (power / 2), np.float32)


def radial(size: tuple[int, int], centre: tuple[float, float], radius: float) -> Mask:
    """HxW float32 soft disc: 1 at ``centre`` (pixels) falling to 0 at ``radius`` pixels."""
    w, h = size
    ys = (np.arange(h, dtype=np.float32) - centre[1])[:, None]
    xs = (np.arange(w, dtype=np.float32) - centre[0])[None, :]
    d = np.sqrt(xs * xs + ys * ys) / max(radius, 1.0)
    return np.asarray(np.clip(1.0 - d, 0.0, 1.0) ** 2, np.float32)
