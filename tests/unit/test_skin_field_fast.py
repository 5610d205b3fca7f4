"""The skin field's cheaper steps give the plain arithmetic's bytes, without its temporaries."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import cv2
import numpy as np

from portrait_studio.capabilities.face_swap import tone
from portrait_studio.imaging.color import SkinModel, fit_skin_model
from portrait_studio.imaging.regions import disc
from tests.conftest import fixture_image


def _plain_skin_below(weight: np.ndarray, face: np.ndarray, scale: float) -> np.ndarray:
    found = ((weight >= tone.THROAT_SKIN) & (face <= 0.5)).view(np.uint8)
    skin = cv2.morphologyEx(found, cv2.MORPH_OPEN,
                            disc(max(round(tone.THROAT_BARE * scale), 1)))
    reach = max(round(tone.THROAT_REACH * scale), 1)
    below: np.ndarray = cv2.dilate(skin, np.ones((reach + 1, 1), np.uint8),
                                   anchor=(0, 0)) > 0
    return below


def test_skin_below_equals_the_plain_morphology() -> None:
    """Random soft weights with blobs (a chest) and a face oval, at eye distances of 3-130
    grid pixels (discs of 1-39, even and odd; columns of 5-196): the same pixels as
    OpenCV's opening and column dilation."""
    rng = np.random.default_rng(5)
    for _ in range(40):
        h, w = int(rng.integers(8, 300)), int(rng.integers(8, 300))
        yy, xx = np.mgrid[:h, :w].astype(np.float32)
        weight = rng.random((h, w)).astype(np.float32) * 0.6
        for _ in range(int(rng.integers(0, 4))):
            cy, cx, r = rng.random() * h, rng.random() * w, rng.random() * max(h, w) / 2 + 1
            weight[(yy - cy) ** 2 + (xx - cx) ** 2 < r * r] = 0.9
        face = ((yy - h * 0.3) ** 2 / (h * 0.2) ** 2 + (xx - w / 2) ** 2 / (w * 0.2) ** 2
                < 1).astype(np.float32)
        scale = float(rng.uniform(3.0, 130.0))
        new = tone._skin_below(weight, face, scale)
        assert new.dtype == bool
        assert np.array_equal(new, _plain_skin_below(weight, face, scale))


