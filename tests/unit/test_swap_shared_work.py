"""Work a face swap no longer repeats: a queued step taken over by the swap is computed once,
the result face's region masks are drawn once for both halves, the template brows' zone is
dilated on their box only (the same values), and region masks of two faces are drawn side
by side on two threads."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import cv2
import numpy as np

from portrait_studio.capabilities.face_swap import core
from portrait_studio.imaging.regions import dilate_field, disc
from portrait_studio.perception import landmarks as lm
from portrait_studio.perception import masks


def _queued_behind(gate: threading.Event) -> tuple[ThreadPoolExecutor, Future[int]]:
    """A one-thread executor kept busy until ``gate`` is set, and a job queued behind."""
    pool = ThreadPoolExecutor(1)
    pool.submit(gate.wait, 30)
    return pool, pool.submit(lambda: -1)


def test_a_taken_over_job_is_computed_once_for_every_caller() -> None:
    calls: list[int] = []

    def step(x: int) -> int:
        calls.append(x)
        return 10 * x

    gate = threading.Event()
    pool, job = _queued_behind(gate)
    try:
        # the swap takes the queued job over; the landmark fields ask the same future later
        assert core.computed_ahead(job, step, 4) == 40
        assert core.computed_ahead(job, step, 4) == 40
        assert job.cancelled()
        assert calls == [4]  # before: [4, 4] (the cancelled future was computed again)
    finally:
        gate.set()
        pool.shutdown()


def test_each_step_taken_over_from_one_future_is_computed_on_its_own() -> None:
    gate = threading.Event()
    pool, job = _queued_behind(gate)
    try:
        assert core.computed_ahead(job, lambda x: x + 1, 1) == 2
        assert core.computed_ahead(job, lambda x: x * 5, 3) == 15  # another step: its own
    finally:
        gate.set()
        pool.shutdown()


def test_a_second_caller_waits_for_the_first_callers_result() -> None:
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()

    def slow(x: int) -> int:
        calls.append(x)
        started.set()
        assert release.wait(30)
        return x + 1

    gate = threading.Event()
    pool, job = _queued_behind(gate)
    other = ThreadPoolExecutor(1)
    try:
        first = other.submit(core.computed_ahead, job, slow, 7)
        assert started.wait(30)
        second = ThreadPoolExecutor(1)
        waiting = second.submit(core.computed_ahead, job, slow, 7)
        release.set()
        assert first.result(30) == 8 and waiting.result(30) == 8
        second.shutdown()
        assert calls == [7]
    finally:
        gate.set()
        pool.shutdown()
        other.shutdown()


def test_errors_of_a_taken_over_job_reach_every_caller() -> None:
    def broken(x: int) -> int:
        raise ValueError(f"bad {x}")

    gate = threading.Event()
    pool, job = _queued_behind(gate)
    try:
        for _ in range(2):
            try:
                core.computed_ahead(job, broken, 3)
            except ValueError as exc:
                assert str(exc) == "bad 3"
            else:
                raise AssertionError("no error")
    finally:
        gate.set()
        pool.shutdown()


def test_results_given_or_done_are_returned_as_before() -> None:
    done: Future[int] = Future()
    done.set_result(5)
    assert core.computed_ahead(done, lambda: 9) == 5
    assert core.computed_ahead(6, lambda: 9) == 6
    assert core.computed_ahead(None, lambda: 9) == 9


def _face_points(shape: tuple[int, int]) -> np.ndarray:
    """478 landmarks of a synthetic face: an ellipse's oval, eyes, brows, lips, nostrils."""
    h, w = shape
    pts = np.zeros((478, 2), np.float32)
    cx, cy = w / 2, h / 2
    ang = np.linspace(0, 2 * np.pi, len(lm.FACE_OVAL), endpoint=False)
    pts[list(lm.FACE_OVAL)] = np.stack([cx + 0.3 * w * np.sin(ang),
                                        cy - 0.4 * h * np.cos(ang)], 1)

    def ring(ids: tuple[int, ...], centre: tuple[float, float], r: tuple[float, float]) -> None:
        a = np.linspace(0, 2 * np.pi, len(ids), endpoint=False)
        pts[list(ids)] = np.stack([centre[0] + r[0] * np.cos(a), centre[1] + r[1] * np.sin(a)], 1)

    ring(lm.RIGHT_EYE, (cx - 0.12 * w, cy - 0.08 * h), (0.05 * w, 0.02 * h))
    ring(lm.LEFT_EYE, (cx + 0.12 * w, cy - 0.08 * h), (0.05 * w, 0.02 * h))
    ring(lm.RIGHT_BROW, (cx - 0.12 * w, cy - 0.15 * h), (0.07 * w, 0.015 * h))
    ring(lm.LEFT_BROW, (cx + 0.12 * w, cy - 0.15 * h), (0.07 * w, 0.015 * h))
    ring(lm.LIPS_OUTER, (cx, cy + 0.2 * h), (0.1 * w, 0.03 * h))
    ring(lm.NOSTRILS, (cx, cy + 0.08 * h), (0.04 * w, 0.015 * h))
    pts[lm.RIGHT_EYE_OUTER] = (cx - 0.17 * w, cy - 0.08 * h)
    pts[lm.LEFT_EYE_OUTER] = (cx + 0.17 * w, cy - 0.08 * h)
    return pts


