"""Face detection, rect selection, identity and mesh masks on real photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from portrait_studio.errors import FaceRectInvalid
from portrait_studio.perception.faces import Box, detect_faces, select_face
from portrait_studio.perception.identity import distance, embedding
from portrait_studio.perception.masks import face_regions, row_ramp
from tests.conftest import fixture_image


@pytest.mark.parametrize(("name", "count"), [
    ("ted_lieu__house_official_1.jpg", 1),
    ("obama_biden__two_people_2faces.jpg", 2),
    ("apollo11_crew__nasa_3faces.jpg", 3),
])
def test_detects_exactly_the_faces(name: str, count: int) -> None:
    faces = detect_faces(fixture_image(name))
    assert len(faces) == count
    areas = [f.box.area for f in faces]
    assert areas == sorted(areas, reverse=True)
    for face in faces:
        assert face.landmarks.shape == (478, 2)
        assert face.box.w > 30 and face.box.h > 30


def test_no_face_in_a_painting_of_rectangles() -> None:
    assert detect_faces(fixture_image("mondrian_composition__adain.jpg")) == []


def test_apollo_faces_are_where_the_astronauts_are() -> None:
    faces = detect_faces(fixture_image("apollo11_crew__nasa_3faces.jpg"))
    centres = sorted(f.box.center for f in faces)
    # left, middle (higher up), right astronaut
    assert 120 < centres[0][0] < 190 and 250 < centres[1][0] < 330 and 400 < centres[2][0] < 480
    assert centres[1][1] < centres[0][1] and centres[1][1] < centres[2][1]


def test_rect_selects_the_overlapping_face() -> None:
    faces = detect_faces(fixture_image("obama_biden__two_people_2faces.jpg"))
    left = min(faces, key=lambda f: f.box.x)
    right = max(faces, key=lambda f: f.box.x)
    x, y, w, h = left.box.as_ints()
    assert select_face(faces, Box(x + 10, y + 10, 60, 60)) is left
    x, y, w, h = right.box.as_ints()
    assert select_face(faces, Box(x - 20, y - 20, w, h)) is right


def test_rect_on_no_face_or_too_small_is_rejected() -> None:
    faces = detect_faces(fixture_image("obama_biden__two_people_2faces.jpg"))
    with pytest.raises(FaceRectInvalid) as err:
        select_face(faces, Box(0, 600, 50, 50), field="TemplateFaceRect")
    assert err.value.code == "face.rect_invalid" and err.value.field == "TemplateFaceRect"
    x, y, _, _ = faces[0].box.as_ints()
    with pytest.raises(FaceRectInvalid, match="at least 30"):
        select_face(faces, Box(x, y, 29, 80))


def _emb(name: str) -> np.ndarray:
    img = fixture_image(name)
    return embedding(img, detect_faces(img)[0].box)


def test_identity_separates_people_and_matches_sittings() -> None:
    aoc1 = _emb("alexandria_ocasio_cortez__house_official_1.jpg")
    aoc2 = _emb("alexandria_ocasio_cortez__bioguide_earlier_2.jpg")
    kim1 = _emb("andy_kim__house_official_1.jpg")
    assert aoc1.shape == (128,)
    assert distance(aoc1, aoc2) < 0.45
    assert distance(aoc1, kim1) > 0.7


def test_region_masks_are_soft_and_nested() -> None:
    img = fixture_image("ted_lieu__house_official_1.jpg")
    face = detect_faces(img)[0]
    r = face_regions(face.landmarks, img.shape)
    for mask in (r.oval, r.skin, r.eyes, r.brows, r.lips, r.mouth_inner):
        assert mask.shape == img.shape[:2] and mask.dtype == np.float32
        assert 0.0 <= mask.min() and mask.max() <= 1.0
    soft = ((r.oval > 0.05) & (r.oval < 0.95)).sum()
    assert soft > 50  # edges are feathered, not binary
    assert (r.skin * r.eyes).max() < 0.5  # skin excludes the eyes
    assert r.skin.sum() < r.oval.sum() and r.eyes.sum() > 0 and r.lips.sum() > 0
    ys, _ = np.nonzero(r.eyes > 0.5)
    lys, _ = np.nonzero(r.lips > 0.5)
    assert ys.mean() < lys.mean()  # eyes above the mouth


def test_glasses_frames_are_found_and_painted_out() -> None:
    from portrait_studio.perception.glasses import glasses_mask, remove_glasses

    kim = fixture_image("andy_kim__house_official_1.jpg")  # wears rimmed glasses
    face = detect_faces(kim)[0]
    frames = glasses_mask(kim, face.landmarks)
    assert frames.sum() > 500
    ys, _ = np.nonzero(frames)
    eye_y = face.landmarks[[468, 473], 1].mean()
    assert abs(np.median(ys) - eye_y) < 0.6 * (face.box.h / 3)  # on the eye band
    cleaned, count = remove_glasses(np.ascontiguousarray(kim), face.landmarks)
    assert count == frames.sum()
    lab = lambda im: cv2.cvtColor(im, cv2.COLOR_RGB2Lab)[..., 0].astype(float)
    assert lab(cleaned)[frames].mean() > lab(kim)[frames].mean() + 15  # dark frames lifted
    # away from the frame's paint and the lift of its lenses' shade (10 work px, ~11 px here)
    assert np.array_equal(cleaned[~_grow(frames, 27)], kim[~_grow(frames, 27)])
    aoc = fixture_image("alexandria_ocasio_cortez__house_official_1.jpg")  # no glasses
    assert glasses_mask(aoc, detect_faces(aoc)[0].landmarks).sum() == 0


def _grow(mask: np.ndarray, size: int) -> np.ndarray:
    return cv2.dilate(mask.astype(np.uint8), np.ones((size, size), np.uint8)) > 0


def test_row_ramp_rises_over_its_width_from_its_row() -> None:
    """Below the row by default, starting at it; above it and centred on it when asked; the
    same value across each row."""
    below = row_ramp((6, 3), 2.0, 2.0)
    assert below.shape == (6, 3) and below.dtype == np.float32
    assert below[:, 1].tolist() == [0.0, 0.0, 0.0, 0.5, 1.0, 1.0]
    assert np.all(below == below[:, :1])
    above = row_ramp((6, 2), 2.0, 2.0, above=True, centred=True)
    assert above[:, 0].tolist() == [1.0, 1.0, 0.5, 0.0, 0.0, 0.0]
    assert row_ramp((3, 1), 1.0, 0.2)[:, 0].tolist() == [0.0, 0.0, 1.0]  # at least one row
