"""Work split between the calling thread and the perception helper thread
(perception/graphs.py ``alongside``): the same pixels as done in one thread, errors raised,
no deadlock when the helper itself splits work, and a working helper after a fork."""

from __future__ import annotations

import multiprocessing
import threading

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.face_swap.forehead import (
    SwapFields,
    forehead_source,
    texture_forehead,
)
from portrait_studio.capabilities.face_swap.warps import warp_template
from portrait_studio.capabilities.retouch import core as retouch_core
from portrait_studio.capabilities.retouch.core import enhance_detail_fast, match_grain, unit_grain
from portrait_studio.imaging import geometry as geo
from portrait_studio.imaging.fill import fill_thin
from portrait_studio.perception.graphs import alongside, in_helper
from tests.unit.test_forehead_texture import _striped_user


def _where(tag: int, started: threading.Event | None = None) -> tuple[int, str]:
    if started is not None:
        started.set()
    return tag * 3, threading.current_thread().name


def _on_helper(tag: int) -> tuple[int, str]:
    """``alongside(_where, tag)``, its result asked for once the helper has run it."""
    started = threading.Event()
    result = alongside(_where, tag, started)
    assert started.wait(timeout=30)
    return result()


def test_alongside_runs_on_the_helper_thread_and_returns_its_value() -> None:
    value, name = _on_helper(7)
    assert value == 21
    assert name.startswith("perception-helper")


def test_alongside_computes_here_what_the_busy_helper_has_not_started() -> None:
    release = threading.Event()
    busy = in_helper(release.wait, 30)
    value, name = alongside(_where, 2)()  # queued behind the busy job: done here
    release.set()
    assert busy.result(timeout=30)
    assert value == 6 and name == threading.current_thread().name


def _nested(tag: int) -> tuple[tuple[int, str], str]:
    # the helper splitting work with itself: computed here, never queued behind itself
    return alongside(_where, tag)(), threading.current_thread().name


def test_work_split_inside_the_helper_is_done_inline_without_deadlock() -> None:
    (value, inner), outer = in_helper(_nested, 5).result(timeout=30)
    assert value == 15
    assert inner == outer and outer.startswith("perception-helper")


def _fail(tag: int) -> int:
    raise ValueError(f"bad {tag}")


def test_with_the_helper_the_threads_take_turns_on_the_interpreter_lock_every_ms() -> None:
    """Python's default 5 ms turn held one thread's short OpenCV calls up behind the
    other's Python: with the helper thread the turn is 1 ms (or shorter, if set so)."""
    import sys

    assert _on_helper(4)[0] == 12
    assert sys.getswitchinterval() <= 0.001 + 1e-9


def test_an_error_on_the_helper_is_raised_to_the_caller() -> None:
    with pytest.raises(ValueError, match="bad 3"):
        alongside(_fail, 3)()


def _in_child(queue: multiprocessing.Queue[tuple[int, str]]) -> None:
    queue.put(_on_helper(11))


def test_the_helper_works_in_a_forked_child() -> None:
    _on_helper(1)  # the parent's helper thread exists before the fork
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[tuple[int, str]] = ctx.Queue()
    proc = ctx.Process(target=_in_child, args=(queue,))
    proc.start()
    value, name = queue.get(timeout=60)
    proc.join(timeout=60)
    assert value == 33 and name.startswith("perception-helper")
    assert proc.exitcode == 0


