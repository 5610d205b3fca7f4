"""What a style image lends (``style_switch``): palette, tonality and line character.

:func:`line_character` measures how much line work a style image has (edge density) and how
hard its lines are (edge contrast); :func:`line_art` draws that much ink, in the style image's
darkest colour, over the restyled picture. :func:`adopt_palette` moves any picture's colours
to the style image's: Lab moment transfer, whole-distribution transport
(:mod:`.colour_ot`), then a pull toward the style's palette. Images are HxWx3 uint8 RGB.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..stylize import lines, textures
from ..stylize.context import StyleContext, work_copy
from ..stylize.custom import REF_SIDE, edge_density, transfer
from ..stylize.toolkit import (
    Image,
    bilateral,
    f32,
    grey,
    luma,
    palette,
    quantize,
    resize,
    u8,
)
from .colour_ot import transport_colours
from .ops import ink, mix

PALETTE_SIZE = 12


@dataclass(frozen=True)
class LineCharacter:
    """``density``: share of edge pixels (0..1); ``contrast``: typical grey step across those
    edges (0..1); ``amount``: the line-art strength they imply (0..1); ``colour``: RGB ink."""

    density: float
    contrast: float
    amount: float
    colour: tuple[int, int, int]


def line_character(ref: Image) -> LineCharacter:
    """The line work of a style image (measured at 384 px)."""
    small = work_copy(ref, REF_SIDE)
    g = f32(grey(small))
    mag = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1,
                                                                        ksize=3))
    density = edge_density(ref)
    on_edges = mag[mag > np.percentile(mag, 90)]
    contrast = float(np.clip(np.median(on_edges) / 4.0 / 255.0 * 2.0, 0.0, 1.0))
    amount = float(np.clip(0.1 + 0.6 * contrast + 1.2 * density, 0.0, 1.0))
    pal = palette(small, 6)
    dark = pal[int(np.argmin(luma(f32(pal)[None])[0]))]
    colour = (int(dark[0]), int(dark[1]), int(dark[2]))
    return LineCharacter(density, contrast, amount, colour)


def line_art(img: Image, char: LineCharacter, unit: float, strength: float = 1.0) -> Image:
    """``img`` with ink lines (XDoG-like dark-side edges of a smoothed copy) at the style's
    strength and in its ink colour; thicker for bolder styles."""
    amount = char.amount * strength
    if amount <= 0.02:
        return img
    smooth = np.asarray(cv2.bilateralFilter(img, 7, 30.0, 5.0), np.uint8)
    edge = lines.edges(grey(smooth), 1.3 * unit + 0.4, strength=6.0 - 3.0 * char.contrast,
                       floor=1.5)
    edge = lines.clean(edge, int(30 * unit * unit) + 4)
    edge = lines.thicken(edge, (0.5 + 1.8 * char.contrast) * unit)
    return u8(ink(img, edge * min(1.0, amount * 1.1), char.colour))


def _match_channel(src: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """256-entry lookup moving ``src``'s value distribution onto ``ref``'s (uint8 values)."""
    s_cdf = np.cumsum(np.bincount(src.ravel(), minlength=256)).astype(np.float64)
    r_cdf = np.cumsum(np.bincount(ref.ravel(), minlength=256)).astype(np.float64)
    s_cdf /= s_cdf[-1]
    r_cdf /= r_cdf[-1]
    return np.interp(s_cdf, r_cdf, np.arange(256)).astype(np.float32)


def histogram_match(img: Image, ref: Image) -> Image:
    """``img`` with each Lab channel's histogram matched to ``ref``'s (tables measured on
    small copies, applied to the full picture)."""
    a = cv2.cvtColor(work_copy(img, REF_SIDE), cv2.COLOR_RGB2LAB)
    b = cv2.cvtColor(work_copy(ref, REF_SIDE), cv2.COLOR_RGB2LAB)
    table = np.stack([_match_channel(a[..., c], b[..., c]) for c in range(3)], 1)
    lab = cv2.LUT(cv2.cvtColor(img, cv2.COLOR_RGB2LAB), u8(table).reshape(256, 1, 3))
    return np.asarray(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), np.uint8)


def adopt_palette(img: Image, ref: Image, amount: float, snap: float = 0.35) -> Image:
    """``img`` recoloured with ``ref``'s palette and tonality by ``amount`` (0..1): Lab
    transfer, colour transport, then ``snap`` of the way to the nearest palette colour."""
    moved = transport_colours(transfer(img, ref, 1.0), ref)
    snapped = quantize(moved, palette(work_copy(ref, REF_SIDE), PALETTE_SIZE))
    pulled = mix(moved, snapped, snap)
    return u8(mix(img, pulled, amount))


def flatness(ref: Image) -> float:
    """Share (0..1) of a style image that is flat colour (tiny gradient at 128 px): high for
    posters, cel art and Mondrian, low for brushy paintings and photos."""
    small = f32(grey(work_copy(ref, 128)))
    g = cv2.GaussianBlur(small, (0, 0), 0.8)
    mag = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1,
                                                                        ksize=3))
    return float((mag < 12.0).mean())


def texture_level(ref: Image) -> float:
    """Grey-level deviation of a style image's fine texture (high-pass at 384 px)."""
    g = f32(grey(work_copy(ref, REF_SIDE)))
    return float((g - cv2.GaussianBlur(g, (0, 0), 1.5)).std())


def style_image_look(ctx: StyleContext, amount: float) -> Image:
    """The picture repainted after ``ctx.ref``: abstraction as flat as the style image,
    its palette and tonality (no piece of the style image is copied; its texture is added by
    :func:`style_grain` after the line art)."""
    if ctx.ref is None:
        raise ValueError("style_image_look needs ctx.ref")
    flat = flatness(ctx.ref)
    passes = 1 + round(3 * flat * amount)
    smooth = bilateral(ctx.work, passes, 18.0 + 30.0 * flat)
    up = np.asarray(resize(smooth, ctx.size), np.uint8)
    return adopt_palette(up, ctx.ref, 1.0, snap=0.25 + 0.5 * flat)


def style_grain(img: Image, ref: Image, rng: np.random.Generator, unit: float) -> Image:
    """``img`` with seeded grain as strong as ``ref``'s fine texture (statistics only)."""
    h, w = img.shape[:2]
    noise = textures.smooth_noise(rng, (w, h), 2.0 * unit + 1.0)
    return u8(f32(img) + (noise * min(8.0, texture_level(ref) * 0.4))[..., None])
