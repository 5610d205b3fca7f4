"""Custom style (index -1): palette, tone and texture taken from a reference picture.

Colour: Lab mean/deviation transfer toward the reference, then a soft pull toward the
reference's own palette. Abstraction: the reference's edge density chooses how strongly the
picture is simplified. Texture: the reference's fine detail, tiled, is laid over lightly.
Images are HxWx3 uint8 RGB.
"""

from __future__ import annotations

import cv2
import numpy as np

from .context import StyleContext, work_copy
from .face import FaceProfile
from .toolkit import Float, Image, bilateral, f32, lab_stats, palette, quantize, resize, u8

FACE = FaceProfile(detail=0.55, shading=0.25)
REF_SIDE = 384


def edge_density(img: Image) -> float:
    """Share of pixels on a Canny edge at a 384 px scale (0..1): how busy a picture is."""
    small = work_copy(img, REF_SIDE)
    g = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    return float((cv2.Canny(g, 60, 140) > 0).mean())


def transfer(img: Image, ref: Image, amount: float = 1.0) -> Image:
    """Reinhard colour transfer in Lab: ``img``'s per-channel mean/deviation moved to
    ``ref``'s by ``amount``."""
    mu_s, sd_s = lab_stats(work_copy(img, REF_SIDE))
    mu_r, sd_r = lab_stats(work_copy(ref, REF_SIDE))
    gain = 1.0 + (np.clip(sd_r / sd_s, 0.4, 2.5) - 1.0) * amount
    shift = mu_s + (mu_r - mu_s) * amount
    table = np.stack([np.clip((np.arange(256) - mu_s[c]) * gain[c] + shift[c], 0, 255)
                      for c in range(3)], 1)
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB)
    lab = cv2.LUT(lab, u8(table).reshape(256, 1, 3))
    return np.asarray(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), np.uint8)


def custom_style(ctx: StyleContext) -> Image:
    """The picture repainted with the reference's colours, abstraction level and texture."""
    if ctx.ref is None:
        raise ValueError("custom style needs a reference picture")
    ref = ctx.ref
    busy = edge_density(ref)
    flatness = float(np.clip(1.0 - busy / 0.12, 0.0, 1.0))
    smooth = bilateral(ctx.work, 1 + int(round(2 * flatness)), 20.0 + 30.0 * flatness)
    up = np.asarray(resize(transfer(smooth, ref), ctx.size), np.uint8)
    pal = palette(work_copy(ref, REF_SIDE), 12)
    snapped = quantize(up, pal)
    pull = 0.25 + 0.45 * flatness
    out = f32(up) + (f32(snapped) - f32(up)) * pull
    return u8(out + _texture(ref, ctx.size, busy))


def _texture(ref: Image, size: tuple[int, int], busy: float) -> Float:
    """The reference's high-frequency detail tiled over the output (HxWx3, zero mean)."""
    tile = f32(work_copy(ref, 256))
    detail = tile - cv2.GaussianBlur(tile, (0, 0), 3.0)
    reps = (size[1] // tile.shape[0] + 1, size[0] // tile.shape[1] + 1, 1)
    layer = np.tile(detail.mean(axis=2, keepdims=True), reps)[: size[1], : size[0]]
    return np.asarray(layer * min(0.6, busy * 5.0), np.float32)
