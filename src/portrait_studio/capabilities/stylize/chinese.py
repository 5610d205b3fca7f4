"""Chinese painting family: ink painting 国画古风 (5) and elegant gongbi 清雅国风 (8).

Ink painting: grey ink wash in a few soft levels on rice paper, dry-brush outlines, colour only
as a faint wash, the background left mostly as blank paper, a red seal. Gongbi: fine even
outlines, soft muted mineral pigments, silk ground. Images are HxWx3 uint8 RGB.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...perception.masks import face_scale
from . import lines, textures
from .context import StyleContext
from .light import vignette
from .toolkit import (
    Float,
    Image,
    bilateral,
    blur,
    f32,
    gain,
    grey,
    ink,
    luma,
    median,
    mix,
    palette,
    quantize,
    resize,
    saturate,
    scale,
    soften,
    solid,
    u8,
)

PAPER = (246, 243, 234)
INK = (22, 22, 26)
SEAL = (178, 34, 30)


def _up(ctx: StyleContext, img: NDArray[np.generic]) -> NDArray[np.generic]:
    return resize(img, ctx.size)


def ink_painting(ctx: StyleContext) -> Image:
    """Ink wash on rice paper with dry-brush lines, sparse colour and a red seal."""
    smooth = median(bilateral(ctx.work, 3, 30.0), 7)
    up = np.asarray(_up(ctx, smooth), np.uint8)
    density = _wash(luma(up) * ctx.exposure(185.0), ctx) * (0.18 + 0.82 * ctx.person())
    strokes = _brush_lines(grey(up), ctx)
    pigment = mix(solid(ctx.size, INK), gain(saturate(up, 0.6), (0.55, 0.55, 0.55)), 0.2)
    wash = mix(solid(ctx.size, PAPER), pigment, density)
    out = ink(wash, strokes, INK)
    out = scale(out, textures.rice_paper(ctx.rng, ctx.size, ctx.unit))
    return _seal(out, ctx)


def _wash(lum: Float, ctx: StyleContext) -> Float:
    """Ink density (HxW 0..1): three soft wash levels over paper, darker wet edges where
    washes meet, a little absorption noise."""
    d = np.clip((232.0 - lum) / 185.0, 0.0, 1.0) ** 1.7
    levels = blur(np.round(d * 3.0) / 3.0, 1.6 * ctx.unit)
    wet = np.clip(levels - blur(levels, 9.0 * ctx.unit), 0.0, 1.0) * 0.8
    paper = 1.0 + 0.05 * textures.smooth_noise(ctx.rng, ctx.size, 40 * ctx.unit)
    return np.asarray(np.clip((levels * 0.72 + d * 0.28 + wet) * paper, 0.0, 1.0), np.float32)


def _brush_lines(g: Image, ctx: StyleContext) -> Float:
    """Dry-brush outlines: width swelling and thinning with brush pressure, ragged edges.
    Broad strokes, so they are drawn at half size and enlarged."""
    u = ctx.unit / 2.0
    half = (max(8, ctx.size[0] // 2), max(8, ctx.size[1] // 2))
    small = np.asarray(resize(g, half), np.uint8)
    edge = lines.clean(lines.edges(small, 1.8 * u + 0.3, strength=5.0, floor=1.5),
                       int(50 * u * u) + 4)
    thin, thick = lines.thicken(edge, 0.6 * u), lines.thicken(edge, 2.6 * u)
    pressure = np.clip(0.5 + 0.45 * textures.smooth_noise(ctx.rng, half, 90 * u), 0, 1)
    stroke = lines.dry_brush(thin + (thick - thin) * pressure, ctx.rng, 6 * u, 0.25)
    big = np.asarray(resize(np.asarray(stroke, np.float32), ctx.size), np.float32)
    return np.asarray(np.clip(big * 1.15, 0.0, 0.95), np.float32)


def _seal(img: Image, ctx: StyleContext) -> Image:
    """A square red seal (chop) with carved white strokes near the lower right corner."""
    side = int(70 * ctx.unit) + 8
    w, h = ctx.size
    x0, y0 = w - side - int(60 * ctx.unit), h - side - int(80 * ctx.unit)
    stamp = np.zeros((side, side), np.uint8)
    cv2.rectangle(stamp, (0, 0), (side - 1, side - 1), 255, -1)
    carve = np.zeros_like(stamp)
    m = max(2, side // 9)
    cv2.rectangle(carve, (m, m), (side - 1 - m, side - 1 - m), 255, max(1, m // 2))
    for a, b, c, d in ctx.rng.random((7, 4)):
        p1 = (int(m * 2 + a * (side - 4 * m)), int(m * 2 + b * (side - 4 * m)))
        horiz = c > 0.5
        p2 = (int(m * 2 + d * (side - 4 * m)), p1[1]) if horiz else (
            p1[0], int(m * 2 + d * (side - 4 * m)))
        cv2.line(carve, p1, p2, 255, max(1, m // 2))
    cov = (stamp.astype(np.float32) - carve.astype(np.float32)).clip(0, 255) / 255.0
    cov *= np.clip(0.75 + 0.35 * ctx.rng.random((side, side)), 0, 1).astype(np.float32)
    roi = img[y0:y0 + side, x0:x0 + side]
    img[y0:y0 + side, x0:x0 + side] = ink(roi, np.asarray(cov * 0.9, np.float32), SEAL)
    return img


MINERALS = np.asarray([
    (92, 140, 118),   # malachite green
    (72, 104, 142),   # azurite blue
    (176, 76, 60),    # cinnabar
    (198, 154, 96),   # ochre
    (240, 228, 208),  # lead white
    (48, 44, 48),     # pine-soot ink
    (216, 158, 146),  # rouge
    (66, 72, 100),    # indigo
    (226, 196, 164),  # skin wash
    (168, 122, 100),  # shaded skin (ochre over rouge)
], np.uint8)
SILK = (228, 210, 176)
GONGBI_LINE = (74, 52, 44)


def _mineralise(colours: Image) -> Image:
    """Pull each colour halfway to its nearest mineral pigment, then soften (muted)."""
    c = f32(colours)
    m = f32(MINERALS)
    nearest = m[np.argmin(((c[:, None, :] - m[None]) ** 2).sum(-1), axis=1)]
    return saturate(u8(c * 0.5 + nearest * 0.5), 0.7)


def elegant_chinese(ctx: StyleContext) -> Image:
    """Gongbi: fine even outlines, flat layered muted mineral colours, rouged cheeks, the
    figure on a plain silk ground."""
    smooth = bilateral(ctx.work, 3, 28.0)
    up = np.asarray(_up(ctx, smooth), np.uint8)
    flat = quantize(up, _mineralise(palette(smooth, 10)))
    layered = mix(saturate(up, 0.5), soften(flat, 1.0 * ctx.unit), 0.8)
    silk_tone = solid(ctx.size, SILK)
    figure = np.asarray(cv2.addWeighted(layered, 0.82, silk_tone, 0.2, 0.0), np.uint8)
    out = mix(mix(figure, silk_tone, 0.8), figure, ctx.person())
    out = ink(out, _blush(ctx) * 0.28, ROUGE)
    edge = lines.edges(grey(up), 1.0 * ctx.unit + 0.3, strength=3.5, floor=0.8)
    edge = lines.thicken(lines.clean(edge, int(40 * ctx.unit ** 2) + 6), 0.5 * ctx.unit)
    edge = np.maximum(edge, lines.silhouette(ctx.person(), 1.6 * ctx.unit + 0.5) * 0.8)
    out = ink(out, edge * 0.9, GONGBI_LINE)
    silk = textures.silk(ctx.rng, ctx.size, ctx.unit) * vignette(ctx.size, 0.18)
    return gain(scale(out, silk), (SILK[0] / 228.0, SILK[1] / 228.0, SILK[2] / 228.0))


ROUGE = (226, 120, 120)
CHEEKS = (50, 280)


def _blush(ctx: StyleContext) -> Float:
    """Soft round rouge on both cheeks of every face (HxW 0..1)."""
    cover = np.zeros((ctx.size[1], ctx.size[0]), np.float32)
    soft = 1.0
    for points in ctx.faces:
        radius = max(2, int(face_scale(points) * 0.22))
        soft = max(soft, radius * 0.6)
        for idx in CHEEKS:
            x, y = points[idx]
            cv2.circle(cover, (int(x), int(y)), radius, 1.0, -1, cv2.LINE_AA)
    return blur(cover, soft)
