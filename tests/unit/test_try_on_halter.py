"""Halter dresses (issue 7): two thin straps rise from a bodice top narrower than the body to
go round the neck. The straps' gap was taken for a cami's neckline, whose inside back was cut
out of the bodice (torn strips), and the shoulder line was measured on the flowers' tops
below the straps, so the bodice's top was laid over the neck up to the chin (a flower
turtleneck). A halter's shoulder line now lies ``HALTER_DROP`` torso widths above its bodice
top, the bodice is kept whole and its torso layer is strappy (not raised to the shoulders,
not past the person's outline above the armpits).

``catvton_overall_21744571`` (corpus, NC: the corpus test skips without it) is a crocheted
flower mini dress with a halter top; ``catvton_condition`` a woman in a crochet shirt,
564x1000.
"""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment import shape as shape_mod
from portrait_studio.capabilities.garment.body import analyse_body
from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.capabilities.garment.prompt import parse_prompt
from portrait_studio.capabilities.garment.shape import garment_shape
from portrait_studio.pipelines.try_on import _prepare
from tests.corpus import dressed, needs_corpus, photo
from tests.unit.test_try_on_straps import cami_photo


def halter_photo() -> np.ndarray:
    """A pink halter dress on white (600x400): 8 px straps from (150, 20) and (250, 20) down
    to the bodice top (x 160-240) at row 90, the bodice widening to x 80-320 at row 200,
    the skirt to x 60-340 at the hem (row 560)."""
    img = np.full((600, 400, 3), 255, np.uint8)
    cv2.line(img, (150, 20), (168, 92), (200, 40, 80), 8)
    cv2.line(img, (250, 20), (232, 92), (200, 40, 80), 8)
    cv2.fillPoly(img, [np.array([[160, 90], [240, 90], [320, 200], [340, 560], [60, 560],
                                 [80, 200]])], (235, 160, 180))
    return img


def test_halter_found_and_its_shoulder_line_above_the_bodice() -> None:
    img = halter_photo()
    cut = cut_out(img)
    shape = garment_shape(cut.mask, "full")
    top = int(np.flatnonzero(cut.mask[:, cut.mask.shape[1] // 2])[0])     # the bodice top
    sh_y = float(shape.points["shoulder_l"][1])
    assert sh_y == float(shape.points["shoulder_r"][1])
    # old: the shoulders on the bodice's sides (row 100, below its top at 76): its top and
    # the straps went above the shoulder line, onto the neck
    assert sh_y < top - 20
    assert abs(top - shape_mod.HALTER_DROP * shape.torso_width - sh_y) < 1.5
    assert shape.points["neck"][1] < 3           # the straps' tips (old: row 60)
    assert shape.points["armpit_l"][1] > top
    assert shape.halter and shape.strap_width == 0 and not shape.limbs


def test_a_cami_is_no_halter() -> None:
    mask = (cami_photo() < 250).any(axis=2)
    assert not garment_shape(mask, "top").halter
    assert garment_shape(mask, "top").strap_width == 30


def test_halter_bodice_kept_whole() -> None:
    img = halter_photo()
    garment, _ = _prepare(img, 0, "change_clothes_full_wear", parse_prompt(""))
    # old: 945 px of the bodice's top between the straps were cut as a cami's inside back
    assert (cut_out(img).mask & ~garment.cutout.mask).sum() == 0
    assert garment.shape.halter


@needs_corpus
def test_halter_dress_leaves_the_neck_bare_and_no_fragments() -> None:
    person = "catvton_condition"
    result = dressed(person, "catvton_overall")
    drawn = result.garment_masks[0]
    pose = analyse_body(photo(person)).pose
    sh_y = float(min(pose.points[11, 1], pose.points[12, 1]))
    x0, x1 = sorted(float(pose.points[i, 0]) for i in (7, 8))     # between the ears
    h, w = drawn.shape
    ys, xs = np.mgrid[:h, :w]
    # old: 10824 px of the dress above the shoulder joints between the ears (the flower
    # turtleneck), 17665 px above them in all
    assert (drawn & (ys < sh_y) & (xs >= x0) & (xs <= x1)).sum() < 100
    assert (drawn & (ys < sh_y)).sum() < 1500
    _, _, stats, _ = cv2.connectedComponentsWithStats(drawn.astype(np.uint8), connectivity=8)
    areas = np.sort(stats[1:, cv2.CC_STAT_AREA])[::-1]
    # old: 15 loose pieces of 2046 px (flower bits in the hair, torn strips)
    assert areas[1:].sum() < 100
    # the bodice is on the chest: the dress covers the rows from a little below the
    # shoulder joints down, across the body's middle
    cx = round(float(pose.points[11, 0] + pose.points[12, 0]) / 2)
    sw = pose.shoulder_width
    chest = int(sh_y + 0.45 * sw)
    assert drawn[chest:chest + 200, cx - 20:cx + 20].all()
    assert not drawn[int(sh_y) - 10, cx - 20:cx + 20].any()   # the neck's base is skin
