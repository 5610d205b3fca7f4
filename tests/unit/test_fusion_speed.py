"""Speed work on face fusion that must not change results: the uint8 Laplacian blend, OpenCV
channel scaling, the single-detector path for the largest face, the box-limited glasses
work copy, the helper thread's own MediaPipe graphs, the swap's user and template halves computed
ahead (or taken over), the shared mesh raster, sparse grid averages, the per-plane channel mean,
the skin model fitted on its samples' box, skin likelihoods from shared pixels and the banded
re-toning."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.face_swap import core
from portrait_studio.capabilities.face_swap.types import SwapOptions
from portrait_studio.capabilities.retouch.core import (
    _guided,
    enhance_detail_fast,
    sharpen,
    smooth_skin,
)
from portrait_studio.imaging import geometry as geo
from portrait_studio.imaging.blend import laplacian_blend, laplacian_blend_u8, scale_channels
from portrait_studio.imaging.color import to_u8
from portrait_studio.perception import faces, glasses
from portrait_studio.perception import landmarks as lm
from portrait_studio.perception.graphs import graph_slot, in_helper
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


def test_glasses_work_copy_from_the_eye_band_box_equals_the_whole_image_warp() -> None:
    img = fixture_image(KIM)
    points = faces.detect_faces(img, tiles=False)[0].landmarks
    work = glasses._upright(img, points)  # warps only the box the work window sees
    whole = cv2.warpAffine(img, work.matrix, (glasses.WORK_W, glasses.WORK_H),
                           flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    diff = np.abs(work.rgb.astype(np.int16) - whole)
    assert diff.max() <= 1 and (diff > 0).mean() < 1e-3  # fixed-point rounding only
    outer = work.points[[lm.RIGHT_EYE_OUTER, lm.LEFT_EYE_OUTER]]
    assert np.allclose(outer, [[glasses.WORK_W / 2 - glasses.UNIT / 2, glasses.EYE_ROW],
                               [glasses.WORK_W / 2 + glasses.UNIT / 2, glasses.EYE_ROW]],
                       atol=1e-3)
    assert np.array_equal(glasses._upright(img, points).light, work.light)


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


def _faces_of(name: str) -> tuple[np.ndarray, np.ndarray]:
    img = fixture_image(name)
    return img, faces.detect_faces(img, tiles=False)[0].landmarks


def test_swap_with_the_template_half_ahead_is_identical_whoever_computes_it() -> None:
    template, t_pts = _faces_of(AOC)
    user, u_pts = _faces_of(KIM)
    opts = SwapOptions(mirror_fill=0.4)  # the mirrored warp shares the user warp's raster
    plain = core.swap_face(template, t_pts, user, u_pts, opts)
    args = (template.shape, t_pts, u_pts, opts)
    maps = in_helper(core.template_maps, *args)
    ahead = core.TemplateAhead(maps, in_helper(core.template_shape, *args, maps))
    helped = core.swap_face(template, t_pts, user, u_pts, opts, ahead=ahead)
    idle: Future[Any] = Future()  # queued, never started: the swap computes it itself
    taken = core.swap_face(template, t_pts, user, u_pts, opts, ahead=core.TemplateAhead(
        idle, idle), prepared=idle)
    assert idle.cancelled()
    for other in (helped, taken):
        assert np.array_equal(plain.image, other.image)
        assert np.array_equal(plain.mask, other.mask)
    assert int(np.abs(plain.image.astype(int) - template).max()) > 50


def test_shared_mesh_raster_gives_the_same_maps() -> None:
    _, pts = _faces_of(AOC)
    dst = pts[:468] - pts[:468].min(axis=0) + 20
    shape = (int(dst[:, 1].max()) + 40, int(dst[:, 0].max()) + 40)
    raster = geo.mesh_raster(dst, shape, 3)
    assert raster is not None
    for src in (pts[:468] * 1.1, pts[:468][::-1].copy()):  # two sources, one raster
        plain = geo.piecewise_affine_maps(dst, src, shape, 3)
        shared = geo.piecewise_affine_maps(dst, src, shape, 3, raster=raster)
        assert np.array_equal(plain[0], shared[0]) and np.array_equal(plain[1], shared[1])
        assert 0.3 < float((plain[0] > -1e3).mean()) < 0.95


def test_sparse_grid_average_equals_the_whole_average() -> None:
    rng = np.random.default_rng(7)
    for k in (1, 2, 3):
        grid = geo.WorkGrid((90, 75), k)
        img = np.zeros((90, 75, 3), np.uint8)
        box = (slice(13, 61), slice(8, 52))
        img[box] = rng.integers(0, 256, (48, 44, 3), dtype=np.uint8)
        assert np.array_equal(grid.down_sparse(img, box), grid.down(img))
        valid = (img[..., 0] > 100).astype(np.float32)
        assert np.array_equal(grid.down_sparse(valid, box), grid.down(valid))


def test_channel_mean_and_local_skin_model_equal_their_plain_forms() -> None:
    from portrait_studio.capabilities.face_swap.tone import _channel_mean, local_skin_model
    from portrait_studio.imaging.color import fit_skin_model

    img = fixture_image(AOC)
    for arr in (img, img.astype(np.float32) * 0.7):
        assert np.array_equal(_channel_mean(arr), arr.astype(np.float32).mean(axis=2))
    cheeks = np.zeros(img.shape[:2], np.float32)
    cheeks[200:230, 120:160] = 1.0
    for mask in (cheeks, np.zeros_like(cheeks)):  # too few samples: the whole image
        a, b = local_skin_model(img, mask), fit_skin_model(img, mask)
        assert np.array_equal(a.mean, b.mean) and np.array_equal(a.inv_cov, b.inv_cov)
        assert (a.luma_lo, a.luma_hi) == (b.luma_lo, b.luma_hi)


def test_likelihoods_from_shared_pixels_equal_the_plain_ones() -> None:
    from portrait_studio.imaging.color import fit_skin_model

    img = fixture_image(AOC)
    cheeks = np.zeros(img.shape[:2], np.float32)
    cheeks[200:230, 120:160] = 1.0
    model = fit_skin_model(img, cheeks)
    for arr in (img, img.astype(np.float32) * 1.2):  # float: clipped to 0..255 first
        px = model.pixels(arr)
        assert np.array_equal(px.dist, model.distance(arr))
        assert np.array_equal(px.luma, px.ycc[..., 0].astype(np.float32))
        for scale, bright in ((3.0, None), (4.0, None), (2.5, 6.0)):
            shared = model.likelihood_of(px, scale, bright)
            assert np.array_equal(shared, model.likelihood(arr, scale, bright))
    skin = model.likelihood(img, 4.0)
    assert float(skin[200:230, 120:160].mean()) > 0.8  # the cheeks it was fitted on
    assert float(skin[:20].mean()) < float(skin[200:230, 120:160].mean())


def _retone_case(seed: int, shape: tuple[int, int], gain: float, offset: float) -> tuple[
        np.ndarray, np.ndarray, geo.WorkGrid, np.ndarray]:
    """A random canvas (``shape`` rows x columns), a linear tone curve, a 2x grid and a
    patchy re-toning weight on it reaching past 1."""
    rng = np.random.default_rng(seed)
    canvas = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    lut = np.clip(np.arange(256) * gain + offset, 0, 255).astype(np.uint8)
    lut = np.repeat(lut[:, None, None], 3, axis=2)
    grid = geo.WorkGrid(shape, 2)
    weight = cv2.GaussianBlur((rng.uniform(0, 1, grid.small) > 0.8).astype(np.float32),
                              (0, 0), 3) * 3
    return canvas, lut, grid, weight


def _assert_whole_box_blend(ours: np.ndarray, canvas: np.ndarray, lut: np.ndarray,
                            grid: geo.WorkGrid, weight: np.ndarray) -> None:
    """``ours`` is the canvas blended with its curve by the weight in one piece, and moved."""
    w = np.clip(grid.up(weight), 0, 1)
    expected = cv2.blendLinear(cv2.LUT(canvas, lut), canvas, w, 1.0 - w)
    assert np.array_equal(ours, expected)
    assert int(np.abs(ours.astype(int) - canvas).max()) > 20


def test_banded_retone_equals_the_blend_of_the_whole_box() -> None:
    from portrait_studio.capabilities.face_swap.tone import retone_curve

    canvas, lut, grid, weight = _retone_case(3, (120, 150), 1.3, 10)
    ours = canvas.copy()
    retone_curve(ours, lut, geo.Roi(0, 0, 150, 120), grid, weight)
    _assert_whole_box_blend(ours, canvas, lut, grid, weight)


def test_a_tall_retone_takes_few_bands_with_the_bytes_of_the_whole_box(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A 640-row region is re-toned in five bands (each band's dozens of short OpenCV calls
    wait for the interpreter lock while the helper thread works: 32-row bands took 3-6 ms
    more of a 1080x1320 fusion), every byte as one blend of the whole box."""
    from portrait_studio.capabilities.face_swap import tone

    canvas, lut, grid, weight = _retone_case(5, (640, 200), 0.8, 30)
    rows: list[int] = []
    real = tone.mapped

    def spy(img: np.ndarray, curve: np.ndarray) -> np.ndarray:
        rows.append(img.shape[0])
        return real(img, curve)

    monkeypatch.setattr(tone, "mapped", spy)
    ours = canvas.copy()
    tone.retone_curve(ours, lut, geo.Roi(0, 0, 200, 640), grid, weight)
    _assert_whole_box_blend(ours, canvas, lut, grid, weight)
    assert sum(rows) == 640 and len(rows) == 5


