"""Super-resolution (Real-ESRGAN through ncnn on the CPU) and face-detail enhancement."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from portrait_studio.capabilities.super_resolution import (
    EnhanceParams,
    UpscaleParams,
    enhance_detail,
    models_for,
    upscale,
)
from portrait_studio.capabilities.super_resolution.core import tile_spans
from portrait_studio.errors import ImageError, ParameterError
from portrait_studio.models.ncnn_runtime import load_model, read_blob_names
from portrait_studio.models.registry import realesrgan_model

Image = npt.NDArray[np.uint8]
CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus"
TED = CORPUS / "portraits/ted_lieu__house_official_1.jpg"


def synthetic(side: int = 96, seed: int = 0) -> Image:
    """HxWx3 uint8 RGB scene of anti-aliased discs, bars and lines on a grey ground."""
    rng = np.random.default_rng(seed)
    img = np.full((side, side, 3), 200, np.uint8)
    for _ in range(14):
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        x, y = (int(v) for v in rng.integers(0, side, 2))
        r = int(rng.integers(6, side // 4))
        if rng.random() < 0.5:
            cv2.circle(img, (x, y), r, colour, -1, cv2.LINE_AA)
        else:
            cv2.rectangle(img, (x, y), (x + r, y + r // 2), colour, -1)
    for _ in range(6):
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        p = [int(v) for v in rng.integers(0, side, 4)]
        cv2.line(img, (p[0], p[1]), (p[2], p[3]), colour, 2, cv2.LINE_AA)
    return img


def u8(img: object) -> Image:
    """An OpenCV result typed as uint8."""
    return np.asarray(img, dtype=np.uint8)


def blur(img: Image, sigma: float) -> Image:
    return u8(cv2.GaussianBlur(img, (0, 0), sigma))


def resize(img: Image, width: int, height: int, interpolation: int) -> Image:
    return u8(cv2.resize(img, (width, height), interpolation=interpolation))


def soft_downscale(hr: Image, factor: int) -> Image:
    """A soft camera: Gaussian blur (sigma 1) then area downscale by ``factor``."""
    h, w = hr.shape[:2]
    return resize(blur(hr, 1.0), w // factor, h // factor, cv2.INTER_AREA)


def sharpness(img: Image) -> float:
    """Mean Sobel gradient magnitude of the grey image."""
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    return float(np.mean(np.hypot(gx, gy)))


def laplacian_variance(img: Image) -> float:
    return float(cv2.Laplacian(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())


def ted_face() -> Image:
    if not TED.is_file():
        pytest.skip("shared corpus absent")
    rgb = u8(cv2.cvtColor(u8(cv2.imread(str(TED))), cv2.COLOR_BGR2RGB))
    return np.ascontiguousarray(rgb[60:220, 80:240])


# --- ncnn runtime ------------------------------------------------------------------------

def test_param_files_declare_data_to_output() -> None:
    names = read_blob_names(realesrgan_model("realesr-animevideov3-x2")[0])
    assert (names.inputs, names.outputs) == (("data",), ("output",))


def test_runtime_caches_per_threads_and_runs_chw() -> None:
    files = realesrgan_model("realesr-animevideov3-x4")
    one = load_model(*files, threads=1)
    assert load_model(*files, threads=1) is one
    assert load_model(*files, threads=2) is not one
    out = one.run(np.full((3, 10, 12), 0.5, np.float32))
    assert out.shape == (3, 40, 48) and out.dtype == np.float32
    assert abs(float(out.mean()) - 0.5) < 0.05  # a flat grey stays grey
    with pytest.raises(ParameterError):
        one.run(np.zeros((10, 12, 3), np.uint8))


# --- upscale -----------------------------------------------------------------------------

@pytest.mark.parametrize(("scale", "model"), [
    (2, None), (2, "realesr-animevideov3-x4"), (4, "realesr-animevideov3-x4")])
def test_upscale_shape_dtype_and_colours(scale: int, model: str | None) -> None:
    img = synthetic(48)[:40]
    out = upscale(img, scale, model=model)
    assert out.shape == (40 * scale, 48 * scale, 3) and out.dtype == np.uint8
    back = resize(out, 48, 40, cv2.INTER_AREA).astype(int)
    assert float(np.abs(back - img.astype(int)).mean()) < 10.0  # measured 7.3-8.1
    channel_means = out.reshape(-1, 3).mean(axis=0) - img.reshape(-1, 3).mean(axis=0)
    assert float(np.abs(channel_means).max()) < 5.0  # measured 2.9


@pytest.mark.parametrize("model", ["realesr-animevideov3-x2", "realesr-animevideov3-x4"])
def test_flat_colour_keeps_rgb_order_and_range(model: str) -> None:
    img = np.empty((24, 32, 3), np.uint8)
    img[:] = (200, 80, 30)
    out = upscale(img, 2, model=model)
    assert np.abs(out.astype(int) - np.array([200, 80, 30])).max() <= 4


def test_x2_restores_sharpness_better_than_bicubic_synthetic() -> None:
    hr = synthetic(128)
    lr = soft_downscale(hr, 2)
    bicubic = resize(lr, 128, 128, cv2.INTER_CUBIC)
    sr = upscale(lr, 2)
    # measured: hr 43.5, bicubic 39.0, x2 model 44.4
    assert abs(sharpness(sr) - sharpness(hr)) < abs(sharpness(bicubic) - sharpness(hr)) - 2.0


@pytest.mark.corpus
def test_x2_restores_sharpness_better_than_bicubic_photo() -> None:
    hr = ted_face()
    lr = soft_downscale(hr, 2)
    bicubic = resize(lr, 160, 160, cv2.INTER_CUBIC)
    sr = upscale(lr, 2)
    # measured: hr 51.1, bicubic 38.6, x2 model 41.5 (PSNR favours bicubic: 32.2 vs 30.0 dB)
    assert abs(sharpness(sr) - sharpness(hr)) < abs(sharpness(bicubic) - sharpness(hr)) - 1.5


@pytest.mark.parametrize(("scale", "model"), [(2, None), (4, "realesr-animevideov3-x4")])
def test_tiled_matches_untiled(scale: int, model: str | None) -> None:
    img = synthetic(80, seed=3)[:72]
    whole = upscale(img, scale, model=model, tile=128, overlap=12)
    tiled = upscale(img, scale, model=model, tile=32, overlap=12)  # 3x3 tiles
    diff = np.abs(whole.astype(int) - tiled.astype(int))
    assert int(diff.max()) <= 3
    assert float(diff.mean()) < 0.05


def test_default_models_do_not_depend_on_size() -> None:
    assert UpscaleParams(scale=2).model_name == "realesr-animevideov3-x2"
    assert UpscaleParams(scale=4).model_name == "realesr-animevideov3-x4"
    assert UpscaleParams(scale=4, model="realesrgan-x4plus").model_name == "realesrgan-x4plus"
    assert "realesr-animevideov3-x2" not in models_for(4)
    assert set(models_for(2)) == {"realesr-animevideov3-x2", "realesr-animevideov3-x4",
                                  "realesrgan-x4plus", "realesrgan-x4plus-anime"}


def test_crop_of_upscaled_matches_upscaled_crop() -> None:
    img = blur(synthetic(96, seed=5), 0.8)
    whole = upscale(img, 4)
    crop = upscale(np.ascontiguousarray(img[24:72, 24:72]), 4)
    inner = (slice(12 * 4, 36 * 4), slice(12 * 4, 36 * 4))  # 12 px away from the crop's edge
    diff = np.abs(whole[24 * 4:72 * 4, 24 * 4:72 * 4][inner].astype(int) - crop[inner].astype(int))
    assert int(diff.max()) <= 3


def test_photo_model_upscales_a_small_image() -> None:
    img = blur(synthetic(32), 0.8)
    out = upscale(img, 4, model="realesrgan-x4plus")
    assert out.shape == (128, 128, 3)
    assert sharpness(out) > 1.2 * sharpness(upscale(img, 4))  # measured 46.4 vs 34.4


def test_tile_spans_cover_evenly() -> None:
    assert tile_spans(100, 192) == [(0, 100)]
    assert tile_spans(200, 192) == [(0, 100), (100, 200)]
    assert tile_spans(7, 32) == [(0, 7)]


def test_tiny_image_upscales() -> None:
    img = np.full((1, 2, 3), (10, 120, 240), np.uint8)
    out = upscale(img, 2, overlap=12)
    assert out.shape == (2, 4, 3)
    assert np.abs(out.astype(int) - np.array([10, 120, 240])).max() <= 12


# --- enhance_detail ----------------------------------------------------------------------

def test_strength_zero_returns_input_bytes() -> None:
    img = synthetic(64)
    out = enhance_detail(img, 0.0)
    assert out is not img and out.tobytes() == img.tobytes()


def test_strength_one_raises_high_frequencies_synthetic() -> None:
    soft = blur(synthetic(96), 1.2)
    out = enhance_detail(soft, 1.0)
    assert out.shape == soft.shape and out.dtype == np.uint8
    assert laplacian_variance(out) > 3.0 * laplacian_variance(soft)


@pytest.mark.corpus
def test_strength_one_raises_high_frequencies_photo() -> None:
    face = ted_face()
    assert laplacian_variance(enhance_detail(face, 1.0)) > 1.15 * laplacian_variance(face)
    soft = blur(face, 1.2)
    assert laplacian_variance(enhance_detail(soft, 1.0)) > 3.0 * laplacian_variance(soft)


def test_strength_blends_linearly() -> None:
    soft = blur(synthetic(64), 1.2)
    full = enhance_detail(soft, 1.0).astype(np.float32)
    half = enhance_detail(soft, 0.5).astype(np.float32)
    expected = (soft.astype(np.float32) + full) / 2
    assert float(np.abs(half - expected).max()) <= 1.0


def test_large_crop_is_processed_at_max_side() -> None:
    img = blur(synthetic(160), 1.2)
    out = enhance_detail(img, 1.0, max_side=80)
    assert out.shape == img.shape
    assert laplacian_variance(out) > 1.5 * laplacian_variance(img)


# --- parameters --------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    ({"scale": 3}, "scale"),
    ({"scale": 4.0}, "scale"),
    ({"scale": 2, "tile": 8}, "tile"),
    ({"scale": 2, "tile": True}, "tile"),
    ({"scale": 2, "overlap": -1}, "overlap"),
    ({"scale": 2, "threads": 0}, "threads"),
    ({"scale": 2, "model": "nope"}, "model"),
    ({"scale": 4, "model": "realesr-animevideov3-x2"}, "model"),
    ({"scale": 2, "model": "realesr-animevideov3-x3"}, "model"),
])
def test_bad_upscale_params(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ParameterError) as caught:
        UpscaleParams(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field and caught.value.code == "param.invalid"
    with pytest.raises(ParameterError) as again:
        upscale(synthetic(32), **kwargs)  # type: ignore[arg-type]
    assert again.value.field == field


@pytest.mark.parametrize(("strength", "extra", "field"), [
    (1.5, {}, "strength"), (-0.1, {}, "strength"), (float("nan"), {}, "strength"),
    ("0.5", {}, "strength"), (0.5, {"threads": 0}, "threads"), (0.5, {"max_side": 8}, "max_side"),
])
def test_bad_enhance_params(strength: object, extra: dict[str, int], field: str) -> None:
    with pytest.raises(ParameterError) as caught:
        EnhanceParams(strength, **extra)  # type: ignore[arg-type]
    assert caught.value.field == field
    with pytest.raises(ParameterError) as again:
        enhance_detail(synthetic(32), strength, **extra)  # type: ignore[arg-type]
    assert again.value.field == field


@pytest.mark.parametrize("bad", [
    np.zeros((8, 8), np.uint8), np.zeros((8, 8, 4), np.uint8), np.zeros((8, 8, 3), np.float32),
    np.zeros((0, 8, 3), np.uint8)])
def test_bad_images_raise_image_error(bad: npt.NDArray[np.generic]) -> None:
    with pytest.raises(ImageError) as caught:
        upscale(bad, 2)  # type: ignore[arg-type]
    assert caught.value.field == "image"
    with pytest.raises(ImageError):
        enhance_detail(bad, 0.5)  # type: ignore[arg-type]
