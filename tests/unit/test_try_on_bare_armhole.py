"""Where a sleeveless dress meets a bare arm hanging beside it, the arm drawn in front of
the bodice below the arm cut eases up into the bodice's own armhole edge (dress.py
``_bare_armhole``): above the cut the warped bodice lay 20-28 px over the arm, below it
the arm was in front, and the dress's side edge stepped in one row, a square notch."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from tests.corpus import body, dressed, needs_corpus


@needs_corpus
def test_sleeveless_dress_meets_a_bare_arm_without_a_notch() -> None:
    """05997 in the orange sleeveless dress: beside her left arm (image right) the dress's
    outer edge stepped 21 px inward from row 374 to 375 (x 540 -> 519); now it curves in
    a few px per row, and no more of the dress lies over her bare arm there than before."""
    mask = dressed("vitonhd_05997", "dresscode_053319_1").garment_masks[0]
    edge = []
    for y in range(330, 421):
        xs = np.flatnonzero(mask[y, 480:600])
        assert xs.size, y
        edge.append(int(xs.max()) + 480)
    assert max(abs(a - b) for a, b in pairwise(edge)) <= 4
    assert edge[0] >= 535 and edge[-1] <= 525     # the armhole above, the arm's outline below
    b = body("vitonhd_05997")
    over = mask[320:420, 480:600] & (b.arms & b.skin)[320:420, 480:600]
    assert int(over.sum()) < 1600                  # was 1730
