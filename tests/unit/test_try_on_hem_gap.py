"""Try-on: the old top's hem left between a shorter new top's hem and the trousers is not
the backdrop: the trousers are continued up under it, or the midriff's skin beside it
(sideview.on_bottom / gap_up). 768x1024 corpus photos; numbers before the fix are in the
docstrings."""

from __future__ import annotations

import numpy as np

from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import dressed, needs_corpus

SIZE = (768, 1024)


@needs_corpus
def test_no_white_wedge_between_the_hem_and_black_trousers() -> None:
    """00034's pink top's curved hem lay on her black trousers below the FILA tee's
    hem: a white wedge of backdrop between the navy tee and the trousers (rows ~734-752).
    Pixels lighter than L* 50 in rows 730-760, x 405-455: 124 before, now 1."""
    out = dressed("vitonhd_00034_00", "vitonhd_00126_00", SIZE).images[0]
    light = rgb_to_lab(np.ascontiguousarray(out))[730:760, 405:455, 0]
    assert int((light > 50).sum()) <= 10


@needs_corpus
def test_midriff_skin_goes_on_over_the_hem_left_on_the_jeans() -> None:
    """05997's old top's hem left between the FILA tee's hem and the jeans' waistband,
    beside the midriff's painted skin: a light-grey wedge of backdrop (rows ~567-573).
    Light grey pixels (L* > 60, chroma < 8) in rows 562-578, x 440-482: 94 before, now 20
    (the tee's soft edge by the arm)."""
    out = dressed("vitonhd_05997_00", "vitonhd_00126_00", SIZE).images[0]
    lab = rgb_to_lab(np.ascontiguousarray(out))[562:578, 440:482]
    grey = (lab[..., 0] > 60) & (np.hypot(lab[..., 1], lab[..., 2]) < 8)
    assert int(grey.sum()) <= 35
