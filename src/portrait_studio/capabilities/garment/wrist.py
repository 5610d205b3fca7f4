"""What the old sleeve's wrist wore, left on the hand where the forearm is painted.

A wristwatch (or a bracelet) sits where the hand meets the sleeve. The hand model takes the
hand's skin plus 2 px, and the skin model takes a silver bezel for skin, so the watch's
crescent on the hand's side stays in front of everything while the rest of it goes with
the old sleeve: a grey and black sickle between the hand and the painted forearm (Joe
Biden's and Barack Obama's crossed arms). Those pieces (far from the hand's own colour,
thicker than its outline rim, touching the painted skin) are painted over with the skin
around them (:func:`imaging.fill.fill_thin`, fed only by the hand and the painted skin).
Images HxWx3 uint8 RGB, masks HxW bool.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.blend import mask_box
from ...imaging.color import rgb_to_lab
from ...imaging.fill import fill_thin
from ...imaging.regions import touching
from .body import Body

Mask = NDArray[np.bool_]
UNLIKE = 20.0      # Lab from the hand's median skin colour: not the hand
THICK = 0.01       # x shoulder width: pieces thinner than this are the hand's outline rim
MIN_SKIN = 50      # a hand with fewer skin pixels has no colour to tell a watch from
CONTACT = 0.15     # share of a watch's pixels by the painted skin at least (it lies across
                   # the painted forearm's end; a sliver along 00055's arm touched it at
                   # one end: 0.03; Biden's watch 0.29)
REACH = 2          # x the THICK opening's size: how far a watch's fainter parts are joined


def wrist_things(img: NDArray[np.uint8], body: Body, painted: Mask, left: Mask,
                 shown: Mask) -> Mask:
    """The pieces of each hand (``body.hands`` within the person; mostly where the result
    still ``shown`` the photo as it was: not a new garment drawn by it) over ``UNLIKE`` from
    that hand's median skin colour, at least ``THICK`` shoulder widths across (an opening),
    that lie along ``painted`` (the skin painted where the old sleeve was, grown by the
    opening's size: ``CONTACT`` of their pixels in it at least) and
    not the backdrop (within 2 px); with
    the pixels over half ``UNLIKE`` from it joined to them within ``REACH`` times ``THICK``
    of them, in the hand or ``left`` (old clothing neither replaced nor covered: the watch
    face's dark pieces by the wrist were taken for the old sleeve's rim along the arm, or
    lay under the painted forearm's soft edge); with their 2 px
    anti-aliased rim. None when nothing was painted."""
    out = np.zeros(painted.shape, bool)
    hands = body.hands & body.person
    if not painted.any() or not hands.any():
        return out
    k = max(3, round(THICK * body.pose.shoulder_width)) | 1
    box = mask_box(hands, REACH * k)
    lab = rgb_to_lab(img[box])
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    reach = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * REACH * k + 1,) * 2)
    near = cv2.dilate(painted[box].astype(np.uint8),
                      cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1,) * 2)) > 0
    left, shown = left[box], shown[box]
    backdrop = cv2.dilate((~body.person[box]).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    n, labels = cv2.connectedComponents(hands[box].astype(np.uint8), connectivity=8)
    for i in range(1, n):
        hand = labels == i
        skin = hand & body.skin[box]
        if skin.sum() < MIN_SKIN:
            continue
        de = np.linalg.norm(lab - np.median(lab[skin], axis=0), axis=2)
        unlike = (hand & (de > UNLIKE)).astype(np.uint8)
        thick = cv2.morphologyEx(unlike, cv2.MORPH_OPEN, disc) > 0
        # on the wrist, not the hand's outline on the backdrop (01008's grey rim beside her
        # hand was painted over as a blob of skin)
        seeds = _mostly(_along(thick, near) & ~touching(thick, backdrop), shown)
        if not seeds.any():
            continue
        # the thin parts joined to them (a bezel's rim, the crown) and their softer shades,
        # near them only (not the hand's whole shaded outline)
        around = cv2.dilate(seeds.astype(np.uint8), reach) > 0
        pieces = touching((hand | left) & around & (de > UNLIKE / 2), seeds)
        grown = cv2.dilate(pieces.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        out[box] |= grown & (hand | left)
    return out


def _along(pieces: Mask, near: Mask) -> Mask:
    """The 8-connected pieces of ``pieces`` with at least ``CONTACT`` of their pixels in
    ``near``."""
    n, labels = cv2.connectedComponents(pieces.astype(np.uint8), connectivity=8)
    if n < 2:
        return pieces
    total = np.bincount(labels.ravel(), minlength=n)
    keep = np.bincount(labels[near], minlength=n) >= CONTACT * total
    keep[0] = False
    out: Mask = keep[labels]
    return out


def _mostly(pieces: Mask, where: Mask) -> Mask:
    """The 8-connected pieces of ``pieces`` with over half their pixels in ``where``."""
    n, labels = cv2.connectedComponents(pieces.astype(np.uint8), connectivity=8)
    if n < 2:
        return pieces
    total = np.bincount(labels.ravel(), minlength=n)
    inside = np.bincount(labels[where], minlength=n)
    keep = inside > total / 2
    keep[0] = False
    out: Mask = keep[labels]
    return out


def paint_over(out: NDArray[np.uint8], things: Mask, skin: Mask,
               sw: float) -> NDArray[np.uint8]:
    """``out`` with ``things`` filled from ``skin`` around them (the hand's and the painted
    skin; :func:`fill_thin` with them as its side, so no garment or backdrop colour comes
    in)."""
    if not things.any():
        return out
    grow = max(1, round(THICK * sw / 2))
    box = mask_box(things, 8 * grow + 8)
    side = np.ascontiguousarray((skin | things)[box])
    res = np.array(out, copy=True)
    res[box] = fill_thin(np.ascontiguousarray(out[box]), things[box], grow, side)
    return res
