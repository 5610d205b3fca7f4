"""The template's hairline is re-toned by its share of skin (capabilities/face_swap/hairline.py)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.face_swap import hairline
from portrait_studio.capabilities.face_swap.tone import (
    person_skin_field,
    retone_curve,
    skin_tone,
    tone_curve,
)
from portrait_studio.imaging.color import rgb_to_lab
from portrait_studio.perception import landmarks as lm
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.masks import cheek_mask, face_scale, polygon_mask, region_mask
from portrait_studio.pipelines import fusion as fu
from portrait_studio.pipelines.fusion_params import FusionParams
from tests.conftest import fixture_image, retoned_for

DARK_USER = "burgess_owens__house_official_1.jpg"


def _retoned(template: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(template, template re-toned to the dark user's complexion, its landmarks)."""
    img = fixture_image(template)
    out, points = retoned_for(img, DARK_USER)
    return img, out, points


def _forehead_and_rim(img: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The forehead's skin inside the mesh (HxW bool), and the hairline's mixed pixels: just
    outside the oval above the brows, 8-30 L* darker than that skin (HxW bool)."""
    light = rgb_to_lab(img)[..., 0]
    scale, rows = face_scale(points), np.arange(img.shape[0])[:, None]
    oval = polygon_mask(points[list(lm.FACE_OVAL)], img.shape[:2]) > 0.5
    brow = points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min()
    forehead = oval & (rows < brow - 0.15 * scale) & (rows > points[10, 1] + 0.1 * scale)
    skin = float(np.median(light[forehead]))
    grown = region_mask(points, lm.FACE_OVAL, img.shape, 1.5, 1.0) > 0.5
    rim = grown & ~oval & (rows < brow) & (light < skin - 8) & (light > skin - 30)
    return forehead, rim


@pytest.mark.parametrize("template", ["andy_kim__house_official_1.jpg",
                                      "ted_lieu__house_official_1.jpg"])
def test_the_hairline_stays_darker_than_the_retoned_forehead(template: str) -> None:
    """Re-toned for a much darker user, the hairline's mixed skin-and-hair pixels (about 20 L*
    darker than the forehead in the template) kept most of their light skin, as their weight
    is low: they came out lighter than the re-toned forehead, a light rim under the hair.
    Their skin share is now re-toned too: they stay darker than the forehead."""
    img, out, points = _retoned(template)
    forehead, rim = _forehead_and_rim(img, points)
    assert rim.sum() > 1000
    light = rgb_to_lab(out)[..., 0]
    assert light[rim].mean() < np.median(light[forehead]) - 1.5


def test_hair_itself_keeps_its_colour() -> None:
    """Only the skin share of a pixel changes: the step leaves dark hair (no skin in it) as
    the re-toning left it, and darkens the hairline's mixed pixels."""
    user = fixture_image(DARK_USER)
    lut = tone_curve(skin_tone(user, detect_faces(user)[0].landmarks),
                     skin_tone(img := fixture_image("andy_kim__house_official_1.jpg"),
                               points := detect_faces(img)[0].landmarks))
    person = fu.template_person(img)
    field = person_skin_field(img, points, person)
    canvas = img.copy()
    retone_curve(canvas, lut, field.roi, field.grid, field.weight)
    before = canvas.copy()
    hairline.retone_hairline(canvas, img[field.roi.slices], lut, points, field)
    light = rgb_to_lab(img)[..., 0]
    oval = polygon_mask(points[list(lm.FACE_OVAL)], img.shape[:2]) > 0.5
    grown = region_mask(points, lm.FACE_OVAL, img.shape, 1.5, 1.0) > 0.5
    hair = grown & ~oval & (light < 20)
    assert hair.sum() > 500
    change = np.abs(canvas.astype(int) - before.astype(int)).max(axis=2)
    assert np.percentile(change[hair], 99) <= 1
    _, rim = _forehead_and_rim(img, points)
    darker = rgb_to_lab(before)[..., 0][rim] - rgb_to_lab(canvas)[..., 0][rim]
    assert darker.mean() > 2.5


