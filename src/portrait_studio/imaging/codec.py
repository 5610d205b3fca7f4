"""Decode and encode images with format sniffing, EXIF orientation and size guards.

Decoded images are ``HxWx3 uint8 RGB`` (:func:`decode_image`) or ``HxWx4 uint8 RGBA``
(:func:`decode_image_rgba`). The format is sniffed from the magic bytes, never a file name.
Limits are checked on the encoded byte count, then on the header's width/height (Pillow's lazy
open), and only then are pixels decoded: a small file declaring a huge image is refused before
pixel memory is allocated. Pillow's own decompression-bomb error/warning become ImageTooLarge.

Encoders use OpenCV: at 1080x1320 on the 2-core target its JPEG encode (q92, ~4-5 ms) matched
Pillow's (same libjpeg-turbo, same bytes) and its PNG encode took ~40-65 ms against Pillow's
110-520 ms (compress_level 1-6) for a similar size.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Collection
from typing import Any, Final, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ..errors import (
    ImageBytesTooLarge,
    ImageEmpty,
    ImageError,
    ImageTooLarge,
    ImageTooSmall,
    ImageUndecodable,
    ImageUnsupportedFormat,
    InternalError,
    ParameterError,
    check_choice,
    check_range,
)
from .limits import DEFAULT_LIMITS, ImageLimits

BytesLike = bytes | bytearray | memoryview
_E = TypeVar("_E", bound=ImageError)

SUPPORTED_FORMATS: Final[tuple[str, ...]] = ("jpeg", "png", "bmp", "tiff", "webp")
ENCODE_FORMATS: Final[tuple[str, ...]] = ("jpeg", "jpg", "png")
# (magic prefix, format); "BM" is last as it is the shortest.
_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"II+\x00", "tiff"), (b"MM\x00+", "tiff"),
    (b"GIF87a", "gif"), (b"GIF89a", "gif"), (b"%PDF-", "pdf"), (b"%!PS", "eps"),
    (b"\xc5\xd0\xd3\xc6", "eps"),
    (b"8BPS", "psd"), (b"gimp xcf", "xcf"), (b"qoif", "qoi"), (b"DDS ", "dds"),
    (b"icns", "icns"), (b"v/1\x01", "exr"), (b"\x00\x00\x01\x00", "ico"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "jp2"), (b"\xff\x4f\xff\x51", "jp2"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "jxl"), (b"\xff\x0a", "jxl"),
    (b"PK\x03\x04", "zip"), (b"\x1f\x8b", "gzip"), (b"BM", "bmp"),
)
_RIFF_KINDS: Final[dict[bytes, str]] = {b"WEBP": "webp", b"AVI ": "avi", b"WAVE": "wav"}
_HEIF_BRANDS: Final[frozenset[bytes]] = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_AVIF_BRANDS: Final[frozenset[bytes]] = frozenset({b"avif", b"avis"})

_ALPHA_MODES: Final[frozenset[str]] = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_WIDE_MODES: Final[frozenset[str]] = frozenset({"I;16", "I;16L", "I;16B", "I;16N", "I", "F"})
_EXIF_ORIENTATION: Final = 0x0112
# EXIF orientation value -> Pillow transpose that shows the image upright.
_ORIENT_OPS: Final[dict[int, Image.Transpose]] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# the same transposes on an HxWxC array (numpy views)
_ORIENT_ARRAY: Final[dict[int, Any]] = {
    1: lambda a: a, 2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1], 5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1), 7: lambda a: a.transpose(1, 0, 2)[::-1, ::-1],
    8: lambda a: np.rot90(a, 1),
}
_URLSAFE: Final = str.maketrans("-_", "+/")


# --- sniffing -----------------------------------------------------------------------------

def sniff_format(data: BytesLike) -> str | None:
    """Name of the image format the magic bytes of ``data`` announce, or ``None``.

    Supported formats are ``jpeg``, ``png``, ``bmp``, ``tiff``, ``webp``; other recognised
    names include ``gif``, ``heic``, ``avif``, ``pdf``, ``psd``, ``jp2``, ``jxl``, ``svg``,
    ``html`` (an error page instead of an image) and ``mp4``.
    """
    head = bytes(data[:64])
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head.startswith(b"RIFF"):
        return _RIFF_KINDS.get(head[8:12])
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "heic" if brand in _HEIF_BRANDS else "avif" if brand in _AVIF_BRANDS else "mp4"
    return _sniff_text(bytes(data[:4096]))


def _sniff_text(head: bytes) -> str | None:
    """Text an upload may be by mistake: SVG, or an HTML error page."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "svg"
    return "html" if text.startswith((b"<!doctype html", b"<html")) else None


