"""Try-on, crossed forearms painted where a suit's sleeves hid them (Biden in the FILA
T-shirt, Obama in the orange dress, at 768x1024): the forearm in front casts a soft contact
shadow on the one behind it (:func:`.armskin.crossing_shadow`). Before, the arm behind met
the front arm's shaded rim with its own lit side: a pale line along the crossing, two flat
tubes stacked. (The painted forearm no longer stops at the elbow in the FILA T-shirt: the
upper arm below the sleeve is painted too, round at the elbow,
``test_try_on_arm_bent_elbow``.) Numbers before the change in the docstrings."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.garment.armpaint import ArmPaint
from tests.corpus import dressed_with_arms, needs_corpus, photo

SIZE = (768, 1024)


def _lightness(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img, np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0]


@cache
def _dressed(stem: str, garment: str) -> tuple[np.ndarray, tuple[ArmPaint, ...]]:
    """The try-on of ``stem`` (at ``SIZE``) in ``garment`` and its finished painted arms,
    in the order they were laid on."""
    return dressed_with_arms(photo(stem, SIZE), garment)


def _crossing(stem: str, garment: str) -> tuple[float, float]:
    """(median L* of the arm behind within 2 px of the arm painted over it, median L* of
    the arm behind 8..25 px from it) in the try-on of ``stem`` in ``garment``."""
    out, arms = _dressed(stem, garment)
    assert len(arms) == 2
    back, front = (a.solid() for a in arms)
    back &= ~front
    d = cv2.distanceTransform((~front).astype(np.uint8), cv2.DIST_L2, 5)
    lum = _lightness(out)
    rim, near = back & (d <= 2), back & (d > 8) & (d < 25)
    assert rim.sum() > 100 and near.sum() > 1000
    return float(np.median(lum[rim])), float(np.median(lum[near]))


@needs_corpus
@pytest.mark.parametrize(("stem", "garment"), [("joe_biden", "vitonhd_00126_00"),
                                               ("barack_obama", "dresscode_053319_1")])
def test_crossed_forearm_shades_the_one_behind(stem: str, garment: str) -> None:
    """Along the crossing the arm behind is darker than a little farther from it (a contact
    shadow, not a pale line): rim vs near L*, before Biden 37.7 vs 42.5, Obama 38.3 vs
    45.1 (only the arm's own shaded rim); now 23.7 vs 39.1 and 25.9 vs 42.0."""
    rim, near = _crossing(stem, garment)
    assert rim < near - 10.0


def test_crossing_shadow_only_darkens_the_arm_behind() -> None:
    """A bar painted over another: the one behind goes darker toward the crossing (at 1 px
    by over 30%), is back to its own colour 6 reaches away; nothing else changes."""
    from portrait_studio.capabilities.garment.armskin import crossing_shadow

    canvas = np.full((60, 80, 3), 150.0, np.float32)
    behind = np.zeros((60, 80), bool)
    behind[30:50, 5:75] = True
    ys, xs = np.nonzero(np.pad(np.ones((20, 70), bool), ((10, 30), (5, 5))))
    front = ArmPaint(ys, xs, np.full((len(ys), 3), 150.0, np.float32),
                     np.ones(len(ys), np.float32), np.zeros((60, 80), bool), True)
    before = canvas.copy()
    crossing_shadow(canvas, behind, front, sw=100.0)           # reach 3 px
    assert canvas[30, 40, 0] < 0.7 * 150
    assert canvas[31, 40, 0] < canvas[34, 40, 0] < canvas[40, 40, 0]
    assert canvas[49, 40, 0] == pytest.approx(150.0, abs=0.5)
    assert np.array_equal(canvas[~behind], before[~behind])