def _peak(call: Callable[[], np.ndarray]) -> int:
    call()  # warm (lazy tables, caches)
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_likelihoods_and_ramps_take_no_temporaries() -> None:
    """On a portrait's pixels (its cheek-fitted model): the likelihood, the lightness share
    and the detail ramp equal the plain expressions bit for bit, and allocate at most the
    arrays they return (the plain ones took 3-4 full-size temporaries more: at a skin
    field's 440x360 grid, each a page-faulted 0.6 MB)."""
    img = fixture_image("burgess_owens__house_official_1.jpg")
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.float32)
    mask[h // 3:h // 2, w // 3:2 * w // 3] = 1.0
    model: SkinModel = fit_skin_model(img, mask)
    px = model.pixels(img)
    size = px.dist.nbytes  # one float32 plane
    span = max(model.luma_hi - model.luma_lo, 10.0)
    for scale in (4.0, 8.0):
        chroma = np.clip(1.0 - (px.dist - scale * 0.5) / (scale * 0.5), 0.0, 1.0)
        low = np.clip((px.luma - (model.luma_lo - 0.35 * span)) / (0.25 * span), 0.0, 1.0)
        like = model.likelihood_of(px, scale)
        assert like.dtype == np.float32
        assert np.array_equal(like, (chroma * low).astype(np.float32))
        assert _peak(lambda s=scale: model.likelihood_of(px, s)) < 2.2 * size  # type: ignore[misc]
        assert _peak(lambda s=scale: model.hue_likelihood_of(px, s)) < 1.2 * size  # type: ignore[misc]
    mid = (model.luma_lo + model.luma_hi) / 2
    assert np.array_equal(model.lighter_of(px), np.clip((px.luma - mid) / 12.0, 0.0, 1.0))
    assert _peak(lambda: model.lighter_of(px)) < 1.2 * size
    detail = (px.dist * np.float32(0.7)).astype(np.float32)
    plain = np.clip((detail - 4.5) / (7.0 - 4.5), 0.0, 1.0).astype(np.float32)
    assert np.array_equal(tone._ramp_up(detail, tone.HAIR_DETAIL), plain)
    assert _peak(lambda: tone._ramp_up(detail, tone.HAIR_DETAIL)) < 1.2 * size


def test_disc_rectangles_make_the_disc_and_its_erosion() -> None:
    """Every disc the rectangles serve (odd 17-43 px) is exactly the union of its centred
    rectangles, and eroding and dilating by them gives OpenCV's pixels for the disc: random
    masks and a face-sized oval, 20-300 px (smaller than the disc, too)."""
    from portrait_studio.imaging import regions

    assert regions.DISC_DIRECT < 17 <= regions.DISC_RECTS
    for size in range(17, regions.DISC_RECTS + 1, 2):
        union = np.zeros((size, size), np.uint8)
        c = size // 2
        for width, height in regions._disc_rects(size):
            union[c - height // 2:c + height // 2 + 1, c - width // 2:c + width // 2 + 1] = 1
        assert np.array_equal(union, disc(size)), size
    rng = np.random.default_rng(9)
    oval = np.zeros((260, 220), np.uint8)
    cv2.ellipse(oval, (110, 140), (70, 100), 15, 0, 360, 1, -1)
    masks = [oval.astype(bool), (oval > 0) | (rng.random(oval.shape) < 0.03)]
    masks += [rng.random((int(h), int(w))) < rng.random() * 0.8
              for h, w in rng.integers(20, 300, (12, 2))]
    for mask in masks:
        for size in (17, 19, 23, 29, 35, 41, 43):
            flags = mask.astype(np.uint8)
            assert np.array_equal(regions.erode_disc(mask, size),
                                  cv2.erode(flags, disc(size)) > 0), (mask.shape, size)
            assert np.array_equal(regions.dilate_disc(mask, size),
                                  cv2.dilate(flags, disc(size)) > 0), (mask.shape, size)


def test_body_skin_closes_its_holes_with_the_disc_helpers(monkeypatch: object) -> None:
    """The body skin's holes (a 37-px disc at a 120-px eye distance, as at 1080x1320) are
    closed by the disc helpers, never by OpenCV's own closing (which scans the disc's every
    pixel), and the raised falloff and likelihood are those of OpenCV's closing."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    from portrait_studio.imaging import regions
    from portrait_studio.perception import landmarks as lm

    rng = np.random.default_rng(3)
    h, w = 300, 240
    img = np.empty((h, w, 3), np.uint8)
    img[:] = (60, 90, 200)  # a blue backdrop
    img[80:, 30:210] = (200, 150, 120)  # a bare chest
    img[80:, 30:210] += rng.integers(0, 6, (h - 80, 180, 3), dtype=np.uint8)
    img[150:170, 100:125] = (235, 205, 170)  # a lit patch: a hole in the skin
    cheeks = np.zeros((h, w), np.float32)
    cheeks[100:140, 60:180] = 1.0
    model = fit_skin_model(img, cheeks)
    px = model.pixels(img)
    oval = np.zeros((h, w), np.float32)
    cv2.ellipse(oval, (120, 40), (50, 60), 0, 0, 360, 1.0, -1)
    local = np.zeros((478, 2), np.float32)
    local[lm.CHIN] = (120.0, 90.0)
    person = np.ones((h, w), np.float32)
    detail = np.zeros((h, w), np.float32)

    def run() -> tuple[np.ndarray, np.ndarray]:
        falloff = np.zeros((h, w), np.float32)
        lit = model.likelihood_of(px, tone.SKIN_TOLERANCE)
        tone._body_skin(falloff, lit, px, model, detail, person, oval, local, 120.0)
        return falloff, lit

    kernels: list[int] = []
    morph = cv2.morphologyEx

    def spy(src: np.ndarray, op: int, kernel: np.ndarray, *a: object, **k: object) -> object:
        kernels.append(max(kernel.shape))
        return morph(src, op, kernel, *a, **k)  # type: ignore[call-overload]

    monkeypatch.setattr(cv2, "morphologyEx", spy)
    falloff, lit = run()
    assert kernels and max(kernels) <= regions.DISC_DIRECT
    monkeypatch.setattr(tone, "erode_disc",
                        lambda m, s: cv2.erode(np.asarray(m, np.uint8), disc(s)) > 0)
    monkeypatch.setattr(tone, "dilate_disc",
                        lambda m, s: cv2.dilate(np.asarray(m, np.uint8), disc(s)) > 0)
    plain_falloff, plain_lit = run()
    assert float(falloff[150:170, 100:125].min()) > 0.9  # the chest, its lit patch too
    assert np.array_equal(falloff, plain_falloff) and np.array_equal(lit, plain_lit)


def test_lit_patches_are_labelled_on_their_box(monkeypatch: object) -> None:
    """The lit patches within skin are labelled on the bounding box of the candidate pixels
    only, and come out as labelled on the whole grid: a chest with a lit patch (raised to
    the wider likelihood) and a light blouse piece beside it."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    rng = np.random.default_rng(4)
    h, w = 300, 240
    img = np.empty((h, w, 3), np.uint8)
    img[:] = (60, 90, 200)
    img[80:, 30:210] = (200, 150, 120)
    img[80:, 30:210] += rng.integers(0, 6, (h - 80, 180, 3), dtype=np.uint8)
    img[150:175, 100:130] = (240, 175, 140)  # a lit patch inside the skin (pinker)
    img[250:290, 150:205] = (245, 215, 190)  # a light piece at the skin's edge
    cheeks = np.zeros((h, w), np.float32)
    cheeks[100:140, 60:180] = 1.0
    model = fit_skin_model(img, cheeks)
    px = model.pixels(img)
    coloured = tone._saturated(px, model)
    person = np.ones((h, w), np.float32)
    shapes: list[tuple[int, ...]] = []
    label = cv2.connectedComponentsWithStats

    def spy(src: np.ndarray, *a: object, **k: object) -> object:
        shapes.append(src.shape)
        return label(src, *a, **k)  # type: ignore[call-overload]

    monkeypatch.setattr(cv2, "connectedComponentsWithStats", spy)
    boxed = tone._lit_skin(px, model, coloured, person, 100.0)
    assert shapes and shapes[-1][0] * shapes[-1][1] < h * w // 2
    monkeypatch.setattr(cv2, "boundingRect", lambda m: (0, 0, m.shape[1], m.shape[0]))
    whole = tone._lit_skin(px, model, coloured, person, 100.0)
    assert shapes[-1] == (h, w)
    plain = model.likelihood_of(px, scale=tone.SKIN_TOLERANCE) * coloured * person
    assert float((boxed - plain)[150:175, 100:130].max()) > 0.1  # the patch was raised
    assert np.array_equal(boxed, whole)