# --- checks -------------------------------------------------------------------------------

def _say(field: str | None, message: str) -> str:
    return f"{field}: {message}" if field else message


def _fail(cls: type[_E], field: str | None, message: str, **details: Any) -> _E:
    """An error of class ``cls`` whose message starts with ``field`` (when given)."""
    return cls(_say(field, message), field=field, **details)


def _as_bytes(data: object, field: str | None) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise ParameterError(_say(field, f"image data must be bytes, got {type(data).__name__}"),
                         field=field or "data")


def _supported_format(data: bytes, field: str | None) -> str:
    """Sniff ``data`` and return its supported format name, raising the matching error."""
    if not data:
        raise _fail(ImageEmpty, field, "image is empty (0 bytes)")
    fmt = sniff_format(data)
    supported = ", ".join(SUPPORTED_FORMATS)
    if fmt is None:
        raise _fail(ImageUndecodable, field,
                    f"data is not a recognisable image; supported formats: {supported}")
    if fmt not in SUPPORTED_FORMATS:
        raise _fail(ImageUnsupportedFormat, field, f"image format {fmt} is not supported; "
                    f"supported formats: {supported}", format=fmt, supported=supported)
    return fmt


def _check_byte_size(size: int, limits: ImageLimits, field: str | None) -> None:
    if size > limits.max_bytes:
        raise _fail(ImageBytesTooLarge, field, f"image is {size} bytes, more than the limit of "
                    f"{limits.max_bytes} bytes", value=size, limit=limits.max_bytes)


def check_image_size(width: int, height: int, limits: ImageLimits = DEFAULT_LIMITS, *,
                     field: str | None = None) -> None:
    """Raise :class:`ImageTooLarge` / :class:`ImageTooSmall` when a size breaks ``limits``."""
    shown, size = f"image is {width}x{height} pixels", {"width": width, "height": height}
    if max(width, height) > limits.max_side:
        raise _fail(ImageTooLarge, field, f"{shown}; each side must be at most "
                    f"{limits.max_side} pixels", limit=limits.max_side, **size)
    if width * height > limits.max_pixels:
        raise _fail(ImageTooLarge, field, f"{shown} ({width * height} pixels), more than the "
                    f"limit of {limits.max_pixels} pixels", limit=limits.max_pixels, **size)
    if min(width, height) < limits.min_side:
        raise _fail(ImageTooSmall, field, f"{shown}; each side must be at least "
                    f"{limits.min_side} pixels", limit=limits.min_side, **size)


def _bomb_error(pixels: int | None, limits: ImageLimits, field: str | None) -> ImageTooLarge:
    """ImageTooLarge for an image Pillow's own decompression-bomb guard refuses or warns about."""
    limit = limits.max_pixels
    if pixels is not None and pixels <= limit and Image.MAX_IMAGE_PIXELS is not None:
        limit = Image.MAX_IMAGE_PIXELS  # our limit is looser than Pillow's own guard
    count = f"{pixels} pixels" if pixels is not None else "too many pixels"
    return _fail(ImageTooLarge, field, f"image has {count}, more than the limit of {limit} "
                 "pixels (decompression-bomb guard)", pixels=pixels, limit=limit)


def _webp_size(head: bytes) -> tuple[int, int] | None:
    """Canvas size from a WebP header (VP8, VP8L or VP8X chunk), or ``None``."""
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        return (int.from_bytes(head[26:28], "little") & 0x3FFF,
                int.from_bytes(head[28:30], "little") & 0x3FFF)
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(head) >= 30:
        return (int.from_bytes(head[24:27], "little") + 1,
                int.from_bytes(head[27:30], "little") + 1)
    return None


# --- Pillow open / load -------------------------------------------------------------------

def _undecodable(fmt: str, exc: BaseException, field: str | None) -> ImageUndecodable:
    reason = str(exc) or type(exc).__name__
    return _fail(ImageUndecodable, field, f"{fmt} data could not be decoded: {reason}",
                 format=fmt)


def _open_header(data: bytes, fmt: str, limits: ImageLimits, field: str | None) -> Image.Image:
    """Pillow's lazy open: reads the header only (size, mode, EXIF), no pixel data."""
    try:
        return Image.open(io.BytesIO(data), formats=(fmt.upper(),))
    except Image.DecompressionBombError as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise _bomb_error(int(found.group(1)) if found else None, limits, field) from exc
    except MemoryError:
        raise
    except Exception as exc:  # any decoder failure on untrusted bytes is "undecodable"
        raise _undecodable(fmt, exc, field) from exc