def test_detail_enhancement_guides_a_large_face_on_a_reduced_copy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A 450x420 face of 250 px eye distance on a 3x working grid: the fine base (radius 5)
    is guided on a 2x reduced copy, never on the full region (25-30 ms of a colour guided
    filter), and the enhanced face stays within a level or two of the full-resolution
    base's."""
    face = cv2.resize(fixture_image(KIM), (420, 450), interpolation=cv2.INTER_CUBIC)
    mask = np.ones(face.shape[:2], np.float32)
    guided: list[tuple[int, ...]] = []
    real = cv2.ximgproc.guidedFilter

    def spy(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> np.ndarray:
        guided.append(guide.shape[:2])
        return np.asarray(real(guide, src, radius, eps))

    monkeypatch.setattr(cv2.ximgproc, "guidedFilter", spy)
    out = enhance_detail_fast(face, mask, 0.5, 250.0, 3)
    monkeypatch.undo()
    assert sorted(guided) == [(150, 140), (225, 210)]  # (the two bases run side by side)
    src = face.astype(np.float32) / 255.0
    fine = cv2.ximgproc.guidedFilter(src, src, 5, 1e-3)
    mid = _guided(src, 15, 4e-3, 3)
    full = np.clip((src + ((src - fine) * 0.9 + (fine - mid) * 0.6) * 0.5) * 255.0, 0, 255)
    diff = np.abs(out - full)
    assert diff.mean() < 0.5 and np.percentile(diff, 99) < 3.0 and diff.max() < 12


def test_spline_on_a_grid_equals_the_spline_at_its_nodes() -> None:
    """The thin-plate spline's kernel summed from one term per column and one per row of the
    grid gives the same values as the one computed at every node (the outline warp's maps
    are unchanged, bit for bit)."""
    rng = np.random.default_rng(3)
    ctrl = rng.uniform(0, 600, (60, 2))
    disp = rng.normal(0, 6, (60, 2))
    gx = (np.arange(37, dtype=np.float64) + 0.5) * 9 - 0.5
    gy = (np.arange(41, dtype=np.float64) + 0.5) * 9 - 0.5
    nodes = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    at_nodes = geo._tps_eval(ctrl, disp, nodes)
    assert np.array_equal(geo._tps_eval(ctrl, disp, nodes, (gx, gy)), at_nodes)
    # the spline interpolates: the displacement at a control point is its own
    probe = geo._tps_eval(ctrl, disp, ctrl[:5])
    np.testing.assert_allclose(probe, disp[:5], atol=1e-6)
