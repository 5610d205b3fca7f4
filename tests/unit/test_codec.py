"""Tests of imaging.codec: sniffing, decoding, guards, base64 and encoding."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image, ImageFile, ImageOps

from portrait_studio.errors import (
    ImageBytesTooLarge,
    ImageEmpty,
    ImageTooLarge,
    ImageTooSmall,
    ImageUndecodable,
    ImageUnsupportedFormat,
    ParameterError,
)
from portrait_studio.imaging.codec import (
    b64decode_image_bytes,
    check_image_size,
    decode_base64_image,
    decode_image,
    decode_image_rgba,
    encode_image,
    encode_jpeg,
    encode_png,
    image_info,
    sniff_format,
)
from portrait_studio.imaging.limits import DEFAULT_LIMITS, ImageLimits

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
WHITE = [255, 255, 255]


def _smooth(height: int = 72, width: int = 96) -> np.ndarray:
    """HxWx3 uint8 RGB gradient (compresses well with lossy codecs)."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 255 // (width - 1), y * 255 // (height - 1),
                     (x + y) * 255 // (width + height - 2)], axis=2).astype(np.uint8)


def _pil_bytes(img: Image.Image, fmt: str, **kw: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _png_header_only_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit grey PNG of zeros: tiny file, ``width x height`` pixels declared."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    comp = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    rows_per_feed = 500
    parts = [comp.compress(row * rows_per_feed) for _ in range(height // rows_per_feed)]
    parts += [comp.compress(row * (height % rows_per_feed)), comp.flush()]
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts))
            + chunk(b"IEND", b""))


