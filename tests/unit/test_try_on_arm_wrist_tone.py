"""Try-on, a whole arm painted where a suit's sleeve hid it (garment/armskin.py): near the
wrist the painted forearm has the lightness and the chroma of the real hand beside it, not
the darker, duller tone of the hand's edge in the old cuff's shadow."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.garment.armsynth import hand_skin
from portrait_studio.capabilities.garment.body import analyse_body
from tests.corpus import dressed_with_arms, needs_corpus, tall

DRESS, FILA = "dresscode_053319_1", "vitonhd_00126_00"


def _segment_distance(shape: tuple[int, int], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    yy, xx = np.mgrid[:shape[0], :shape[1]].astype(np.float32)
    d = b - a
    t = np.clip(((xx - a[0]) * d[0] + (yy - a[1]) * d[1]) / max(float(d @ d), 1e-6), 0, 1)
    out: np.ndarray = np.hypot(xx - a[0] - t * d[0], yy - a[1] - t * d[1])
    return out


def _wrist_tones(stem: str, garment: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """(median L*, C* of the painted forearm, of the real hand) within 0.15 shoulder widths
    of each wrist whose hand shows: the arm's solid painted pixels left visible in the
    result, nearer to that side's forearm bone than to the other's."""
    img = tall(stem)
    out, arms = dressed_with_arms(img, garment)
    body = analyse_body(img)
    hand = hand_skin(img, body.hands & body.skin)
    painted = np.zeros(img.shape[:2], bool)
    for arm in arms:
        sel = arm.alpha > 0.5
        ys, xs = arm.ys[sel], arm.xs[sel]
        shown = np.abs(out[ys, xs].astype(np.float32) - np.clip(arm.rgb[sel], 0, 255)).mean(1)
        painted[ys[shown < 12], xs[shown < 12]] = True
    lab = cv2.cvtColor(out.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    lch = np.stack([lab[..., 0], np.hypot(lab[..., 1], lab[..., 2])], axis=-1)
    sides, sw = body.pose.sides(), body.pose.shoulder_width
    bones = [_segment_distance(img.shape[:2], body.pose.p(sd["elbow"]), body.pose.p(sd["wrist"]))
             for sd in sides]
    yy, xx = np.mgrid[:img.shape[0], :img.shape[1]]
    found = []
    for i, sd in enumerate(sides):
        wx, wy = body.pose.p(sd["wrist"])
        near = np.hypot(xx - wx, yy - wy) <= 0.15 * sw
        own = np.all([bones[i] < b for j, b in enumerate(bones) if j != i], axis=0)
        arm, skin = painted & ~hand & near & own, hand & near
        if arm.sum() >= 200 and skin.sum() >= 200:
            found.append((np.median(lch[arm], axis=0), np.median(lch[skin], axis=0)))
    return found


@needs_corpus
@pytest.mark.parametrize(("stem", "garment", "light"),
                         [("joe_biden", DRESS, True), ("joe_biden", FILA, True),
                          ("barack_obama", DRESS, False)])
def test_painted_forearm_has_the_hands_chroma_at_the_wrist(
        stem: str, garment: str, light: bool) -> None:
    """Median chroma within 2.0 (for Biden also L* within 1.5) of the hand's.
    Before: Biden's forearm C* 16.7 against his hand's 21.9 in both garments (L* 42.1,
    42.7 against 42.8): the arm's colour was matched to the hand's rim beside it, darkened
    and greyed by the old cuff's shadow and its mixed edge pixels; now 21.1, 20.7 (L*
    42.6, 43.2). Obama in the dress (25.6 against 26.8 before, 28.1 now) guards the
    other way. Obama's forearm stays 3-5 L* lighter than his fist (52.7 against 47.9;
    52.5 before). Since the wristwatch left on the hand is painted over (garment/wrist.py)
    and kept out of the forearm's tone match, Obama's chroma differs by 1.63 (it was 1.3):
    the limit is 2.0 for chroma, well below the 5.2 of the cuff-shadow match it guards."""
    tones = _wrist_tones(stem, garment)
    assert tones
    for arm, skin in tones:
        assert abs(float(arm[1] - skin[1])) <= 2.0, (arm, skin)
        if light:
            assert abs(float(arm[0] - skin[0])) <= 1.5, (arm, skin)
