"""The face-fusion benchmark's hand-made glasses-frame truth (bench/glasses_truth.json) and its
resampling into the engine's crop frame (bench/metrics.py)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.bench_metrics import bench_metrics

REPO = Path(__file__).resolve().parents[2]
PORTRAITS = REPO / ".." / "shared" / "corpus" / "portraits"
needs_corpus = pytest.mark.skipif(not PORTRAITS.is_dir(), reason="shared corpus absent")
WEARERS = ("andy_kim", "eleanor_holmes_norton", "harold_rogers")
# A crop frame like the engine's: the photo scaled 1.25x and shifted (x, y) by (-40, -60).
AFFINE = np.array([[1.25, 0.0, -40.0], [0.0, 1.25, -60.0]])
CROP_SIZE = (360, 420)


mt = bench_metrics()


def _photo(name: str) -> np.ndarray:
    """HxWx3 uint8 RGB of ``<name>__house_official_1.jpg``."""
    bgr = cv2.imread(str(PORTRAITS / f"{name}__house_official_1.jpg"))
    assert bgr is not None
    return np.ascontiguousarray(bgr[:, :, ::-1])


def _with_truth(name: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_photo` ``name`` and its hand-drawn frame mask (asserted to exist)."""
    photo = _photo(name)
    mask = mt.glasses_truth_mask(photo, name)
    assert mask is not None
    return photo, mask


def _lightness(img: np.ndarray) -> np.ndarray:
    return np.asarray(mt.rgb_to_lab(img)[..., 0])


def _ring(mask: np.ndarray, width: int = 3) -> np.ndarray:
    """Pixels within ``width`` px outside ``mask``."""
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((2 * width + 1,) * 2, np.uint8)) > 0
    return np.asarray(grown & ~mask)


def test_polyline_mask_is_the_band_around_the_segments() -> None:
    line = mt.Polyline("bar", 1.0, ((2.0, 5.0), (8.0, 5.0)))
    mask = mt.polyline_mask((10, 12), (line,))
    ys, xs = np.nonzero(mask)
    assert sorted(set(ys.tolist())) == [4, 5, 6]
    assert sorted(set(xs[ys == 5].tolist())) == list(range(1, 10))    # round caps reach 1 px
    assert sorted(set(xs[ys == 4].tolist())) == list(range(2, 9))
    assert int(mask.sum()) == 9 + 7 + 7


def test_truth_file_lists_the_three_wearers_with_a_comment() -> None:
    truth = mt.load_glasses_truth()
    assert sorted(truth) == sorted(WEARERS)
    assert all(len(lines) >= 8 for lines in truth.values())
    assert "made by eye" in mt.json.loads(mt.GLASSES_TRUTH.read_text())["comment"].lower()


def test_no_truth_for_a_non_wearer() -> None:
    assert mt.glasses_truth_mask(np.zeros((410, 335, 3), np.uint8), "pete_aguilar") is None


@needs_corpus
def test_andy_kim_mask_covers_the_bridge_and_spares_nose_and_eyes() -> None:
    photo, mask = _with_truth("andy_kim")
    assert mask.shape == photo.shape[:2]
    assert mask[160, 152:176].all()                      # the bridge
    assert not mask[205:212, 163:173].any()              # nose tip (mesh point 1 at 168, 209)
    for x, y in ((128, 164), (202, 159)):                # iris centres (mesh 468 / 473)
        assert not mask[y - 5:y + 6, x - 5:x + 6].any()
    rows = np.nonzero(mask.any(axis=1))[0]
    assert rows.min() >= 145 and rows.max() <= 190       # no brow crease, no nose wing


@needs_corpus
@pytest.mark.parametrize("name", WEARERS)
def test_frame_pixels_stand_out_from_their_surroundings(name: str) -> None:
    photo, mask = _with_truth(name)
    assert 400 < int(mask.sum()) < 1200
    lab = mt.rgb_to_lab(photo)
    ring = _ring(mask)
    skin = np.median(lab[ring], axis=0)[None]
    assert mt.ciede2000(lab[mask], skin).mean() > 1.25 * mt.ciede2000(lab[ring], skin).mean()


