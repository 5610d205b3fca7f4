"""Try-on garment outlines: no light rim from the product photo's background, no halo of
the old clothing round what stays in front (hands), no specks of old clothing the parsing
missed on the garment's edge (synthetic images and the shared corpus)."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.sidecover import continued
from portrait_studio.capabilities.garment.unmix import swap_rims, unmix_rim
from tests.corpus import body, dressed, needs_corpus, photo

SIZE = (768, 1024)                  # the benchmark's size
PERSON = "vitonhd_09597_00"         # dark skin, black halter top, beige trousers
FILA, TROUSERS = "vitonhd_00126_00", "dresscode_051991_1"
DRESS = "dresscode_053319_1"
RED = np.array([200, 30, 50], np.float32)
NAVY = np.array([20, 50, 85], np.float32)
BEIGE = np.array([230, 215, 200], np.float32)
BROWN = np.array([120, 70, 50], np.float32)


def _disc(shape: tuple[int, int], radius: float, blur: float = 0.0) -> np.ndarray:
    """HxW float32 coverage of a disc in the middle, anti-aliased (drawn at 4x, averaged
    down) and optionally blurred (an out-of-focus outline)."""
    h, w = shape
    ys, xs = np.mgrid[0:4 * h, 0:4 * w]
    big = (np.hypot(xs - 2 * w + 0.5, ys - 2 * h + 0.5) < 4 * radius).astype(np.float32)
    cover = np.asarray(cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA), np.float32)
    return np.asarray(cv2.GaussianBlur(cover, (0, 0), blur), np.float32) if blur else cover


def _mixed(cover: np.ndarray, fg: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """HxWx3 uint8: ``fg`` over ``bg`` (RGB) with the coverage ``cover`` (HxW)."""
    mix = cover[..., None] * fg + (1 - cover[..., None]) * bg
    out: np.ndarray = np.clip(mix + 0.5, 0, 255).astype(np.uint8)
    return out


def _light(img: np.ndarray, level: int = 170) -> np.ndarray:
    """Pixels lighter than ``level`` in every channel (product-photo white, beige)."""
    out: np.ndarray = img.min(axis=-1) >= level
    return out


def test_unmix_rim_takes_the_white_background_out_of_a_cut_outs_rim() -> None:
    """A red garment on white with a mask reaching into its anti-aliased rim (as the
    cut-out's does): the rim was light (it drew a dotted white outline); now every mask
    pixel is red, the middle untouched. A white garment on white keeps its rim."""
    cover = _disc((120, 120), 40.0, blur=0.7)
    mask = cover > 0.1
    img = _mixed(cover, RED, np.array([245, 245, 245], np.float32))
    assert _light(img[mask], 120).sum() > 30                    # the rim as cut out
    out = unmix_rim(img, mask)
    assert _light(out[mask], 120).sum() == 0
    assert np.abs(out[mask].astype(np.float32) - RED).max() < 40
    inner = cover > 0.999
    assert np.array_equal(out[inner], img[inner])
    white = _mixed(cover, np.array([250, 250, 250], np.float32), np.full(3, 245, np.float32))
    assert np.array_equal(unmix_rim(white, mask), white)


def _hand_on_old_clothes() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(photo, dressed, garment alpha, hand mask): a brown hand with a soft 2 px outline
    on beige old clothing; its mask 2 px wider than it; new navy trousers drawn round it
    behind a 1.5 px feather, as :func:`dress.dress` does."""
    cover = _disc((120, 120), 30.0, blur=1.2)
    img = _mixed(cover, BROWN, BEIGE)
    hand = cv2.dilate((cover > 0.5).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    alpha = (1 - cv2.GaussianBlur(hand.astype(np.float32), (0, 0), 0.75)) * ~hand
    out = _mixed(alpha.astype(np.float32), NAVY, img.astype(np.float32))
    return img, out, alpha.astype(np.float32), hand


def test_swap_rims_puts_the_new_garment_in_a_hands_outline() -> None:
    """The hand's outline mixed with the old beige trousers drew a beige halo on the new
    navy ones; now the beige share is navy. The hand's middle is untouched, and with no
    old clothing beside it (a bare arm going on beyond a sleeve) nothing changes."""
    img, out, alpha, hand = _hand_on_old_clothes()
    none = np.zeros(hand.shape, bool)
    ring = cv2.dilate(hand.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert _light(out[ring & (alpha < 0.5)]).sum() > 100     # the halo
    swapped = swap_rims(img, out, none, alpha, ~hand, none)
    assert _light(swapped[ring]).sum() == 0
    core = cv2.erode(hand.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0
    assert np.array_equal(swapped[core], img[core])
    assert np.array_equal(swap_rims(img, out, none, alpha, none, none), out)
    fixed = swap_rims(img, out, none, alpha, ~hand, hand)        # the face and hair stay
    assert np.array_equal(fixed[hand], out[hand])


def _near_white_rim(out: np.ndarray, drawn: np.ndarray) -> int:
    """Light pixels in the 2 px band inside the drawn garment's outline, away (7 px) from
    the garment's own light parts (FILA's white band)."""
    c = drawn.astype(np.uint8)
    band = drawn & ~(cv2.erode(c, np.ones((5, 5), np.uint8)) > 0)
    inner = cv2.erode(c, np.ones((9, 9), np.uint8)) > 0
    own = cv2.dilate((_light(out, 185) & inner).astype(np.uint8), np.ones((15, 15), np.uint8))
    return int((band & _light(out, 185) & (own == 0)).sum())


@needs_corpus
def test_no_white_outline_along_the_garments() -> None:
    """The FILA T-shirt and the navy trousers on a dark-skinned person: the cut-out's rim
    drew white streaks and specks along the sleeves and the trouser legs (109 and 78 light
    pixels in the outline's band)."""
    for garment in (FILA, TROUSERS):
        result = dressed(PERSON, garment, SIZE)
        assert _near_white_rim(result.images[0], result.garment_masks[0]) <= 10, garment


@needs_corpus
def test_no_beige_halo_round_the_hand_on_new_trousers() -> None:
    """The hand's mask (2 px wider than the hand) kept the old beige trousers in front of
    the new navy ones: 168 light pixels round the hand; now none."""
    result, b = dressed(PERSON, TROUSERS, SIZE), body(PERSON, SIZE)
    drawn = result.garment_masks[0]
    near = cv2.dilate(drawn.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    halo = b.hands & ~drawn & near & _light(result.images[0])
    assert halo.sum() <= 10


@needs_corpus
def test_no_old_clothing_specks_on_the_trousers_edge() -> None:
    """Specks of the old trousers' side piping beside the hand were taken for the arm and
    kept in front of the new trousers (24 light pixels in holes of the drawn trousers)."""
    result = dressed(PERSON, TROUSERS, SIZE)
    drawn = result.garment_masks[0].astype(np.uint8)
    holes = (cv2.morphologyEx(drawn, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8)) > 0) & \
        (drawn == 0)
    assert (holes & _light(result.images[0])).sum() <= 5


@needs_corpus
def test_sleeve_hides_the_arms_outline_beside_it() -> None:
    """The FILA sleeve, a few px narrower than the bare arm under it, left the arm's
    outline as a dark line between it and the background (54 dark pixels there); the
    sleeve now covers that sliver."""
    result, b = dressed(PERSON, FILA, SIZE), body(PERSON, SIZE)
    out, drawn = result.images[0], result.garment_masks[0]
    first = max(b.pose.p(11)[1], b.pose.p(12)[1])
    below = np.arange(drawn.shape[0])[:, None] > first

    def near(mask: np.ndarray, px: int) -> np.ndarray:
        kernel = np.ones((2 * px + 1, 2 * px + 1), np.uint8)
        grown: np.ndarray = cv2.dilate(mask.astype(np.uint8), kernel) > 0
        return grown

    background = _light(out, 200) & ~b.person
    dark = out.max(axis=-1) < 190
    line = ~drawn & near(drawn, 2) & near(background, 3) & dark & b.arms & ~b.hands & below
    assert line.sum() <= 20


@needs_corpus
def test_no_arm_strip_between_the_torso_and_its_sleeve() -> None:
    """The arm's zone, in front of the torso, reached past the FILA sleeve's inner edge:
    the arm painted in that 10 px gap showed as a brown strip beside the logo (1102 pixels
    of the drawn shirt's rows a 15 px closing fills); the torso now covers it."""
    drawn = dressed(PERSON, FILA, SIZE).garment_masks[0].astype(np.uint8)
    closed = cv2.morphologyEx(drawn, cv2.MORPH_CLOSE, np.ones((1, 15), np.uint8)) > 0
    assert (closed & (drawn == 0)).sum() <= 100


def _mirror_likeness(img: np.ndarray, rows: tuple[int, int], cols: tuple[int, int]) -> float:
    """Median over the textured rows of ``rows`` of the smallest mean RGB difference between
    the 10 px left and right of a column of ``cols``: about 2 where a row's colours are
    mirrored about a column there (a reversed copy of the print), far more otherwise."""
    out = img.astype(np.float32)
    best = []
    for y in range(*rows):
        if out[y, cols[0] - 10:cols[1] + 10].std(axis=0).mean() > 20:     # not plain
            best.append(min(float(np.abs(out[y, e - 10:e][::-1] - out[y, e + 1:e + 11]).mean())
                            for e in range(*cols)))
    return float(np.median(best))


@needs_corpus
def test_torso_gap_to_the_sleeve_continues_the_print() -> None:
    """The FILA torso stretched over the gap to its sleeve got its own colours mirrored
    there: the stripes and the logo's F (09597) or A (00055) reversed, a chevron before
    "FILA" (each row mirror-like: median difference 1.9 and 1.8); it now shows its own warp,
    the cut-out's fabric beyond the torso's cut line (13.6 and 4.8)."""
    for person, rows, cols in ((PERSON, (506, 624), (262, 292)),
                               ("vitonhd_00055_00", (457, 554), (484, 520))):
        img = dressed(person, FILA, SIZE).images[0]
        assert _mirror_likeness(img, rows, cols) > 4.0, person


@needs_corpus
def test_no_background_notch_under_the_sleeve() -> None:
    """Under the FILA sleeve the old top between the torso and the arm (whose shaded inner
    side the skin model missed) was painted as background: a light notch in the shirt's
    side down to its hem (1414 light pixels); the torso now reaches the arm there."""
    img = dressed(PERSON, FILA, SIZE).images[0]
    assert _light(img[624:690, 248:280], 200).sum() <= 20


def test_swap_rims_leaves_background_taken_for_old_clothing() -> None:
    """The parsing took the background between a forearm and a loose old top for the top;
    the new garment over it made its colour the "old clothing" and the background beside
    the arm (3 px) was swapped for the garment's navy (a dark flap beside the arm, 00055).
    With the person's mask, old clothing of the background's colour is none."""
    h, w = 40, 90
    img = np.empty((h, w, 3), np.uint8)
    img[:] = 221
    img[:, 42:50] = (225, 180, 150)                   # the forearm
    img[:, 62:] = (170, 150, 200)                     # the old top, 12 px of background before
    person = np.zeros((h, w), bool)
    person[:, 42:] = True
    old = np.zeros((h, w), bool)
    old[:, 50:] = True
    alpha = np.zeros((h, w), np.float32)
    alpha[:, 54:] = 1.0
    out = img.copy()
    out[:, 54:] = (30, 40, 70)
    none = np.zeros((h, w), bool)
    assert swap_rims(img, out, none, alpha, old, none)[:, 51:54].max() < 100   # the flap
    assert np.array_equal(swap_rims(img, out, none, alpha, old, none, person), out)


@needs_corpus
def test_no_dark_flap_beside_the_arm() -> None:
    """00055 in the FILA T-shirt: navy pixels more than 2 px off the drawn shirt where the
    photo shows the background (44 beside the arm; 2 left, by the jeans' button)."""
    result = dressed("vitonhd_00055_00", FILA, SIZE)
    photo_ = photo("vitonhd_00055_00", SIZE)
    far = cv2.dilate(result.garment_masks[0].astype(np.uint8), np.ones((5, 5), np.uint8)) == 0
    dark = far & _light(photo_, 205) & (result.images[0].max(axis=-1) < 150)
    assert dark.sum() <= 5


@needs_corpus
def test_no_light_slit_between_the_dress_and_the_arm() -> None:
    """The arms in front of a dress are taken wider than the arm (a capsule round the bone);
    the old clothing in the capsule beside a bare arm was painted as background: a light
    slit of 1-5 px between the orange dress and the forearm (09597: 400 light pixels beside
    both, model_1: 506); the dress now covers it up to the arm."""
    for person, most in ((PERSON, 250), ("model_1", 470)):
        result, b = dressed(person, DRESS, SIZE), body(person, SIZE)
        drawn = result.garment_masks[0].astype(np.uint8)
        beside = cv2.dilate(drawn, np.ones((7, 7), np.uint8)) > 0
        arm = (b.skin & b.arms & ~b.hands).astype(np.uint8)
        near_arm = cv2.dilate(arm, np.ones((7, 7), np.uint8)) > 0
        slit = ~drawn.astype(bool) & beside & near_arm & b.person & _light(result.images[0], 150)
        assert slit.sum() <= most, person


def _navy(img: np.ndarray) -> np.ndarray:
    """HxW bool: the FILA shirt's navy (blue over red by 25, no channel over 140)."""
    rgb = img.astype(np.int32)
    out: np.ndarray = (rgb[..., 2] > rgb[..., 0] + 25) & (rgb.max(axis=-1) < 140)
    return out


@needs_corpus
def test_no_reversed_letter_in_the_gap_below_the_sleeve() -> None:
    """01008 in the FILA T-shirt: the torso mirrored over the gap to the bare arm below the
    sleeve brought a reversed copy of the F's navy arm into the white band left of the logo
    (306 navy pixels in these rows and columns; the real F begins at column 247); the
    white goes on there now."""
    img = dressed("vitonhd_01008_00", FILA, SIZE).images[0]
    assert _navy(img[440:495, 190:240]).sum() <= 10
    assert _navy(img[440:495, 247:262]).sum() >= 100        # the F itself stays


def test_continued_leaves_out_a_mirrored_letter_and_keeps_stripes() -> None:
    """A row whose edge is white: a navy letter (and its blended outline) mirrored in gives
    way to the white; a red stripe's rows keep their mirrored red, and so does a white row
    a few rows below it where the stripe, meeting the edge aslant, is mirrored as a V; a
    row without known pixels keeps what it had."""
    rgb = np.full((9, 12, 3), 240.0, np.float32)
    rgb[1:3] = RED
    known = np.zeros((9, 12), bool)
    known[:8, 6:] = True
    fill = rgb.copy()
    fill[7, 1:3] = NAVY
    fill[7, 3] = (NAVY + 240.0) / 2                  # the letter's blended outline
    fill[1:3, :6] = RED + 10.0                        # the stripe, mirrored
    fill[4, :2] = RED                                 # the aslant stripe's V
    fill[8] = 7.0
    out = continued(rgb, fill, known)
    assert np.array_equal(out[7, :6], np.full((6, 3), 240.0, np.float32))
    assert np.array_equal(out[1:5, :6], fill[1:5, :6])
    assert np.array_equal(out[8], fill[8])
