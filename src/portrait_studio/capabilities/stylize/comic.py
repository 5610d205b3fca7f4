"""Comic and cartoon family: retro comic (0), anime (2), colourful cartoon (7).

Shared recipe: abstraction at working resolution (bilateral), upsample, flat colours through a
palette lookup at output size, ink lines from the abstraction at output size. Images are
HxWx3 uint8 RGB.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import fit_skin_model
from ...imaging.geometry import roi_around
from ...perception import landmarks as lm
from ...perception.masks import cheek_mask, face_scale, polygon_mask
from . import eyes, lines, textures
from .context import StyleContext, work_copy
from .face import flatten_skin
from .light import soft_blur, vignette
from .toolkit import (
    Float,
    Image,
    apply_curves,
    bilateral,
    blur,
    curve,
    f32,
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
    soften_curve,
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
    (178, 122, 90),   # tan
    (118, 74, 54),    # umber
], np.uint8)


def _age(colours: Image) -> Image:
    """Aged print palette: every colour pulled most of the way to its nearest vintage comic
    ink (compared in lightness-weighted RGB), then slightly faded."""
    c = f32(colours)
    inks = f32(VINTAGE_INKS)
    nearest = inks[np.argmin(((c[:, None, :] - inks[None]) ** 2).sum(-1), axis=1)]
    aged = c * 0.4 + nearest * 0.6
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


def _on_paper(img: Image, ctx: StyleContext) -> Image:
    """Print on toned paper: mottled texture and darker edges, then the paper colour as a
    per-channel curve (white becomes the paper tone, black a lifted ink)."""
    tex = textures.paper(ctx.rng, ctx.size, ctx.unit, mottle=0.05, fibre=0.035)
    out = scale(img, tex * vignette(ctx.size, 0.22))
    r, g, b = (curve([(0, 22), (255, c)]) for c in PAPER_TONE)
    return apply_curves(out, r, g, b)


def colourful_cartoon(ctx: StyleContext) -> Image:
    """Saturated flat colours (about 9) with thick black outlines."""
    up = _abstract_up(ctx, 3, 40.0)
    vivid = saturate(up, 1.7, 1.06)
    flat = quantize(vivid, saturate(palette(saturate(ctx.work, 1.7, 1.06), 9), 1.35))
    g = grey(up)
    edge = lines.edges(g, 2.0 * ctx.unit + 0.5, strength=4.0, floor=0.8)
    edge = lines.thicken(lines.clean(edge, int(40 * ctx.unit ** 2) + 6), 2.4 * ctx.unit)
    return ink(flat, edge, (12, 10, 14))


def anime(ctx: StyleContext) -> Image:
    """Anime: flat 2-3 tone cel shading and thin clean line art on the figure over a soft
    painted background, bright clear colours, large clean eyes (magnified in ``ctx.image``
    itself so the face treatment keeps them)."""
    ctx.image = eyes.enlarge_eyes(ctx.image, ctx.faces, 1.16)
    ctx.work = flatten_skin(work_copy(ctx.image), ctx.work_faces(), 0.15)
    smooth = median(bilateral(ctx.work, 4, 36.0), 5)
    up = np.asarray(resize(smooth, ctx.size), np.uint8)
    care = ctx.skin_care()
    tone = soften_curve(curve([(0, 26), (128, 180), (255, 255)]), care)
    cool = soften_curve(curve([(0, 26), (128, 188), (255, 255)]), care)
    bright = apply_curves(saturate(up, 1.25), tone, tone, cool)
    pal = saturate(palette(apply_curves(saturate(smooth, 1.25), tone, tone, cool), 10), 1.1)
    person = ctx.person()
    painted = quantize(soft_blur(bright, 0.01), pal)
    flat = mix(painted, _cel_faces(quantize(bright, pal), bright, ctx), person)
    edge = lines.edges(grey(up), 1.1 * ctx.unit + 0.3, strength=4.0, floor=1.0)
    edge = lines.clean(edge, int(40 * ctx.unit ** 2) + 6) * np.clip(person * 1.5, 0.0, 1.0)
    out = ink(flat, edge * 0.95, (58, 34, 40))
    return eyes.catchlights(out, ctx.faces)


def _cel_faces(flat: Image, bright: Image, ctx: StyleContext, tones: int = 3) -> Image:
    """Repaint each face's skin (the oval and skin-coloured pixels around it: neck, ears) in
    its own ``tones``-colour palette, i.e. 2-3 tone cel shading: a global palette lets skin
    shadows snap to clothing or background colours. The skin mask is found at a reduced
    scale (eye distance about 120 px) and enlarged."""
    out = flat.copy()
    for points in ctx.faces:
        roi = roi_around(points, 1.7, out.shape)
        local = points - roi.offset
        f = min(1.0, 120.0 / max(face_scale(local), 8.0))
        size = (max(8, round(roi.w * f)), max(8, round(roi.h * f)))
        small = np.asarray(resize(bright[roi.slices], size), np.uint8)
        mask = _skin_area(small, local * np.array([size[0] / roi.w, size[1] / roi.h],
                                                  np.float32))
        skin = small[mask > 0.5]
        if len(skin) < 50:
            continue
        pal = palette(np.ascontiguousarray(skin[None]), tones)
        soft = resize(blur(mask, 0.03 * 120.0), (roi.w, roi.h))
        out[roi.slices] = mix(out[roi.slices], quantize(bright[roi.slices], pal), soft)
    return out


def _skin_area(part: Image, points: NDArray[np.float32]) -> NDArray[np.float32]:
    """HxW 0..1: skin-like pixels (the cheeks' chroma model, not much darker than the skin;
    beards, brows and hair stay out) plus the neck's shadowed skin below the face; fading out
    toward the region's border so no rectangle can show."""
    model = fit_skin_model(part, cheek_mask(points, part.shape))
    oval_pts = points[list(lm.FACE_OVAL)]
    drop = 0.3 * float(np.ptp(oval_pts[:, 1]))
    neck = polygon_mask(oval_pts + np.array([0.0, drop], np.float32), part.shape)
    ycc = cv2.cvtColor(part, cv2.COLOR_RGB2YCrCb).astype(np.float32)
    shadow = (ycc[..., 0] < model.luma_lo) & (ycc[..., 2] < 136.0)  # dark, not blue
    chroma = np.maximum(np.clip(2.0 - model.distance(part) / 2.0, 0.0, 1.0), shadow) * neck
    like = model.likelihood(part, scale=5.0, bright_scale=6.0)
    h, w = part.shape[:2]
    ramp_y = np.clip(np.minimum(np.arange(h), h - 1 - np.arange(h)) / (0.15 * h), 0.0, 1.0)
    ramp_x = np.clip(np.minimum(np.arange(w), w - 1 - np.arange(w)) / (0.15 * w), 0.0, 1.0)
    window = np.outer(ramp_y, ramp_x).astype(np.float32)
    return np.asarray(np.maximum(chroma, like * window), np.float32)
