"""Portrait style repaint: geometry, validation, per-style measurable looks, identity, the
custom style, seeds and the ONNX slot.

Styles are rendered once per module at a reduced output size (short side 512) through
:func:`render`, which is :func:`repaint` without the vendor's fixed 1536 geometry.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from portrait_studio.capabilities.stylize import eyes, textures
from portrait_studio.errors import (
    ImageError,
    ImageTooLarge,
    ImageTooSmall,
    MissingParameter,
    ParameterError,
)
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.identity import distance, embedding
from portrait_studio.pipelines.repaint import (
    CUSTOM_STYLE,
    STYLES,
    RepaintParams,
    RepaintResult,
    check_input_size,
    output_geometry,
    render,
    repaint,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "images"
PORTRAIT = "judy_chu__house_official_1.jpg"
SECOND = "andy_kim__house_official_1.jpg"
STYLE_REF = "mondrian_composition__adain.jpg"
SHORT = 512


def _load(name: str) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(FIXTURES / name)), cv2.COLOR_BGR2RGB)


def _size(img: np.ndarray, short: int = SHORT) -> tuple[int, int]:
    h, w = img.shape[:2]
    return (short, round(h * short / w)) if w <= h else (round(w * short / h), short)


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    return _load(PORTRAIT)


@pytest.fixture(scope="module")
def base(portrait: np.ndarray) -> np.ndarray:
    """The portrait at the test output size, for before/after statistics."""
    return cv2.resize(portrait, _size(portrait), interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="module")
def styled(portrait: np.ndarray) -> dict[int, RepaintResult]:
    return {i: render(portrait, RepaintParams(i, seed=7), _size(portrait)) for i in STYLES}


def _hsv(img: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV).astype(np.float32)
    return hsv[..., 0] * 2.0, hsv[..., 1] / 255.0, hsv[..., 2] / 255.0


def _lab(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32)


def _edge_density(img: np.ndarray) -> float:
    return float((cv2.Canny(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), 80, 160) > 0).mean())


def _top_colour_share(img: np.ndarray, k: int) -> float:
    px = img.reshape(-1, 3).astype(np.int32)
    _, counts = np.unique((px[:, 0] << 16) | (px[:, 1] << 8) | px[:, 2], return_counts=True)
    return float(np.sort(counts)[::-1][:k].sum() / counts.sum())


# --- geometry and validation ----------------------------------------------------------------

def test_style_table() -> None:
    assert STYLES == {0: "retro_comic", 1: "fairy_tale_3d", 2: "anime", 3: "fresh",
                      4: "future_tech", 5: "ink_painting", 6: "warrior",
                      7: "colourful_cartoon", 8: "elegant_chinese", 9: "new_year"}
    assert CUSTOM_STYLE == -1


@pytest.mark.parametrize(("size", "expected"), [
    ((335, 410), ((0, 0, 335, 410), (1536, 1880))),
    ((256, 256), ((0, 0, 256, 256), (1536, 1536))),
    ((600, 400), ((0, 0, 600, 400), (2304, 1536))),
    ((400, 600), ((0, 0, 400, 600), (1536, 2304))),
    ((1000, 800), ((0, 0, 1000, 800), (1920, 1536))),
    ((5760, 3240), ((450, 0, 4860, 3240), (2304, 1536))),
    ((3240, 5760), ((0, 450, 3240, 4860), (1536, 2304))),
    ((1000, 2000), ((0, 250, 1000, 1500), (1536, 2304))),
    ((1001, 300), ((275, 0, 450, 300), (2304, 1536))),
])
def test_output_geometry(size: tuple[int, int], expected: object) -> None:
    assert output_geometry(*size) == expected


@pytest.mark.parametrize("size", [(256, 256), (5760, 3240), (3240, 5760), (300, 5760)])
def test_input_size_accepted(size: tuple[int, int]) -> None:
    check_input_size(*size)


@pytest.mark.parametrize(("size", "error"), [
    ((255, 300), ImageTooSmall), ((300, 255), ImageTooSmall), ((5761, 3000), ImageTooLarge),
    ((3000, 5761), ImageTooLarge), ((3241, 3241), ImageTooLarge)])
def test_input_size_refused(size: tuple[int, int], error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        check_input_size(*size)
    assert info.value.field == "image_url"  # type: ignore[attr-defined]
    assert f"{size[0]}x{size[1]}" in str(info.value)


def test_repaint_refuses_small_image() -> None:
    with pytest.raises(ImageTooSmall):
        repaint(np.zeros((200, 400, 3), np.uint8), RepaintParams(3))


@pytest.mark.parametrize("index", [10, -2, True, 2.0, "3"])
def test_bad_style_index(index: object) -> None:
    with pytest.raises(ParameterError) as info:
        RepaintParams(index)  # type: ignore[arg-type]
    assert info.value.field == "style_index"


def test_style_ref_rules() -> None:
    with pytest.raises(MissingParameter) as info:
        RepaintParams(CUSTOM_STYLE)
    assert info.value.field == "style_ref_url"
    ref = np.zeros((32, 32, 3), np.uint8)
    with pytest.raises(ParameterError) as info2:
        RepaintParams(3, style_ref=ref)
    assert info2.value.field == "style_ref_url"
    with pytest.raises(ImageError) as info3:
        RepaintParams(CUSTOM_STYLE, style_ref=np.zeros((32, 32), np.uint8))
    assert info3.value.field == "style_ref_url"
    assert RepaintParams(CUSTOM_STYLE, style_ref=ref).style_ref is ref


@pytest.mark.parametrize("seed", [-1, 2**63, True, 1.5])
def test_bad_seed(seed: object) -> None:
    with pytest.raises(ParameterError) as info:
        RepaintParams(0, seed=seed)  # type: ignore[arg-type]
    assert info.value.field == "seed"


def test_full_geometry_and_report(portrait: np.ndarray) -> None:
    wide = cv2.resize(portrait, (700, 300))
    result = repaint(wide, RepaintParams(3, seed=1))
    assert result.image.shape == (1536, 2304, 3) and result.image.dtype == np.uint8
    rep = result.report
    assert rep["style_index"] == 3 and rep["style"] == "fresh"
    assert rep["input_size"] == [700, 300] and rep["crop"] == [125, 0, 450, 300]
    assert rep["output_size"] == [2304, 1536] and rep["engine"] == "classical"
    assert set(rep["timings_ms"]) >= {"faces", "style", "face", "total"}


# --- per-style looks ------------------------------------------------------------------------

def test_every_style_changes_the_picture(styled: dict[int, RepaintResult],
                                         base: np.ndarray) -> None:
    for index, result in styled.items():
        assert result.image.shape == base.shape, index
        diff = np.abs(result.image.astype(np.int16) - base.astype(np.int16)).mean()
        assert diff > 12.0, (index, diff)
        assert result.report["face"] is not None


def test_retro_comic_halftone_period(styled: dict[int, RepaintResult]) -> None:
    """The dot screen shows as a sharp spectral peak at its period, on the 45 degree axes."""
    patch = cv2.cvtColor(styled[0].image, cv2.COLOR_RGB2GRAY)[20:148, 20:148]
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(patch - patch.mean())))
    period = 7.5 * SHORT / 1000 + 2.0
    r = 128.0 / period / np.sqrt(2.0)
    peak = spectrum[round(64 + r) - 1:round(64 + r) + 2, round(64 + r) - 1:round(64 + r) + 2]
    off = spectrum[round(64 + r) - 1:round(64 + r) + 2, round(64 - r * 0.6) - 1:
                   round(64 - r * 0.6) + 2]
    assert peak.max() > 30 * np.median(spectrum) and peak.max() > 3 * off.max()


def test_retro_comic_aged_palette_and_ink(styled: dict[int, RepaintResult],
                                          base: np.ndarray) -> None:
    img = styled[0].image
    _, sat, _ = _hsv(img)
    assert sat.mean() < 0.36 and _hsv(base)[1].mean() > 0.45
    lab = _lab(img)
    assert lab[..., 2].mean() > 130  # warm yellowed paper (b* > 0)
    assert _edge_density(img) > 1.8 * _edge_density(base)


def test_fairy_tale_saturated_and_soft(styled: dict[int, RepaintResult],
                                       base: np.ndarray) -> None:
    img = styled[1].image
    assert _hsv(img)[1].mean() > _hsv(base)[1].mean() * 1.15
    lap = cv2.Laplacian(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.CV_32F)
    lap0 = cv2.Laplacian(cv2.cvtColor(base, cv2.COLOR_RGB2GRAY), cv2.CV_32F)
    assert lap.var() < 0.35 * lap0.var()  # smooth rounded forms, no photo texture


def test_anime_cel_palette_and_lines(styled: dict[int, RepaintResult],
                                     base: np.ndarray) -> None:
    img = styled[2].image
    assert _top_colour_share(img, 12) > 0.6 > _top_colour_share(base, 12) * 3
    assert _lab(img)[..., 0].mean() > _lab(base)[..., 0].mean() + 3  # bright, clear


def test_eyes_are_enlarged() -> None:
    img = np.zeros((200, 200, 3), np.uint8)
    pts = np.zeros((478, 2), np.float32) + 100
    ring = list(eyes.EYES[0])
    angles = np.linspace(0, 2 * np.pi, len(ring), endpoint=False)
    pts[ring] = np.stack([60 + 12 * np.cos(angles), 80 + 6 * np.sin(angles)], 1)
    cv2.ellipse(img, (60, 80), (12, 6), 0, 0, 360, (255, 255, 255), -1)
    faces = [pts.copy()]
    out = eyes.enlarge_eyes(img, faces, 1.2)
    width_before = float(np.ptp(pts[ring, 0]))
    width_after = float(np.ptp(faces[0][ring, 0]))
    assert 1.1 < width_after / width_before < 1.2
    assert (out[..., 0] > 127).sum() > 1.2 * (img[..., 0] > 127).sum()


def test_fresh_high_key_pastel_cool(styled: dict[int, RepaintResult], base: np.ndarray) -> None:
    img, lab, lab0 = styled[3].image, _lab(styled[3].image), _lab(base)
    assert lab[..., 0].mean() > lab0[..., 0].mean() + 50
    assert lab[..., 0].std() < 0.85 * lab0[..., 0].std()
    assert _hsv(img)[1].mean() < 0.5 * _hsv(base)[1].mean()
    assert lab[..., 2].mean() < 128  # b* < 0: cool


def test_future_tech_neon_hues_and_scanlines(styled: dict[int, RepaintResult]) -> None:
    img = styled[4].image
    hue, sat, _ = _hsv(img)
    vivid = sat > 0.25
    neon = ((hue > 160) & (hue < 210)) | ((hue > 270) & (hue < 335))
    assert neon[vivid].mean() > 0.5
    rows = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32).mean(1)
    assert rows[::4].mean() < 0.96 * np.delete(rows, np.s_[::4]).mean()


def test_ink_painting_sparse_colour_paper_and_seal(styled: dict[int, RepaintResult]) -> None:
    img = styled[5].image
    hue, sat, val = _hsv(img)
    h, w = sat.shape
    seal = (sat > 0.5) & ((hue < 15) | (hue > 345))
    assert seal[h // 2:, w // 2:].sum() > 150 and seal[: h // 2].sum() == 0
    assert np.median(sat) < 0.15
    assert np.percentile(val, 90) > 0.85  # the paper stays light
    assert _edge_density(img) > 0.02


def test_warrior_bronze_hard_light(styled: dict[int, RepaintResult], base: np.ndarray) -> None:
    img = styled[6].image
    hue, sat, _ = _hsv(img)
    coloured = sat > 0.15
    assert ((hue > 15) & (hue < 50))[coloured].mean() > 0.75
    assert sat.mean() < 0.9 * _hsv(base)[1].mean()
    assert _lab(img)[..., 0].std() > _lab(base)[..., 0].std()


def test_colourful_cartoon_flat_and_thick_lines(styled: dict[int, RepaintResult],
                                                base: np.ndarray) -> None:
    img = styled[7].image
    assert _top_colour_share(img, 10) > 0.55
    assert _hsv(img)[1].mean() > 1.4 * _hsv(base)[1].mean()
    dark = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) < 40
    assert dark.mean() > 0.05


def test_elegant_chinese_muted_on_silk(styled: dict[int, RepaintResult],
                                       base: np.ndarray) -> None:
    img = styled[8].image
    chroma = np.hypot(_lab(img)[..., 1] - 128, _lab(img)[..., 2] - 128)
    chroma0 = np.hypot(_lab(base)[..., 1] - 128, _lab(base)[..., 2] - 128)
    assert chroma.mean() < 0.7 * chroma0.mean() and chroma.std() < 0.5 * chroma0.std()
    corner = img[:60, :60].reshape(-1, 3).astype(np.float32).mean(0)
    assert corner[0] > corner[2] + 20  # warm silk ground
    row = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)[10:40, 10:200].astype(np.float32).mean(0)
    spectrum = np.abs(np.fft.rfft(row - row.mean()))
    period = len(row) / (np.argmax(spectrum[5:]) + 5)
    assert abs(period - max(2.5, 3.2 * SHORT / 1000)) < 0.3  # the silk weave


def test_new_year_red_gold_and_frame(styled: dict[int, RepaintResult]) -> None:
    img = styled[9].image
    hue, sat, _ = _hsv(img)
    festive = ((hue < 55) | (hue > 340)) & (sat > 0.35)
    assert festive.mean() > 0.7
    band = int(56 * SHORT / 1000) + 6
    frame = np.concatenate([festive[:band].ravel(), festive[-band:].ravel(),
                            festive[:, :band].ravel(), festive[:, -band:].ravel()])
    assert frame.mean() > 0.97
    gold = (hue > 30) & (hue < 55) & (sat > 0.4)
    assert 0.1 < gold[:band].mean() < 0.7  # drawn gold ornament on the red band


def test_styles_are_distinguishable(portrait: np.ndarray) -> None:
    """Nearest-centroid on colour/texture statistics tells every style apart across people."""
    def features(img: np.ndarray) -> np.ndarray:
        sat = _hsv(img)[1]
        lab = _lab(img)
        return np.array([lab[..., 0].mean() / 50, lab[..., 0].std() / 20,
                         (lab[..., 1].mean() - 128) / 10, (lab[..., 2].mean() - 128) / 10,
                         sat.mean() * 5, _edge_density(img) * 30, _top_colour_share(img, 12) * 3])
    second = _load(SECOND)
    train = {i: features(render(portrait, RepaintParams(i, seed=1), (224, 274)).image)
             for i in STYLES}
    for i in STYLES:
        f = features(render(second, RepaintParams(i, seed=2), (224, 274)).image)
        nearest = min(train, key=lambda j: float(np.linalg.norm(train[j] - f)))
        assert nearest == i


# --- identity, faces, custom, seeds, onnx ---------------------------------------------------

def test_identity_is_kept(styled: dict[int, RepaintResult], base: np.ndarray) -> None:
    e0 = embedding(base, detect_faces(base)[0].box)
    for index, result in styled.items():
        faces = detect_faces(result.image)
        assert faces, index
        d = distance(e0, embedding(result.image, faces[0].box))
        assert d < 0.6, (index, d)


def test_face_report_in_output_pixels(styled: dict[int, RepaintResult], base: np.ndarray) -> None:
    x, y, w, h = styled[3].report["face"]
    truth = detect_faces(base)[0].box
    assert abs(x - truth.x) < 0.1 * truth.w and abs(w - truth.w) < 0.15 * truth.w
    assert abs(y - truth.y) < 0.1 * truth.h and abs(h - truth.h) < 0.15 * truth.h


def test_no_face_is_still_stylised() -> None:
    art = _load(STYLE_REF)
    result = render(art, RepaintParams(7, seed=1), _size(art, 320))
    assert result.report["face"] is None
    assert _hsv(result.image)[1].mean() > _hsv(cv2.resize(art, _size(art, 320)))[1].mean()


def test_custom_style_moves_colours_toward_reference(portrait: np.ndarray,
                                                     base: np.ndarray) -> None:
    ref = _load(STYLE_REF)
    result = render(portrait, RepaintParams(CUSTOM_STYLE, style_ref=ref, seed=3), _size(portrait))
    assert result.report["style"] == "custom" and result.report["style_index"] == -1
    mu_ref = _lab(ref).reshape(-1, 3).mean(0)
    before = np.linalg.norm(_lab(base).reshape(-1, 3).mean(0) - mu_ref)
    after = np.linalg.norm(_lab(result.image).reshape(-1, 3).mean(0) - mu_ref)
    assert after < 0.5 * before
    sd_ref = _lab(ref).reshape(-1, 3).std(0)
    sd_gap_before = np.abs(_lab(base).reshape(-1, 3).std(0) - sd_ref).sum()
    sd_gap_after = np.abs(_lab(result.image).reshape(-1, 3).std(0) - sd_ref).sum()
    assert sd_gap_after < sd_gap_before


def test_seeds_repeat_exactly(portrait: np.ndarray) -> None:
    size = (256, 313)
    a = render(portrait, RepaintParams(0, seed=11), size).image
    b = render(portrait, RepaintParams(0, seed=11), size).image
    c = render(portrait, RepaintParams(0, seed=12), size).image
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()


def test_halftone_dots_grow_with_darkness() -> None:
    dark = np.tile(np.linspace(0, 1, 200, dtype=np.float32), (64, 1))
    cov = textures.halftone(dark, period=8.0)
    assert cov[:, :20].mean() < 0.05 and cov[:, -20:].mean() > 0.9
    assert 0.3 < cov[:, 90:110].mean() < 0.7


def _save_invert(path: Path) -> None:
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, "h", "w"])
    y = helper.make_tensor_value_info("result", TensorProto.FLOAT, [1, 3, "h", "w"])
    one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
    graph = helper.make_graph([helper.make_node("Sub", ["one", "image"], ["result"])],
                              "invert", [x], [y], initializer=[one])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def test_onnx_style_slot_replaces_classical_path(portrait: np.ndarray, base: np.ndarray,
                                                 tmp_path: Path) -> None:
    _save_invert(tmp_path / "style_anime.onnx")
    result = render(portrait, RepaintParams(2, seed=1), _size(portrait), models_dir=tmp_path)
    assert result.report["engine"] == "onnx"
    corner = result.image[:80, :80].astype(np.int16)
    expected = 255 - cv2.resize(portrait, _size(portrait),
                                interpolation=cv2.INTER_AREA)[:80, :80].astype(np.int16)
    assert np.abs(corner - expected).max() <= 2
    other = render(portrait, RepaintParams(3, seed=1), _size(portrait), models_dir=tmp_path)
    assert other.report["engine"] == "classical"
