"""A suit jacket's side hanging beyond the envelope is old clothing (corpus photo: skipped
without the corpus). Biden, arms crossed: the pose places his hip joints narrow, and the
envelope round the torso cut off his jacket's image-right side (its lit sheen and pocket
flap too far from the jacket's colours pixel by pixel); a shorter new top left it as a dark
slab beside the top's hem."""

from __future__ import annotations

import numpy as np

from tests.corpus import body, dressed, needs_corpus

SIZE = (768, 1024)


@needs_corpus
def test_the_jackets_side_beyond_the_envelope_is_the_old_top() -> None:
    found = body("joe_biden", SIZE)
    # dark side, pocket flap, lit sheen lower down, the hem's corner
    for x, y in ((640, 650), (680, 700), (700, 690), (650, 800), (720, 850), (730, 900),
                 (700, 940)):
        assert found.old_top[y, x], (x, y)
    for x, y in ((766, 700), (740, 1000)):     # the backdrop beside it stays the backdrop
        assert not found.clothes[y, x], (x, y)


@needs_corpus
def test_no_slab_of_the_old_jacket_beside_a_shorter_top() -> None:
    out = dressed("joe_biden", "vitonhd_00126_00", SIZE).images[0]
    side = out[620:940, 600:740].astype(np.int32)
    assert int((side.max(axis=2) < 90).sum()) < 500       # the photo: 33471 dark px
    assert side[80:280, 40:120].mean() > 150              # the backdrop continued (~218)
