"""The "restyle" product: a job's JSON params + input images -> the restyle pipeline -> 1 image.

Job params (native JSON; the fields of :class:`~portrait_studio.pipelines.restyle.RestyleParams`)::

    {"positive_prompt": "anime, warm light", "face_index": 0, "style_index": 1,
     "face_switch": true, "style_switch": true, "seed": 7, "width": 1000, "height": 1000,
     "output": {"format": "jpeg", "quality": 92}}

Inputs: ``images`` (1-10, in wire order; ``face_index``/``style_index`` point into them).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..errors import ParameterError
from ..imaging.codec import decode_image, encode_image
from ..jobs.executors import ExecutionContext, ExecutionResult
from ..pipelines.restyle import RestyleParams, restyle
from .fusion import MEDIA_TYPES, output_format

PRODUCT = "restyle"
FIELDS = frozenset(f.name for f in fields(RestyleParams))


def restyle_params(params: dict[str, Any]) -> RestyleParams:
    """:class:`RestyleParams` from the job's params (unknown names are refused)."""
    unknown = sorted(set(params) - FIELDS - {"output"})
    if unknown:
        raise ParameterError(f"unknown restyle parameter {unknown[0]!r}", field=unknown[0])
    return RestyleParams(**{k: v for k, v in params.items() if k in FIELDS})


def execute(ctx: ExecutionContext) -> ExecutionResult:
    """Run one restyle job."""
    options = restyle_params(ctx.params)
    fmt, quality = output_format(ctx.params)
    images = [decode_image(data, field=f"images[{i}]")
              for i, data in enumerate(ctx.inputs("images"))]
    ctx.raise_if_canceled()
    result = restyle(images, options)
    data = encode_image(result.image, fmt, quality)
    return ExecutionResult.of([(data, MEDIA_TYPES[fmt])], dict(result.report))
