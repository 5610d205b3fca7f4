"""Try-on, a torso garment's edge beside a real bare arm (garment/reclaim.py
``clothing_rim``, ``reclaim_rim``): the old top's light side that the skin model took in
along the arm's outline is no arm; the garment is given back over it, no light strip
between the arm and the garment."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.reclaim import clothing_rim
from tests.corpus import dressed, needs_corpus

ARM = (226, 200, 176)        # the arm's inside, RGB
RIM = (190, 160, 140)        # its shaded rim
TOP = (234, 227, 218)        # a lavender old top, nearly as light as the arm


def _arm_against_top() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, skin, clothes): an arm x 20..39 (its rim x 38..39) against a light old top
    from x 40 on, rows 10..69; the skin mask takes in the top's first 2 columns (x 40, 41)
    in rows 30..69."""
    img = np.zeros((80, 80, 3), np.uint8)
    img[:, :] = TOP
    img[:, 20:38] = ARM
    img[:, 38:40] = RIM
    skin = np.zeros((80, 80), bool)
    skin[10:70, 20:40] = True
    skin[30:70, 40:42] = True
    clothes = np.zeros((80, 80), bool)
    clothes[10:70, 40:80] = True
    return img, skin, clothes & ~skin


def test_clothing_rim_is_the_tops_edge_not_the_arms_shaded_rim() -> None:
    img, skin, clothes = _arm_against_top()
    rim = clothing_rim(img, skin, clothes)
    assert rim[32:68, 40:42].all()           # the top's edge taken for skin
    assert not rim[:, :40].any()             # the arm and its darker rim stay
    assert not rim[:30].any()


@needs_corpus
def test_no_light_strip_between_the_arm_and_the_dress() -> None:
    """vitonhd_00055 (lavender top) in the orange dress at 768x1024: beside the image-left
    forearm (rows 480..545, x 206..223) no light pixel (every channel over 195, blue over
    red - 25: the lavender top, not the arm's skin nor the dress). Before: 27 of them in
    x 214, under the dress's soft edge; the dress's edge had a 1 px hole of dress inside
    it in rows 488..497."""
    out = dressed("vitonhd_00055_00", "dresscode_053319_1", (768, 1024)).images[0]
    box = out[480:546, 206:224].astype(int)
    light = (box.min(axis=2) > 195) & (box[..., 2] > box[..., 0] - 25)
    assert int(light.sum()) == 0
