"""The "try_on" product: a person photo + 1-4 garment photos -> the try-on pipeline -> images.

Job params (native JSON)::

    {"scene": "change_clothes", "prompt": "red, loose", "seed": 7,
     "output": {"format": "jpeg", "quality": 90}}

Inputs: ``person`` (1 photo, upper or full body) and ``garments`` (1-4 product photos). One
output per combination the pipeline makes (a top and a bottom are dressed together; several of
the same kind give one output each).
"""

from __future__ import annotations

from ..imaging.codec import decode_image, encode_image
from ..jobs.executors import ExecutionContext, ExecutionResult
from ..pipelines.try_on import TryOnParams, try_on
from .fusion import MEDIA_TYPES, output_format

PRODUCT = "try_on"


def try_on_params(params: dict[str, object]) -> TryOnParams:
    seed = params.get("seed")
    return TryOnParams(scene=str(params.get("scene", "change_clothes")),
                       prompt=str(params.get("prompt") or ""),
                       seed=seed if isinstance(seed, int) else None)


def execute(ctx: ExecutionContext) -> ExecutionResult:
    """Run one try-on job."""
    options = try_on_params(ctx.params)
    fmt, quality = output_format(ctx.params)
    person = decode_image(ctx.input("person"), field="FileInfos.0")
    garments = [decode_image(data, field=f"ClothesFileInfos.{i}")
                for i, data in enumerate(ctx.inputs("garments"))]
    ctx.raise_if_canceled()
    result = try_on(person, garments, options)
    outputs = [(encode_image(image, fmt, quality), MEDIA_TYPES[fmt]) for image in result.images]
    return ExecutionResult.of(outputs, dict(result.report))
