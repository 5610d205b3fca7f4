"""Texture and outline of painted skin: the real skin's own grain, and soft, uneven edges.

Grain: the fine detail of the visible skin (grey minus a 3 px blur over the skin: pores and
the fine mottle, clipped to 3 robust spreads) is copied in blocks picked at random from
inside the skin (every block wholly within it, so no outline or feature edge comes along)
and laid with half-block overlaps under sine windows whose squares sum to one (the blend
keeps the grain's strength: no smoothed seams, no tiling grid). Outline: where painted skin
meets the background continued into the old clothing, its edge is the painted region
rounded (Gaussian 0.012 shoulder widths) and shifted a little by a smooth random field
(never a straight polygon side), then softened over ~1.5 px.
Images HxWx3 uint8 RGB, masks HxW bool, fields HxW float32.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from .regions import channel_mean

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
GRAIN_MAX = 8.0      # clip of the copied grain (grey levels): no specks or hair strands
DETAIL = 3.0         # px: the grain is the detail finer than this blur (pores and mottle)
SPREAD_CLIP = 3.0    # the grain is clipped to this many times its robust spread
BLOCKS = (16, 8)     # block sizes tried (px); the smaller one for thin skin
MIN_BLOCKS = 12      # fewer block positions inside the skin: no real grain
WOBBLE = 1.0         # strength of the edge's random shift (x the rounding sigma)
EDGE_LEVEL = 0.75    # level of the rounded region the edge follows: ~0.7 sigma inside it,
                     # so the random shift moves it both ways


def _window(size: int) -> F32:
    """1-D sine window whose squares, at half-size steps, sum to one."""
    out: F32 = np.sin(np.pi * (np.arange(size) + 0.5) / size).astype(np.float32)
    return out


def _block_sources(inner: Mask, size: int) -> NDArray[np.intp]:
    """Kx2 (y, x) top-left corners of the ``size`` px blocks wholly inside ``inner``."""
    ii = cv2.integral(inner.astype(np.uint8))
    full = ii[size:, size:] - ii[:-size, size:] - ii[size:, :-size] + ii[:-size, :-size]
    return np.argwhere(full == size * size).astype(np.intp)


def real_grain(img: NDArray[np.uint8], source: Mask, shape: tuple[int, int],
               rng: np.random.Generator) -> F32 | None:
    """HxW float32 (``shape``) zero-mean grain made of the real skin's fine detail taken
    from ``source`` (skin pixels, ideally the lit and plain ones), or None when the skin
    holds too few whole blocks."""
    inner = cv2.erode(source.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    for size in BLOCKS:
        corners = _block_sources(inner, size)
        if len(corners) >= MIN_BLOCKS:
            return _tile(_detail(img, source), corners, size, shape, rng)
    return None


def _detail(img: NDArray[np.uint8], skin: Mask) -> F32:
    """HxW float32 fine detail of the grey image: minus its ``DETAIL`` px blur taken over
    the ``skin`` pixels only (hair or clothing beside the skin would lift or darken it
    near the skin's edge), clipped to ``SPREAD_CLIP`` times its robust spread over the skin
    (at most ``GRAIN_MAX``: no hair strands, moles or shadow edges) and centred there;
    computed in the skin's bounding box (0 elsewhere)."""
    out = np.zeros(img.shape[:2], np.float32)
    x, y, w, h = cv2.boundingRect(skin.astype(np.uint8))
    m = int(3 * DETAIL) + 1
    box = np.s_[max(0, y - m):y + h + m, max(0, x - m):x + w + m]
    grey = channel_mean(img[box])
    weight = skin[box].astype(np.float32)
    blur = cv2.GaussianBlur(grey * weight, (0, 0), DETAIL) / np.maximum(
        cv2.GaussianBlur(weight, (0, 0), DETAIL), 1e-3)
    detail = grey - blur
    values = detail[skin[box]]
    spread = 1.4826 * float(np.median(np.abs(values - np.median(values)))) if len(values) \
        else GRAIN_MAX
    limit = min(GRAIN_MAX, SPREAD_CLIP * max(spread, 0.3))
    detail = np.clip(detail, -limit, limit)
    out[box] = detail - (float(detail[skin[box]].mean()) if len(values) else 0.0)
    return out


def _tile(detail: F32, corners: NDArray[np.intp], size: int, shape: tuple[int, int],
          rng: np.random.Generator) -> F32:
    """Random blocks of ``detail`` laid over ``shape`` at half-block steps under sine
    windows (squares summing to one)."""
    h, w = shape
    step = size // 2
    win = np.outer(_window(size), _window(size)).astype(np.float32)
    out = np.zeros((h + 2 * size, w + 2 * size), np.float32)
    ys, xs = range(0, h + size, step), range(0, w + size, step)
    picks = corners[rng.integers(0, len(corners), len(ys) * len(xs))]
    k = 0
    for y in ys:
        for x in xs:
            sy, sx = picks[k]
            out[y:y + size, x:x + size] += win * detail[sy:sy + size, sx:sx + size]
            k += 1
    crop: F32 = out[step:step + h, step:step + w]
    return crop


def soft_outline(region: Mask, backdrop: Mask, sw: float, rng: np.random.Generator) -> (
        tuple[Mask, F32]):
    """(painted pixels, HxW float32 alpha) for a skin ``region``: next to ``backdrop`` (the
    background painted into the old clothing) its edge is rounded, shifted a little by a
    smooth random field and softened over ~1.5 px; elsewhere (real skin, the new garment)
    the region keeps its outline and full alpha. The soft rim may reach 2 px over
    ``backdrop``, never over anything else."""
    sigma = max(1.5, 0.012 * sw)
    k = int(3 * sigma) | 1
    near = cv2.dilate(backdrop.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    rounded = cv2.GaussianBlur(region.astype(np.float32), (0, 0), sigma)
    noise = np.asarray(cv2.GaussianBlur(rng.normal(0, 1.0, region.shape).astype(np.float32),
                                        (0, 0), max(3.0, 0.025 * sw)), np.float32)
    noise = noise * (WOBBLE * 0.5 / max(float(noise.std()), 1e-3))
    shape = region & (~near | (rounded + noise * (rounded < 0.98) > EDGE_LEVEL))
    soft = cv2.GaussianBlur(shape.astype(np.float32), (0, 0), 1.0)
    hard = np.maximum(cv2.GaussianBlur(region.astype(np.float32), (0, 0), 0.8) * region,
                      region * 0.5)
    ring = cv2.dilate(region.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    reach = region | (backdrop & ring)
    alpha = np.where(near, np.minimum(soft * 1.3, 1.0) * reach, hard * shape)
    return shape, alpha.astype(np.float32)
