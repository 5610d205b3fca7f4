"""Try-on: the backdrop continued where old clothing was keeps the backdrop's own structure
(Barack Obama's photo at 768x1024, in front of a blue curtain with vertical folds: where his
old suit's sleeve was, the curtain's folds run on straight down, not a flat, cloudy patch in
the sleeve's shape). Numbers before the change are in the docstrings."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.reveal import background_fill
from tests.corpus import body, needs_corpus, photo

SIZE = (768, 1024)


def _energy(grey: np.ndarray, where: np.ndarray) -> tuple[float, float]:
    """Mean absolute horizontal and vertical gradient (3x3 Sobel over a 1 px blur) of
    ``grey`` over ``where``: a curtain's vertical folds make the first much the larger."""
    g = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), 1.0)
    gx = np.abs(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3))[where].mean()
    gy = np.abs(cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3))[where].mean()
    return float(gx), float(gy)


def _band(grey: np.ndarray, where: np.ndarray) -> float:
    """Robust spread (1.4826 MAD) over ``where`` of ``grey``'s detail between a 1.5 and a
    6 px blur: the folds' light and shade, not the grain."""
    g = grey.astype(np.float32)
    d = (cv2.GaussianBlur(g, (0, 0), 1.5) - cv2.GaussianBlur(g, (0, 0), 6.0))[where]
    return 1.4826 * float(np.median(np.abs(d - np.median(d))))


@needs_corpus
def test_curtain_folds_run_on_where_the_old_sleeve_was() -> None:
    """Image left of the body (x < 190, rows 350-600, 7 px in from the old top's edge),
    where the suit's sleeve hid the curtain: the backdrop filled there runs up and down
    like the curtain beside it (horizontal over vertical gradient: real 4.41; before 1.10,
    the grain's blotches laid at random, now 4.73) and has its folds' light and shade
    (spread between a 1.5 and 6 px blur: real 6.99; before 2.42, a flat patch; now 5.84)."""
    img, b = photo("barack_obama", SIZE), body("barack_obama", SIZE)
    grey = background_fill(img, b, b.old_top).mean(axis=2)
    ys, xs = np.mgrid[0:SIZE[1], 0:SIZE[0]]
    rows = (ys > 350) & (ys < 600)
    strip = cv2.erode((b.old_top & (xs < 190) & rows).astype(np.uint8),
                      np.ones((7, 7), np.uint8)) > 0
    rgb = img.astype(np.int32)
    curtain = ~(cv2.dilate(b.person.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0) & \
        (xs < 300) & (ys > 300) & (ys < 640) & (rgb[..., 2] - rgb[..., 0] > 40)
    curtain = cv2.erode(curtain.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert strip.sum() > 8000 and curtain.sum() > 12000
    rx, ry = _energy(img.mean(axis=2), curtain)
    fx, fy = _energy(grey, strip)
    assert rx / ry > 4.0                               # the real curtain's folds
    assert fx / fy > 0.75 * rx / ry
    assert abs(fx - rx) < 0.25 * rx                    # as strong as the real ones
    assert _band(grey, strip) > 0.7 * _band(img.mean(axis=2), curtain)


def test_column_median_is_the_median_down_each_column() -> None:
    """The column median (a partition of shifted copies) equals scipy's median filter with
    a (2 half + 1) x 1 x 1 footprint and the edge rows repeated, on random colours (where
    asked for it only, there; the rest as it was)."""
    from scipy.ndimage import median_filter

    from portrait_studio.capabilities.garment.reveal import column_median

    values = np.random.default_rng(3).uniform(0, 255, (57, 41, 3)).astype(np.float32)
    want = median_filter(values, size=(25, 1, 1), mode="nearest")
    assert np.array_equal(column_median(values, 12), want)
    assert np.array_equal(column_median(values, 12, chunk=7), want)
    # only where needed (chunks of 16 columns)
    need = np.zeros((57, 41), bool)
    need[20:30, 5:9] = True
    part = column_median(values, 12, need)
    assert np.array_equal(part[need], want[need])
    assert np.array_equal(part[:, 20:], values[:, 20:])     # chunks with none: as they were


def test_column_median_by_pairs_matches_scipy_on_ties_and_other_sizes() -> None:
    """The pairwise selection network gives scipy's median exactly: with many equal values
    (colours rounded to 4 levels), an even and an odd number of rows, other window sizes,
    and chunks whose needed rows differ (each chunk's rows only, the rest as it was)."""
    from scipy.ndimage import median_filter

    from portrait_studio.capabilities.garment.reveal import column_median

    rng = np.random.default_rng(5)
    for rows, half in ((40, 12), (33, 3), (8, 7), (1, 12), (2, 1)):
        values = np.round(rng.uniform(0, 3, (rows, 23, 3))).astype(np.float32)
        want = median_filter(values, size=(2 * half + 1, 1, 1), mode="nearest")
        assert np.array_equal(column_median(values, half), want)
    values = rng.uniform(0, 255, (50, 40, 3)).astype(np.float32)
    want = median_filter(values, size=(25, 1, 1), mode="nearest")
    need = np.zeros((50, 40), bool)
    need[3:9, 2] = True      # chunk 0: rows 3..8
    need[30:45, 35] = True   # chunk 2: rows 30..44
    part = column_median(values, 12, need)
    assert np.array_equal(part[3:9, :16], want[3:9, :16])
    assert np.array_equal(part[30:45, 32:], want[30:45, 32:])
    keep = np.ones((50, 40), bool)
    keep[3:9, :16] = keep[30:45, 32:] = False
    assert np.array_equal(part[keep], values[keep])
