"""The re-toning's weight fitted to the template's skin edges before the user's complexion is
known (:func:`~portrait_studio.capabilities.face_swap.tone.retone_weight`): a fusion computes
it while the helper thread still paints a user's glasses out, then finishes the re-toning
with the map. The split must give the bytes of the whole step, for any user's map."""

from __future__ import annotations

import numpy as np
import pytest

from portrait_studio.capabilities.face_swap.tone import (
    RETONE_REACH,
    _largest_change,
    person_skin_field,
    retone_curve,
    retone_weight,
    skin_tone,
    tone_map,
)
from portrait_studio.perception.faces import detect_faces
from portrait_studio.pipelines import fusion as fu
from tests.conftest import fixture_image


@pytest.mark.parametrize(("template", "user"), [
    ("byron_donalds__house_official_1.jpg", "nancy_pelosi__bioguide_earlier_2.jpg"),
    ("byron_donalds__house_official_1.jpg", "andy_kim__bioguide_earlier_2.jpg"),
    ("jake_auchincloss__house_official_1.jpg", "bennie_g_thompson__house_official_1.jpg"),
])
def test_the_weight_computed_ahead_gives_the_bytes_of_the_whole_retoning(
        template: str, user: str) -> None:
    """Byron Donalds (dark skin, a white collar beside his neck: the edge fit's mixes are
    raised) re-toned for a light user and for Andy Kim, Jake Auchincloss for a dark user:
    the weight computed before the map, then the map applied, is every byte of the whole
    step, and the skin moved by tens of levels."""
    img = fixture_image(template)
    points = detect_faces(img)[0].landmarks
    photo = fixture_image(user)
    lut = tone_map(skin_tone(photo, detect_faces(photo)[0].landmarks), skin_tone(img, points))
    assert _largest_change(lut) <= RETONE_REACH
    field = person_skin_field(img, points, fu.template_person(img))
    assert field.edges is not None
    whole = img.copy()
    retone_curve(whole, lut, field.roi, field.grid, field.weight, field.edges)
    split = img.copy()
    ahead = retone_weight(split, field.roi, field.grid, field.weight, field.edges)
    assert ahead.mixed is not None and ahead.mixed.any()  # the mixes are judged ahead too
    retone_curve(split, lut, field.roi, field.grid, field.weight, field.edges, ahead=ahead)
    assert np.array_equal(split, whole)
    assert int(np.abs(whole.astype(int) - img).max()) > 30


def test_the_retoned_box_does_not_depend_on_the_users_tone_up_to_the_reach() -> None:
    """The box is where a change of RETONE_REACH levels would move a pixel by half a level:
    the same for any smaller change (the weight can be fitted before the user is known),
    larger for a larger one, whose re-toning computes its own: Jake Auchincloss for Terri
    Sewell (319 levels) takes the weight given ahead only after it is made anew for that
    change (the bytes of the whole step)."""
    img = fixture_image("jake_auchincloss__house_official_1.jpg")
    points = detect_faces(img)[0].landmarks
    field = person_skin_field(img, points, fu.template_person(img))
    boxes = [retone_weight(img, field.roi, field.grid, field.weight, field.edges, reach).box
             for reach in (20.0, 150.0, RETONE_REACH, 4000.0)]
    assert boxes[0] == boxes[1] == boxes[2]
    (y0, y1), (x0, x1) = [(s.start, s.stop) for s in boxes[2]]
    (ya, yb), (xa, xb) = [(s.start, s.stop) for s in boxes[3]]
    assert ya <= y0 and yb >= y1 and xa <= x0 and xb >= x1
    assert (yb - ya) * (xb - xa) > (y1 - y0) * (x1 - x0)  # the weight's soft tail reaches out
    photo = fixture_image("terri_a_sewell__house_official_1.jpg")
    lut = tone_map(skin_tone(photo, detect_faces(photo)[0].landmarks), skin_tone(img, points))
    ahead = retone_weight(img, field.roi, field.grid, field.weight, field.edges)
    assert _largest_change(lut) > ahead.reach
    whole, split = img.copy(), img.copy()
    retone_curve(whole, lut, field.roi, field.grid, field.weight, field.edges)
    retone_curve(split, lut, field.roi, field.grid, field.weight, field.edges, ahead=ahead)
    assert np.array_equal(split, whole)
    own = retone_weight(img, field.roi, field.grid, field.weight, field.edges,
                        _largest_change(lut))
    assert own.box != ahead.box and own.w.size > ahead.w.size
