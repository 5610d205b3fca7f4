"""Skin re-toning by tone curves (capabilities/face_swap/tone.py)."""

from __future__ import annotations

import numpy as np
import pytest

from portrait_studio.capabilities.face_swap.tone import (
    QUANTILES,
    SkinTone,
    ToneMap,
    retone_curve,
    tone_curve,
    weighted_quantiles,
)
from portrait_studio.imaging import geometry as geo


def _tone(pixels: np.ndarray) -> SkinTone:
    img = pixels.reshape(1, -1, 3)
    weight = np.ones(img.shape[:2], np.float32)
    return SkinTone(weighted_quantiles(img, weight, QUANTILES))


def _skin(mean: tuple[float, float, float], spread: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(mean, spread, (4000, 3)), 0, 255).astype(np.float32)


def test_weighted_quantiles_follow_the_weights() -> None:
    img = np.array([[[10, 10, 10], [20, 20, 20], [30, 30, 30], [200, 200, 200]]], np.uint8)
    weight = np.array([[1, 1, 1, 0]], np.float32)  # the bright pixel does not count
    q = weighted_quantiles(img, weight, np.array([0.0, 1.0]))
    assert q[0, 0] <= 10.0 + 1e-3 and q[1, 0] == 30.0
    assert np.all(q[:, 0] == q[:, 1])


def test_dark_skin_lightened_to_the_user_keeps_highlights_below_white() -> None:
    dark, light = _skin((95, 62, 48), 14, 1), _skin((222, 176, 156), 9, 2)
    lut = tone_curve(_tone(light), _tone(dark))[:, 0, :].astype(np.float32)
    assert np.all(np.diff(lut, axis=0) >= 0)  # monotone in every channel
    mapped = lut[dark.astype(np.uint8), np.arange(3)]
    assert np.abs(mapped.mean(axis=0) - light.mean(axis=0)).max() < 4.0
    # a specular highlight twice the dark mean stays a highlight, below white; the plain
    # ratio of means would clip it (190 x 222/95 > 255)
    assert lut[130, 0] < lut[190, 0] < 252
    assert lut[0, 0] == 0  # black stays black


def test_light_skin_darkened_keeps_its_shadows() -> None:
    light, dark = _skin((225, 180, 160), 9, 3), _skin((100, 66, 50), 12, 4)
    lut = tone_curve(_tone(dark), _tone(light))[:, 0, :].astype(np.float32)
    mapped = lut[light.astype(np.uint8), np.arange(3)]
    assert np.abs(mapped.mean(axis=0) - dark.mean(axis=0)).max() < 4.0
    assert 0 < lut[120, 0] < lut[200, 0]  # a shadow well below the skin stays darker


def test_a_flat_lit_template_is_not_stretched_to_a_contrasty_users_range() -> None:
    # a flat-lit, overexposed template forehead (narrow spread) and a contrasty dark user
    # (wide spread from shadows to specular highlights): the template's brightest skin used
    # to map to the user's highlights (slope up to 3), a light band above the face
    flat, contrasty = _skin((235, 195, 180), 5, 5), _skin((122, 80, 62), 28, 6)
    lut = tone_curve(_tone(contrasty), _tone(flat))[:, 0, :].astype(np.float32)
    src, dst = _tone(flat).quantiles, _tone(contrasty).quantiles
    mid = len(QUANTILES) // 2
    for c in range(3):
        gain = dst[mid, c] / src[mid, c]
        inner = np.diff(lut[int(src[0, c]):int(src[-1, c]) + 1, c])
        assert inner.max() <= 2.0 * gain + 1.0, (c, inner.max(), gain)  # +1: rounding
        assert abs(lut[int(np.rint(src[mid, c])), c] - dst[mid, c]) <= 1.5  # the median kept
    top = int(src[-1, 0])
    assert lut[top, 0] < dst[-1, 0] - 15, (lut[top, 0], dst[-1, 0])


