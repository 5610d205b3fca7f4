"""A cami's straps are worn thin and its armholes scooped (garment/armhole.py): the product
photo's straps, as wide as the fabric lies flat and running straight into the body's side,
came out on the person as blocks a tenth of the shoulder width wide, their outer corner
pulled to the armpit."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from portrait_studio.capabilities.garment.armhole import THIN, thin_straps
from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.capabilities.garment.kinds import row_runs
from portrait_studio.capabilities.garment.shape import centre_x
from portrait_studio.capabilities.garment.straps import drop_back, find_straps
from tests.corpus import CORPUS, body, dressed, needs_corpus, read_rgb

SIZE = (768, 1024)


def _cami() -> tuple[np.ndarray, np.ndarray]:
    cut = cut_out(read_rgb(next((CORPUS / "garments").glob("vitonhd_09133_00*"))))
    return cut.image, drop_back(cut.image, cut.mask, centre_x(cut.mask))


@needs_corpus
def test_corpus_cami_straps_are_squeezed_toward_the_neckline() -> None:
    """The straps were 52 px of the 580 px cut-out (9%); squeezed to ``THIN`` (5.5%) toward
    their inner edges, which stay where they were; the body below the gap is untouched."""
    img, mask = _cami()
    before = find_straps(mask, centre_x(mask))
    new_img, new_mask = thin_straps(img, mask, centre_x(mask))
    after = find_straps(new_mask, centre_x(new_mask))
    assert before is not None and after is not None
    w = mask.shape[1]
    assert before.width > 0.085 * w
    assert after.width < 1.15 * THIN * w
    assert abs(after.left[1] - before.left[1]) <= 2 and abs(after.right[0] - before.right[0]) <= 2
    assert np.array_equal(new_mask[before.gap_y :], mask[before.gap_y :])
    assert np.array_equal(new_img[before.gap_y :], img[before.gap_y :])
    # the armhole's curve: over the straps' lowest rows the outer edge runs out to the side
    outer = [row_runs(new_mask[y])[0][0] for y in range(before.gap_y - 48, before.gap_y, 8)]
    assert all(a + 4 >= b for a, b in pairwise(outer))
    assert outer[0] - outer[-1] > 15


@needs_corpus
def test_cami_straps_on_the_person_are_thin() -> None:
    """On 01008 the straps crossing the shoulder line were 0.099 and 0.111 of the shoulder
    width wide; now under 0.075 (measured 0.057, 0.065)."""
    result = dressed("vitonhd_01008_00", "vitonhd_09133_00", SIZE)
    pose = body("vitonhd_01008_00", SIZE).pose
    sw = pose.shoulder_width
    y0 = float(pose.p(11)[1] + pose.p(12)[1]) / 2
    widths = []
    for y in range(int(y0 - 0.1 * sw), int(y0 + 0.1 * sw)):
        runs = [b - a for a, b in row_runs(result.garment_masks[0][y]) if b - a > 3]
        if len(runs) >= 2:
            widths.append((runs[0], runs[-1]))
    assert len(widths) > 30
    left, right = np.median(np.array(widths), axis=0) / sw
    assert left < 0.075 and right < 0.075
