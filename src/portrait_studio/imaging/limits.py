"""Input image limits shared by the decoder and the pipelines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageLimits:
    """Bounds an input image must respect.

    ``min_side``/``max_side`` are per side in pixels (inclusive), ``max_pixels`` bounds
    width*height before the full decode (decompression-bomb guard), ``max_bytes`` bounds the
    encoded size.
    """

    min_side: int = 64
    max_side: int = 8000
    max_pixels: int = 8000 * 8000
    max_bytes: int = 10 * 1024 * 1024


DEFAULT_LIMITS = ImageLimits()
#: Logos and marks may be tiny (a 20x20 icon); the other bounds stay.
LOGO_LIMITS = ImageLimits(min_side=1)
