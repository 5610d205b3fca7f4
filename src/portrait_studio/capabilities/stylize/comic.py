"""Comic and cartoon family: retro comic (0), anime (2), colourful cartoon (7).

Shared recipe: abstraction at working resolution (bilateral), upsample, flat colours through a
palette lookup at output size, ink lines from the abstraction at output size. Images are
HxWx3 uint8 RGB.
"""

from __future__ import annotations

import numpy as np

from . import eyes, lines, textures
from .context import StyleContext, work_copy
from .face import flatten_skin
from .light import vignette
from .toolkit import (
    Float,
    Image,
    apply_curves,
    bilateral,
    curve,
    f32,
    grey,
    ink,
    luma,
    median,
    multiply,
    palette,
    quantize,
    resize,
    saturate,
    u8,
)

AGED_INK = (38, 28, 30)
PAPER_TONE = (244, 232, 204)


def _abstract_up(ctx: StyleContext, passes: int, sigma_color: float) -> Image:
    """Bilateral abstraction at working size, enlarged to output size."""
    smooth = bilateral(ctx.work, passes, sigma_color)
    return np.asarray(resize(smooth, ctx.size), np.uint8)


VINTAGE_INKS = np.asarray([
    (246, 234, 206),  # paper cream
    (240, 196, 158),  # flesh
    (206, 84, 66),    # faded red
    (226, 178, 78),   # mustard
    (78, 136, 146),   # teal
    (58, 68, 100),    # navy
    (128, 86, 64),    # brown
    (46, 34, 34),     # ink
    (160, 164, 160),  # newsprint grey
], np.uint8)


def _age(colours: Image) -> Image:
    """Aged print palette: every colour pulled most of the way to its nearest vintage comic
    ink (compared in lightness-weighted RGB), then slightly faded."""
    c = f32(colours)
    inks = f32(VINTAGE_INKS)
    nearest = inks[np.argmin(((c[:, None, :] - inks[None]) ** 2).sum(-1), axis=1)]
    aged = c * 0.3 + nearest * 0.7
    return u8(aged * 0.9 + 18)


def retro_comic(ctx: StyleContext) -> Image:
    """Ink outlines, halftone dots in the shadows, a limited aged palette on toned paper."""
    up = _abstract_up(ctx, 2, 28.0)
    flat = quantize(up, _age(palette(ctx.work, 7)))
    lum = luma(up)
    dark = np.clip((175.0 - lum) / 150.0, 0.0, 1.0) * 0.85
    dots = textures.halftone(dark, period=7.5 * ctx.unit + 2.0, angle_deg=45.0)
    out = ink(flat, dots * 0.55, AGED_INK)
    ink_map = _comic_lines(up, ctx.unit)
    out = ink(out, ink_map, AGED_INK)
    return _on_paper(out, ctx)


def _comic_lines(up: Image, unit: float) -> Float:
    g = grey(up)
    bold = lines.edges(g, 1.6 * unit + 0.4, strength=5.0, floor=1.0)
    bold = lines.clean(bold, int(30 * unit * unit) + 4)
    return lines.thicken(bold, 0.8 * unit)


def _on_paper(img: Float, ctx: StyleContext) -> Image:
    tone = np.asarray(PAPER_TONE, np.float32)
    tex = textures.paper(ctx.rng, ctx.size, ctx.unit, mottle=0.05, fibre=0.035)
    vig = vignette(ctx.size, 0.22)
    layer = (tex * vig)[..., None] * tone
    out = multiply(img, layer)
    return apply_curves(u8(out), curve([(0, 24), (255, 252)]))


def colourful_cartoon(ctx: StyleContext) -> Image:
    """Saturated flat colours (about 9) with thick black outlines."""
    up = _abstract_up(ctx, 3, 40.0)
    vivid = saturate(up, 1.7, 1.06)
    flat = quantize(vivid, saturate(palette(saturate(ctx.work, 1.7, 1.06), 9), 1.35))
    g = grey(up)
    edge = lines.edges(g, 2.0 * ctx.unit + 0.5, strength=4.0, floor=0.8)
    edge = lines.thicken(lines.clean(edge, int(40 * ctx.unit ** 2) + 6), 2.4 * ctx.unit)
    return u8(ink(flat, edge, (12, 10, 14)))


def anime(ctx: StyleContext) -> Image:
    """Anime: flat 2-3 tone cel shading, thin clean line art, bright clear colours and large
    clean eyes (the eyes are magnified in ``ctx.image`` itself so the face keeps them)."""
    ctx.image = eyes.enlarge_eyes(ctx.image, ctx.faces, 1.16)
    ctx.work = flatten_skin(work_copy(ctx.image), ctx.work_faces(), 0.15)
    smooth = median(bilateral(ctx.work, 4, 36.0), 5)
    up = np.asarray(resize(smooth, ctx.size), np.uint8)
    bright = apply_curves(saturate(up, 1.35), curve([(0, 20), (128, 165), (255, 255)]))
    pal = saturate(palette(apply_curves(saturate(smooth, 1.35), curve(
        [(0, 20), (128, 165), (255, 255)])), 10), 1.1)
    flat = quantize(bright, pal)
    edge = lines.edges(grey(up), 1.1 * ctx.unit + 0.3, strength=4.0, floor=1.0)
    edge = lines.clean(edge, int(40 * ctx.unit ** 2) + 6)
    out = ink(flat, edge * 0.95, (58, 34, 40))
    return u8(eyes.catchlights(out, ctx.faces))
