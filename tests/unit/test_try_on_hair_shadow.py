"""Try-on: the dark underside of hair falling on the shoulders stays in front of the new
garment. On 00055 (brown wavy hair ending above her left shoulder, a dark purple neckband
under it) the shadowed hair ends (L* 4-15 against the hair's median 33) were too far from
the hair's colour for the shoulder test, and the orange dress was drawn over them, leaving
dark islands of hair inside orange. Numbers before the fix in the docstrings."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.head import _hair_in_shadow
from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import body, dressed, needs_corpus, photo

PERSON = "vitonhd_00055"
DRESS = "dresscode_053319"
BOX = (slice(250, 295), slice(400, 515))   # her hair's ends over her left shoulder


def _hair_ends() -> np.ndarray:
    """HxW bool: the photo's dark warm pixels (L* < 45, a* > 2, b* > 3: hair, not the
    purple neckband, whose b* is below 0) in ``BOX``."""
    lab = rgb_to_lab(photo(PERSON))
    out = np.zeros(lab.shape[:2], bool)
    part = lab[BOX]
    out[BOX] = (part[..., 0] < 45) & (part[..., 1] > 2) & (part[..., 2] > 3)
    return out


@needs_corpus
def test_the_shadowed_hair_ends_are_head() -> None:
    """The head mask covers the hair ends (2305 px): 1800 -> 2171."""
    hair = _hair_ends()
    assert 2200 < hair.sum() < 2350
    assert int((body(PERSON).head & hair).sum()) > 2100


@needs_corpus
def test_no_orange_over_the_hair_ends() -> None:
    """Orange dress pixels inside the hair ends 430 -> 104 (the rest over the shaded neck
    in the neck column); hair ends unchanged (every channel within 12) 1800 -> 2171."""
    hair = _hair_ends()
    out = dressed(PERSON, DRESS).images[0].astype(np.int16)
    orange = (out[..., 0] > 180) & (out[..., 1] < 150) & (out[..., 2] < 90)
    assert int((orange & hair).sum()) < 200
    kept = np.abs(out - photo(PERSON)).max(axis=-1) <= 12
    assert int((kept & hair).sum()) > 2050


def test_hair_in_shadow_keeps_the_hair_hue() -> None:
    """Brown hair (Lab 33, 12, 21): its dark shades are hair in shadow; a dark purple
    neckband, a neutral black, a lighter colour and a shade close to the clothing's colour
    are not."""
    ref = np.array([33.0, 12.0, 21.0], np.float32)
    lab = np.array([[[6, 4, 4], [12, 8, 11], [20, 9, 15],            # hair in shadow
                     [13, 11, -11], [10, 0, 0], [50, 18, 30], [12, 8, 11]]], np.float32)
    cloth2 = np.full(lab.shape[:2], 1e6, np.float32)
    cloth2[0, 6] = 4.0          # the clothing is that brown itself
    got = _hair_in_shadow(lab, ref, cloth2)
    assert got[0].tolist() == [True, True, True, False, False, False, False]
