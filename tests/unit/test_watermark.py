"""Watermark capability and CJK text rendering: pixel-level checks on generated images."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from portrait_studio.capabilities.watermark import (
    DEFAULT_TEXT,
    GLAM_TEXT,
    LogoRect,
    WatermarkParams,
    apply_watermark,
    default_logo_rect,
    margin_for,
    text_height_for,
)
from portrait_studio.errors import ImageError, ParameterError
from portrait_studio.imaging.text import (
    font_for_height,
    render_text_layer,
    render_text_mask,
)

RED = (255, 0, 0)


def _textured(h: int = 480, w: int = 640, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(40, 216, (h, w, 3), dtype=np.uint8)


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(np.any(a != b, axis=2))


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(ys.min()), int(ys.max()), int(xs.min()), int(xs.max())


# --- text watermark -------------------------------------------------------------------------

def test_default_watermark_is_bottom_right_only() -> None:
    img = _textured()
    before = img.copy()
    out = apply_watermark(img, WatermarkParams())
    np.testing.assert_array_equal(img, before)  # input untouched
    changed = _changed(out, img)
    assert changed.sum() > 1500
    assert not changed[: img.shape[0] // 2].any()
    top, bottom, left, right = _bbox(changed)
    assert top >= int(img.shape[0] * 0.9) and left >= img.shape[1] // 2
    assert bottom < img.shape[0] - 4 and right < img.shape[1] - 4  # a margin is kept


def test_disabled_is_byte_identical_copy() -> None:
    img = _textured(seed=1)
    out = apply_watermark(img, WatermarkParams(enabled=False))
    assert out is not img
    assert out.tobytes() == img.tobytes() and out.shape == img.shape


@pytest.mark.parametrize("text", [DEFAULT_TEXT, GLAM_TEXT])
def test_legible_on_white_and_black(text: str) -> None:
    white = np.full((400, 600, 3), 255, np.uint8)
    black = np.zeros_like(white)
    on_white = apply_watermark(white, WatermarkParams(text=text))
    on_black = apply_watermark(black, WatermarkParams(text=text))
    top, bottom, left, right = _bbox(_changed(on_white, white) | _changed(on_black, black))
    for out in (on_white, on_black):
        region = out[top:bottom + 1, left:right + 1]
        assert (region > 230).all(axis=2).sum() > 100 and (region < 60).all(axis=2).sum() > 100
    # the ink is light and the outline dark whatever the background: opaque on both
    lum_w = on_white[top:bottom + 1, left:right + 1].mean(axis=2)
    lum_b = on_black[top:bottom + 1, left:right + 1].mean(axis=2)
    assert ((lum_w > 230) & (lum_b > 230)).sum() > 150  # white glyph cores
    assert ((lum_w < 60) & (lum_b < 60)).sum() > 200  # dark outline around them


def test_text_size_and_margin_follow_the_image() -> None:
    img = np.zeros((1000, 1400, 3), np.uint8)
    assert text_height_for(img.shape, DEFAULT_TEXT) == 35  # 3.5% of the shorter side
    assert margin_for(img.shape) == 20
    out = apply_watermark(img, WatermarkParams())
    top, bottom, left, right = _bbox(out.max(axis=2) > 128)  # the white ink only
    assert 24 <= bottom - top + 1 <= 31  # CJK ink is about 0.77 of the line height
    assert 1400 - 20 - 8 <= right <= 1400 - 20  # right edge of ink at the margin
    assert 1000 - 20 - 12 <= bottom <= 1000 - 20  # baseline area just above the margin
    assert 250 <= right - left <= 330  # nine glyphs of roughly 0.9 x 35 px


def test_small_image_gets_minimum_readable_text() -> None:
    img = np.zeros((300, 300, 3), np.uint8)
    assert text_height_for(img.shape, DEFAULT_TEXT) == 16
    out = apply_watermark(img, WatermarkParams())
    top, bottom, _, _ = _bbox(out.max(axis=2) > 128)
    assert bottom - top + 1 >= 12


def test_text_too_wide_is_shrunk_to_fit() -> None:
    img = np.zeros((80, 96, 3), np.uint8)
    height = text_height_for(img.shape, DEFAULT_TEXT)
    assert 8 <= height < 16
    _, _, left, right = _bbox(_changed(apply_watermark(img, WatermarkParams()), img))
    assert left >= 1 and right <= 94


def test_glam_text_differs_from_default() -> None:
    img = np.zeros((400, 600, 3), np.uint8)
    default = _changed(apply_watermark(img, WatermarkParams()), img)
    glam = _changed(apply_watermark(img, WatermarkParams(text=GLAM_TEXT)), img)
    assert (default != glam).sum() > 200
    assert _bbox(glam)[2] > _bbox(default)[2]  # shorter text starts further right


# --- logo -----------------------------------------------------------------------------------

def test_logo_lands_exactly_in_its_rect() -> None:
    img = _textured(200, 300, seed=2)
    logo = np.full((10, 10, 3), RED, np.uint8)
    out = apply_watermark(img, WatermarkParams(logo=logo, rect=LogoRect(30, 40, 50, 20)))
    assert (out[40:60, 30:80] == RED).all()
    outside = np.ones(img.shape[:2], bool)
    outside[40:60, 30:80] = False
    np.testing.assert_array_equal(out[outside], img[outside])


def test_default_logo_rect_bottom_right_keeps_aspect() -> None:
    rect = default_logo_rect((600, 1000), (50, 100))
    assert (rect.width, rect.height) == (200, 100)  # 20% of the width, aspect 2:1 kept
    assert rect.x + rect.width == 1000 - 12 and rect.y + rect.height == 600 - 12
    img = _textured(600, 1000, seed=3)
    logo = np.full((50, 100, 3), (0, 0, 255), np.uint8)
    out = apply_watermark(img, WatermarkParams(logo=logo))
    changed = _changed(out, img)
    assert _bbox(changed) == (rect.y, rect.y + rect.height - 1, rect.x, rect.x + rect.width - 1)
    assert changed.sum() == rect.width * rect.height


def test_tall_logo_default_rect_fits_height() -> None:
    rect = default_logo_rect((100, 1000), (400, 100))
    assert rect.height == 100 - 2 * margin_for((100, 1000)) and rect.y >= 0
    assert rect.width == round(rect.height / 4)


def test_rect_partly_outside_is_clipped_after_stretching() -> None:
    img = _textured(100, 100, seed=4)
    logo = np.zeros((10, 10, 3), np.uint8)
    logo[:, :5] = RED
    logo[:, 5:] = (0, 0, 255)
    out = apply_watermark(img, WatermarkParams(logo=logo, rect=LogoRect(-20, 70, 40, 40)))
    # the stretched logo spans x -20..19: its visible right half is blue, rows 70..99
    assert (out[70:100, 2:20] == (0, 0, 255)).all()
    np.testing.assert_array_equal(out[:70], img[:70])
    np.testing.assert_array_equal(out[:, 20:], img[:, 20:])


@pytest.mark.parametrize("rect", [LogoRect(100, 0, 10, 10), LogoRect(-10, 5, 10, 10),
                                  LogoRect(0, -50, 5, 50), LogoRect(500, 500, 20, 20)])
def test_rect_outside_image_raises(rect: LogoRect) -> None:
    img = _textured(80, 100, seed=5)
    logo = np.full((4, 4, 3), RED, np.uint8)
    with pytest.raises(ParameterError) as info:
        apply_watermark(img, WatermarkParams(logo=logo, rect=rect))
    assert info.value.field == "LogoRect" and "outside" in info.value.message


@pytest.mark.parametrize("size", [(0, 10), (10, 0), (-5, 5)])
def test_rect_needs_positive_size(size: tuple[int, int]) -> None:
    with pytest.raises(ParameterError) as info:
        LogoRect(0, 0, *size)
    assert info.value.field == "LogoRect"


def test_rgba_transparent_half_leaves_image_unchanged() -> None:
    img = np.full((100, 100, 3), 128, np.uint8)
    logo = np.zeros((10, 10, 4), np.uint8)
    logo[:, :5] = (0, 255, 0, 0)  # invisible green must not bleed
    logo[:, 5:] = (255, 0, 0, 255)
    out = apply_watermark(img, WatermarkParams(logo=logo, rect=LogoRect(10, 10, 40, 40)))
    np.testing.assert_array_equal(out[:, :28], img[:, :28])  # transparent half (+ filter)
    assert (out[10:50, 32:50] == RED).all()
    assert out[..., 1].max() <= 128  # no green fringe at the seam


def test_semi_transparent_logo_blends() -> None:
    img = np.full((50, 50, 3), 200, np.uint8)
    logo = np.full((4, 4, 4), (0, 0, 0, 128), np.uint8)
    out = apply_watermark(img, WatermarkParams(logo=logo, rect=LogoRect(0, 0, 8, 8)))
    assert np.all(np.abs(out[:8, :8].astype(int) - 100) <= 1)


# --- params ---------------------------------------------------------------------------------

def test_params_validation() -> None:
    with pytest.raises(ParameterError) as info:
        WatermarkParams(logo=np.zeros((4, 4), np.uint8))
    assert info.value.field == "logo"
    with pytest.raises(ParameterError) as info:
        WatermarkParams(logo=np.zeros((4, 4, 3), np.float32))
    assert info.value.field == "logo"
    with pytest.raises(ParameterError) as info:
        WatermarkParams(text="   ")
    assert info.value.field == "text"
    assert WatermarkParams(enabled=False, text="").text == ""


def test_logo_is_copied_read_only() -> None:
    logo = np.full((4, 4, 3), RED, np.uint8)
    params = WatermarkParams(logo=logo)
    logo[:] = 0
    assert params.logo is not None and (params.logo == RED).all()
    assert not params.logo.flags.writeable


def test_image_must_be_rgb_uint8() -> None:
    with pytest.raises(ImageError) as info:
        apply_watermark(np.zeros((10, 10, 4), np.uint8), WatermarkParams())
    assert info.value.field == "image"


# --- text rendering -------------------------------------------------------------------------

def _char_spans(text: str, height: int) -> list[tuple[int, int]]:
    font = font_for_height(height)
    edges = [round(font.getlength(text[:i])) for i in range(len(text) + 1)]
    return list(itertools.pairwise(edges))


def test_cjk_glyphs_render_not_tofu() -> None:
    height = 40
    mask = render_text_mask(DEFAULT_TEXT, height)
    assert mask.shape[0] == height
    for x0, x1 in _char_spans(DEFAULT_TEXT, height):
        assert (mask[:, x0:x1] > 128).sum() > 40  # every character has ink in its cell
    question = render_text_mask("?" * len(DEFAULT_TEXT), height)
    assert question.shape != mask.shape or np.abs(question.astype(int) - mask).sum() > 10000
    glyphs = [render_text_mask(c, height) for c in "本图片为合成"]
    tofu = render_text_mask("\U0010fffd", height)  # not in the font: the .notdef box
    for i, glyph in enumerate(glyphs):
        assert glyph.shape != tofu.shape or not np.array_equal(glyph, tofu)
        for other in glyphs[i + 1:]:
            assert glyph.shape != other.shape or np.abs(glyph.astype(int) - other).sum() > 5000


def test_text_is_anti_aliased() -> None:
    mask = render_text_mask(DEFAULT_TEXT, 24)
    partial = ((mask > 0) & (mask < 255)).sum()
    assert partial > 0.3 * (mask == 255).sum()


def test_text_layer_white_ink_dark_outline() -> None:
    layer = render_text_layer(GLAM_TEXT, 30)
    assert layer.ndim == 3 and layer.shape[2] == 4 and layer.shape[0] > 30
    opaque = layer[..., 3] == 255
    rgb = layer[..., :3].astype(int)
    assert (opaque & (rgb.min(axis=2) == 255)).sum() > 100  # pure white ink
    assert (opaque & (rgb.max(axis=2) == 0)).sum() > 300  # pure black outline
    assert layer[0].max() == 0 and layer[:, 0].max() == 0  # padding leaves room for the halo
    assert not layer.flags.writeable  # cached layers are shared


def test_render_rejects_bad_height() -> None:
    with pytest.raises(ParameterError) as info:
        render_text_mask("x", 0)
    assert info.value.field == "height"


@pytest.mark.parametrize("corner, rows, cols", [
    (0, "bottom", "right"), (1, "bottom", "left"), (2, "top", "left"), (3, "top", "right")])
def test_text_corner(corner: int, rows: str, cols: str) -> None:
    img = _textured()
    changed = _changed(apply_watermark(img, WatermarkParams(text="AI生成", corner=corner)), img)
    top, bottom, left, right = _bbox(changed)
    h, w = img.shape[:2]
    assert (bottom < h // 4) if rows == "top" else (top > h * 3 // 4)
    assert (right < w // 2) if cols == "left" else (left > w // 2)
    assert min(top, left) >= 2 and bottom < h - 2 and right < w - 2  # margin kept


def test_opacity_scales_the_mark() -> None:
    img = np.full((200, 300, 3), 40, np.uint8)
    full = apply_watermark(img, WatermarkParams(text="Generated by AI")).astype(np.int16)
    faint = apply_watermark(img, WatermarkParams(text="Generated by AI", opacity=0.3))
    gain = np.abs(faint.astype(np.int16) - 40).max() / np.abs(full - 40).max()
    assert 0.25 < gain < 0.35
    assert np.array_equal(apply_watermark(img, WatermarkParams(opacity=0.0)), img)
    for bad in ({"corner": 4}, {"opacity": 1.5}, {"opacity": True}):
        with pytest.raises(ParameterError):
            WatermarkParams(**bad)  # type: ignore[arg-type]
