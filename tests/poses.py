"""Synthetic MediaPipe poses shared by the try-on tests (no model runs)."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.pose import Pose


def frontal_pose() -> Pose:
    """A synthetic standing pose: shoulders (200, 300)-(400, 300) (width 200, neck centre
    x=300), hips (240, 600)-(360, 600), arms and legs hanging straight down."""
    pts = np.zeros((33, 2), np.float32)
    for i, xy in {11: (400, 300), 12: (200, 300), 13: (420, 450), 14: (180, 450),
                  15: (430, 590), 16: (170, 590), 23: (360, 600), 24: (240, 600),
                  25: (360, 800), 26: (240, 800), 27: (360, 980), 28: (240, 980)}.items():
        pts[i] = xy
    return Pose(pts, np.ones(33, np.float32))
