"""The side outline smoothing of a widened torso layer
(:mod:`portrait_studio.capabilities.garment.sideline`) on made-up outlines."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.sideline import opened, sloped


def test_opening_takes_off_short_bumps_only() -> None:
    """A right outline (columns per row) with a 5-row bump 30 px out and a 20-row shelf:
    the bump goes, the shelf stays; a left one (outward = -1) the same mirrored."""
    edge = np.full(40, 100, np.int64)
    edge[5:10] = 130
    edge[20:40] = 110
    out = opened(edge, 9, 1)
    assert out[5:10].tolist() == [100] * 5 and out[20:40].tolist() == [110] * 20
    assert (300 - opened(300 - edge, 9, -1)).tolist() == out.tolist()


def test_slope_limits_outward_steps() -> None:
    """A 30 px outward step after row 9 becomes a ramp of 0.5 px per row from the valid
    rows; rows not valid (cut by an arm) give no bound."""
    edge = np.array([100] * 10 + [130] * 10, np.int64)
    valid = np.ones(20, bool)
    assert sloped(edge, valid, 0.5, 1)[10:14].tolist() == [100.5, 101.0, 101.5, 102.0]
    valid[:10] = False
    assert sloped(edge, valid, 0.5, 1)[10:].tolist() == [130.0] * 10

