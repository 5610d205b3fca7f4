"""The chest painted above a cami is modelled, not flat (garment/chestpaint.py): its
large-scale lightness (L* blurred over 0.03 shoulder widths, 5th to 95th percentile) spans
6.8 (01008) and 9.4 L* (Obama), where real chests beside a low neckline in the corpus span
11-18; the collarbones, the shadow under them and the neck's shadow below the notch are
now stronger (8.3, 12.3)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.corpus import body, dressed, needs_corpus, photo

SIZE = (768, 1024)


@needs_corpus
@pytest.mark.parametrize(("stem", "least"), [("vitonhd_01008_00", 7.6), ("barack_obama", 11.0)])
def test_painted_chest_has_relief(stem: str, least: float) -> None:
    img, b = photo(stem, SIZE), body(stem, SIZE)
    out = dressed(stem, "vitonhd_09133_00", SIZE).images[0]
    sw = b.pose.shoulder_width
    cx = float(b.pose.p(11)[0] + b.pose.p(12)[0]) / 2
    lab = cv2.cvtColor(out.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    xs = np.arange(img.shape[1])[None, :]
    changed = np.abs(out.astype(int) - img.astype(int)).sum(axis=2) > 30
    chest = changed & (lab[..., 1] > 8) & (lab[..., 2] > 8) & (np.abs(xs - cx) < 0.3 * sw)
    chest = cv2.erode((chest & ~b.head).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    assert chest.sum() > 5000
    big = cv2.GaussianBlur(lab[..., 0], (0, 0), 0.03 * sw)[chest]
    assert float(np.percentile(big, 95) - np.percentile(big, 5)) > least
