"""New Year 喜迎新年 (9): festive red and gold grade, gold bokeh, a drawn decorative frame.

The frame is a red band with gold double rules, a meander (回纹) border pattern and corner
ornaments, drawn with OpenCV at output size. Images are HxWx3 uint8 RGB.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from .context import StyleContext
from .light import bloom, vignette
from .toolkit import (
    Image,
    apply_curves,
    bilateral,
    curve,
    gradient_map,
    ink,
    luma,
    mix,
    multiply,
    resize,
    saturate,
    scale,
    screen,
    u8,
)

RED = (176, 18, 26)
DEEP_RED = (110, 6, 14)
GOLD = (246, 198, 92)
FESTIVE_STOPS = [(0.0, (40, 0, 4)), (0.35, (150, 14, 20)), (0.65, (226, 92, 40)),
                 (0.88, (250, 200, 100)), (1.0, (255, 242, 200))]


def new_year(ctx: StyleContext) -> Image:
    """Warm red/gold grading, gold sparkles in the background, decorative frame."""
    smooth = np.asarray(resize(bilateral(ctx.work, 1, 20.0), ctx.size), np.uint8)
    base = mix(ctx.image, smooth, 0.5)
    warm = apply_curves(base, curve([(0, 20), (128, 150), (255, 255)]),
                        curve([(0, 4), (128, 118), (255, 236)]),
                        curve([(0, 2), (128, 96), (255, 200)]))
    festive = gradient_map(luma(base), FESTIVE_STOPS)
    background = 1.0 - ctx.person()
    out = mix(saturate(warm, 1.25), festive, 0.3 + 0.55 * background)
    out = screen(out, multiply(_bokeh(ctx), background * 255.0))
    return _frame(scale(out, vignette(ctx.size, 0.3)), ctx)


def _bokeh(ctx: StyleContext) -> Image:
    w, h = ctx.size
    f = 4
    layer = np.zeros((h // f, w // f, 3), np.float32)
    for x, y, r, b in ctx.rng.random((90, 4)):
        radius = max(1, int((4 + 16 * r * r) * ctx.unit * 4 / f))
        colour = (255 * (0.7 + 0.3 * b), 190 * (0.6 + 0.4 * b), 70.0)
        cv2.circle(layer, (int(x * w / f), int(y * h / f)), radius, colour, -1, cv2.LINE_AA)
    glow = bloom(layer, 60, 0.02, 256, gain=0.5).astype(np.float32)
    layer = cv2.GaussianBlur(layer, (0, 0), 1.0) * 0.55 + glow
    return np.asarray(cv2.resize(u8(layer), ctx.size), np.uint8)


def _frame(img: Image, ctx: StyleContext) -> Image:
    """Red band, gold rules, meander pattern and corner ornaments around the picture."""
    w, h = ctx.size
    band = int(56 * ctx.unit) + 6
    out = img.copy()
    out[:band], out[-band:], out[:, :band], out[:, -band:] = RED, RED, RED, RED
    gold = np.zeros((h, w), np.uint8)
    _rules(gold, w, h, band, ctx.unit)
    _meander(gold, w, h, band)
    _corners(gold, w, h, band, ctx.unit)
    g = cv2.GaussianBlur(gold, (0, 0), 0.6).astype(np.float32) / 255.0
    return ink(out, g, GOLD)


def _rules(gold: NDArray[np.uint8], w: int, h: int, band: int, unit: float) -> None:
    t = max(1, int(3 * unit))
    for inset, thick in ((int(band * 0.12), t), (band - t, t * 2), (band + t * 2, t)):
        cv2.rectangle(gold, (inset, inset), (w - 1 - inset, h - 1 - inset), 255, thick,
                      cv2.LINE_AA)


def _meander_unit(x: int, y: int, s: int) -> NDArray[np.int32]:
    """One 回 key unit of side ``s`` with its top-left at (x, y) as a polyline."""
    q = s / 4.0
    pts = [(0, 4), (0, 0), (4, 0), (4, 3), (1, 3), (1, 1), (3, 1), (3, 2), (2, 2)]
    return np.asarray([(x + px * q, y + py * q) for px, py in pts], np.int32)


def _meander(gold: NDArray[np.uint8], w: int, h: int, band: int) -> None:
    s = max(8, int(band * 0.5))
    t = max(1, s // 10)
    off = int(band * 0.25)
    step = int(s * 1.25)
    for x in range(band, w - band - s, step):
        for y in (off, h - off - s):
            cv2.polylines(gold, [_meander_unit(x, y, s)], False, 255, t, cv2.LINE_AA)
    for y in range(band, h - band - s, step):
        for x in (off, w - off - s):
            cv2.polylines(gold, [_meander_unit(x, y, s)], False, 255, t, cv2.LINE_AA)


def _corners(gold: NDArray[np.uint8], w: int, h: int, band: int, unit: float) -> None:
    """Corner ornaments: a gold square with concentric arcs and a lucky-knot diamond."""
    r = int(band * 1.6)
    t = max(1, int(3 * unit))
    for cx, cy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        cv2.rectangle(gold, (cx - band, cy - band), (cx + band, cy + band), 255, -1)
        for k in (1.0, 1.35, 1.7):
            cv2.circle(gold, (cx, cy), int(r * k), 255, t, cv2.LINE_AA)
        dx = band * 2 if cx == 0 else -band * 2
        dy = band * 2 if cy == 0 else -band * 2
        centre = (cx + dx, cy + dy)
        diamond = np.asarray([(centre[0], centre[1] - band // 2), (centre[0] + band // 2,
                              centre[1]), (centre[0], centre[1] + band // 2),
                              (centre[0] - band // 2, centre[1])], np.int32)
        cv2.polylines(gold, [diamond], True, 255, t, cv2.LINE_AA)
