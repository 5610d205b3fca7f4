"""Try-on, Joe Biden's crossed arms in a padded suit: the suit's shoulders reach far past
the new sleeves, whose rest below is background. The sleeves' shoulder caps
(:func:`.reveal.cap_shoulder`) were stretched over the suit's shoulder beyond the sleeve's
outer edge: a flat pink block sticking out of each shoulder, ending in a ledge at the joint
row. Numbers before the fix in the docstrings."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.reveal import _joint_row
from tests.corpus import body, dressed, needs_corpus

SIZE = (485, 1102)      # half size
POLO = "vitonhd_09176_00"


def _beyond_sleeves(stem: str, garment: str) -> list[int]:
    """Per image side (left, right): garment pixels above the shoulder joint row (plus
    0.05 shoulder widths) that lie farther out than the garment's outermost column in the
    rows 0.02..0.1 shoulder widths below that row."""
    mask = dressed(stem, garment, SIZE).garment_masks[0]
    b = body(stem, SIZE)
    sw = b.pose.shoulder_width
    joints = int(_joint_row(b))
    mid = int(b.pose.shoulder_mid[0])
    band = mask[joints + int(0.02 * sw):joints + int(0.1 * sw)]
    above = mask[:joints]
    left = int(np.flatnonzero(band[:, :mid].any(axis=0)).min())
    right = mid + int(np.flatnonzero(band[:, mid:].any(axis=0)).max())
    return [int(above[:, :left].sum()), int(above[:, right + 1:].sum())]


@needs_corpus
def test_shoulder_caps_stay_within_the_sleeves_outer_edges() -> None:
    """Joe Biden in the polo: 1767 and 403 garment pixels stuck out of his shoulders
    (image left, right) before, 214 and 100 now (within the sleeves' soft rims)."""
    left, right = _beyond_sleeves("joe_biden", POLO)
    assert left < 500 and right < 250
