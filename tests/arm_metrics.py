"""Measures of painted arms shared by the try-on tests."""

from __future__ import annotations

import cv2
import numpy as np


def side_darkening(lum: np.ndarray, arm: np.ndarray, sw: float) -> float:
    """Median L* (``lum``) of an ``arm`` mask's sides (the outer 30% of its local half width,
    taken over 0.2 shoulder widths ``sw``) minus that of its middle (beyond 70%)."""
    dist = cv2.distanceTransform(arm.astype(np.uint8), cv2.DIST_L2, 3)
    k = int(0.2 * sw) | 1
    half = cv2.dilate(dist, np.ones((k, k), np.uint8))
    rel = dist / np.maximum(half, 1.0)
    sides, middle = arm & (rel < 0.3) & (half > 4), arm & (rel > 0.7)
    return float(np.median(lum[sides]) - np.median(lum[middle]))
