"""Portrait style repaint (the engine behind DashScope ``wanx-style-repaint-v1``).

:func:`repaint` takes a decoded HxWx3 uint8 RGB picture and :class:`RepaintParams` and returns
the stylised picture at the vendor's output geometry (:func:`output_geometry`) with a small
report. Ten fixed styles (:data:`STYLES`) are painted classically by
:mod:`portrait_studio.capabilities.stylize`; ``style_index`` -1 (:data:`CUSTOM_STYLE`) takes
palette, tone and texture from a reference picture. When ``<models_dir>/style_<name>.onnx``
exists, that network paints the picture instead (geometry and face treatment still apply).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..capabilities.stylize import custom
from ..capabilities.stylize.context import StyleContext, work_copy
from ..capabilities.stylize.face import FaceProfile, treat_faces
from ..capabilities.stylize.styles import BY_INDEX, NAMES
from ..errors import ImageError, ImageTooLarge, ImageTooSmall, MissingParameter, ParameterError
from ..models.onnx_runtime import OnnxImageOp, OnnxModelSlot, style_slot
from ..perception.faces import Face, detect_faces
from .timing import timed

Image = NDArray[np.uint8]
STYLES: dict[int, str] = dict(NAMES)
CUSTOM_STYLE = -1
CUSTOM_NAME = "custom"
IMAGE_FIELD = "image_url"
MIN_SIDE = 256
MAX_LONG_SIDE = 5760
MAX_SHORT_SIDE = 3240
MAX_ASPECT = 1.5
OUTPUT_SHORT = 1536
DETECT_SIDE = 896
MIN_FACE_FRACTION = 0.04
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class RepaintParams:
    """Validated repaint parameters.

    ``style_index`` -1..9; ``style_ref`` (HxWx3 uint8 RGB) is required for -1 and refused
    otherwise; ``seed`` makes textures and noise repeatable (None: a fresh random seed).
    """

    style_index: int
    style_ref: NDArray[np.uint8] | None = field(default=None, compare=False, repr=False)
    seed: int | None = None

    def __post_init__(self) -> None:
        _check_style_index(self.style_index)
        _check_ref(self.style_index, self.style_ref)
        _check_seed(self.seed)


def _check_style_index(index: object) -> None:
    allowed = (CUSTOM_STYLE, *sorted(STYLES))
    if isinstance(index, bool) or not isinstance(index, int) or index not in allowed:
        raise ParameterError(f"style_index must be an integer from {CUSTOM_STYLE} (custom "
                             f"style) to {max(STYLES)}, got {index!r}", field="style_index",
                             allowed=list(allowed), value=index)


def _check_ref(index: int, ref: object) -> None:
    if index == CUSTOM_STYLE and ref is None:
        raise MissingParameter("style_ref_url is required when style_index is -1 (custom "
                               "style)", field="style_ref_url")
    if index != CUSTOM_STYLE and ref is not None:
        raise ParameterError(f"style_ref_url is only allowed with style_index -1, got "
                             f"style_index {index}", field="style_ref_url")
    if ref is not None:
        _check_rgb(ref, "style_ref_url")
        if min(ref.shape[:2]) < 8:  # type: ignore[attr-defined]
            raise ImageTooSmall("style_ref_url image must be at least 8x8 pixels",
                                field="style_ref_url")


def _check_seed(seed: object) -> None:
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ParameterError(f"seed must be an integer from 0 to {MAX_SEED}, got {seed!r}",
                             field="seed", low=0, high=MAX_SEED, value=seed)


def _check_rgb(img: object, field: str) -> None:
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 \
            or img.shape[2] != 3:
        raise ImageError(f"{field} must decode to an HxWx3 uint8 RGB image", field=field)


@dataclass(frozen=True)
class RepaintResult:
    """``image``: HxWx3 uint8 RGB at the output size; ``report``: style_index, style,
    input_size [w, h], crop [x, y, w, h], output_size [w, h], face [x, y, w, h] (largest face,
    output pixels) or None, seed, engine ("classical" or "onnx"), timings_ms."""

    image: NDArray[np.uint8]
    report: dict[str, Any]


def check_input_size(width: int, height: int) -> None:
    """Accept 256x256 .. 5760x3240 in either orientation, else ImageTooSmall/ImageTooLarge."""
    short, long = min(width, height), max(width, height)
    if short < MIN_SIDE:
        raise ImageTooSmall(
            f"image is {width}x{height}; each side must be at least {MIN_SIDE} pixels "
            f"(allowed {MIN_SIDE}x{MIN_SIDE} to {MAX_LONG_SIDE}x{MAX_SHORT_SIDE})",
            field=IMAGE_FIELD, width=width, height=height)
    if long > MAX_LONG_SIDE or short > MAX_SHORT_SIDE:
        raise ImageTooLarge(
            f"image is {width}x{height}; at most {MAX_LONG_SIDE}x{MAX_SHORT_SIDE} (either "
            f"orientation) is allowed", field=IMAGE_FIELD, width=width, height=height)


def output_geometry(width: int, height: int) -> tuple[tuple[int, int, int, int],
                                                      tuple[int, int]]:
    """((crop x, y, w, h), (out_w, out_h)) for an input of ``width`` x ``height``.

    Up to 1.5:1 nothing is cropped and the short side is scaled to 1536 (aspect kept). Beyond
    that the long side is centre-cropped to 1.5 x the short side and the output is 2304x1536
    (or 1536x2304).
    """
    short, long = min(width, height), max(width, height)
    if long <= short * MAX_ASPECT:
        scaled = round(long * OUTPUT_SHORT / short)
        out = (scaled, OUTPUT_SHORT) if width >= height else (OUTPUT_SHORT, scaled)
        return (0, 0, width, height), out
    keep = min(long, round(short * MAX_ASPECT))
    long_out = round(OUTPUT_SHORT * MAX_ASPECT)
    if width >= height:
        return ((width - keep) // 2, 0, keep, height), (long_out, OUTPUT_SHORT)
    return (0, (height - keep) // 2, width, keep), (OUTPUT_SHORT, long_out)


def repaint(image: NDArray[np.uint8], params: RepaintParams, *,
            models_dir: Path | None = None) -> RepaintResult:
    """Repaint ``image`` (HxWx3 uint8 RGB) in ``params``' style at the vendor geometry.

    ``models_dir`` (``Settings.models_dir``) is where ``style_<name>.onnx`` networks are
    looked up; None disables them.
    """
    _check_rgb(image, IMAGE_FIELD)
    h, w = image.shape[:2]
    check_input_size(w, h)
    crop, out_size = output_geometry(w, h)
    return render(image, params, out_size, crop=crop, models_dir=models_dir)


def render(image: NDArray[np.uint8], params: RepaintParams, out_size: tuple[int, int], *,
           crop: tuple[int, int, int, int] | None = None,
           models_dir: Path | None = None) -> RepaintResult:
    """Repaint the ``crop`` (x, y, w, h; default all) of ``image`` at ``out_size`` (w, h)
    without the vendor's size rules: previews and tests use it at small sizes."""
    _check_rgb(image, IMAGE_FIELD)
    h, w = image.shape[:2]
    box = crop or (0, 0, w, h)
    timings: dict[str, float] = {}
    seed = params.seed if params.seed is not None else _fresh_seed()
    with timed(timings, "prepare"):
        ctx = _context(image, box, out_size, params, seed)
    with timed(timings, "faces"):
        faces = _faces(ctx.work, out_size)
        ctx.faces = [f.landmarks.copy() for f in faces]
    name = STYLES.get(params.style_index, CUSTOM_NAME)
    styled, profile, engine = _render(ctx, params, name, models_dir, timings)
    with timed(timings, "face"):
        styled = treat_faces(styled, ctx.image, ctx.faces, profile)
    timings["total"] = sum(timings.values())
    report = {"style_index": params.style_index, "style": name, "input_size": [w, h],
              "crop": list(box), "output_size": list(out_size),
              "face": list(faces[0].box.as_ints()) if faces else None, "seed": seed,
              "engine": engine, "timings_ms": {k: round(v, 1) for k, v in timings.items()}}
    return RepaintResult(styled, report)


