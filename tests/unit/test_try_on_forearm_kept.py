"""Below a painted upper arm the real forearm stays as photographed: inside the torso zone
its top was taken for a loose piece of torso skin ringed by the painted skin (dress.py,
``loose_pieces``) and painted over with the torso's tone, a darker block between the
painted upper arm and the forearm (00055, both garments)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.corpus import dressed, needs_corpus, photo

SIZE = (768, 1024)


@needs_corpus
@pytest.mark.parametrize("garment", ["dresscode_053319_1", "vitonhd_09133_00"])
def test_forearm_below_a_painted_upper_arm_is_kept(garment: str) -> None:
    """00055's left forearm right below the painted upper arm (rows 478-494, columns
    512-539): 417-418 of its 476 pixels were repainted (mean max-channel change 20 levels);
    now at most 30 (measured 10-12); her right forearm's inner side (rows 440-529, columns
    190-211): 398-495 -> at most 150 (102-106)."""
    before = photo("vitonhd_00055_00", SIZE).astype(int)
    after = dressed("vitonhd_00055_00", garment, SIZE).images[0].astype(int)
    change = np.abs(after - before).max(axis=2)
    assert (change[478:495, 512:540] > 8).sum() <= 30
    assert (change[440:530, 190:212] > 8).sum() <= 150
