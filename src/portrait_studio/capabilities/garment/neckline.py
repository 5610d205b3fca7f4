"""The opening of a low, wide neckline on the person: a sleeved top whose neckline's edges
rise to its shoulder seams (:func:`.sleeve_fit.low_neck`, the black bodysuit's sweetheart
neckline) leaves the shoulders' tops between its straps bare. Masks HxW bool, alphas HxW
float32 0..1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]


def neck_opening(torso: NDArray[np.float32], centre_x: float) -> Mask:
    """What a low neckline leaves open: in the columns between the torso layer's two
    highest points (its straps' tops, one each side of ``centre_x``; ``torso`` its warped
    alpha), every pixel above the torso's top edge. No sleeve's cap reaches in there (a
    sleeve stretched over the shoulder toward the neck drew a square block of fabric
    inside the neckline, and the shoulder's round a hook above it)."""
    solid = torso > 0.5
    out = np.zeros_like(solid)
    cols = solid.any(axis=0)
    xs = np.flatnonzero(cols)
    if not len(xs):
        return out
    top = np.where(cols, solid.argmax(axis=0), solid.shape[0])
    c = int(np.clip(round(centre_x), xs[0] + 1, xs[-1] - 1))
    left = c - 1 - int(np.argmin(top[:c][::-1]))     # the innermost of each side's tops
    right = c + int(np.argmin(top[c:]))
    if top[left] >= solid.shape[0] or top[right] >= solid.shape[0] or right - left < 3:
        return out
    ys = np.arange(solid.shape[0])[:, None]
    span = np.zeros(solid.shape[1], bool)
    span[left + 1:right] = True
    out[:] = span[None, :] & (ys < top[None, :])
    return out
