"""Gaps in the painted skin of a try-on: small real skin pieces and holes it runs around,
pinholes; and around the painted arms (:func:`beside_arms`): the torso skin's blobs past a
hanging arm's outer edge and its islands floating in the background fill are none, the
narrow strips of old clothing left between a painted arm and the torso skin beside it
are skin. Masks HxW bool."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import labelled, nearest_set, touching

Mask = NDArray[np.bool_]
LOOSE_SIZE = 0.12    # real skin pieces and holes under this size (squared, shoulder widths)
                     # inside the painted torso skin are painted with it
PINHOLE = 0.02       # holes in the painted skin under this size (squared, shoulder widths)
ARM_GAP = 0.15       # strips of background fill between a painted arm and the body beside
                     # it up to this wide (shoulder widths) are skin
UPPER = 0.5          # the upper arm: the first rows of a painted arm (shoulder widths) ...
STEEP = 25.0         # ... hangs when its axis is within this many degrees of vertical
CAP = 0.1            # the top of a painted arm over this (shoulder widths) bounds the shoulder
EDGE = 2             # px: skin kept this far past a painted arm's outer edge ...
THICK = 0.012        # ... and in pieces thinner than this (inscribed radius, shoulder widths)
SPECK = 0.03         # gaps beside an arm under this size (squared, shoulder widths) are skin
ISLAND = 0.12        # painted skin pieces under this size (squared, shoulder widths) ringed
                     # by background fill are none
TOP_ROWS = 0.1       # the shoulder's top: rows above a hanging painted arm's top + this ...
TOP_SIZE = 0.12      # ... where pieces of background fill inside the person under this size
                     # (squared, shoulder widths) touching the arm are skin ...
TOP_MIN = 0.03       # ... from this size on (a few pixels at a strap's corner: a speck)


def loose_pieces(loose: Mask, region: Mask, sw: float) -> Mask:
    """Small 8-connected pieces (under (``LOOSE_SIZE`` shoulder widths)^2) of ``loose``
    touching ``region``: real skin ringed by the painted torso skin (a lit patch under the
    jaw) or holes in it; left out, the painted edge rounded off around them and showed the
    background fill as a light blob inside the skin, so they are painted with the rest."""
    n, labels, areas = labelled(loose)
    small = areas < (LOOSE_SIZE * sw) ** 2
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


def beside_arms(skin: Mask, reveal: Mask, arms: list[Mask], person: Mask,
                frame: tuple[float, float]) -> Mask:
    """``skin`` (HxW bool: the torso skin about to be painted into ``reveal``, the
    uncovered old clothing, in the ``person``) without the blobs (:func:`_thick`) that lie past a painted
    arm's outer edge (:func:`past_arm`) and its islands (:func:`islands`), then with the gaps between the
    painted ``arms`` (one mask each) and the body filled (:func:`arm_gaps`). ``frame``:
    the body's centre x and the shoulder width (px)."""
    centre_x, sw = frame
    every = np.logical_or.reduce([*arms, np.zeros(skin.shape, bool)])
    for arm in arms:
        skin = skin & ~_thick(skin & past_arm(arm, centre_x, sw), sw)
    skin = skin & ~islands(skin, reveal, every, sw)
    gaps = np.zeros(skin.shape, bool)
    for arm in arms:        # each near its own arm (a small box)
        gaps |= arm_gaps(reveal & ~skin & ~every, arm, skin & person, sw)
    out: Mask = skin | gaps
    return out