def test_retone_curve_applies_in_proportion_to_the_weight() -> None:
    canvas = np.full((40, 60, 3), 100, np.uint8)
    lut = np.tile(np.arange(256, dtype=np.float32)[:, None, None], (1, 1, 3))
    lut[100] = 180  # every channel: 100 -> 180
    grid = geo.WorkGrid((40, 60), 2)
    weight = np.zeros(grid.small, np.float32)
    weight[:, 15:] = 1.0   # right half full, left half untouched
    weight[:, 10:15] = 0.5
    retone_curve(canvas, lut.astype(np.uint8), geo.Roi(0, 0, 60, 40), grid, weight)
    assert np.all(canvas[:, :19] == 100)   # weight 0 (bilinear reach of the grid included)
    assert np.all(canvas[:, 22:28] == 140)  # half weight: half way
    assert np.all(canvas[:, 32:] == 180)


def test_hair_on_a_dark_face_is_not_retoned_with_the_skin() -> None:
    """Terri Sewell's black fringe lies inside her face oval and within the re-toning's wide
    colour tolerance of her dark skin: it used to get weight ~0.9 and turned blue-grey under a
    light user's complexion. Near-grey pixels now get almost none; the cheeks keep ~1."""
    import cv2

    from portrait_studio.capabilities.face_swap.tone import person_skin_weight
    from portrait_studio.perception.faces import detect_faces
    from portrait_studio.perception.masks import cheek_mask, face_regions
    from portrait_studio.perception.segmentation import person_mask
    from tests.conftest import fixture_image

    img = fixture_image("terri_a_sewell__house_official_1.jpg")
    points = detect_faces(img)[0].landmarks
    roi, weight = person_skin_weight(img, points, person_mask(img))
    field = np.zeros(img.shape[:2], np.float32)
    field[roi.slices] = weight
    ycc = cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb).astype(np.float32)
    grey = np.hypot(ycc[..., 1] - 128, ycc[..., 2] - 128) < 5
    hair = (face_regions(points, img.shape).oval > 0.5) & grey & (ycc[..., 0] < 50)
    assert hair.sum() > 800  # the fringe
    assert float(field[hair].mean()) < 0.25
    assert float(field[cheek_mask(points, img.shape) > 0.5].mean()) > 0.9


def test_highlights_of_a_light_template_do_not_jump_toward_white_for_a_dark_user() -> None:
    """A light template's skin tops out a few levels below 255 in red: "straight to white" from
    there had a slope of ~15 and sent every pore a little above it 80 levels up, channel by
    channel (orange and cyan specks over a re-toned forehead). Above the top quantile the curve
    is now no steeper than the skin's overall mapping."""
    light, dark = _skin((238, 200, 187), 6, 5), _skin((120, 85, 74), 14, 6)
    lut = tone_curve(_tone(dark), _tone(light))[:, 0, :].astype(np.float32)
    top = np.percentile(light, 95, axis=0).astype(int)
    for c in range(3):
        rise = lut[min(255, top[c] + 5), c] - lut[top[c], c]
        assert 0 <= rise <= 5 * 3.0 + 1  # SLOPE_RANGE's top
    assert lut[255, 0] < 215  # red no longer reaches near-white from a dark skin tone


def test_forehead_above_the_face_mesh_is_retoned_with_the_face() -> None:
    """The upper forehead between the mesh's oval and the hair is shinier and pinker than the
    cheeks: the re-toning gave it ~0.73 weight, so under a darker user's face it stayed a
    lighter band. Skin there now gets (almost) the whole re-toning."""
    from portrait_studio.capabilities.face_swap import tone
    from portrait_studio.perception.faces import detect_faces
    from portrait_studio.perception.masks import cheek_mask, face_regions, face_scale
    from portrait_studio.perception.segmentation import person_mask
    from tests.conftest import fixture_image

    img = fixture_image("andy_kim__house_official_1.jpg")
    points = detect_faces(img)[0].landmarks
    person = person_mask(img)
    model = tone.local_skin_model(img, cheek_mask(points, img.shape))
    band = ((tone.crown_zone(points, img.shape, face_scale(points)) > 0.9)
            & (face_regions(points, img.shape).oval < 0.1))
    skin = band & (model.likelihood(img, scale=8.0) > 0.5) & (person > 0.5)
    roi, weight = tone.person_skin_weight(img, points, person)
    field = np.zeros(img.shape[:2], np.float32)
    field[roi.slices] = weight
    assert skin.sum() > 2000
    assert float(field[skin].mean()) > 0.88


