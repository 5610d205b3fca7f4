"""A gloved hand stays as it is (corpus photo: skipped without the corpus). The skier wears a
black glove on her extended arm's red sleeve: with no skin there, the hand finder saw no hand,
the glove counted as the old top's clothing and the backdrop was filled over it, leaving the
ski pole held by nothing."""

from __future__ import annotations

import numpy as np

from tests.corpus import body, dressed, needs_corpus, photo

GLOVE = (slice(165, 203), slice(278, 315))        # the image-left glove, rows and columns
HAND = (293, 183)                                 # the glove's middle (x, y)


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