def test_the_template_warp_in_two_bands_equals_one_cubic_remap() -> None:
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (151, 120, 3), np.uint8)
    ys, xs = np.mgrid[0:151, 0:120].astype(np.float32)
    maps = (xs + 2.5 * np.sin(ys / 9.0), ys + 1.7 * np.cos(xs / 7.0))
    maps = (maps[0].astype(np.float32), maps[1].astype(np.float32))
    whole = cv2.remap(img, maps[0], maps[1], cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    out = warp_template(img, maps)
    assert out.shape == whole.shape and out.dtype == np.uint8
    assert np.array_equal(out, whole)
    assert int(np.abs(out.astype(int) - img.astype(int)).max()) > 50  # it did move pixels


def test_fill_thin_fills_the_mask_from_around_it_and_keeps_the_rest() -> None:
    rng = np.random.default_rng(1)
    img = np.clip(rng.normal(150.0, 4.0, (80, 90, 3)), 0, 255).astype(np.uint8)
    mask = np.zeros((80, 90), bool)
    mask[38:42, 10:80] = True
    img[mask] = (20, 20, 20)  # a dark frame line
    out = fill_thin(img, mask, 2, reduce=2)
    assert np.array_equal(out[~mask], img[~mask])
    assert abs(float(out[mask].mean()) - float(img[~mask].mean())) < 10.0  # not the line (20)
    assert np.array_equal(out, fill_thin(img, mask, 2, reduce=2))  # repeatable


def test_match_grain_adds_the_seeded_fine_noise_to_the_missing_level() -> None:
    img = np.full((60, 70, 3), 120.0, np.float32)
    mask = np.ones((60, 70), np.float32)
    out = match_grain(img, mask, 3.0, seed=4)
    rng = np.random.default_rng(4)
    noise = rng.normal(0.0, 1.0, (60, 70)).astype(np.float32)
    noise = noise - cv2.GaussianBlur(noise, (0, 0), 1.0)
    noise *= 3.0 / float(noise.std())
    assert np.allclose(out[..., 0], 120.0 + noise, atol=1e-3)
    assert np.array_equal(match_grain(img, mask, 0.2, seed=4), img)  # nothing missing


def test_unit_grain_is_the_seeded_draw_whatever_came_before() -> None:
    """The kept noise streams (retouch.core._white_noise) give exactly a fresh draw of each
    shape and seed, after smaller, larger and other seeds' fields, and keep few seeds."""
    for shape, seed in [((30, 40), 0), ((50, 20), 0), ((10, 10), 0), ((41, 77), 5),
                        ((1, 1), 0), ((60, 60), 6), ((33, 90), 0), ((7, 3), 5)]:
        noise, spread = unit_grain(shape, seed)
        drawn = np.random.default_rng(seed).normal(0.0, 1.0, shape).astype(np.float32)
        drawn = drawn - cv2.GaussianBlur(drawn, (0, 0), 1.0)
        assert noise.shape == shape and np.array_equal(noise, drawn)
        assert spread == float(drawn.std())
        assert len(retouch_core._noise_kept) <= retouch_core.GRAIN_SEEDS


def test_enhance_with_its_bases_side_by_side_boosts_detail_inside_the_mask() -> None:
    rng = np.random.default_rng(2)
    img = np.clip(rng.normal(128.0, 10.0, (90, 90, 3)), 0, 255).astype(np.uint8)
    mask = np.zeros((90, 90), np.float32)
    mask[:, 45:] = 1.0
    out = enhance_detail_fast(img, mask, 1.0, 60.0, 2)
    assert np.array_equal(out[:, :45], img[:, :45].astype(np.float32))
    assert float(out[:, 50:].std()) > 1.05 * float(img[:, 50:].astype(np.float32).std())


def test_the_forehead_source_computed_ahead_gives_the_same_texture() -> None:
    pts, scale, brow_y, rows, canvas, face, user_hair = _striped_user(3, 0.35)
    shape = rows.shape
    valid = (rows > brow_y - 0.5 * scale).astype(np.float32)
    weight = np.clip((rows - (brow_y - 0.12 * scale)) / (0.05 * scale), 0.0, 1.0)
    fields = SwapFields(geo.WorkGrid(shape, 1), np.ones((*shape, 3), np.float32), user_hair,
                        (rows < brow_y - 0.9 * scale).astype(np.float32))
    here, ahead = canvas.copy(), canvas.copy()
    texture_forehead(here, weight, pts, (face, valid), fields, 1.0)
    found = alongside(forehead_source, pts, (face, valid), fields, 1.0)()
    assert found is not None
    texture_forehead(ahead, weight, pts, (face, valid), fields, 1.0, found)
    assert np.array_equal(here, ahead)
    assert int(np.abs(here.astype(int) - canvas.astype(int)).max()) > 0
    assert forehead_source(pts, (face, valid), fields, 0.0) is None


def test_the_person_segmented_while_faces_are_found_is_the_same_mask() -> None:
    """The segmentation started without waiting (its graph runs on its own threads) while
    the faces are found on another graph gives person_mask's mask; one left unread is
    waited for before the next image, which gets its own mask."""
    from portrait_studio.perception.faces import detect_faces, shrink
    from portrait_studio.perception.segmentation import person_mask, person_mask_started
    from tests.conftest import fixture_image

    img = shrink(fixture_image("burgess_owens__house_official_1.jpg"), 2)
    whole = person_mask(img)
    started = person_mask_started(img)
    faces = detect_faces(img)
    mask = started()
    assert len(faces) == 1
    assert np.array_equal(mask, whole) and started() is mask
    h, w = mask.shape
    assert float(mask[h // 2, w // 2]) > 0.9 and float(mask[5, 5]) < 0.1  # face vs corner
    flipped = np.ascontiguousarray(img[::-1])
    person_mask_started(img)  # never read
    upside_down = person_mask(flipped)
    assert float(upside_down[h - 1 - h // 2, w // 2]) > 0.5
    assert not np.array_equal(upside_down, whole)


def test_the_helper_takes_the_user_half_before_the_template_maps(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The longest helper job (the user half of the swap) is queued first, so the swap here
    takes over the short landmark-only ones when the helper has not reached them."""
    from portrait_studio.capabilities.watermark.types import WatermarkParams
    from portrait_studio.pipelines import fusion as fu
    from tests.conftest import fixture_image

    calls: list[tuple[str, str]] = []
    for name in ("_user_side", "_template_maps"):
        real = getattr(fu, name)

        def spy(*args: object, _real: object = real, _name: str = name) -> object:
            calls.append((_name, threading.current_thread().name))
            return _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(fu, name, spy)
    result = fu.fuse(fixture_image("byron_donalds__house_official_1.jpg"),
                     [fu.MergeEntry(fixture_image("andy_kim__house_official_1.jpg"))],
                     fu.FusionParams(watermark=WatermarkParams(enabled=False)))
    assert len(result.report.faces) == 1
    names = [name for name, _ in calls]
    # (the maps are left out when the swap here took them over)
    assert names in (["_user_side", "_template_maps"], ["_user_side"])
    assert calls[0][1].startswith("perception-helper")


def test_the_helper_finds_the_user_complexion_before_the_template_glasses(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The re-toning here waits for the user's complexion first and for the template's
    glasses only at its end: the helper takes the complexion first (the main thread's wait
    for it, 5.3 ms per 1080x1320 fusion, was 2.6 ms), then the glasses, then the user half."""
    from portrait_studio.capabilities.watermark.types import WatermarkParams
    from portrait_studio.pipelines import fusion as fu
    from tests.conftest import fixture_image

    calls: list[tuple[str, str]] = []
    for name in ("_user_tone", "glasses_mask", "_user_side"):
        real = getattr(fu, name)

        def spy(*args: object, _real: object = real, _name: str = name,
                **kwargs: object) -> object:
            calls.append((_name, threading.current_thread().name))
            return _real(*args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(fu, name, spy)
    result = fu.fuse(fixture_image("byron_donalds__house_official_1.jpg"),
                     [fu.MergeEntry(fixture_image("andy_kim__house_official_1.jpg"))],
                     fu.FusionParams(watermark=WatermarkParams(enabled=False)))
    assert len(result.report.faces) == 1
    assert [name for name, _ in calls] == ["_user_tone", "glasses_mask", "_user_side"]
    assert all(thread.startswith("perception-helper") for _, thread in calls)


def test_fusion_grain_field_queued_after_the_retouch_box_is_the_seeded_one() -> None:
    """The retouch box's grain field queued on the helper after the box (fusion's
    _AreaAhead) is ``unit_grain`` of that box's size, seed 0, and grains a region
    exactly as when match_grain computes it itself; with the box's job cancelled (computed
    on the calling thread) it is computed here."""
    from concurrent.futures import Future

    from portrait_studio.pipelines.fusion_face import RetouchArea, _grain_ahead, area_grain

    roi = geo.Roi(5, 7, 75, 67)  # 70 x 60
    zero = np.zeros((60, 70), np.float32)
    area: Future[RetouchArea] = Future()
    area.set_result(RetouchArea(roi, np.zeros((478, 2), np.float32), 30.0, zero, zero, zero))
    field = in_helper(area_grain, area)
    noise, spread = field.result()
    rng = np.random.default_rng(0)
    white = rng.normal(0.0, 1.0, (60, 70)).astype(np.float32)
    expected = white - cv2.GaussianBlur(white, (0, 0), 1.0)
    assert np.array_equal(noise, expected)
    assert spread == pytest.approx(float(expected.std()))
    img = np.full((60, 70, 3), 120.0, np.float32)
    img[::3] += 9.0
    mask = np.ones((60, 70), np.float32)
    alone = match_grain(img, mask, 4.0)
    ahead = match_grain(img, mask, 4.0, grain=_grain_ahead(in_helper(area_grain, area),
                                                           (60, 70)))
    assert np.array_equal(alone, ahead)
    assert float(np.abs(alone - img).max()) > 1.0  # grain was added
    cancelled: Future[RetouchArea] = Future()
    cancelled.cancel()
    lost = match_grain(img, mask, 4.0, grain=_grain_ahead(in_helper(area_grain, cancelled),
                                                          (60, 70)))
    assert np.array_equal(lost, alone)


def test_fusion_enhance_weight_queued_after_the_retouch_box_is_its_feathered_oval() -> None:
    """The enhancement's weight queued on the helper after the retouch box (fusion's
    _AreaAhead) is the box's oval weight feathered by 5% of the face scale, and it is
    computed here when the box's job was cancelled (computed on the calling thread)."""
    from concurrent.futures import Future

    from portrait_studio.imaging.blend import feather
    from portrait_studio.pipelines.fusion_face import RetouchArea, _enhance_weight, area_feather

    weight = np.zeros((60, 70), np.float32)
    weight[20:40, 25:45] = 1.0
    box = RetouchArea(geo.Roi(5, 7, 75, 67), np.zeros((478, 2), np.float32), 80.0, weight,
                      weight, weight)
    area: Future[RetouchArea] = Future()
    area.set_result(box)
    ahead = _enhance_weight(box, in_helper(area_feather, area))
    expected = cv2.GaussianBlur(weight, (9, 9), 2.0)  # radius 4 px: 9 px, sigma 2
    assert np.array_equal(ahead, expected)
    assert np.array_equal(ahead, feather(weight, 4.0))
    assert 0.2 < float(ahead[20, 30]) < 0.8 and float(ahead[30, 35]) == pytest.approx(1.0)
    cancelled: Future[RetouchArea] = Future()
    cancelled.cancel()
    assert np.array_equal(_enhance_weight(box, in_helper(area_feather, cancelled)), expected)
    assert np.array_equal(_enhance_weight(box, None), expected)
