"""Try-on, long sleeves on bent and crossed arms: the sleeve follows its arm from the
shoulder past the elbow to the wrist. The sleeve quad from seam to hem crossed a sleeve
hanging beside the body on its product photo as a thin diagonal (a wedge on the arm), and
the outer side picked per section flipped on a forearm folded across the body (the
forearm's quad folded over itself). Corpus photos at 768x1024; numbers before the fix in
the docstrings."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from portrait_studio.capabilities.garment.sleeve import Arm, bent_sections
from tests.corpus import body, dressed, needs_corpus

SIZE = (768, 1024)
BODYSUIT, POLO = "vitonhd_10165_00", "vitonhd_09176_00"


def _along(person: str, side: int, bone: str) -> np.ndarray:
    """13 points (x, y) on the middle 60% of one bone of the pose (``side`` 0 image left,
    1 image right; ``bone`` "upper" or "fore")."""
    pose = body(person, SIZE).pose
    idx = pose.sides()[side]
    a, b = (pose.p(idx["shoulder"]), pose.p(idx["elbow"])) if bone == "upper" else \
        (pose.p(idx["elbow"]), pose.p(idx["wrist"]))
    pts = [a + (b - a) * f for f in np.linspace(0.2, 0.8, 13)]
    return np.array(pts)


@needs_corpus
def test_long_sleeve_covers_the_upper_arm_of_a_hanging_arm() -> None:
    """catvton (hands in her pockets) in the black bodysuit: the image-left upper arm's
    bone, middle 60%, lies under the black sleeve: 5 of 13 samples were dark (the wedge
    left the arm's inside to painted skin), now all."""
    out = dressed("catvton_condition_baumu", BODYSUIT, SIZE).images[0].astype(int)
    pts = _along("catvton_condition_baumu", 0, "upper")
    dark = [out[int(y), int(x)].max() < 70 for x, y in pts]
    assert sum(dark) == 13


@needs_corpus
def test_long_sleeve_follows_a_forearm_folded_across_the_body() -> None:
    """Biden (arms crossed) in the pink polo: the image-right arm, folded so its forearm
    lies across his chest, is pink along its upper arm (2 of 13 samples were pink: the
    jacket showed) and its forearm (5 of 13)."""
    out = dressed("joe_biden", POLO, SIZE).images[0].astype(int)
    for bone, need in (("upper", 12), ("fore", 11)):
        pts = _along("joe_biden", 1, bone)
        pink = [out[int(y), int(x), 0] - out[int(y), int(x), 1] > 30 for x, y in pts]
        assert sum(pink) >= need, bone


@pytest.mark.parametrize("wrist", [(200.0, 560.0), (380.0, 380.0), (120.0, 330.0)])
def test_bent_strip_keeps_its_outer_side_round_the_elbow(wrist: tuple[float, float]) -> None:
    """A strip along an arm bent 60, 110 and 150 degrees: every quad between consecutive
    sections keeps the outer side on the same side of the bones (no quad folded over
    itself), and the sections reach the wrist."""
    chain = [np.array(p, np.float32) for p in ((200.0, 200.0), (200.0, 380.0), wrist)]
    arm = Arm(chain, (30.0, 20.0))
    secs, fracs = bent_sections(arm, -10.0, arm.total, -1.0, 0.15, 70.0)
    assert fracs[0] == 0.0 and fracs[-1] == 1.0 and fracs == sorted(fracs)
    for (o1, i1), (o2, i2) in pairwise(secs):
        across1, across2 = o1 - i1, o2 - i2
        assert float(across1 @ across2) > 0
        quad = np.array([o1, o2, i2, i1])
        signs = [float(np.cross(b - a, c - b)) for a, b, c in
                 zip(quad, np.roll(quad, -1, 0), np.roll(quad, -2, 0), strict=True)]
        assert all(s > 0 for s in signs) or all(s < 0 for s in signs)   # convex, not crossed
    assert float(np.linalg.norm((secs[-1][0] + secs[-1][1]) / 2 - chain[2])) < 1.0
