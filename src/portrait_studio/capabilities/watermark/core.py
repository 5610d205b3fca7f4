"""Stamp a text or logo watermark on a result image (pure function of images).

Text (the default, Tencent's "本图片为AI合成图片"; the glam product passes "图片由 AI 生成")
goes to the bottom right: white anti-aliased glyphs with a dark soft outline, line height about
3.5% of the shorter side (at least 16 px, i.e. CJK ink >= 12 px) and a 2% margin. A logo is
stretched into its :class:`LogoRect` (default: bottom right, 20% of the width) and
alpha-composited with premultiplied-alpha resampling, so transparent logo pixels never bleed
colour.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from ...errors import ImageError, ParameterError
from ...imaging.text import render_text_layer, text_width
from .types import LogoRect, WatermarkParams

Image = NDArray[np.uint8]
Float = NDArray[np.float32]

TEXT_FRACTION = 0.035
MIN_TEXT_HEIGHT = 16
MIN_FITTED_TEXT_HEIGHT = 8
MARGIN_FRACTION = 0.02
LOGO_WIDTH_FRACTION = 0.20


def apply_watermark(img: Image, params: WatermarkParams) -> Image:
    """Return a watermarked copy of ``img`` (``HxWx3`` uint8 RGB); ``img`` is not modified.

    Disabled params give an identical copy. Raises :class:`ParameterError` (field
    ``LogoRect``) when the logo rect lies entirely outside the image.
    """
    _check_image(img)
    out = img.copy()
    if not params.enabled:
        return out
    if params.logo is not None:
        rect = params.rect or default_logo_rect(img.shape[:2], params.logo.shape[:2])
        colour, alpha, x, y = _logo_layer(params.logo, rect, img.shape[:2])
    else:
        colour, alpha, x, y = _text_layer(params.text, img.shape[:2], params.corner)
    opacity = float(params.opacity)
    _composite(out, colour * opacity, alpha * opacity, x, y)
    return out


def _check_image(img: Image) -> None:
    if (not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3
            or img.shape[2] != 3 or img.shape[0] < 1 or img.shape[1] < 1):
        shown = (f"{img.dtype} array of shape {img.shape}" if isinstance(img, np.ndarray)
                 else type(img).__name__)
        raise ImageError(f"image must be an HxWx3 uint8 RGB array, got {shown}", field="image")


def margin_for(shape: tuple[int, ...]) -> int:
    """Margin in pixels between a watermark and the image border (2% of the shorter side)."""
    return max(2, round(MARGIN_FRACTION * min(shape[0], shape[1])))


def text_height_for(shape: tuple[int, ...], text: str) -> int:
    """Line height of the watermark text on an image of ``shape`` (H, W, ...).

    3.5% of the shorter side, at least :data:`MIN_TEXT_HEIGHT`; reduced (down to
    :data:`MIN_FITTED_TEXT_HEIGHT`) when the text would not fit the width between margins.
    """
    height = max(MIN_TEXT_HEIGHT, round(TEXT_FRACTION * min(shape[0], shape[1])))
    room = shape[1] - 2 * margin_for(shape)
    width = text_width(text, height)
    if width > room:
        height = max(MIN_FITTED_TEXT_HEIGHT, math.floor(height * room / width))
    return height


def default_logo_rect(shape: tuple[int, ...], logo_shape: tuple[int, ...]) -> LogoRect:
    """Bottom-right rect about 20% of the image width, keeping the logo's aspect ratio.

    ``shape`` is the image's (H, W, ...), ``logo_shape`` the logo's (h, w, ...).
    """
    margin = margin_for(shape)
    aspect = logo_shape[0] / logo_shape[1]
    width = max(1, round(LOGO_WIDTH_FRACTION * shape[1]))
    height = max(1, round(width * aspect))
    room = max(1, shape[0] - 2 * margin)
    if height > room:
        height, width = room, max(1, round(room / aspect))
    return LogoRect(shape[1] - margin - width, shape[0] - margin - height, width, height)


def _text_layer(text: str, shape: tuple[int, ...],
                corner: int = 0) -> tuple[Float, Float, int, int]:
    """Premultiplied colour, alpha and top-left of the text layer in ``corner`` (0 bottom
    right, 1 bottom left, 2 top left, 3 top right)."""
    height = text_height_for(shape, text)
    layer = render_text_layer(text, height)
    pad = (layer.shape[0] - height) // 2
    margin = margin_for(shape)
    x = shape[1] - margin - (layer.shape[1] - pad)
    y = shape[0] - margin - (layer.shape[0] - pad)
    if corner in (1, 2):
        x = margin - pad
    if corner in (2, 3):
        y = margin - pad
    colour, alpha = _premultiply(layer)
    return colour, alpha, x, y


def _premultiply(rgba: Image) -> tuple[Float, Float]:
    """(premultiplied RGB float32 0..255, alpha float32 0..1) of RGB or straight RGBA uint8."""
    colour = rgba[..., :3].astype(np.float32)
    if rgba.shape[2] == 3:
        return colour, np.ones(rgba.shape[:2], np.float32)
    alpha = rgba[..., 3].astype(np.float32) / 255.0
    return colour * alpha[..., None], alpha


def _visible(rect: LogoRect, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of ``rect`` clipped to the image; raises when nothing is left."""
    x0, y0 = max(rect.x, 0), max(rect.y, 0)
    x1, y1 = min(rect.x + rect.width, shape[1]), min(rect.y + rect.height, shape[0])
    if x1 <= x0 or y1 <= y0:
        raise ParameterError(
            f"LogoRect (x={rect.x}, y={rect.y}, width={rect.width}, height={rect.height}) lies "
            f"entirely outside the {shape[1]}x{shape[0]} image", field="LogoRect",
            image_width=shape[1], image_height=shape[0])
    return x0, y0, x1, y1


