"""Try-on: shading taken from patterned old clothes, the painted neck's width, and the
leftover pieces inside the repainted region (synthetic images and masks)."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.body import Body
from portrait_studio.capabilities.garment.render import pattern_weight, shading_parts
from portrait_studio.capabilities.garment.reveal import torso_zone
from portrait_studio.capabilities.garment.skinholes import loose_pieces
from tests.poses import frontal_pose


def _fabric(level: int, motifs: bool) -> np.ndarray:
    """400x400 RGB grey fabric with a soft vertical fold shadow at x=200 (darker by 25%)
    and, if asked, a sharp-edged bright brocade of random discs all over."""
    xs = np.arange(400, dtype=np.float32)
    fold = 1 - 0.25 * np.exp(-((xs - 200) / 14.0) ** 2)
    img = np.repeat((level * fold)[None, :, None], 400, 0).repeat(3, 2)
    if motifs:
        rng = np.random.default_rng(4)
        canvas = np.zeros((400, 400), np.uint8)
        for _ in range(90):
            x, y = (int(v) for v in rng.integers(0, 400, 2))
            cv2.circle(canvas, (x, y), int(rng.integers(6, 16)), 1, -1)
        img[canvas > 0] = 235
    out: np.ndarray = np.clip(img, 0, 255).astype(np.uint8)
    return out


def test_pattern_of_old_clothes_is_not_copied_but_plain_folds_are() -> None:
    """A bright brocade on grey printed blotches on a new white cami (old code: the shading
    over the brocade spread 0.031 (std) away from the fold; now 0.0004); the same fold
    on plain fabric still darkens the new garment by over 7%."""
    clothes = np.zeros((400, 400), bool)
    clothes[20:380, 20:380] = True
    away = (slice(60, 340), np.r_[60:150, 250:340])
    light, folds = shading_parts(_fabric(120, True), clothes, 40.0)
    assert float((light * folds)[away].std()) < 0.02
    light, folds = shading_parts(_fabric(120, False), clothes, 40.0)
    ratio = light * folds
    assert float(ratio[200, 200]) < 0.93
    assert abs(float(ratio[200, 100]) - 1.0) < 0.05


def test_pattern_weight_tells_brocade_from_folds() -> None:
    """At the reduced scale the shading is measured at (1/5 here), the brocade's sharp
    edges score as pattern, the soft fold does not."""
    inside = np.ones((80, 80), bool)
    lum = {name: cv2.resize(cv2.cvtColor(_fabric(120, motifs), cv2.COLOR_RGB2GRAY),
                            (80, 80), interpolation=cv2.INTER_AREA).astype(np.float32) / 2.55
           for name, motifs in (("brocade", True), ("plain", False))}
    assert float(pattern_weight(lum["brocade"], inside, 8.0)[10:70, 10:70].mean()) > 0.6
    assert float(pattern_weight(lum["plain"], inside, 8.0).max()) == 0.0


def _collar_body() -> Body:
    """A head (disc down to y=200), a neck 80 px wide (x 260-340) down to y=240, then an
    old shirt collar 220 px wide (x 190-410) down to the shoulders and a torso."""
    h, w = 1000, 600
    person = np.zeros((h, w), bool)
    cv2.circle(person.view(np.uint8), (300, 130), 70, 1, -1)
    person[190:240, 260:340] = True
    person[240:300, 190:410] = True
    person[300:650, 170:430] = True
    head = np.zeros((h, w), bool)
    cv2.circle(head.view(np.uint8), (300, 130), 70, 1, -1)
    none = np.zeros((h, w), bool)
    return Body(frontal_pose(), person, none, head, person & ~head, 600.0,
                np.array([200, 150, 130], np.float32), none, none, none, none)


def test_painted_neck_follows_the_real_neck_not_the_collar() -> None:
    """The torso zone (where the neck is painted) was as wide as the old collar right below
    the neck (x=200 at y=245 was in it); now it keeps to the neck's width (40 px half
    width plus a 4 px margin) near the chin and widens into the shoulders lower down."""
    zone = torso_zone(_collar_body())
    assert zone[215, 300] and zone[215, 339]
    xs = np.nonzero(zone[245])[0]
    assert xs.min() > 225 and xs.max() < 375          # widening from 44 px to the shoulders
    assert not zone[245, 200] and not zone[245, 400]
    assert zone[295, 200] and zone[295, 400]          # near the shoulder line: full width


def test_small_loose_pieces_touching_the_region_are_taken() -> None:
    """Real skin ringed by the painted neck (and holes in it) showed the background fill
    as a light blob around it; small pieces touching the painted skin are painted with
    it, big ones and far ones are not."""
    region = np.zeros((300, 300), bool)
    region[100:200, 100:200] = True
    loose = np.zeros((300, 300), bool)
    loose[120:130, 200:210] = True        # small, touching
    loose[20:30, 20:30] = True            # small, far
    loose[210:290, 10:290] = True         # large, touching
    out = loose_pieces(loose, region, 200.0)
    assert out[125, 205] and int(out.sum()) == 100
