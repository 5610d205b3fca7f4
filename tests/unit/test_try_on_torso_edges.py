"""Try-on: the outline of a new top's or dress's torso beside the arms and at the neck
(synthetic masks and the shared corpus)."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment import topline
from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.capabilities.garment.fragments import tidy
from portrait_studio.capabilities.garment.neckback import inside_back
from portrait_studio.capabilities.garment.reclaim import on_bones, reclaim
from portrait_studio.capabilities.garment.render import clean_edge
from portrait_studio.capabilities.garment.shape import garment_shape
from portrait_studio.capabilities.garment.spread import spread
from tests.corpus import CORPUS, dressed, needs_corpus, read_rgb

DRESS, FILA, DALMATIAN = "dresscode_053319_1", "vitonhd_00126_00", "vitonhd_03244_00"
SHAPE = (200, 200)


def _cut_layer() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(alpha, uncut, cut, arm): a torso layer x 40..160 over rows 20..180 whose arm zone
    (x 130..175, rows 80..180) was taken out of it; the arm as painted is x 150..170."""
    uncut = np.zeros(SHAPE, np.float32)
    uncut[20:180, 40:160] = 1.0
    cut = np.zeros(SHAPE, bool)
    cut[80:180, 130:175] = True
    alpha = uncut * ~cut
    arm = np.zeros(SHAPE, bool)
    arm[80:180, 150:170] = True
    return alpha, uncut, cut, arm


def test_reclaim_gives_the_layer_back_up_to_the_painted_arm() -> None:
    alpha, uncut, cut, arm = _cut_layer()
    out = reclaim(alpha, uncut, cut, arm)
    assert out[85:175, 130:148].min() >= 0.97      # the gap the zone cut is garment again
    assert out[85:175, 151:170].max() <= 0.5        # the arm stays in front
    assert out[85:175, 171:].max() == 0.0           # nothing beyond it
    np.testing.assert_array_equal(out[:78], alpha[:78])    # the rest as it was


def test_reclaim_leaves_pieces_not_joined_to_the_layer() -> None:
    alpha, uncut, cut, arm = _cut_layer()
    arm[80:180, 128:150] = True          # the arm drawn right against the layer's cut edge
    out = reclaim(alpha, uncut, cut, arm)
    assert out[85:175, 131:150].max() <= 0.5
    alpha[:, 100:] = 0.0                 # a layer that does not reach the cut at all
    out = reclaim(alpha, uncut, cut, np.zeros(SHAPE, bool))
    np.testing.assert_array_equal(out, alpha)


def test_on_bones_keeps_the_arms_skin_not_the_torsos_beside_it() -> None:
    skin = np.zeros(SHAPE, bool)
    skin[40:190, 20:60] = True           # the arm, its bone at x 40
    skin[40:190, 63:90] = True           # the torso's skin, past a 3 px strip of old top
    skin[100, 20:60] = False             # a crease across the arm
    chain = [np.array([40.0, 30.0], np.float32), np.array([40.0, 110.0], np.float32),
             np.array([40.0, 185.0], np.float32)]
    arm = on_bones(skin, [chain])
    assert arm[40:190, 20:60].sum() == skin[40:190, 20:60].sum()    # both halves
    assert not arm[:, 63:].any()