def test_no_dark_band_under_light_brown_hair() -> None:
    """Jake Auchincloss (light skin, light-brown hair) re-toned for a much darker user: down
    each column between the eyes, from the hair to the forehead, the darkest pixel of the
    hairline is at most a few L* below the darker of the hair just above it and the re-toned
    forehead. The tone curve had already moved the hairline's part-hair pixels most of the
    way, as if they were all skin, and the step added the rest of the skin's change on top:
    a band 7 L* below both (median over the columns), a brown rim round the forehead."""
    img, out, points = _retoned("jake_auchincloss__house_official_1.jpg")
    forehead, _ = _forehead_and_rim(img, points)
    before, after = rgb_to_lab(img)[..., 0], rgb_to_lab(out)[..., 0]
    hair_level, skin = np.median(before[forehead]) - 30, np.median(after[forehead])
    top = int(points[10, 1])
    left, right = sorted(int(points[i, 0]) for i in (lm.RIGHT_EYE_INNER, lm.LEFT_EYE_INNER))
    dips = []
    for col in range(left, right):
        rows = np.flatnonzero(before[:top, col] < hair_level)
        if rows.size:
            lowest = int(rows.max())  # the hair's lowest row above the forehead
            hair = after[lowest - 3:lowest + 1, col].mean()
            dips.append(after[lowest + 1:top, col].min() - min(hair, skin))
    assert len(dips) > 20
    assert np.median(dips) > -4.0


def test_skin_share_is_the_position_between_hair_and_skin() -> None:
    """Halfway from the hair's luma to the skin's; the first :data:`~hairline.HAIR_SPREAD`
    of the way still counts as hair, and darker than the hair is hair."""
    skin, hair = np.full((1, 3), 200.0, np.float32), np.full((1, 3), 40.0, np.float32)
    luma = np.array([[200.0, 120.0, 20.0]], np.float32)
    share = hairline._skin_share(luma, skin, hair)
    spread = hairline.HAIR_SPREAD
    assert share[0].tolist() == pytest.approx([1.0, (0.5 - spread) / (1 - spread), 0.0],
                                              abs=1e-6)


