"""Try-on, whole arms painted where long sleeves were (garment/armsynth.py, armcolumn.py):
the arm's tone comes from a hand, not from slivers of skin mask beside a cuff, and the
painted forearm covers the old cuff at the hand's top (no dark specks, no backdrop notch,
no row of the hand's skin mixed with the cuff left under it)."""

from __future__ import annotations

import numpy as np

from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import dressed, needs_corpus


@needs_corpus
def test_a_hidden_hand_gives_no_tone_to_its_arm() -> None:
    """Joe Biden (crossed arms, a dark suit) in the orange sleeveless dress at 768x1024: his
    image-left arm's hand is hidden under the other arm; near its wrist the hands' skin
    mask only has slivers (along the white cuff, the watch's rim, the tie). The painted
    forearm across his waist (rows 500..519, cols 150..249) has the hands' yellow (median
    b* about 15; the hands 16), not the slivers' purple (9.8 before)."""
    out = dressed("joe_biden", "dresscode_053319_1", (768, 1024)).images[0]
    lab = rgb_to_lab(np.ascontiguousarray(out[500:520, 150:250]))
    assert float(np.median(lab[..., 2])) >= 13.0
    assert 40.0 <= float(np.median(lab[..., 0])) <= 46.0


@needs_corpus
def test_the_painted_forearm_covers_the_cuff_at_the_hand() -> None:
    """vitonhd_01008 (black mesh long sleeves) in the orange sleeveless dress at 768x1024:
    right above the hands' masks the cuff pixels that neither the old top's nor the hands'
    mask took in are painted as arm: (837, 604..606) and (875, 228) were black (grey ~33),
    (836..838, 606..607) the backdrop (233); the row of the left hand's skin mixed with the
    cuff (883, 184..190: 121..127) is no darker than the rows round it (~143)."""
    out = dressed("vitonhd_01008_00", "dresscode_053319_1", (768, 1024)).images[0]
    grey = out.astype(np.float32).mean(axis=2)
    assert float(grey[837, 604:607].min()) > 120.0
    assert float(grey[875, 228]) > 120.0
    assert float(grey[836:839, 606:608].max()) < 200.0
    around = min(float(grey[882, 184:191].mean()), float(grey[884, 184:191].mean()))
    assert float(grey[883, 184:191].mean()) >= around - 4.0