def _fresh_seed() -> int:
    return int(np.random.default_rng().integers(0, MAX_SEED, endpoint=True))


def _context(image: Image, crop: tuple[int, int, int, int], out_size: tuple[int, int],
             params: RepaintParams, seed: int) -> StyleContext:
    x, y, cw, ch = crop
    part = image[y:y + ch, x:x + cw]  # a view: OpenCV takes strided rows
    big = _to_size(part, out_size)
    return StyleContext(image=big, work=work_copy(big), faces=[],
                        rng=np.random.default_rng(seed), ref=params.style_ref)


def _to_size(img: Image, size: tuple[int, int]) -> Image:
    """``img`` resized to ``size``: cubic when enlarging; when shrinking, pyramid halvings
    (cheap, anti-aliased) down to less than twice the target, then an area filter."""
    if size[0] > img.shape[1]:
        return np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_CUBIC), np.uint8)
    while img.shape[1] >= 2 * size[0] and img.shape[0] >= 2 * size[1]:
        img = np.asarray(cv2.pyrDown(img), np.uint8)
    return np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA), np.uint8)


def _faces(work: Image, out_size: tuple[int, int]) -> list[Face]:
    """Faces found on the working copy, mapped to output pixels; tiny faces are ignored."""
    scale = out_size[0] / work.shape[1]
    found = detect_faces(work, max_faces=8) if max(work.shape[:2]) <= DETECT_SIDE else []
    limit = MIN_FACE_FRACTION * min(out_size)
    return [f for f in (_scaled(f, scale) for f in found) if f.size >= limit]


def _scaled(face: Face, scale: float) -> Face:
    from ..perception.faces import Box

    b = face.box
    return Face(Box(b.x * scale, b.y * scale, b.w * scale, b.h * scale), face.score,
                (face.landmarks * scale).astype(np.float32),
                (face.depth * scale).astype(np.float32))


def _render(ctx: StyleContext, params: RepaintParams, name: str, models_dir: Path | None,
            timings: dict[str, float]) -> tuple[Image, FaceProfile, str]:
    style = BY_INDEX.get(params.style_index)
    profile = style.face if style is not None else custom.FACE
    slot = _slot(models_dir)
    with timed(timings, "style"):
        if slot is not None and slot.available(style_slot(name)):
            return _onnx(slot, name, ctx), profile, "onnx"
        if style is None:
            return custom.custom_style(ctx), profile, "classical"
        return style.render(ctx), profile, "classical"


@lru_cache(maxsize=8)
def _slot(models_dir: Path | None) -> OnnxModelSlot | None:
    return None if models_dir is None else OnnxModelSlot(Path(models_dir))


def _onnx(slot: OnnxModelSlot, name: str, ctx: StyleContext) -> Image:
    """The user's style network run on the output-size picture (resized back if it rescales)."""
    out = OnnxImageOp(slot.load(style_slot(name))).apply(ctx.image)
    if (out.shape[1], out.shape[0]) != ctx.size:
        out = np.asarray(cv2.resize(out, ctx.size, interpolation=cv2.INTER_AREA), np.uint8)
    return out
