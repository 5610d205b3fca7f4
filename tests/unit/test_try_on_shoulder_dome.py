"""Try-on, the shoulder's dome over a painted bare upper arm (garment/armpaint.py
``paint_arm(within=...)``): the dome rounds the arm's top inside the person's own outline,
not over the backdrop beyond a sloping shoulder (a flat top with a square corner)."""

from __future__ import annotations

import numpy as np

from tests.corpus import body, dressed, needs_corpus

SIZE = (768, 1024)


def _backdrop(box: np.ndarray) -> np.ndarray:
    """Backdrop-coloured pixels: every channel over 215, spread under 20."""
    px = box.astype(int)
    out: np.ndarray = (px.min(axis=2) > 215) & (np.ptp(px, axis=2) < 20)
    return out


@needs_corpus
def test_00055s_shoulders_stay_inside_her_outline_in_the_sleeveless_dress() -> None:
    """vitonhd_00055 (short-sleeved tee) in the orange sleeveless dress 053319: over her
    image-left shoulder (rows 262..289, x 160..211) and image-right one (rows 280..314,
    x 495..539) the pixels outside her outline are backdrop. Before: 209 and 102 were
    not (the dome over the arm, sized to the revealed old clothing's halo, stood 5-21 px
    above her sloping shoulder: a flat top at row 265 with a square corner); after: 3
    and 17 (the dress's own edge). Inside her outline no more backdrop than before (5,
    16)."""
    out = dressed("vitonhd_00055_00", "dresscode_053319", SIZE).images[0]
    person = body("vitonhd_00055_00", SIZE).person
    for (y0, y1, x0, x1), most, holes in (((262, 290, 160, 212), 10, 5),
                                          ((280, 315, 495, 540), 30, 16)):
        back = _backdrop(out[y0:y1, x0:x1])
        inside = person[y0:y1, x0:x1]
        assert int((~back & ~inside).sum()) <= most
        assert int((back & inside).sum()) <= holes
