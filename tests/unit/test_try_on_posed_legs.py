"""A dress over baggy trousers on bent legs apart (issue 7): the old trousers its hem leaves
showing are replaced by bare legs drawn from the pose (hip-knee-ankle, a leg's taper; the
trousers' outline is no leg's), toned like her face, the snow continued beside them, her
boots kept (:func:`.legskin.posed_legs`, :func:`.legskin.apart_legs`).

``skier_woman`` (corpus, CC BY: these tests skip without it; 640x425 at its own size, and
768x1024 as the bench and test_try_on_skirt.py resize it) skis with her legs apart in
black ski trousers, the image-left knee bent 63 degrees, navy ski boots. Her image-left
(back) foot is raised: its boot reaches up to its ankle joint's row, above her other
ankle's; the rows checked for trousers end 5 rows above that higher ankle joint.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from portrait_studio.capabilities.garment.body import Body
from portrait_studio.capabilities.garment.reveal import limb_chains
from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import below_hem, body, dressed, needs_corpus, photo

SKIER = "skier_woman"
MIDI = "dresscode_053319_1"
SHORT = "catvton_overall_21744571"
SIZE = (768, 1024)
Mask = NDArray[np.bool_]
Lab = NDArray[np.float32]


def _legs(garment: str, size: tuple[int, int] | None) -> tuple[Body, Mask, Mask, Lab, Lab,
                                                                Lab]:
    """(her body; the old bottom from 3 rows below the dress's hem down to 5 rows above
    her higher ankle joint (above both boots); its pixels within dE 10 of the trousers'
    median colour there in the photo; Lab of the result; the trousers' median Lab; her
    face's median Lab)."""
    b, result = body(SKIER, size), dressed(SKIER, garment, size)
    before, after = rgb_to_lab(photo(SKIER, size)), rgb_to_lab(result.images[0])
    region = below_hem(b, result.garment_masks[0])
    ankle = min(float(chain[2][1]) for chain in limb_chains(b)["legs"])
    region[int(ankle) - 5:] = False
    trousers = np.median(before[region], axis=0)
    was = region & (np.linalg.norm(before - trousers, axis=2) < 10)
    face = np.median(before[b.skin & b.head], axis=0)
    return b, region, was, after, trousers, face


@needs_corpus
@pytest.mark.parametrize(("garment", "size", "least"),
                         [(SHORT, None, 3000), (MIDI, SIZE, 2000), (SHORT, SIZE, 10000)])
def test_no_ski_trousers_left_above_her_boots(garment: str, size: tuple[int, int] | None,
                                              least: int) -> None:
    # old: her bent legs kept their trousers under the dress, from the hem to the boots
    # (3868 of 3875 px at her own size under the short dress; 2374 of 2423 and 12398 of
    # 12457 at 768x1024); now 0 (at her own size the midi's hem is below her raised
    # boot's top: no rows to check)
    _, _, was, after, trousers, _ = _legs(garment, size)
    assert was.sum() > least
    assert (np.linalg.norm(after - trousers, axis=2) < 10)[was].sum() < 30


@needs_corpus
@pytest.mark.parametrize("garment", [MIDI, SHORT])
def test_little_of_the_trousers_colour_left_below_the_hem(garment: str) -> None:
    # the whole old bottom from the hem down to the feet's row (her raised boot in it):
    # old 99.1% / 99.6% of its trouser-coloured pixels left so; now 9.3% / 3.2%, all of
    # them the boot's black sole, binding and heel piece
    b, result = body(SKIER, SIZE), dressed(SKIER, garment, SIZE)
    before, after = rgb_to_lab(photo(SKIER, SIZE)), rgb_to_lab(result.images[0])
    region = below_hem(b, result.garment_masks[0])
    trousers = np.median(before[region], axis=0)
    was = region & (np.linalg.norm(before - trousers, axis=2) < 10)
    assert was.sum() > 5000
    assert (np.linalg.norm(after - trousers, axis=2) < 10)[was].mean() < 0.15


@needs_corpus
@pytest.mark.parametrize("size", [None, SIZE])
def test_legs_toned_like_her_face_with_snow_beside(size: tuple[int, int] | None) -> None:
    # below the short dress: legs narrower than the baggy trousers (part of them skin,
    # toned like her face), the rest the snow continued from beside them (old: all black)
    b, region, was, after, _, face = _legs(SHORT, size)
    snow_at = ~b.person & (np.arange(b.person.shape[0])[:, None] > np.flatnonzero(
        region.any(axis=1))[0])
    snow = np.median(rgb_to_lab(photo(SKIER, size))[snow_at], axis=0)
    skin = was & (np.linalg.norm(after - face, axis=2) < 30)
    backdrop = was & (np.linalg.norm(after - snow, axis=2) < 12)
    assert 0.3 < skin.sum() / was.sum() < 0.85
    assert backdrop.sum() > 0.15 * was.sum()
    assert float(np.linalg.norm(np.median(after[skin], axis=0) - face)) < 9


@needs_corpus
@pytest.mark.parametrize("size", [None, SIZE])
def test_the_bent_leg_follows_its_shin(size: tuple[int, int] | None) -> None:
    # the image-left leg, bent 63 degrees at the knee, below the short dress: its shin
    # (the knee-ankle bone, a fifth to four fifths of the way down) is skin, in each of
    # those rows a leg's width (0.15-0.45 shoulder widths), not its trouser leg's
    # (0.6-0.8; old: all of it black trousers)
    b, _, _, after, _, face = _legs(SHORT, size)
    _, knee, ankle = limb_chains(b)["legs"][0]
    skin = np.linalg.norm(after - face, axis=2) < 30
    sw = b.pose.shoulder_width
    on = widths = 0
    for t in np.linspace(0.2, 0.8, 13):
        x, y = (round(float(v)) for v in knee + t * (ankle - knee))
        if not skin[y, x]:
            continue
        on += 1
        row = skin[y]
        left = x - int(np.argmin(row[x::-1]))       # the run of skin through the bone
        right = x + int(np.argmin(row[x:]))
        widths += int(0.15 * sw < right - left < 0.45 * sw)
    assert on >= 12
    assert widths >= 12