def test_saturation_lookups_share_one_pair_index_and_match_the_arithmetic() -> None:
    """:func:`_saturated` looks each pixel's (Cr, Cb) pair (:attr:`SkinPixels.pairs`, one
    index shared by its three lookups) up in a table of precomputed chroma magnitudes: the
    same values as the arithmetic per pixel, on a real portrait's face."""
    from portrait_studio.capabilities.face_swap.tone import (
        EAR_FOLD,
        GREY_SHARE,
        _saturated,
        local_skin_model,
    )
    from portrait_studio.perception.faces import detect_faces
    from portrait_studio.perception.masks import cheek_mask
    from tests.conftest import fixture_image

    img = fixture_image("terri_a_sewell__house_official_1.jpg")
    points = detect_faces(img)[0].landmarks
    roi = geo.roi_around(points, 1.2, img.shape)
    crop = np.ascontiguousarray(img[roi.slices])
    model = local_skin_model(crop, cheek_mask(points - roi.offset, crop.shape))
    px = model.pixels(crop)
    cr, cb = px.ycc[..., 1].astype(np.int64), px.ycc[..., 2].astype(np.int64)
    assert np.array_equal(px.pairs, cr * 256 + cb)
    assert px.pairs is px.pairs  # computed once
    chroma = np.hypot(cr.astype(np.float32) - 128, cb.astype(np.float32) - 128)
    skin = max(float(np.hypot(model.mean[0] - 128, model.mean[1] - 128)), 4.0)
    for lo, hi in (GREY_SHARE, EAR_FOLD):
        expected = np.clip((chroma / skin - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)
        assert np.array_equal(_saturated(px, model, (lo, hi)), expected)
    grey = _saturated(px, model)
    assert 0.2 < float((grey == 0).mean()) < 0.3 and float((grey == 1).mean()) > 0.5


def _shaded_lab(rgb: np.ndarray, lightness: np.ndarray) -> np.ndarray:
    """Lab (Nx3) of the colour ``rgb`` (3, 0..255) scaled in linear light to each of the
    ``lightness`` values (N, L*): that colour in shade."""
    from portrait_studio.imaging.color import rgb_to_lab

    lin = (rgb.astype(np.float64) / 255.0) ** 2.2
    target = np.where(lightness > 8, ((lightness + 16) / 116) ** 3, lightness / 903.3)
    scaled = lin[None, :] * (target / float(lin @ [0.2126, 0.7152, 0.0722]))[:, None]
    rgb_f = np.clip(scaled ** (1 / 2.2) * 255, 0, 255).astype(np.float32)
    out: np.ndarray = rgb_to_lab(rgb_f.reshape(-1, 1, 3)).reshape(-1, 3)
    return out


@pytest.mark.parametrize("template", ["terri_a_sewell__house_official_1.jpg",
                                      "burgess_owens__house_official_1.jpg"])
def test_a_dark_templates_shading_is_retoned_to_the_light_users_skin_in_shade(
        template: str) -> None:
    """A light user (Judy Chu) on a dark template: the channel curves alone mapped the
    template's deep shading (temples, under the jaw; L* < 38) to a greyish mauve (Lab hue
    down to -7 deg where the user's skin is 48-55): a third of those pixels were more than
    30 deg of hue from the user's own cheek shadow taken into the same shade, a mean
    CIEDE2000 of 6.7-7.0 from it. That shading is now the user's skin in shade."""
    from portrait_studio.capabilities.face_swap.tone import person_skin_field, skin_tone
    from portrait_studio.imaging.color import rgb_to_lab
    from portrait_studio.perception.faces import detect_faces
    from portrait_studio.perception.masks import cheek_mask
    from portrait_studio.pipelines import fusion as fu
    from portrait_studio.pipelines.fusion_params import FusionParams
    from tests.bench_metrics import bench_metrics
    from tests.conftest import fixture_image

    user = fixture_image("judy_chu__house_official_1.jpg")
    u_pts = detect_faces(user)[0].landmarks
    img = fixture_image(template)
    points = detect_faces(img)[0].landmarks
    out = fu._retoned_template(img, [points], FusionParams(), fu.FusionReport(),
                               [skin_tone(user, u_pts)])
    cheeks = cheek_mask(u_pts, user.shape) > 0.5
    cheek_l = rgb_to_lab(user)[cheeks][:, 0]
    shadow = user[cheeks][cheek_l < np.percentile(cheek_l, 25)].mean(axis=0)  # cheek shadow
    field = person_skin_field(img, points, fu.template_person(img))
    weight = np.zeros(img.shape[:2], np.float32)
    weight[field.roi.slices] = np.clip(field.grid.up(field.weight), 0.0, 1.0)[
        :field.roi.h, :field.roi.w]
    lab = rgb_to_lab(out)
    shading = lab[(weight > 0.5) & (lab[..., 0] < 38)]
    assert len(shading) > 400, len(shading)
    ref = _shaded_lab(shadow, shading[:, 0])
    de = bench_metrics().ciede2000(shading, ref)
    hue = np.degrees(np.arctan2(shading[:, 2], shading[:, 1])
                     - np.arctan2(ref[:, 2], ref[:, 1]))
    off = np.abs((hue + 180.0) % 360.0 - 180.0) > 30
    assert float(de.mean()) < 4.0, float(de.mean())
    assert float(off.mean()) < 0.12, float(off.mean())


def test_a_shaded_template_skin_maps_to_the_users_skin_in_shade() -> None:
    """The channel curves take the template's skin median to the user's, but a dark skin's
    shading, below the skin's range, went through each channel's own proportional gain: half
    the dark median came out purple-grey (136, 128, 141) for a light user. The tone map keeps
    the curves' luma and gives it the user's chromaticity (R/Y - 1, B/Y - 1)."""
    import cv2

    from portrait_studio.capabilities.face_swap.tone import tone_map

    dark, light = _skin((95, 62, 48), 14, 1), _skin((222, 176, 156), 9, 2)
    tm = tone_map(_tone(light), _tone(dark))

    def chroma(rgb: np.ndarray) -> np.ndarray:
        c = rgb.astype(np.float64)
        return np.array([c[0], c[2]]) / float(c @ [0.299, 0.587, 0.114]) - 1.0

    user = chroma(np.median(light, axis=0))
    median = np.median(dark, axis=0)
    assert np.abs(tm.apply(np.rint(median).astype(np.uint8).reshape(1, 1, 3))[0, 0]
                  - np.median(light, axis=0)).max() <= 3
    for shade in (0.5, 0.35):
        px = np.rint(median * shade).astype(np.uint8).reshape(1, 1, 3)
        out, curve = tm.apply(px)[0, 0], cv2.LUT(px, tm.lut)[0, 0]
        assert np.abs(chroma(out) - user).max() < 0.03, (shade, out)
        assert np.abs(chroma(curve) - user).max() > 0.15  # the curves alone: purple-grey
        luma = np.array([0.299, 0.587, 0.114])
        assert abs(float(out @ luma) - float(curve @ luma)) < 1.5  # the curves' luma


def _reference_apply(tm: ToneMap, img: np.ndarray) -> np.ndarray:
    """:meth:`ToneMap.apply` written plainly, one new array per step, its tables by level
    built from the map's fields on the spot (the code the fast path replaced)."""
    import cv2

    luma = np.array([0.299, 0.587, 0.114], np.float32)
    row = luma.reshape(1, 3)
    skin = 1.0 + tm.template
    cos, sin = tm.turn
    gain_c, gain_s = tm.gain * np.float32(cos), tm.gain * np.float32(sin)
    base_r = 1.0 + tm.user[:, 0] - gain_c * skin[:, 0] + gain_s * skin[:, 1]
    base_b = 1.0 + tm.user[:, 1] - gain_s * skin[:, 0] - gain_c * skin[:, 1]
    tables = [np.ascontiguousarray(t, np.float32).reshape(256, 1)
              for t in (skin[:, 0], skin[:, 1], gain_c, gain_s, base_r, base_b)]
    curved = cv2.LUT(img, tm.lut).astype(np.float32)
    src = img.astype(np.float32)
    y_in, y_out = cv2.transform(src, row), cv2.transform(curved, row)
    level = cv2.convertScaleAbs(y_in)
    skin_r, skin_b, g_c, g_s, b_r, b_b = (cv2.LUT(level, t) for t in tables)
    red, _, blue = cv2.split(src)
    off = cv2.magnitude(red - y_in * skin_r, blue - y_in * skin_b)
    near = np.clip((80.0 - off) * np.float32(1.0 / 40.0), 0.0, 1.0)
    y = np.maximum(y_in, np.float32(1.0))
    s_c, s_s = cv2.divide(g_c, y), cv2.divide(g_s, y)
    r = cv2.multiply(y_out, b_r + (cv2.multiply(s_c, red) - cv2.multiply(s_s, blue)))
    b = cv2.multiply(y_out, b_b + (cv2.multiply(s_s, red) + cv2.multiply(s_c, blue)))
    g = (y_out - luma[0] * r - luma[2] * b) * np.float32(1.0 / luma[1])
    return np.asarray(cv2.merge([cv2.add(c, cv2.multiply(near, m - c), dtype=cv2.CV_8U)
                                 for c, m in zip(cv2.split(curved), (r, g, b))]))


@pytest.mark.parametrize(("user", "template"), [
    ("judy_chu", "burgess_owens"),
    ("judy_chu", "terri_a_sewell"),
    ("burgess_owens", "grace_meng"),
])
def test_tone_map_fast_path_gives_the_plain_arithmetics_bytes(user: str, template: str) -> None:
    """:meth:`ToneMap.apply` (fewer passes, results written over spent arrays, tables
    built once per map) gives byte for byte what the plain arithmetic gives: on the whole
    template portrait (its skin, shading, hair and backdrop), on a 4-level lattice of all
    colours, and on a block cut out of the middle of the portrait (a strided view, as the
    re-toning's bands are); the tables are built once and reused."""
    from portrait_studio.capabilities.face_swap.tone import skin_tone, tone_map
    from portrait_studio.perception.faces import detect_faces
    from tests.conftest import fixture_image

    u_img, t_img = (fixture_image(f"{name}__house_official_1.jpg") for name in (user, template))
    tm = tone_map(skin_tone(u_img, detect_faces(u_img)[0].landmarks),
                  skin_tone(t_img, detect_faces(t_img)[0].landmarks))
    axis = np.arange(0, 256, 4, dtype=np.uint8)
    lattice = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), axis=-1).reshape(256, -1, 3)
    h, w = t_img.shape[:2]
    block = t_img[h // 4:h // 4 + 37, w // 5:w - w // 5]
    for img in (t_img, lattice, block):
        fast, plain = tm.apply(img), _reference_apply(tm, img)
        assert fast.shape == plain.shape and fast.dtype == np.uint8
        moved = np.abs(plain.astype(np.int16) - img.astype(np.int16)).max(axis=2) > 2
        assert moved.mean() > 0.05  # the map does move these pixels
        assert np.array_equal(fast, plain), int(np.count_nonzero(fast != plain))
    tables = tm._luts
    assert tm._luts is tables  # built once per map, not per call


def test_a_small_face_in_a_large_photo_is_re_toned_on_a_bounded_grid(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The re-toning reaches 22 x 26 eye distances around a face: for a small face in a
    large photo (8 MP, 103 px between the eyes) its working grid at the face's own density
    was 3.9 MP and took 2.6 s. The grid is coarsened to at most FIELD_PIXELS; the weight is
    a smooth field and hardly changes."""
    import cv2

    from portrait_studio.capabilities.face_swap import tone
    from portrait_studio.perception.faces import detect_faces
    from portrait_studio.pipelines.fusion import template_person
    from tests.conftest import fixture_image

    photo = fixture_image("obama_biden__two_people_2faces.jpg")
    big = cv2.copyMakeBorder(photo, 0, 1800, 700, 700, cv2.BORDER_CONSTANT, value=(96, 96, 96))
    face = max(detect_faces(big), key=lambda f: f.box.x)  # Biden
    person = template_person(big)
    field = tone.person_skin_field(big, face.landmarks, person)
    assert field.weight.size <= tone.FIELD_PIXELS
    assert field.roi.w * field.roi.h > 4 * tone.FIELD_PIXELS  # the reach is that large
    monkeypatch.setattr(tone, "FIELD_PIXELS", 10**9)
    fine = tone.person_skin_field(big, face.landmarks, person)
    assert fine.weight.size > 4 * field.weight.size

    def weight(f: tone.SkinField) -> np.ndarray:
        full = np.zeros(big.shape[:2], np.float32)
        up = f.grid.up(np.ascontiguousarray(f.weight))[:f.roi.h, :f.roi.w]
        full[f.roi.slices][:up.shape[0], :up.shape[1]] = up
        return full

    # over the face and the 2 face heights around it (neck, ears, collar)
    b = face.box
    near = (slice(max(0, int(b.y - b.h)), int(b.y + 3 * b.h)),
            slice(max(0, int(b.x - b.w)), int(b.x + 2 * b.w)))
    coarse, exact = weight(field)[near], weight(fine)[near]
    assert exact.max() > 0.9 and (exact > 0.5).sum() > 20000
    assert np.abs(coarse - exact).mean() < 0.03


def test_a_greyer_template_pixel_comes_out_greyer_in_the_users_hue() -> None:
    """A pixel greyer than a yellow template's skin (a painting's pale lit chest beside her
    face) departs from that skin toward grey; added to a brown user's skin as it was, that
    step pointed toward mauve (9 deg of hue off the user's skin for a third of the way to
    grey). Turned by the angle between the skins' hues, it is the user's skin greyer: the
    same hue, about 0.7 of its chroma."""
    import math

    from portrait_studio.capabilities.face_swap.tone import tone_map

    def chroma(rgb: np.ndarray) -> np.ndarray:
        c = rgb.astype(np.float64)
        return np.array([c[0], c[2]]) / float(c @ [0.299, 0.587, 0.114]) - 1.0

    template, user = np.array([200.0, 140.0, 60.0]), np.array([122.0, 85.0, 74.0])
    tm = tone_map(_tone(_skin((122, 85, 74), 9, 2)), _tone(_skin((200, 140, 60), 12, 1)))
    assert math.degrees(math.atan2(tm.turn[1], tm.turn[0])) > 15  # a yellower template
    luma = float(template @ [0.299, 0.587, 0.114])
    greyer = np.rint(0.7 * template + 0.3 * luma).astype(np.uint8).reshape(1, 1, 3)
    out, own = chroma(tm.apply(greyer)[0, 0]), chroma(user)
    off = math.degrees(math.atan2(out[1], out[0]) - math.atan2(own[1], own[0]))
    assert abs(off) < 3.0, off
    assert 0.6 < float(np.hypot(*out) / np.hypot(*own)) < 0.8


def test_a_grey_skins_hue_does_not_turn_the_departures() -> None:
    """A black-and-white template's skin has no hue to turn from: its map keeps departures
    as they are (no turn), as does a map between two skins of one hue."""
    from portrait_studio.capabilities.face_swap.tone import tone_map

    grey = _tone(_skin((150, 150, 150), 10, 1))
    assert tone_map(_tone(_skin((122, 85, 74), 9, 2)), grey).turn == (1.0, 0.0)
    same = tone_map(_tone(_skin((200, 150, 120), 9, 2)), _tone(_skin((150, 112, 90), 9, 1)))
    assert abs(same.turn[1]) < 0.05
