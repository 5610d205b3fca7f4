"""Try-on: the backdrop continued into rows where the person runs off the photo's edge
(Joe Biden's folded arms: his right sleeve leaves the image, his left elbow reaches a gilt
frame). Those rows have backdrop on one side only; they took the push-pull fallback, which
carried the frame's gold across the hole and broke off in straight seams at the rows with
both sides. Numbers before the fix are in the docstring."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.render import push_pull
from portrait_studio.capabilities.garment.reveal import _cross_fill

CREAM = np.array([230.0, 220.0, 200.0], np.float32)
GOLD = np.array([170.0, 120.0, 50.0], np.float32)
BLUE = np.array([40.0, 90.0, 170.0], np.float32)


def _elbow_scene() -> tuple[np.ndarray, np.ndarray]:
    """120x160 half-size backdrop: a cream wall with a gilt frame's 8 px stripe at the
    left edge and a blue curtain top right; the person (unknown) from x 24 to x 140, and in rows 40-79 from x 10 (the
    elbow, next to the frame) to the image's right edge (the sleeve off the photo)."""
    img = np.empty((120, 160, 3), np.float32)
    img[:] = CREAM
    img[:, :8] = GOLD
    img[:30, 140:] = BLUE                  # a curtain above the sleeve
    known = np.ones((120, 160), bool)
    known[:, 24:140] = False
    known[40:80, 10:] = False
    img[~known] = (20.0, 20.0, 25.0)        # the old dark suit, never to show
    return img, known


def test_rows_off_the_photos_edge_continue_the_rows_above_and_below() -> None:
    """Beside the elbow (x 16) the fill is the wall above and below it, not the frame's
    gold (largest channel off the cream: before 48, the push-pull's gold; now under 3);
    down the hole near the right (x 120, rows 30-90) it changes smoothly, without seams at
    the band's first and last rows (largest channel change from one row to the next:
    before 23.6 at the band's top; now 4.4)."""
    img, known = _elbow_scene()
    out = _cross_fill(img, known, push_pull(img, known))
    beside = np.abs(out[45:75, 16] - CREAM).max()
    assert float(beside) < 3.0
    steps = np.abs(np.diff(out[30:90, 120], axis=0)).max()
    assert float(steps) < 6.0
    assert np.array_equal(out[known], img[known])
