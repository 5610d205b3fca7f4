"""Whole-distribution colour transfer: sliced optimal transport learned on small samples and
applied through a smooth 32x32x32 RGB displacement table.

Per-channel histogram matching moves each Lab axis separately and leaves the joint colours of a
photo (a blue backdrop, skin, a dark suit) far from a painting's (yellow ochre and grey, or
Starry-Night blue and yellow). Sliced transport moves a sample of the picture's colours onto a
sample of the reference's along many random directions in Lab until the two clouds agree; the
move of every sample is then spread over an RGB grid (blurred, mask-normalised) so any pixel
can look up its displacement. Images are HxWx3 uint8 RGB; deterministic (fixed generator).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import gaussian_filter

from ..stylize.context import work_copy
from ..stylize.toolkit import LEVELS, Image, bin_index, u8

Float = NDArray[np.float32]
SAMPLE_SIDE = 112
ITERATIONS = 10
GRID_SIGMA = 1.2


def _lab_samples(img: Image) -> tuple[Float, Float]:
    """(RGB, Lab) float32 Nx3 of the pixels of a copy at most 112 px on its long side."""
    small = work_copy(img, SAMPLE_SIDE).reshape(-1, 1, 3)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).reshape(-1, 3)
    return small.reshape(-1, 3).astype(np.float32), lab.astype(np.float32)


def _resample(values: Float, count: int, rng: np.random.Generator) -> Float:
    idx = np.sort(rng.integers(0, len(values), size=count)) if len(values) != count \
        else np.arange(count)
    return values[idx]


def sliced_transport(src: Float, dst: Float, rng: np.random.Generator,
                     iterations: int = ITERATIONS) -> Float:
    """``src`` (Nx3) moved so its distribution matches ``dst`` (Nx3): per iteration a random
    rotation, 1-D sorted matching on each rotated axis, rotated back."""
    x = src.copy()
    target = _resample(dst, len(src), rng)
    for _ in range(iterations):
        q, _r = np.linalg.qr(rng.standard_normal((3, 3)))
        px, pt = x @ q, target @ q
        moved = px.copy()
        for axis in range(3):
            order = np.argsort(px[:, axis])
            moved[order, axis] = np.sort(pt[:, axis])
        x = np.asarray(x + (moved - px) @ q.T, np.float32)
    return x


def _displacement_grid(rgb: Float, disp: Float) -> Float:
    """LxLxLx3 float32 mean RGB displacement per RGB bin, blurred and normalised (bins with
    no sample take their neighbours' move)."""
    idx = bin_index(u8(rgb)[None])[0]
    n = LEVELS ** 3
    num = np.stack([np.bincount(idx, weights=disp[:, c], minlength=n) for c in range(3)], 1)
    den = np.bincount(idx, minlength=n).astype(np.float64)
    shape = (LEVELS, LEVELS, LEVELS)
    num_s = np.stack([gaussian_filter(num[:, c].reshape(shape), GRID_SIGMA, mode="nearest")
                      for c in range(3)], -1)
    den_s = gaussian_filter(den.reshape(shape), GRID_SIGMA, mode="nearest")[..., None]
    far = num.sum(0) / max(float(den.sum()), 1.0)
    return np.asarray((num_s + far * 1e-3) / (den_s + 1e-3), np.float32)


def transport_colours(img: Image, ref: Image, amount: float = 1.0) -> Image:
    """``img`` with its colour distribution moved onto ``ref``'s by ``amount`` (0..1)."""
    rng = np.random.default_rng(20240821)
    rgb, lab = _lab_samples(img)
    _, ref_lab = _lab_samples(ref)
    moved_lab = sliced_transport(lab, ref_lab, rng)
    moved_rgb = cv2.cvtColor(u8(moved_lab).reshape(-1, 1, 3), cv2.COLOR_LAB2RGB).reshape(-1, 3)
    grid = _displacement_grid(rgb, moved_rgb.astype(np.float32) - rgb).reshape(-1, 3)
    shift = grid[bin_index(img)]
    return u8(img.astype(np.float32) + shift * np.float32(amount))
