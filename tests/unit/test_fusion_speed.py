"""Speed work on face fusion that must not change results: the uint8 Laplacian blend, OpenCV
channel scaling, the single-detector path for the largest face, the band-limited glasses
search, the helper thread's own MediaPipe graphs, and the swap's user half computed ahead."""

from __future__ import annotations

import threading
from typing import Any

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.face_swap import core
from portrait_studio.capabilities.face_swap.types import SwapOptions
from portrait_studio.capabilities.retouch.core import sharpen, smooth_skin
from portrait_studio.imaging.blend import laplacian_blend, laplacian_blend_u8, scale_channels
from portrait_studio.imaging.color import to_u8
from portrait_studio.perception import faces, glasses
from portrait_studio.perception import landmarks as lm
from portrait_studio.perception.graphs import graph_slot, in_helper
from portrait_studio.perception.masks import face_regions, face_scale
from tests.conftest import fixture_image

KIM, AOC = "andy_kim__house_official_1.jpg", "alexandria_ocasio_cortez__house_official_1.jpg"


def _random(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 255, shape).astype(np.float32)


def test_uint8_blend_equals_the_rounded_float_blend() -> None:
    fg = _random(0, (90, 70, 3))
    bg = _random(1, (90, 70, 3)).astype(np.uint8)
    mask = cv2.GaussianBlur((_random(2, (90, 70)) > 128).astype(np.float32), (0, 0), 4)
    ours = laplacian_blend_u8(fg, bg, mask, levels=3)
    reference = to_u8(laplacian_blend(fg, bg, mask, levels=3))
    assert ours.dtype == np.uint8
    assert int(np.abs(ours.astype(int) - reference.astype(int)).max()) == 0
    # an all-ones mask gives the foreground, an all-zeros one the background
    assert np.array_equal(laplacian_blend_u8(fg, bg, np.zeros_like(mask), 3), bg)
    np.testing.assert_allclose(laplacian_blend_u8(fg, bg, np.ones_like(mask), 3), to_u8(fg),
                               atol=1)


def test_scale_channels_is_broadcast_multiplication_in_place() -> None:
    img, weight = _random(3, (7, 5, 3)), _random(4, (7, 5)) / 255
    expected = img * weight[..., None]
    out = scale_channels(img, weight)
    assert out is img
    assert np.array_equal(out, expected)
    assert scale_channels(np.full((2, 2), 3.0, np.float32),
                          np.full((2, 2), 0.5, np.float32))[0, 0] == 1.5


def test_smoothing_and_sharpening_keep_their_formulas() -> None:
    img, skin = _random(5, (60, 50, 3)), _random(6, (60, 50)) / 255
    src = img / 255.0
    smooth = cv2.ximgproc.guidedFilter(src, src, 3, 0.008) * 255.0
    weight = (skin * 0.5 * 0.75)[..., None]
    np.testing.assert_allclose(smooth_skin(img, skin, 0.5, 50.0),
                               img * (1 - weight) + smooth * weight, atol=2e-3)
    blur = cv2.GaussianBlur(img, (0, 0), 2.0)
    expected = np.clip(img + (img - blur) * (0.4 * skin)[..., None], 0, 255)
    np.testing.assert_allclose(sharpen(img, skin, 0.4, 2.0), expected, atol=1e-3)
    assert np.array_equal(smooth_skin(img, skin, 0.0, 50.0), img)


def test_detection_copy_factor_and_size() -> None:
    small, k = faces.detection_copy(np.zeros((1320, 1080, 3), np.uint8))
    assert (k, small.shape) == (3, (440, 360, 3))
    small, k = faces.detection_copy(np.zeros((410, 335, 3), np.uint8))
    assert (k, small.shape) == (1, (410, 335, 3))


def _fake_detector(scores: dict[int, float], calls: list[int]) -> Any:
    def detect(img: np.ndarray, model: int, offset: tuple[int, int] = (0, 0)) -> list[
            tuple[faces.Box, float]]:
        calls.append(model)
        return [(faces.Box(10.0 + model, 10.0, 50.0, 50.0), scores[model])]
    return detect


@pytest.mark.parametrize(("short_score", "tiles", "models"), [
    (0.9, False, [0]), (0.6, False, [0, 1]), (0.9, True, [0, 1])])
def test_full_range_detector_runs_only_when_needed(monkeypatch: pytest.MonkeyPatch,
                                                   short_score: float, tiles: bool,
                                                   models: list[int]) -> None:
    calls: list[int] = []
    monkeypatch.setattr(faces, "_detect_boxes", _fake_detector({0: short_score, 1: 0.85}, calls))
    found = faces.candidate_boxes(np.zeros((200, 160, 3), np.uint8), tiles=tiles)
    assert calls == models
    best = max([short_score] + ([0.85] if 1 in models else []))
    assert found[0][1] == best


def test_glasses_search_on_the_eye_band_equals_the_whole_image_search() -> None:
    img = fixture_image(KIM).copy()
    points = faces.detect_faces(img, tiles=False)[0].landmarks
    scale = face_scale(points)
    y = int(points[[33, 263], 1].mean())
    cv2.line(img, (int(points[33, 0]) - 20, y), (int(points[263, 0]) + 20, y), (20, 20, 20), 3)
    # the former whole-image computation
    light = cv2.cvtColor(img, cv2.COLOR_RGB2Lab)[..., 0].astype(np.float32) * (100 / 255)
    blackhat = cv2.morphologyEx(light, cv2.MORPH_BLACKHAT, glasses._kernel(scale * 0.18))
    brow_y = points[np.array([*lm.RIGHT_BROW, *lm.LEFT_BROW]), 1].mean()
    eye_y = points[np.array([lm.RIGHT_IRIS_CENTER, lm.LEFT_IRIS_CENTER]), 1].mean()
    ys = np.arange(img.shape[0])[:, None]
    band = (ys > brow_y - 0.05 * scale) & (ys < eye_y + 0.5 * scale)
    regions = face_regions(points, img.shape)
    features = (regions.eyes > 0.5) | (regions.brows > 0.6)
    expected = band & ~features & (blackhat > glasses.BLACKHAT_MIN)
    ours = glasses._candidates(img, points, scale)
    assert expected.sum() > 100
    assert np.array_equal(ours, expected)


def test_helper_thread_uses_its_own_graph_set() -> None:
    seen = in_helper(lambda: (graph_slot(), threading.current_thread().name)).result()
    assert seen[0] == 1 and seen[1].startswith("perception-helper")
    assert graph_slot() == 0
    img = fixture_image(AOC)
    here = faces.detect_faces(img, tiles=False)[0].landmarks
    there = in_helper(faces.detect_faces, img, 16, False).result()[0].landmarks
    assert np.array_equal(here, there)


def test_swap_with_the_user_half_prepared_ahead_is_identical() -> None:
    template, user = fixture_image(AOC), fixture_image(KIM)
    t_pts = faces.detect_faces(template, tiles=False)[0].landmarks
    u_pts = faces.detect_faces(user, tiles=False)[0].landmarks
    opts = SwapOptions()
    plain = core.swap_face(template, t_pts, user, u_pts, opts)
    side = in_helper(core.prepare_user, template.shape, t_pts, user, u_pts, opts)
    ahead = core.swap_face(template.copy(), t_pts, user, u_pts, opts, side, in_place=True)
    assert np.array_equal(plain.image, ahead.image)
    assert np.array_equal(plain.mask, ahead.mask)
    assert float(plain.mask.max()) == pytest.approx(1.0, abs=1e-3)
    assert not np.array_equal(plain.image, template)
