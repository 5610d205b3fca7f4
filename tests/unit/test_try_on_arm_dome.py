"""Try-on, an upper arm painted below an old short sleeve whose pose shoulder lies below the
real shoulder's top (garment/armpaint.py ``_dome``): the arm goes on up over the shoulder's
round as a dome within the person's outline, not a square top under a block of torso
skin of another tone."""

from __future__ import annotations

import numpy as np
import pytest

from tests.corpus import body, dressed, needs_corpus


@needs_corpus
@pytest.mark.parametrize("garment", ["dresscode_053319_1", "vitonhd_09133_00"])
def test_shoulder_above_the_painted_arm_has_the_arms_tone(garment: str) -> None:
    """vitonhd_00055 (short dark sleeves) in the orange dress and the white cami at
    768x1024: above the image-right painted arm's old square top (row 313), rows 298..312
    x 508..523, at least 85% of the pixels inside her outline (188 of the 240; the rest is
    backdrop in the photo, left to it since the dome stays inside the person) are within
    20 grey levels of the arm below them (rows 320..335 x 506..527, median about 211).
    Before: 12% (the dress: a grey-brown block of torso skin, median 160) and 10% (the
    cami: the backdrop beside a torso-skin bulge)."""
    out = dressed("vitonhd_00055_00", garment, (768, 1024)).images[0].astype(int)
    arm = float(np.median(out[320:336, 506:528].mean(axis=2)))
    box = out[298:313, 508:524].mean(axis=2)
    inside = body("vitonhd_00055_00", (768, 1024)).person[298:313, 508:524]
    assert int(inside.sum()) >= 150
    assert float((np.abs(box - arm) <= 20)[inside].mean()) >= 0.85
