"""Try-on, a long sleeve on an arm in a thick old sleeve (Biden's and Obama's suits, arms
crossed): the pose puts the covered arm's shoulder and elbow 0.1-0.45 shoulder widths
inside the suit's own outline, the new sleeve was laid on those bones and the suit's sleeve
beside it, outside the new one, was left to the background fill: a block by the elbow. A
covered arm's shoulder and elbow are now moved out until the arm's radius reaches the
outline (:func:`.limbs.arm_to_outline`). Bent sharper there, Obama's left sleeve showed a
line of background along its elbow's mitre: a section just beyond the mitre's reach met it
in a point on the inner side (:func:`.sleeve.bent_sections` keeps ``CLEAR`` off it now).
Numbers before the fix in the docstrings."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from portrait_studio.capabilities.garment.limbs import arm_to_outline
from portrait_studio.capabilities.garment.sleeve import Arm, bent_sections
from tests.corpus import body, dressed, needs_corpus

POLO = "vitonhd_09176_00"


def _old_sleeve_left(stem: str, size: tuple[int, int]) -> list[int]:
    """Per image side (left, right): old top pixels no new garment covers in the outer half
    (away from the shoulders' middle) of the disc of 0.35 shoulder widths round the pose's
    elbow, ``stem`` dressed in the pink polo."""
    found = body(stem, size)
    drawn = dressed(stem, POLO, size).garment_masks[0]
    pose = found.pose
    sw, mid = pose.shoulder_width, float(pose.shoulder_mid[0])
    ys, xs = np.mgrid[0:drawn.shape[0], 0:drawn.shape[1]]
    out = []
    for side in pose.sides():
        ex, ey = pose.p(side["elbow"])
        outer = (xs - ex) * (1 if ex > mid else -1) > 0
        zone = (np.hypot(xs - ex, ys - ey) < 0.35 * sw) & outer
        out.append(int((zone & found.old_top & ~drawn).sum()))
    return out


@needs_corpus
@pytest.mark.parametrize(("size", "most"), [((485, 1102), (800, 2000)),
                                            ((768, 1024), (6000, 3200))])
def test_no_old_suit_sleeve_left_by_the_elbow(size: tuple[int, int],
                                              most: tuple[int, int]) -> None:
    """Biden (crossed arms, padded suit) in the polo: the suit's sleeve left by the elbows
    (image left, right) was 4438 and 7910 px at half size (485x1102), 11035 and 4220 at
    768x1024; now 158 and 1122, 3569 and 2467."""
    left, right = _old_sleeve_left("joe_biden", size)
    assert left < most[0] and right < most[1]


@needs_corpus
def test_obama_sleeve_reaches_his_suits_outline() -> None:
    """Obama (crossed arms, suit) in the polo at 768x1024: the suit's sleeve left by the
    image-left elbow was 4910 px, now 1608 (the right 2115 -> 997)."""
    left, right = _old_sleeve_left("barack_obama", (768, 1024))
    assert left < 2500 and right < 1500


def _fat_arm() -> np.ndarray:
    """A person mask: a torso (x 150..350) and an upper arm beside it whose outer edge
    runs down x=60 (rows 80..400)."""
    person = np.zeros((500, 500), bool)
    person[60:480, 150:350] = True
    person[80:400, 60:150] = True
    return person


def test_covered_arm_moves_out_to_its_outline() -> None:
    """Shoulder (160, 100), elbow (140, 300) (hanging straight), radii 30: each joint moves
    square to the upper arm, away from the middle (x=250), until 30 px beyond it is the
    outline: the shoulder's and the elbow's outer edge within 2 px of x=60."""
    chain = [np.array(p, np.float32) for p in ((160, 100), (140, 300), (150, 480))]
    moved = arm_to_outline(chain, (30.0, 30.0), _fat_arm(), 250.0, 400.0)
    up = (chain[1] - chain[0]) / np.linalg.norm(chain[1] - chain[0])
    side = np.array([-up[1], up[0]], np.float32)
    side = side if side[0] < 0 else -side
    for new, old in zip(moved[:2], chain[:2], strict=True):
        assert abs(float((new - old) @ up)) < 1e-3
        edge = new + side * 30.0
        assert abs(float(edge[0]) - 60.0) <= 2.0
    assert np.array_equal(moved[2], chain[2])


def test_covered_arm_stays_when_its_outline_is_out_of_reach_or_reached() -> None:
    """An elbow 160 px from the outline, radius 30, shoulder width 80: farther than the
    radius plus ``OUTLINE_REACH`` shoulder widths (an arm in front of the body), it stays;
    with a shoulder width of 600 it moves out to it (130 px). An arm whose radius already
    reaches the outline stays; the image's border is an outline (an elbow at x=100: it
    moves to x=29, its edge on the border)."""
    chain = [np.array(p, np.float32) for p in ((160, 100), (160, 300), (160, 480))]
    wide = np.zeros((500, 500), bool)
    wide[:, 0:350] = True
    wide[:, 0] = False
    assert np.allclose(arm_to_outline(chain, (30.0, 30.0), wide, 250.0, 80.0)[1], chain[1])
    moved = arm_to_outline(chain, (30.0, 30.0), wide, 250.0, 600.0)
    assert moved[1][0] == pytest.approx(30.0, abs=1.01)
    snug = np.zeros((500, 500), bool)
    snug[:, 125:350] = True
    assert np.allclose(arm_to_outline(chain, (40.0, 40.0), snug, 250.0, 200.0)[1], chain[1])
    near = [p - np.array([60, 0], np.float32) for p in chain]
    moved = arm_to_outline(near, (30.0, 30.0), np.ones((500, 500), bool), 250.0, 400.0)
    assert moved[1][0] == pytest.approx(29.0, abs=1.01)


def test_no_section_meets_the_mitre_in_a_point() -> None:
    """An arm bent 68 degrees (shoulder (200, 100), elbow (200, 280), wrist (404, 362)):
    the inner ends of consecutive sections of its strip lie at least 30 px apart; a section
    2 px beyond the mitre's reach had its inner end 2.9 px from the mitre's (a quad come to
    a point, whose warp left a line of background along the mitre)."""
    arm = Arm([np.array(p, np.float32) for p in ((200, 100), (200, 280), (404, 362))],
              (46.0, 26.0))
    secs, _ = bent_sections(arm, 20.0, arm.total, 1.0, 0.1, 123.0)
    inner = [s[1] for s in secs]
    assert min(float(np.linalg.norm(b - a)) for a, b in pairwise(inner)) > 30
