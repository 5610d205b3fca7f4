"""The bare shoulders inside a low, wide neckline (neckline.neck_opening, dress.dress): no
sleeve cap is stretched in there."""

from __future__ import annotations

import numpy as np
import pytest

from tests.corpus import body, dressed, needs_corpus

BODYSUIT = "vitonhd_10165_00"


def test_the_opening_is_above_the_neckline_between_the_straps() -> None:
    """A U-shaped torso alpha (straps at columns 20-29 and 70-79 rising to row 10, the
    neckline at row 50): the opening is every pixel above the torso between the straps'
    inner edges, nothing outside them or below the neckline."""
    from portrait_studio.capabilities.garment.neckline import neck_opening

    torso = np.zeros((100, 100), np.float32)
    torso[50:90, 20:80] = 1.0
    torso[10:50, 20:30] = 1.0
    torso[10:50, 70:80] = 1.0
    opening = neck_opening(torso, 50.0)
    assert opening[:50, 30:70].all()
    assert not opening[:, :30].any() and not opening[:, 70:].any()
    assert not opening[50:].any()


@needs_corpus
@pytest.mark.parametrize("stem", ["dresscode_049205_0", "model_1"])
def test_no_sleeve_cap_inside_the_neckline(stem: str) -> None:
    """The bodysuit's neckline rises to its shoulder seams: the shoulders' tops inside it
    are bare. The sleeves' caps were stretched over them toward the neck (black hooks on
    049205, square blocks on model_1): 22-50% of the band 0.2-0.38 shoulder widths from
    the centre, in the 0.15 shoulder widths above the shoulder joints, was garment; now
    none of it."""
    res = dressed(stem, BODYSUIT)
    b = body(stem)
    drawn = res.garment_masks[0]
    cx, cy = (float(v) for v in b.pose.shoulder_mid)
    sw = b.pose.shoulder_width
    rows = slice(int(cy - 0.15 * sw), int(cy))
    for sign in (-1, 1):
        x0, x1 = sorted((int(cx + sign * 0.2 * sw), int(cx + sign * 0.38 * sw)))
        assert drawn[rows, x0:x1].mean() < 0.05, sign


@needs_corpus
@pytest.mark.parametrize("stem", ["model_1", "vitonhd_00055_00", "vitonhd_05997_00"])
def test_no_torso_raised_into_the_neckline(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """raise_shoulders stretched the torso up over the shoulders beside the neck, which
    for the bodysuit is its neckline's edge: a black tab above each strap with a straight
    bottom at the shoulder joints' row (the angular corners at the shoulders); 1740 / 3551
    / 4051 garment pixels inside the opening, now under 50."""
    from portrait_studio.capabilities.garment import dress as dress_mod
    from portrait_studio.capabilities.garment.neckline import neck_opening
    from portrait_studio.pipelines.try_on import TryOnParams, try_on
    from tests.corpus import CORPUS, photo, read_rgb

    seen: list[np.ndarray] = []

    def spy(torso: np.ndarray, centre_x: float) -> np.ndarray:
        out = neck_opening(torso, centre_x)
        seen.append(out)
        return out

    monkeypatch.setattr(dress_mod, "neck_opening", spy)
    garment = read_rgb(next((CORPUS / "garments").glob(BODYSUIT + "*")))
    res = try_on(photo(stem), [garment], TryOnParams(seed=0))
    opening, = seen
    assert opening.sum() > 50_000
    assert (res.garment_masks[0] & opening).sum() < 50
