"""Try-on, an upper arm painted where a short sleeve was (garment/armpaint.py): the real arm
below the old hem is mirrored up into the painting within its own edges, row by row, and
folds back no nearer the hem than its first full-width row: no pale pinch or fleck where
the old hem's scallops hid one side of the arm right below it."""

from __future__ import annotations

import cv2
import numpy as np

from tests.corpus import dressed, needs_corpus


def _off_tone(img: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, float]:
    """Pixels of ``img`` (RGB uint8) in ``box`` (x0, x1, y0, y1) more than 15 dE76 (Lab)
    from the box's median colour, and the box's worst row mean of that distance."""
    x0, x1, y0, y1 = box
    lab = cv2.cvtColor(img[y0:y1, x0:x1].astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    d = np.linalg.norm(lab - np.median(lab.reshape(-1, 3), axis=0), axis=2)
    return int((d > 15).sum()), float(d.mean(axis=1).max())


@needs_corpus
def test_painted_upper_arms_have_no_pale_pinch_where_the_mirror_folds() -> None:
    """catvton baumu (crochet shirt with scalloped short sleeves; native 564x1000) in the
    orange sleeveless dress: inside the image-right painted upper arm (cols 433..467, rows
    420..599) at most 150 of 6300 px are over 15 dE from its median tone and no row's mean
    is over 10; in the image-left arm's shoulder (cols 118..149, rows 395..429) at most 40
    of 1120 px and 10. Before: 461 px and 15.3 (a pale bow-tie pinch across the arm at row
    486, where the mirror folded back onto the hem rows, read at the fitted outline's width,
    beyond the narrow real arm there); 166 px and 16.0 (a pale fleck at row 415)."""
    out = dressed("catvton", "dresscode_053319_1").images[0]
    assert out.shape[:2] == (1000, 564)
    count, worst = _off_tone(out, (433, 468, 420, 600))
    assert count <= 150
    assert worst <= 10.0
    count, worst = _off_tone(out, (118, 150, 395, 430))
    assert count <= 40
    assert worst <= 10.0
