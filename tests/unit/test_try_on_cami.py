"""The strappy top (the corpus's white button cami) and the skin it uncovers: the inside of
the back (label, back panel, back straps) dropped along the front's own neckline, not a
rectangle; the old clothing under the garment's soft edge not drawing a dark outline; a
white garment's lit parts keeping their weave; a black see-through top's content not
printed as shading; the real neck under a suit's collar kept, not painted flat."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.capabilities.garment.render import shaded, shading_parts
from portrait_studio.capabilities.garment.shape import centre_x
from portrait_studio.capabilities.garment.straps import drop_back
from portrait_studio.capabilities.garment.unmix import under_edges
from tests.corpus import CORPUS, dressed, needs_corpus, photo, read_rgb

FRONT = (230, 200, 200)
BACK = (205, 175, 175)


def _arc(x: np.ndarray) -> np.ndarray:
    """Row of the synthetic cami's front neckline at columns ``x``: 115 at the straps'
    inner edges (x 110, 290), 135 in the middle."""
    u = (x - 200.0) / 90.0
    return np.round(115 + 20 * (1 - u * u)).astype(int)


def cami_with_back() -> np.ndarray:
    """A pink cami on white (500x400): front straps x 80-109 and 290-319 from row 20, the
    back's straps (darker) seen beside them (x 110-124 and 275-289, rows 40-100), the inside
    back (darker, black label x 180-220 rows 105-119) between them from row 100, the front
    below a curved neckline (:func:`_arc`) down to row 480."""
    img = np.full((500, 400, 3), 255, np.uint8)
    cv2.rectangle(img, (80, 20), (109, 130), FRONT, -1)
    cv2.rectangle(img, (290, 20), (319, 130), FRONT, -1)
    cv2.rectangle(img, (110, 40), (124, 100), BACK, -1)
    cv2.rectangle(img, (275, 40), (289, 100), BACK, -1)
    cv2.rectangle(img, (110, 100), (289, 140), BACK, -1)
    cv2.rectangle(img, (180, 105), (220, 119), (20, 20, 20), -1)
    xs = np.arange(400)
    top = np.full(400, 120)
    top[110:290] = _arc(xs[110:290])
    for x in range(60, 341):
        img[top[x]:480, x] = FRONT
    return img


def test_back_dropped_along_the_front_neckline_and_back_straps() -> None:
    """The inside back was dropped as one rectangle down to 0.08 of the width below the gap
    (row 132): the front's curved neckline lost its corners (rows 115..132 by the straps)
    and the back showed under its middle (rows 132..135); the back's straps stayed beside
    the front's, widening them. Now every column is cut where the front begins."""
    img = cami_with_back()
    mask: np.ndarray = np.asarray((img < 250).any(axis=2), bool)
    front = drop_back(img, mask, centre_x(mask))
    assert not front[60, 111:124].any() and not front[60, 276:289].any()   # back straps
    assert front[60, 80:110].all() and front[60, 290:320].all()            # front straps
    for x in range(115, 286, 5):
        y = int(_arc(np.array([x]))[0])
        assert not front[100:y - 1, x].any(), x            # the back above the neckline
        assert front[y + 1:y + 12, x].all(), x             # the front below it
    assert not (front & (img < 60).all(axis=2)).any()     # the label


@needs_corpus
def test_corpus_cami_keeps_its_neckline_ruffle_and_drops_the_back_straps() -> None:
    """On the product photo's cut-out (908x580): the ruffle of the front's neckline beside
    the left strap (x 135..144, rows 190..214) was cut away by the rectangle; the grey
    back strap seen inside each front strap (row 120: x 85..104 and 425..449) stayed."""
    cut = cut_out(read_rgb(CORPUS / "garments" / "vitonhd_09133_00__white_button_cami.jpg"))
    assert cut.mask.shape == (908, 580)
    front = drop_back(cut.image, cut.mask, centre_x(cut.mask))
    assert cut.mask[190:215, 135:145].all() and front[190:215, 135:145].all()
    assert cut.mask[120, 85:105].all() and not front[120, 85:105].any()
    assert cut.mask[120, 425:450].all() and not front[120, 425:450].any()
    assert front[120, 35:70].all() and front[120, 470:500].all()    # the front straps


