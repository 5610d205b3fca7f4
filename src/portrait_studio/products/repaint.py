"""The "repaint" product: a job's JSON params + input bytes -> the repaint pipeline -> 1 image.

Job params (native JSON)::

    {"style_index": 3, "seed": 7, "output": {"format": "jpeg", "quality": 92}}

``style_index`` -1..9 (-1 = custom style from the ``style_ref`` input). Inputs: ``image``
(1 portrait) and, for style -1, ``style_ref`` (1 image). A transport that could not obtain an
input records the failure as ``params["input_error"] = {"code", "message", "field"}``: the job
then fails with that error, so that the failure is a task outcome (DashScope semantics) and
the request itself is never lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ParameterError, error_class
from ..imaging.codec import decode_image, encode_image
from ..jobs.executors import ExecutionContext, ExecutionResult
from ..pipelines.repaint import RepaintParams, repaint
from .fusion import MEDIA_TYPES, output_format

PRODUCT = "repaint"
IMAGE_FIELD, REF_FIELD = "input.image_url", "input.style_ref_url"


def raise_input_error(params: Mapping[str, Any]) -> None:
    """Re-raise the input failure a transport recorded, if any."""
    recorded = params.get("input_error")
    if not recorded:
        return
    if not isinstance(recorded, Mapping):
        raise ParameterError("input_error must be an object", field="input_error")
    cls = error_class(str(recorded.get("code", "internal")))
    raise cls(str(recorded.get("message", "the input could not be read")),
              field=recorded.get("field"))


def repaint_params(ctx: ExecutionContext) -> RepaintParams:
    """Style, decoded style reference and seed of the job."""
    params = ctx.params
    ref = (decode_image(ctx.input("style_ref"), field=REF_FIELD)
           if ctx.input_count("style_ref") else None)
    seed, style = params.get("seed"), params.get("style_index")
    if isinstance(style, bool) or not isinstance(style, int):
        raise ParameterError(f"style_index must be an integer, got {style!r}",
                             field="style_index")
    return RepaintParams(style_index=style, style_ref=ref,
                         seed=seed if isinstance(seed, int) else None)


def execute(ctx: ExecutionContext) -> ExecutionResult:
    """Run one repaint job."""
    raise_input_error(ctx.params)
    fmt, quality = output_format(ctx.params)
    options = repaint_params(ctx)
    image = decode_image(ctx.input("image"), field=IMAGE_FIELD)
    ctx.raise_if_canceled()
    result = repaint(image, options)
    data = encode_image(result.image, fmt, quality)
    return ExecutionResult.of([(data, MEDIA_TYPES[fmt])], dict(result.report))