def _ears_and_cheeks(img: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Skin-coloured pixels beside the face oval between the eyes and just below the nose
    (the ears), and the cheeks (HxW bool each)."""
    lab, scale = rgb_to_lab(img), face_scale(points)
    cheeks = cheek_mask(points, img.shape) > 0.5
    rows, cols = np.arange(img.shape[0])[:, None], np.arange(img.shape[1])[None, :]
    xs = points[list(lm.FACE_OVAL), 0]
    side = (((cols < xs.min() - 2) | (cols > xs.max() + 2))
            & (cols > xs.min() - 0.45 * scale) & (cols < xs.max() + 0.45 * scale))
    band = (rows > points[lm.RIGHT_EYE_INNER, 1]) & (rows < points[lm.NOSE_TIP, 1] + 0.3 * scale)
    skin = np.linalg.norm(lab - np.median(lab[cheeks], axis=0), axis=2) < 25
    return side & band & skin, cheeks


@pytest.mark.parametrize("template", ["andy_kim__house_official_1.jpg",
                                      "pete_aguilar__house_official_1.jpg"])
def test_the_ears_are_retoned_like_the_face(template: str) -> None:
    """Ears are redder than the cheeks and thin, and the re-toning's feathered weight took
    them only partly: re-toned for a much darker user they came out lighter than his cheeks
    (ear/cheek L* 1.09-1.14, against 0.83-0.87 in the photo). Now they keep about their
    photo's ratio, a little darker: the curves darken the ears' shade more than the cheeks'
    light for a much darker user (Andy Kim's ears 0.13 below the photo's ratio away from
    their rim; with the rim, which mixes them with the backdrop, now re-toned by its share
    too and no longer a light outline, 0.127 in all)."""
    img, out, points = _retoned(template)
    ears, cheeks = _ears_and_cheeks(img, points)
    assert ears.sum() > 200
    before, after = rgb_to_lab(img)[..., 0], rgb_to_lab(out)[..., 0]
    ratio = before[ears].mean() / np.median(before[cheeks])
    assert abs(after[ears].mean() / np.median(after[cheeks]) - ratio) < 0.15


@pytest.mark.parametrize("template", ["andy_kim__house_official_1.jpg",
                                      "ted_lieu__house_official_1.jpg"])
def test_skin_the_retoning_took_whole_is_left_alone(template: str) -> None:
    """The step adds to each pixel its skin share of what the re-toning left out of it. That
    part was taken from the weight averaged over the statistics' coarse grid, several tenths
    higher at the hairline than a pixel's own, so forehead skin just under the hair, already
    re-toned in full, was darkened again (a dark band under a lighter hairline on Ted Lieu
    for a dark user; 30-41 levels). Where the re-toning's own weight is at least 0.97 the step
    now moves a pixel by at most 5 levels."""
    user = fixture_image(DARK_USER)
    tone = skin_tone(user, detect_faces(user)[0].landmarks)
    img = fixture_image(template)
    points = detect_faces(img)[0].landmarks
    person = fu.template_person(img)
    field = person_skin_field(img, points, person)
    roi, grid, weight = field.roi, field.grid, field.weight
    canvas = img.copy()
    lut = tone_curve(tone, skin_tone(img, points))
    before = canvas[roi.slices].copy()
    retone_curve(canvas, lut, roi, grid, weight)
    curved = canvas.copy()
    hairline.retone_hairline(canvas, before, lut, points, field)
    moved = np.abs(canvas.astype(int) - curved.astype(int)).max(axis=2)[roi.slices]
    full = np.clip(grid.up(weight), 0.0, 1.0)[:moved.shape[0], :moved.shape[1]]
    assert (moved > 6).sum() > 300  # the step does work on the hairline
    assert moved[full >= 0.97].max() <= 5  # 3% of a change of up to 115 levels, rounded


def test_backdrop_round_the_hair_is_left_alone() -> None:
    """A dark template (Burgess Owens, short black hair on a blue wall) re-toned for a much
    lighter user: the wall a few pixels past his hair is no mixture of hair and skin, but the
    coarse person map still reaches it, and the step lightened it by up to 10 levels as if
    it were skin (a pale halo round the head). Now it stays as it was."""
    user = fixture_image("andy_kim__house_official_1.jpg")
    tone = skin_tone(user, detect_faces(user)[0].landmarks)
    img = fixture_image(DARK_USER)
    points = detect_faces(img)[0].landmarks
    out = fu._retoned_template(img, [points], FusionParams(), fu.FusionReport(), [tone])
    wall = np.median(img[:10].reshape(-1, 3), axis=0)
    rows = np.arange(img.shape[0])[:, None]
    brow = points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min()
    grown = region_mask(points, lm.FACE_OVAL, img.shape, 1.7, 1.0) > 0.5
    backdrop = grown & (rows < brow) & (np.abs(img.astype(int) - wall).max(axis=2) < 12)
    assert backdrop.sum() > 300
    change = np.abs(out.astype(int) - img.astype(int)).max(axis=2)[backdrop]
    assert change.max() <= 5
    assert np.percentile(change, 99) <= 1


def test_light_brown_hair_beside_the_face_keeps_its_colour() -> None:
    """Grace Meng's long light-brown hair is skin-coloured, and beside her jaw and neck it was
    re-toned with her skin for a much darker user: 16% of it changed by more than 3 (Lab
    distance), in dark streaks. Hair is far more detailed than skin: it now keeps its
    colour there."""
    img, out, points = _retoned("grace_meng__house_official_1.jpg")
    before, after = rgb_to_lab(img), rgb_to_lab(out)
    person = cv2.resize(fu.template_person(img), img.shape[1::-1]) > 0.5
    scale = face_scale(points)
    middle = points[[lm.LEFT_CHEEK, lm.RIGHT_CHEEK], 0].mean()
    half = abs(points[lm.LEFT_CHEEK, 0] - points[lm.RIGHT_CHEEK, 0]) / 2
    rows = np.arange(img.shape[0])[:, None]
    cols = np.abs(np.arange(img.shape[1])[None, :] - middle)
    top, bottom = points[lm.NOSE_TIP, 1] + 0.6 * scale, points[lm.CHIN, 1] + 0.8 * scale
    hair = (person & (rows > top) & (rows < bottom) & (cols > half) & (cols < 1.6 * half)
            & (before[..., 2] > -5))  # not the blue wall
    assert hair.sum() > 3000
    change = np.linalg.norm(after - before, axis=2)[hair]
    assert (change > 3).mean() < 0.02


def _ear_folds(img: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ears' skin (:func:`_ears_and_cheeks`) and their folds: the gaps a 7x7 closing of
    that skin fills, over 15 L* darker than it (HxW bool each)."""
    ears, _ = _ears_and_cheeks(img, points)
    closed = cv2.morphologyEx(ears.astype(np.uint8), cv2.MORPH_CLOSE,
                              np.ones((7, 7), np.uint8)) > 0
    light = rgb_to_lab(img)[..., 0]
    return ears, closed & ~ears & (light < light[ears].mean() - 15)


@pytest.mark.parametrize("template", ["jake_auchincloss__house_official_1.jpg",
                                      "andy_kim__house_official_1.jpg"])
def test_the_ears_folds_stay_darker_than_the_ear(template: str) -> None:
    """An ear's folds in shadow, 20 L* darker than its skin in the photo, are far darker than
    the cheeks and the re-toning's lightness test left them out: re-toned for a much darker
    user they kept their light pink and came out 3-8 L* lighter than the darkened ear (light
    lines on Jake Auchincloss's ears). They are as colourful as skin and ringed by it: now
    re-toned too, they stay darker than the ear."""
    img, out, points = _retoned(template)
    ears, folds = _ear_folds(img, points)
    assert folds.sum() > 15
    light, after = rgb_to_lab(img)[..., 0], rgb_to_lab(out)[..., 0]
    assert light[folds].mean() < light[ears].mean() - 15
    assert after[folds].mean() < after[ears].mean() - 5


def test_light_brown_hair_at_the_ears_keeps_its_colour() -> None:
    """Grace Meng's light-brown and grey hair hangs over her ears, as skin-coloured by the
    likelihood as an ear, and the ears' zone re-toned it with her skin for a much darker
    user: 31% of it changed by more than 3 (Lab) and it came out 6 L* darker (a brown
    streak where she has a blonde one). Hair there is more detailed and greyer than an ear:
    it now keeps its colour."""
    img, out, points = _retoned("grace_meng__house_official_1.jpg")
    before, after = rgb_to_lab(img), rgb_to_lab(out)
    person = cv2.resize(fu.template_person(img), img.shape[1::-1]) > 0.5
    skin = np.linalg.norm(before - np.median(before[cheek_mask(points, img.shape) > 0.5],
                                             axis=0), axis=2) < 25
    xs = points[list(lm.FACE_OVAL), 0]
    scale = face_scale(points)
    rows, cols = np.arange(img.shape[0])[:, None], np.arange(img.shape[1])[None, :]
    side = (((cols < xs.min() - 3) & (cols > xs.min() - 0.4 * scale))
            | ((cols > xs.max() + 3) & (cols < xs.max() + 0.4 * scale)))
    band = (rows > points[lm.RIGHT_EYE_INNER, 1]) & (rows < points[lm.NOSE_TIP, 1])
    hair = person & side & band & ~skin & (before[..., 2] > -5)  # not the blue wall
    assert hair.sum() > 1000
    change = np.linalg.norm(after - before, axis=2)[hair]
    assert (change > 3).mean() < 0.08
    assert abs(after[..., 0][hair].mean() - before[..., 0][hair].mean()) < 1.0


def test_light_brown_hair_over_the_forehead_keeps_its_colour() -> None:
    """Grace Meng's blonde-streaked parting sweeps over her forehead, inside the crown zone
    where the re-toning takes anything skin-coloured (a bald scalp, a high forehead), and
    the hairline step took its streaks for hair and skin mixed: re-toned for a much darker
    user, 38% of it changed by more than 3 (Lab) and it came out 5 L* darker, brown. Hair
    more detailed and greyer than skin is now left out of both."""
    img, out, points = _retoned("grace_meng__house_official_1.jpg")
    before, after = rgb_to_lab(img), rgb_to_lab(out)
    person = cv2.resize(fu.template_person(img), img.shape[1::-1]) > 0.5
    skin = np.linalg.norm(before - np.median(before[cheek_mask(points, img.shape) > 0.5],
                                             axis=0), axis=2) < 25
    rows = np.arange(img.shape[0])[:, None]
    brow = points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min()
    oval = region_mask(points, lm.FACE_OVAL, img.shape, 1.1, 1.0) > 0.5
    grown = region_mask(points, lm.FACE_OVAL, img.shape, 1.35, 1.0) > 0.5
    hair = (person & grown & ~oval & (rows < brow - 0.3 * face_scale(points)) & ~skin
            & (before[..., 2] > -5))  # not the blue wall
    assert hair.sum() > 2000
    change = np.linalg.norm(after - before, axis=2)[hair]
    assert (change > 3).mean() < 0.22
    assert before[..., 0][hair].mean() - after[..., 0][hair].mean() < 2.5


def test_luma_of_a_uint8_image_is_not_rounded() -> None:
    """The step compares the re-toned canvas's luma (uint8) with the original's (float): a
    uint8 luma rounded to a level put up to half a level of error into how far the tone
    curve had moved a pixel."""
    pixel = np.array([[[101, 99, 100]]], np.uint8)
    assert hairline._luma(pixel)[0, 0] == pytest.approx(0.299 * 101 + 0.587 * 99 + 11.4,
                                                        abs=1e-3)
    assert hairline._luma(pixel.astype(np.float32))[0, 0] == pytest.approx(
        hairline._luma(pixel)[0, 0], abs=1e-4)


def _plain_mix_line(pixels: np.ndarray, skin: np.ndarray, hair: np.ndarray) -> np.ndarray:
    """:func:`hairline._on_mix_line` written plainly, a new array per step."""
    def total(img: np.ndarray) -> np.ndarray:
        return np.asarray(cv2.transform(img, np.ones((1, 3), np.float32)))

    span, off = cv2.subtract(skin, hair), cv2.subtract(pixels, hair)
    length2 = np.maximum(total(cv2.multiply(span, span)), np.float32(1.0))
    dot = total(cv2.multiply(off, span))
    t = np.clip(cv2.divide(dot, length2), 0.0, 1.0)
    residual = cv2.subtract(total(cv2.multiply(off, off)),
                            cv2.multiply(t, cv2.subtract(cv2.add(dot, dot),
                                                         cv2.multiply(t, length2))))
    distance = cv2.sqrt(cv2.divide(np.maximum(residual, np.float32(0.0)), length2))
    return np.asarray(np.clip(2.0 - distance / hairline.MIX_OFF, 0.0, 1.0), np.float32)


def _plain_share(luma: np.ndarray, skin: np.ndarray, hair: np.ndarray,
                 spread: float) -> np.ndarray:
    span = np.maximum(cv2.subtract(skin, hair), np.float32(1.0))
    share = cv2.divide(cv2.subtract(luma, hair), span * (1.0 - spread))
    return np.asarray(np.clip(share - spread / (1.0 - spread), 0.0, 1.0), np.float32)


def _plain_apply(target: np.ndarray, original: np.ndarray, levels: np.ndarray, k: int,
                 rest: np.ndarray) -> None:
    """:func:`hairline._apply` written plainly, a new array per step (the code the fast
    path replaced)."""
    h, w = target.shape[:2]

    def up(first: int, last: int) -> np.ndarray:
        part = np.ascontiguousarray(levels[..., first:last])
        return np.asarray(cv2.resize(part, (part.shape[1] * k, part.shape[0] * k),
                                     interpolation=cv2.INTER_LINEAR)[:h, :w])

    def luma(img: np.ndarray) -> np.ndarray:
        return np.asarray(cv2.transform(img.astype(np.float32),
                                        np.array([[0.299, 0.587, 0.114]], np.float32)))

    skin, hair, delta = up(0, 3), up(3, 6), up(7, 10)
    pixels = original.astype(np.float32)
    y, skin_y, hair_y = luma(pixels), luma(skin), luma(hair)
    reach = cv2.multiply(_plain_mix_line(pixels, skin, hair), up(6, 7))
    most = cv2.multiply(cv2.multiply(_plain_share(y, skin_y, hair_y, hairline.HAIR_SPREAD),
                                     reach), rest)
    skin_move = luma(delta)
    moved = cv2.divide(cv2.subtract(luma(target), y),
                       np.where(np.abs(skin_move) < 0.5, np.float32(np.inf), skin_move))
    missing = cv2.multiply(cv2.subtract(_plain_share(y, skin_y, hair_y, 0.0), moved), reach)
    share = np.clip(missing, 0.0, most)
    target[...] = cv2.add(target.astype(np.float32), cv2.multiply(delta, cv2.merge([share] * 3)),
                          dtype=cv2.CV_8U)


@pytest.mark.parametrize(("user", "template"), [
    (DARK_USER, "andy_kim__house_official_1.jpg"),
    (DARK_USER, "grace_meng__house_official_1.jpg"),
    ("judy_chu__house_official_1.jpg", "terri_a_sewell__house_official_1.jpg"),
])
def test_hairline_fast_path_gives_the_plain_arithmetics_bytes(
        user: str, template: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hairline step's per-pixel work (:func:`hairline._apply`: fewer passes, results
    written over spent arrays, both skin shares from one span) gives byte for byte what the
    plain arithmetic gives, on the real hairline blocks of re-toned portraits (the tone map
    of a dark user on light templates, a light one on a dark template)."""
    from portrait_studio.capabilities.face_swap.tone import tone_map

    u_img, img = fixture_image(user), fixture_image(template)
    points = detect_faces(img)[0].landmarks
    tm = tone_map(skin_tone(u_img, detect_faces(u_img)[0].landmarks), skin_tone(img, points))
    field = person_skin_field(img, points, fu.template_person(img))
    canvas = img.copy()
    retone_curve(canvas, tm, field.roi, field.grid, field.weight)
    seen: list[int] = []
    fast_apply = hairline._apply

    def both(target: np.ndarray, original: np.ndarray, levels: np.ndarray, k: int,
             rest: np.ndarray) -> None:
        before, plain = target.copy(), target.copy()
        _plain_apply(plain, original, levels, k, rest)
        fast_apply(target, original, levels, k, rest)
        changed = np.abs(plain.astype(np.int16) - before.astype(np.int16)).max(axis=2) > 0
        assert changed.mean() > 0.02, changed.mean()  # the step does move these pixels
        assert np.array_equal(target, plain), int(np.count_nonzero(target != plain))
        seen.append(target.shape[0] * target.shape[1])

    monkeypatch.setattr(hairline, "_apply", both)
    hairline.retone_hairline(canvas, img[field.roi.slices], tm, points, field)
    assert seen and seen[0] > 10000