@pytest.fixture
def no_pixel_load(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every full pixel decode (ImageFile.load) instead of doing it."""
    calls: list[str] = []

    def spy(self: ImageFile.ImageFile) -> None:
        calls.append(f"{self.format} {self.size}")
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return calls


# --- round trips --------------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "kw", "tolerance"), [
    ("PNG", {}, 0), ("BMP", {}, 0), ("TIFF", {}, 0), ("TIFF", {"compression": "tiff_lzw"}, 0),
    ("WEBP", {"lossless": True}, 0), ("WEBP", {"quality": 90}, 6), ("JPEG", {"quality": 95}, 4),
])
def test_round_trip_each_format(fmt: str, kw: dict[str, Any], tolerance: int) -> None:
    src = _smooth()
    out = decode_image(_pil_bytes(Image.fromarray(src), fmt, **kw))
    assert out.shape == (72, 96, 3) and out.dtype == np.uint8
    diff = np.abs(out.astype(int) - src.astype(int))
    assert diff.mean() <= tolerance / 2
    assert diff.max() <= tolerance * 4
    if tolerance == 0:
        np.testing.assert_array_equal(out, src)


def test_accepts_bytearray_and_memoryview() -> None:
    data = _pil_bytes(Image.fromarray(_smooth()), "PNG")
    np.testing.assert_array_equal(decode_image(bytearray(data)), _smooth())
    np.testing.assert_array_equal(decode_image(memoryview(data)), _smooth())


def test_rejects_text_instead_of_bytes() -> None:
    with pytest.raises(ParameterError):
        decode_image("not bytes")  # type: ignore[arg-type]


# --- EXIF orientation ---------------------------------------------------------------------

# Where the raw image's first pixel (row 0, col 0) and the end of its first row (row 0, col
# W-1) appear once shown upright, per the EXIF table (which edge is raw row 0 / raw column 0).
_ORIENT_CORNERS = {
    1: ("tl", "tr"), 2: ("tr", "tl"), 3: ("br", "bl"), 4: ("bl", "br"),
    5: ("tl", "bl"), 6: ("tr", "br"), 7: ("br", "tr"), 8: ("bl", "tl"),
}


def _marked(height: int = 80, width: int = 120) -> np.ndarray:
    img = np.full((height, width, 3), 128, np.uint8)
    img[:8, :8] = [255, 0, 0]       # raw top-left: red
    img[:8, -8:] = [0, 0, 255]      # raw top-right: blue
    return img


def _corner(img: np.ndarray, where: str) -> list[int]:
    y = 2 if where[0] == "t" else img.shape[0] - 3
    x = 2 if where[1] == "l" else img.shape[1] - 3
    return [int(v) for v in img[y, x]]


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_png(orientation: int) -> None:
    data = _pil_bytes(Image.fromarray(_marked()), "PNG", exif=_exif(orientation))
    out = decode_image(data)
    expected_shape = (80, 120, 3) if orientation <= 4 else (120, 80, 3)
    assert out.shape == expected_shape
    red_at, blue_at = _ORIENT_CORNERS[orientation]
    assert _corner(out, red_at) == [255, 0, 0]
    assert _corner(out, blue_at) == [0, 0, 255]
    assert image_info(data) == ("png", expected_shape[1], expected_shape[0])


def test_exif_orientation_jpeg_6() -> None:
    data = _pil_bytes(Image.fromarray(_marked()), "JPEG", quality=95, exif=_exif(6))
    out = decode_image(data)
    assert out.shape == (120, 80, 3)
    assert np.abs(np.array(_corner(out, "tr")) - [255, 0, 0]).max() <= 12
    assert np.abs(np.array(_corner(out, "br")) - [0, 0, 255]).max() <= 12
    assert image_info(data) == ("jpeg", 80, 120)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(("mode", "options"), [("RGB", {}), ("L", {}),
                                               ("RGB", {"progressive": True}),
                                               ("RGB", {"subsampling": 0})])
def test_jpeg_fast_path_equals_pillow_decode(orientation: int, mode: str,
                                             options: dict[str, object]) -> None:
    """JPEGs are decoded by OpenCV (4x faster at 1080x1320): pixels, shape and orientation
    must be exactly Pillow's, for every EXIF orientation, grey and progressive files."""
    from portrait_studio.imaging.codec import _fast_jpeg, _header

    rng = np.random.default_rng(orientation)
    raw = cv2.GaussianBlur(rng.integers(0, 255, (90, 130, 3), dtype=np.uint8), (0, 0), 2)
    raw[:8, :8], raw[:8, -8:] = (255, 0, 0), (0, 0, 255)
    pil = Image.fromarray(raw).convert(mode)
    data = _pil_bytes(pil, "JPEG", quality=90, exif=_exif(orientation), **options)
    opened = _header(data, DEFAULT_LIMITS, None)
    fast = _fast_jpeg(data, *opened)
    assert fast is not None
    reference = np.array(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))
    np.testing.assert_array_equal(fast, reference)
    np.testing.assert_array_equal(decode_image(data), reference)


