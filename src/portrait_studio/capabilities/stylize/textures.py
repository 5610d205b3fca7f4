"""Procedural, seeded textures: paper, rice paper, silk weave, grain, halftone screens, grids.

Textures are HxW float32 multiplicative layers around 1.0 (or coverage maps in [0, 1]); they
are generated at a reduced size where their detail allows and resized to the output.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float32]


def _noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> Float:
    n = rng.standard_normal(shape).astype(np.float32)
    if sigma > 0:
        n = np.asarray(cv2.GaussianBlur(n, (0, 0), sigma), np.float32)
    return np.asarray(n / (float(n.std()) + 1e-6), np.float32)


def smooth_noise(rng: np.random.Generator, size: tuple[int, int], feature: float) -> Float:
    """Zero-mean unit-variance noise with blobs about ``feature`` output pixels wide."""
    w, h = size
    f = max(2.0, feature / 4.0)
    small = _noise(rng, (max(4, int(h / f)), max(4, int(w / f))), 1.5)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), np.float32)


def paper(rng: np.random.Generator, size: tuple[int, int], unit: float,
          mottle: float = 0.04, fibre: float = 0.03) -> Float:
    """Paper: large soft mottling plus fine grain; HxW float32 around 1.0."""
    m = smooth_noise(rng, size, 120 * unit) * mottle
    g = smooth_noise(rng, size, 2.5 * unit) * fibre
    return np.asarray(1.0 + m + g, np.float32)


def rice_paper(rng: np.random.Generator, size: tuple[int, int], unit: float) -> Float:
    """Xuan paper: mottling, fine grain and long thin fibres at random angles (HxW ~1.0)."""
    w, h = size
    base = paper(rng, size, unit, mottle=0.03, fibre=0.012)
    fib = np.zeros((h // 2, w // 2), np.float32)
    count = int(w * h / 4000 / max(unit, 0.3) ** 2 / 10)
    pts = rng.random((count, 4)).astype(np.float32)
    for x, y, a, length in pts:
        ang = a * np.pi
        L = (8 + 30 * length) * unit
        x0, y0 = x * w / 2, y * h / 2
        p1 = (int(x0), int(y0))
        p2 = (int(x0 + np.cos(ang) * L), int(y0 + np.sin(ang) * L))
        cv2.line(fib, p1, p2, 1.0, 1, cv2.LINE_AA)
    fib = np.asarray(cv2.resize(cv2.GaussianBlur(fib, (0, 0), 0.7), (w, h),
                                interpolation=cv2.INTER_LINEAR), np.float32)
    return np.asarray(base - 0.05 * fib, np.float32)


def silk(rng: np.random.Generator, size: tuple[int, int], unit: float) -> Float:
    """Silk: a fine warp/weft weave with slubs (thread thickness variation); HxW ~1.0."""
    w, h = size
    period = max(2.5, 3.2 * unit)
    xs = np.arange(w, dtype=np.float32)
    ys = np.arange(h, dtype=np.float32)
    warp = np.cos(2 * np.pi * xs / period)[None, :] * (1 + 0.5 * _slub(rng, w))[None, :]
    weft = np.cos(2 * np.pi * ys / period)[:, None] * (1 + 0.5 * _slub(rng, h))[:, None]
    weave = 0.03 * warp + 0.03 * weft
    sheen = smooth_noise(rng, size, 200 * unit) * 0.03
    return np.asarray(1.0 + weave + sheen, np.float32)


def _slub(rng: np.random.Generator, n: int) -> Float:
    s = rng.standard_normal(n).astype(np.float32)
    s = np.convolve(s, np.ones(9, np.float32) / 9.0, mode="same")
    return np.asarray(s / (float(s.std()) + 1e-6), np.float32)


def grain(rng: np.random.Generator, size: tuple[int, int], amount: float,
          blur: float = 0.7) -> Float:
    """Film grain: HxW float32 zero-mean noise with std ``amount`` (grey units)."""
    w, h = size
    n = _noise(rng, (h // 2, w // 2), blur * 0.5)
    return np.asarray(cv2.resize(n, (w, h), interpolation=cv2.INTER_LINEAR) * amount, np.float32)


def _spot(h: int, w: int, period: float, angle_deg: float) -> Float:
    a = np.deg2rad(angle_deg)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    u = (xs * np.cos(a) + ys * np.sin(a)) * (2 * np.pi / period)
    v = (-xs * np.sin(a) + ys * np.cos(a)) * (2 * np.pi / period)
    return np.asarray(0.5 + 0.25 * (np.cos(u) + np.cos(v)), np.float32)


def screen_period(period: float, angle_deg: float) -> float:
    """The period actually used: at 45 degrees it is rounded so that one screen cell spans a
    whole number of pixels along x and y (the screen is then tiled, not computed per pixel)."""
    if angle_deg % 90 == 45:
        return float(max(2, round(period * np.sqrt(2.0))) / np.sqrt(2.0))
    return period


@lru_cache(maxsize=8)
def _screen(h: int, w: int, period: float, angle_deg: float) -> Float:
    if angle_deg % 90 == 45:
        n = round(period * np.sqrt(2.0))
        tile = _spot(n, n, period, angle_deg)
        spot = np.tile(tile, (h // n + 1, w // n + 1))[:h, :w].copy()
    else:
        spot = _spot(h, w, period, angle_deg)
    spot.setflags(write=False)
    return spot


def halftone(darkness: Float, period: float, angle_deg: float = 45.0) -> Float:
    """Amplitude-modulated dots: HxW coverage in [0, 1] whose dots grow with ``darkness``
    (HxW 0..1) on a screen of ``period`` pixels rotated by ``angle_deg``; anti-aliased."""
    h, w = darkness.shape
    period = screen_period(period, angle_deg)
    spot = _screen(h, w, float(period), float(angle_deg))
    edge = 24.0 / max(period, 1.0)
    d = darkness * (1.0 + 2.0 / edge) - 1.0 / edge  # 0 -> no ink at all, 1 -> solid
    cov = (spot - (1.0 - d)) * edge + 0.5
    return np.asarray(np.clip(cov, 0.0, 1.0), np.float32)


@lru_cache(maxsize=4)
def grid_lines(size: tuple[int, int], spacing: float, width: float, *,
               horizon: float | None = None) -> Float:
    """Coverage of a square line grid (HxW 0..1, read-only, cached per size); with
    ``horizon`` (0..1 of the height) the lower part becomes a perspective floor grid
    converging to the centre of the horizon."""
    w, h = size
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    gx = np.abs(((xs + spacing / 2) % spacing) - spacing / 2)
    gy = np.abs(((ys + spacing / 2) % spacing) - spacing / 2)
    flat = np.clip(width - np.minimum(gx, gy) + 0.5, 0.0, 1.0)
    grid = flat if horizon is None else np.maximum(flat * (ys < horizon * h),
                                                   _floor(w, h, spacing, width, horizon))
    out = np.asarray(grid, np.float32)
    out.setflags(write=False)
    return out


def _floor(w: int, h: int, spacing: float, width: float, horizon: float) -> Float:
    hy = horizon * h
    xs = np.arange(w, dtype=np.float32)[None, :] - w / 2
    ys = np.arange(h, dtype=np.float32)[:, None] - hy
    depth = np.maximum(ys, 1.0)
    u = xs / depth * (h * 0.25)
    gu = np.abs(((u + spacing / 2) % spacing) - spacing / 2) * depth / (h * 0.25)
    z = (h * 8.0) / depth
    gz = np.abs(((z + spacing / 2) % spacing) - spacing / 2) * depth / (h * 0.2)
    lines = np.clip(width - np.minimum(gu, gz) + 0.5, 0.0, 1.0)
    fade = np.clip(ys / (0.15 * h), 0.0, 1.0)
    return np.asarray(lines * fade * (ys > 0), np.float32)
