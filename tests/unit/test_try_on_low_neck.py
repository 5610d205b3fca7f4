"""A sleeved top with a low, wide neckline whose edges rise to its shoulder seams (the black
bodysuit's sweetheart neckline): its neck keeps its depth below the shoulder corners once
they are settled onto the person's shoulders (sleeve_fit.settle_shoulders)."""

from __future__ import annotations

import numpy as np
import pytest

from portrait_studio.capabilities.garment.cutout import Cutout, cut_out
from portrait_studio.capabilities.garment.fit import Fit, Pairs, top_pairs
from portrait_studio.capabilities.garment.kinds import classify_mask
from portrait_studio.capabilities.garment.layers import warp_layers
from portrait_studio.capabilities.garment.measure import anchors
from portrait_studio.capabilities.garment.shape import GarmentShape, top_shape
from portrait_studio.capabilities.garment.sleeve_fit import settle_shoulders
from tests.corpus import CORPUS, body, needs_corpus, read_rgb

BODYSUIT = "vitonhd_10165_00"
PERSON = "dresscode_049205_0"


def _bodysuit() -> tuple[Cutout, GarmentShape]:
    found = sorted((CORPUS / "garments").glob(BODYSUIT + "*"))
    if not found:
        pytest.skip("shared corpus garment absent")
    cut = cut_out(read_rgb(found[0]))
    return cut, top_shape(cut.mask, classify_mask(cut.mask))


def _depth(pairs: Pairs, shape: GarmentShape) -> float:
    pts = shape.points
    placed = {id(g): b for g, b in pairs}
    corners = (placed[id(pts["shoulder_l"])][1] + placed[id(pts["shoulder_r"])][1]) / 2
    return float(placed[id(pts["neck"])][1] - corners)


@needs_corpus
def test_the_low_neck_keeps_its_depth_below_the_settled_shoulders() -> None:
    """The corners were moved 28-36 px down onto 049205's sloping shoulders and the neck
    (59 px below them in the body frame) stayed: 28 px below them, the neckline's rise to
    the shoulders (100 px on the product photo) squeezed flat, the straps thin spikes."""
    _, shape = _bodysuit()
    b = body(PERSON)
    pairs = top_pairs(shape, b.pose, Fit(), anchors(b))["body"]
    settled = settle_shoulders(pairs, shape, b)
    assert _depth(pairs, shape) > 50
    assert abs(_depth(settled, shape) - _depth(pairs, shape)) < 1.0


@needs_corpus
def test_the_neckline_rises_toward_the_shoulders() -> None:
    """On the person the neckline's top edge rises from the bust to the straps: half a
    shoulder width from the centre it is at least 20 px higher than at a quarter (it was
    nearly flat: 16 and 8 px; now 33 and 24)."""
    cut, shape = _bodysuit()
    b = body(PERSON)
    torso = warp_layers(cut, "top", shape, b, Fit(), anchors(b))[0].warped.alpha > 0.5
    cx, sw = float(b.pose.shoulder_mid[0]), b.pose.shoulder_width
    for sign in (-1, 1):
        quarter = int(np.argmax(torso[:, int(cx + sign * 0.25 * sw)]))
        half = int(np.argmax(torso[:, int(cx + sign * 0.5 * sw)]))
        assert quarter - half >= 20, (sign, quarter, half)


def test_only_a_neck_below_the_shoulders_is_low() -> None:
    """A synthetic tee (collar above its shoulder corners) is no low neckline."""
    from portrait_studio.capabilities.garment.sleeve_fit import low_neck

    mask = np.zeros((400, 400), bool)
    mask[60:350, 130:271] = True
    mask[60:200, 40:361] = True
    mask[50:60, 170:231] = True
    assert not low_neck(top_shape(mask))
