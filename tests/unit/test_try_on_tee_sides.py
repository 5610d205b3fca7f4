"""Try-on, a T-shirt over a suit with crossed arms: the tee's sides run smoothly from below
the forearms down to its hem. The tee was widened over the old suit beside it and followed
that outline, the suit sleeves hanging below the elbows included: a block jutting out
square for ~20 rows, then a notch back in above the jacket's pocket flap
(:mod:`portrait_studio.capabilities.garment.sideline`). Obama's photo scaled to 1024 px
high; numbers before the fix are in the docstrings."""

from __future__ import annotations

from functools import cache

import numpy as np

from portrait_studio.capabilities.garment.body import Body
from portrait_studio.pipelines.try_on import TryOnParams, try_on
from tests.corpus import CORPUS, needs_corpus, read_rgb, tall, tall_body

OBAMA, FILA = "barack_obama", "vitonhd_00126_00"


def photo() -> np.ndarray:
    return tall(OBAMA)


def body() -> Body:
    return tall_body(OBAMA)


@cache
def tee_mask() -> np.ndarray:
    g = read_rgb(next((CORPUS / "garments").glob(FILA + "*")))
    return try_on(photo(), [g], TryOnParams(seed=0)).garment_masks[0]


def _sides() -> list[np.ndarray]:
    """The tee's outermost column per row, signed outward (left: -x, right: +x), over the
    rows from 0.1 shoulder widths below the lower elbow to 2 rows above its hem."""
    b, m = body(), tee_mask()
    sw, cx = b.pose.shoulder_width, int(b.pose.shoulder_mid[0])
    top = int(max(b.pose.p(s["elbow"])[1] for s in b.pose.sides()) + 0.1 * sw)
    rows = np.flatnonzero(m.any(axis=1))
    band = m[top:int(rows.max()) - 1]
    assert band[:, :cx].any(axis=1).all() and band[:, cx:].any(axis=1).all()
    left = band[:, :cx].argmax(axis=1)
    right = cx + band.shape[1] - cx - 1 - band[:, cx:][:, ::-1].argmax(axis=1)
    return [-left.astype(np.int64), right.astype(np.int64)]


@needs_corpus
def test_tee_side_has_no_square_jut() -> None:
    """The largest outward step of each side over 4 rows (px). Before: 29 (left) and 28
    (right), the tee laid over the suit sleeves below the elbows; now 6 and 5 (a ramp of
    0.5 px per row)."""
    for out in _sides():
        step = int((out[4:] - out[:-4]).max())
        assert step <= 8, step


@needs_corpus
def test_tee_side_has_no_notch() -> None:
    """The deepest notch of each side (px): how far its outline lies inside the lesser of
    the farthest-out points above and below it. Before: 24 (left) and 14 (right); now 0."""
    for out in _sides():
        above = np.maximum.accumulate(out)
        below = np.maximum.accumulate(out[::-1])[::-1]
        depth = int((np.minimum(above, below) - out).max())
        assert depth <= 2, depth
