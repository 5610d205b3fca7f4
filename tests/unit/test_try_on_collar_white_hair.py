"""Try-on, a white shirt collar under white hair (Joe Biden's): the collar under the chin
joins the hair through the lit rim of the jaw and has the hair's colour (Lab 2-4 from
it), so it was taken for hair and stayed in front of every new top, a white triangle
beside the new neckline. In front of the throat, hair now has to hang from the head's hair
in locks (:func:`.collar._strands`), and the collar taken out is not taken back as hair
falling on the shoulders. Numbers before the fix in the docstrings."""

from __future__ import annotations

import numpy as np

from tests.corpus import body, needs_corpus, photo


def _white_head_below_chin(stem: str) -> int:
    """Head pixels (:attr:`Body.head`) from 0.05 shoulder widths above the lowest row of
    face skin in the nose's column (0.15 shoulder widths either side) down, that are
    white-ish: every channel over 150, channel spread under 30."""
    b = body(stem)
    img = photo(stem).astype(np.int32)
    sw = b.pose.shoulder_width
    white = (img.min(axis=2) > 150) & (np.ptp(img, axis=2) < 30)
    cx = int(b.pose.p(0)[0])
    col = b.skin[:, cx - int(0.15 * sw):cx + int(0.15 * sw)] & b.head[:, cx - int(0.15 * sw):
                                                                     cx + int(0.15 * sw)]
    chin = int(np.flatnonzero(col.any(axis=1)).max())
    below = np.zeros_like(white)
    below[chin - int(0.05 * sw):] = True
    below[:int(b.pose.p(0)[1])] = False
    return int((b.head & white & below).sum())


@needs_corpus
def test_white_collar_is_not_white_hair() -> None:
    """Joe Biden: white head pixels at and below his chin 2366 before, 98 now (lit
    rims of the jaw)."""
    assert _white_head_below_chin("joe_biden") < 400