def _tshirt(back: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(image, mask) of a flat T-shirt cut-out: a red body (rows 20..300, x 60..340)
    whose crew neck shows the inside back in ``back`` colour below its collar top (x
    140..260: rows 20..23 the back collar's band, red; down to row 24 + a U of depth 30 at
    the centre)."""
    img = np.full((320, 400, 3), 255, np.uint8)
    mask = np.zeros((320, 400), bool)
    mask[20:300, 60:340] = True
    img[mask] = (190, 30, 45)
    xs = np.arange(140, 261)
    depth = np.round(30 * (1 - ((xs - 200) / 60.0) ** 2)).astype(int)
    for x, d in zip(xs, depth, strict=True):
        img[24:24 + d, x] = back
    return img, mask


def test_inside_back_is_found_below_a_crew_necks_collar() -> None:
    img, mask = _tshirt((90, 8, 16))
    found = inside_back(img, mask, (200.0, 20.0), 280.0)
    assert found[24:50, 198:203].all()               # the dark inside at the centre
    assert not found[60:, :].any()                   # the front below it stays
    assert not found[:, :135].any() and not found[:, 266:].any()   # the shoulders stay
    assert found.sum() > 2500


def test_a_black_tees_shaded_inside_back_and_its_label_are_found() -> None:
    """A black tee's inside back is only a shade darker than its front (11 against 23 RGB,
    under the colour rule's contrast), flecked with light heather and printed with the
    label: it was not found, and the label showed through the neckline on every person.
    The flecks and the label are taken off the grey before its shade is read."""
    img, mask = _tshirt((11, 11, 11))
    img[mask] = np.where(img[mask] == (190, 30, 45), 23, img[mask])
    rng = np.random.default_rng(0)
    inside = (img[..., 0] == 11) & mask
    img[inside & (rng.random(mask.shape) < 0.15)] = (70, 70, 70)     # the heather's flecks
    img[30:34, 175:225] = (210, 210, 210)                             # the printed label
    found = inside_back(img, mask, (200.0, 20.0), 280.0)
    assert found[24:50, 198:203].all() and found[30:34, 175:225].all()
    assert not found[60:, :].any()                   # the front below it stays
    assert not found[:, :135].any() and not found[:, 266:].any()
    assert found.sum() > 2500


def test_inside_back_of_the_fronts_colour_or_a_print_is_not_taken() -> None:
    img, mask = _tshirt((190, 30, 45))               # no inside back seen
    assert not inside_back(img, mask, (200.0, 20.0), 280.0).any()
    rng = np.random.default_rng(0)
    noisy = img.copy()
    spots = rng.random(mask.shape) < 0.3             # a fine dark print all over the front
    noisy[spots & mask] = (40, 40, 40)
    assert not inside_back(noisy, mask, (200.0, 20.0), 280.0).any()


def test_tidy_drops_loose_bits_and_tongues_but_not_tall_strips() -> None:
    base = np.zeros(SHAPE, np.float32)
    base[20:180, 40:120] = 1.0
    alpha = base.copy()
    alpha[60:100, 136:140] = 1.0        # a flap beside the layer, not joined to it
    alpha[130:134, 120:150] = 1.0       # a tongue 4 rows tall
    alpha[40:170, 120:130] = 1.0        # a tall strip along the side (a gap covered)
    out = tidy(alpha, base, 200.0, np.zeros(SHAPE, bool))
    assert out[60:100, 136:140].max() == 0.0
    assert out[130:134, 131:150].max() == 0.0
    assert out[40:170, 120:130].min() == 1.0
    keep = np.zeros(SHAPE, bool)
    keep[120:140, 130:160] = True       # near the hair: a bit between strands stays
    assert tidy(alpha, base, 200.0, keep)[130:134, 131:150].min() == 1.0


def test_spread_runs_the_fabric_on_over_the_gap_not_mirrored() -> None:
    rgb = np.zeros((*SHAPE, 3), np.float32)
    rgb[..., 0] = np.arange(SHAPE[1], dtype=np.float32)[None, :]   # red rises to the right
    alpha = np.zeros(SHAPE, np.float32)
    alpha[:, :100] = 1.0
    ext = np.zeros(SHAPE, bool)
    ext[60:140, 100:112] = True
    ext[100, 100:125] = True            # one row of the arm's outline further out
    out = spread(rgb, alpha, ext, 200.0)
    assert out[61:139, 100:111].min() >= 0.97
    assert out[62:138, 111].min() >= 0.5                  # its soft outer edge
    assert out[100, 114:125].max() < 0.5                  # the far edge smoothed
    row = rgb[90, 40:112, 0]
    assert (np.diff(row) > 0).all()                       # runs on rising: not mirrored
    assert row[-1] < 100.0                                # the band's colours, stretched
    np.testing.assert_array_equal(rgb[20, :, 0], np.arange(SHAPE[1]))   # rows away stay


@needs_corpus
def test_dress_reaches_the_painted_arms_below_the_armpits() -> None:
    """The orange dress on 00055 (short purple sleeves before): the arm zones, wider than
    the arms painted there, cut the dress's sides below the armpit row: a white notch
    (420 light pixels, 2% orange) beside the left arm and a brown block (15% orange)
    beside the right one, the dress's side stepping in by 25 px. It now reaches the arms."""
    img = dressed("vitonhd_00055_00", DRESS).images[0].astype(np.int32)
    for y0, y1, x0, x1 in ((380, 430, 212, 236), (380, 455, 476, 498)):
        box = img[y0:y1, x0:x1]
        orange = (box[..., 0] > 170) & (box[..., 1] < 150) & (box[..., 2] < 110)
        assert orange.mean() > 0.5, (x0, x1)
        assert (box.min(axis=-1) > 190).sum() <= 10, (x0, x1)


def _mirror_likeness(img: np.ndarray, rows: tuple[int, int], cols: tuple[int, int]) -> float:
    """Median over the textured rows of the smallest mean RGB difference between the 10 px
    left and right of a column of ``cols``: about 1 where the rows are mirrored there."""
    out = img.astype(np.float32)
    best = [min(float(np.abs(out[y, e - 10:e][::-1] - out[y, e + 1:e + 11]).mean())
                for e in range(*cols)) for y in range(*rows)
            if out[y, cols[0] - 10:cols[1] + 10].std(axis=0).mean() > 20]
    return float(np.median(best))


@needs_corpus
def test_dress_side_beside_a_bare_arm_is_not_a_mirrored_print() -> None:
    """The dress stretched over the gap to 09597's bare right arm got its cabbages
    mirrored there, reversed leaves in blocks along its side (mirror likeness 0.7); its
    fabric is now spread over the gap (7.2)."""
    img = dressed("vitonhd_09597_00", DRESS).images[0]
    assert _mirror_likeness(img, (430, 560), (470, 500)) > 3.0


@needs_corpus
def test_crew_necks_inside_back_is_not_laid_on_the_neck() -> None:
    """The FILA shirt's photo shows the dark inside of its back through the neckline; laid
    on 00055 it made a dark red band between her neck and the collar (2269 dark red
    pixels); the neck's skin shows there now."""
    g = read_rgb(next((CORPUS / "garments").glob(FILA + "*")))
    cut = cut_out(g)
    shape = garment_shape(cut.mask, "top")
    neck = shape.points["neck"]
    found = inside_back(cut.image, cut.mask, (float(neck[0]), float(neck[1])),
                        shape.torso_width)
    assert 3000 < found.sum() < 6000
    assert np.median(cut.image[found], axis=0)[0] < 130   # dark red, not the front's 187
    img = dressed("vitonhd_00055_00", FILA).images[0].astype(np.int32)
    box = img[250:300, 280:420]
    dark = (box[..., 0] > 50) & (box[..., 0] < 150) & (box[..., 1] < 45) & (box[..., 2] < 60)
    assert dark.sum() <= 200


@needs_corpus
def test_a_black_tees_inside_back_and_label_are_found() -> None:
    """The black dalmatian tee's inside back (9-15 RGB against the front's 23, flecked,
    with the brand's label printed on it) was not found: it and the label showed between
    the neck and the front collar on all 13 persons (4460 px on vitonhd_09597). It is now
    taken from the back collar's top down to the front collar, the label's light print
    whole, the collar band and the front below it left; the tee still counts as a crew
    neck (its collar drawn in round the neck)."""
    cut = cut_out(read_rgb(next((CORPUS / "garments").glob(DALMATIAN + "*"))))
    mask = clean_edge(cut.mask)
    shape = garment_shape(cut.mask, "top")
    neck = shape.points["neck"]
    found = inside_back(cut.image, mask, (float(neck[0]), float(neck[1])), shape.torso_width)
    assert 7000 < found.sum() < 11000
    assert found[31:85, 323].all()                   # the centre, label included
    light = (cv2.cvtColor(cut.image, cv2.COLOR_RGB2GRAY) > 120) & mask
    assert light[35:60, 250:400].sum() > 50 and found[35:60, 250:400][light[35:60, 250:400]].all()
    assert not found[95:].any()
    assert topline._round_neck(shape, found)
