"""Try-on, a sleeve's shoulder cap: a sleeve starts at a straight section across the arm
at its seam, and the torso layer ends at a straight shoulder line, so the shoulder's round
top between them was left to a gap filler, a smooth lump of the torso's bled colour (05997
and 00055 in the pink polo), or showed bare. The sleeve is now carried on past its seam, up
to the person's outline and where the torso layer does not lie, with its own fabric
mirrored across the seam. Numbers before the fix in the docstrings."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.pose import detect_pose
from portrait_studio.capabilities.garment.sleeve import warp_cap
from tests.corpus import dressed, needs_corpus, photo

SIZE = (768, 1024)
POLO = "vitonhd_09176_00"


def test_cap_mirrors_the_sleeve_across_its_seam() -> None:
    """A vertical strip (seam at row 100, outer edge x=60, inner x=120) of a sleeve whose red
    grows down its length: 20 px above the seam the cap is covered and shows the red of 20
    px below it; nothing beyond the cap's depth (30 px) or off the strip's sides."""
    img = np.zeros((200, 100, 3), np.uint8)
    img[..., 0] = np.arange(200, dtype=np.uint8)[:, None]
    mask = np.ones((200, 100), bool)
    g = [(np.array([0, y], np.float32), np.array([99, y], np.float32)) for y in (0.0, 199.0)]
    b = [(np.array([60, y], np.float32), np.array([120, y], np.float32)) for y in (100.0, 300.0)]
    cap = warp_cap(img, mask, g, b, (400, 200), 30.0)
    assert cap.alpha[80, 90] > 0.99
    assert abs(float(cap.rgb[80, 90, 0]) - 20) < 1.5
    assert cap.alpha[60, 90] == 0 and cap.alpha[80, 40] == 0 and cap.alpha[110, 90] == 0


def _smooth_above_shoulders(stem: str) -> list[int]:
    """Pink garment pixels (R - G > 40) with a local (5x5) grey SD under 3, within 0.4
    shoulder widths of each shoulder joint and above it, in ``stem`` dressed in the polo."""
    out = dressed(stem, POLO, SIZE).images[0].astype(np.float32)
    pose = detect_pose(photo(stem, SIZE))
    assert pose is not None
    grey = cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_RGB2GRAY).astype(np.float32)
    mean = cv2.blur(grey, (5, 5))
    sd = np.sqrt(np.maximum(cv2.blur(grey * grey, (5, 5)) - mean * mean, 0))
    smooth = (out[..., 0] - out[..., 1] > 40) & (sd < 3)
    ys, xs = np.mgrid[0:out.shape[0], 0:out.shape[1]]
    counts = []
    for side in pose.sides():
        sx, sy = pose.p(side["shoulder"])
        near = (np.hypot(xs - sx, ys - sy) < 0.4 * pose.shoulder_width) & (ys < sy)
        counts.append(int((smooth & near).sum()))
    return counts


@needs_corpus
def test_polo_caps_are_fabric_not_a_smooth_lump() -> None:
    """05997 and 00055 in the polo: smooth pink pixels above the shoulder joints (image
    left, right) 752, 1175 and 527, 719 before, 647, 774 and 453, 634 now: the lumps are
    gingham (the rest: the sleeves' smooth inner bands and the collar's plain parts)."""
    left, right = _smooth_above_shoulders("vitonhd_05997_00")
    assert left < 700 and right < 850
    left, right = _smooth_above_shoulders("vitonhd_00055_00")
    assert left < 490 and right < 680
