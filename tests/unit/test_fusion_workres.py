"""Working-resolution machinery of face fusion on large templates: the working grid, exact map
upsampling, the one-pyramid Laplacian blend, box-restricted masks, fast conversions, and the
engine on an upscaled template (same face, same identity, background untouched)."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.retouch.core import enhance_detail_fast, grain_level
from portrait_studio.capabilities.watermark.types import WatermarkParams
from portrait_studio.imaging import geometry as geo
from portrait_studio.imaging.blend import alpha_blend, alpha_blend_into, laplacian_blend, mask_box
from portrait_studio.imaging.color import masked_mean, to_u8
from portrait_studio.perception.faces import detect_faces, shrink
from portrait_studio.perception.masks import face_scale, polygon_mask
from portrait_studio.perception.paths import row_path
from portrait_studio.pipelines import fusion_face
from portrait_studio.pipelines.fusion import FusionResult, fuse
from portrait_studio.pipelines.fusion_params import FusionParams, MergeEntry
from tests.conftest import fixture_image

KIM, AOC = "andy_kim__house_official_1.jpg", "alexandria_ocasio_cortez__house_official_1.jpg"
NO_LOGO = WatermarkParams(enabled=False)


def test_work_grid_factor_shape_and_point_mapping() -> None:
    assert geo.work_factor(95.0) == 1 and geo.work_factor(149.0) == 1
    assert geo.work_factor(151.0) == 2 and geo.work_factor(300.0) == 3
    grid = geo.work_grid((1320, 1080), 300.0)
    assert (grid.k, grid.small, grid.identity) == (3, (440, 360), False)
    assert geo.work_grid((410, 335), 95.0).identity
    # grid pixel i is the mean of image pixels 3i..3i+2, centred on image pixel 3i+1
    pts = np.array([[1.0, 4.0], [301.0, 1318.0]], np.float32)
    np.testing.assert_allclose(grid.points(pts), [[0.0, 1.0], [100.0, 439.0]], atol=1e-5)
    assert grid.full_slices((slice(2, 5), slice(0, 400))) == (slice(6, 15), slice(0, 1080))


def test_work_grid_down_and_up_keep_a_linear_ramp() -> None:
    ys, xs = np.mgrid[0:300, 0:240].astype(np.float32)
    ramp = 0.5 * xs + 0.25 * ys
    grid = geo.WorkGrid((300, 240), 3)
    small = grid.down(ramp)
    assert small.shape == (100, 80)
    assert small[10, 20] == pytest.approx(0.5 * 61 + 0.25 * 31, abs=1e-4)
    back = grid.up(small)
    assert back.shape == (300, 240)
    np.testing.assert_allclose(back[3:-3, 3:-3], ramp[3:-3, 3:-3], atol=1e-3)


def test_work_grid_pads_sides_that_are_not_multiples() -> None:
    grid = geo.WorkGrid((100, 50), 3)
    assert grid.small == (34, 17)
    img = np.full((100, 50, 3), 7.0, np.float32)
    assert grid.down(img).shape == (34, 17, 3)
    assert grid.up(grid.down(img)).shape == (100, 50, 3)


def test_trim_roi_makes_sides_multiples() -> None:
    roi = geo.trim_roi(geo.Roi(5, 7, 105, 208), 3)
    assert (roi.x0, roi.y0, roi.w, roi.h) == (5, 7, 99, 201)
    assert geo.trim_roi(geo.Roi(0, 0, 10, 10), 1) == geo.Roi(0, 0, 10, 10)


def test_sample_field_reads_a_reduced_whole_image_field() -> None:
    ys, xs = np.mgrid[0:600, 0:500].astype(np.float32)
    field = np.sin(xs / 40) + np.cos(ys / 30)
    roi, grid = geo.Roi(37, 52, 337, 412), geo.WorkGrid((360, 300), 3)
    direct = grid.down(field[roi.slices])
    half = cv2.resize(field, (250, 300), interpolation=cv2.INTER_AREA)
    sampled = geo.sample_field(half, (600, 500), roi, grid)
    assert sampled.shape == (120, 100)
    assert float(np.abs(sampled - direct).max()) < 2e-3


def test_map_upsampling_is_exact_for_smooth_warps() -> None:
    rng = np.random.default_rng(3)
    ys, xs = np.mgrid[40:400:70, 40:400:70]
    dst = np.stack([xs.ravel(), ys.ravel()], 1).astype(np.float32)
    src = dst + rng.normal(0, 3, dst.shape).astype(np.float32)
    exact = geo.tps_maps(dst, src, (400, 400), step=1)
    coarse = geo.tps_maps(dst, src, (400, 400), step=8)
    err = np.maximum(np.abs(coarse[0] - exact[0]), np.abs(coarse[1] - exact[1]))
    assert float(np.percentile(err[8:-8, 8:-8], 99)) < 0.1 and float(err.max()) < 0.5
    scipy_maps = geo.tps_maps(dst, src, (400, 400), step=8, smoothing=1e-12)
    np.testing.assert_allclose(scipy_maps[0], coarse[0], atol=1e-3)


def test_piecewise_affine_maps_reproduce_an_affine_inside_the_hull_only() -> None:
    dst = np.array([[50, 50], [250, 60], [240, 230], [60, 220], [150, 140]], np.float32)
    a = np.array([[1.1, 0.1, 5.0], [-0.05, 0.9, -3.0]], np.float32)
    src = dst @ a[:, :2].T + a[:, 2]
    mx, my = geo.piecewise_affine_maps(dst, src, (300, 320), step=3)
    assert mx.shape == (300, 320)
    assert mx[140, 150] == pytest.approx(1.1 * 150 + 0.1 * 140 + 5.0, abs=1e-2)
    assert my[140, 150] == pytest.approx(-0.05 * 150 + 0.9 * 140 - 3.0, abs=1e-2)
    assert mx[5, 5] == -1e4 and my[290, 310] == -1e4


def _two_pyramid_blend(fg: np.ndarray, bg: np.ndarray, mask: np.ndarray,
                       levels: int) -> np.ndarray:
    gf, gb, gm = [fg], [bg], [mask]
    for _ in range(levels):
        gf, gb, gm = gf + [cv2.pyrDown(gf[-1])], gb + [cv2.pyrDown(gb[-1])], gm + [
            cv2.pyrDown(gm[-1])]
    out = gf[-1] * gm[-1][..., None] + gb[-1] * (1 - gm[-1][..., None])
    for i in range(levels - 1, -1, -1):
        size = (gf[i].shape[1], gf[i].shape[0])
        lf = gf[i] - cv2.pyrUp(gf[i + 1], dstsize=size)
        lb = gb[i] - cv2.pyrUp(gb[i + 1], dstsize=size)
        m = gm[i][..., None]
        out = cv2.pyrUp(out, dstsize=size) + lf * m + lb * (1 - m)
    return out


def test_one_pyramid_blend_equals_the_two_pyramid_blend() -> None:
    rng = np.random.default_rng(0)
    fg = rng.uniform(0, 255, (200, 180, 3)).astype(np.float32)
    bg = rng.uniform(0, 255, (200, 180, 3)).astype(np.float32)
    mask = np.zeros((200, 180), np.float32)
    cv2.ellipse(mask, (90, 100), (50, 70), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 6)
    ours = laplacian_blend(fg, bg, mask, levels=4)
    np.testing.assert_allclose(ours, _two_pyramid_blend(fg, bg, mask, 4), atol=2e-3)
    np.testing.assert_allclose(laplacian_blend(fg, bg, np.zeros_like(mask)), bg, atol=1e-3)
    np.testing.assert_allclose(laplacian_blend(fg, bg, np.ones_like(mask)), fg, atol=1e-3)


def test_mask_box_bounds_the_set_pixels() -> None:
    mask = np.zeros((100, 120), np.float32)
    mask[30:40, 50:70] = 0.7
    assert mask_box(mask, 5) == (slice(25, 45), slice(45, 75))
    assert mask_box(mask, 5, threshold=0.8) == (slice(0, 0), slice(0, 0))
    assert mask_box(mask, 40) == (slice(0, 80), slice(10, 110))


def test_alpha_blend_into_is_the_whole_images_blend_on_the_masks_box() -> None:
    rng = np.random.default_rng(3)
    bg = rng.uniform(0, 255, (60, 80, 3)).astype(np.float32)
    fg = rng.uniform(0, 255, (60, 80, 3)).astype(np.float32)
    mask = np.zeros((60, 80), np.float32)
    mask[10:30, 20:50] = rng.uniform(0, 1, (20, 30)).astype(np.float32)
    mask[10, 20] = 1.0
    box = mask_box(mask, 0, 0.0)
    assert box == (slice(10, 30), slice(20, 50))
    canvas = bg.copy()
    alpha_blend_into(canvas, fg[box], mask, box)
    np.testing.assert_array_equal(canvas, alpha_blend(fg, bg, mask))
    assert canvas[10, 20].tolist() == fg[10, 20].tolist()
    np.testing.assert_array_equal(canvas[30:], bg[30:])


def test_polygon_mask_is_zero_beyond_its_reach_and_full_inside() -> None:
    square = np.array([[100, 100], [160, 100], [160, 160], [100, 160]], np.float32)
    mask = polygon_mask(square, (400, 300), soften=12.0)
    assert mask.shape == (400, 300)
    assert mask[130, 130] == pytest.approx(1.0, abs=1e-3)
    assert float(mask[:, 200:].max()) == 0.0 and float(mask[200:, :].max()) == 0.0
    assert float(mask.sum()) == pytest.approx(3721, rel=0.2)  # drawn on a 4x reduced grid
    shifted = polygon_mask(square + 200, (600, 500), soften=12.0)
    np.testing.assert_allclose(shifted[200:600, 200:500], mask, atol=1e-5)


def test_to_u8_rounds_half_to_even_and_saturates() -> None:
    img = np.array([[[0.5, 1.5, 2.5], [254.5, -0.6, 300.0]]], np.float32)
    assert to_u8(img).tolist() == [[[0, 2, 2], [254, 0, 255]]]
    rng = np.random.default_rng(1)
    big = rng.uniform(-20, 280, (50, 40, 3)).astype(np.float32)
    assert np.array_equal(to_u8(big), np.clip(np.rint(big), 0, 255).astype(np.uint8))
    u8 = np.full((3, 3, 3), 9, np.uint8)
    out = to_u8(u8)
    assert np.array_equal(out, u8) and out is not u8


def test_masked_mean_matches_a_float64_reference() -> None:
    rng = np.random.default_rng(2)
    img = rng.uniform(0, 255, (120, 90, 3)).astype(np.float32)
    mask = rng.uniform(0, 1, (120, 90)).astype(np.float32)
    ref = (img.astype(np.float64) * mask[..., None]).sum((0, 1)) / mask.sum()
    np.testing.assert_allclose(masked_mean(img, mask), ref, rtol=1e-5)


def test_enhance_strength_zero_is_pixel_exact() -> None:
    rng = np.random.default_rng(5)
    img = rng.uniform(0, 255, (64, 64, 3)).astype(np.float32)
    mask = np.ones((64, 64), np.float32)
    assert np.array_equal(enhance_detail_fast(img, mask, 0.0, 40.0), img)
    assert not np.array_equal(enhance_detail_fast(img, mask, 0.5, 40.0), img)
    # the k-fold reduced bases keep the full-resolution detail layer
    reduced = enhance_detail_fast(img, mask, 0.5, 300.0, k=3)
    assert grain_level(reduced, mask) > grain_level(img, mask)


def test_enhance_radio_zero_skips_the_enhancement_entirely(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[float] = []

    def spy(img: np.ndarray, mask: np.ndarray, strength: float, scale: float,
            k: int = 1) -> np.ndarray:
        calls.append(strength)
        return img.astype(np.float32)

    monkeypatch.setattr(fusion_face, "enhance_detail_fast", spy)
    user, template = fixture_image(KIM), fixture_image(AOC)
    fuse(template, [MergeEntry(user)], FusionParams(enhance=0.0, watermark=NO_LOGO))
    assert calls == []
    fuse(template, [MergeEntry(user)], FusionParams(enhance=0.5, watermark=NO_LOGO))
    assert calls == [0.5]


def test_shrink_and_glasses_row_path() -> None:
    img = np.arange(7 * 9 * 3, dtype=np.uint8).reshape(7, 9, 3)
    small = shrink(img, 2)
    assert small.shape == (3, 4, 3)
    assert small[0, 0, 0] == round(img[0:2, 0:2, 0].mean())
    score = np.zeros((6, 8), np.float32)
    truth = [1, 1, 2, 3, 3, 4, 5, 5]  # moves at most one row per column
    score[truth, np.arange(8)] = 5.0
    score[0, 3] = 9.0  # a strong pixel two rows off the path cannot be reached
    assert row_path(score).tolist() == truth


@cache
def _fused(factor: int) -> tuple[FusionResult, np.ndarray]:
    template = fixture_image(AOC)
    if factor > 1:
        h, w = template.shape[:2]
        template = cv2.resize(template, (w * factor, h * factor), interpolation=cv2.INTER_CUBIC)
    result = fuse(template, [MergeEntry(fixture_image(KIM))],
                  FusionParams(enhance=0.0, watermark=NO_LOGO))
    return result, template


def test_large_template_is_found_without_tiles_at_the_same_place() -> None:
    big = _fused(3)[1]
    native = detect_faces(fixture_image(AOC))[0].landmarks
    quick = detect_faces(big, tiles=False)[0].landmarks
    scale = face_scale(native)
    assert float(np.abs(quick / 3 - native).mean()) < 0.03 * scale


def test_large_template_gives_the_native_result_at_scale() -> None:
    """A 3x template is fused on a working grid: same face as the native fusion (resized),
    no blockiness, and the background far from the face is the template's, pixel for
    pixel."""
    native, _ = _fused(1)
    big, template = _fused(3)
    assert big.image.shape == template.shape
    assert big.traces[0].roi.w % 3 == 0 and big.traces[0].roi.h % 3 == 0
    h, w = native.image.shape[:2]
    down = cv2.resize(big.image, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    x, y, bw, bh = native.report.faces[0].template_box
    face = (slice(y + bh // 5, y + bh * 4 // 5), slice(x + bw // 5, x + bw * 4 // 5))
    # measured 6.03 (5.65 before the warps went cubic): about 4 levels of it are a uniform
    # offset (the 3x face comes out a little darker), the rest texture the native size keeps
    assert float(np.abs(down[face] - native.image[face].astype(np.float32)).mean()) < 6.5
    from portrait_studio.perception.segmentation import person_mask

    roi = big.traces[0].roi
    outside = np.ones(template.shape[:2], bool)
    outside[roi.slices] = False
    background = outside & (person_mask(template) < 0.05)
    assert background.sum() > 50_000
    assert np.array_equal(big.image[background], template[background])
    assert float(big.traces[0].mask.max()) == pytest.approx(1.0, abs=1e-3)


def test_template_warp_samples_exactly_and_keeps_still_pixels() -> None:
    """The outline warp's maps are the identity where the control points do not move, and
    the cubic resampling then returns the template's pixels unchanged (no zoom, no blur)."""
    dst = np.array([[100, 100], [300, 100], [200, 300], [120, 280]], np.float32)
    mx, my = geo.tps_maps(dst, dst.copy(), (400, 400), step=15)
    np.testing.assert_allclose(mx[200], np.arange(400), atol=1e-3)
    np.testing.assert_allclose(my[:, 37], np.arange(400), atol=1e-3)
    img = np.random.default_rng(3).integers(0, 256, (400, 400, 3), dtype=np.uint8)
    same = geo.remap(img, (mx, my), interpolation=cv2.INTER_CUBIC)
    assert float(np.abs(same.astype(np.int16) - img).max()) <= 1


