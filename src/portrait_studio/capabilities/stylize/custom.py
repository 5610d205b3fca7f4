"""Custom style (index -1): palette, tone and texture taken from a reference picture.

Colour: Lab mean/deviation transfer toward the reference, then a pull toward the reference's
own 12-colour palette. Abstraction: the reference's edge density chooses how strongly the
picture is simplified (flat references give flat, posterised results). Texture: brush strokes
along the picture's own forms (line-integral convolution), as strong as the reference's fine
detail and as long as it is busy.
Images are HxWx3 uint8 RGB.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import brush
from .context import StyleContext, work_copy
from .face import FaceProfile
from .toolkit import (
    Float,
    Image,
    add,
    bilateral,
    lab_stats,
    luma,
    mix,
    palette,
    quantize,
    resize,
    u8,
)

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
    smooth = bilateral(ctx.work, 1 + round(2 * flatness), 20.0 + 30.0 * flatness)
    up = np.asarray(resize(transfer(smooth, ref), ctx.size), np.uint8)
    snapped = quantize(up, palette(work_copy(ref, REF_SIDE), 12))
    out = mix(up, snapped, 0.35 + 0.5 * flatness)
    return add(out, _texture(ctx, smooth, busy))


def _texture(ctx: StyleContext, smooth: Image, busy: float) -> Float:
    """Brush strokes along the picture's forms, as strong and as long as the reference is
    busy (HxW float32 grey offset at output size)."""
    ref_hf = _high_freq(ctx.ref) if ctx.ref is not None else 0.0
    amount = float(np.clip(ref_hf * 0.9, 0.0, 22.0))
    if amount < 1.0:
        return np.zeros((ctx.size[1], ctx.size[0]), np.float32)
    length = int(np.clip(4 + busy * 60, 4, 12))
    tex = brush.strokes(smooth, ctx.rng, length, width=0.9)
    return np.asarray(resize(tex * amount, ctx.size), np.float32)


def _high_freq(ref: Image) -> float:
    """Mean absolute fine detail (grey levels) of the reference at 384 px: its texture."""
    g = luma(work_copy(ref, REF_SIDE))
    return float(np.abs(g - cv2.GaussianBlur(g, (0, 0), 1.5)).mean())
