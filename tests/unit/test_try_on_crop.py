"""Try-on for persons whose face is cut off by the photo's top edge (no face mesh: skin and
head come from the pose's mouth), and painted skin with the real skin's grain and no
straight cut toward the background. Corpus photos 768x1024; numbers before the fix are in
the docstrings."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.body import Body, analyse_body
from portrait_studio.capabilities.garment.pose import Pose
from portrait_studio.capabilities.garment.reveal import paint_skin
from tests import corpus
from tests.corpus import needs_corpus

MAN, WOMAN = "dresscode_049205_0", "dresscode_052767_0"
CAMI, FILA = "vitonhd_09133_00", "vitonhd_00126_00"
SIZE = (768, 1024)


def photo(stem: str) -> np.ndarray:
    return corpus.photo(stem, SIZE)


def body(stem: str) -> Body:
    return corpus.body(stem, SIZE)


def dressed(stem: str, garment: str) -> np.ndarray:
    return corpus.dressed(stem, garment, SIZE).images[0]


def delta_e(a: np.ndarray, b: np.ndarray) -> float:
    lab = cv2.cvtColor(np.array([[a, b]], np.float32) / 255, cv2.COLOR_RGB2Lab)[0]
    return float(np.linalg.norm(lab[0] - lab[1]))


@needs_corpus
def test_cut_off_face_still_gives_a_skin_model_of_the_real_skin() -> None:
    """No face mesh on either crop: skin was empty and skin_rgb the default (205, 160, 135).
    The model fitted around the mouth matches the real neck's colour."""
    for stem, neck in ((MAN, np.s_[70:90, 380:400]), (WOMAN, np.s_[60:90, 370:400])):
        b, img = body(stem), photo(stem)
        assert delta_e(b.skin_rgb, img[neck].reshape(-1, 3).mean(0)) < 8.0
        assert b.skin[neck].mean() > 0.8


@needs_corpus
def test_bare_forearms_and_neck_of_a_cut_off_face_are_skin_not_old_top() -> None:
    """The man's bare forearms and neck were all old top (skin 0 px) and got repainted."""
    b = body(MAN)
    for box in (np.s_[300:420, 262:282], np.s_[280:420, 516:536], np.s_[70:90, 380:400]):
        assert b.skin[box].mean() > 0.9
        assert b.old_top[box].mean() < 0.06


@needs_corpus
def test_hair_beside_a_cut_off_face_is_head() -> None:
    """The woman's hair beside her neck was not protected (head empty) and counted as old
    clothing reaching the shoulders."""
    b = body(WOMAN)
    assert b.head[40:80, 325:340].mean() == 1.0
    assert b.clothes[40:80, 325:340].sum() == 0
    assert b.head[200:400].sum() == 0          # the dress is not hair


@needs_corpus
def test_real_neck_and_forearms_stay_byte_identical_under_a_cami_and_a_t_shirt() -> None:
    """A flat skin rectangle was painted from the chin down over the real neck, and the
    man's forearms were repainted as flat columns."""
    man, woman = photo(MAN), photo(WOMAN)
    for garment in (CAMI, FILA):
        out = dressed(MAN, garment)
        for box in (np.s_[66:90, 386:404], np.s_[300:390, 264:276], np.s_[290:420, 518:534]):
            assert np.array_equal(out[box], man[box]), (garment, box)
        out = dressed(WOMAN, garment)
        for box in (np.s_[36:64, 350:420], np.s_[40:80, 325:340]):   # neck, hair
            assert np.array_equal(out[box], woman[box]), (garment, box)


@needs_corpus
def test_no_skin_model_when_even_the_mouth_is_out_of_frame() -> None:
    """Cut above the chin too: nothing to sample, so no skin or head (as before), no error."""
    b = analyse_body(np.ascontiguousarray(photo(MAN)[40:]))
    assert int(b.skin.sum()) == 0 and int(b.head.sum()) == 0


def _chest_scene(grain: float) -> tuple[np.ndarray, Body, np.ndarray]:
    """A 300x400 photo: a neck of skin with strong fine grain (std ``grain``) above a
    rectangular region to paint; the model body has the torso below."""
    h, w = 400, 300
    rng = np.random.default_rng(3)
    img = np.full((h, w, 3), 230, np.uint8)
    noise = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 0.6)
    noise *= grain / noise.std()
    skin = np.zeros((h, w), bool)
    skin[20:140, 90:210] = True
    tone = np.clip(np.array([200, 150, 125], np.float32) + noise[..., None], 0, 255)
    img[skin] = tone[skin].astype(np.uint8)
    person = np.zeros((h, w), bool)
    person[20:400, 40:260] = True
    pts = np.zeros((33, 2), np.float32)
    pts[11], pts[12], pts[23], pts[24] = (230, 150), (70, 150), (220, 390), (80, 390)
    none = np.zeros((h, w), bool)
    b = Body(Pose(pts, np.ones(33, np.float32)), person, skin, none, person & ~skin, 390.0,
             np.array([200, 150, 125], np.float32), none, none, none, none)
    region = np.zeros((h, w), bool)
    region[140:260, 90:210] = True
    return img, b, region


def _detail(img: np.ndarray) -> np.ndarray:
    grey = img.mean(axis=2).astype(np.float32)
    return np.asarray(grey - cv2.GaussianBlur(grey, (0, 0), 1.5))


def test_painted_skin_carries_the_real_skins_grain() -> None:
    """Fine texture of the painting within a factor 1.5 of the real skin's: the old noise
    grain was capped at std 4 (ratio 0.4 against this skin)."""
    img, b, region = _chest_scene(9.0)
    rel = np.full(region.shape, np.inf, np.float32)
    rgb, alpha = paint_skin(img, b, region, b.skin, rel, np.random.default_rng(0))
    real = float(_detail(img)[30:130, 100:200].std())
    painted = float(_detail(np.clip(rgb, 0, 255))[150:250, 100:200].std())
    assert 1 / 1.5 < painted / real < 1.5
    assert alpha[150:250, 100:200].min() > 0.99


def test_painted_skin_has_no_straight_cut_toward_the_background() -> None:
    """Beside the background painted into the old clothing (right of the region) the
    painted skin's edge is uneven and soft: no column of its outline runs straight for
    more than 20 px (it was one straight 120 px cut), and its alpha falls over >= 2 px."""
    img, b, region = _chest_scene(4.0)
    backdrop = np.zeros(region.shape, bool)
    backdrop[140:260, 210:260] = True
    rel = np.full(region.shape, np.inf, np.float32)
    _, alpha = paint_skin(img, b, region, b.skin, rel, np.random.default_rng(0), backdrop)
    solid = alpha[150:250] > 0.5
    edge_x = np.array([np.flatnonzero(row).max() for row in solid])
    runs = np.diff(np.flatnonzero(np.diff(np.r_[-1, edge_x, -1]) != 0))
    assert runs.max() <= 20
    assert len(np.unique(edge_x)) >= 3
    ramp = alpha[200, 195:212]
    assert int(((ramp > 0.05) & (ramp < 0.95)).sum()) >= 2
    assert alpha[200, 150] > 0.99 and alpha[145, 150] > 0.99    # against real skin: full
