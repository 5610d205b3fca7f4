"""The inside back seen through a V neck or a placket (corpus garments: skipped without
the corpus): :func:`neckback.inside_back` takes it, label included, and leaves the front's
collar, bands and placket; between a cardigan's bands it takes the shaded tip above the
first button and the shadow along a band too, and the back collar's band behind the neck."""

from __future__ import annotations

from functools import cache

import numpy as np

from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.capabilities.garment.neckback import inside_back
from portrait_studio.capabilities.garment.render import clean_edge
from portrait_studio.capabilities.garment.shape import garment_shape
from tests.corpus import CORPUS, needs_corpus, read_rgb

POLO, CARDIGAN = "vitonhd_09176_00", "catvton_upper_21514384"


@cache
def _found(stem: str) -> np.ndarray:
    """The inside back found on the cut-out of the corpus garment ``stem`` (as
    :func:`layers.warp_layers` calls it)."""
    cut = cut_out(read_rgb(next((CORPUS / "garments").glob(stem + "*"))))
    shape = garment_shape(cut.mask, "top")
    neck = shape.points["neck"]
    return inside_back(cut.image, clean_edge(cut.mask), (float(neck[0]), float(neck[1])),
                       shape.torso_width)


@needs_corpus
def test_a_polos_placket_opening_shows_no_inside_back() -> None:
    found = _found(POLO)
    for x, y in ((306, 55), (306, 90), (306, 140), (290, 100)):   # label, inside back
        assert found[y, x], (x, y)
    for x, y in ((306, 175), (250, 80), (240, 110), (360, 110)):  # placket, collar, front
        assert not found[y, x], (x, y)
    assert 10000 < found.sum() < 17000


@needs_corpus
def test_a_cardigans_v_shows_no_inside_back_and_keeps_its_bands() -> None:
    found = _found(CARDIGAN)
    for x, y in ((492, 100), (492, 300), (492, 420), (420, 200)):   # label, grey back
        assert found[y, x], (x, y)
    for x, y in ((360, 40), (640, 40), (492, 560), (380, 200), (600, 300)):  # bands, front
        assert not found[y, x], (x, y)
    assert not found[600:].any()


@needs_corpus
def test_a_cardigans_v_shows_nothing_of_its_inside_between_the_bands() -> None:
    found = _found(CARDIGAN)
    # the dark tip above the first button (RGB ~ 49, 52, 57 and 34, 40, 40) and the shadow
    # along the right band (39, 40, 42): the gradient's smooth piece stopped short of them
    for x, y in ((505, 450), (505, 465), (507, 475), (530, 400), (535, 410)):
        assert found[y, x], (x, y)
    # the back collar's green band across the neck, between the front bands' tops
    for x, y in ((492, 30), (450, 40), (530, 40)):
        assert found[y, x], (x, y)
    rows = np.flatnonzero(found[:, 492])
    assert rows[0] <= 26 and rows[-1] >= 465
    assert 80000 < found.sum() < 90000
