"""A suit's jacket skirt below a new top's hem: the outfit is one colour, split at the
hips, and the jacket below them was taken for the old bottom and stayed as a block of
jacket under the new top (Obama, FILA T-shirt and cami). It is the old top's down to the
jacket's hem (where the clothing steps in to the trousers, ``split.jacket_skirt``): the
flaps beside the trousers get the background, the trousers are continued up between
them (``sideview.trousers_up``)."""

from __future__ import annotations

import numpy as np
import pytest

from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import body, dressed, needs_corpus, photo

SIZE = (768, 1024)


def _jacket_share(img: np.ndarray, ref: np.ndarray, rows: slice, cols: slice) -> float:
    """Share of the pixels of the box within Lab 12 of the jacket colour ``ref``."""
    lab = rgb_to_lab(np.ascontiguousarray(img[rows, cols]))
    return float((np.linalg.norm(lab - ref, axis=2) < 12).mean())


@needs_corpus
def test_jacket_skirt_is_old_top() -> None:
    """Obama's jacket below the hips (row 793) reaches row ~912, where the clothing steps
    in from columns 139-625 to the trousers' 189-593: its flaps are the old top now."""
    b = body("barack_obama", SIZE)
    assert b.skirt is not None
    assert b.old_top[830:900, 150:185].mean() > 0.95
    assert b.old_top[830:900, 598:618].mean() > 0.95
    assert not b.old_top[960:1000, 200:580].any()     # the trousers below it


@needs_corpus
@pytest.mark.parametrize("garment", ["vitonhd_00126_00", "vitonhd_09133_00"])
def test_no_jacket_below_the_new_hem(garment: str) -> None:
    """The jacket's flaps beside the trousers (rows 830-899, columns 150-184 and 598-617):
    97.7% jacket-coloured before, now none (at most 5%); between them the trousers are
    continued up (navy, over 95%; measured 99.9%), not the background."""
    src = photo("barack_obama", SIZE)
    ref = np.median(rgb_to_lab(np.ascontiguousarray(src[830:900, 150:185])).reshape(-1, 3),
                    axis=0)
    out = dressed("barack_obama", garment, SIZE).images[0]
    rows = slice(830, 900)
    assert _jacket_share(out, ref, rows, slice(150, 185)) <= 0.05
    assert _jacket_share(out, ref, rows, slice(598, 618)) <= 0.05
    assert _jacket_share(out, ref, rows, slice(200, 580)) > 0.95


BIDEN = (485, 1102)     # half the photo's size (its 970x2204 stretched to 768x1024 misplaces the pose)


@needs_corpus
def test_long_jacket_cut_on_one_side_is_old_top() -> None:
    """Biden's jacket reaches 0.6 torso lengths below the hips (row 769) to row ~1010, and
    only its right side steps in there (its left merges with the dark furniture at the
    photo's edge); its lit right side (columns 440-468) is out of the dark palette: the
    whole skirt with that side is the old top now, the trousers below it are not."""
    b = body("joe_biden", BIDEN)
    assert b.skirt is not None
    assert b.old_top[850:990, 440:468].mean() > 0.95      # the flare beside the right leg
    assert b.old_top[900:990, 330:420].mean() > 0.95      # the right front panel
    assert not b.old_top[1040:1100, 100:420].any()        # the trousers below the hem
    assert b.old_bottom[1040:1100, 100:420].mean() > 0.99


@needs_corpus
def test_no_long_jacket_below_the_new_hem() -> None:
    """Under the pink polo, Biden's jacket flare beside his right leg (rows 850-989, columns
    440-469) was 89% dark jacket, now backdrop (at most 5% dark); his right front panel
    (columns 330-419) takes the trousers' colour from below the hem (median RGB 3,2,9;
    the jacket's was 6,6,13)."""
    out = dressed("joe_biden", "vitonhd_09176_00", BIDEN).images[0].astype(np.float64)
    assert float((out[850:990, 440:470].mean(axis=2) < 70).mean()) <= 0.05
    panel = np.median(out[900:990, 330:420].reshape(-1, 3), axis=0)
    below = np.median(out[1040:1100, 330:420].reshape(-1, 3), axis=0)
    assert np.abs(panel - below).max() <= 1.0


@needs_corpus
def test_no_trousers_beside_the_new_hem() -> None:
    """The trousers continued up over Biden's jacket skirt (from the hips, row 769) stood
    as flat dark blocks beside the pink polo's slanted hem (rows 769-799, outside the
    polo's columns: 941 dark pixels; a dark notch, 99.7%, in its clipped right corner, rows
    770-785, columns 385-405): now the backdrop is there, and the trousers below the
    polo's hem stay (the front panel, rows 780-829, columns 250-369, under the hem)."""
    out = dressed("joe_biden", "vitonhd_09176_00", BIDEN).images[0].astype(np.int64)
    pink = (out[..., 0] > 140) & (out[..., 0] - out[..., 1] > 25)
    cols = np.nonzero(pink[740:768].sum(axis=0) >= 3)[0]
    dark = out.max(axis=2) < 70
    beside = np.ones(out.shape[1], bool)
    beside[cols.min():cols.max() + 1] = False
    assert int(dark[769:800][:, beside].sum()) == 0
    assert float(dark[770:786, 385:406].mean()) <= 0.05
    under = dark[780:830, 250:370] | pink[780:830, 250:370]
    assert float(under.mean()) > 0.95


OBAMA = (629, 1024)     # the photo at 1024 px height, its aspect kept


@needs_corpus
def test_no_light_line_under_a_stepped_hem() -> None:
    """The FILA tee's hem on Obama is stepped: its left half ends 3 rows above the jacket
    skirt's first row (742), its right half 2-3 rows below it. Those 3 rows under the
    higher half were taken for beside the hem (the backdrop) while the trousers were
    continued up below them: a light line (L* 70-100 between the navy tee and the
    trousers, 432 px in the 6 rows round each column's hem). Now the trousers reach up
    to the hem: light pixels (L* more than 30 over the trousers' below that column) in
    those rows, between the hem's ends, at most 20 (measured 0)."""
    result = dressed("barack_obama", "vitonhd_00126_00", OBAMA)
    drawn = result.garment_masks[0]
    light = rgb_to_lab(np.ascontiguousarray(result.images[0]))[..., 0]
    rows = np.arange(drawn.shape[0])[:, None]
    hem = np.where(drawn, rows, -1).max(axis=0)      # per column its lowest garment row
    cols = np.flatnonzero(hem >= hem.max() - 40)     # the torso's hem, not the sleeves'
    count = 0
    for x in range(int(cols.min()) + 2, int(cols.max()) - 1):
        y = int(hem[x])
        if y < hem.max() - 40:
            continue
        trousers = float(np.median(light[y + 6:y + 21, x]))
        count += int((light[y - 2:y + 4, x] > trousers + 30).sum())
    assert count <= 20