def _logo_layer(logo: Image, rect: LogoRect,
                shape: tuple[int, ...]) -> tuple[Float, Float, int, int]:
    """The logo stretched into ``rect``, cut to its visible part: (colour, alpha, x, y)."""
    x0, y0, x1, y1 = _visible(rect, shape)
    colour, alpha = _premultiply(logo)
    rgba = _shrink(np.dstack([colour, alpha * 255.0]), rect.width, rect.height)
    sx, sy = rect.width / rgba.shape[1], rect.height / rgba.shape[0]
    matrix = np.array([[sx, 0.0, 0.5 * sx - 0.5 - (x0 - rect.x)],
                       [0.0, sy, 0.5 * sy - 0.5 - (y0 - rect.y)]], np.float64)
    warped = cv2.warpAffine(rgba, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    warped = np.asarray(warped, np.float32).reshape(y1 - y0, x1 - x0, 4)
    return warped[..., :3], warped[..., 3] / np.float32(255.0), x0, y0


def _shrink(rgba: Float, width: int, height: int) -> Float:
    """Area-average ``rgba`` down along each axis longer than the target (no-op otherwise)."""
    size = (min(rgba.shape[1], width), min(rgba.shape[0], height))
    if size == (rgba.shape[1], rgba.shape[0]):
        return rgba
    shrunk = cv2.resize(rgba, size, interpolation=cv2.INTER_AREA)
    return np.asarray(shrunk, np.float32).reshape(size[1], size[0], 4)


def _composite(out: Image, colour: Float, alpha: Float, x: int, y: int) -> None:
    """Blend premultiplied ``colour``/``alpha`` onto ``out`` at (x, y) in place, clipped."""
    h, w = alpha.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, out.shape[1]), min(y + h, out.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    src = (slice(y0 - y, y1 - y), slice(x0 - x, x1 - x))
    a = alpha[src][..., None]
    region = out[y0:y1, x0:x1].astype(np.float32)
    blended = colour[src] + region * (1.0 - a)
    out[y0:y1, x0:x1] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
