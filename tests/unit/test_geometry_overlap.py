"""imaging.geometry.overlap: where two boxes of one image meet, as slices into each box."""

from __future__ import annotations

import numpy as np

from portrait_studio.imaging.geometry import overlap


def test_overlap_gives_the_same_pixels_through_either_box() -> None:
    image = np.arange(40 * 50).reshape(40, 50)
    a = (slice(5, 30), slice(10, 40))
    b = (slice(20, 38), slice(0, 25))
    shared = overlap(a, b)
    assert shared is not None
    in_a, in_b = shared
    assert image[a][in_a].shape == (10, 15)
    np.testing.assert_array_equal(image[a][in_a], image[20:30, 10:25])
    np.testing.assert_array_equal(image[b][in_b], image[20:30, 10:25])


def test_boxes_that_only_touch_do_not_overlap() -> None:
    assert overlap((slice(0, 10), slice(0, 10)), (slice(10, 20), slice(0, 10))) is None
    assert overlap((slice(0, 10), slice(0, 10)), (slice(0, 10), slice(12, 20))) is None
