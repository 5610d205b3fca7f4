"""Grading family: 3D fairy tale (1), fresh (3), future tech (4), warrior (6).

Each keeps the photo's drawing and repaints its light and colour: smoothing at working
resolution, curves and gradient maps through lookup tables, glow at reduced size, textures
generated small and enlarged. Images are HxWx3 uint8 RGB.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import eyes, lines, relight, textures
from .context import StyleContext, work_copy
from .light import bloom, radial, soft_blur, vignette
from .toolkit import (
    Float,
    Image,
    add,
    apply_curves,
    bilateral,
    blur,
    curve,
    f32,
    gradient_map,
    grey,
    ink,
    luma,
    mix,
    multiply,
    resize,
    saturate,
    scale,
    screen,
    soften_curve,
    u8,
)


def _up(ctx: StyleContext, img: Image) -> Image:
    return np.asarray(resize(img, ctx.size), np.uint8)


def fresh(ctx: StyleContext) -> Image:
    """Airy pastel: high key, low contrast, soft diffused light, slightly cool."""
    smooth = _up(ctx, bilateral(ctx.work, 1, 22.0))
    base = mix(ctx.image, smooth, 0.65)
    rgb = (curve([(0, 78), (64, 140), (128, 196), (200, 236), (255, 252)]),
           curve([(0, 84), (64, 146), (128, 201), (200, 240), (255, 253)]),
           curve([(0, 98), (64, 158), (128, 210), (200, 246), (255, 255)]))
    care = ctx.skin_care(0.45)
    toned = apply_curves(base, *rgb)
    if care < 1.0:  # the people keep more of their own skin tone than the airy background
        gentle = apply_curves(base, *(soften_curve(c, care) for c in rgb))
        toned = mix(toned, gentle, ctx.person())
    pastel = saturate(toned, 0.62)
    airy = screen(pastel, bloom(pastel, 170.0, 0.05, gain=0.6))
    haze = radial(ctx.size, (ctx.size[0] * 0.25, 0.0), max(ctx.size) * 0.9)
    return add(airy, haze * 18.0)


NEON_STOPS = [(0.0, (6, 4, 28)), (0.3, (48, 14, 110)), (0.55, (190, 30, 190)),
              (0.78, (30, 200, 255)), (1.0, (225, 255, 255))]


def _rim(size: tuple[int, int]) -> Image:
    """Left-to-right cyan-to-magenta light (HxWx3 uint8)."""
    row = np.linspace((0, 255, 255), (255, 0, 200), size[0]).astype(np.uint8)[None]
    return np.asarray(cv2.resize(row, size, interpolation=cv2.INTER_NEAREST), np.uint8)


def future_tech(ctx: StyleContext) -> Image:
    """Neon cyan/magenta grade, glowing outlines, a tech grid on the background."""
    smooth = _up(ctx, bilateral(ctx.work, 1, 25.0))
    neon = gradient_map(luma(smooth) * 1.05, NEON_STOPS)
    person = ctx.person()
    own = mix(saturate(smooth, 0.7), _rim(ctx.size), 0.35)
    out = scale(mix(neon, own, 0.2 + 0.3 * person), 0.35 + 0.65 * person)
    out = ink(out, _tech_grid(ctx) * (1.0 - person), (255, 40, 210))
    out = _neon_edges(out, smooth, ctx)
    scan = 1.0 - 0.08 * (np.arange(ctx.size[1]) % 4 == 0).astype(np.float32)
    return scale(out, np.repeat(scan[:, None], ctx.size[0], axis=1))


def _tech_grid(ctx: StyleContext) -> Float:
    unit = ctx.unit
    grid = textures.grid_lines(ctx.size, 64 * unit, 1.2 * unit, horizon=0.62)
    return np.asarray(np.clip(grid * 1.3, 0.0, 0.9), np.float32)


def _neon_edges(out: Image, smooth: Image, ctx: StyleContext) -> Image:
    edge = lines.edges(grey(smooth), 2.0 * ctx.unit + 0.5, strength=5.0, floor=1.5)
    edge = lines.clean(edge, int(60 * ctx.unit ** 2) + 8) * 0.4
    edge = np.maximum(edge, lines.silhouette(ctx.person(), 3.0 * ctx.unit + 1.0))
    glow = np.asarray(cv2.merge([u8(edge * c) for c in (40, 235, 255)]), np.uint8)
    return screen(screen(out, glow), bloom(glow, 1.0, 0.012, gain=3.0))


BRONZE_STOPS = [(0.0, (14, 9, 6)), (0.3, (70, 44, 26)), (0.6, (156, 108, 62)),
                (0.85, (214, 178, 120)), (1.0, (246, 232, 200))]


def warrior(ctx: StyleContext) -> Image:
    """Epic: hard light, desaturated bronze, gritty local contrast, smoke and embers."""
    lum = luma(ctx.image)
    mid = blur(lum, 6.0 * ctx.unit)
    clarity = lum * 2.1 - mid * 0.5 - blur(lum, 60 * ctx.unit) * 0.6
    hard = apply_curves(u8(clarity), curve([(0, 0), (50, 22), (128, 120), (200, 222),
                                            (255, 255)]))
    out = mix(gradient_map(f32(hard), BRONZE_STOPS), saturate(ctx.image, 0.35), 0.18)
    smoke = textures.smooth_noise(ctx.rng, ctx.size, 180 * ctx.unit)
    background = 1.0 - ctx.person()
    out = ink(out, background * np.clip(smoke * 0.22 + 0.13, 0.0, 0.45), (120, 96, 70))
    out = scale(out, vignette(ctx.size, 0.75, 2.4))
    out = screen(out, multiply(_embers(ctx), background * 255.0))
    return add(out, textures.grain(ctx.rng, ctx.size, 9.0))


def _embers(ctx: StyleContext) -> Image:
    w, h = ctx.size
    layer = np.zeros((h // 2, w // 2, 3), np.float32)
    for x, y, r, b in ctx.rng.random((70, 4)):
        centre = (int(x * w / 2), int(y * h / 2))
        cv2.circle(layer, centre, 1 + int(r * 2.5 * ctx.unit), (255, 150 + 80 * b, 60), -1,
                   cv2.LINE_AA)
    layer = cv2.GaussianBlur(layer, (0, 0), 1.2 * ctx.unit + 0.3) * 1.6
    return np.asarray(cv2.resize(u8(layer), ctx.size), np.uint8)


def fairy_tale_3d(ctx: StyleContext) -> Image:
    """Soft rounded 3D-render look: clay-smooth forms relit with a warm key light and glossy
    highlights, storybook colours, glowing light, a dreamy out-of-focus background."""
    ctx.image = eyes.enlarge_eyes(ctx.image, ctx.faces, 1.08)
    ctx.work = work_copy(ctx.image)
    clay = np.asarray(cv2.GaussianBlur(bilateral(ctx.work, 3, 30.0, diameter=11), (0, 0), 1.2),
                      np.uint8)
    vivid = f32(saturate(clay, 1.55, 1.04))
    lum = luma(clay)
    height = blur(lum, 0.022 * max(clay.shape[:2])) / 255.0
    diffuse, spec = relight.shade(height, 20.0, (-0.4, -0.55, 0.73), gloss=16.0)
    spec *= np.clip((lum - 70.0) / 110.0, 0.0, 1.0)  # gloss on lit surfaces, not dark cloth
    lit = vivid * (0.7 + 0.36 * diffuse)[..., None] + (spec * 50.0)[..., None]
    up = _up(ctx, u8(lit))
    up = mix(soft_blur(up, 0.012), up, 0.3 + 0.7 * ctx.person())
    warm = apply_curves(up, curve([(0, 14), (128, 152), (255, 255)]),
                        curve([(0, 8), (128, 132), (255, 248)]),
                        curve([(0, 14), (128, 102), (255, 216)]))
    light = radial(ctx.size, (ctx.size[0] * 0.2, ctx.size[1] * 0.05), max(ctx.size) * 0.8)
    sun = cv2.merge([u8(light * 80.0 * k) for k in (1.0, 0.8, 0.45)])
    glow = np.asarray(cv2.add(bloom(warm, 150.0, 0.06, gain=0.8), sun), np.uint8)
    return scale(screen(warm, glow), vignette(ctx.size, 0.35))
