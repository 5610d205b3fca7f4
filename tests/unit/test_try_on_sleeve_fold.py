"""Try-on, a long sleeve on an arm folded sharply (150 degrees, the forearm back up beside
the upper arm): the mitred quads round the elbow crossed and left the strip empty along
most of the forearm's lower half; now the upper arm and the forearm are two strips, the
forearm drawn in front where they cross, the elbow rounded. Numbers before the fix in the
docstring."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.sleeve import (
    PAD,
    Arm,
    Elbow,
    folded_sections,
    warp_strip,
)

H = 300                                  # the garment strip's length (px)


def test_sharply_folded_sleeve_covers_the_forearm_in_front() -> None:
    """A sleeve whose red channel grows 40 -> 240 from seam to cuff on an arm folded 150
    degrees: every sample along the forearm's bone is covered (alpha 1; 3 of 10 near the
    elbow were 0), with the forearm's own red (the sleeve's lower half, above the elbow's
    140; the sample where the forearm crosses the upper arm was 121, upper-arm red), rising
    toward the wrist."""
    img = np.zeros((H, 100, 3), np.uint8)
    img[..., 0] = (40 + 200 * np.arange(H) / (H - 1)).astype(np.uint8)[:, None]
    mask = np.zeros((H, 100), bool)
    mask[:, 20:80] = True
    turn = np.deg2rad(150)
    joint = np.array([200, 300], np.float32)
    wrist = joint + np.array([np.sin(turn), np.cos(turn)], np.float32) * 180
    arm = Arm([np.array([200, 100], np.float32), joint, wrist], (25.0, 20.0))
    folded = folded_sections(arm, 0.0, arm.total, -1.0, 0.15, 60.0)
    assert folded is not None
    secs, fracs, split = folded
    g = [(np.array([80, f * (H - 1)], np.float32), np.array([20, f * (H - 1)], np.float32))
         for f in fracs]
    elbow = Elbow(arm, 0.15, wrist, 25 * 1.15 * 1.5 + 2 * PAD)
    out = warp_strip(img, mask, g, secs, (500, 500), 0.0, elbow, split)
    reds = []
    for f in np.linspace(0.05, 0.95, 10):
        x, y = (joint + (wrist - joint) * f).astype(int)
        assert out.alpha[y, x] > 0.99, f
        reds.append(float(out.rgb[y, x, 0]))
    assert min(reds) > 140 and reds == sorted(reds)
    # the elbow's outer side is round: covered right below the joint, not a corner away
    assert out.alpha[int(joint[1]) + 20, int(joint[0])] > 0.99
    assert out.alpha[int(joint[1]) + 30, int(joint[0]) - 30] == 0


def test_a_mitre_still_follows_a_moderate_bend() -> None:
    """An arm bent 90 degrees is mitred as before (no split)."""
    arm = Arm([np.array(p, np.float32) for p in ((200, 100), (200, 300), (380, 300))],
              (25.0, 20.0))
    assert folded_sections(arm, 0.0, arm.total, -1.0, 0.15, 60.0) is None
