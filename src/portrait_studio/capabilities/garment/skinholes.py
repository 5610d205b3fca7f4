"""Gaps in the painted skin of a try-on: small real skin pieces and holes it runs around,
and pinholes. Masks HxW bool."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]
LOOSE_SIZE = 0.12    # real skin pieces and holes under this size (squared, shoulder widths)
                     # inside the painted torso skin are painted with it
PINHOLE = 0.02       # holes in the painted skin under this size (squared, shoulder widths)


def loose_pieces(loose: Mask, region: Mask, sw: float) -> Mask:
    """Small 8-connected pieces (under (``LOOSE_SIZE`` shoulder widths)^2) of ``loose``
    touching ``region``: real skin ringed by the painted torso skin (a lit patch under the
    jaw) or holes in it; left out, the painted edge rounded off around them and showed the
    background fill as a light blob inside the skin, so they are painted with the rest."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(loose.astype(np.uint8), connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < (LOOSE_SIZE * sw) ** 2
    small[0] = False
    touch = np.zeros(n, bool)
    near = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    touch[np.unique(labels[near & loose])] = True
    out: Mask = (small & touch)[labels]
    return out


def pinholes(skin: Mask, person: Mask, sw: float) -> Mask:
    """4-connected holes of ``skin`` under (``PINHOLE`` shoulder widths)^2 (at least 4 px)
    ringed by it and wholly inside ``person``: single real-skin or background-filled pixels
    the painting ran around, left as light specks in the painted skin (a gap between the
    painting and the outline stays background)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats((~skin).astype(np.uint8),
                                                           connectivity=4)
    small = stats[:, cv2.CC_STAT_AREA] < max(4.0, (PINHOLE * sw) ** 2)
    small &= np.bincount(labels[~person], minlength=n) == 0
    h, w = skin.shape
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    small &= (x > 0) & (y > 0) & (x + stats[:, cv2.CC_STAT_WIDTH] < w) & \
        (y + stats[:, cv2.CC_STAT_HEIGHT] < h)
    out: Mask = small[labels] & ~skin
    return out