def _check_header(im: Image.Image, limits: ImageLimits, field: str | None) -> None:
    """Our limits, then the pixel count Pillow warns about (its DecompressionBombWarning)."""
    check_image_size(*im.size, limits, field=field)
    pixels = im.size[0] * im.size[1]
    if Image.MAX_IMAGE_PIXELS is not None and pixels > Image.MAX_IMAGE_PIXELS:
        raise _bomb_error(pixels, limits, field)


def _header(data: bytes, limits: ImageLimits, field: str | None) -> tuple[Image.Image, str]:
    """Check bytes, format and header size against ``limits``: the lazily opened image (no
    pixels decoded yet) and its sniffed format."""
    _check_byte_size(len(data), limits, field)
    fmt = _supported_format(data, field)
    webp = _webp_size(data[:30]) if fmt == "webp" else None
    if webp is not None:  # libwebp allocates its canvas when opened: check before that
        check_image_size(*webp, limits, field=field)
    im = _open_header(data, fmt, limits, field)
    _check_header(im, limits, field)
    return im, fmt


def _fast_jpeg(data: bytes, im: Image.Image, fmt: str) -> NDArray[np.uint8] | None:
    """HxWx3 uint8 RGB of a complete baseline RGB or grey JPEG decoded by OpenCV (the same
    libjpeg-turbo as Pillow, identical pixels, 4x faster at 1080x1320 as it skips Pillow's
    copy into numpy), EXIF orientation applied; None for anything else (CMYK, truncated
    data without its end marker, an OpenCV failure), which Pillow decodes."""
    if fmt != "jpeg" or im.mode not in ("RGB", "L") or not data.endswith(b"\xff\xd9"):
        return None
    flags = cv2.IMREAD_COLOR_RGB | cv2.IMREAD_IGNORE_ORIENTATION
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if arr is None or arr.shape[:2] != (im.size[1], im.size[0]):
        return None
    return np.ascontiguousarray(_ORIENT_ARRAY[_orientation(im)](arr))


def _load(data: bytes, limits: ImageLimits, field: str | None,
          opened: tuple[Image.Image, str] | None = None) -> Image.Image:
    """Check bytes, format and header size against ``limits`` (``opened``: already done, its
    :func:`_header`), then decode the pixels."""
    im, fmt = opened if opened is not None else _header(data, limits, field)
    try:
        im.load()
    except MemoryError:
        raise
    except Exception as exc:
        raise _undecodable(fmt, exc, field) from exc
    return im


def _orientation(im: Image.Image, *, header_only: bool = False) -> int:
    """EXIF orientation 1..8 (1 when absent or unreadable).

    ``header_only`` skips PNGs whose eXIf chunk was not met before the pixel data (Pillow would
    decode the whole image to look for one after it).
    """
    if header_only and im.format == "PNG" and "exif" not in im.info:
        return 1
    try:
        value = im.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - broken EXIF must not make a good image undecodable
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright(im: Image.Image) -> Image.Image:
    op = _ORIENT_OPS.get(_orientation(im))
    return im if op is None else im.transpose(op)


# --- mode normalisation -------------------------------------------------------------------

def _has_alpha(im: Image.Image) -> bool:
    return im.mode in _ALPHA_MODES or "transparency" in im.info


