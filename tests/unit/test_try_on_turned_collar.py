"""A collar rising beside a turned head is not hair (corpus photo: skipped without the corpus).

The skier turns her head: her red jacket's collar rises beside it above the chin's row. Below
the chin it was taken out of the hair as a collar, but above that row it stayed hair, so the
head (always in front of a new garment) kept a red block of the old jacket beside her neck
under every new top. A synthetic head checks that the hair's soft rim (a blend of the hair
and the light backdrop) is not taken for such a collar."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.collar import collar_not_hair
from tests.corpus import body, dressed, jacket_red, needs_corpus, photo

NECK = (slice(75, 102), slice(372, 410))      # beside the skier's neck: her collar's top


@needs_corpus
def test_the_skiers_rising_collar_is_not_her_head() -> None:
    """Jacket-red pixels of the head beside her neck: 112 -> 11 (strands over it)."""
    found = body("skier_woman")
    red = jacket_red(photo("skier_woman"))[NECK]
    assert red.sum() > 200
    assert (found.head[NECK] & red).sum() <= 20


@needs_corpus
def test_no_red_collar_is_left_beside_her_neck() -> None:
    """Under the white cami nothing jacket-red stays beside her neck (112 -> 12 pixels);
    under the FILA T-shirt (red itself) 112 -> 12 of them are the photo's own pixels."""
    before = photo("skier_woman")[NECK]
    cami = dressed("skier_woman", "vitonhd_09133_00").images[0][NECK]
    assert jacket_red(cami).sum() <= 30
    fila = dressed("skier_woman", "vitonhd_00126_00").images[0][NECK]
    assert (np.all(fila == before, axis=2) & jacket_red(fila)).sum() <= 30


def _turned_head(collar: tuple[float, float, float]) -> tuple[np.ndarray, ...]:
    """(lab, hair, clothes, face, backdrop) of a synthetic 100x100 head: brown hair above
    the chin (row 60) and face skin on a light backdrop; beside the head, joined to the
    hair, a piece of Lab colour ``collar`` from row 45 down to the clothing (of the same
    colour) below row 75."""
    lab = np.zeros((100, 100, 3), np.float32)
    lab[...] = (95.0, 0.0, 2.0)                      # light backdrop
    hair = np.zeros((100, 100), bool)
    hair[5:60, 25:75] = True
    lab[5:60, 25:75] = (30.0, 10.0, 20.0)            # brown hair
    face = np.zeros((100, 100), bool)
    face[20:60, 35:65] = True
    lab[20:60, 35:65] = (70.0, 15.0, 20.0)           # face skin
    hair &= ~face
    hair[45:75, 65:80] = True
    lab[45:75, 65:80] = collar
    clothes = np.zeros((100, 100), bool)
    clothes[75:, 10:90] = True
    lab[75:, 10:90] = collar
    return lab, hair, clothes, face, ~hair & ~face & ~clothes


def test_a_collar_rising_above_the_chin_is_not_hair() -> None:
    """A red collar: taken out below the chin and, now, above it."""
    lab, hair, clothes, face, backdrop = _turned_head((30.0, 50.0, 30.0))
    out = collar_not_hair(lab, hair, (50.0, 60.0), 100.0, clothes, face, backdrop)
    assert out[60:75, 65:80].all()            # below the chin, as before
    assert out[45:60, 65:80].all()            # above the chin: the old code kept it hair
    assert not out[:45].any()
    assert not out[20:60, 35:65].any()        # the face


def test_the_hairs_soft_rim_is_no_rising_collar() -> None:
    """A blend of the hair and the light backdrop (00034's blonde rim): what lies below
    the chin is taken out as before, the rim above the chin stays hair."""
    lab, hair, clothes, face, backdrop = _turned_head((62.0, 5.0, 11.0))
    out = collar_not_hair(lab, hair, (50.0, 60.0), 100.0, clothes, face, backdrop)
    assert out[60:75, 65:80].all()
    assert not out[:60].any()
