"""Watermark capability: a text or logo stamp on result images (``HxWx3`` uint8 RGB)."""

from .core import apply_watermark, default_logo_rect, margin_for, text_height_for
from .types import DEFAULT_TEXT, GLAM_TEXT, LogoRect, WatermarkParams

__all__ = [
    "DEFAULT_TEXT",
    "GLAM_TEXT",
    "LogoRect",
    "WatermarkParams",
    "apply_watermark",
    "default_logo_rect",
    "margin_for",
    "text_height_for",
]
