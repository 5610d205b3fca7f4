"""Identity-keeping restyle (Volcengine img2img_anime_accelerated_maintain_id engine)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.restyle import vocab
from portrait_studio.capabilities.restyle.framing import find_face, frame_portrait
from portrait_studio.errors import (
    NoFaceDetected,
    ParameterError,
    TextRejected,
)
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.identity import distance, embedding
from portrait_studio.pipelines.restyle import (
    DEFAULT_BLOCKLIST,
    DEFAULT_PROMPT,
    RestyleParams,
    check_prompt,
    colour_hist_distance,
    parse_prompt,
    restyle,
)

IMAGES = Path(__file__).resolve().parents[1] / "fixtures" / "images"


def load(name: str) -> np.ndarray:
    bgr = cv2.imread(str(IMAGES / name))
    assert bgr is not None, name
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


@pytest.fixture(scope="module")
def face() -> np.ndarray:
    return load("andy_kim__house_official_1.jpg")


@pytest.fixture(scope="module")
def style() -> np.ndarray:
    return load("mondrian_composition__adain.jpg")


# --- parameters ---------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    ({"face_switch": True}, "face_switch"),
    ({"facestyle_switch": True}, "facestyle_switch"),
    ({"style_switch": True, "style_index": 1}, "style_switch"),
    ({"style_switch": True, "face_index": 0}, "style_switch"),
    ({"step": 0}, "step"), ({"step": 51}, "step"), ({"cfg": 0.5}, "cfg"),
    ({"cfg": 20.5}, "cfg"), ({"cfg": float("nan")}, "cfg"), ({"width": 599}, "width"),
    ({"height": 1501}, "height"), ({"seed": -2}, "seed"), ({"face_index": -1}, "face_image"),
    ({"style_index": True}, "style_image"), ({"hyper_switch": "yes"}, "hyper_switch"),
])
def test_params_rules_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ParameterError) as err:
        RestyleParams(**kwargs)
    assert err.value.field == field
    assert field.split("_")[0] in err.value.message


def test_params_accept_vendor_sample_hyper_with_face_switch() -> None:
    p = RestyleParams(face_index=0, style_index=1, face_switch=True, facestyle_switch=True,
                      hyper_switch=True, step=1, cfg=20, width=600, height=1500)
    assert (p.hyper_switch, p.face_switch, p.cfg, p.height) == (True, True, 20, 1500)
    assert RestyleParams().positive_prompt == DEFAULT_PROMPT


def test_image_index_beyond_the_list_names_the_field(face: np.ndarray) -> None:
    with pytest.raises(ParameterError) as err:
        restyle([face], RestyleParams(face_index=0, style_index=1))
    assert err.value.field == "style_image"
    with pytest.raises(ParameterError) as err:
        restyle([face], RestyleParams(face_index=2))
    assert err.value.field == "face_image"


# --- prompt -------------------------------------------------------------------------------

def test_parse_default_prompt_is_a_clean_beauty_portrait() -> None:
    plan = parse_prompt(DEFAULT_PROMPT)
    assert plan.style is None and plan.style_index is None
    assert plan.words == ("1girl", "beautiful", "looking at viewer", "portrait")
    assert (plan.warmth, plan.saturation, plan.softness, plan.light) == (0.0, 0.0, 0.3, None)


def test_parse_english_prompt() -> None:
    plan = parse_prompt("Anime style girl, WARM sunset light, vivid colours, neon-free")
    assert (plan.style, plan.style_index) == ("anime", 2)
    assert (plan.warmth, plan.saturation, plan.light) == (0.6, 0.6, "sunset")
    assert plan.words == ("anime", "girl", "warm", "sunset", "vivid", "neon")
    assert plan.tint is None


def test_parse_chinese_prompt() -> None:
    plan = parse_prompt("二次元少女，暖色调，逆光，粉色头发，明亮")
    assert (plan.style, plan.style_index, plan.tint, plan.light) == ("anime", 2, "pink",
                                                                     "backlight")
    assert (plan.warmth, plan.brightness) == (0.6, 0.5)
    assert plan.keys == ("anime", "warm", "backlight", "pink", "bright")


def test_parse_own_looks_and_longest_match() -> None:
    oil = parse_prompt("oil-painting portrait, dark and moody, golden")
    assert (oil.style, oil.style_index, oil.tint) == ("oil_painting", None, "golden")
    assert (oil.brightness, oil.contrast) == (-0.5, 0.3)  # one row counts once
    ink = parse_prompt("水墨画，冷")
    assert (ink.style, ink.style_index, ink.warmth, ink.words) == ("ink_painting", 5, -0.6,
                                                                   ("水墨画", "冷"))
    pretty = parse_prompt("漂亮的水彩画")  # 漂亮 is beauty, not 亮 (bright)
    assert (pretty.style, pretty.brightness, pretty.softness) == ("watercolor", 0.0, 0.3)
    assert parse_prompt("pinkish inkwell").words == ()


def test_vocabulary_docstring_is_the_parser_table() -> None:
    doc = vocab.__doc__ or ""
    for term in vocab.VOCABULARY:
        assert f"| {term.key} | {term.kind} | {', '.join(term.en)} |" in doc
        assert all(word in doc for word in term.zh)


def test_blocklist() -> None:
    for text in ("a NUDE portrait", "裸体照片", "portrait, gore"):
        with pytest.raises(TextRejected) as err:
            check_prompt(text, DEFAULT_BLOCKLIST)
        assert err.value.field == "positive_prompt" and err.value.code == \
            "content.text_rejected"
    check_prompt("denuded trees, pornographer-free", DEFAULT_BLOCKLIST)
    check_prompt("a nude portrait", ())
    with pytest.raises(TextRejected):
        check_prompt("Bad Word here", ["bad word"])


def test_restyle_checks_the_prompt(face: np.ndarray) -> None:
    with pytest.raises(TextRejected):
        restyle([face], RestyleParams(positive_prompt="nsfw anime"))


# --- pictures -----------------------------------------------------------------------------

def test_framing_centres_the_face(face: np.ndarray) -> None:
    r = restyle([face], RestyleParams(face_index=0, seed=5, width=800, height=1200))
    assert r.image.shape == (1200, 800, 3) and r.image.dtype == np.uint8
    found = detect_faces(r.image, 2)
    assert len(found) == 1
    x, _y, w, h = found[0].box.as_ints()
    assert abs((x + w / 2) - 400) < 0.03 * 800
    eyes = found[0].landmarks[[33, 133, 362, 263], 1].mean()
    assert abs(eyes / 1200 - 0.40) < 0.03
    assert 0.35 <= h / 1200 <= 0.45
    assert r.report["face_box"] is not None and r.report["frame"]["padded"] > 0.1


def test_no_face_image_frames_the_first_image() -> None:
    ramp = np.linspace(0, 255, 300, dtype=np.float32)
    img = np.stack([np.tile(ramp, (200, 1)), np.full((200, 300), 90.0),
                    np.tile(ramp[::-1], (200, 1))], -1).astype(np.uint8)
    r = restyle([img], RestyleParams(seed=1, width=600, height=900))
    assert r.image.shape == (900, 600, 3) and r.report["face_box"] is None
    assert r.report["frame"]["padded"] == 0.0
    with pytest.raises(NoFaceDetected) as err:
        restyle([img], RestyleParams(face_index=0, face_switch=True))
    assert err.value.field == "face_image"


def test_seed_decides_the_bytes(face: np.ndarray) -> None:
    p = RestyleParams(positive_prompt="watercolor, warm", face_index=0, seed=42, width=600,
                      height=600)
    a, b = restyle([face], p), restyle([face], p)
    assert a.image.tobytes() == b.image.tobytes() and a.report["seed"] == 42
    c = restyle([face], RestyleParams(positive_prompt="watercolor, warm", face_index=0,
                                      seed=43, width=600, height=600))
    assert float(np.abs(a.image.astype(int) - c.image.astype(int)).mean()) > 0.5
    free = restyle([face], RestyleParams(seed=-1, width=600, height=600))
    again = restyle([face], RestyleParams(seed=free.report["seed"], width=600, height=600))
    assert free.report["seed"] >= 0 and free.image.tobytes() == again.image.tobytes()


def test_face_switch_keeps_identity(face: np.ndarray) -> None:
    other = load("andy_kim__bioguide_earlier_2.jpg")
    ref = embedding(other, detect_faces(other, 1)[0].box)
    r = restyle([face], RestyleParams(positive_prompt="anime, vivid", face_index=0,
                                      face_switch=True, seed=3))
    found = detect_faces(r.image, 1)
    assert r.report["switches"]["face"] is True and r.report["look"] == "anime"
    assert distance(embedding(r.image, found[0].box), ref) < 0.5


def test_style_switch_halves_the_colour_distance(face: np.ndarray, style: np.ndarray) -> None:
    r = restyle([face, style], RestyleParams(face_index=0, style_index=1, face_switch=True,
                                             style_switch=True, seed=9))
    before = colour_hist_distance(face, style)
    after = colour_hist_distance(r.image, style)
    assert r.report["look"] == "style_image" and r.report["strengths"]["line_art"] > 0.5
    assert before > 0.5 and after <= before / 2
    assert colour_hist_distance(style, style) == pytest.approx(0.0, abs=1e-6)


def test_step_and_cfg_move_the_picture_toward_the_look(face: np.ndarray) -> None:
    def run(**kw: object) -> np.ndarray:
        p = RestyleParams(positive_prompt="anime", face_index=0, seed=2, width=600,
                          height=600, **kw)
        return np.asarray(restyle([face], p).image, np.int16)

    photo = frame_portrait(face, (600, 600), find_face(face)).image.astype(np.int16)
    knobs: dict[str, dict[str, object]] = {"cfg1": {"cfg": 1.0}, "step1": {"step": 1},
                                           "native": {}}
    gap = {k: float(np.abs(run(**v) - photo).mean()) for k, v in knobs.items()}
    assert gap["cfg1"] < 0.6 * gap["native"] and gap["step1"] < 0.75 * gap["native"]


def test_hyper_paints_small_and_ignores_step_and_cfg(face: np.ndarray) -> None:
    r = restyle([face], RestyleParams(face_index=0, face_switch=True, hyper_switch=True,
                                      step=50, cfg=20, seed=1, width=1500, height=1000))
    assert r.image.shape == (1000, 1500, 3)
    assert r.report["frame"]["paint_size"] == [640, 427]
    assert (r.report["strengths"]["step"], r.report["strengths"]["cfg"]) == (18, 4.5)
    x, _, w, _ = r.report["face_box"]
    assert abs(x + w / 2 - 750) < 0.03 * 1500


def test_bright_colours_means_vivid_not_brighter() -> None:
    from portrait_studio.pipelines.restyle import parse_prompt

    plan = parse_prompt("anime, bright colours")
    assert (plan.style, plan.saturation, plan.brightness) == ("anime", 0.6, 0.0)
