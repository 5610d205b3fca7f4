"""Try-on: a wristwatch on the old sleeve's cuff goes with it where the forearm is painted
(the crescent of it the hand model took for the hand stayed between the hand and the
painted forearm). The corpus photos at their own size; numbers before the fix are in the
docstrings."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.corpus import body, dressed, needs_corpus, photo

# (person, the box from the hand's watch side to the painted forearm, the box of the hand's
# back, clear of the watch)
CASES = [("joe_biden", np.s_[980:1080, 420:500], np.s_[990:1070, 320:420]),
         ("barack_obama", np.s_[1140:1260, 560:660], np.s_[1160:1240, 490:560])]


def _grey(rgb: np.ndarray) -> int:
    """Pixels of chroma under 10 (Lab a*, b*): the steel bezel and the black dial, not skin
    (chroma over 20 here) or the orange dress."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    return int((np.hypot(lab[..., 1], lab[..., 2]) < 10).sum())


@needs_corpus
@pytest.mark.parametrize(("stem", "wrist", "back"), CASES)
def test_watch_goes_with_the_old_sleeve_by_a_painted_forearm(
        stem: str, wrist: tuple[slice, slice], back: tuple[slice, slice]) -> None:
    """Crossed arms in the orange dress: at most 400 grey pixels left at the wrist (before:
    Biden 934, Obama 1037: the bezel, crown and half the dial; now 140 and 196), and the
    hand's back beside it untouched."""
    img, b = photo(stem), body(stem)
    out = dressed(stem, "dresscode_053319_1").images[0]
    assert _grey(img[wrist]) > 2000                 # the watch is there in the photo
    assert _grey(out[wrist]) < 400
    hand = (b.hands & b.skin)[back]
    assert hand.sum() > 4000
    assert bool(np.all(out[back][hand] == img[back][hand]))
