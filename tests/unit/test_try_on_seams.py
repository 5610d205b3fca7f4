"""Try-on seams on and beside the bare arms: the old top bulging over an arm's inner half,
the old sleeve's shadow below its hem, specks in the painted skin (synthetic masks and the
shared corpus)."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.armpaint import _hem_shadow
from portrait_studio.capabilities.garment.armside import _bridged, torso_side
from portrait_studio.capabilities.garment.skinholes import pinholes
from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import body, dressed, needs_corpus, photo
from tests.poses import frontal_pose

VANS, DRESS = "vitonhd_00055_00", "dresscode_053319_1"
SHAPE = (1000, 600)
CENTRE = np.array([300.0, 450.0], np.float32)


def test_bridged_fills_short_narrow_gaps_between_bare_stretches_only() -> None:
    flags = np.array([1] * 10 + [0] * 5 + [1] * 10, bool)
    narrow = np.ones(25, bool)
    assert _bridged(flags, narrow, 8.0).all()
    assert not _bridged(flags, narrow, 5.0)[10:15].any()        # too long a gap
    gappy = narrow.copy()
    gappy[12] = False                                            # no arm seen there
    assert not _bridged(flags, gappy, 8.0)[10:15].any()
    assert not _bridged(flags, narrow, 8.0, first=11)[10:15].any()   # over the shoulder
    lead = np.array([0] * 3 + [1] * 10, bool)
    assert not _bridged(lead, np.ones(13, bool), 8.0)[:3].any()     # no stretch before


def _bulging_top() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(skin, old top, bulge): the image-left upper arm (bone x 200 -> 180 over rows 300..450
    of :func:`frontal_pose`) 40 px wide and bare over rows 340..420 under a short sleeve,
    the top hugging its inner edge; over rows 365..395 the top bulges over the arm's inner
    half (20 px of arm seen: under the bare share of 24, over the narrow share of 12), so
    neither bare stretch (25 rows) is the 30 px a bare arm needs on its own."""
    ys, xs = np.mgrid[0:SHAPE[0], 0:SHAPE[1]]
    bone = 200.0 - 20.0 * (ys - 300) / 150.0
    arm = (xs >= bone - 20) & (xs < bone + 20)
    bulge = (ys >= 365) & (ys < 395) & (xs >= bone) & (xs < bone + 20)
    skin = arm & (ys >= 340) & (ys < 420) & ~bulge
    top = ((xs >= bone + 20) & (xs < 395) & (ys >= 330) & (ys < 700)) | bulge | \
        (arm & (ys >= 300) & (ys < 340))
    return skin, top, bulge


def test_top_bulging_over_a_bare_arms_inner_half_is_torso_side() -> None:
    """Before: the bulge and the top beside the arm stayed "sleeve" (painted as a thin
    strip of arm with background beside it); now they are the torso's side."""
    skin, top, bulge = _bulging_top()
    pose = frontal_pose()
    chain = [pose.p(12), pose.p(14), pose.p(16)]
    part = top & (np.arange(SHAPE[1])[None, :] < 240)
    drop, side = torso_side(part, skin, chain, CENTRE, pose.shoulder_width)
    assert drop[bulge].all() and side[bulge].all()
    beside = part & ~bulge & (np.arange(SHAPE[0])[:, None] >= 345) & \
        (np.arange(SHAPE[0])[:, None] < 415) & (np.arange(SHAPE[1])[None, :] < 230)
    assert side[beside].all()
    assert not drop[300:330].any()                   # the sleeve above stays a sleeve
    old, _ = torso_side(part, skin, chain, CENTRE, pose.shoulder_width, bridge=False)
    assert not old[bulge].any()                      # the previous behaviour


