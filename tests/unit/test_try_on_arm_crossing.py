"""Try-on, crossed forearms painted where a suit's sleeves hid them (Biden in the FILA
T-shirt, Obama in the orange dress, at 768x1024): the forearm in front casts a soft contact
shadow on the one behind it (:func:`.armskin.crossing_shadow`). Before, the arm behind met
the front arm's shaded rim with its own lit side: a pale line along the crossing, two flat
tubes stacked. A forearm whose painted part stops short of the elbow (a new short sleeve
covers the arm beyond along the bone) ends round (:func:`.armsynth.synth_arm`), not in a
straight cut across it. Numbers before the change in the docstrings."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.garment.armpaint import ArmPaint
from portrait_studio.capabilities.garment.reveal import limb_chains
from tests.corpus import body, dressed_with_arms, needs_corpus, photo

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


def _width(t: np.ndarray, o: np.ndarray, lo: float, hi: float) -> float:
    """Spread of the offsets ``o`` of the pixels at arc lengths ``t`` in [lo, hi)."""
    sel = (t >= lo) & (t < hi)
    return float(np.ptp(o[sel])) if sel.any() else 0.0


@needs_corpus
@pytest.mark.parametrize("stem", ["joe_biden", "barack_obama"])
def test_painted_forearm_ends_round_at_the_elbow(stem: str) -> None:
    """In the FILA T-shirt each painted forearm's end toward the elbow: its width across
    the forearm bone over the last 3 px against its width 20..60 px farther in. Before
    (a straight cut across the arm where the sleeve's reach along the bone ended): at most
    0.66 (Biden), 0.80 (Obama); now 0.35, 0.47 (a half disc)."""
    _, arms = _dressed(stem, "vitonhd_00126_00")
    chains = limb_chains(body(stem, SIZE))["arms"]
    ratios = []
    for arm, chain in zip(arms, chains, strict=True):
        ys, xs = np.nonzero(arm.solid())
        elbow, wrist = chain[1], chain[2]
        d = (wrist - elbow) / np.linalg.norm(wrist - elbow)
        t = (xs - elbow[0]) * d[0] + (ys - elbow[1]) * d[1]
        o = (xs - elbow[0]) * -d[1] + (ys - elbow[1]) * d[0]
        t, o = t[t > 0], o[t > 0]
        t0 = float(t.min())

        full = float(np.median([_width(t, o, x, x + 2) for x in np.arange(t0 + 20, t0 + 60, 2)]))
        ratios.append(_width(t, o, t0, t0 + 3) / full)
    assert max(ratios) < 0.55, ratios


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
