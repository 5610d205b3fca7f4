"""Try-on, a sleeve's fabric by its seam: :func:`.layers.own_fabric` dropped every pixel
less than 5% of the torso width beyond the straight seam line, and the smooth bleed that
filled them was warped along the arm as a pattern-less stripe down the sleeve's inner side
(the pink gingham polo's checks, the grey cardigan's knit). Numbers before the fix in the
docstrings."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.capabilities.garment.kinds import classify_mask
from portrait_studio.capabilities.garment.layers import own_fabric
from portrait_studio.capabilities.garment.render import clean_edge
from portrait_studio.capabilities.garment.shape import garment_shape, limb_mask, sleeve_core
from tests.corpus import CORPUS, dressed, needs_corpus, read_rgb

SIZE = (768, 1024)
POLO = "vitonhd_09176_00"
CARDIGAN = "catvton_upper_21514384"


def _smooth_pink(rgb: np.ndarray, garment: np.ndarray) -> int:
    """Pink pixels (R > 150, R - G > 40) of the drawn ``garment`` whose 7x7 grey standard
    deviation is under 4 levels: the gingham has none of them, a smeared band is made of
    them."""
    f = rgb.astype(np.float32)
    grey = cv2.cvtColor(f, cv2.COLOR_RGB2GRAY)
    mean = cv2.blur(grey, (7, 7))
    spread = np.sqrt(np.maximum(cv2.blur(grey * grey, (7, 7)) - mean * mean, 0))
    pink = (f[:, :, 0] > 150) & (f[:, :, 0] - f[:, :, 1] > 40)
    return int((pink & (spread < 4) & garment).sum())


@needs_corpus
@pytest.mark.parametrize("stem", [POLO, CARDIGAN])
def test_own_fabric_keeps_the_fabric_by_the_seam(stem: str) -> None:
    """Polo and cardigan cut-outs: of each sleeve's pixels less than 5% of the torso width
    beyond the seam line (4 900-26 000 px), its own fabric holds more than 90% (0 before);
    its core beyond them, all of it but a few pixels by the hem."""
    img = read_rgb(next((CORPUS / "garments").glob(stem + "*")))
    cut = cut_out(img)
    shape = garment_shape(cut.mask, classify_mask(cut.mask))
    mask = clean_edge(cut.mask)
    for side in ("l", "r"):
        core, own = sleeve_core(mask, shape, side), own_fabric(cut.image, mask, shape, side)
        strip = limb_mask(mask, shape, side) & ~core
        assert int(strip.sum()) > 4000, (stem, side)
        assert int((strip & own).sum()) > 0.9 * int(strip.sum()), (stem, side)
        # all but a few pixels by the hem's corner, where the sleeves hanging below the hem
        # touch the torso's hem (12 and 32 of the polo's 64 000)
        assert int((core & ~own).sum()) <= 0.001 * int(core.sum()), (stem, side)


@needs_corpus
@pytest.mark.parametrize("stem", ["vitonhd_05997_00", "model_1"])
def test_polo_sleeves_have_no_smooth_band(stem: str) -> None:
    """The polo drawn on 05997 and model_1: fewer than 500 smooth pink pixels in the drawn
    garment (5 253 and 3 875 before: a smooth band along each sleeve's inner side)."""
    result = dressed(stem, POLO, SIZE)
    assert _smooth_pink(result.images[0], result.garment_masks[0]) < 500
