"""Loose bits the stretches added to a garment layer, taken back before the old clothing
left uncovered is painted.

A layer is widened in several steps (over the old top beside it, the shoulder cap, gaps
to its sleeves and to the arms). Where one step's region did not join the layer, or ran
out as a thin horizontal tongue, it showed as a garment fragment outside the body: a thin
red flap beside a FILA sleeve, separated from it by a background line; the print's stripe
continued into a gap as an arrow. :func:`tidy` drops, of what the steps added, the pieces
that do not join the layer as laid on (``base``) and the parts less than ``TONGUE``
shoulder widths tall (a vertical opening), which the old clothing's painting then covers.
Alphas HxW float32, masks HxW bool.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import touching
from .body import Body

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
TONGUE = 0.04        # x shoulder width: added parts less tall than this are tongues
NEAR_FRONT = 0.06    # x shoulder width: loose bits this near the hair and hands stay


def tidy(alpha: F32, base: F32, sw: float, keep: Mask) -> F32:
    """``alpha`` (a layer after its stretches) without the added parts (solid here, not
    in ``base``, the layer as laid on) that do not join ``base``'s solid part or are less
    than ``TONGUE`` shoulder widths (``sw``) tall, but for those in ``keep`` (near the
    hair and hands: the garment between strands and fingers); ``base``'s alpha there."""
    solid = alpha > 0.5
    ys, xs = np.nonzero(solid)
    if not len(ys) or not (solid & ~(base > 0.5)).any():
        return alpha
    box = np.s_[max(0, int(ys.min()) - 2):int(ys.max()) + 3,
                max(0, int(xs.min()) - 2):int(xs.max()) + 3]     # the layer's pieces
    out = alpha.copy()
    out[box] = _tidied(alpha[box], base[box], sw, keep[box])
    return out


def _tidied(alpha: F32, base: F32, sw: float, keep: Mask) -> F32:
    """:func:`tidy` within a box round the layer's solid part."""
    solid, core = alpha > 0.5, base > 0.5
    if not core.any():
        return alpha
    k = max(3, int(np.rint(TONGUE * sw))) | 1       # odd: the opening keeps its place
    tall = cv2.morphologyEx(solid.astype(np.uint8), cv2.MORPH_OPEN, np.ones((k, 1), np.uint8)) > 0
    kept = touching(solid & (tall | core), core)
    drop = solid & ~core & ~kept & ~keep
    if not drop.any():
        return alpha
    grown = cv2.dilate(drop.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out: F32 = np.where(grown & ~kept & ~keep, np.minimum(alpha, base), alpha).astype(
        np.float32)
    return out


def tidy_layers(alphas: list[F32], before: list[F32], body: Body) -> list[F32]:
    """Each layer's alpha without the loose bits and tongues its last stretches added to
    ``before`` (:func:`tidy`), but within ``NEAR_FRONT`` shoulder widths of the head, the
    hands and things in front (the garment seen between strands and fingers)."""
    sw = body.pose.shoulder_width
    k = int(NEAR_FRONT * sw) | 1
    near = cv2.dilate((body.head | body.hands | body.in_front).astype(np.uint8),
                      np.ones((k, k), np.uint8)) > 0
    return [tidy(a, b, sw, near) for a, b in zip(alphas, before, strict=True)]
