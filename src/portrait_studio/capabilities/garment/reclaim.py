"""A top's or dress's torso given back where an arm's zone cut it but no arm was drawn.

Below the armpits the arms stay in front of a torso layer; where an arm was sleeved in the
old photo, its outline is not seen, so the cut is the arm's zone (a capsule round the
bones, wider than most arms). The arm painted there later (continued from the bare forearm
or made up) is narrower: between it and the garment's cut edge the old top was painted as
the backdrop (a white notch in the dress's side) or as the torso's skin (a brown block
beside the arm), and the garment's side stepped in at the armpit row. Once the arms are
painted, the layer is given back over that cut (its own warp: the garment's fabric as it
lies there) up to the arm as drawn (:func:`reclaim`). The real arm is the skin in the
arm's zone joined to the bones (:func:`on_bones`): the torso's own skin beside it in the
zone, past a strip of the old top, is no arm; the torso's side painted as skin against
a real bare arm is its inner side (:func:`beside`). Masks HxW bool, alphas HxW float32, points
(x, y) float32 pixels.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import touching
from .body import Body
from .regions import capsule
from .reveal import limb_chains
from .sidecover import tall

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
REACH = 0.25         # x shoulder width: an arm's painted inner side lies this near its bones
LONG = 0.2           # x shoulder width: ... and runs along it this far at least
SOLID = 0.97         # alpha of the layer's solid part (its cut edge, softer, is given back)
EDGE = 3             # px: the cut's soft edge reaches this far beyond it
SOFT = 0.8           # px: Gaussian sigma of the given-back part's edge against the arm


def reclaim(alpha: F32, uncut: F32, cut: Mask, arm: Mask) -> F32:
    """``alpha`` (a torso layer's, HxW float32) given back over the pixels of ``cut`` (the
    arms' zones taken out of it) where the layer without that cut (``uncut``) is drawn,
    that are not ``arm`` (the arms as finally drawn: painted, or real skin) and that join
    the layer's solid part (alpha over ``SOLID``; the cut's soft edge, through which the
    paint under it showed as a light line, is given back too): the part next to the garment, not pieces
    beyond the arm."""
    near = cv2.dilate(cut.astype(np.uint8), np.ones((2 * EDGE + 1,) * 2, np.uint8)) > 0
    free = near & ~arm & (uncut > 0.05) & (alpha < SOLID)    # with the cut's soft edge
    if not free.any():
        return alpha
    solid = cv2.dilate((alpha >= SOLID).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    back = touching(free, solid)
    if not back.any():
        return alpha
    soft = cv2.GaussianBlur(back.astype(np.float32), (0, 0), SOFT)
    soft = np.where(arm, np.minimum(soft, 0.5), np.maximum(soft, back))
    out: F32 = np.maximum(alpha, uncut * soft).astype(np.float32)
    return out


def on_bones(skin: Mask, chains: list[list[NDArray[np.float32]]]) -> Mask:
    """The pieces of ``skin`` (8-connected) that the bone polylines ``chains`` (shoulder,
    elbow, wrist) cross: the arms' own skin, not the torso's skin beside them in their
    zones, past a strip of the old top."""
    line = np.zeros(skin.shape, np.uint8)
    for chain in chains:
        cv2.polylines(line, [np.round(np.array(chain)).astype(np.int32)], False, 1, 3)
    return touching(skin, line > 0)


def beside(sides: Mask, real: Mask, chains: list[list[NDArray[np.float32]]],
           sw: float) -> Mask:
    """The pieces of ``sides`` (the torso's side painted as skin beside a bare arm) that
    touch an arm's ``real`` skin, in the rows from that arm's first real skin down (within
    ``REACH`` shoulder widths of its bones), at least ``LONG`` shoulder widths tall: the
    inner side of a real arm the old top bulged over along the forearm, as wide as the
    arm; beside an arm made up higher up (under an old sleeve), or a short notch at the
    armpit, they are the torso's."""
    out = np.zeros_like(sides)
    ys = np.arange(sides.shape[0])[:, None]
    grown = cv2.dilate(real.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    if not sides.any():
        return out
    for chain in chains:
        zone = capsule(sides.shape, chain, REACH * sw)
        own = real & zone
        if not own.any():
            continue
        below = ys >= int(np.flatnonzero(own.any(axis=1))[0])
        out |= tall(touching(sides & zone & below, grown & zone), LONG * sw)
    return out


def arms_drawn(body: Body, arms: Mask, reveal: Mask, painted: Mask, sides: Mask) -> Mask:
    """The arms as finally drawn: ``painted`` (the arm painting), the real arms' skin
    within ``arms`` (their zones) that was not repainted (``reveal``, :func:`on_bones`) and
    the ``sides`` painted as skin along them (:func:`beside`)."""
    chains = limb_chains(body)["arms"]
    real = on_bones(body.skin & ~body.hands & (arms | body.arms) & ~reveal, chains)
    out: Mask = painted | real | beside(sides, real, chains, body.pose.shoulder_width)
    return out
