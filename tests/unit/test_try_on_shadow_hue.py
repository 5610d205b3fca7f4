"""The painted torso skin's shading takes the real skin's hue shift (chestpaint.hue_slopes,
chestpaint.shadow_hue): real skin in shadow is redder; darkened by a plain multiplier the
painting's shadows were greyer than the neck beside them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.corpus import body, needs_corpus, painted_skin, photo

BODYSUIT = "vitonhd_10165_00"


def test_a_darkened_tone_moves_along_the_real_skins_hue_line() -> None:
    """A tone darkened to 0.8 moves its Lab a by the slope times the change in L (here
    -0.3 per L*: about +3.5 for the ~12 L* it loses); with no slope it is the plain
    product."""
    from portrait_studio.capabilities.garment.chestpaint import shadow_hue
    from portrait_studio.imaging.color import rgb_to_lab

    base = np.full((4, 4, 3), (200.0, 150.0, 120.0), np.float32)
    ratio = np.full((4, 4), 0.8, np.float32)
    plain = shadow_hue(base, ratio, (0.0, 0.0))
    assert np.allclose(plain, base * 0.8)
    warm = shadow_hue(base, ratio, (-0.3, 0.0))
    lab0, lab1, lab2 = (rgb_to_lab(x)[0, 0] for x in (base, plain, warm))
    assert abs(lab2[0] - lab1[0]) < 0.5
    assert lab2[1] - lab0[1] == pytest.approx(-0.3 * (lab1[0] - lab0[0]), abs=0.3)


@needs_corpus
def test_painted_shoulders_keep_the_necks_hue(monkeypatch: pytest.MonkeyPatch) -> None:
    """049205 in the bodysuit: the painted skin over 0.4 shoulder widths from any real skin
    (the shoulders, darkened toward the torso's sides) had its Lab a 3.9 below what the
    real neck and chest skin has at that lightness (a least-squares line of a over L on
    the photo): olive shoulders beside a red-brown neck. Now within 1."""
    sp = painted_skin("dresscode_049205_0", BODYSUIT, monkeypatch)
    b = body("dresscode_049205_0")
    from portrait_studio.imaging.color import rgb_to_lab

    real = b.skin & ~(b.head | b.hands | b.arms)
    real = cv2.erode(real.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    lab0 = rgb_to_lab(photo("dresscode_049205_0").astype(np.float32))
    line = np.polyfit(lab0[..., 0][real], lab0[..., 1][real], 1)
    lab = rgb_to_lab(sp.result.images[0].astype(np.float32))
    dist = cv2.distanceTransform((~b.skin).astype(np.uint8), cv2.DIST_L2, 3)
    far = sp.region & (sp.alpha > 0.9) & (dist > 0.4 * b.pose.shoulder_width)
    assert far.sum() > 2000
    lum, a = float(np.median(lab[..., 0][far])), float(np.median(lab[..., 1][far]))
    assert abs(a - float(np.polyval(line, lum))) < 1.0