def _wide_to_u8(im: Image.Image) -> NDArray[np.uint8]:
    """HxW uint8 from a 16/32-bit integer or float grey image.

    Integers are read as 0..65535 (clipped) and scaled by 255/65535, rounded (32768 -> 128).
    Floats are read as 0..1 if their maximum is <= 1, 0..255 if <= 255, else 0..65535.
    """
    arr: NDArray[Any] = np.asarray(im)
    out: NDArray[np.uint8]
    if im.mode != "F":
        wide = np.clip(arr, 0, 65535).astype(np.uint32)
        out = ((wide * 255 + 32767) // 65535).astype(np.uint8)
        return out
    values = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    peak = float(values.max(initial=0.0))
    scale = 255.0 if peak <= 1.0 else 1.0 if peak <= 255.0 else 255.0 / 65535.0
    out = np.clip(np.rint(values * scale), 0, 255).astype(np.uint8)
    return out


def _convert(im: Image.Image, mode: str, field: str | None) -> NDArray[np.uint8]:
    """``im`` converted by Pillow to ``mode`` as an HxWxC uint8 array."""
    try:
        return np.array(im if im.mode == mode else im.convert(mode), dtype=np.uint8)
    except ValueError as exc:
        raise _fail(ImageUnsupportedFormat, field, f"image colour mode {im.mode} cannot be "
                    f"converted to {mode}: {exc}", mode=im.mode) from exc


def _composite_on_white(rgba: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """HxWx3 uint8 RGB: ``rgba`` (HxWx4 uint8) composited over a white background."""
    rgb = rgba[..., :3].astype(np.uint16)
    alpha = rgba[..., 3:4].astype(np.uint16)
    out = (rgb * alpha + 255 * (255 - alpha) + 127) // 255
    return out.astype(np.uint8)


def _to_rgb(im: Image.Image, field: str | None) -> NDArray[np.uint8]:
    """HxWx3 uint8 RGB from any Pillow mode (alpha composited on white)."""
    if im.mode in _WIDE_MODES:
        return np.repeat(_wide_to_u8(im)[..., None], 3, axis=2)
    if _has_alpha(im):
        return _composite_on_white(_convert(im, "RGBA", field))
    return _convert(im, "RGB", field)


def _to_rgba(im: Image.Image, field: str | None) -> NDArray[np.uint8]:
    """HxWx4 uint8 RGBA from any Pillow mode (opaque images get alpha 255)."""
    if _has_alpha(im) and im.mode not in _WIDE_MODES:
        return _convert(im, "RGBA", field)
    rgb = _to_rgb(im, field)
    alpha = np.full((*rgb.shape[:2], 1), 255, dtype=np.uint8)
    return np.concatenate([rgb, alpha], axis=2)


# --- public decoding ----------------------------------------------------------------------

def decode_image(data: BytesLike, limits: ImageLimits = DEFAULT_LIMITS, *,
                 field: str | None = None) -> NDArray[np.uint8]:
    """Decode JPEG/PNG/BMP/TIFF/WebP bytes to an upright ``HxWx3 uint8 RGB`` array.

    EXIF orientation is applied; grey, palette, CMYK, 16-bit and float images are converted;
    transparency is composited on white. Raises :class:`ImageEmpty`,
    :class:`ImageBytesTooLarge`, :class:`ImageUnsupportedFormat`, :class:`ImageUndecodable`,
    :class:`ImageTooSmall` or :class:`ImageTooLarge`, each carrying ``field``.
    """
    raw = _as_bytes(data, field)
    opened = _header(raw, limits, field)
    fast = _fast_jpeg(raw, *opened)
    if fast is not None:
        return fast
    return _to_rgb(_upright(_load(raw, limits, field, opened)), field)


def decode_image_rgba(data: BytesLike, limits: ImageLimits = DEFAULT_LIMITS, *,
                      field: str | None = None) -> NDArray[np.uint8]:
    """Like :func:`decode_image` but returns ``HxWx4 uint8 RGBA`` keeping alpha (logos)."""
    im = _load(_as_bytes(data, field), limits, field)
    return _to_rgba(_upright(im), field)


def check_upload(data: bytes, field: str, formats: Collection[str],
                 max_bytes: int | None = None) -> str:
    """The sniffed format of uploaded ``data`` when it is one of ``formats`` (and at most
    ``max_bytes`` long); ImageUndecodable, ImageUnsupportedFormat or ImageBytesTooLarge naming
    ``field`` otherwise. Reads the magic bytes only: no decode."""
    fmt = sniff_format(data)
    if fmt is None:
        raise ImageUndecodable(f"{field}: data is not an image", field=field)
    if fmt not in formats:
        raise ImageUnsupportedFormat(f"{field}: image format {fmt} is not supported; send "
                                     f"{', '.join(formats)}", field=field, format=fmt)
    if max_bytes is not None and len(data) > max_bytes:
        raise ImageBytesTooLarge(f"{field}: the image is {len(data)} bytes; the limit is "
                                 f"{max_bytes}", field=field, limit=max_bytes)
    return fmt


def image_info(data: BytesLike) -> tuple[str, int, int]:
    """``(format, width, height)`` read from the header only, after EXIF orientation.

    Raises the same format errors as :func:`decode_image` but checks no size limits.
    """
    raw = _as_bytes(data, None)
    fmt = _supported_format(raw, None)
    im = _open_header(raw, fmt, DEFAULT_LIMITS, None)
    width, height = im.size
    tags = getattr(im, "tag_v2", None)
    if tags is not None:  # TIFF: recent Pillow reports the size already upright
        width, height = int(tags.get(256, width)), int(tags.get(257, height))
    swapped = _orientation(im, header_only=True) in (5, 6, 7, 8)
    return (fmt, height, width) if swapped else (fmt, width, height)


# --- base64 -------------------------------------------------------------------------------

def _strip_data_url(text: str, field: str | None) -> str:
    """The payload of a ``data:[type];base64,...`` URL, or ``text`` unchanged."""
    stripped = text.lstrip()
    if stripped[:5].lower() != "data:":
        return text
    header, comma, payload = stripped.partition(",")
    if not comma or ";base64" not in header.lower():
        raise _fail(ImageUndecodable, field, "data URL must look like data:image/png;base64,...")
    return payload


def b64decode_image_bytes(text: str | bytes, limits: ImageLimits = DEFAULT_LIMITS, *,
                          field: str | None = None) -> bytes:
    """Raw image bytes from base64 text or a ``data:...;base64,`` URL.

    Ignores whitespace, tolerates missing ``=`` padding, accepts the urlsafe alphabet; checks
    ``limits.max_bytes`` before decoding. Raises ImageEmpty, ImageBytesTooLarge or
    ImageUndecodable.
    """
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    compact = "".join(_strip_data_url(text, field).split()).translate(_URLSAFE).rstrip("=")
    if not compact:
        raise _fail(ImageEmpty, field, "image is empty (no base64 data)")
    _check_byte_size(len(compact) * 3 // 4, limits, field)
    try:
        if len(compact) % 4 == 1:
            raise ValueError("base64 text has an impossible length")
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _fail(ImageUndecodable, field, f"invalid base64 image data: {exc}") from exc


def decode_base64_image(text: str | bytes, limits: ImageLimits = DEFAULT_LIMITS, *,
                        field: str | None = None) -> NDArray[np.uint8]:
    """Decode base64 text or a data URL to an upright ``HxWx3 uint8 RGB`` array."""
    return decode_image(b64decode_image_bytes(text, limits, field=field), limits, field=field)


# --- encoding -----------------------------------------------------------------------------

def _checked_array(img: object, channels: tuple[int, ...]) -> NDArray[np.uint8]:
    """``img`` as a C-contiguous HxWxC uint8 array with C in ``channels``."""
    ok = (isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.ndim == 3
          and img.shape[2] in channels and img.shape[0] > 0 and img.shape[1] > 0)
    if not ok:
        wanted = " or ".join(f"HxWx{c}" for c in channels)
        got = (f"{img.dtype} array of shape {img.shape}" if isinstance(img, np.ndarray)
               else type(img).__name__)
        raise ParameterError(f"image must be a non-empty {wanted} uint8 array, got {got}",
                             field="image")
    assert isinstance(img, np.ndarray)
    return np.ascontiguousarray(img)


def _imencode(ext: str, bgr: NDArray[np.uint8], params: list[int]) -> bytes:
    try:
        ok, buf = cv2.imencode(ext, bgr, params)
    except cv2.error as exc:
        raise InternalError(f"{ext} encoder failed: {exc}") from exc
    if not ok:
        raise InternalError(f"{ext} encoder failed for an image of shape {bgr.shape}")
    return bytes(buf.tobytes())


def encode_jpeg(img: NDArray[np.uint8], quality: int = 92) -> bytes:
    """JPEG bytes (baseline, 4:2:0) from an ``HxWx3 uint8 RGB`` array; ``quality`` 1..100."""
    rgb = _checked_array(img, (3,))
    q = int(check_range("quality", quality, 1, 100))
    if max(rgb.shape[:2]) > 65535:
        raise ParameterError(f"JPEG allows at most 65535 pixels per side, got {rgb.shape[1]}x"
                             f"{rgb.shape[0]}", field="image")
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    return _imencode(".jpg", np.asarray(bgr, dtype=np.uint8), [cv2.IMWRITE_JPEG_QUALITY, q])


def encode_png(img: NDArray[np.uint8]) -> bytes:
    """PNG bytes from an ``HxWx3 uint8 RGB`` or ``HxWx4 uint8 RGBA`` array (fast compression)."""
    arr = _checked_array(img, (3, 4))
    code = cv2.COLOR_RGB2BGR if arr.shape[2] == 3 else cv2.COLOR_RGBA2BGRA
    return _imencode(".png", np.asarray(cv2.cvtColor(arr, code), dtype=np.uint8), [])


def encode_image(img: NDArray[np.uint8], fmt: str = "jpeg", quality: int = 92) -> bytes:
    """Encode ``img`` (``HxWx3 uint8 RGB``, or ``HxWx4`` RGBA for PNG) as jpeg/jpg or png."""
    name = str(check_choice("format", fmt.lower() if isinstance(fmt, str) else fmt,
                            ENCODE_FORMATS))
    return encode_png(img) if name == "png" else encode_jpeg(img, quality)
