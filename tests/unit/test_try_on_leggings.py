"""A dress over tight leggings seen side on (issue 7): the leggings its hem leaves showing
are replaced by bare legs that keep the leggings' own outline (not narrowed: the legs are
one behind the other, no two trouser legs to shape), toned like her face, the backdrop
between her knees left as it is (:func:`.legskin.tight_legs`, :func:`.legskin.fitted_legs`).

``woman_with_dog`` (corpus, NC: these tests skip without it; its own size, 640x962) is a
girl side on in a grey hoodie and black leggings, knees slightly bent (32 and 26 degrees:
not straight legs), hugging a dog; the orange midi's hem lands at mid-shin, the floral
short dress's at the thighs.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import assert_toned_like, below_hem, body, dressed, needs_corpus, photo

GIRL = "woman_with_dog"
MIDI = "dresscode_053319_1"
SHORT = "catvton_overall_21744571"


def _legs(garment: str) -> tuple[NDArray[np.bool_], NDArray[np.float32], NDArray[np.float32],
                                  NDArray[np.float32], NDArray[np.float32]]:
    """(the old bottom from 3 rows below the dress's hem, its lowest row drawn over 20 px,
    down to her shoes; Lab of the photo; Lab of the result; the leggings' median Lab
    there; her face's median Lab)."""
    b, result = body(GIRL), dressed(GIRL, garment)
    before, after = rgb_to_lab(photo(GIRL)), rgb_to_lab(result.images[0])
    region = below_hem(b, result.garment_masks[0])
    leggings = np.median(before[region], axis=0)
    face = np.median(before[b.skin & b.head], axis=0)
    return region, before, after, leggings, face


@needs_corpus
@pytest.mark.parametrize(("garment", "least"), [(MIDI, 4000), (SHORT, 15000)])
def test_no_leggings_left_below_the_hem(garment: str, least: int) -> None:
    # old: they stayed black from the hem to her shoes (5849 of 5849 px under the midi,
    # 19728 of 19766 under the short dress); now 0
    region, before, after, leggings, _ = _legs(garment)
    was = region & (np.linalg.norm(before - leggings, axis=2) < 10)
    assert was.sum() > least
    assert (np.linalg.norm(after - leggings, axis=2) < 10)[was].sum() < 30


@needs_corpus
@pytest.mark.parametrize("garment", [MIDI, SHORT])
def test_bare_legs_are_toned_like_her_face(garment: str) -> None:
    # painted over the leggings: nearly all of them skin, median within dE 8 of her face
    # (measured 4.9 under the midi, 4.4 under the short dress; old: black, 0.1% skin)
    region, before, after, leggings, face = _legs(garment)
    was = region & (np.linalg.norm(before - leggings, axis=2) < 10)
    assert_toned_like(was, after, face, 0.9, 8)


@needs_corpus
def test_legs_keep_the_leggings_width_and_the_gap_between_her_knees() -> None:
    # below the short dress each row's skin is as wide as its leggings were (not narrowed
    # to thin legs), and the grass seen between her knees stays grass (its thin strips
    # taken in with the leggings closed the gap up with skin)
    region, before, after, leggings, face = _legs(SHORT)
    was = region & (np.linalg.norm(before - leggings, axis=2) < 10)
    skin = region & (np.linalg.norm(after - face, axis=2) < 30)
    rows = np.flatnonzero(was.sum(axis=1) > 20)
    assert len(rows) > 100
    share = skin[rows].sum(axis=1) / was[rows].sum(axis=1)
    assert float(np.median(share)) > 0.95
    assert float(share.min()) > 0.8
    # green, 3 px or more from the leggings (their outline's mixed pixels are the legs'
    # edge now): the backdrop inside her outline
    apart = cv2.distanceTransform((~was).astype(np.uint8), cv2.DIST_L2, 3) >= 3
    grass = region & (before[..., 1] < -8) & apart
    assert grass.sum() > 60
    assert (after[..., 1] < -8)[grass].mean() > 0.75     # measured 0.84