def test_old_clothing_under_the_garments_soft_edge_takes_the_painted_colour() -> None:
    """A white garment (x >= 20) over a black old top, skin painted where it is uncovered
    (x < 20): its anti-aliased edge (alpha 0.6, 0.9 at x 20, 21) mixed in the black top (a
    dark outline, 153 and 230 grey); it now mixes in the skin beside it."""
    img = np.full((40, 40, 3), 10, np.uint8)
    alpha = np.zeros((40, 40), np.float32)
    alpha[:, 20], alpha[:, 21], alpha[:, 22:] = 0.6, 0.9, 1.0
    skin = np.array([200.0, 150.0, 120.0], np.float32)
    canvas = np.where((np.arange(40) < 20)[None, :, None], skin, 10.0).astype(np.float32)
    out = np.clip(canvas * (1 - alpha[..., None]) + 250.0 * alpha[..., None] + 0.5, 0,
                  255).astype(np.uint8)
    painted = np.zeros((40, 40), bool)
    painted[:, :20] = True
    old = np.ones((40, 40), bool)
    assert out[20, 20].tolist() == [154, 154, 154]
    fixed = under_edges(img, out, painted, alpha, old)
    for x, a in ((20, 0.6), (21, 0.9)):
        want = a * 250.0 + (1 - a) * skin
        assert np.abs(fixed[20, x].astype(np.float32) - want).max() <= 1.5, (x, fixed[20, x])
    assert np.array_equal(fixed[:, :20], out[:, :20])       # the painting untouched
    assert np.array_equal(fixed[:, 22:], out[:, 22:])       # the solid garment untouched


def test_lit_white_fabric_keeps_its_weave() -> None:
    """Lit by 8% a white rib (244 and 238) clipped to blank 255 twice; now both stay under
    255, 3+ levels apart. Darkening is a plain product; a mid tone is lit as before."""
    rgb = np.array([[[244.0] * 3, [238.0] * 3, [128.0] * 3, [200.0] * 3]], np.float32)
    shade = np.array([[1.08, 1.08, 1.08, 0.9]], np.float32)
    out = shaded(rgb, shade)
    assert float(out[0, 0, 0]) < 254.0 and float(out[0, 0, 0] - out[0, 1, 0]) > 3.0
    assert abs(float(out[0, 2, 0]) - 128 * 1.08) < 1.0
    assert abs(float(out[0, 3, 0]) - 180.0) < 1e-3


def test_a_black_see_through_top_prints_no_shading_blotch() -> None:
    """A black top (L* ~8) with a lighter see-through patch (L* ~27) in its middle: the
    shading map brightened the new garment there by 6.8% over its corners (a blank white
    blotch on a white cami); now within 1%."""
    img = np.full((240, 240, 3), (24, 22, 24), np.uint8)
    cv2.ellipse(img, (120, 120), (40, 30), 0, 0, 360, (80, 58, 50), -1)
    light, folds = shading_parts(img, np.ones((240, 240), bool), 24.0)
    shade = light * folds
    assert abs(float(shade[120, 120] - shade[30, 30])) < 0.01
    assert float(shade.max() - shade.min()) < 0.03


@needs_corpus
def test_real_neck_under_a_suit_collar_is_kept() -> None:
    """Obama's neck between the chin and the shirt collar is darker and less saturated
    than his cheeks, so the body analysis takes it for the suit: under the cami it was
    painted as one flat slab (blurred luminance std 4.7 against the photo's 20.5,
    correlation 0.59). Now the photo's neck stays: its shading follows the photo."""
    person = photo("barack_obama")
    out = dressed("barack_obama", "vitonhd_09133_00").images[0]
    y0, y1, x0, x1 = 600, 650, 660, 760

    def lum(img: np.ndarray) -> np.ndarray:
        grey = np.asarray(img, np.float32).mean(axis=2)
        return np.asarray(cv2.GaussianBlur(grey, (0, 0), 3.0))[y0:y1, x0:x1].ravel()

    got, want = lum(out), lum(person)
    assert float(np.corrcoef(got, want)[0, 1]) > 0.8
    assert float(got.std()) > 0.45 * float(want.std())


@needs_corpus
def test_an_old_strap_beside_the_cami_strap_is_painted_over() -> None:
    """vitonhd_05997's black spaghetti strap (x ~496..504, rows 270..300) lies by the new
    strap: kept real skin around it must not keep the strap (a grey stroke, 118 levels)."""
    out = dressed("vitonhd_05997", "vitonhd_09133_00").images[0]
    for y, x in ((270, 504), (285, 500), (300, 496)):
        assert float(np.asarray(out[y, x - 2:x + 3], np.float32).mean()) > 180.0, (y, x)