def test_jpeg_without_end_marker_goes_to_pillow() -> None:
    """A JPEG cut short is not half-decoded by OpenCV (which pads it with grey): Pillow
    decodes it and refuses it as undecodable."""
    from portrait_studio.imaging.codec import _fast_jpeg, _header

    noise = np.random.default_rng(0).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    data = _pil_bytes(Image.fromarray(noise), "JPEG", quality=90)
    cut = data[: len(data) * 2 // 3]
    assert _fast_jpeg(cut, *_header(cut, DEFAULT_LIMITS, None)) is None
    with pytest.raises(ImageUndecodable):
        decode_image(cut)


@pytest.mark.parametrize("compression", ["raw", "tiff_lzw"])
def test_tiff_orientation_tag_8(compression: str) -> None:
    data = _pil_bytes(Image.fromarray(_marked()), "TIFF", tiffinfo={274: 8},
                      compression=compression)
    out = decode_image(data)
    assert out.shape == (120, 80, 3)
    assert image_info(data) == ("tiff", 80, 120)
    assert _corner(out, "bl") == [255, 0, 0] and _corner(out, "tl") == [0, 0, 255]


def test_rgba_keeps_orientation_and_alpha() -> None:
    rgba = np.dstack([_marked(), np.full((80, 120), 200, np.uint8)])
    out = decode_image_rgba(_pil_bytes(Image.fromarray(rgba), "PNG", exif=_exif(3)))
    assert out.shape == (80, 120, 4)
    assert [int(v) for v in out[-3, -3]] == [255, 0, 0, 200]


def test_orientation_applies_to_palette_and_16bit_images() -> None:
    pal = Image.new("P", (120, 80), 1)
    pal.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
    pal.paste(0, (0, 0, 16, 16))            # transparent block at the raw top-left
    out = decode_image(_pil_bytes(pal, "PNG", transparency=0, exif=_exif(6)))
    assert out.shape == (120, 80, 3)
    assert _corner(out, "tr") == WHITE and _corner(out, "bl") == [200, 100, 50]
    grey = np.zeros((80, 120), np.uint16)
    grey[:16, :16] = 32768
    out = decode_image(_pil_bytes(Image.fromarray(grey), "PNG", exif=_exif(8)))
    assert out.shape == (120, 80, 3)
    assert _corner(out, "bl") == [128, 128, 128] and _corner(out, "tl") == [0, 0, 0]


# --- colour modes -------------------------------------------------------------------------

def test_grayscale_becomes_equal_rgb() -> None:
    grey = np.arange(64 * 64, dtype=np.uint32).reshape(64, 64) % 256
    out = decode_image(_pil_bytes(Image.fromarray(grey.astype(np.uint8)), "PNG"))
    for c in range(3):
        np.testing.assert_array_equal(out[..., c], grey)


def test_bilevel_image() -> None:
    bw = np.zeros((64, 64), bool)
    bw[:, 32:] = True
    out = decode_image(_pil_bytes(Image.fromarray(bw), "PNG"))
    assert out[0, 0].tolist() == [0, 0, 0] and out[0, 63].tolist() == WHITE


def _palette_with_transparency() -> bytes:
    im = Image.new("P", (64, 64), 1)
    im.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
    im.paste(0, (0, 0, 16, 16))             # index 0 is transparent
    return _pil_bytes(im, "PNG", transparency=0)


def test_palette_transparency_composited_on_white() -> None:
    out = decode_image(_palette_with_transparency())
    assert out[0, 0].tolist() == WHITE
    assert out[40, 40].tolist() == [200, 100, 50]
    rgba = decode_image_rgba(_palette_with_transparency())
    assert rgba[0, 0, 3] == 0 and rgba[40, 40].tolist() == [200, 100, 50, 255]


def test_rgba_composited_on_white() -> None:
    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[:, :32] = [0, 0, 0, 0]           # fully transparent black
    rgba[:, 32:48] = [0, 0, 0, 128]       # half-transparent black
    rgba[:, 48:] = [10, 200, 30, 255]     # opaque
    out = decode_image(_pil_bytes(Image.fromarray(rgba), "PNG"))
    assert out[5, 5].tolist() == WHITE
    assert out[5, 40].tolist() == [127, 127, 127]     # 255 * (1 - 128/255)
    assert out[5, 60].tolist() == [10, 200, 30]
    np.testing.assert_array_equal(decode_image_rgba(_pil_bytes(Image.fromarray(rgba), "PNG")),
                                  rgba)


def test_grey_alpha_composited_on_white() -> None:
    la = np.zeros((64, 64, 2), np.uint8)
    la[..., 0] = 50
    la[:, 32:, 1] = 255
    out = decode_image(_pil_bytes(Image.fromarray(la, mode="LA"), "PNG"))
    assert out[0, 0].tolist() == WHITE and out[0, 40].tolist() == [50, 50, 50]


def test_rgb_with_transparent_colour_key() -> None:
    src = np.full((64, 64, 3), 90, np.uint8)
    src[:8, :8] = [1, 2, 3]
    out = decode_image(_pil_bytes(Image.fromarray(src), "PNG", transparency=(1, 2, 3)))
    assert out[0, 0].tolist() == WHITE and out[20, 20].tolist() == [90, 90, 90]


def test_opaque_image_gets_alpha_255() -> None:
    out = decode_image_rgba(_pil_bytes(Image.fromarray(_smooth()), "JPEG", quality=95))
    assert out.shape == (72, 96, 4)
    assert out[..., 3].min() == 255


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_cmyk(fmt: str) -> None:
    # Pillow writes CMYK JPEG with an Adobe marker and inverted values (as Photoshop does).
    data = _pil_bytes(Image.new("CMYK", (64, 64), (0, 255, 255, 0)), fmt)
    if fmt == "JPEG":
        assert b"Adobe" in data
    out = decode_image(data)
    assert np.abs(out[32, 32].astype(int) - [255, 0, 0]).max() <= 3


def test_ycbcr_and_lab_tiff() -> None:
    out = decode_image(_pil_bytes(Image.new("YCbCr", (64, 64), (128, 128, 128)), "TIFF"))
    assert out[10, 10].tolist() == [128, 128, 128]
    out = decode_image(_pil_bytes(Image.new("LAB", (64, 64), (128, 128, 128)), "TIFF"))
    assert np.abs(out[10, 10].astype(int) - 119).max() <= 2    # L* 50 grey in sRGB


_SIXTEEN = np.array([[0, 257, 32768, 65535]] * 64, np.uint16).repeat(16, axis=1)  # 64x64


@pytest.mark.parametrize("ext", [".png", ".tiff"])
def test_16bit_grey_scaled(ext: str) -> None:
    data = cv2.imencode(ext, _SIXTEEN)[1].tobytes()
    out = decode_image(data)
    assert [int(out[0, x, 0]) for x in (0, 16, 32, 48)] == [0, 1, 128, 255]
    assert (out[..., 0] == out[..., 2]).all()
    assert decode_image_rgba(data)[0, 48].tolist() == [255, 255, 255, 255]


@pytest.mark.parametrize("ext", [".png", ".tiff"])
def test_16bit_colour_scaled(ext: str) -> None:
    bgr = np.zeros((64, 64, 3), np.uint16)
    bgr[..., 2] = _SIXTEEN          # red channel (OpenCV writes BGR)
    bgr[..., 0] = 65535 - _SIXTEEN  # blue
    out = decode_image(cv2.imencode(ext, bgr)[1].tobytes())
    assert out[0, 32].tolist() == [128, 0, 127]
    assert out[0, 48].tolist() == [255, 0, 0] and out[0, 0].tolist() == [0, 0, 255]


def test_32bit_int_and_float_tiff() -> None:
    ints = Image.fromarray(_SIXTEEN.astype(np.int32))
    out = decode_image(_pil_bytes(ints, "TIFF"))
    assert [int(out[0, x, 1]) for x in (0, 16, 32, 48)] == [0, 1, 128, 255]
    floats = Image.fromarray((_SIXTEEN / 65535.0).astype(np.float32))
    out = decode_image(_pil_bytes(floats, "TIFF"))
    assert [int(out[0, x, 1]) for x in (0, 16, 32, 48)] == [0, 1, 128, 255]


# --- sniffing and format errors -----------------------------------------------------------

@pytest.mark.parametrize(("head", "name"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"), (b"\x89PNG\r\n\x1a\n\x00", "png"),
    (b"BM6\x00\x00\x00", "bmp"), (b"II*\x00\x08\x00", "tiff"), (b"MM\x00*\x00\x00", "tiff"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"), (b"GIF89a\x01\x00", "gif"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", "heic"), (b"\x00\x00\x00\x1cftypavif", "avif"),
    (b"%PDF-1.7\n", "pdf"), (b"<?xml version='1.0'?><svg xmlns=''/>", "svg"),
    (b"\n<!DOCTYPE html><html>", "html"), (b"hello world", None), (b"", None),
])
def test_sniff_format(head: bytes, name: str | None) -> None:
    assert sniff_format(head) == name


def test_empty_bytes() -> None:
    with pytest.raises(ImageEmpty) as err:
        decode_image(b"", field="ModelImage")
    assert err.value.code == "image.empty" and err.value.field == "ModelImage"


def test_garbage_is_undecodable() -> None:
    with pytest.raises(ImageUndecodable) as err:
        decode_image(b"this is not an image at all" * 10, field="Image")
    assert err.value.code == "image.undecodable" and err.value.field == "Image"
    assert "jpeg, png, bmp, tiff, webp" in err.value.message


@pytest.mark.parametrize(("data", "name"), [
    (_pil_bytes(Image.new("RGB", (64, 64)), "GIF"), "gif"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "heic"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64, "pdf"),
])
def test_recognised_but_unsupported(data: bytes, name: str) -> None:
    with pytest.raises(ImageUnsupportedFormat) as err:
        decode_image(data, field="ModelImage")
    assert err.value.code == "image.unsupported_format" and err.value.field == "ModelImage"
    assert f"image format {name} is not supported" in err.value.message
    assert "supported formats: jpeg, png, bmp, tiff, webp" in err.value.message
    assert err.value.details["format"] == name


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_file_is_undecodable(fmt: str) -> None:
    rng = np.random.default_rng(1)
    noisy = rng.integers(0, 256, (128, 128, 3), dtype=np.uint8)
    data = _pil_bytes(Image.fromarray(noisy), fmt)
    with pytest.raises(ImageUndecodable) as err:
        decode_image(data[: len(data) // 2])
    assert err.value.code == "image.undecodable"


def test_corrupt_png_data_is_undecodable() -> None:
    data = bytearray(_pil_bytes(Image.fromarray(_smooth()), "PNG"))
    start = data.index(b"IDAT") + 4
    data[start:start + 40] = b"\x55" * 40
    with pytest.raises(ImageUndecodable):
        decode_image(bytes(data))


# --- size guards --------------------------------------------------------------------------

def test_too_small() -> None:
    data = _pil_bytes(Image.new("RGB", (32, 80)), "PNG")
    with pytest.raises(ImageTooSmall) as err:
        decode_image(data, field="ModelImage")
    e = err.value
    assert e.code == "image.too_small" and e.field == "ModelImage"
    assert "32x80" in e.message and "at least 64" in e.message and e.details["limit"] == 64


def test_too_large_side() -> None:
    data = _pil_bytes(Image.new("RGB", (120, 70)), "PNG")
    with pytest.raises(ImageTooLarge) as err:
        decode_image(data, ImageLimits(max_side=100), field="Logo")
    e = err.value
    assert e.code == "image.too_large" and e.field == "Logo"
    assert "120x70" in e.message and "at most 100" in e.message and e.message.startswith("Logo:")


def test_too_many_pixels() -> None:
    data = _pil_bytes(Image.new("RGB", (100, 90)), "PNG")
    with pytest.raises(ImageTooLarge) as err:
        decode_image(data, ImageLimits(max_pixels=5000))
    assert "9000 pixels" in err.value.message and "limit of 5000" in err.value.message


def test_limits_are_inclusive() -> None:
    data = _pil_bytes(Image.new("RGB", (100, 64), (1, 2, 3)), "PNG")
    out = decode_image(data, ImageLimits(min_side=64, max_side=100, max_pixels=6400))
    assert out.shape == (64, 100, 3) and out[0, 0].tolist() == [1, 2, 3]


def test_tiny_file_bomb_rejected_before_pixel_decode(no_pixel_load: list[str]) -> None:
    bomb = _png_header_only_bomb(20000, 20000)
    assert len(bomb) < 200_000
    with pytest.raises(ImageTooLarge) as err:
        decode_image(bomb, field="ModelImage")
    assert "400000000 pixels" in err.value.message and err.value.field == "ModelImage"
    assert "limit of 64000000" in err.value.message
    assert no_pixel_load == []


def test_bomb_below_pillow_guard_rejected_by_our_limit(no_pixel_load: list[str]) -> None:
    bomb = _png_header_only_bomb(9000, 9000)   # 81 MP: under Pillow's 89 MP warning
    with pytest.raises(ImageTooLarge) as err:
        decode_image(bomb, ImageLimits(max_side=10000))
    assert "9000x9000" in err.value.message and "limit of 64000000" in err.value.message
    assert no_pixel_load == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pillow_bomb_warning_becomes_too_large(no_pixel_load: list[str]) -> None:
    bomb = _png_header_only_bomb(10000, 9500)   # 95 MP: Pillow warns, our limits allow it
    limits = ImageLimits(max_side=20000, max_pixels=200_000_000)
    with pytest.raises(ImageTooLarge) as err:
        decode_image(bomb, limits)
    assert "95000000 pixels" in err.value.message
    assert f"limit of {Image.MAX_IMAGE_PIXELS}" in err.value.message
    assert no_pixel_load == []


def test_webp_size_checked_from_header(no_pixel_load: list[str]) -> None:
    data = _pil_bytes(Image.new("RGB", (300, 200)), "WEBP", lossless=True)
    with pytest.raises(ImageTooLarge) as err:
        decode_image(data, ImageLimits(max_side=250))
    assert "300x200" in err.value.message and no_pixel_load == []


def test_bytes_too_large() -> None:
    data = _pil_bytes(Image.fromarray(_smooth()), "PNG")
    limit = len(data) - 1
    with pytest.raises(ImageBytesTooLarge) as err:
        decode_image(data, ImageLimits(max_bytes=limit), field="ModelImage")
    e = err.value
    assert e.code == "image.bytes_too_large" and e.field == "ModelImage"
    assert f"image is {len(data)} bytes" in e.message and f"limit of {limit} bytes" in e.message
    assert decode_image(data, ImageLimits(max_bytes=len(data))).shape == (72, 96, 3)


def test_check_image_size_direct() -> None:
    check_image_size(64, 8000)
    with pytest.raises(ImageTooSmall):
        check_image_size(63, 100)
    with pytest.raises(ImageTooLarge):
        check_image_size(8001, 100)


def test_image_info_reads_header_only(no_pixel_load: list[str]) -> None:
    assert image_info(_png_header_only_bomb(9000, 4000)) == ("png", 9000, 4000)
    assert no_pixel_load == []


# --- base64 -------------------------------------------------------------------------------

def _rgba_png() -> tuple[bytes, np.ndarray]:
    src = np.dstack([_smooth(), np.full((72, 96), 255, np.uint8)])
    return _pil_bytes(Image.fromarray(src), "PNG"), src[..., :3]


def test_base64_plain_and_data_url() -> None:
    data, src = _rgba_png()
    text = base64.b64encode(data).decode()
    assert b64decode_image_bytes(text) == data
    np.testing.assert_array_equal(decode_base64_image(text), src)
    np.testing.assert_array_equal(decode_base64_image("data:image/png;base64," + text), src)
    assert b64decode_image_bytes(" DATA:image/jpeg;charset=x;BASE64," + text) == data


def test_base64_whitespace_padding_urlsafe() -> None:
    data = bytes(range(256)) * 3 + b"\x89PNG"   # length 772: needs one '=' of padding
    text = base64.b64encode(data).decode()
    assert text.endswith("=") and ("+" in text or "/" in text)
    wrapped = "\n".join(text[i:i + 76] for i in range(0, len(text), 76)) + "\r\n"
    assert b64decode_image_bytes(wrapped) == data
    assert b64decode_image_bytes(text.rstrip("=")) == data
    assert b64decode_image_bytes(base64.urlsafe_b64encode(data).decode().rstrip("=")) == data
    assert b64decode_image_bytes(text.encode()) == data


@pytest.mark.parametrize("text", ["@@@@", "abcde", "ab=cd", "data:image/png,abcd", "data:abc",
                                  "QUJD\u00e9"])
def test_bad_base64(text: str) -> None:
    with pytest.raises(ImageUndecodable) as err:
        b64decode_image_bytes(text, field="Image")
    assert err.value.code == "image.undecodable" and err.value.field == "Image"


def test_base64_empty_and_too_large() -> None:
    with pytest.raises(ImageEmpty):
        b64decode_image_bytes("  \n ")
    with pytest.raises(ImageEmpty):
        b64decode_image_bytes("data:image/png;base64,")
    with pytest.raises(ImageBytesTooLarge) as err:
        b64decode_image_bytes("A" * 4000, ImageLimits(max_bytes=2000))
    assert "3000 bytes" in err.value.message and "limit of 2000 bytes" in err.value.message


def test_base64_of_garbage_image() -> None:
    with pytest.raises(ImageUndecodable):
        decode_base64_image(base64.b64encode(b"not an image, just text").decode())


# --- encoding -----------------------------------------------------------------------------

def test_encode_jpeg_round_trip_and_quality() -> None:
    src = _smooth(200, 240)
    rng = np.random.default_rng(2)
    textured = np.clip(src.astype(int) + rng.integers(-20, 20, src.shape), 0, 255).astype(np.uint8)
    high, low = encode_jpeg(textured, 95), encode_jpeg(textured, 30)
    assert sniff_format(high) == "jpeg" and len(low) < len(high) * 0.6
    out = decode_image(encode_jpeg(src))
    assert np.abs(out.astype(int) - src.astype(int)).mean() < 1.5
    assert encode_image(src, "JPG", quality=30) == encode_jpeg(src, 30)


def test_encode_png_exact_rgb_and_rgba() -> None:
    src = _smooth()
    data = encode_png(src)
    assert sniff_format(data) == "png"
    np.testing.assert_array_equal(decode_image(data), src)
    rgba = np.dstack([src, np.arange(96, dtype=np.uint8)[None, :].repeat(72, 0)])
    np.testing.assert_array_equal(decode_image_rgba(encode_image(rgba, "png")), rgba)
    flipped = src[:, ::-1]   # non-contiguous view
    np.testing.assert_array_equal(decode_image(encode_png(flipped)), flipped)


@pytest.mark.parametrize("bad", [
    np.zeros((10, 10), np.uint8), np.zeros((10, 10, 3), np.float32),
    np.zeros((0, 10, 3), np.uint8), np.zeros((10, 10, 4), np.uint8), [[1, 2, 3]],
])
def test_encode_jpeg_rejects_bad_arrays(bad: Any) -> None:
    with pytest.raises(ParameterError) as err:
        encode_jpeg(bad)
    assert err.value.code == "param.invalid" and "HxWx3 uint8" in err.value.message


def test_encode_rejects_bad_quality_and_format() -> None:
    img = _smooth()
    with pytest.raises(ParameterError) as err:
        encode_jpeg(img, 0)
    assert err.value.field == "quality" and "between 1 and 100" in err.value.message
    with pytest.raises(ParameterError) as err:
        encode_image(img, "gif")
    assert err.value.field == "format"
    with pytest.raises(ParameterError):
        encode_png(np.zeros((4, 4, 2), np.uint8))


# --- real photo ---------------------------------------------------------------------------

def test_real_photo_matches_pillow() -> None:
    photos = sorted((CORPUS / "portraits").glob("*.jpg"))[:1] if CORPUS.is_dir() else []
    if not photos:
        pytest.skip("../shared/corpus is absent")
    data = photos[0].read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        expected = np.asarray(im.convert("RGB"))
    out = decode_image(data, ImageLimits(min_side=16))
    np.testing.assert_array_equal(out, expected)
