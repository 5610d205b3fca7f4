"""Text rendering (CJK included) into alpha masks and RGBA layers.

Glyphs come from the CJK TrueType collection located by
:func:`portrait_studio.models.registry.cjk_font` (WenQuanYi Micro Hei), drawn anti-aliased by
Pillow's FreeType binding. Fonts are loaded once per pixel size and cached; rendered layers are
cached too (they are returned read-only).

Sizes are *line heights*: a mask of height ``h`` holds the font's full ascent + descent in
``h`` rows, so CJK ink is about 0.77 h tall and Latin capitals about 0.6 h.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from ..errors import ParameterError
from ..models.registry import cjk_font

Mask = NDArray[np.uint8]
Rgba = NDArray[np.uint8]
Rgb = tuple[int, int, int]

MAX_HEIGHT = 2048
MAX_CHARS = 200
_REFERENCE_SIZE = 100
# FreeType faces are not guaranteed safe to share between threads: render under one lock.
_RENDER_LOCK = threading.Lock()


def _check(text: str, height: int) -> None:
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        raise ParameterError(f"text must be a string of at most {MAX_CHARS} characters",
                             field="text")
    if not isinstance(height, int) or not 1 <= height <= MAX_HEIGHT:
        raise ParameterError(f"text height must be an integer between 1 and {MAX_HEIGHT} "
                             f"pixels, got {height!r}", field="height")


@lru_cache(maxsize=64)
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size=size, index=0, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=4)
def _line_ratio(path: str) -> float:
    """(ascent + descent) / font size of the font at ``path``."""
    ascent, descent = _load_font(path, _REFERENCE_SIZE).getmetrics()
    return (ascent + descent) / _REFERENCE_SIZE


def font_for_height(height: int, font_path: Path | None = None) -> ImageFont.FreeTypeFont:
    """The cached CJK font whose line (ascent + descent) fits in ``height`` pixels."""
    path = str(font_path or cjk_font())
    size = max(1, math.floor(height / _line_ratio(path)))
    return _load_font(path, size)


def text_width(text: str, height: int) -> int:
    """Advance width in pixels of ``text`` rendered at line height ``height`` (no padding)."""
    _check(text, height)
    return math.ceil(font_for_height(height).getlength(text))


def _draw(text: str, height: int, pad: int, stroke: float) -> Mask:
    """Anti-aliased coverage of ``text`` (dilated by ``stroke``) on a padded canvas."""
    font = font_for_height(height)
    size = (text_width(text, height) + 2 * pad, height + 2 * pad)
    canvas = Image.new("L", size, 0)
    with _RENDER_LOCK:
        ImageDraw.Draw(canvas).text((pad, pad), text, fill=255, font=font, anchor="la",
                                    stroke_width=stroke, stroke_fill=255)
    return np.asarray(canvas, dtype=np.uint8).copy()


def render_text_mask(text: str, height: int, *, padding: int = 0) -> Mask:
    """Alpha mask of ``text``: ``(height + 2*padding) x W`` uint8, 255 = full ink.

    The pen starts at ``x = padding``; character ``i`` occupies the columns from
    ``padding + font_for_height(height).getlength(text[:i])`` on.
    """
    _check(text, height)
    if padding < 0:
        raise ParameterError(f"padding must be >= 0, got {padding}", field="padding")
    return _draw(text, height, padding, 0)


def ink_weight(height: int) -> float:
    """Extra stroke in pixels that emboldens layer glyphs (crisper white cores when small)."""
    return round(0.015 * height, 2)


def outline_width(height: int) -> int:
    """Width in pixels of the dark outline drawn around text of line height ``height``."""
    return max(1, round(height * 0.08))


@lru_cache(maxsize=64)
def _cached_layer(text: str, height: int, fill: Rgb, shadow: Rgb, soft: bool) -> Rgba:
    stroke = outline_width(height)
    sigma = stroke * 0.75 if soft else 0.0
    pad = stroke + math.ceil(2 * sigma) + 1
    weight = ink_weight(height)
    ink = _draw(text, height, pad, weight).astype(np.float32) / 255.0
    halo = _draw(text, height, pad, stroke + weight).astype(np.float32) / 255.0
    if soft:
        blurred = cv2.GaussianBlur(halo, (0, 0), sigmaX=sigma, borderType=cv2.BORDER_CONSTANT)
        halo = np.maximum(halo, np.clip(blurred * 1.2, 0.0, 1.0))
    return _frozen(_merge(ink, halo, fill, shadow))


def _merge(ink: NDArray[np.float32], halo: NDArray[np.float32], fill: Rgb,
           shadow: Rgb) -> Rgba:
    """Straight-alpha RGBA of ``fill``-coloured ink over a ``shadow``-coloured halo."""
    alpha = ink + halo * (1.0 - ink)
    weight_ink = np.divide(ink, alpha, out=np.zeros_like(ink), where=alpha > 0)
    colour = (weight_ink[..., None] * np.asarray(fill, np.float32)
              + (1.0 - weight_ink[..., None]) * np.asarray(shadow, np.float32))
    layer = np.dstack([colour, alpha[..., None] * 255.0])
    return np.clip(np.rint(layer), 0, 255).astype(np.uint8)


def render_text_layer(text: str, height: int, *, fill: Rgb = (255, 255, 255),
                      shadow: Rgb = (0, 0, 0), soft: bool = True) -> Rgba:
    """Straight-alpha RGBA layer (``H x W x 4`` uint8, RGB order) of outlined text.

    ``fill``-coloured anti-aliased glyphs of line height ``height``, emboldened by
    :func:`ink_weight`, sit on a
    :func:`outline_width` pixel outline of colour ``shadow`` that is softened by a Gaussian
    falloff when ``soft`` (legible on white and black alike). The layer is padded on every side
    by the outline and its falloff, so it is taller than ``height``. Read-only (cached).
    """
    _check(text, height)
    return _cached_layer(text, height, _rgb(fill, "fill"), _rgb(shadow, "shadow"), bool(soft))


def _rgb(value: Rgb, name: str) -> Rgb:
    if len(value) != 3 or any(not 0 <= int(c) <= 255 for c in value):
        raise ParameterError(f"{name} must be an (R, G, B) triple of 0..255, got {value!r}",
                             field=name)
    return (int(value[0]), int(value[1]), int(value[2]))


def _frozen(array: NDArray[np.uint8]) -> NDArray[np.uint8]:
    array.setflags(write=False)
    return array
