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
    return cv2.GaussianBlur(mask.astype(np.float32, copy=False), (k, k), radius / 2)


def _pyramid_levels(h: int, w: int, max_levels: int) -> int:
    levels = 0
    while levels < max_levels and min(h, w) >> (levels + 1) >= 8:
        levels += 1
    return levels


def laplacian_blend(fg: np.ndarray, bg: np.ndarray, mask: np.ndarray,
                    max_levels: int = 5, levels: int | None = None) -> np.ndarray:
    """Blend ``fg`` over ``bg`` with ``mask`` band by band (HxWx3 float32 result).

    Computed as ``bg + sum_k up(L_k(fg - bg) * G_k(mask))``, which equals blending the two
    Laplacian pyramids band by band (the pyramid operators are linear) with one pyramid
    fewer. ``levels`` overrides the automatic depth (``max_levels`` capped by the size)."""
    bg32 = bg.astype(np.float32)
    if levels is None:
        levels = _pyramid_levels(mask.shape[0], mask.shape[1], max_levels)
    out = blend_bands(fg.astype(np.float32) - bg32, mask, levels)
    return cv2.add(out, bg32) if out.ndim == 3 and out.shape[2] <= 4 else bg32 + out


def laplacian_blend_u8(fg: np.ndarray, bg: np.ndarray, mask: np.ndarray,
                       levels: int) -> np.ndarray:
    """:func:`laplacian_blend` of HxWx3 float32 ``fg`` over HxWx3 uint8 ``bg``, rounded to
    uint8 (the same values as ``to_u8(laplacian_blend(...))``, with fewer full-size passes)."""
    diff = cv2.subtract(fg, bg, dtype=cv2.CV_32F)
    return cv2.add(blend_bands(diff, mask, levels), bg, dtype=cv2.CV_8U)


def blend_bands(diff: np.ndarray, mask: np.ndarray, levels: int) -> np.ndarray:
    """``sum_k up(L_k(diff) * G_k(mask))`` for an HxWx3 float32 difference image (which it
    may overwrite) and an HxW mask: the Laplacian blend's correction to the background."""
    gd: list[np.ndarray] = [diff]
    gm: list[np.ndarray] = [mask.astype(np.float32)]
    for _ in range(levels):
        gd.append(cv2.pyrDown(gd[-1]))
        gm.append(cv2.pyrDown(gm[-1]))
    out: np.ndarray = gd[-1] * gm[-1][..., None]
    for i in range(levels - 1, -1, -1):
        size = (gd[i].shape[1], gd[i].shape[0])
        band = cv2.pyrUp(gd[i + 1], dstsize=size)
        cv2.subtract(gd[i], band, dst=band)
        scale_channels(band, gm[i])
        out = cv2.pyrUp(out, dstsize=size)
        cv2.add(out, band, dst=out)
    return out


def scale_channels(img: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Multiply every channel of an HxWxC float32 image by an HxW float32 weight, in place
    (OpenCV's vectorised multiply: about 3x faster than NumPy broadcasting); returns ``img``."""
    if img.ndim == 2:
        return cv2.multiply(img, weight, dst=img)
    channels = img.shape[2]
    if channels > 4 or weight.dtype != np.float32:
        img *= weight[..., None].astype(img.dtype, copy=False)
        return img
    if channels == 3:  # the grey-to-colour conversion copies the weight: 3x faster than merge
        return cv2.multiply(img, cv2.cvtColor(weight, cv2.COLOR_GRAY2RGB), dst=img)
    return cv2.multiply(img, cv2.merge([weight] * channels), dst=img)


def per_channel(field: np.ndarray) -> np.ndarray:
    """An HxW field as a factor of an HxWx3 image: a 3-channel copy when it is uint8 or
    float32 (NumPy combines an HxWx1 operand with 3 channels about 8 times slower than two
    HxWx3 arrays; the products and sums are the same), else the HxWx1 view."""
    if field.ndim == 2 and field.dtype in (np.float32, np.uint8):
        out: np.ndarray = cv2.cvtColor(np.ascontiguousarray(field), cv2.COLOR_GRAY2RGB)
        return out
    return field[..., None]


def mask_box(mask: np.ndarray, margin: int, threshold: float = 1e-3) -> tuple[slice, slice]:
    """Slices of the bounding box of ``mask > threshold`` grown by ``margin`` px (clipped);
    empty slices when the mask is empty."""
    x, y, w, h = cv2.boundingRect((mask > threshold).view(np.uint8))  # 0/1 bytes, no copy
    if w == 0 or h == 0:
        return slice(0, 0), slice(0, 0)
    y0, x0 = max(0, y - margin), max(0, x - margin)
    return slice(y0, min(mask.shape[0], y + h + margin)), slice(x0, min(mask.shape[1], x + w + margin))


def laplacian_blend_local(fg: np.ndarray, bg: np.ndarray, mask: np.ndarray,
                          max_levels: int = 5) -> np.ndarray:
    """:func:`laplacian_blend` computed only around where ``mask`` is set: the pyramid depth
    of the whole image, on its mask's bounding box plus a margin of three coarsest-level
    pixels; ``bg`` elsewhere. HxWx3 float32."""
    levels = _pyramid_levels(mask.shape[0], mask.shape[1], max_levels)
    out = bg.astype(np.float32, copy=True)
    box = mask_box(mask, 3 << levels)
    if out[box].size:
        out[box] = laplacian_blend(fg[box], out[box], mask[box], levels=levels)
    return out


def alpha_blend_into(canvas: np.ndarray, fg: np.ndarray, mask: np.ndarray,
                     box: tuple[slice, slice]) -> None:
    """``canvas[box] = canvas[box] * (1 - m) + fg * m`` in place (``m = mask[box]``;
    ``canvas`` HxWx3 float32, ``fg`` the box's HxWx3 float32 foreground). With ``box`` from
    :func:`mask_box` (``mask``, 0, 0.0) it is the whole image's plain blend, computed on the
    mask's box only: outside it the blend leaves the canvas as it is."""
    m = mask[box][..., None]
    part = canvas[box]
    part *= 1 - m
    part += fg * m

def alpha_blend(fg: np.ndarray, bg: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Plain per-pixel blend (HxWx3 float32 result)."""
    m = mask.astype(np.float32)[..., None]
    return fg.astype(np.float32) * m + bg.astype(np.float32) * (1 - m)
