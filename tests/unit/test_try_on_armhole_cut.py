"""Where a sleeved arm (painted over) meets a cami's strap, the cut of the arm in front of
the torso runs up along the arm's outline and curves out toward the shoulder (dress.py
``_armhole``): cut along a horizontal line 0.12 torso lengths below the shoulders, the
strap lying over the arm's top ended in a square notch."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from tests.corpus import dressed, needs_corpus

SIZE = (768, 1024)


def _outer_edge(mask: np.ndarray, rows: range, x0: int, x1: int, right: bool) -> list[int]:
    """Per row of ``rows``, the outermost garment pixel in columns ``x0..x1`` (the rightmost
    when ``right``, else the leftmost); rows without garment there are left out."""
    out = []
    for y in rows:
        xs = np.flatnonzero(mask[y, x0:x1])
        if xs.size:
            out.append(int(xs.max() if right else xs.min()) + x0)
    return out


@needs_corpus
def test_cami_strap_over_a_painted_arm_ends_without_a_step() -> None:
    """01008 (long sleeves painted over as bare arms) in the white cami: the garment's
    outer edge beside her left arm stepped 15 px inward from one row to the next where the
    strap met the cut line (rows 389-390); now it runs along the arm's outline in steps
    of a few px."""
    mask = dressed("vitonhd_01008_00", "vitonhd_09133_00", SIZE).garment_masks[0]
    edge = _outer_edge(mask, range(355, 405), 440, 490, right=True)
    assert len(edge) > 30
    assert max(abs(a - b) for a, b in pairwise(edge)) <= 5


@needs_corpus
def test_cami_over_bidens_painted_arm_has_no_square_notch() -> None:
    """Biden in the cami: beside his right arm the strap's ruffled end lay straight across
    the painted arm above the cut line, the arm's top a flat edge under it: the garment's
    outer edge stepped 60 px from one row to the next (134 -> 194); now at most 6 (the arm's
    rounded top)."""
    mask = dressed("joe_biden", "vitonhd_09133_00", SIZE).garment_masks[0]
    edge = _outer_edge(mask, range(380, 440), 130, 260, right=False)
    assert len(edge) > 50
    assert max(abs(a - b) for a, b in pairwise(edge)) <= 7
