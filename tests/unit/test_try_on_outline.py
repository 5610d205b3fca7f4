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


def test_magnified_sleeve_edge_stays_sharp_and_straight() -> None:
    """A sleeve strip that widens the sleeve 6 times (a loose sleeve's quad on a thick
    arm) keeps its slanted edge as sharp and straight as a torso's: a rise of at most 3
    px per row (the magnification's 6-9 px before) on a straight line within 1 px."""
    from portrait_studio.capabilities.garment.sleeve import warp_strip

    img, cover = _slanted((120, 80))
    g_secs = [(np.array([70, 10], np.float32), np.array([10, 10], np.float32)),
              (np.array([70, 110], np.float32), np.array([10, 110], np.float32))]
    b_secs = [(np.array([380, 10], np.float32), np.array([20, 10], np.float32)),
              (np.array([380, 110], np.float32), np.array([20, 110], np.float32))]
    alpha = warp_strip(img, coverage(img, cover > 0.02), g_secs, b_secs, (120, 400)).alpha
    rows = alpha[20:100, 30:370]
    assert ((rows > 0.05) & (rows < 0.95)).sum(axis=1).max() <= 3
    half = (rows >= 0.5).sum(axis=1).astype(np.float64)
    y = np.arange(len(half), dtype=np.float64)
    assert np.abs(half - np.polyval(np.polyfit(y, half, 1), y)).max() <= 1.0


def _tee(halo: bool) -> tuple[np.ndarray, np.ndarray]:
    """(photo, cut-out mask) of a navy T-shirt on white, anti-aliased (drawn at 4x,
    averaged down), 600x640; with ``halo`` the mask also takes in a 2 px near-white band
    along the middle of the right sleeve's outer edge (a light shadow of the photo)."""
    big = np.zeros((2400, 2560), np.uint8)
    for poly in ([[200, 60], [270, 40], [370, 40], [440, 60], [440, 560], [200, 560]],
                 [[200, 60], [90, 200], [150, 250], [200, 190]],
                 [[440, 60], [550, 200], [490, 250], [440, 190]]):
        cv2.fillPoly(big, [np.array(poly) * 4], 255)
    cover = np.asarray(cv2.resize(big.astype(np.float32) / 255, (640, 600),
                                  interpolation=cv2.INTER_AREA), np.float32)
    mix = cover[..., None] * NAVY + (1 - cover[..., None]) * WHITE
    img = np.clip(mix + 0.5, 0, 255).astype(np.uint8)
    mask = cover > 0.02
    if halo:
        ys, xs = np.mgrid[0:600, 0:640]
        # the outer edge runs from (440, 60) to (550, 200): 2 px beyond it, rows 100-160
        off = ((xs - 440) * 140 - (ys - 60) * 110) / np.hypot(140, 110)
        band = (off > 0) & (off <= 3) & (ys >= 100) & (ys <= 160) & ~mask
        mask |= band
        img[band] = (232, 232, 234)
    return img, mask


def test_sleeve_outline_leaves_out_the_light_band_the_mask_took_in() -> None:
    """A cut-out mask that takes in a near-white band beside a sleeve's outer edge: the
    warped sleeve follows the photo's edge, as if the band were not in the mask (alpha
    within 0.15 of the clean cut-out's everywhere; the mask's whole pixels drew the band
    as a ledge of sleeve colour, alpha 1 where the clean sleeve has 0)."""
    from portrait_studio.capabilities.garment.body import Body
    from portrait_studio.capabilities.garment.cutout import Cutout
    from portrait_studio.capabilities.garment.fit import Anchors, Fit
    from portrait_studio.capabilities.garment.layers import warp_layers
    from portrait_studio.capabilities.garment.shape import garment_shape
    from tests.poses import frontal_pose

    h, w = 1000, 600
    none = np.zeros((h, w), bool)
    person = np.zeros((h, w), bool)
    person[250:1000, 140:460] = True
    body = Body(frontal_pose(), person, none, none, person, 650.0,
                np.array([200, 150, 130], np.float32), none, none, none, none)
    sleeves = []
    for halo in (False, True):
        img, mask = _tee(halo)
        gshape = garment_shape(_tee(False)[1], "top")
        layers = warp_layers(Cutout(img, mask), "top", gshape, body, Fit(), Anchors())
        sleeves.append([ly.warped.alpha for ly in layers if ly.sleeve])
    assert len(sleeves[0]) == len(sleeves[1]) == 2
    for clean, haloed in zip(*sleeves, strict=True):
        assert clean.sum() > 2000
        assert np.abs(haloed - clean).max() < 0.15


@needs_corpus
def test_bodysuit_sleeve_edge_has_no_beads() -> None:
    """The black bodysuit's left sleeve on 00034, its inner edge against the arm (rows
    428-495): the knit's light stitches that the cut-out mask took in drew the edge as a
    string of beads, its column wobbling every few rows (mean |second difference| of the
    edge's sub-pixel column 0.195, max 0.49); now it runs smooth (about 0.08, max 0.21)."""
    out = dressed("vitonhd_00034_00", "vitonhd_10165_00", (768, 1024)).images[0]
    grey = out[428:496, 232:248].astype(np.float32).mean(axis=-1)
    column = np.clip((grey - 15) / (168 - 15), 0, 1).sum(axis=1)
    wobble = np.abs(np.diff(column, 2))
    assert wobble.mean() < 0.12
    assert wobble.max() < 0.35
