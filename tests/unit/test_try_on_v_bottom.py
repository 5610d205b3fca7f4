"""Try-on: a top's torso layer is not widened into its own V neck (synthetic layer and
body, and the corpus cardigan on model_1: skipped without the corpus)."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.body import Body
from portrait_studio.capabilities.garment.fit import Warped
from portrait_studio.capabilities.garment.reveal import v_opening, widen_to_old
from tests.corpus import dressed, needs_corpus, photo
from tests.poses import frontal_pose

SHAPE = (800, 600)
GREY = (140.0, 142.0, 150.0)


def _v_neck_layer() -> Warped:
    """A grey torso layer x 230..370, rows 300..650, with a V opening from x 262..338 at
    its top narrowing to a point at (300, 480): 16 px wide at the armpits' row 390."""
    rgb = np.zeros((*SHAPE, 3), np.float32)
    rgb[300:650, 230:370] = GREY
    alpha = np.zeros(SHAPE, np.float32)
    alpha[300:650, 230:370] = 1.0
    for y in range(300, 480):
        half = 38.0 * (480 - y) / 180
        alpha[y, int(np.ceil(300 - half)):int(np.floor(300 + half)) + 1] = 0.0
    return Warped(rgb, alpha)


def _old_top() -> Body:
    """The frontal pose (shoulders y 300, width 200; armpits' row about 390) in an old top
    x 190..410 over rows 280..650 (seen through the V too), no arms, skin or bottom."""
    none = np.zeros(SHAPE, bool)
    top = none.copy()
    top[280:650, 190:410] = True
    return Body(frontal_pose(), top, none, none, top, 700.0,
                np.array([200, 150, 130], np.float32), none, none, none, none)


def test_the_v_opening_is_found_down_to_its_point() -> None:
    layer = _v_neck_layer()
    opening = v_opening(layer.alpha > 0.5, 390.0)
    assert opening[300, 300] and opening[420, 300] and opening[470, 300]
    assert opening.sum() == int((layer.alpha[300:480, 262:339] < 0.5).sum())
    assert not opening[:, :230].any() and not opening[480:].any()


def test_a_hole_below_the_armpits_is_no_opening() -> None:
    solid = np.zeros(SHAPE, bool)
    solid[300:650, 230:370] = True
    solid[500:540, 280:320] = False     # a hole the arms cut, well below the armpits
    assert not v_opening(solid, 390.0).any()


def test_the_old_top_in_the_v_is_not_covered() -> None:
    """Below the armpits' row the old top showing in the V lies within the widening's
    reach of both sides: the layer closed the V's bottom with a flat block cut straight at
    the armpits' row (the cardigan's). Its sides are still widened."""
    layer, body = _v_neck_layer(), _old_top()
    before = layer.alpha.copy()
    alpha = widen_to_old(layer, layer.alpha.copy(), body, np.zeros(SHAPE, bool))
    v = (before < 0.5) & (np.arange(SHAPE[0])[:, None] > 395)
    v[:, :262] = v[:, 339:] = False
    assert v.sum() > 500
    assert alpha[v].max() < 0.05     # was 1.0 over the whole of the V's bottom
    assert alpha[420:640, 212:228].min() > 0.5   # the sides over the old top
    assert alpha[420:640, 372:388].min() > 0.5


@needs_corpus
def test_the_cardigans_v_runs_down_to_its_first_button() -> None:
    """model_1 in the grey cardigan: the V between its green bands, above the first button
    (x 395..425, rows 478..492), shows her painted chest, not a green-grey block."""
    size = (768, 1024)
    out = dressed("model_1", "catvton_upper_21514384", size).images[0].astype(np.int32)
    box = np.s_[478:492, 395:425]
    rgb = out[box].reshape(-1, 3)
    skin = (rgb[:, 0] - rgb[:, 2] > 25) & (rgb[:, 0] > rgb[:, 1])
    assert np.mean(skin) > 0.6       # was 0.0: the bands' green (R < G) filled it
    assert np.any(out[box] != photo("model_1", size)[box])
