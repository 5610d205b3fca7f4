"""Try-on, a whole arm painted where a long sleeve was (garment/armskin.py): at the wrist the
painted forearm meets the real hand in its colour, column by column, with no greyer step."""

from __future__ import annotations

import numpy as np

from tests.corpus import dressed, needs_corpus


@needs_corpus
def test_painted_forearm_meets_the_hand_without_a_step() -> None:
    """vitonhd_01008 (black mesh long sleeves) in the orange sleeveless dress at 768x1024:
    right above the image-right wrist (rows 832..839, cols 574..597) the painted forearm's
    mean grey level is within 3 of the hand's right below (rows 842..849; about 186), and
    so is the image-left one's (rows 872..879 and 886..893, cols 196..223); 30 rows up the
    right forearm is within 8 of the hand. Before: 171 against 186 (the hand's tone was
    matched, then the arm's highlights were capped at the hands' and took it back down)."""
    out = dressed("vitonhd_01008_00", "dresscode_053319_1", (768, 1024)).images[0]
    grey = out.astype(np.float32).mean(axis=2)
    right_hand = float(grey[842:850, 574:598].mean())
    assert abs(float(grey[832:840, 574:598].mean()) - right_hand) <= 3.0
    assert abs(float(grey[800:830, 574:598].mean()) - right_hand) <= 8.0
    left_hand = float(grey[886:894, 196:224].mean())
    assert abs(float(grey[872:880, 196:224].mean()) - left_hand) <= 3.0
