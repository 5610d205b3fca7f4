"""The fast paths of ``imaging.fill`` give byte for byte what the plain arithmetic gives."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from portrait_studio.imaging import fill
from portrait_studio.perception.faces import detect_faces
from tests.conftest import fixture_image


def _plain_trust(img: np.ndarray, mask: np.ndarray, grow: int) -> np.ndarray:
    """:func:`fill._trust` as first written: the black-hat of the float lightness."""
    light = cv2.cvtColor(img, cv2.COLOR_RGB2Lab)[..., 0].astype(np.float32) * np.float32(100 / 255)
    disc = 8 * grow + 1
    dark = cv2.morphologyEx(light, cv2.MORPH_BLACKHAT,
                            cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (disc, disc)))
    weight: np.ndarray = (1 - np.clip((dark - 3) / 6, 0, 0.95)) * ~mask
    return weight.astype(np.float32)


def _eye_band(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A fixture portrait's band round the eyes (a strided view) and a mask of its brows'
    and eyes' dark pixels (the thin things fill_thin paints out)."""
    img = fixture_image(f"{name}__house_official_1.jpg")
    pts = detect_faces(img)[0].landmarks
    y0, y1 = int(pts[:, 1].min()) - 10, int(pts[:, 1].mean())
    x0, x1 = int(pts[:, 0].min()) - 20, int(pts[:, 0].max()) + 20
    band = img[y0:y1, x0:x1]
    luma = band.astype(np.float32).mean(axis=2)
    mask = luma < np.percentile(luma, 12)
    return band, mask


@pytest.mark.parametrize("name", ["andy_kim", "bennie_g_thompson", "grace_meng"])
def test_trust_on_8_bit_lightness_equals_the_float_black_hat(name: str) -> None:
    """The closing of the 8-bit lightness, scaled, is the float closing: the same weights
    for every grow (disc size) on a portrait's eye band with glasses, beard and brows."""
    band, mask = _eye_band(name)
    for grow in (1, 2, 3, 6):
        fast, plain = fill._trust(band, mask, grow), _plain_trust(band, mask, grow)
        assert fast.dtype == np.float32 and fast.shape == mask.shape
        assert 0.05 < float((fast < 0.9).mean()) < 0.95  # dark things are down-weighted
        assert np.array_equal(fast, plain)


def _plain_fill(img: np.ndarray, mask: np.ndarray, grow: int,
                sides: np.ndarray | None) -> np.ndarray:
    """:func:`fill.fill_thin` (no reduction) written with plain 2-D fancy indexing."""
    src = img.astype(np.float32)
    grain = np.clip(src - cv2.GaussianBlur(src, (0, 0), 1.5), -fill.GRAIN_MAX, fill.GRAIN_MAX)
    iy, ix, mirror, ok = fill.mirror_sources(mask, sides)
    base = fill._base(img, mask, grow, sides)
    value = base[iy, ix] + ok[:, None] * grain[mirror[:, 0], mirror[:, 1]]
    out = img.copy()
    out[iy, ix] = np.clip(np.rint(value), 0, 255).astype(np.uint8)
    return out


@pytest.mark.parametrize("name", ["andy_kim", "grace_meng"])
def test_fill_thin_flat_gather_equals_plain_indexing(name: str) -> None:
    """The flat-index gather, in-place sums and scatter of :func:`fill.fill_thin` give the
    plain fancy-indexing result, with and without ``sides``, on a strided view."""
    band, mask = _eye_band(name)
    sides = np.zeros(mask.shape, bool)
    sides[:, : mask.shape[1] // 2] = True
    for s in (None, sides):
        fast, plain = fill.fill_thin(band, mask, 2, s), _plain_fill(band, mask, 2, s)
        moved = np.abs(fast.astype(np.int16) - band.astype(np.int16)).max(axis=2) > 8
        assert moved[mask].mean() > 0.3  # the masked dark pixels are painted over
        assert not moved[~mask].any()
        assert np.array_equal(fast, plain)


def _plain_carry_in(img: np.ndarray, known: np.ndarray) -> np.ndarray:
    """:func:`fill.carry_in`'s push-pull with NumPy broadcasting of the weights."""
    return fill._push_pull(img, known, fill._broadcast)


@pytest.mark.parametrize("name", ["andy_kim", "bennie_g_thompson"])
def test_carry_in_rgb_path_equals_broadcasting(name: str) -> None:
    """The 3-channel float32 path of :func:`fill.carry_in` gives the broadcasting result
    bit for bit on a portrait's eye band with its dark pixels unknown (soft weights too),
    and the other dtypes still take the plain path (float64 in, float64 out)."""
    band, mask = _eye_band(name)
    src = band.astype(np.float32)
    for known in ((~mask).astype(np.float32), fill._trust(band, mask, 2)):
        fast, plain = fill.carry_in(src, known), _plain_carry_in(src, known)
        assert fast.dtype == np.float32
        # the unknown (darkest) pixels are filled from their lighter surroundings
        assert float(fast[mask].mean()) > float(src[mask].mean()) + 10.0
        assert np.array_equal(fast, plain)
    wide = fill.carry_in(src.astype(np.float64), (~mask).astype(np.float64))
    assert wide.dtype == np.float64
    assert np.array_equal(wide, _plain_carry_in(src.astype(np.float64),
                                                (~mask).astype(np.float64)))
