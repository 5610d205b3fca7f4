"""Try-on: a warped garment's outline is smooth and sharp, without the cut-out mask's
whole-pixel steps or the near-white specks it takes in, also where the warp magnifies the
cut-out (synthetic cut-outs and the shared corpus)."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.fit import warp_garment
from portrait_studio.capabilities.garment.unmix import coverage
from tests.corpus import dressed, needs_corpus

NAVY = np.array([20, 50, 85], np.float32)
WHITE = np.array([240, 240, 240], np.float32)


def _slanted(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(photo, coverage): navy fabric left of a slanted edge (x = 30 + y / 5) on white,
    anti-aliased (drawn at 8x, averaged down)."""
    h, w = shape
    ys, xs = np.mgrid[0:8 * h, 0:8 * w]
    big = ((xs + 0.5) / 8 < 30 + (ys + 0.5) / 40).astype(np.float32)
    cover = np.asarray(cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA), np.float32)
    mix = cover[..., None] * NAVY + (1 - cover[..., None]) * WHITE
    return np.clip(mix + 0.5, 0, 255).astype(np.uint8), cover


def test_coverage_follows_the_photos_edge_not_the_masks_steps() -> None:
    """The cut-out mask reaches into the white (every pixel with a trace of navy, and a
    near-white speck beside it): the coverage is the photo's own mix there, within 0.1,
    1 inside and 0 outside the mask."""
    img, cover = _slanted((120, 80))
    mask = cover > 0.02
    mask[60, 45:47] = True                       # a near-white speck the mask took in
    img[60, 45:47] = (232, 232, 234)
    out = coverage(img, mask)
    rim = mask & (cover < 0.99)
    assert np.abs(out[rim] - np.clip(cover[rim] / 0.85, 0, 1)).max() < 0.1
    assert out[60, 45:47].max() < 0.1
    assert out[cover > 0.999].min() == 1.0 and out[~mask].max() == 0.0


def test_magnified_edge_stays_sharp_and_straight() -> None:
    """The slanted edge warped 6 times wider (a trouser leg's inner side stretched over
    the thigh): its rise is at most 3 px on every row (it was the magnification's 6-9
    px, a soft band the compositing smeared into streaks) and its half level stays on a
    straight line within 1 px (the mask's steps were notches 2-3 px deep)."""
    img, cover = _slanted((120, 80))
    src = np.array([[10, 10], [70, 10], [10, 110], [70, 110], [40, 60]], np.float32)
    dst = src * np.array([6.0, 1.0], np.float32) + np.array([-40.0, 0.0], np.float32)
    pairs = [(s, d) for s, d in zip(src, dst, strict=True)]
    alpha = warp_garment(img, coverage(img, cover > 0.02), pairs, (120, 400)).alpha
    rows = alpha[20:100]
    assert ((rows > 0.05) & (rows < 0.95)).sum(axis=1).max() <= 3
    half = (rows >= 0.5).sum(axis=1).astype(np.float64)     # the edge's column per row
    y = np.arange(len(half), dtype=np.float64)
    fit = np.polyval(np.polyfit(y, half, 1), y)
    assert np.abs(half - fit).max() <= 1.0


@needs_corpus
def test_trousers_inner_leg_has_no_streaks() -> None:
    """Navy trousers on 00055: the right leg's inner side (rows 790-880), which the warp
    widens 5-7 times, was a staircase whose soft steps the anti-aliasing smeared into
    grey streaks over the background: now every row goes from the background to navy
    within a few px (half-tone px per row: at most 4, was 10; mean under 2.3, was 2.9)."""
    out = dressed("vitonhd_00055_00", "dresscode_051991_1", (768, 1024)).images[0]
    grey = out[790:880, 390:450].astype(np.float32).mean(axis=-1)
    between = ((grey > 70) & (grey < 190)).sum(axis=1)
    assert between.max() <= 4
    assert between.mean() < 2.3
