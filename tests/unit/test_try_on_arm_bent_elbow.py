"""Try-on, a short sleeve over an arm bent at the elbow (Obama and Biden, arms crossed, in
the FILA T-shirt): the upper arm below the new sleeve's hem, down to the elbow, is painted as skin
joining the painted forearm (:func:`.reveal.uncovered_limb` measures the sleeve's reach
along the upper arm when the elbow's bone is bare: its pixels by the inner bend lie nearer
the forearm and had taken the whole upper arm for covered). Before, the T-shirt's body and
the backdrop filled that band. The painted arm goes round the elbow
(:func:`.armsynth._chain_coords`), not on along the upper arm's line past the forearm.
Numbers before the change in the docstrings."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.garment.armpaint import ArmPaint
from portrait_studio.capabilities.garment.reveal import limb_chains
from tests.corpus import body, dressed_with_arms, needs_corpus, photo

SIZE = (768, 1024)
STEMS = ["barack_obama", "joe_biden"]


@cache
def _dressed(stem: str) -> tuple[np.ndarray, tuple[ArmPaint, ...]]:
    return dressed_with_arms(photo(stem, SIZE), "vitonhd_00126_00")


def _lab(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img, np.float32) / 255, cv2.COLOR_RGB2Lab)


def _upper_arm_band(chain: list[np.ndarray], sw: float, shape: tuple[int, int]) -> np.ndarray:
    """HxW bool: pixels within 0.04 shoulder widths of the upper arm's bone over its last
    7% (from 0.93 of the way shoulder -> elbow to the elbow): below the FILA sleeve's hem."""
    a, b = chain[0], chain[1]
    ys, xs = np.mgrid[:shape[0], :shape[1]].astype(np.float32)
    seg = b - a
    n = float(np.linalg.norm(seg))
    d = seg / n
    s = ((xs - a[0]) * d[0] + (ys - a[1]) * d[1]) / n
    o = (xs - a[0]) * -d[1] + (ys - a[1]) * d[0]
    out: np.ndarray = (s >= 0.93) & (s <= 1.0) & (np.abs(o) <= 0.04 * sw)
    return out


@needs_corpus
@pytest.mark.parametrize("stem", STEMS)
def test_upper_arm_below_short_sleeve_is_skin(stem: str) -> None:
    """Share of each upper-arm band's pixels within dE 20 (CIE76) of the median colour of
    the painted forearms: before Obama 0.00 and 0.00 (navy T-shirt body and backdrop),
    Biden 0.37 and 0.00; now 1.00 and 1.00, 1.00 and 0.88 (the sleeve's slanted hem)."""
    out, arms = _dressed(stem)
    b = body(stem, SIZE)
    lab = _lab(out)
    painted = np.zeros(out.shape[:2], bool)
    for arm in arms:
        painted |= arm.solid()
    tone = np.median(lab[painted], axis=0)
    near = np.linalg.norm(lab - tone, axis=2) <= 20.0
    shares = []
    for chain in limb_chains(b)["arms"]:
        band = _upper_arm_band(chain, b.pose.shoulder_width, out.shape[:2])
        assert band.sum() > 50
        shares.append(float(near[band].mean()))
    assert min(shares) > 0.8, shares


@needs_corpus
@pytest.mark.parametrize("stem", STEMS)
def test_painted_elbow_ends_round_below_the_forearm(stem: str) -> None:
    """How far each painted arm reaches past its elbow along the upper arm's line (px, the
    pixels within 0.05 shoulder widths of that line), over the shoulder width: before the
    change no upper arm was painted there (one of Biden's); with the upper arm painted but
    no round elbow Obama's ran on past the forearm 0.22 and 0.16 and ended in a straight cut (the room's
    reach); now 0.10 and 0.10, Biden 0.08 and 0.11 (the arm's radius at the elbow)."""
    _, arms = _dressed(stem)
    b = body(stem, SIZE)
    sw = b.pose.shoulder_width
    reaches = []
    for arm, chain in zip(arms, limb_chains(b)["arms"], strict=True):
        ys, xs = np.nonzero(arm.solid())
        a, e = chain[0], chain[1]
        d = (e - a) / np.linalg.norm(e - a)
        t = (xs - e[0]) * d[0] + (ys - e[1]) * d[1]
        o = (xs - e[0]) * -d[1] + (ys - e[1]) * d[0]
        line = np.abs(o) <= 0.05 * sw
        assert line.any()
        reaches.append(float(max(t[line].max(), 0.0)) / sw)
    assert max(reaches) < 0.14, reaches
    assert min(reaches) > 0.03, reaches
