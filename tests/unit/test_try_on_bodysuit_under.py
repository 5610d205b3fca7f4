"""A bodysuit is worn under the bottoms (fit.bodysuit, fit._length_knots, dress._occluders):
its crotch goes down to the person's, and the trousers or jeans stay on top of it."""

from __future__ import annotations

import numpy as np
import pytest

from tests.corpus import body, dressed, needs_corpus

BODYSUIT = "vitonhd_10165_00"


def test_only_a_narrow_hem_is_a_bodysuit() -> None:
    """A synthetic tee (hem as wide as its body) is no bodysuit; the same body narrowing to
    a crotch a fifth of its width is."""
    from portrait_studio.capabilities.garment.fit import bodysuit
    from portrait_studio.capabilities.garment.shape import top_shape

    tee = np.zeros((400, 400), bool)
    tee[60:350, 130:271] = True
    tee[60:200, 40:361] = True
    assert not bodysuit(top_shape(tee))
    suit = tee.copy()
    for y in range(260, 350):
        half = int(70 - 56 * (y - 260) / 90)
        suit[y] = False
        suit[y, 200 - half:200 + half] = True
    assert bodysuit(top_shape(suit))


@needs_corpus
@pytest.mark.parametrize("stem", ["dresscode_049205_0", "vitonhd_00055_00",
                                  "vitonhd_05997_00"])
def test_the_bottoms_stay_on_top_of_the_bodysuit(stem: str) -> None:
    """Between the hip joints the bodysuit was drawn over the old trousers or jeans (a
    black tab over 049205's waistband, 666 px; its whole crotch over the jeans of 00055
    and 05997, 22820 and 23579 px); now none of it is, and the bodysuit still meets the
    waistband (no gap above it at the centre)."""
    res = dressed(stem, BODYSUIT)
    b = body(stem)
    drawn = res.garment_masks[0]
    sides = b.pose.sides()
    xs = sorted(float(b.pose.p(side["hip"])[0]) for side in sides)
    trousers = b.old_bottom.copy()
    trousers[:, :int(xs[0])] = False
    trousers[:, int(xs[1]):] = False
    assert (drawn & trousers).sum() <= 0.001 * trousers.sum()
    cx = int(b.pose.shoulder_mid[0])
    top = int(np.argmax(b.old_bottom[:, cx]))
    assert drawn[top - 4:top, cx].all()


@needs_corpus
@pytest.mark.parametrize("stem", ["dresscode_049205_0", "vitonhd_05997_00"])
def test_no_bare_hips_above_the_waistband(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bodysuit's leg openings rise above 049205's waistband: the old top left in the
    two triangles between them and the trousers was painted as bare hips (1175 px of
    painted skin in the 0.4 shoulder widths above the hip joints and below, 2831 px of the
    old top left uncovered there); tucked in, none is painted and 67 px of the old
    top (beside the arms) are left. 05997's jeans reach higher: unchanged (0 / 284 px)."""
    from tests.corpus import painted_skin

    sp = painted_skin(stem, BODYSUIT, monkeypatch)
    b = body(stem)
    hip = float(min(b.pose.p(side["hip"])[1] for side in b.pose.sides()))
    y0 = int(hip - 0.4 * b.pose.shoulder_width)
    painted = sp.region & (sp.alpha > 0.5)
    assert painted[y0:].sum() == 0
    left = b.old_top & ~sp.result.garment_masks[0]
    assert left[y0:].sum() < 400
