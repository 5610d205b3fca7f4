"""Try-on, a short-sleeved top on crossed arms in a suit (Biden in the FILA T-shirt, at
768x1024): his forearms cross his chest above the row the torso's arm cut started at (0.3
torso lengths below the shoulders; his torso is long), so the T-shirt was laid over them
and only his hand with the watch floated on its print. The forearms past the elbows are
cut out of a torso layer now (:func:`.dress.arm_cut`), and a covered arm is painted as a
whole arm (the other hand's fingers by his left elbow were taken for the real arm below
the sleeve's hem and a stub was painted by the sleeve). Numbers before the fix in the docstring."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.reveal import limb_chains, limb_zones
from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import body, dressed, needs_corpus, photo

SIZE = (768, 1024)
FILA = "vitonhd_00126_00"


@needs_corpus
def test_crossed_forearms_are_painted_below_short_sleeves() -> None:
    """Pixels within Lab 20 of his hands' median colour in each arm zone past the elbow
    (not the hands): image-left arm 844 of 20761, image-right 746 of 14603; now 15318
    and 6129."""
    found = body("joe_biden", SIZE)
    lab = rgb_to_lab(photo("joe_biden", SIZE))
    ref = np.median(lab[found.hands & found.skin], axis=0)
    out = rgb_to_lab(dressed("joe_biden", FILA, SIZE).images[0])
    near = np.linalg.norm(out - ref, axis=2) < 20.0
    counts = []
    for zone, chain in zip(limb_zones(found, "arms"), limb_chains(found)["arms"], strict=True):
        fore = zone.inside & (zone.t > float(np.linalg.norm(chain[1] - chain[0])))
        counts.append(int((fore & ~found.hands & near).sum()))
    assert counts[0] > 10000 and counts[1] > 4000
