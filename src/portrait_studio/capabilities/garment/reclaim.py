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
a real bare arm is its inner side (:func:`beside`). The skin model takes in a light old top's
side along the arm's outline too, past the arm's darker rim: those pixels, nearer in colour to
the old clothing beside them than to the arm's own inside, are no arm (:func:`clothing_rim`;
left under the given-back edge they were a light strip along the arm). Masks HxW bool, alphas
HxW float32, images HxWx3 uint8 RGB, points (x, y) float32 pixels.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.blend import mask_box
from ...imaging.color import rgb_to_lab
from ...imaging.regions import row_first, row_last, touching
from .body import Body
from .fit import Warped
from .regions import capsule
from .reveal import limb_chains
from .sidecover import nearest_known, tall

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
REACH = 0.25         # x shoulder width: an arm's painted inner side lies this near its bones
LONG = 0.2           # x shoulder width: ... and runs along it this far at least
SOLID = 0.97         # alpha of the layer's solid part (its cut edge, softer, is given back)
EDGE = 3             # px: the cut's soft edge reaches this far beyond it
ACROSS = 9           # px: an arm's run in a row at least this long is the arm (not a fleck)
SOFT = 0.8           # px: Gaussian sigma of the given-back part's edge against the arm
RIM = 2              # px: an arm's pixels this near its outline may be the clothing's; the
                     # clothing's colours are looked for this near them, the arm's inside
                     # (RIM px in from its outline) twice as far


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
    free &= ~beyond_arm(free, alpha >= SOLID, arm)
    solid = cv2.dilate((alpha >= SOLID).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    back = touching(free, solid)
    if not back.any():
        return alpha
    soft = cv2.GaussianBlur(back.astype(np.float32), (0, 0), SOFT)
    soft = np.where(arm, np.minimum(soft, 0.5), np.maximum(soft, back))
    out: F32 = np.maximum(alpha, uncut * soft).astype(np.float32)
    return out


def beyond_arm(free: Mask, solid: Mask, arm: Mask) -> Mask:
    """The pixels of ``free`` farther out in their row than an ``arm`` pixel lying past the
    layer's ``solid`` part there (on its outer side: a sleeved arm hanging against the
    torso): the garment is no wider than the torso. Joined to the layer over the shoulder,
    the old sleeve's outer side beside a painted upper arm was given back, a strip of dress
    outside the arm (catvton's short sleeve); an arm crossed in front of the torso, with the
    layer solid beyond it, leaves its row as it is. Only the arm's runs of ``ACROSS`` px
    count (not the clothing's rim nor a fleck between the layer and the arm); a row's side
    of the layer's middle with no solid part (a cami's strap cut off by the arm's zone above
    its neckline) is left as it is."""
    arm = cv2.morphologyEx(arm.astype(np.uint8), cv2.MORPH_OPEN,
                           np.ones((1, ACROSS), np.uint8)) > 0
    w = free.shape[1]
    if not solid.any():
        return np.zeros_like(free)
    xs = np.arange(w)[None, :]
    cx = float(np.nonzero(solid)[1].mean())
    left, right = solid & (xs < cx), solid & (xs > cx)
    first, last = row_first(left, -1)[:, None], row_last(right, w)[:, None]
    past_r = row_first(arm & (xs > last), w)[:, None]
    past_l = row_last(arm & (xs < first), -1)[:, None]
    out: Mask = free & ((xs > past_r) | (xs < past_l))
    return out


def reclaim_rim(warped: Warped, alpha: F32, uncut: F32, cloth: Mask, arm: Mask) -> F32:
    """``alpha`` (a torso layer's, HxW float32; ``uncut``: without the arms' cut) given
    back over ``cloth`` (the old clothing's rim the skin model took in beside an arm,
    :func:`clothing_rim`: never repainted, it showed through the layer's soft edge as a
    light strip) where it joins the layer's solid part (:func:`reclaim`; ``arm``: the arms
    as drawn), with its soft edge over the arm's edge beside it; past the layer's own
    outline (within ``EDGE`` px of it along the row) too, there in the colour of the
    layer's nearest pixel in the row (set in place on ``warped.rgb``: the cut-out's colours
    bled outward were a dark brown line beside model_1's arm)."""
    if not cloth.any():
        return alpha
    grown = cv2.dilate(cloth.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    own = uncut > 0.5
    cols = nearest_known(own)
    ys, xs = np.nonzero(grown & ~own)
    near = own[ys, cols[ys, xs]] & (np.abs(cols[ys, xs] - xs) <= EDGE)
    ys, xs = ys[near], xs[near]
    warped.rgb[ys, xs] = warped.rgb[ys, cols[ys, xs]]
    given = uncut.copy()
    given[ys, xs] = 1.0
    given[grown & own] = 1.0
    return reclaim(alpha, given, cloth, arm)


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


def clothing_rim(img: NDArray[np.uint8], skin: Mask, clothes: Mask) -> Mask:
    """The pixels of ``skin`` within ``RIM`` px of its outline whose colour in ``img`` (Lab)
    is nearer to that of one of the ``clothes`` pixels within ``RIM`` px than to that of
    one of the skin's inside pixels (``RIM`` px in from its outline) within ``2 RIM`` px:
    the clothing's edge the skin model took in (a lavender top's light side beyond the
    arm's shaded rim), not the skin's own shaded rim. Skin with no inside near stays."""
    out = np.zeros_like(skin)
    kernel = np.ones((2 * RIM + 1,) * 2, np.uint8)
    inside = cv2.erode(skin.astype(np.uint8), kernel, borderValue=1) > 0
    rim = skin & ~inside & (cv2.dilate(clothes.astype(np.uint8), kernel) > 0)
    if not rim.any():
        return out
    box = mask_box(rim, 2 * RIM + 1)
    lab = rgb_to_lab(img[box].astype(np.float32))
    at = rim[box]
    cloth = _nearest(lab, clothes[box], at, RIM)
    own = _nearest(lab, inside[box], at, 2 * RIM)
    out[box] = at & (cloth < own)
    return out


def _nearest(lab: F32, mask: Mask, at: Mask, reach: int) -> F32:
    """HxW float32: at the pixels of ``at``, the least Lab distance from their colour in
    ``lab`` (HxWx3) to that of a ``mask`` pixel within ``reach`` px (square), inf where there
    is none (and off ``at``)."""
    h, w = mask.shape
    best = np.full((h, w), np.inf, np.float32)
    pad = np.pad(lab, ((reach, reach), (reach, reach), (0, 0)))
    padded = np.pad(mask, reach)
    ys, xs = np.nonzero(at)
    here, least = lab[ys, xs], np.full(len(ys), np.inf, np.float32)
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            sy, sx = ys + reach + dy, xs + reach + dx
            d = np.linalg.norm(here - pad[sy, sx], axis=-1)
            least = np.minimum(least, np.where(padded[sy, sx], d, np.inf))
    best[ys, xs] = least
    return best


def arms_drawn(img: NDArray[np.uint8], body: Body, arms: Mask, reveal: Mask, painted: Mask,
               sides: Mask) -> tuple[Mask, Mask]:
    """(the arms as finally drawn, the old clothing's rim taken for their skin): ``painted``
    (the arm painting), the real arms' skin within ``arms`` (their zones) that was not
    repainted (``reveal``, :func:`on_bones`) but for that rim (:func:`clothing_rim`;
    ``img`` the person photo) and the ``sides`` painted as skin along them
    (:func:`beside`)."""
    chains = limb_chains(body)["arms"]
    skin = body.skin & ~body.hands & (arms | body.arms) & ~reveal
    cloth = clothing_rim(img, skin, body.clothes & ~body.skin)
    real = on_bones(skin & ~cloth, chains)
    out: Mask = painted | real | beside(sides, real, chains, body.pose.shoulder_width)
    return out, cloth & ~out
