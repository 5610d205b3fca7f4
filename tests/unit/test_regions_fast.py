"""The cheaper mask and colour helpers give exactly what the slower forms they replaced gave:
OpenCV's component labels and areas, the pieces touching a seed, squared Lab distances, the
mean of an image's channels and the longest run of every row."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.regions import (
    channel_mean,
    lab_dist2,
    longest_run,
    longest_runs,
    runs,
)
from portrait_studio.imaging.color import rgb_to_lab
from portrait_studio.imaging.regions import (
    dilate_disc,
    disc,
    erode_disc,
    gather,
    labelled,
    nearest_in,
    nearest_set,
    piece_medians,
    row_first,
    row_last,
    touching,
)
from tests.corpus import needs_corpus, photo


def _masks() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    out = [rng.random((int(h), int(w))) < rng.random() * 0.6
           for h, w in rng.integers(1, 70, (40, 2))]
    blobs = np.zeros((120, 90), bool)
    blobs[30:41, 51:60] = True          # a piece off the image's 2x2 block grid
    blobs[70:73, 10:13] = True
    blobs[71, 13:20] = True
    out += [blobs, np.zeros((9, 9), bool), np.ones((5, 7), bool)]
    return out


def test_labelled_matches_opencv_stats() -> None:
    for mask in _masks():
        for conn in (4, 8):
            n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                                   connectivity=conn)
            got_n, got_labels, areas = labelled(mask, conn)
            assert got_n == n
            assert np.array_equal(got_labels, labels)
            assert areas.tolist() == stats[:, cv2.CC_STAT_AREA].tolist()


def test_nearest_in_reads_the_raster_order_labels_as_the_table_did() -> None:
    """:func:`nearest_in` reads each pixel label's position off the set pixels in raster
    order (OpenCV numbers them so); it gives what the table from every labelled pixel gave,
    and the nearest pixels are set and nearest (Euclidean within the 5x5 mask's error)."""
    rng = np.random.default_rng(9)
    blurred = cv2.GaussianBlur(rng.random((40, 60)), (0, 0), 3) > 0.5
    for source in [m for m in _masks() if m.any() and not m.all()] + [blurred, blurred.T]:
        ys, xs = np.nonzero(~source)
        _, labels = cv2.distanceTransformWithLabels((~source).astype(np.uint8), cv2.DIST_L2,
                                                    5, labelType=cv2.DIST_LABEL_PIXEL)
        at = np.stack(np.nonzero(source), axis=1)
        table = np.zeros((int(labels.max()) + 1, 2), np.int64)
        table[labels[at[:, 0], at[:, 1]]] = at
        got = nearest_in(source, ys, xs)
        assert got.dtype == np.int64 and np.array_equal(got, table[labels[ys, xs]])
        assert source[got[:, 0], got[:, 1]].all()
        if source.size > 2500:
            continue  # (the brute-force distances below grow with the square of the size)
        best = np.sqrt(((at[None, :, :] - np.stack([ys, xs], 1)[:, None, :]) ** 2).sum(2)).min(1)
        found = np.hypot(got[:, 0] - ys, got[:, 1] - xs)
        assert (found <= best * 1.1 + 1e-9).all()


def test_touching_in_the_bounding_box_keeps_the_pieces() -> None:
    rng = np.random.default_rng(8)
    for mask in _masks():
        seed = rng.random(mask.shape) < 0.03
        _, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
        want = np.isin(labels, np.unique(labels[mask & seed])) & mask
        assert np.array_equal(touching(mask, seed), want)
        assert np.array_equal(touching(mask.astype(np.uint8) * 255, seed), want)
    blobs = _masks()[-3]
    seed = np.zeros_like(blobs)
    seed[72, 11] = True
    assert int(touching(blobs, seed).sum()) == 9 + 7     # the square and its tail only


def test_lab_dist2_is_the_float32_sum_of_squares() -> None:
    rng = np.random.default_rng(9)
    ref = np.array([51.3, -7.7, 12.25])
    for shape in [(37, 23, 3), (500, 3), (1, 3), (0, 3)]:
        lab = (rng.random(shape, dtype=np.float32) * 200 - 100).astype(np.float32)
        d = lab - ref.astype(np.float32)
        want = np.einsum("...k,...k->...", d, d)
        got = lab_dist2(lab, ref)
        assert got.dtype == np.float32 and got.shape == want.shape
        assert np.array_equal(got, want)
    view = (rng.random((40, 50, 3), dtype=np.float32) * 100)[5:30, 7:41]
    d = view - np.float32([1, 2, 3])
    assert np.array_equal(lab_dist2(view, np.array([1, 2, 3])),
                          np.einsum("...k,...k->...", d, d))
    assert lab_dist2(np.zeros((1, 1, 3), np.float32), np.array([3.0, 4.0, 0.0]))[0, 0] == 25.0


def test_runs_and_longest_runs_per_row() -> None:
    flags = np.array([1, 1, 0, 1, 1, 0, 0, 1, 1, 1], bool)
    starts, ends = runs(flags)
    assert starts.tolist() == [0, 3, 7] and ends.tolist() == [2, 5, 10]
    grid = np.array([flags, flags[::-1], np.zeros(10, bool), [1, 1, 0, 1, 1, 0, 0, 0, 1, 1]])
    assert longest_runs(grid).tolist() == [[7, 10], [0, 3], [0, 0], [0, 2]]
    for mask in _masks():
        want = [list(longest_run(row)) for row in mask]
        assert longest_runs(mask).tolist() == want


def test_channel_mean_is_numpys_mean() -> None:
    rng = np.random.default_rng(11)
    img = rng.integers(0, 256, (60, 50, 3), dtype=np.uint8)[3:57, 2:47]
    every = np.array([(a, b, c) for a in range(256) for b in (0, 1, 128, 255)
                      for c in (0, 2, 255)], np.uint8).reshape(16, -1, 3)
    for u8 in (img, every):
        want = u8.mean(axis=2).astype(np.float32)
        assert channel_mean(u8).dtype == np.float32
        assert np.array_equal(channel_mean(u8), want)
        assert np.array_equal(channel_mean(u8.astype(np.float32)),
                              u8.astype(np.float32).mean(axis=2))
    rgb = rng.random((40, 30, 3), dtype=np.float32) * 255
    assert np.array_equal(channel_mean(rgb), rgb.mean(axis=2).astype(np.float32))
    assert channel_mean(np.array([[[1, 2, 4]]], np.uint8))[0, 0] == np.float32(7 / 3)


def test_row_first_and_last_are_each_rows_end_pixels() -> None:
    for mask in _masks():
        cols = [np.flatnonzero(row) for row in mask]
        assert row_first(mask, -5).tolist() == [c[0] if len(c) else -5 for c in cols]
        assert row_last(mask, 99).tolist() == [c[-1] if len(c) else 99 for c in cols]


def test_gather_takes_each_pixel_from_its_index() -> None:
    rng = np.random.default_rng(4)
    img = rng.random((40, 57, 3)).astype(np.float32)
    pick = rng.integers(0, 40, (40, 57))
    flat = pick * 57 + np.arange(57)
    want = np.take_along_axis(img, pick[..., None], axis=0)
    assert np.array_equal(gather(img, flat), want)
    assert np.array_equal(gather(img[..., 0] > 0.5, flat), want[..., 0] > 0.5)


def test_nearest_set_is_each_pixels_nearest_set_pixel_along_an_axis() -> None:
    for mask in _masks():
        h, w = mask.shape
        left, right = nearest_set(mask, 1, False), nearest_set(mask, 1, True)
        up, down = nearest_set(mask, 0, False), nearest_set(mask, 0, True)
        for y in range(0, h, 7):
            for x in range(0, w, 5):
                row, col = np.flatnonzero(mask[y]), np.flatnonzero(mask[:, x])
                assert left[y, x] == max(row[row <= x], default=-1)
                assert right[y, x] == min(row[row >= x], default=w)
                assert up[y, x] == max(col[col <= y], default=-1)
                assert down[y, x] == min(col[col >= y], default=h)


@needs_corpus
def test_piece_medians_are_numpys_medians_per_piece() -> None:
    """On a real photo's dark pieces: the median Lab colour and median L* of every piece
    (odd and even pixel counts) equal np.median over ``labels == i``, bit for bit."""
    lab = rgb_to_lab(photo("vitonhd_00055_00", (768, 1024)))
    n, labels = cv2.connectedComponents((lab[..., 0] < 45).astype(np.uint8), connectivity=8)
    pieces = np.arange(1, n)
    sizes = np.bincount(labels.ravel(), minlength=n)[1:]
    assert n > 20 and (sizes % 2 == 0).any() and (sizes % 2 == 1).any()
    colours = piece_medians(labels, lab, pieces)
    assert colours.shape == (n - 1, 3) and colours.dtype == np.float32
    some = pieces[np.argsort(sizes)[::-1][:40]]     # the 40 largest, then every 25th
    some = np.concatenate([some, pieces[::25]])
    light = piece_medians(labels, lab[..., 0], some)
    for i, got in zip(some, light, strict=True):
        assert np.array_equal(colours[i - 1], np.median(lab[labels == i], axis=0))
        assert got == np.median(lab[..., 0][labels == i])
    big = int(np.argmax(sizes)) + 1
    assert np.array_equal(piece_medians(labels, lab, np.array([big])),
                          np.median(lab[labels == big], axis=0)[None])
    assert piece_medians(labels, lab, np.array([], np.intp)).shape == (0, 3)


def test_disc_erosion_and_dilation_equal_opencvs() -> None:
    """The row-by-row disc morphology on the set pixels' box gives OpenCV's pixels exactly:
    random masks, blobs touching the image's edges, a face-sized oval, every disc size the
    swap's bands take (and the sizes left to OpenCV: small and even ones)."""
    oval = np.zeros((300, 250), np.uint8)
    cv2.ellipse(oval, (120, 160), (80, 110), 10, 0, 360, 1, -1)
    edge = np.zeros((60, 80), bool)
    edge[:25, 50:] = True               # touches the top and right edges
    holes = np.ones((70, 70), bool)
    holes[35, 35] = holes[0, 69] = False
    masks = [*_masks(), oval.astype(bool), edge, holes]
    for mask in masks:
        for size in (3, 15, 16, 17, 21, 29, 37, 47, 57, 61, 73, 101):
            flags = mask.astype(np.uint8)
            want_e = cv2.erode(flags, disc(size)) > 0
            want_d = cv2.dilate(flags, disc(size)) > 0
            assert np.array_equal(erode_disc(mask, size), want_e), (mask.shape, size)
            assert np.array_equal(dilate_disc(flags * 255, size), want_d), (mask.shape, size)
    # a 61-disc erosion of the oval keeps its core only, and the dilation reaches 30 px out
    core = erode_disc(oval, 61)
    assert 0 < core.sum() < oval.sum() // 2
    assert dilate_disc(oval, 61)[160, 120 - 80 - 30] and not dilate_disc(oval, 61)[160, 8]
