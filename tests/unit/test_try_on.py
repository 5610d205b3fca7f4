"""Virtual try-on: garment cut-out and kinds on drawn garments, the pipeline on PD/CC0 persons."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.garment.body import analyse_body
from portrait_studio.capabilities.garment.cutout import cut_out, garment_mask
from portrait_studio.capabilities.garment.prompt import parse_prompt, recolour
from portrait_studio.errors import ImageError, NoFaceDetected, ParameterError
from portrait_studio.pipelines.try_on import (
    GARMENT_KINDS,
    SCENES,
    TryOnParams,
    classify_garment,
    outfits,
    try_on,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "images"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
RED = (200, 30, 40)
BLUE = (30, 60, 190)


def tshirt(colour: tuple[int, int, int] = RED) -> np.ndarray:
    """A T-shirt silhouette (body, two short sleeves, a neck cut) on white, 600x640."""
    img = np.full((600, 640, 3), 255, np.uint8)
    body = np.array([[200, 60], [270, 40], [370, 40], [440, 60], [440, 560], [200, 560]])
    cv2.fillPoly(img, [body], colour)
    cv2.fillPoly(img, [np.array([[200, 60], [90, 200], [150, 250], [200, 190]])], colour)
    cv2.fillPoly(img, [np.array([[440, 60], [550, 200], [490, 250], [440, 190]])], colour)
    cv2.ellipse(img, (320, 40), (50, 30), 0, 0, 180, (255, 255, 255), -1)
    return img


def trousers(colour: tuple[int, int, int] = BLUE) -> np.ndarray:
    """Trousers: a waistband and two separate legs on white, 700x400."""
    img = np.full((700, 400, 3), 255, np.uint8)
    cv2.fillPoly(img, [np.array([[100, 40], [300, 40], [310, 660], [215, 660], [200, 250],
                                 [185, 660], [90, 660]])], colour)
    return img


def dress_photo() -> np.ndarray:
    """A sleeveless dress: straps, bodice, long flared skirt on white, 800x420."""
    img = np.full((800, 420, 3), 255, np.uint8)
    cv2.fillPoly(img, [np.array([[150, 90], [270, 90], [280, 300], [380, 760], [40, 760],
                                 [140, 300]])], (40, 150, 60))
    cv2.rectangle(img, (150, 30), (170, 95), (40, 150, 60), -1)
    cv2.rectangle(img, (250, 30), (270, 95), (40, 150, 60), -1)
    return img


def cami_with_hole() -> np.ndarray:
    """A top with a large enclosed hole (a keyhole) showing the white background."""
    img = tshirt((90, 90, 200))
    cv2.circle(img, (320, 300), 40, (255, 255, 255), -1)
    return img


@cache
def person(name: str, height: int = 1024) -> np.ndarray:
    img = cv2.imread(str(FIXTURES / name), cv2.IMREAD_COLOR)[:, :, ::-1]
    scale = height / img.shape[0]
    return np.ascontiguousarray(cv2.resize(img, None, fx=scale, fy=scale,
                                           interpolation=cv2.INTER_AREA))


@cache
def dog_result(prompt: str = "") -> tuple[np.ndarray, object]:
    img = person("woman_with_dog__pexels_cc0.jpg", 962)
    return img, try_on(img, [tshirt()], TryOnParams(prompt=prompt, seed=3))


# --- garments -----------------------------------------------------------------------------

def test_cutout_area_matches_drawn_garment() -> None:
    img = tshirt()
    drawn = np.any(img != 255, axis=2)
    mask = garment_mask(img)
    assert abs(int(mask.sum()) - int(drawn.sum())) < 0.02 * drawn.sum()
    assert (mask & ~drawn).sum() < 0.025 * drawn.sum()        # at most a 1 px rim


def test_cutout_keeps_large_hole_fills_small_print() -> None:
    img = cami_with_hole()
    cv2.circle(img, (250, 450), 6, (255, 255, 255), -1)   # a small white print dot
    mask = garment_mask(img)
    assert not mask[300, 320]                              # keyhole stays a hole
    assert mask[450, 250]                                  # small dot filled
    assert mask[300, 260]


def test_cutout_crops_and_rejects_blank() -> None:
    cut = cut_out(tshirt())
    assert cut.image.shape[:2] == cut.mask.shape
    assert cut.mask.shape[1] < 640 and cut.mask.any(axis=0)[2:-2].all()
    with pytest.raises(ParameterError) as err:
        cut_out(np.full((300, 300, 3), 250, np.uint8), index=2)
    assert err.value.field == "ClothesFileInfos" and err.value.details["index"] == 2


@pytest.mark.parametrize(("image", "kind"), [(tshirt, "top"), (trousers, "bottom"),
                                             (dress_photo, "full")])
def test_kind_recognition(image, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert classify_garment(image()) == kind
    assert kind in GARMENT_KINDS


def test_prompt_words() -> None:
    plan = parse_prompt("换成蓝色宽松的")
    assert plan.colour == "blue" and plan.fits == ("loose",) and plan.fit.width > 1
    assert parse_prompt("a colored tight top").colour is None
    assert parse_prompt("navy blue").colour == "navy"
    assert parse_prompt("cropped").fit.length == pytest.approx(0.75)


def test_recolour_changes_hue_keeps_pattern() -> None:
    img = tshirt(RED)
    img[300:320, 220:420] = (120, 20, 25)                  # a darker stripe (pattern)
    mask = np.any(img != 255, axis=2)
    out = recolour(img, mask, "blue")
    lab = cv2.cvtColor(out.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    assert lab[400, 320, 2] < -30                          # b* strongly blue
    assert out[400, 320, 2] > out[400, 320, 0] + 60
    assert lab[310, 320, 0] < lab[400, 320, 0] - 5         # stripe still darker
    assert np.array_equal(out[~mask], img[~mask])


# --- parameters and outputs ---------------------------------------------------------------

def test_bad_scene_and_garment_count() -> None:
    with pytest.raises(ParameterError) as err:
        TryOnParams(scene="swap_face")
    assert err.value.field == "SceneInfo.Type"
    img = np.zeros((200, 200, 3), np.uint8)
    for garments in ([], [tshirt()] * 5):
        with pytest.raises(ParameterError) as err:
            try_on(img, garments, TryOnParams())
        assert err.value.field == "ClothesFileInfos"
    with pytest.raises(ImageError) as ierr:
        try_on(np.zeros((200, 200), np.uint8), [tshirt()], TryOnParams())
    assert ierr.value.field == "FileInfos"


def test_outfit_rules() -> None:
    assert outfits(["top", "top", "bottom"]) == [[0, 2], [1, 2]]
    assert outfits(["top", "bottom"]) == [[0, 1]]
    assert outfits(["bottom", "top", "full"]) == [[0, 1], [2]]
    assert outfits(["top", "top"]) == [[0], [1]]
    assert len(SCENES) == 6


def test_no_body_raises() -> None:
    blank = np.full((400, 300, 3), 128, np.uint8)
    with pytest.raises(NoFaceDetected) as err:
        try_on(blank, [tshirt()], TryOnParams())
    assert err.value.field == "FileInfos"


# --- pipeline on real (PD / CC0) persons --------------------------------------------------

def test_outside_garment_region_unchanged() -> None:
    img, result = dog_result()
    out = result.images[0]
    assert out.shape == img.shape and out.dtype == np.uint8
    body = analyse_body(img)
    changed = np.any(out != img, axis=2)
    assert changed.sum() > 5000
    assert (changed & body.head).sum() < 0.02 * body.head.sum()
    far = cv2.dilate(body.person.astype(np.uint8), np.ones((61, 61), np.uint8)) == 0
    assert np.array_equal(out[far], img[far])             # background far from the body exact


def test_garment_region_colour_is_garments() -> None:
    img, result = dog_result()
    out = result.images[0]
    region = np.all(np.abs(out.astype(int) - RED) < 90, axis=2) & np.any(out != img, axis=2)
    assert region.sum() > 3000
    mean = out[region].mean(axis=0)
    assert mean[0] > mean[1] + 80 and mean[0] > mean[2] + 70


def test_prompt_colour_word_recolours_output() -> None:
    img, result = dog_result("蓝色")
    out = result.images[0]
    changed = np.any(out != img, axis=2)
    blue = changed & (out[..., 2].astype(int) > out[..., 0].astype(int) + 50)
    assert blue.sum() > 3000
    assert result.report["prompt"]["colour"] == "blue"


def test_multiple_garments_and_scene_forcing() -> None:
    img = person("woman_with_dog__pexels_cc0.jpg", 962)
    res = try_on(img, [tshirt(RED), tshirt(BLUE), trousers()], TryOnParams(seed=1))
    assert len(res.images) == 2
    kinds = [[g["kind"] for g in o["garments"]] for o in res.report["outputs"]]
    assert kinds == [["top", "bottom"], ["top", "bottom"]]
    forced = try_on(img, [tshirt()], TryOnParams(scene="change_clothes_bottom_wear", seed=1))
    garment = forced.report["outputs"][0]["garments"][0]
    assert garment == {"index": 0, "kind": "bottom", "kind_source": "scene"}
    assert not np.array_equal(res.images[0], res.images[1])


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus absent")
def test_corpus_garment_kinds() -> None:
    found = {p.name.split("__")[0]: classify_garment(
        np.ascontiguousarray(cv2.imread(str(p))[:, :, ::-1]))
        for p in sorted((CORPUS / "garments").glob("*.jpg"))}
    assert found["dresscode_051412_1"] == "bottom"
    assert found["dresscode_053319_1"] == "full"
    assert found["vitonhd_00126_00"] == "top"
