"""A dress over a person in trousers (issue 7): the old trousers its hem leaves showing are
replaced by bare legs (skin toned like his arms, narrower than the trouser legs, the
backdrop beside them) down to the shoes, never left showing (:func:`.replaced.worn_under`;
a skier's bent legs are drawn from the pose instead: test_try_on_posed_legs.py).

``dresscode_049205_0`` (corpus, NC: these tests skip without it) is a frontal man in a
white tee and blue joggers, 768x1024; the orange midi's hem lands mid-calf, the floral
short dress's above the knee.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import assert_toned_like, below_hem, body, dressed, needs_corpus, photo

SIZE = (768, 1024)
JOGGERS = "dresscode_049205_0"
MIDI = "dresscode_053319_1"
SHORT = "catvton_overall_21744571"


def _legs(garment: str) -> tuple[NDArray[np.bool_], NDArray[np.float32], NDArray[np.float32],
                                  NDArray[np.float32], NDArray[np.float32]]:
    """(region below the hem, Lab of the photo, Lab of the result, the old trousers' median
    Lab, his arms' median Lab) for the man in ``garment``."""
    b, result = body(JOGGERS, SIZE), dressed(JOGGERS, garment, SIZE)
    before, after = rgb_to_lab(photo(JOGGERS, SIZE)), rgb_to_lab(result.images[0])
    region = below_hem(b, result.garment_masks[0])
    trousers = np.median(before[b.old_bottom], axis=0)
    arms = np.median(before[b.skin & b.arms & ~b.hands], axis=0)
    return region, before, after, trousers, arms


@needs_corpus
def test_no_joggers_left_below_the_midi_hem() -> None:
    # old: his blue joggers stayed between the hem and his shoes (68% of the old bottom
    # there within dE 10 of their colour, 7418 px)
    region, before, after, trousers, _ = _legs(MIDI)
    assert region.sum() > 8000
    assert (np.linalg.norm(before - trousers, axis=2) < 10)[region].mean() > 0.5
    assert (np.linalg.norm(after - trousers, axis=2) < 10)[region].sum() < 30


@needs_corpus
def test_bare_legs_below_the_midi_are_toned_like_his_arms() -> None:
    # old: 6% of the old bottom there was skin-like (his real ankles); now the legs
    region, _, after, _, arms = _legs(MIDI)
    assert_toned_like(region, after, arms, 0.5, 6)


@needs_corpus
def test_bare_legs_are_narrower_than_the_joggers_with_backdrop_beside() -> None:
    # below the short dress (thighs to ankles): each leg narrower than its trouser leg,
    # the old trousers' sides given the backdrop (old: all of them stayed blue)
    region, before, after, trousers, arms = _legs(SHORT)
    backdrop = np.median(before[0:40, 0:40].reshape(-1, 3), axis=0)
    assert (np.linalg.norm(after - trousers, axis=2) < 10)[region].sum() < 30
    beside = region & (np.linalg.norm(after - backdrop, axis=2) < 5)
    assert beside.sum() > 0.12 * region.sum()
    skin = region & (np.linalg.norm(after - arms, axis=2) < 30)
    assert skin.sum() > 0.6 * region.sum()
    rows = np.flatnonzero(region.sum(axis=1) > 0)
    mid = rows[len(rows) // 2]
    assert 0 < skin[mid].sum() < 0.9 * region[mid].sum()
