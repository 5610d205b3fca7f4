"""Try-on, a long sleeve that reaches past the wrist onto the hand: the hand stays in front
of the sleeve, but only where it is (the hand's mask is the person's skin), so the strip's
sides beside it (the strip is wider than the arm by its ease, and may stand a few pixels off
the person) were left hanging off the cuff as thin black sticks (the black bodysuit on
``dresscode_049205_0``: 81 and 74 dark pixels beside the wrists). The sleeve's part off
the person is now cut across the forearm at the hand's top (:func:`.sleeve_fit.off_hand`;
on the person it is left to the hand's own cut: cut there too, a hand held over the torso
was painted with a flat patch of skin where the sleeve had been)."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.fit import Warped
from portrait_studio.capabilities.garment.sleeve import Arm
from portrait_studio.capabilities.garment.sleeve_fit import off_hand
from tests.corpus import dressed, needs_corpus

BODYSUIT = "vitonhd_10165_00"


def test_sleeve_is_cut_across_the_forearm_at_the_hands_top() -> None:
    """A sleeve 40 px wide down to row 240 over an arm 32 px wide and a hand 24 px wide from
    row 210: off the person beside the hand past its top no sleeve is left (alpha < 0.01),
    the sleeve on the person and above the hand is untouched (alpha 1)."""
    shape = (300, 200)
    alpha = np.zeros(shape, np.float32)
    alpha[20:241, 80:121] = 1.0
    warped = Warped(np.zeros((*shape, 3), np.float32), alpha)
    hands = np.zeros(shape, bool)
    hands[210:281, 88:113] = True
    arm = Arm([np.array(p, np.float32) for p in ((100, 20), (100, 120), (100, 220))],
              (15.0, 12.0))
    person = np.zeros(shape, bool)
    person[:, 84:117] = True
    out = off_hand(warped, hands, person, arm, 100.0).alpha
    assert float(out[214:241, 80:84].max()) < 0.01        # off the person beside the hand
    assert float(out[214:241, 117:121].max()) < 0.01
    assert float(out[214:241, 84:117].min()) == 1.0       # on the person: the hand's cut
    assert float(out[20:209, 80:121].min()) == 1.0        # above the hand: untouched


@needs_corpus
def test_no_black_sticks_hang_off_the_bodysuits_cuffs() -> None:
    """Black bodysuit on ``dresscode_049205_0`` (768x1024, hands hanging by the thighs):
    no dark pixel (RGB sum < 150) beside the image-left hand (x 220-250, y 445-480) nor the
    image-right one (x 515-545, y 470-500), where only skin and the light backdrop are
    (81 and 74 before); the cuffs are still there just above (over 300 dark pixels in
    each 30 px wide box 30 px higher)."""
    out = dressed("dresscode_049205_0", BODYSUIT).images[0].astype(np.int32)
    dark = out.sum(axis=2) < 150
    assert int(dark[445:480, 220:250].sum()) == 0
    assert int(dark[470:500, 515:545].sum()) == 0
    assert int(dark[415:445, 230:260].sum()) > 300
    assert int(dark[440:470, 505:535].sum()) > 300