def test_the_result_regions_are_drawn_once_for_both_halves() -> None:
    shape = (120, 100)
    pts = _face_points(shape)
    first = core._result_regions(pts, shape)
    again = core._result_regions(pts.copy(), shape)  # the other half's landmarks: same values
    assert again is first
    fresh = masks.face_regions(pts, shape)
    assert np.array_equal(first.features, fresh.features)
    assert np.array_equal(first.brows, fresh.brows)
    assert float(first.features.max()) > 0.9 and float(first.features.min()) == 0.0
    moved = pts + np.float32(1.0)
    assert core._result_regions(moved, shape) is not first
    for i in range(core.REGIONS_KEPT + 1):  # only the last few faces are kept
        core._result_regions(pts + np.float32(2 + i), shape)
    assert core._result_regions(pts, shape) is not first


def test_the_brow_zone_dilation_on_its_box_equals_the_whole_fields() -> None:
    rng = np.random.default_rng(3)
    for shape, size in (((300, 260), 31), ((90, 70), 21), ((60, 400), 9)):
        for corner in ((0.1, 0.1), (0.0, 0.0), (0.8, 0.7), (0.5, 0.95)):
            field = np.zeros(shape, np.float32)
            h, w = shape
            y, x = int(corner[0] * h), int(corner[1] * w)
            blob = rng.random((min(25, h - y), min(40, w - x))).astype(np.float32)
            blob *= rng.random(blob.shape) > 0.6
            field[y:y + blob.shape[0], x:x + blob.shape[1]] = cv2.GaussianBlur(blob, (5, 5), 1.2)
            want = cv2.dilate(field, disc(size))
            got = dilate_field(field, size)
            assert got.dtype == np.float32 and got.shape == field.shape
            assert np.array_equal(got, want)
            assert float(got.max()) == float(field.max()) > 0.0
    empty = np.zeros((40, 50), np.float32)
    assert np.array_equal(dilate_field(empty, 11), empty)


def test_region_masks_of_two_faces_are_drawn_side_by_side() -> None:
    """Each thread's mask waits until the other thread draws its own: with one lock per
    property for all instances (functools.cached_property on Python 3.11) the second
    thread never got in and both waits timed out."""
    shape = (80, 60)
    pts = _face_points(shape)
    a, b = masks.face_regions(pts, shape), masks.face_regions(pts + np.float32(1), shape)
    arrived = [threading.Event(), threading.Event()]
    met: list[bool] = []
    original = masks.region_mask

    def meeting(*args: object, **kwargs: object) -> np.ndarray:
        me = 0 if threading.current_thread().name.endswith("_0") else 1
        arrived[me].set()
        met.append(arrived[1 - me].wait(3))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    masks.region_mask = meeting  # type: ignore[assignment]
    try:
        ovals: list[np.ndarray] = [np.zeros(0), np.zeros(0)]

        def draw(i: int, regions: masks.FaceRegions) -> None:
            ovals[i] = regions.oval

        threads = [threading.Thread(target=draw, args=(i, r), name=f"draw_{i}")
                   for i, r in enumerate((a, b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        masks.region_mask = original
    assert met == [True, True]
    assert np.array_equal(ovals[0], masks.face_regions(pts, shape).oval)
    assert float(ovals[1].max()) > 0.9
