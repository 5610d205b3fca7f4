"""Real-ESRGAN super-resolution and face-detail enhancement (CPU, ncnn, own tiling).

DOCSTRING-PLACEHOLDER
"""

from __future__ import annotations

import itertools
import math

import cv2
import numpy as np
import numpy.typing as npt

from ...errors import ImageError, InternalError
from ...models.ncnn_runtime import NcnnModel, load_model
from ...models.registry import realesrgan_model
from .types import DETAIL_MODEL, EnhanceParams, UpscaleParams

UInt8Image = npt.NDArray[np.uint8]
FloatImage = npt.NDArray[np.float32]


def upscale(img: UInt8Image, scale: int, *, model: str | None = None, tile: int = 192,
            overlap: int = 12, threads: int = 1) -> UInt8Image:
    """Upscale an HxWx3 uint8 RGB image to (H*scale)x(W*scale)x3 uint8 RGB.

    ``scale`` is 2 or 4; ``model`` one of ``types.MODEL_SCALES`` whose native factor is a
    multiple of ``scale`` (``None`` picks ``types.DEFAULT_MODELS[scale]``). The image is cut
    into ``tile``-sized squares, each run with ``overlap`` pixels of context on every side, so
    memory is bounded by the tile size, not the image size.
    """
    params = UpscaleParams(scale=scale, model=model, tile=tile, overlap=overlap,
                           threads=threads)
    return upscale_with(img, params)


def upscale_with(img: UInt8Image, params: UpscaleParams) -> UInt8Image:
    """:func:`upscale` with an already validated :class:`UpscaleParams`."""
    check_image(img)
    net = realesrgan(params.model_name, params.threads)
    height, width = img.shape[:2]
    pad = params.overlap
    padded = np.asarray(cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_REFLECT_101),
                        dtype=np.uint8)
    s = params.scale
    out = np.empty((height * s, width * s, 3), np.uint8)
    for y0, y1 in tile_spans(height, params.tile):
        for x0, x1 in tile_spans(width, params.tile):
            patch = padded[y0:y1 + 2 * pad, x0:x1 + 2 * pad]
            out[y0 * s:y1 * s, x0 * s:x1 * s] = _upscale_patch(net, patch, pad, params)
    return out


def realesrgan(name: str, threads: int) -> NcnnModel:
    """The cached ncnn net of Real-ESRGAN model ``name`` for ``threads`` threads."""
    param, weights = realesrgan_model(name)
    return load_model(param, weights, threads=threads, input_name="data", output_name="output")


def check_image(img: UInt8Image) -> None:
    """Raise :class:`ImageError` unless ``img`` is a non-empty HxWx3 uint8 array."""
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 \
            or img.shape[2] != 3 or img.shape[0] < 1 or img.shape[1] < 1:
        shape = getattr(img, "shape", None)
        dtype = getattr(img, "dtype", type(img).__name__)
        raise ImageError(f"image must be an HxWx3 uint8 RGB array, got {dtype} {shape}",
                         field="image")


def tile_spans(length: int, tile: int) -> list[tuple[int, int]]:
    """Split ``0..length`` into ``ceil(length / tile)`` near-equal ``(start, stop)`` spans."""
    count = max(1, math.ceil(length / tile))
    bounds = [round(i * length / count) for i in range(count + 1)]
    return list(itertools.pairwise(bounds))


def _upscale_patch(net: NcnnModel, patch: UInt8Image, pad: int,
                   params: UpscaleParams) -> UInt8Image:
    """Run one padded HxWx3 uint8 RGB patch and return its upscaled core, uint8 RGB."""
    core_h, core_w = patch.shape[0] - 2 * pad, patch.shape[1] - 2 * pad
    native = params.model_scale
    result = run_rgb(net, patch)
    expected = (patch.shape[0] * native, patch.shape[1] * native)
    if result.shape[:2] != expected:
        raise InternalError(f"{params.model_name} returned {result.shape[:2]}, "
                            f"expected {expected}")
    margin = pad * native
    core = result[margin:margin + core_h * native, margin:margin + core_w * native]
    if native != params.scale:
        size = (core_w * params.scale, core_h * params.scale)
        core = resize_float(core, size, cv2.INTER_AREA)
    return to_uint8(core)


def run_rgb(net: NcnnModel, rgb: UInt8Image) -> FloatImage:
    """Run a Real-ESRGAN net on HxWx3 uint8 RGB; returns H'xW'x3 float32 RGB in 0..1."""
    chw = np.ascontiguousarray(rgb.transpose(2, 0, 1), dtype=np.float32)
    chw *= np.float32(1.0 / 255.0)
    return np.ascontiguousarray(net.run(chw).transpose(1, 2, 0))


def to_uint8(rgb: FloatImage) -> UInt8Image:
    """Float RGB in 0..1 to uint8 (rounded, clipped)."""
    scaled = np.clip(rgb * np.float32(255.0) + np.float32(0.5), 0.0, 255.0)
    out: UInt8Image = scaled.astype(np.uint8)
    return out


def resize_float(rgb: FloatImage, size: tuple[int, int], interpolation: int) -> FloatImage:
    """``cv2.resize`` of an HxWx3 float32 image to ``size`` = (width, height)."""
    return np.asarray(cv2.resize(rgb, size, interpolation=interpolation), dtype=np.float32)


def enhance_detail(img: UInt8Image, strength: float, *, threads: int = 1,
                   max_side: int = 256) -> UInt8Image:
    """Restore detail in an HxWx3 uint8 RGB face crop; returns the same shape, uint8 RGB.

    Runs the compact x2 model, area-resizes back to the input size and blends with the input:
    ``strength`` 0 returns the input bytes unchanged, 1 the model's result. A crop larger than
    ``max_side`` is processed at ``max_side`` (the model's time grows with the pixel count) and
    only the change the model made there is resized up and added, so the crop keeps its own
    finest detail.
    """
    params = EnhanceParams(strength=strength, threads=threads, max_side=max_side)
    check_image(img)
    if params.strength == 0:
        return img.copy()
    base = img.astype(np.float32) * np.float32(1.0 / 255.0)
    delta = _detail_delta(img, params)
    return to_uint8(base + np.float32(params.strength) * delta)


def _detail_delta(img: UInt8Image, params: EnhanceParams) -> FloatImage:
    """HxWx3 float change (model result minus input) that the x2 pass makes to ``img``."""
    height, width = img.shape[:2]
    factor = min(1.0, params.max_side / max(height, width))
    work = img
    if factor < 1.0:
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        work = np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    work_h, work_w = work.shape[:2]
    big = run_rgb(realesrgan(DETAIL_MODEL, params.threads), work)
    restored = np.clip(resize_float(big, (work_w, work_h), cv2.INTER_AREA), 0.0, 1.0)
    delta: FloatImage = restored - work.astype(np.float32) * np.float32(1.0 / 255.0)
    if factor < 1.0:
        delta = resize_float(delta, (width, height), cv2.INTER_LINEAR)
    return delta