def test_hem_shadow_is_measured_until_the_arm_is_lit() -> None:
    rows = np.arange(40, dtype=np.float32)
    grey = 100.0 + 100.0 * np.minimum(rows / 10.0, 1.0)       # 10 px of shadow
    img = np.repeat(np.repeat(grey[:, None], 20, 1)[..., None], 3, 2).astype(np.uint8)
    ys, xs = np.nonzero(np.ones((40, 20), bool))
    u = ys.astype(np.float32)
    assert 8.0 <= _hem_shadow(img, (ys, xs), u, (3.0, 18.0)) <= 10.0
    lit = np.full_like(img, 200)
    assert _hem_shadow(lit, (ys, xs), u, (3.0, 18.0)) == 3.0
    slow = np.repeat(np.repeat((60.0 + 4.0 * rows)[:, None], 20, 1)[..., None], 3, 2)
    assert _hem_shadow(np.clip(slow, 0, 255).astype(np.uint8), (ys, xs), u,
                       (3.0, 12.0)) == 3.0           # lit only 18 px down: a gradient


def test_pinholes_inside_the_person_are_filled_not_gaps_or_big_holes() -> None:
    skin = np.zeros((100, 100), bool)
    skin[20:80, 20:80] = True
    skin[30, 30] = False                      # a speck
    skin[40:42, 50:52] = False                # 2x2
    skin[60:70, 60:70] = False                # 10x10: a real hole
    skin[50, 25] = False                      # a speck outside the person
    person = np.ones((100, 100), bool)
    person[45:55, 22:28] = False
    out = pinholes(skin, person, 200.0)       # holes under (0.02 x 200)^2 = 16 px
    assert out[30, 30] and out[40:42, 50:52].all()
    assert not out[60:70, 60:70].any() and not out[50, 25]
    assert int(out.sum()) == 5


def _lab(img: np.ndarray) -> np.ndarray:
    out: np.ndarray = rgb_to_lab(np.ascontiguousarray(img))
    return out


@needs_corpus
def test_no_background_between_the_dress_and_her_arm_below_the_old_sleeve() -> None:
    """Her right arm (x ~505..547 under the sleeve's hem at row ~470), rows 480..600: the
    lilac top bulging over its inner half was a sleeve, painted as a strip of arm with the
    background beside it. Background-coloured pixels inside her outline there: 1636 -> 204."""
    b = body(VANS)
    out = dressed(VANS, DRESS).images[0]
    bg = np.median(_lab(photo(VANS))[~b.person], axis=0)
    near_bg = np.linalg.norm(_lab(out) - bg, axis=2) < 6.0
    box = np.zeros(b.person.shape, bool)
    box[480:600, 480:560] = True
    assert int((near_bg & b.person & box).sum()) < 400


@needs_corpus
def test_arm_below_the_old_sleeve_is_as_wide_as_the_real_arm() -> None:
    """Rows 505..545 of her right arm: the run of painted/real skin left of its outer edge
    (not background, not the dress) against the real arm's width right under the hem
    (rows 476..484, 40 px). Before: 28-30 px (9-11 px of painted strip beside 18-20 px of
    real arm, then background); now 48-55 px (the arm, and the torso's side painted as
    skin between it and the dress)."""
    b = body(VANS)
    res = dressed(VANS, DRESS)
    out, covered = res.images[0], res.garment_masks[0]
    bg = np.median(_lab(photo(VANS))[~b.person], axis=0)
    bare = (np.linalg.norm(_lab(out) - bg, axis=2) >= 6.0) & ~covered
    real = [np.flatnonzero(b.skin[y, 480:600]) for y in range(476, 485)]
    width = float(np.median([xs.max() - xs.min() + 1 for xs in real]))
    runs = [_run_left(bare[y], int(np.flatnonzero(bare[y, :600] & b.person[y, :600]).max()))
            for y in range(505, 546, 5)]
    assert min(runs) >= 0.9 * width


def _run_left(row: np.ndarray, x: int) -> int:
    """Length of the run of True in ``row`` ending at ``x`` (walking left)."""
    n = 0
    while x - n >= 0 and row[x - n]:
        n += 1
    return n


@needs_corpus
def test_no_dark_band_across_the_arm_at_the_old_hem() -> None:
    """Her right arm across the old sleeve's hem (rows 455..500, x 515..540): the darkest
    row against the arm below (rows 480..500). The hem's shadow stayed as a band: 26.2
    grey levels darker -> 9.9."""
    out = dressed(VANS, DRESS).images[0].astype(np.float32)
    rows = out[455:500, 515:540].mean(axis=(1, 2))
    below = float(np.median(out[480:500, 515:540].mean(axis=(1, 2))))
    assert below - float(rows.min()) < 14.0
