"""A gloved hand stays as it is (corpus photo: skipped without the corpus). The skier wears a
black glove on her extended arm's red sleeve: with no skin there, the hand finder saw no hand,
the glove counted as the old top's clothing and the backdrop was filled over it, leaving the
ski pole held by nothing."""

from __future__ import annotations

import numpy as np

from tests.corpus import body, dressed, jacket_red, needs_corpus, photo

GLOVE = (slice(165, 203), slice(278, 315))        # the image-left glove, rows and columns
HAND = (293, 183)                                 # the glove's middle (x, y)
WAIST = (slice(135, 185), slice(400, 465))        # the waist-level glove and its red cuff


def _glove_dark() -> np.ndarray:
    """HxW bool: the black pixels within 15 px of the glove's middle."""
    img = photo("skier_woman")
    ys, xs = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    near = (xs - HAND[0]) ** 2 + (ys - HAND[1]) ** 2 < 15 ** 2
    out: np.ndarray = near & (img.max(axis=2) < 70)
    return out


@needs_corpus
def test_the_skiers_glove_is_her_hand_not_clothing() -> None:
    found = body("skier_woman")
    dark = photo("skier_woman")[GLOVE].max(axis=2) < 70       # the glove's black pixels
    assert dark.sum() > 400
    assert found.hands[GLOVE][dark].mean() > 0.95
    assert found.clothes[GLOVE][dark].mean() < 0.05
    for x, y in ((330, 160), (355, 150)):        # the red sleeve above the cuff stays clothing
        assert found.clothes[y, x] and not found.hands[y, x], (x, y)


@needs_corpus
def test_a_new_top_leaves_the_glove_in_place() -> None:
    before = photo("skier_woman")
    after = dressed("skier_woman", "vitonhd_00126_00").images[0]
    dark = _glove_dark()
    assert dark.sum() > 400
    same = np.all(after == before, axis=2)
    assert same[dark].mean() > 0.95          # the old code: all of them became snow (0.0)


@needs_corpus
def test_the_red_cuff_by_the_waist_glove_is_no_glove() -> None:
    """The pose puts the waist-level hand's points on her red cuff (its forearm is 9 px
    long), so the hand's core was red and the "forearm's middle" sampled the same spot: the
    cuff was taken for a glove (hand pixels of jacket red there: 273 -> 0); the sleeve is
    now the whole arm's colour, and a core mostly in it is no glove."""
    found = body("skier_woman")
    red = jacket_red(photo("skier_woman")) & found.person     # not the pole's red stripe
    assert red[WAIST].sum() > 500
    assert (found.hands[WAIST] & red[WAIST]).sum() == 0
    assert found.clothes[WAIST][red[WAIST]].mean() > 0.85   # was 0.57 (the rest: cuff rim, pole)


@needs_corpus
def test_no_red_jacket_is_left_by_the_waist_glove() -> None:
    """Under the white cami nothing jacket-red stays by the waist glove (284 -> 5 pixels,
    the pole's red stripe); under the FILA T-shirt (red itself) no jacket-red pixel is left
    unchanged there (200 -> 5)."""
    before = photo("skier_woman")[WAIST]
    cami = dressed("skier_woman", "vitonhd_09133_00").images[0][WAIST]
    assert jacket_red(cami).sum() <= 20
    fila = dressed("skier_woman", "vitonhd_00126_00").images[0][WAIST]
    kept = np.all(fila == before, axis=2) & jacket_red(fila)
    assert kept.sum() <= 20
