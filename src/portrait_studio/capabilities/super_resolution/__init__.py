"""Super-resolution (Real-ESRGAN via ncnn, CPU) and face-detail enhancement.

Images are HxWx3 uint8 RGB numpy arrays.
"""

from __future__ import annotations

from .core import enhance_detail, upscale, upscale_with
from .types import (
    DEFAULT_MODELS,
    MODEL_SCALES,
    PHOTO_MODEL,
    EnhanceParams,
    UpscaleParams,
    models_for,
)

__all__ = ["DEFAULT_MODELS", "MODEL_SCALES", "PHOTO_MODEL", "EnhanceParams", "UpscaleParams",
           "enhance_detail", "models_for", "upscale", "upscale_with"]
