"""``blend.per_channel``: an HxW factor repeated over 3 channels gives the broadcasting bytes."""

from __future__ import annotations

import numpy as np

from portrait_studio.imaging.blend import per_channel
from tests.conftest import fixture_image


def test_per_channel_products_and_sums_equal_broadcasting() -> None:
    """Products, quotients, blends and in-place sums of a portrait (float32) with a
    float32 field repeated by :func:`per_channel` are those with the HxWx1 broadcast; a
    uint8 field is repeated too; a float64 field (whose products would be float64) and a
    strided float32 view keep their values and promotion."""
    img = fixture_image("judy_chu__house_official_1.jpg").astype(np.float32)
    h, w = img.shape[:2]
    rng = np.random.default_rng(3)
    field = rng.random((h, w), dtype=np.float32)
    rep = per_channel(field)
    assert rep.shape == (h, w, 3) and rep.dtype == np.float32
    assert np.array_equal(rep[..., 2], field)
    b = field[..., None]
    assert np.array_equal(img * rep, img * b)
    assert np.array_equal(img / (rep + 0.5), img / (b + 0.5))
    assert np.array_equal(img * (1.0 - rep) + img[::-1] * rep, img * (1.0 - b) + img[::-1] * b)
    summed, plain = img.copy(), img.copy()
    summed += per_channel(field * 7.0)
    plain += (field * 7.0)[..., None]
    assert np.array_equal(summed, plain) and not np.array_equal(summed, img)
    view = field[::2, 1::2]
    part = img[::2, 1::2]
    assert np.array_equal(part * per_channel(view), part * view[..., None])
    assert per_channel((field * 255).astype(np.uint8)).shape == (h, w, 3)
    wide = field.astype(np.float64)
    assert per_channel(wide).shape == (h, w, 1)
    assert (img * per_channel(wide)).dtype == np.float64