def shoulder_top(free: Mask, arm: Mask, shoulder_y: float,
                 frame: tuple[float, float]) -> Mask:
    """The 8-connected pieces of ``free`` (old clothing inside the person about to be
    painted as background) in the rows above a hanging painted ``arm``'s top row plus
    ``TOP_ROWS`` shoulder widths that touch the arm and are ``TOP_MIN`` to ``TOP_SIZE``
    shoulder widths squared, not past the arm's outer edge (:func:`past_arm`: a spike of the
    outline's rim beside it) nor in lines under 3 px thick: the shoulder's top between the
    arm's painted round and the person's own outline (and the strap beside it). None when the arm's top lies over
    ``TOP_ROWS`` shoulder widths below the pose's shoulder (``shoulder_y``: a piece of
    arm down the arm). ``frame``: the body's centre x and the shoulder width. Left to
    the background fill it was a notch (049205's bare arm under the cami: a wedge up to
    9 px deep, its top flat below the sloping shoulder) or a band lowering the shoulder's
    line (01008's)."""
    centre_x, sw = frame
    rows = np.flatnonzero(arm.any(axis=1))
    out: Mask = np.zeros(free.shape, bool)
    if not len(rows) or rows[0] > shoulder_y + TOP_ROWS * sw or \
            not _hanging(arm, rows[0], sw):
        return out
    above = free & ~past_arm(arm, centre_x, sw)
    w = arm.shape[1]
    side = 1 if float(np.nonzero(arm)[1].mean()) >= centre_x else -1
    far = np.where(arm, np.arange(w)[None, :] * side, -2 * w).max(axis=1)  # side * outer x
    above[rows[0]:] &= np.arange(w)[None, :] * side <= far[rows[0]:, None]  # none beside it
    above[rows[0] + max(1, int(TOP_ROWS * sw)):] = False
    # no lines a pixel or two thin (the outline's rim: a whisker off the arm's top)
    above = cv2.morphologyEx(above.astype(np.uint8), cv2.MORPH_OPEN,
                             np.ones((3, 3), np.uint8)) > 0
    _, labels, areas = labelled(above)
    keep = (areas < (TOP_SIZE * sw) ** 2) & (areas >= (TOP_MIN * sw) ** 2)
    keep[0] = False
    near = cv2.dilate(arm.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out = touching(keep[labels], near)
    return out


def nearer(pixels: Mask, a: Mask, b: Mask) -> Mask:
    """The pixels of ``pixels`` at least as near to ``a`` as to ``b`` (all when ``b`` is
    empty), measured in their bounding box grown by their extent."""
    out: Mask = np.zeros(pixels.shape, bool)
    if not pixels.any() or not a.any():
        return out
    x, y, w, h = cv2.boundingRect(pixels.astype(np.uint8))
    m = max(w, h) + 2
    box = np.s_[max(0, y - m):y + h + m, max(0, x - m):x + w + m]
    big = float(2 * sum(pixels.shape))

    def dist(mask: Mask) -> NDArray[np.float32]:
        if not mask[box].any():
            return np.full(mask[box].shape, big, np.float32)
        d = cv2.distanceTransform((~mask[box]).astype(np.uint8), cv2.DIST_L2, 5)
        return np.asarray(d, np.float32)

    out[box] = pixels[box] & (dist(a) <= dist(b))
    return out


def past_arm(arm: Mask, centre_x: float, sw: float) -> Mask:
    """HxW bool: beyond the outer edge (away from ``centre_x``) of a painted ``arm`` that
    hangs down (:func:`_hanging`; nothing for another), in its rows and, above them, beyond its outermost edge over its first ``CAP`` shoulder
    widths of rows (plus ``EDGE`` px): the torso zone's round of the shoulder reaching
    past an arm painted narrower than the old sleeve floated beside the arm's top."""
    rows = np.flatnonzero(arm.any(axis=1))
    if not len(rows) or not _hanging(arm, rows[0], sw):
        return np.zeros(arm.shape, bool)
    h, w = arm.shape
    xs = np.arange(w)
    side = 1 if float(np.nonzero(arm)[1].mean()) >= centre_x else -1
    far = np.where(arm, xs[None, :] * side, -w * 2).max(axis=1)   # side * outer edge x
    top = rows[0]
    cap = far[top:top + max(1, int(CAP * sw))].max()
    edge = np.where(np.arange(h) < top, cap, far)
    edge[rows[-1] + 1:] = 2 * w                                   # below the arm: nothing
    edge[top:rows[-1] + 1] = np.where(far[top:rows[-1] + 1] < -w, 2 * w,
                                      far[top:rows[-1] + 1])     # rows the arm skips
    out: Mask = xs[None, :] * side > (edge + EDGE)[:, None]
    return out


def _thick(pieces: Mask, sw: float) -> Mask:
    """The 8-connected pieces of ``pieces`` at least ``THICK`` shoulder widths thick (the
    radius of the largest disc inside): a blob, not a thin rim of shoulder along the
    arm's edge (which rounds the shoulder off and is kept)."""
    if not pieces.any():
        return pieces
    n, labels = cv2.connectedComponents(pieces.astype(np.uint8), connectivity=8)
    depth = cv2.distanceTransform(pieces.astype(np.uint8), cv2.DIST_L2, 3)
    peak = np.zeros(n, np.float32)
    np.maximum.at(peak, labels.ravel().astype(np.intp), depth.ravel())
    keep = peak >= THICK * sw
    keep[0] = False
    out: Mask = keep[labels]
    return out


def _hanging(arm: Mask, top: int, sw: float) -> bool:
    """Whether the upper part (``UPPER`` shoulder widths of rows from ``top``) of a
    painted ``arm`` runs within ``STEEP`` degrees of straight down (its second moments)."""
    upper = arm[top:top + max(2, int(UPPER * sw))].astype(np.uint8)
    m = cv2.moments(upper, binaryImage=True)
    if m["m00"] < 1:
        return False
    angle = 0.5 * np.degrees(np.arctan2(2 * m["mu11"], m["mu02"] - m["mu20"]))
    return abs(float(angle)) <= STEEP


def islands(skin: Mask, reveal: Mask, arms: Mask, sw: float) -> Mask:
    """8-connected pieces of ``skin`` under (``ISLAND`` shoulder widths)^2 touching neither
    the ``arms`` nor anything outside ``reveal`` (the new garment, real skin, hair):
    a bit of the torso zone's shoulder beside an arm painted narrower than the old
    sleeve, floating in the background fill."""
    _, labels, areas = labelled(skin)
    small = areas < (ISLAND * sw) ** 2
    small[0] = False
    ring = (cv2.dilate(skin.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~skin
    anchor = ring & (arms | ~reveal)
    grown = cv2.dilate(labels.astype(np.float32), np.ones((3, 3), np.uint8)).astype(np.int32)
    small[np.unique(grown[anchor])] = False
    out: Mask = small[labels]
    return out


def arm_gaps(free: Mask, arms: Mask, body: Mask, sw: float) -> Mask:
    """The runs (along rows and along columns) of ``free`` pixels (old clothing about to
    be painted as background) at most ``ARM_GAP`` shoulder widths long between a painted
    arm (``arms``) on one end and ``body`` (the torso skin painted beside it) on the
    other: an old sleeve's inner part between the arm and the shoulder or chest skin.
    The body fills them (skin), not the backdrop: left to the background fill they were
    light, ragged strips along the arm's inner side. Runs ending anywhere else
    (outside the person beyond the arm's outer edge; at the new garment, whose edge is
    stretched over such slits) stay as they are."""
    limit = ARM_GAP * sw
    out: Mask = np.zeros(free.shape, bool)
    if not arms.any():
        return out
    x, y, w, h = cv2.boundingRect(arms.astype(np.uint8))   # gaps end at an arm: near it
    m = int(limit) + 2
    box = np.s_[max(0, y - m):y + h + m, max(0, x - m):x + w + m]
    free, arms, solid = free[box], arms[box], (body | arms)[box] & ~free[box]
    rows = _bounded(free, arms, solid, (limit, sw))
    cols = _bounded(free.T, arms.T, solid.T, (limit, sw)).T
    out[box] = rows | cols
    return out


def _bounded(free: Mask, arms: Mask, solid: Mask, sizes: tuple[float, float]) -> Mask:
    """Pixels of ``free`` in row runs no longer than ``sizes[0]`` px whose end pixels (the
    first non-``free`` pixel on each side) are ``solid``, one of them in ``arms``; in
    pieces along the arm (:func:`_along`; ``sizes[1]``: the shoulder width)."""
    limit, sw = sizes
    w = free.shape[1]
    left, right = nearest_set(~free, 1, False), nearest_set(~free, 1, True)
    inside = free & (left >= 0) & (right < w) & (right - left - 1 <= limit)
    lc, rc = np.clip(left, 0, w - 1), np.clip(right, 0, w - 1)

    def at(mask: Mask, idx: NDArray[np.intp]) -> Mask:
        return np.take_along_axis(mask, idx, axis=1)

    ends = at(solid, lc) & at(solid, rc)
    by_arm = at(arms, lc) != at(arms, rc)
    return _along(inside & ends & by_arm, sw)


def _along(gaps: Mask, sw: float) -> Mask:
    """The 8-connected pieces of ``gaps`` (found along rows) at least as tall as they are
    wide (a strip along the side of an arm, not a bar across from a wrist to the hip: a
    few rows that happen to find the body across a wide gap of background), or specks
    (under ``SPECK`` shoulder widths squared: a pixel or two left at a junction)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(gaps.astype(np.uint8),
                                                           connectivity=8)
    keep = (stats[:, cv2.CC_STAT_HEIGHT] >= stats[:, cv2.CC_STAT_WIDTH]) | \
        (stats[:, cv2.CC_STAT_AREA] <= (SPECK * sw) ** 2)
    keep[0] = False
    out: Mask = keep[labels]
    return out
