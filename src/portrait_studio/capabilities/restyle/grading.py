"""Prompt grading: warmth, saturation, brightness, contrast, softness, a colour tint and a
named light, applied after the look. Plus the seed's film grain.

Controls are about -1..1 (already multiplied by the ``cfg`` gain). Tone and colour go through
lookup tables; lights are low-frequency layers built at a reduced size. Images are HxWx3
uint8 RGB; masks HxW float32 0..1.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..stylize.light import radial, soft_blur, vignette
from ..stylize.toolkit import Float, Image, Mask, apply_curves, f32, luma, saturate, u8
from .ops import mix, screen
from .prompt import CONTROLS, PromptPlan
from .vocab import TINTS


@dataclass(frozen=True)
class Grade:
    """Grading controls (-1..1 each), tint and light names (None: none) and the light side
    (+1 light from the picture's right, -1 from its left)."""

    warmth: float = 0.0
    saturation: float = 0.0
    brightness: float = 0.0
    contrast: float = 0.0
    softness: float = 0.0
    tint: str | None = None
    light: str | None = None
    side: float = 1.0


def from_plan(plan: PromptPlan, gain: float, var: np.random.Generator) -> Grade:
    """The :class:`Grade` of a prompt plan with its controls multiplied by ``gain`` (the cfg
    mapping) plus the seed's variation (light side, a warmth jitter of +-0.05) from ``var``."""
    side = 1.0 if var.random() < 0.5 else -1.0
    jitter = float(var.uniform(-0.05, 0.05))
    c = {k: float(np.clip(getattr(plan, k) * gain, -1.0, 1.0)) for k in CONTROLS}
    c["warmth"] = float(np.clip(c["warmth"] + jitter, -1.0, 1.0))
    return Grade(**c, tint=plan.tint, light=plan.light, side=side)


def tone(img: Image, g: Grade) -> Image:
    """Warmth, brightness, contrast (one LUT per channel) then saturation."""
    x = np.arange(256, dtype=np.float32) / 255.0
    gamma = 2.0 ** (-0.8 * g.brightness)
    y = np.asarray(x ** gamma, np.float32)
    k = 1.0 + 0.9 * g.contrast
    y = np.asarray(np.clip(0.5 + (y - 0.5) * k, 0.0, 1.0), np.float32)
    y = _s_soften(y, g.contrast)
    r = y * 255.0 + 14.0 * g.warmth * (1 - np.abs(2 * y - 1))
    b = y * 255.0 - 18.0 * g.warmth * (1 - np.abs(2 * y - 1))
    out = apply_curves(img, u8(r), u8(y * 255.0), u8(b))
    if abs(g.saturation) > 1e-3:
        out = saturate(out, float(np.clip(1.0 + 0.8 * g.saturation, 0.0, 2.0)))
    return out


def _s_soften(y: Float, contrast: float) -> Float:
    """Roll off clipped ends of a contrast curve (smoothstep blend near 0 and 1)."""
    if contrast <= 0:
        return y
    s = y * y * (3 - 2 * y)
    return np.asarray(np.clip(y + (s - y) * 0.5 * contrast, 0.0, 1.0), np.float32)


def tint(img: Image, name: str | None, amount: float) -> Image:
    """Mid-tones pulled toward the named colour (soft-light-like, highlights spared)."""
    if name is None or amount <= 0:
        return img
    c = np.asarray(TINTS[name], np.float32)
    x = f32(img)
    lum = luma(x)[..., None]
    mid = 1.0 - np.abs(lum / 127.5 - 1.0)
    coloured = lum * c / max(float(luma(c[None, None])[0, 0]), 1.0)
    return u8(x + (coloured - x) * mid * 0.35 * min(1.0, amount))


def soften(img: Image, amount: float) -> Image:
    """A dreamy diffusion: screen of a blurred copy (positive) or clarity (negative)."""
    if abs(amount) < 1e-3:
        return img
    soft = soft_blur(img, 0.012)
    if amount > 0:
        return u8(mix(img, screen(img, soft), 0.35 * amount))
    return u8(f32(img) + (f32(img) - soft) * 0.5 * -amount)


def light(img: Image, g: Grade, face_box: tuple[int, int, int, int] | None,
          person: Mask | None, amount: float) -> Image:
    """The named light (see :data:`.vocab.LIGHTS`) laid over the picture."""
    if g.light is None or amount <= 0:
        return img
    h, w = img.shape[:2]
    fx, fy, fw, fh = face_box or (w // 3, h // 4, w // 3, h // 3)
    centre = (fx + fw / 2, fy + fh / 2)
    fn = _LIGHTS[g.light]
    return u8(mix(img, fn(f32(img), (w, h), centre, max(fw, fh), person, g.side), min(1.0,
                                                                                   amount)))


def _rim(person: Mask | None, size: tuple[int, int], width: float) -> Mask:
    """HxW 0..1 band just inside the person's outline (a rim light catches it)."""
    if person is None:
        return np.zeros((size[1], size[0]), np.float32)
    inner = cv2.GaussianBlur(person, (0, 0), max(1.0, width))
    return np.asarray(np.clip((person - inner) * 4.0, 0.0, 1.0), np.float32)


def _backlight(x: Float, size: tuple[int, int], c: tuple[float, float], r: float,
               person: Mask | None, side: float) -> Float:
    glow = radial(size, (c[0] + side * r * 0.4, c[1] - r * 0.9), r * 2.6)
    warm = np.asarray((255, 236, 200), np.float32)
    out = screen(x * 0.9, glow[..., None] * warm * 0.8)
    rim = _rim(person, size, r * 0.04)
    return np.asarray(out + rim[..., None] * warm * 0.22, np.float32)


def _sunset(x: Float, size: tuple[int, int], c: tuple[float, float], r: float,
            person: Mask | None, side: float) -> Float:
    w, _h = size
    xs = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :] * side
    ramp = np.clip(0.5 + 0.5 * xs, 0.0, 1.0)
    orange = np.asarray((255, 150, 70), np.float32)
    graded = x * np.asarray((1.06, 0.94, 0.78), np.float32) * (0.78 + 0.3 * ramp[..., None])
    out = screen(graded, (ramp ** 2)[..., None] * orange * 0.45)
    rim = _rim(person, size, r * 0.05) * (ramp > 0.5)
    return np.asarray(out + rim[..., None] * orange * 0.4, np.float32)


def _neon(x: Float, size: tuple[int, int], c: tuple[float, float], r: float,
          person: Mask | None, side: float) -> Float:
    w, _h = size
    xs = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :, None]
    left = np.asarray((255, 40, 200), np.float32)
    right = np.asarray((40, 220, 255), np.float32)
    lum = luma(x)[..., None]
    lit = lum * (left * (1 - xs) + right * xs) / 160.0
    dark = x * 0.55 * vignette(size, 0.4)[..., None]
    return np.asarray(mix(dark, lit, 0.45) + _rim(person, size, r * 0.05)[..., None]
                      * (left * (1 - xs) + right * xs) * 0.6, np.float32)


