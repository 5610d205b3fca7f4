"""Blending: Laplacian-pyramid blending and mask feathering.

Images are HxWx3 float32 (any range) or uint8; masks are HxW float32 in [0, 1].
"""

from __future__ import annotations

import cv2
import numpy as np


def feather(mask: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian-soften a 0..1 mask with a blur of ``radius`` pixels (sigma = radius / 2)."""
    if radius <= 0:
        return mask.astype(np.float32)
    k = int(radius * 2) | 1
    return cv2.GaussianBlur(mask.astype(np.float32), (k, k), radius / 2)


def _pyramid_levels(h: int, w: int, max_levels: int) -> int:
    levels = 0
    while levels < max_levels and min(h, w) >> (levels + 1) >= 8:
        levels += 1
    return levels


def laplacian_blend(fg: np.ndarray, bg: np.ndarray, mask: np.ndarray,
                    max_levels: int = 5) -> np.ndarray:
    """Blend ``fg`` over ``bg`` with ``mask`` band by band (HxWx3 float32 result)."""
    fg32, bg32 = fg.astype(np.float32), bg.astype(np.float32)
    levels = _pyramid_levels(*mask.shape[:2], max_levels)
    gf, gb, gm = [fg32], [bg32], [mask.astype(np.float32)]
    for _ in range(levels):
        gf.append(cv2.pyrDown(gf[-1]))
        gb.append(cv2.pyrDown(gb[-1]))
        gm.append(cv2.pyrDown(gm[-1]))
    out = alpha_blend(gf[-1], gb[-1], gm[-1])
    for i in range(levels - 1, -1, -1):
        size = (gf[i].shape[1], gf[i].shape[0])
        lf = gf[i] - cv2.pyrUp(gf[i + 1], dstsize=size)
        lb = gb[i] - cv2.pyrUp(gb[i + 1], dstsize=size)
        out = cv2.pyrUp(out, dstsize=size) + alpha_blend(lf, lb, gm[i])
    return out


def alpha_blend(fg: np.ndarray, bg: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Plain per-pixel blend (HxWx3 float32 result)."""
    m = mask.astype(np.float32)[..., None]
    return fg.astype(np.float32) * m + bg.astype(np.float32) * (1 - m)
