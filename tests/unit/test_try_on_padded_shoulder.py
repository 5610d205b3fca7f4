"""Try-on, a padded shoulder beyond the torso's envelope (Biden, dark suit, arms crossed, at
768x1024): the pose puts his left shoulder joint (image right) about 0.3 shoulder widths
inside the suit's shoulder, whose top then rises out of the envelope the old clothes are
looked for in. It was never old top, and a dark piece of the suit stayed above any new top's
shoulder. The lit shoulder is 20 Lab from the suit's shaded front; the old clothes' own
colours past the shoulder joint take it now (:func:`.body._padded_shoulders`). Numbers
before the fix in the docstrings."""

from __future__ import annotations

import numpy as np
import pytest

from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import body, dressed, needs_corpus, photo

SIZE = (768, 1024)


def _dark(lab: np.ndarray) -> np.ndarray:
    """Dark and grey: the suit's colours, lit or not (the curtain behind is blue)."""
    out: np.ndarray = (lab[..., 0] < 50) & (np.hypot(lab[..., 1], lab[..., 2]) < 10)
    return out


def _suit_shoulder() -> np.ndarray:
    """Biden's suit past his image-right shoulder joint (0.25 shoulder widths on), from 0.4
    shoulder widths above it to 0.1 below: his dark person pixels there (11077)."""
    found = body("joe_biden", SIZE)
    pose = found.pose
    sw = pose.shoulder_width
    x, y = max((pose.p(s["shoulder"]) for s in pose.sides()), key=lambda p: float(p[0]))
    ys, xs = np.mgrid[0:SIZE[1], 0:SIZE[0]]
    zone = (xs > x + 0.25 * sw) & (ys > y - 0.4 * sw) & (ys < y + 0.1 * sw)
    out: np.ndarray = zone & found.person & _dark(rgb_to_lab(photo("joe_biden", SIZE)))
    return out


@needs_corpus
def test_padded_shoulder_is_old_top() -> None:
    """The suit's dark pixels there outside the old top: 1883 of 11077, now 0."""
    suit = _suit_shoulder()
    assert suit.sum() > 10000
    assert int((suit & ~body("joe_biden", SIZE).old_top).sum()) < 100


@needs_corpus
@pytest.mark.parametrize("garment", ["vitonhd_09176_00", "vitonhd_00126_00"])
def test_no_dark_suit_above_the_new_tops_shoulder(garment: str) -> None:
    """Dressed in the pink polo or the FILA T-shirt, the suit's pixels there that are still
    dark in the output (the suit's piece above the new shoulder): 1351 and 1343, now 0."""
    out = dressed("joe_biden", garment, SIZE).images[0]
    left = _suit_shoulder() & _dark(rgb_to_lab(out))
    assert int(left.sum()) < 150