def _studio(x: Float, size: tuple[int, int], c: tuple[float, float], r: float,
            person: Mask | None, side: float) -> Float:
    key = radial(size, (c[0] - side * r * 0.3, c[1] - r * 0.2), r * 2.2)
    vig = vignette(size, 0.45)
    return np.asarray(x * (0.82 + 0.3 * key)[..., None] * vig[..., None], np.float32)


def _window(x: Float, size: tuple[int, int], c: tuple[float, float], r: float,
            person: Mask | None, side: float) -> Float:
    w, _ = size
    xs = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :] * side
    ramp = 0.8 + 0.35 * np.clip(0.5 + 0.6 * xs, 0.0, 1.0)
    cool = np.asarray((0.98, 1.0, 1.04), np.float32)
    return np.asarray(x * ramp[..., None] * cool, np.float32)


_LIGHTS = {"backlight": _backlight, "sunset": _sunset, "neon": _neon, "studio": _studio,
           "soft_window": _window}


def grain(img: Image, rng: np.random.Generator, amount: float) -> Image:
    """Seeded film grain: luminance noise of ``amount`` grey levels, generated at half size."""
    h, w = img.shape[:2]
    small = rng.standard_normal((h // 2 + 1, w // 2 + 1)).astype(np.float32)
    noise = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return u8(f32(img) + (noise * amount)[..., None])


def apply(img: Image, g: Grade, face_box: tuple[int, int, int, int] | None,
          person: Mask | None, amount: float) -> Image:
    """Every grading step in order: tone, tint, softness, light."""
    out = tone(img, g)
    out = tint(out, g.tint, amount)
    out = soften(out, g.softness)
    return light(out, g, face_box, person, amount)
