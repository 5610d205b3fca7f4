"""Try-on: the backdrop continued into a tall strip beside a new tee where an old suit's
sleeve was (Barack Obama's photo at its own size, 1434x2333, in front of a blue curtain
with vertical folds, dressed in the FILA tee): no horizontal streaks across it and no
pale line along the suit's old outline. Numbers before the fix are in the docstring."""

from __future__ import annotations

import cv2
import numpy as np

from tests.corpus import body, dressed, needs_corpus, photo


def _streaks(grey: np.ndarray, where: np.ndarray) -> float:
    """Mean size of ``grey``'s row means over ``where`` beyond a 31-row smooth of them:
    horizontal streaks, not the light's slow change down the strip."""
    rows = np.flatnonzero(where.sum(axis=1) >= 10)
    prof = np.array([grey[y][where[y]].mean() for y in rows], np.float32)
    smooth = cv2.GaussianBlur(prof.reshape(-1, 1), (1, 31), 0).ravel()
    return float(np.abs(prof - smooth).mean())


@needs_corpus
def test_backdrop_strip_beside_the_tee_has_no_streaks_or_old_outline() -> None:
    """Image left of the tee (x < 345, rows 850-1330), where the suit's sleeve was: the
    backdrop filled there has row means varying about as little as the real curtain's
    beside it (0.63 grey levels beyond their smooth; before: 1.24 in the fill, horizontal
    streaks; now 0.64), and the 10 px just outside the suit's old outline are no lighter
    than the curtain 20-30 px out (median over the rows of the lightest of them above the
    curtain: before 34 grey levels, the suit's lit rim left as a pale line; now 14)."""
    img, b = photo("barack_obama"), body("barack_obama")
    out = dressed("barack_obama", "vitonhd_00126_00").images[0]
    grey = out.astype(np.float32).mean(axis=2)
    ys, xs = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    rows = (ys > 850) & (ys < 1330)
    rgb = out.astype(np.int32)
    blue = rgb[..., 2] - rgb[..., 0] > 40                 # backdrop, not the tee or the arm
    strip = b.old_top & (xs < 345) & rows & blue
    real = (xs >= 195) & (xs < 230) & rows & ~b.person
    assert real.sum() > 10000 and strip.sum() > 20000
    assert _streaks(grey, real) < 0.7
    assert _streaks(grey, strip) < 0.9
    lighter = []
    for y in range(850, 1330, 4):
        left = np.flatnonzero(b.old_top[y, :345])
        if len(left):
            x0 = int(left[0])
            lighter.append(float(grey[y, x0 - 10:x0].max() - np.median(grey[y, x0 - 30:x0 - 20])))
    assert float(np.median(lighter)) < 24.0
