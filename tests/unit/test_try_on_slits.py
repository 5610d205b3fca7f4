"""Slits between a dress's side and a bare arm: covered, the print continued smoothly."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.sidecover import bridged
from tests.corpus import dressed, needs_corpus


def test_bridged_fills_a_few_wider_rows_between_narrow_ones() -> None:
    """A slit 20 px wide for 5 rows between rows 10 px wide is filled; one 20 rows tall or
    a wide run in a piece with no narrow rows is not."""
    narrow = np.zeros((60, 40), bool)
    wide = np.zeros((60, 40), bool)
    wide[5:15, 20:30] = True
    wide[15:20, 10:30] = True        # 5 wider rows
    wide[20:30, 20:30] = True
    wide[40:50, 0:10] = True         # no narrow rows in this piece
    narrow[5:15, 20:30] = True
    narrow[20:30, 20:30] = True
    out = bridged(narrow, wide, 8)
    assert out[15:20, 10:30].all()
    assert not out[40:50].any()
    assert not bridged(narrow, wide, 4)[15:20, 10:20].any()


@needs_corpus
def test_dress_beside_09597s_arm_has_no_seams_and_no_white_bar() -> None:
    """VITON-HD 09597 in the orange dress: the slit beside her left arm was spread piece by
    piece, each with its own taper (the print jumped sideways where pieces met: mean
    row-to-row change in rows 630-719, columns 250-289, up to 29, now at most 8), and rows
    a few px wider than the slit limit beside the elbow stayed as a white bar (rows
    700-729, columns 240-269: 363 light px, now 0); the arm's outline beyond its skin next
    to the slit kept the photo's backdrop, a light line at the slit's far edge (rows
    590-659, columns 245-261: 49 light px, now 0)."""
    out = dressed("vitonhd_09597_00", "dresscode_053319_1", (768, 1024)).images[0].astype(int)
    band = out[630:720, 250:290]
    assert np.abs(np.diff(band, axis=0)).mean(axis=(1, 2)).max() <= 12
    bar = out[700:730, 240:270]
    light = (bar.min(axis=2) > 195) & (np.ptp(bar, axis=2) < 30)
    assert light.sum() <= 20
    line = out[590:660, 245:262]
    assert ((line.min(axis=2) > 160) & (np.ptp(line, axis=2) < 40)).sum() <= 8
