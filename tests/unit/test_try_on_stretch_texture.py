"""Try-on: a layer stretched over the old clothing beside it (a sleeve over the old
shoulder's cap, :func:`.reveal.cap_shoulder`) carries its fabric's pattern on, not a flat
patch of its mixed colours (synthetic layers, and the corpus cardigan on vitonhd_00055_00:
skipped without the corpus)."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.capabilities.garment.body import Body
from portrait_studio.capabilities.garment.fit import Warped
from portrait_studio.capabilities.garment.reveal import cap_shoulder, mirrored
from tests.corpus import dressed, needs_corpus
from tests.poses import frontal_pose

RED, BLUE = np.array((200.0, 20.0, 30.0)), np.array((40.0, 40.0, 200.0))


def _checks(h: int, w: int, size: int = 4) -> np.ndarray:
    """HxWx3 float32: red and blue checks ``size`` px square."""
    ys, xs = np.mgrid[0:h, 0:w]
    odd = ((ys // size + xs // size) % 2 == 1)[..., None]
    return np.where(odd, BLUE, RED).astype(np.float32)


def _near_a_check_colour(rgb: np.ndarray) -> np.ndarray:
    """Per pixel (Nx3): within 30 levels of red or of blue (not their mix)."""
    near: np.ndarray = np.minimum(np.abs(rgb - RED).max(axis=1),
                                  np.abs(rgb - BLUE).max(axis=1)) < 30
    return near


def test_mirrored_continues_the_fabrics_detail_beyond_its_edge() -> None:
    """Beyond a straight edge each pixel takes the fine detail of its mirror image across
    the nearest core pixel (2 px inside the edge, column 37: column 37 + d mirrors
    37 - d) over the push-pull of the fabric's colours: the checks run on at full
    contrast, a wide print's colour does not."""
    rgb = np.zeros((60, 80, 3), np.float32)
    rgb[:, :40] = _checks(60, 40, 3)
    solid = np.zeros((60, 80), bool)
    solid[:, :40] = True
    region = np.zeros((60, 80), bool)
    region[10:50, 40:60] = True
    out = mirrored(rgb, solid, region)
    np.testing.assert_array_equal(out[solid], rgb[solid])
    beyond, source = out[10:50, 40:60], rgb[10:50, 34:14:-1]
    assert np.corrcoef(beyond[..., 0].ravel(), source[..., 0].ravel())[0, 1] > 0.9
    assert beyond[..., 0].std() > 0.7 * source[..., 0].std()
    red = np.zeros((60, 80, 3), np.float32)
    red[:, :40] = BLUE
    red[20:40, 10:30] = RED             # a print well inside: its colour is not copied out
    out = mirrored(red, solid, region)
    assert np.abs(out[25:35, 50:60] - BLUE).max() < 30     # mirrored whole: 160 off


def test_the_cap_over_an_old_shoulder_keeps_the_sleeves_checks() -> None:
    """An old top's shoulder above a checked sleeve: the cap the sleeve is stretched over
    is red and blue checks (continued by push-pull it was one flat purple-grey patch)."""
    h, w = 1000, 600
    none = np.zeros((h, w), bool)
    old = np.zeros((h, w), bool)
    old[270:460, 330:470] = True                             # the old top's right shoulder
    body = Body(frontal_pose(), old, none, none, old, 600.0,
                np.array([200, 150, 130], np.float32), none, none, none, none)
    alpha = np.zeros((h, w), np.float32)
    alpha[300:440, 380:440] = 1.0
    rgb = np.zeros((h, w, 3), np.float32)
    rgb[300:440, 380:440] = _checks(140, 60)
    torso = np.zeros((h, w), bool)
    torso[270:460, 330:380] = True
    warped = Warped(rgb, alpha)
    out = cap_shoulder(warped, alpha, body, torso, none)
    cap = (out > 0.5) & (alpha < 0.5)
    cap[:, :385] = cap[:, 435:] = False     # above the sleeve
    assert cap[:300].sum() > 300
    colours = warped.rgb[cap]
    assert np.mean(_near_a_check_colour(colours)) > 0.9       # was 0.0: their mix
    assert np.mean(colours[:, 2] > 120) > 0.3 and np.mean(colours[:, 0] > 120) > 0.3


@needs_corpus
def test_the_cardigans_cap_over_her_old_shoulder_is_knit() -> None:
    """vitonhd_00055_00 in the grey cardigan: over the old T-shirt's wider shoulder, left
    of the new sleeve (x 152..162, rows 305..335), the cardigan's knit goes on (the grey's
    fine detail as strong as the sleeve's beside it); continued by push-pull it was a pale
    flat patch that looked see-through."""
    size = (768, 1024)
    out = dressed("vitonhd_00055_00", "catvton_upper_21514384", size).images[0]
    grey = out.astype(np.float32).mean(axis=2)
    fine = grey - cv2.GaussianBlur(grey, (0, 0), 1.5)
    cap, sleeve = fine[305:335, 152:162].std(), fine[305:335, 186:200].std()
    assert cap > 0.8 * sleeve        # was 0.62 of it (now 0.87)
    assert out[305:335, 152:162].mean() < 175      # cardigan, not the backdrop (~225)
