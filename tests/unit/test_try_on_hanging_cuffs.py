"""A long-sleeved top whose sleeves hang below its hem (shape.top_shape, shape.limb_mask)."""

from __future__ import annotations

import numpy as np
import pytest

from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.capabilities.garment.shape import limb_mask, top_shape
from tests.conftest import CORPUS
from tests.corpus import read_rgb


def _hanging_sleeves() -> np.ndarray:
    """A product-photo mask: a torso down to row 299 and two sleeves hanging beside it,
    20 px apart from it, down to row 359 (a bodysuit's, a polo's or a cardigan's cuffs)."""
    mask = np.zeros((400, 400), bool)
    mask[50:300, 140:261] = True     # torso
    mask[50:90, 60:341] = True       # the shoulders joining the sleeves
    mask[50:360, 60:121] = True      # image-left sleeve
    mask[50:360, 280:341] = True     # image-right sleeve
    return mask


def test_the_hem_is_the_torso_s_bottom_not_the_cuffs() -> None:
    """The hem was the lowest row of the run nearest the centre, however far: the cuffs'
    bottom (359), which put the hem corners on a cuff."""
    shape = top_shape(_hanging_sleeves())
    assert abs(float(shape.points["hem_c"][1]) - 299) <= 1
    assert 130 <= float(shape.points["hem_l"][0]) <= 150
    assert 250 <= float(shape.points["hem_r"][0]) <= 270


@pytest.mark.parametrize("garment", ["vitonhd_10165_00", "vitonhd_09176_00",
                                     "catvton_upper_21514384"])
def test_the_cuffs_below_the_hem_are_sleeve(garment: str) -> None:
    """The bodysuit's, the polo's and the cardigan's sleeves hang below their hems. The hem
    was put on a cuff's bottom, and no garment row below the hem could be sleeve: the cuffs'
    bottom rows went to the torso layer, which warped them into a thin stick off the wrist
    (05997 and model_1 in all three). The torso now ends at its hem; the cuffs are sleeve."""
    found = sorted((CORPUS / "garments").glob(garment + "*"))
    if not found:
        pytest.skip(f"shared corpus garment {garment} not available")
    mask = cut_out(read_rgb(found[0])).mask
    shape = top_shape(mask)
    torso = mask & ~limb_mask(mask, shape)
    rows = np.flatnonzero(mask.any(axis=1))
    hem = float(shape.points["hem_c"][1])
    assert hem < rows[-1] - 0.05 * mask.shape[0]          # the cuffs hang lower
    below = int(hem + 0.03 * mask.shape[0])
    assert torso[below:].sum() <= 0.001 * mask[below:].sum()   # the cuffs are sleeve
