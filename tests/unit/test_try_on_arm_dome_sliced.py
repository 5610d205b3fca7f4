"""Try-on, a sleeveless dress over short puffed sleeves (baumu's crochet shirt, the photo
at the bench's 768x1024): the upper arm painted where the old sleeve was goes on up round
beside the dress's armhole; it stopped short under a flat top, backdrop between it and the
dress's shoulder. Numbers before the fix are in the docstring."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

from portrait_studio.pipelines.try_on import TryOnParams, TryOnResult, try_on
from tests.corpus import CORPUS, needs_corpus, read_rgb

BAUMU, DRESS = "catvton_condition_baumu", "dresscode_053319_1"


@cache
def photo() -> np.ndarray:
    img = read_rgb(next((CORPUS / "persons").glob(BAUMU + "*")))
    return np.ascontiguousarray(cv2.resize(img, (768, 1024), interpolation=cv2.INTER_AREA))


@cache
def dressed() -> TryOnResult:
    g = read_rgb(next((CORPUS / "garments").glob(DRESS + "*")))
    return try_on(photo(), [g], TryOnParams(seed=0))


@needs_corpus
def test_painted_arm_reaches_up_to_the_shoulder() -> None:
    """Backdrop-coloured pixels (L* > 88, chroma < 6) in the 12 columns left of the
    dress's edge, from its shoulder's top row down to row 380: the old sleeve's shoulder
    above the painted arm filled with the backdrop. Before: 576 (the arm's top at row
    351); now 430 (row 338: its round top, the dome over the sleeve's part, goes up as far
    as the room beside the dress reaches at its outer half, not only over its centre,
    which the slanting bone runs into the dress). Still backdrop up to the dress's
    shoulder (row 294)."""
    res = dressed()
    m = res.garment_masks[0][:, :384]
    top = int(np.flatnonzero(m.any(axis=1))[0])
    lab = cv2.cvtColor(res.images[0].astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    backdrop = (lab[..., 0] > 88) & (np.hypot(lab[..., 1], lab[..., 2]) < 6)
    n = 0
    for y in range(top, 380):
        x = int(m[y].argmax()) if m[y].any() else -1
        if x > 0:
            n += int(backdrop[y, max(0, x - 12):x].sum())
    assert n <= 480, n
