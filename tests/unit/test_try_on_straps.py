"""Strappy tops: straps found on the cut-out, the inside back dropped, straps laid on the
shoulders; on a corpus photo: no label on the chest, thin straps inside the shoulders, hair
untouched."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.garment.body import analyse_body
from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.capabilities.garment.fit import STRAP_AT, Fit, top_pairs
from portrait_studio.capabilities.garment.shape import centre_x, garment_shape
from portrait_studio.capabilities.garment.straps import drop_back, find_straps
from portrait_studio.pipelines.try_on import TryOnParams, try_on
from tests.corpus import read_rgb
from tests.poses import frontal_pose

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
CAMI = CORPUS / "garments" / "vitonhd_09133_00__white_button_cami.jpg"
PERSON = CORPUS / "persons" / "vitonhd_00034_00__idm_vton.jpg"
needs_corpus = pytest.mark.skipif(not (CAMI.exists() and PERSON.exists()),
                                  reason="corpus absent")


def cami_photo() -> np.ndarray:
    """A pink cami on white (500x400): 30 px straps at x 80-110 and 290-320 from row 20,
    the inside back (darker, with a black label at x 180-220, rows 105-119) between them
    from row 100, the front from row 120 down to 480."""
    img = np.full((500, 400, 3), 255, np.uint8)
    cv2.rectangle(img, (80, 20), (109, 130), (230, 200, 200), -1)
    cv2.rectangle(img, (290, 20), (319, 130), (230, 200, 200), -1)
    cv2.rectangle(img, (110, 100), (289, 130), (205, 175, 175), -1)
    cv2.rectangle(img, (180, 105), (220, 119), (20, 20, 20), -1)
    cv2.fillPoly(img, [np.array([[70, 120], [330, 120], [340, 480], [60, 480]])],
                 (230, 200, 200))
    return img


def test_straps_found_and_back_dropped() -> None:
    img = cami_photo()
    mask = (img < 250).any(axis=2)
    straps = find_straps(mask, centre_x(mask))
    assert straps is not None
    assert straps.width == 30 and straps.top == 20 and straps.gap_y == 100
    front = drop_back(img, mask, centre_x(mask))
    label = (img < 60).all(axis=2)
    assert label.sum() == 41 * 15 and not (front & label).any()
    assert not front[100:120, 110:290].any()            # the inside back is gone
    assert front[124:132, 110:290].all()                # the front from row 120 kept (but
    assert front[120:124, 110:176].all()                # 3 px under the label's columns)
    assert front[40, 80:110].all() and front[40, 290:320].all()   # straps kept
    assert front[200, 70:330].all()                     # the front kept


def test_no_straps_on_a_t_shirt() -> None:
    img = np.full((600, 640, 3), 255, np.uint8)
    cv2.fillPoly(img, [np.array([[200, 60], [270, 40], [370, 40], [440, 60], [440, 560],
                                 [200, 560]])], (200, 30, 40))
    cv2.ellipse(img, (320, 40), (50, 30), 0, 0, 180, (255, 255, 255), -1)
    mask = (img < 250).any(axis=2)
    assert find_straps(mask, centre_x(mask)) is None
    assert np.array_equal(drop_back(img, mask, centre_x(mask)), mask)


def test_strap_points_and_placement() -> None:
    img = cami_photo()
    mask = (img < 250).any(axis=2)
    mask = drop_back(img, mask, centre_x(mask))
    shape = garment_shape(mask, "top")
    assert shape.strap_width == 30
    assert shape.points["shoulder_l"].tolist() == [95.0, 20.0]
    assert shape.points["neck"][1] == 123.0           # the front neckline (under the label)
    pose = frontal_pose()
    body = {id(g): b for g, b in top_pairs(shape, pose, Fit())["body"]}
    sw = pose.shoulder_width
    for side in ("l", "r"):
        x = float(body[id(shape.points[f"shoulder_{side}"])][0])
        # the strap's middle on the top of the shoulder, not out at the joint (0.5 sw)
        assert abs(abs(x - 300.0) - STRAP_AT * sw) < 1.0


@cache
def _cami_on_person() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    person, cami = read_rgb(PERSON), read_rgb(CAMI)
    result = try_on(person, [cami], TryOnParams(seed=0))
    return person, result.images[0], result.garment_masks[0]


@needs_corpus
def test_cami_label_dropped_on_the_product() -> None:
    cut = cut_out(read_rgb(CAMI))
    front = drop_back(cut.image, cut.mask, centre_x(cut.mask))
    top = int(0.3 * cut.mask.shape[0])              # the buttons are lower
    dark = (cut.image[:top].max(axis=2) < 90)
    assert (dark & cut.mask[:top]).sum() > 500      # the label is garment in the cut-out
    assert (dark & front[:top]).sum() < 20          # and dropped from the front


@needs_corpus
def test_cami_on_person_straps_thin_inside_shoulders_hair_kept() -> None:
    person, out, drawn = _cami_on_person()
    body = analyse_body(person)
    sw = body.pose.shoulder_width
    cx = float(body.pose.p(11)[0] + body.pose.p(12)[0]) / 2
    joint_y = float(min(body.pose.p(11)[1], body.pose.p(12)[1]))
    # hair untouched
    assert np.array_equal(out[body.head], person[body.head])
    # no black label on the chest: dark pixels drawn in the upper half of the garment
    ys = np.flatnonzero(drawn.any(axis=1))
    upper = drawn.copy()
    upper[int((ys[0] + ys[-1]) / 2):] = False
    assert int((upper & (out.max(axis=2) < 90)).sum()) < 30
    # straps: at 0.1 shoulder widths below the joints, every garment run is a strap
    # narrower than 0.3 shoulder widths, inside 0.6 shoulder widths of the centre
    row = int(joint_y + 0.1 * sw)
    xs = np.flatnonzero(drawn[row])
    assert len(xs)
    assert float(np.abs(xs - cx).max()) < 0.6 * sw
    runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
    assert len(runs) == 2 and max(len(r) for r in runs) < 0.3 * sw
    # nothing drawn above the person's outline (the shoulders; below the armpits the hem
    # may flare beside the hips)
    rim = cv2.dilate(body.person.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    outside = drawn & ~rim                              # 1 px of anti-aliasing
    outside[int(joint_y + 0.4 * sw):] = False
    assert not outside.any()
