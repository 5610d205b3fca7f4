"""Try-on, the shoulder's top above a painted bare upper arm (garment/skinholes.py
``shoulder_top``, armpaint.py ``ArmPaint.grown``): the old top left inside the person's
outline between the arm's painted round and the sloping shoulder is the arm's skin, not
the backdrop (a flat-topped notch beside a cami's strap)."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.armpaint import ArmPaint
from portrait_studio.capabilities.garment.skinholes import shoulder_top
from tests.corpus import dressed, needs_corpus


def _arm() -> np.ndarray:
    """A hanging image-right arm x 60..79, rows 40..119, in a 120x120 frame."""
    arm = np.zeros((120, 120), bool)
    arm[40:120, 60:80] = True
    return arm


def test_the_wedge_above_the_arm_is_its_shoulder() -> None:
    """A wedge of old top 6 px deep right above the arm (rows 34..39, x 60..74) is the
    shoulder's top; a 1 px line off it (row 33, x 40..59) and 2x2 specks (one at the
    arm's outer top corner) are not; nor anything when the arm's top lies 40 px below
    the pose's shoulder."""
    arm = _arm()
    free = np.zeros_like(arm)
    free[34:40, 60:75] = True
    free[33, 40:60] = True
    free[36:38, 90:92] = True
    free[38:40, 80:82] = True
    out = shoulder_top(free, arm, 40.0, (20.0, 200.0))
    assert int(out[34:40, 60:75].sum()) == 6 * 15
    assert int(out.sum()) == 6 * 15
    assert not shoulder_top(free, arm, 0.0, (20.0, 200.0)).any()


def test_grown_paints_the_added_pixels_in_the_nearest_arm_colour() -> None:
    """Pixels added above a painted arm take the colour of the solid pixel right below
    them, opaque; the arm's soft top row next to them becomes opaque too."""
    arm = _arm()
    ys, xs = np.nonzero(arm)
    rgb = np.zeros((len(ys), 3), np.float32)
    rgb[:, 0] = xs.astype(np.float32)       # red = the column
    alpha = np.where(ys == 40, 0.6, 1.0).astype(np.float32)
    paint = ArmPaint(ys, xs, rgb, alpha, arm.copy())
    extra = np.zeros_like(arm)
    extra[34:40, 60:75] = True
    grown = paint.grown(extra)
    got = np.zeros((120, 120), np.float32)
    got[grown.ys, grown.xs] = grown.rgb[:, 0]
    a = np.zeros((120, 120), np.float32)
    a[grown.ys, grown.xs] = grown.alpha
    assert np.array_equal(got[34:40, 60:75], np.tile(np.arange(60, 75, dtype=np.float32),
                                                     (6, 1)))
    assert (a[34:41, 60:75] == 1).all()
    assert a[40, 76] == np.float32(0.6)
    assert grown.kept[34:40, 60:75].all()


@needs_corpus
def test_no_backdrop_notch_on_049205s_shoulder_in_the_cami() -> None:
    """dresscode_049205 (white tee) in the white cami at 768x1024: right of the strap over
    his image-right shoulder, rows 87..89 x 484..494 lie inside his outline (its top at
    rows 82..87 there). Before: 31 of the 33 pixels backdrop-coloured (every channel over
    215, spread under 20: the arm's round cut flat at row 89/90 below the sloping
    shoulder); after: none, the arm's tone (grey ~169, the arm below ~170)."""
    out = dressed("dresscode_049205_0", "vitonhd_09133_00", (768, 1024)).images[0]
    box = out[87:90, 484:495].astype(int)
    backdrop = (box.min(axis=2) > 215) & (np.ptp(box, axis=2) < 20)
    assert int(backdrop.sum()) == 0
    arm = float(np.median(out[95:105, 490:505].astype(int).mean(axis=2)))
    assert abs(float(box.mean(axis=2).mean()) - arm) <= 15
