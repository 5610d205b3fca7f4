"""Try-on, a sleeve whose seam corner lies past the pose's elbow (the skier: the pose puts
her image-right wrist by her chin and the upper arm is 0.2 shoulder widths long).
``strip_sections`` recovered the hem's arc length from the elbow section's fraction, which
is negative there: the hem came out at -23418 px and the strip was 1 px long. The hem is now
computed once (``sleeve_arcs``), and such an arm gets no sleeve: its bones would carry the
sleeve up to her face. Numbers before the fix in the docstrings."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.fit import along
from portrait_studio.capabilities.garment.pose import detect_pose
from portrait_studio.capabilities.garment.sleeve import (
    Arm,
    garment_quad,
    sleeve_arcs,
    strip_sections,
)
from tests.corpus import dressed, needs_corpus, photo

SIZE = (768, 1024)
BODYSUIT = "vitonhd_10165_00"


def test_strip_reaches_its_hem_when_the_seam_lies_past_the_elbow() -> None:
    """Upper arm 20 px, the seam corner's projection 50 px down it: the strip's hem lies on
    the bones at the sleeve's hem arc (78 px, the inner start plus 0.1 shoulder widths),
    within 1 px; it was 1 px below the seam (arc 51)."""
    sleeve = np.zeros((320, 100), bool)
    sleeve[10:310, 20:80] = True
    quad = garment_quad(sleeve, np.array([80, 10], np.float32), np.array([20, 10], np.float32))
    assert quad is not None
    arm = Arm([np.array(p, np.float32) for p in ((200, 100), (200, 120), (200, 300))],
              (15.0, 10.0))
    seam_out = np.array([230, 150], np.float32)
    hint = np.array([1, 0], np.float32)
    s_top, _, s_hem = sleeve_arcs(quad, seam_out, arm, 0.5, 100.0)
    assert abs(s_top - 50) < 1e-3 and abs(s_hem - 78) < 1e-3
    strip = strip_sections(sleeve, quad, seam_out, arm, 0.5, hint, 100.0)
    hem = (strip.b_secs[-1][0] + strip.b_secs[-1][1]) / 2
    assert float(np.linalg.norm(hem - along(arm.chain, s_hem)[0])) < 1.0
    top = (strip.b_secs[0][0] + strip.b_secs[0][1]) / 2
    assert float(np.linalg.norm(hem - top)) > 25


@needs_corpus
def test_skier_gets_no_sleeve_up_to_her_chin() -> None:
    """Skier in the black bodysuit: no dark pixel (RGB sum < 150) within 25 px of the middle
    of the pose's image-right forearm, which runs from her shoulder up to her chin (267
    before: a black hook of sleeve, 1 px of strip grown by its padding)."""
    out = dressed("skier_woman", BODYSUIT, SIZE).images[0].astype(np.int32)
    pose = detect_pose(photo("skier_woman", SIZE))
    assert pose is not None
    side = pose.sides()[1]
    cx, cy = (pose.p(side["elbow"]) + pose.p(side["wrist"])) / 2
    ys, xs = np.mgrid[0:out.shape[0], 0:out.shape[1]]
    near = np.hypot(xs - cx, ys - cy) < 25
    assert int(((out.sum(axis=2) < 150) & near).sum()) == 0