@needs_corpus
@pytest.mark.parametrize("name", ["andy_kim", "harold_rogers"])
def test_dark_frames_are_darker_than_their_surroundings(name: str) -> None:
    photo, mask = _with_truth(name)
    light = _lightness(photo)
    assert light[_ring(mask)].mean() - light[mask].mean() > 12.0


@needs_corpus
def test_resampled_mask_lands_on_the_frame_in_a_crop() -> None:
    photo, mask = _with_truth("harold_rogers")
    crop = mt.to_crop_frame(photo, AFFINE, False, CROP_SIZE)
    crop_mask = mt.mask_to_crop(mask, AFFINE, False, CROP_SIZE)
    assert crop_mask.shape == crop.shape[:2] == (420, 360)
    assert abs(int(crop_mask.sum()) - 1.25 ** 2 * int(mask.sum())) < 0.1 * mask.sum()
    bx, by = 1.25 * 176 - 40, 1.25 * 152 - 60            # the bridge's middle, crop frame
    assert crop_mask[int(by), int(bx)]
    light = _lightness(crop)
    assert light[int(by), int(bx)] < 35.0                 # Harold's black bridge
    assert light[_ring(crop_mask)].mean() - light[crop_mask].mean() > 8.0


@needs_corpus
def test_mirrored_photo_gives_the_mirrored_mask() -> None:
    photo, mask = _with_truth("andy_kim")
    identity = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    size = (photo.shape[1], photo.shape[0])
    assert np.array_equal(mt.mask_to_crop(mask, identity, True, size), mask[:, ::-1])
    crop = mt.to_crop_frame(photo, AFFINE, True, CROP_SIZE)
    crop_mask = mt.mask_to_crop(mask, AFFINE, True, CROP_SIZE)
    assert np.array_equal(crop_mask, mt.mask_to_crop(mask[:, ::-1].copy(), AFFINE, False,
                                                     CROP_SIZE))
    bx, by = 1.25 * (photo.shape[1] - 1 - 163) - 40, 1.25 * 160 - 60    # flipped bridge
    assert crop_mask[round(by), round(bx)]
    light = _lightness(crop)
    assert light[_ring(crop_mask)].mean() - light[crop_mask].mean() > 8.0
    assert not np.array_equal(crop_mask, mt.mask_to_crop(mask, AFFINE, False, CROP_SIZE))


def _skin_with_bar() -> tuple[np.ndarray, np.ndarray]:
    """A 40x60 skin-coloured RGB image with a 2 px dark bar (rows 19-20), and the bar's mask."""
    img = np.full((40, 60, 3), (205, 160, 140), np.uint8)
    bar = np.zeros((40, 60), bool)
    bar[19:21, 10:50] = True
    img[bar] = (40, 35, 35)
    return img, bar


def test_frame_visible_tells_a_kept_frame_from_a_painted_one() -> None:
    photo, bar = _skin_with_bar()
    painted = np.full_like(photo, (200, 158, 141))       # skin a few CIEDE2000 off the photo's
    assert int(mt.frame_visible(photo, photo, bar).sum()) == int(bar.sum()) == 80
    assert int(mt.frame_visible(photo, painted, bar).sum()) == 0
    half = photo.copy()
    half[:, 30:] = painted[:, 30:]                        # right half of the bar painted out
    vis = mt.frame_visible(photo, half, bar)
    assert vis[:, :28].sum() == bar[:, :28].sum() and not vis[:, 32:].any()


def test_sampled_count_counts_mask_pixels_among_the_samples() -> None:
    mask = np.zeros((5, 5), bool)
    mask[2, 1:4] = True
    samples = np.array([[2, 1], [2, 1], [2, 3], [0, 0], [4, 4]])
    assert mt.sampled_count(mask, samples) == 2
