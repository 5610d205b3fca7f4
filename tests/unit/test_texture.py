"""Skin texture by frequency band: measured per band, and what a patch lacks added."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.retouch.texture import (
    BANDS,
    PHOTO_GRAIN,
    _finest,
    _luma,
    _split,
    match_noise,
    match_texture,
    missing_noise,
    noise_level,
    texture_levels,
)
from portrait_studio.imaging import geometry as geo
from portrait_studio.imaging.color import gaussian
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.masks import face_regions
from tests.conftest import fixture_image


def _textured(shape: tuple[int, int], seed: int) -> np.ndarray:
    """A mid-grey HxWx3 float32 image with grey noise at every fine scale."""
    noise = np.random.default_rng(seed).normal(0.0, 6.0, shape).astype(np.float32)
    return np.repeat((128.0 + noise + 3.0 * gaussian(noise, 1.5))[..., None], 3, axis=2)


def test_levels_are_per_band_and_zero_on_a_flat_image() -> None:
    img = _textured((96, 96), 1)
    mask = np.ones((96, 96), np.float32)
    levels = texture_levels(img, mask)
    assert len(levels) == len(BANDS)
    assert all(level > 0.5 for level in levels)
    assert texture_levels(np.full((96, 96, 3), 90.0, np.float32), mask) == (0.0, 0.0, 0.0)
    assert texture_levels(img, np.zeros((96, 96), np.float32)) == (0.0, 0.0, 0.0)


def test_a_smooth_patch_gets_the_texture_around_it_and_nothing_else_changes() -> None:
    img = _textured((128, 128), 2)
    patch = np.zeros((128, 128), np.float32)
    patch[32:96, 32:96] = 1.0
    img[32:96, 32:96] = gaussian(img[32:96, 32:96], 3.0)  # painted: smooth at fine scales
    target = texture_levels(_textured((128, 128), 3), np.ones((128, 128), np.float32))
    inner = np.zeros_like(patch)
    inner[40:88, 40:88] = 1.0
    before = texture_levels(img, inner)
    assert all(b < 0.5 * t for b, t in zip(before, target, strict=True))
    out = match_texture(img, patch, target, measure=inner)
    after = texture_levels(out, inner)
    assert all(abs(a - t) < 0.3 * t for a, t in zip(after, target, strict=True))
    assert np.array_equal(out[patch == 0], img[patch == 0])
    assert np.array_equal(out, match_texture(img, patch, target, measure=inner))
    assert np.ptp(out[40:88, 40:88], axis=2).max() < 1e-3  # grey noise: luma only


def test_a_patch_with_enough_texture_is_left_alone() -> None:
    img = _textured((64, 64), 4)
    mask = np.ones((64, 64), np.float32)
    low = tuple(0.5 * level for level in texture_levels(img, mask))
    assert np.array_equal(match_texture(img, mask, low), img)


def test_noise_level_follows_the_flat_parts_not_the_edges() -> None:
    rng = np.random.default_rng(5)
    flat = (np.full((80, 80, 3), 120.0) + rng.normal(0.0, 3.0, (80, 80, 1))).astype(np.float32)
    edged = flat.copy()
    edged[:, ::20] += 60.0  # sparse sharp lines: a median-based spread ignores them
    mask = np.ones((80, 80), np.float32)
    assert 1.0 < noise_level(flat, mask) < 3.0
    assert abs(noise_level(edged, mask) - noise_level(flat, mask)) < 0.35 * noise_level(flat, mask)
    assert noise_level(flat, np.zeros((80, 80), np.float32)) == 0.0


def test_a_clean_face_gets_the_noise_of_the_photo_around_it() -> None:
    rng = np.random.default_rng(6)
    photo = (np.full((100, 100, 3), 140.0) + rng.normal(0.0, 4.0, (100, 100, 1))).astype(np.float32)
    target = noise_level(photo, np.ones((100, 100), np.float32))
    face = photo.copy()
    face[20:80, 20:80] = 150.0  # pasted from a clean photo
    weight = np.zeros((100, 100), np.float32)
    weight[20:80, 20:80] = 1.0
    out = match_noise(face, weight, target)
    assert noise_level(face, weight) < 0.1
    assert abs(noise_level(out, weight) - target) < 0.1 * target
    assert np.array_equal(out[weight == 0], face[weight == 0])
    assert np.ptp(out[25:75, 25:75], axis=2).max() < 1e-3  # luma noise: grey
    assert np.array_equal(match_noise(photo, np.ones((100, 100), np.float32), target), photo)



def _neighbours(plane: np.ndarray) -> float:
    """The correlation of horizontally neighbouring values of the finest band of ``plane``
    (HxW), away from its borders."""
    fine = _finest(plane)[8:-8, 8:-8]
    return float(np.corrcoef(fine[:, 1:].ravel(), fine[:, :-1].ravel())[0, 1])


def test_a_photos_noise_is_correlated_between_neighbours_as_a_photos() -> None:
    """White noise's finest band is anti-correlated between neighbours (-0.27), a photo's
    is not (+0.06..+0.5 on the corpus portraits' skin and backdrops: demosaicing and
    compression): noise blurred by :data:`PHOTO_GRAIN` has +0.2 there, at the same level."""
    rng = np.random.default_rng(6)
    photo = (np.full((140, 140, 3), 140.0) + rng.normal(0.0, 4.0, (140, 140, 1))).astype(np.float32)
    target = noise_level(photo, np.ones((140, 140), np.float32))
    face = photo.copy()
    face[20:120, 20:120] = 150.0
    weight = np.zeros((140, 140), np.float32)
    weight[20:120, 20:120] = 1.0
    white = match_noise(face, weight, target)
    grain = match_noise(face, weight, target, blur=PHOTO_GRAIN)
    for out in (white, grain):
        assert abs(noise_level(out, weight) - target) < 0.1 * target
        assert np.array_equal(out[weight == 0], face[weight == 0])
    assert _neighbours(white[20:120, 20:120, 0]) < -0.2
    assert 0.1 < _neighbours(grain[20:120, 20:120, 0]) < 0.35


def test_the_missing_noise_measured_ahead_gives_the_same_face_and_none_when_level() -> None:
    """The fusion measures :func:`missing_noise` on the uint8 canvas first (skipping the
    face when nothing is missing) and hands it to :func:`match_noise`: the same pixels."""
    rng = np.random.default_rng(6)
    photo = (np.full((100, 100, 3), 140.0) + rng.normal(0.0, 4.0, (100, 100, 1))).astype(np.float32)
    target = noise_level(photo, np.ones((100, 100), np.float32))
    face = photo.round().astype(np.uint8)
    face[20:80, 20:80] = 150
    weight = np.zeros((100, 100), np.float32)
    weight[20:80, 20:80] = 1.0
    missing = missing_noise(face, weight > 0.97, target)
    assert abs(missing - target) < 0.05 * target  # the pasted patch has no noise
    assert noise_level(face, weight > 0.97) == noise_level(face, weight)  # a bool selection
    out = match_noise(face, weight, target, missing=missing)
    assert np.array_equal(out, match_noise(face, weight, target))
    assert float(np.abs(out[20:80, 20:80] - 150.0).max()) > 3.0
    assert missing_noise(photo, np.ones((100, 100), bool), target) < 0.3  # already level

def test_the_finest_band_alone_is_the_splits_first_and_the_noise_level_is_unchanged() -> None:
    """:func:`noise_level` blurs once (the finest band), not three times: the same band
    values on a real face, and the same noise levels (measured with the three-band split)."""
    for name, level in (("nancy_pelosi__house_official_1.jpg", 2.909299373626709),
                        ("bennie_g_thompson__house_official_1.jpg", 2.9940948486328125)):
        img = fixture_image(name)
        points = detect_faces(img)[0].landmarks
        roi = geo.roi_around(points, 1.0, img.shape)
        crop, local = img[roi.slices], points - roi.offset
        plane = _luma(crop)
        assert np.array_equal(_finest(plane), _split(plane)[0])
        assert noise_level(crop, face_regions(local, crop.shape).oval) == level
