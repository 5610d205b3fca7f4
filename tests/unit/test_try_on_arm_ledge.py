"""Try-on, a sleeveless torso garment beside a real arm whose upper arm is painted
(garment/dress.py): below the painted upper arm the garment still meets the arm's edge,
no ledge of torso-side skin widening the arm at the junction."""

from __future__ import annotations

import numpy as np
import pytest

from tests.corpus import dressed, needs_corpus


def _inner_edge(img: np.ndarray, y: int) -> int:
    """First skin-coloured column (B 141..214, R - B > 25, R < 245) of row ``y`` in cols
    486..559 of the image-right arm; -1 when none."""
    row = img[y, 486:560].astype(int)
    skin = (row[:, 2] > 140) & (row[:, 2] < 215) & (row[:, 0] - row[:, 2] > 25) & (
        row[:, 0] < 245)
    xs = np.flatnonzero(skin)
    return 486 + int(xs[0]) if len(xs) else -1


@needs_corpus
@pytest.mark.parametrize("garment", ["dresscode_053319_1", "vitonhd_09133_00"])
def test_garment_meets_the_real_arm_below_the_painted_one(garment: str) -> None:
    """vitonhd_00055 (short dark sleeves) in the orange dress and the white cami at
    768x1024: the image-right arm's inner edge (first skin column) in rows 472..490, right
    below its painted upper arm, is within 4 px of its edge in rows 455..468 above (median
    of the rows, about x 508). Before: about x 491, a 16 px ledge of skin painted over the
    old top's side, with garment in its corner."""
    out = dressed("vitonhd_00055_00", garment, (768, 1024)).images[0]
    above = float(np.median([_inner_edge(out, y) for y in range(455, 469)]))
    below = float(np.median([_inner_edge(out, y) for y in range(472, 491)]))
    assert abs(below - above) <= 4.0
