"""``regions.pixels_at`` is ``img[mask]``: the same pixels in the same order."""

from __future__ import annotations

import numpy as np
import pytest

from portrait_studio.imaging.regions import pixels_at
from tests.conftest import fixture_image


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_pixels_at_equals_boolean_indexing(dtype: type) -> None:
    """On a portrait (contiguous, a strided view of it, one channel, a float copy) and
    masks from empty to full, including a Fortran-ordered one, the pixels and their order
    are those of NumPy's boolean indexing."""
    img = fixture_image("grace_meng__house_official_1.jpg").astype(dtype)
    h, w = img.shape[:2]
    rng = np.random.default_rng(7)
    views = [img, img[h // 5:h - h // 7, w // 6:w - w // 9], img[::2, 1::3], img[..., 1]]
    for view in views:
        luma = view.astype(np.float32) if view.ndim == 2 else view.astype(np.float32).mean(axis=2)
        masks = [np.zeros(luma.shape, bool), np.ones(luma.shape, bool),
                 luma < np.percentile(luma, 30), rng.random(luma.shape) < 0.01,
                 np.asfortranarray(luma > np.percentile(luma, 80))]
        for mask in masks:
            fast, plain = pixels_at(view, mask), view[mask]
            assert fast.dtype == plain.dtype and fast.shape == plain.shape
            assert fast.shape[0] == int(mask.sum())
            assert np.array_equal(fast, plain)
