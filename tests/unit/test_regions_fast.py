"""The cheaper mask helpers give exactly what the slower forms they replaced gave: OpenCV's
component labels and areas, the pieces touching a seed."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.imaging.regions import labelled, touching


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
