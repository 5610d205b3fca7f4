"""Try-on, an upper arm painted where a short sleeve was (garment/armpaint.py): where the
painting meets the real arm below the old hem there is no line across the arm (the sleeve's
shade past the hem is lifted, the real arm is mirrored about the junction at its own
offsets and edges)."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.armpaint import ArmPaint, paint_arm
from tests.corpus import dressed, needs_corpus


def _composite(img: np.ndarray, arm: ArmPaint) -> np.ndarray:
    """HxWx3 float32: ``img`` with the painting laid over it."""
    out = img.astype(np.float32)
    a = arm.alpha[:, None]
    out[arm.ys, arm.xs] = out[arm.ys, arm.xs] * (1 - a) + arm.rgb * a
    return out


def test_sleeve_shade_below_the_hem_leaves_no_band_across_the_arm() -> None:
    """A vertical arm (x 100..140) under a purple sleeve (rows 40..200) whose shade darkens
    the real arm below the hem (x0.8 at row 200, fading out by row 215): composited, no
    row of the arm between rows 150 and 240 is darker than 97% of the lit arm below (rows
    240..300), and no mean changes by more than 2 grey levels from row to row. Before:
    rows 198..212 (the hem band, every row copied from one shaded row below it) at 0.957
    of it, a grey band with a 2.5-level step at its lower end."""
    rng = np.random.default_rng(3)
    img = np.full((500, 260, 3), 230, np.float32)
    xs = np.arange(100, 141)
    across = 1 - ((xs - 120) / 21.0) ** 2
    arm = np.array([200, 150, 120], np.float32)[None, :] * (0.8 + 0.2 * across)[:, None]
    img[:, 100:141] = arm[None] + rng.normal(0, 1.5, (500, 41, 1))
    shade = 1 - 0.2 * np.clip(1 - (np.arange(500) - 200) / 15.0, 0, 1)
    shade[:200] = 1
    img[:, 100:141] *= shade[:, None, None]
    img = np.clip(img, 0, 255).astype(np.uint8)
    sleeve = np.zeros((500, 260), bool)
    sleeve[40:200, 90:151] = True
    img[sleeve] = (90, 60, 140)
    trusted = np.zeros((500, 260), bool)
    trusted[200:450, 101:140] = True
    chain = [np.array([120, 40], np.float32), np.array([120, 300], np.float32),
             np.array([120, 450], np.float32)]
    out = paint_arm(img, chain, sleeve, trusted, 200.0, np.random.default_rng(0))
    assert out is not None
    grey = _composite(img, out)[:, 106:135].mean(axis=2).mean(axis=1)
    lit = float(grey[240:300].mean())
    assert grey[150:240].min() >= 0.97 * lit
    assert float(np.abs(np.diff(grey[150:240])).max()) <= 2.0


def _jump(img: np.ndarray, row: int, cols: slice) -> float:
    """Mean over ``cols`` of |mean of the 5 rows above ``row`` - mean of the 5 from it|."""
    above = img[row - 5:row, cols].astype(np.float32).mean(axis=0)
    below = img[row:row + 5, cols].astype(np.float32).mean(axis=0)
    return float(np.abs(above - below).mean())


@needs_corpus
def test_painted_upper_arms_meet_the_real_arms_without_a_seam() -> None:
    """vitonhd_00055 (short dark sleeves) in the orange sleeveless dress at 768x1024: across
    each painted upper arm's junction with the real arm (image-left near row 435, cols
    160..205; image-right near row 476, cols 512..545) the 5 rows above and below differ
    by at most 1.5 and 3.2 grey levels on average (worst of three rows around it). Before:
    2.3 and 7.0 (a light painting over a dark line and band at the hem)."""
    out = dressed("vitonhd_00055_00", "dresscode_053319_1", (768, 1024)).images[0]
    left = max(_jump(out, y, slice(160, 205)) for y in (433, 435, 437))
    right = max(_jump(out, y, slice(512, 545)) for y in (474, 476, 478))
    assert left <= 1.5
    assert right <= 3.2
