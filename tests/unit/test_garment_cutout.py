"""Garment cut-out: white and very light garments on a white background (the outline pass),
holes and prints, faint background contours, and the shared corpus's product photos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from portrait_studio.capabilities.garment.cutout import cut_out, garment_mask
from portrait_studio.errors import ParameterError

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
Mask = NDArray[np.bool_]
Image = NDArray[np.uint8]


def tee_shape(h: int = 640, w: int = 600) -> Mask:
    """A T-shirt silhouette (body, two short sleeves, a round neck cut), HxW bool."""
    m = np.zeros((h, w), np.uint8)
    cv2.fillPoly(m, [np.array([[190, 70], [260, 50], [340, 50], [410, 70], [420, 590],
                               [180, 590]])], 1)
    cv2.fillPoly(m, [np.array([[190, 70], [80, 210], [140, 260], [190, 200]])], 1)
    cv2.fillPoly(m, [np.array([[410, 70], [520, 210], [460, 260], [410, 200]])], 1)
    cv2.ellipse(m, (300, 50), (50, 32), 0, 0, 180, 0, -1)
    return m > 0


def jpeg(img: NDArray[np.float32] | Image, quality: int) -> Image:
    """HxWx3 RGB through a JPEG round trip at ``quality``."""
    rgb = np.clip(img, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    assert ok and decoded is not None
    return np.ascontiguousarray(decoded[:, :, ::-1])


def shadow(shape: Mask, depth: float) -> NDArray[np.float32]:
    """A soft drop shadow of ``shape`` (down-right, blurred), ``depth`` levels at most."""
    h, w = shape.shape
    offset = np.zeros((h, w), np.float32)
    offset[6:, 5:] = shape[:-6, :-5]
    out: NDArray[np.float32] = cv2.GaussianBlur(offset, (0, 0), 5) * depth
    return out


def white_tee(shape: Mask, fill: int, line: int, quality: int,
              hole: Mask | None = None) -> Image:
    """A white garment on (255, 255, 255): fabric at ``fill`` with fine vertical ribs and a
    little shading, a 1 px ``line`` grey outline (also round ``hole``), a 6-level soft
    shadow, JPEG-compressed; ``hole`` pixels show the background."""
    h, w = shape.shape
    img = np.full((h, w, 3), 255, np.float32) - shadow(shape, 6.0)[:, :, None]
    fabric = (fill + 1.5 * np.sin(np.arange(w) / 3.0)[None, :]
              + 2.0 * np.linspace(-1, 1, h)[:, None])
    cloth = shape if hole is None else shape & ~hole
    img[cloth] = fabric[cloth][:, None]
    if hole is not None:
        img[hole] = 255
    cnts, _ = cv2.findContours(cloth.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(img, cnts, -1, (line, line, line), 1)
    return jpeg(img, quality)


def iou(a: Mask, b: Mask) -> float:
    return float((a & b).sum() / max(int((a | b).sum()), 1))


def parts(mask: Mask) -> int:
    return int(cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)[0]) - 1


def enclosed_holes(mask: Mask) -> int:
    """Background regions of ``mask`` that do not touch the image border."""
    n, labels = cv2.connectedComponents((~mask).astype(np.uint8), connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return int(n - 1 - np.count_nonzero(edge))


# --- white on white -------------------------------------------------------------------------

@pytest.mark.parametrize(("fill", "line", "quality"), [(250, 246, 90), (251, 243, 85),
                                                       (252, 248, 95), (249, 248, 85)])
def test_white_tee_on_white_is_one_solid_piece(fill: int, line: int, quality: int) -> None:
    """The fabric is within the colour threshold of the background (the colour flood alone
    kept 10-80% of these); the faint outline and shadow bound it."""
    shape = tee_shape()
    mask = garment_mask(white_tee(shape, fill, line, quality))
    assert iou(mask, shape) >= 0.95
    assert parts(mask) == 1 and enclosed_holes(mask) == 0
    assert mask[400, 300] and mask[200, 110] and mask[200, 490]    # body and both sleeves


def test_white_tee_keeps_an_outlined_keyhole_open() -> None:
    """A keyhole showing the background inside a white garment: its fill joins the hole in
    colour, the outline cuts it off, and it is the background exactly."""
    shape = tee_shape()
    hole = np.zeros_like(shape, np.uint8)
    cv2.circle(hole, (300, 300), 40, 1, -1)
    key = hole > 0
    mask = garment_mask(white_tee(shape, 250, 246, 90, key))
    assert not mask[300, 300]
    assert (~mask[key]).mean() >= 0.95
    assert iou(mask, shape & ~key) >= 0.95 and parts(mask) == 1


# --- coloured garments ----------------------------------------------------------------------

def test_white_print_on_a_coloured_garment_stays_garment() -> None:
    img = np.full((640, 600, 3), 255, np.uint8)
    shape = tee_shape()
    img[shape] = (200, 30, 40)
    cv2.rectangle(img, (230, 260), (370, 400), (255, 255, 255), -1)     # a white print block
    for y in (290, 330, 370):
        cv2.putText(img, "PRINT", (240, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (200, 30, 40), 2)
    cv2.circle(img, (260, 480), 8, (255, 255, 255), -1)                 # a small white dot
    mask = garment_mask(jpeg(img, 90))
    assert mask[265:396, 235:366].mean() >= 0.99
    assert mask[480, 260]
    assert iou(mask, shape) >= 0.97 and parts(mask) == 1


def test_near_white_band_across_a_garment_keeps_it_whole() -> None:
    """A near-white (250) band from sleeve to sleeve touches the background on both sides:
    the colour flood cut the garment in two there (IoU 0.78); its outline keeps it whole.
    (Where a soft shadow beside it is as dark as the band, from about 3 levels deep here,
    nothing draws the band's edge on that side and it is still lost.)"""
    shape = tee_shape()
    img = np.full((640, 600, 3), 255, np.float32) - (shadow(shape, 2.0) * ~shape)[:, :, None]
    img[shape] = (30, 60, 190)
    band = shape.copy()
    band[:150] = band[230:] = False
    img[band] = 250
    mask = garment_mask(jpeg(img, 90))
    assert mask[190, 300] and mask[190, 120] and mask[190, 480]
    assert iou(mask, shape) >= 0.95 and parts(mask) == 1


def test_enclosed_armholes_stay_open() -> None:
    """A top whose straps loop round two enclosed armholes showing the background; the
    JPEG specks inside the holes go with them."""
    img = np.full((640, 600, 3), 255, np.uint8)
    cv2.fillPoly(img, [np.array([[170, 200], [430, 200], [440, 600], [160, 600]])],
                 (40, 150, 60))
    cv2.rectangle(img, (170, 60), (430, 210), (40, 150, 60), -1)
    holes = np.zeros((640, 600), np.uint8)
    for x in (235, 365):
        cv2.ellipse(holes, (x, 150), (40, 55), 0, 0, 360, 1, -1)
    img[holes > 0] = 255
    drawn = np.any(img != 255, axis=2)
    mask = garment_mask(jpeg(img, 90))
    assert not mask[150, 235] and not mask[150, 365]
    inner = cv2.erode(holes, np.ones((7, 7), np.uint8)) > 0      # the rim is 1-3 px off
    assert (~mask[inner]).mean() >= 0.99
    assert iou(mask, drawn) >= 0.97 and parts(mask) == 1


def vignette(h: int, w: int, depth: float) -> NDArray[np.float32]:
    """``depth`` levels of darkening growing from the centre to the corners, HxW."""
    yy, xx = np.mgrid[:h, :w]
    r = np.hypot(yy / h - 0.5, xx / w - 0.5)
    out: NDArray[np.float32] = (depth * r / r.max()).astype(np.float32)
    return out


def test_faint_background_contours_do_not_join_a_coloured_garment() -> None:
    """JPEG banding of a vignetted background draws faint contours that run into the
    garment's strong edge; as outline edges they enclosed background under the sleeves."""
    shape = tee_shape()
    img = np.full((640, 600, 3), 255, np.float32)
    img[shape] = (200, 30, 40)
    img -= vignette(640, 600, 12.0)[:, :, None]
    mask = garment_mask(jpeg(img, 88))
    assert iou(mask, shape) >= 0.97
    assert not mask[300, 150] and not mask[300, 450]        # under the sleeves


@pytest.mark.parametrize(("level", "noise", "depth"), [(250, 0.0, 0.0), (250, 1.5, 0.0),
                                                       (255, 0.0, 14.0), (245, 2.5, 8.0)])
def test_blank_backgrounds_are_rejected(level: int, noise: float, depth: float) -> None:
    rng = np.random.default_rng(1)
    grey = (np.full((640, 600), float(level)) + rng.normal(0.0, noise, (640, 600))
            - vignette(640, 600, depth))
    img = jpeg(np.repeat(grey[:, :, None], 3, 2).astype(np.float32), 85)
    assert not garment_mask(img).any()
    with pytest.raises(ParameterError) as err:
        cut_out(img, index=1)
    assert err.value.field == "ClothesFileInfos" and err.value.details["index"] == 1


# --- shared corpus ----------------------------------------------------------------------------

def corpus_photo(stem: str) -> Image:
    path = next((CORPUS / "garments").glob(stem + "*"))
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert bgr is not None
    return np.ascontiguousarray(bgr[:, :, ::-1])


def exact_background_reference(img: Image, colour: int) -> Mask:
    """Where a VITON-HD photo is not its exactly flat (colour, colour, colour) background:
    pixels more than 1 level off, by 5x5 majority, closed, the largest part's outer contour
    filled. A JPEG halo makes it about 1-2 px generous; checked by eye against the photo."""
    off = (np.abs(img.astype(np.int16) - colour).max(axis=2) > 1).astype(np.float32)
    some = cv2.morphologyEx((cv2.blur(off, (5, 5)) > 0.5).astype(np.uint8), cv2.MORPH_CLOSE,
                            np.ones((5, 5), np.uint8))
    cnts, _ = cv2.findContours(some, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    ref = np.zeros_like(some)
    cv2.drawContours(ref, [max(cnts, key=cv2.contourArea)], -1, 1, -1)
    return ref > 0


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus absent")
def test_white_cami_on_white_is_one_solid_piece() -> None:
    """The white button cami on its (246, 246, 246) background came out in fragments (the
    colour flood kept 54% of it, with holes across the chest and straps)."""
    img = corpus_photo("vitonhd_09133_00")
    mask = garment_mask(img)
    ref = exact_background_reference(img, 246)
    assert parts(mask) == 1 and enclosed_holes(mask) == 0
    assert iou(mask, ref) >= 0.97
    assert (mask & ~ref).sum() <= 0.01 * ref.sum()
    cut = cut_out(img)
    assert cut.mask.shape == (cut.image.shape[0], cut.image.shape[1])
    assert 380_000 < cut.area < 410_000


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus absent")
@pytest.mark.parametrize(("stem", "area"), [
    ("catvton_overall_21744571", 558_441), ("catvton_upper_21514384", 891_919),
    ("catvton_upper_23255574", 640_863), ("dresscode_051412_1", 202_438),
    ("dresscode_051991_1", 238_070), ("dresscode_053319_1", 243_012),
    ("vitonhd_00126_00", 229_348), ("vitonhd_03244_00", 366_588),
    ("vitonhd_09176_00", 379_831), ("vitonhd_09263_00", 360_251),
    ("vitonhd_10165_00", 301_357),
])
def test_coloured_corpus_garments_cut_out_as_before(stem: str, area: int) -> None:
    """The coloured garments' masks are the colour pass's (areas measured before the
    outline pass existed, on the same photos): the outline pass adds nothing to them."""
    mask = garment_mask(corpus_photo(stem))
    assert abs(int(mask.sum()) - area) <= 0.002 * area
    assert parts(mask) == 1
