"""Try-on, a whole arm painted over a long sleeve (garment/armcolumn.py, armskin.py): its
outline is smooth and stays on the person where the sleeve's silhouette is jagged, and its
highlights are brought to the real skin's without flattening the middle into a plateau."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from portrait_studio.capabilities.garment.armcolumn import column_arm
from portrait_studio.capabilities.garment.armskin import cap_ridge
from tests.unit.test_try_on import _lit_person


def test_column_arm_outline_is_smooth_over_a_jagged_sleeve_edge() -> None:
    """A hanging arm's sleeve whose outer edge steps 4 px every 3 rows (a segmentation's
    stairs): the painted arm's outer edge (its solid pixels) moves at most 1 px from row
    to row and no painted pixel lies off the person. Before: it followed the stairs (2 px
    jumps every third row), its soft rim clipped off."""
    img, body, _, chain = _lit_person()
    ys, xs = np.mgrid[0:600, 0:400]
    outer = 72 + 4 * ((ys // 3) % 2)
    sleeve = (xs >= outer) & (xs < 142) & (ys > 120) & (ys < 500)
    body = replace(body, person=body.person | sleeve)
    arm = column_arm(img, body, chain, sleeve, sleeve, body.skin, np.random.default_rng(0),
                     grain=False)
    assert arm is not None
    solid = arm.solid()
    rows = np.arange(220, 440)
    left = np.array([np.flatnonzero(solid[y]).min() for y in rows])
    assert int(np.abs(np.diff(left)).max()) <= 1
    assert bool(body.person[arm.ys, arm.xs].all())


def test_ridge_cap_keeps_the_arm_round() -> None:
    """An arm's cylinder profile (grey 100 at its rims to 200 in its middle) capped to a
    highlight of 190: its 90th percentile comes to the cap (within 0.5) and its middle
    stays brighter than a point at 0.45 of its half width by over 6 grey levels. Before:
    4.7 (the middle ~43% of its width squeezed into ~4 grey levels: a flat plateau)."""
    q = np.linspace(-1, 1, 201, dtype=np.float32)
    grey = 100 + 100 * np.sqrt(1 - q * q)
    plane = np.repeat(np.repeat(grey[None, :, None], 20, axis=0), 3, axis=2)
    arm = np.ones(plane.shape[:2], bool)
    out = cap_ridge(plane.astype(np.float32), arm, 190.0)[10].mean(axis=1)
    assert float(np.percentile(out, 90)) <= 190.0 * 1.02 + 0.5
    assert float(out[100] - out[145]) > 6.0
