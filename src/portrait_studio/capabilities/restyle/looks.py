"""Restyle's own looks, next to the ten repaint styles: clean beauty portrait, watercolour,
oil painting and pencil sketch.

Each look takes a :class:`~portrait_studio.capabilities.stylize.context.StyleContext` (picture at
output size, working copy, face landmarks, seeded generator) and an ``amount`` (the step
mapping: 1 = the look's normal abstraction) and returns HxWx3 uint8 RGB at output size.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from ...imaging.blend import feather
from ...perception.masks import face_regions, face_scale
from ..retouch.core import smooth_skin
from ..stylize import lines, textures
from ..stylize.context import StyleContext
from ..stylize.light import bloom, vignette
from ..stylize.toolkit import (
    Float,
    Image,
    apply_curves,
    bilateral,
    blur,
    curve,
    f32,
    grey,
    luma,
    resize,
    saturate,
    u8,
)
from .ops import ink, mix

Look = Callable[[StyleContext, float], Image]
OIL_SIDE = 520


def _up(ctx: StyleContext, img: Image) -> Image:
    return np.asarray(resize(img, ctx.size), np.uint8)


def skin_smoothed(img: Image, faces: list[np.ndarray], strength: float) -> Image:
    """``img`` with the skin of every face smoothed (guided filter inside the mesh skin mask,
    eyes, brows, nose and lips untouched)."""
    out = f32(img)
    for points in faces:
        s = max(face_scale(points), 8.0)
        skin = feather(face_regions(points, img.shape).skin, s * 0.05)
        out = smooth_skin(out, skin, strength, s)
    return u8(out)


def beauty(ctx: StyleContext, amount: float) -> Image:
    """Clean beauty portrait: smoothed skin, gentle soft light, lifted shadows, a faint glow;
    stays photographic."""
    base = skin_smoothed(ctx.image, ctx.faces, float(np.clip(0.6 * amount, 0.1, 0.95)))
    toned = apply_curves(base, curve([(0, 10), (64, 74), (128, 138), (192, 200), (255, 253)]))
    glow = bloom(toned, 170.0, 0.03)
    out = f32(toned) + glow * 0.18
    return u8(mix(out, blur(out, 2.0 * ctx.unit), 0.12))


def watercolor(ctx: StyleContext, amount: float) -> Image:
    """Watercolour: flat transparent washes with wobbly, darker wet edges, a light pencil
    under-drawing, white paper in the highlights and an unpainted paper margin."""
    passes = 2 + round(2 * amount)
    smooth = bilateral(ctx.work, passes, 34.0)
    wash = f32(_up(ctx, saturate(smooth, 1.1, 1.0)))
    wash = _wobble(wash, ctx)
    edge = _pigment_edges(wash, ctx.unit)
    wash = 255.0 - (255.0 - wash) * 0.86
    wash = wash * (1.0 - 0.25 * edge[..., None])
    high = np.clip((luma(wash) - 165.0) / 70.0, 0.0, 1.0)
    wash = mix(wash, np.full_like(wash, 250.0), high * 0.6)
    pencil = lines.edges(grey(_up(ctx, smooth)), 1.2 * ctx.unit + 0.4, strength=6.0, floor=1.5)
    wash = ink(wash, lines.clean(pencil, 12) * 0.45, (80, 72, 76))
    wash = mix(np.full_like(wash, 248.0), wash, _painted_area(ctx))
    paper = textures.paper(ctx.rng, ctx.size, ctx.unit, mottle=0.025, fibre=0.01)
    return u8(wash * paper[..., None])


def _wobble(img: Float, ctx: StyleContext) -> Float:
    """``img`` displaced by a smooth random field (a few pixels): hand-painted edges."""
    w, h = ctx.size
    amp = 4.0 * ctx.unit + 1.0
    dx = textures.smooth_noise(ctx.rng, ctx.size, 24.0 * ctx.unit + 4.0) * amp
    dy = textures.smooth_noise(ctx.rng, ctx.size, 24.0 * ctx.unit + 4.0) * amp
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return np.asarray(cv2.remap(img, gx + dx, gy + dy, cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REFLECT), np.float32)


def _painted_area(ctx: StyleContext) -> Float:
    """HxW 0..1: painted in the middle, ragged fade to bare paper near the frame edges."""
    w, h = ctx.size
    ys = np.abs(np.linspace(-1.0, 1.0, h, dtype=np.float32))[:, None]
    xs = np.abs(np.linspace(-1.0, 1.0, w, dtype=np.float32))[None, :]
    r = np.maximum(xs, ys) + textures.smooth_noise(ctx.rng, ctx.size, 24.0 * ctx.unit) * 0.015
    return np.asarray(np.clip((0.985 - r) / 0.06, 0.0, 1.0), np.float32)


def _pigment_edges(img: Float, unit: float) -> Float:
    """HxW 0..1: where washes meet (gradient of the blurred lightness), where pigment pools."""
    g = blur(luma(img), 1.5 * unit + 0.5)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    return np.asarray(np.clip(np.hypot(gx, gy) / 40.0, 0.0, 1.0), np.float32)


def oil_painting(ctx: StyleContext, amount: float) -> Image:
    """Oil painting: brush-sized colour patches (OpenCV xphoto oil filter), warm varnish,
    impasto relief lit from the top left, darker edges."""
    small = np.asarray(resize(ctx.work, _fit(ctx.work, OIL_SIDE)), np.uint8)
    size = 3 + round(2 * amount)
    paint = cv2.cvtColor(cv2.xphoto.oilPainting(cv2.cvtColor(small, cv2.COLOR_RGB2BGR), size,
                                                1), cv2.COLOR_BGR2RGB)
    up = f32(_up(ctx, saturate(np.asarray(paint, np.uint8), 1.12, 1.0)))
    relief = _impasto(up, ctx)
    out = up * (1.0 + relief[..., None]) * np.asarray((1.04, 1.0, 0.9), np.float32)
    vig = vignette(ctx.size, 0.35)
    return u8(out * vig[..., None])


def _fit(img: Image, side: int) -> tuple[int, int]:
    h, w = img.shape[:2]
    f = min(1.0, side / max(h, w))
    return max(1, round(w * f)), max(1, round(h * f))


def _impasto(paint: Float, ctx: StyleContext) -> Float:
    """HxW relief shading (about -0.06..0.06): paint lightness plus brush-stroke noise,
    embossed."""
    strokes = textures.smooth_noise(ctx.rng, ctx.size, 5.0 * ctx.unit + 1.0)
    height = blur(luma(paint), 1.2 * ctx.unit) / 255.0 + strokes * 0.35
    gx = cv2.Sobel(height, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(height, cv2.CV_32F, 0, 1, ksize=3)
    return np.asarray(np.clip(-(gx + gy) * 0.9, -0.06, 0.06), np.float32)


def sketch(ctx: StyleContext, amount: float) -> Image:
    """Pencil sketch: colour-dodge drawing of the photo's lightness, graphite hatching in the
    shadows, a faint wash of the original colour on warm paper."""
    g = f32(grey(_up(ctx, bilateral(ctx.work, 1 + round(amount), 18.0))))
    inv = blur(255.0 - g, 4.0 * ctx.unit + 1.0)
    dodge = np.clip(g * 255.0 / np.maximum(255.0 - inv, 1.0), 0.0, 255.0)
    dark = np.clip((150.0 - g) / 150.0, 0.0, 1.0)
    hatch = _hatching(ctx) * dark * 0.45
    pencil = dodge * (1.0 - hatch)
    pencil = 255.0 - (255.0 - pencil) * 1.15
    colour = mix(np.repeat(pencil[..., None], 3, axis=2), f32(ctx.image) * pencil[..., None]
                 / np.maximum(g[..., None], 1.0), 0.12)
    paper = textures.paper(ctx.rng, ctx.size, ctx.unit, mottle=0.03, fibre=0.04)
    return u8(colour * paper[..., None] * (np.asarray((252, 247, 236), np.float32) / 255.0))


def _hatching(ctx: StyleContext) -> Float:
    """HxW 0..1 diagonal graphite strokes (noise stretched along 45 degrees)."""
    w, h = ctx.size
    noise = ctx.rng.random((h // 2 + 1, w // 2 + 1)).astype(np.float32)
    k = np.eye(15, dtype=np.float32)[::-1] / 15.0
    streak = cv2.filter2D(noise, -1, k)
    big = cv2.resize(streak, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.asarray(np.clip((big - 0.5) * 6.0 + 0.5, 0.0, 1.0), np.float32)


OWN_LOOKS: dict[str, Look] = {"beauty": beauty, "watercolor": watercolor,
                              "oil_painting": oil_painting, "sketch": sketch}
