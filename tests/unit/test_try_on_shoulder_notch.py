"""Try-on, the old top left by a painted arm at the shoulder (garment/dress.py
``_paint_reveal``, ``_inside_arm``): the revealed old top between the arm and the body,
above the armpits, is the shoulder's front painted as skin, not the backdrop."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.dress import _inside_arm
from tests.corpus import dressed, needs_corpus


def test_inside_arm_is_between_the_arm_and_the_middle() -> None:
    """An image-left arm x 10..19 (rows 20..59) and an image-right arm x 80..89, the body's
    middle x 50, the old top's part everywhere: the image-left arm's inside is x 20..49 in
    its rows only; the image-right one's x 51..79."""
    part = np.ones((60, 100), bool)
    arm = np.zeros((60, 100), bool)
    arm[20:, 10:20] = True
    arm[20:, 80:90] = True
    left = _inside_arm(part, arm, 15.0, 50.0)
    assert left[20:, 20:50].all()
    assert int(left.sum()) == 40 * 30
    right = _inside_arm(part, arm, 85.0, 50.0)
    assert right[20:, 51:80].all()
    assert int(right.sum()) == 40 * 29


@needs_corpus
def test_no_backdrop_between_00034s_arm_and_the_dress() -> None:
    """vitonhd_00034 (sleeveless shirt) in the orange sleeveless dress at 768x1024: the
    light backdrop-coloured pixels (every channel over 200, spread under 25) between her
    image-left bare arm and the dress at the shoulder, rows 288..331, x 245..284. Before:
    a white notch of 886 such pixels (the old shirt there was the arm's part, left
    unpainted by the arm continued from below); after: none."""
    out = dressed("vitonhd_00034_00", "dresscode_053319_1", (768, 1024)).images[0]
    box = out[288:332, 245:285].astype(int)
    backdrop = (box.min(axis=2) > 200) & (np.ptp(box, axis=2) < 25)
    assert int(backdrop.sum()) <= 20
