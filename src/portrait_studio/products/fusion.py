"""The "fusion" product: a job's JSON params + input bytes -> the fusion pipeline -> bytes.

Job params (native, JSON; every field optional, FuseFaceUltra defaults)::

    {"warp": 0.7, "enhance": 0.5, "smooth": 0.5, "teeth": 1, "makeup": 0, "model": 1,
     "skin_tone": "user", "logo": {"enabled": true, "text": "...", "rect": [x, y, w, h]},
     "merges": [{"input_face_rect": [x, y, w, h], "template_face_rect": [x, y, w, h]}],
     "output": {"format": "jpeg", "quality": 92}}

Inputs: ``template`` (1 image), ``faces`` (1-6 images, in merge order), optional ``logo``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..capabilities.watermark.types import LogoRect, WatermarkParams
from ..errors import ParameterError
from ..imaging.codec import decode_image, decode_image_rgba, encode_image
from ..imaging.limits import LOGO_LIMITS
from ..jobs.executors import ExecutionContext, ExecutionResult
from ..perception.faces import Box
from ..pipelines.fusion import fuse
from ..pipelines.fusion_params import DEFAULT_FUSION_LOGO_TEXT, FusionParams, MergeEntry

PRODUCT = "fusion"
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}


def _rect(value: Any, name: str) -> tuple[int, int, int, int] | None:
    if value is None:
        return None
    if (not isinstance(value, Sequence) or len(value) != 4
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise ParameterError(f"{name} must be [X, Y, Width, Height] numbers, got {value!r}",
                             field=name)
    x, y, w, h = (int(v) for v in value)
    return x, y, w, h


def _box(value: Any, name: str) -> Box | None:
    rect = _rect(value, name)
    return None if rect is None else Box(*map(float, rect))


def _number(params: Mapping[str, Any], name: str, default: float, kind: type = float) -> Any:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{name} must be a number, got {value!r}", field=name)
    if kind is int and value != int(value):
        raise ParameterError(f"{name} must be an integer, got {value!r}", field=name)
    return kind(value)


def watermark_params(params: Mapping[str, Any], logo_bytes: bytes | None) -> WatermarkParams:
    """Watermark settings from ``params["logo"]`` and the optional logo image."""
    logo = params.get("logo") or {}
    if not isinstance(logo, Mapping):
        raise ParameterError("logo must be an object", field="logo")
    rect = _rect(logo.get("rect"), "LogoRect")
    image = decode_image_rgba(logo_bytes, LOGO_LIMITS, field="LogoImage") if logo_bytes else None
    return WatermarkParams(enabled=bool(logo.get("enabled", True)),
                           text=str(logo.get("text") or DEFAULT_FUSION_LOGO_TEXT),
                           logo=image, rect=LogoRect(*rect) if rect else None)


def fusion_params(params: Mapping[str, Any], logo_bytes: bytes | None = None) -> FusionParams:
    """Validated :class:`FusionParams` from a job's JSON params."""
    return FusionParams(
        warp=_number(params, "warp", 0.7), enhance=_number(params, "enhance", 0.5),
        smooth=_number(params, "smooth", 0.5), teeth=_number(params, "teeth", 1, int),
        makeup=_number(params, "makeup", 0, int), model=_number(params, "model", 1, int),
        skin_tone=str(params.get("skin_tone", "user")),
        watermark=watermark_params(params, logo_bytes))


def merge_entries(params: Mapping[str, Any], faces: list[bytes]) -> list[MergeEntry]:
    """Decoded user images with their optional face rectangles."""
    specs = params.get("merges") or [{} for _ in faces]
    if not isinstance(specs, list) or len(specs) != len(faces):
        raise ParameterError(f"merges must list one entry per face image ({len(faces)})",
                             field="MergeInfos")
    return [MergeEntry(decode_image(data, field=f"MergeInfos.{i}"),
                       _box(spec.get("input_face_rect"), f"MergeInfos.{i}.InputImageFaceRect"),
                       _box(spec.get("template_face_rect"), f"MergeInfos.{i}.TemplateFaceRect"))
            for i, (spec, data) in enumerate(zip(specs, faces, strict=True))]


def output_format(params: Mapping[str, Any]) -> tuple[str, int]:
    out = params.get("output") or {}
    fmt = str(out.get("format", "jpeg")).lower()
    if fmt not in MEDIA_TYPES:
        raise ParameterError(f"output.format must be jpeg or png, got {fmt!r}",
                             field="output.format")
    return fmt, int(out.get("quality", 92))


def execute(ctx: ExecutionContext) -> ExecutionResult:
    """Run one fusion job."""
    params = ctx.params
    logo = ctx.inputs("logo")[0] if ctx.input_count("logo") else None
    options = fusion_params(params, logo)
    template = decode_image(ctx.input("template"), field="ModelImage")
    merges = merge_entries(params, ctx.inputs("faces"))
    ctx.raise_if_canceled()
    result = fuse(template, merges, options)
    fmt, quality = output_format(params)
    data = encode_image(result.image, fmt, quality)
    report = {"faces": [vars(f) for f in result.report.faces],
              "timings_ms": {k: round(v, 1) for k, v in result.report.timings_ms.items()},
              "width": int(result.image.shape[1]), "height": int(result.image.shape[0])}
    return ExecutionResult.of([(data, MEDIA_TYPES[fmt])], report)
