"""The old clothing a set of new garments replaces (the region repainted where no new
garment covers it).

A top replaces the old top, a bottom the old bottom, a dress both. Thin strips of the old
top along the bare skin inside the arm zones are left out (the arm's shaded rim that the
skin model missed); the skin seen through open-work fabric (crochet, lace: small holes
ringed by the old clothing, densely) counts as the fabric there, so the strands around it
are not taken for such rims; all small holes are replaced with the clothing. Masks HxW bool.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np
from numpy.typing import NDArray

from .armside import straps_in_skin
from .body import Body

Mask = NDArray[np.bool_]
HOLE_SIZE = 0.06     # holes of the old clothing under this size (squared, shoulder widths)
RIM = 0.04           # strips of the old top along bare arms under this width (shoulder widths)
OPENWORK = 0.1       # share of holes that makes a patch of old clothing open-work fabric


def replaced(kind: str, body: Body) -> Mask:
    """The old clothing a garment of ``kind`` ("top", "bottom", "full") replaces."""
    if kind == "top":
        return without_arm_rims(body.old_top, body)
    if kind == "bottom":
        return body.old_bottom
    return without_arm_rims(body.old_top, body, body.old_bottom) | body.old_bottom


def without_arm_rims(old: Mask, body: Body, beside: Mask | None = None) -> Mask:
    """Old clothing minus thin strips (under ``RIM`` shoulder widths across, the old
    clothing's open-work holes counted as fabric) along the bare skin inside the arm zones:
    the shaded rim of an arm that the skin model missed, not fabric; replacing it would eat
    into the arm's outline. A strip ringed by skin is a strap across the bare shoulder and
    stays (left out, it stayed beside a new dress). Crochet strands around the skin seen
    through them are fabric (left out, a band of the crochet stayed on the shoulder), and
    so is the edge of ``old`` against ``beside`` (other old clothing replaced with it: a
    dress replaces the old top's last rows over the old bottom too)."""
    k = max(3, int(RIM * body.pose.shoulder_width)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    whole = old | openwork(old, body, 3 * k) | (np.zeros_like(old) if beside is None
                                                 else beside)
    thick = cv2.morphologyEx(whole.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0
    near_skin = cv2.dilate((body.skin & body.arms).astype(np.uint8), kernel) > 0
    rims = ~thick & near_skin & body.arms & old
    out: Mask = old & ~(rims & ~straps_in_skin(rims, body.skin, k))
    return out


def openwork(old: Mask, body: Body, size: int) -> Mask:
    """The holes of open-work fabric: small holes of ``old`` (:func:`enclosed_holes`)
    where they make up over ``OPENWORK`` of a ``size`` px box around them (a crochet's
    mesh), not a few stray specks the skin model took out of a plain top."""
    holes = enclosed_holes(old, ~body.head & ~body.hands, body.pose.shoulder_width)
    if not holes.any():
        return holes
    density = cv2.blur(holes.astype(np.float32), (size, size))
    out: Mask = holes & (density > OPENWORK)
    return out


def old_region(kinds: Iterable[str], body: Body) -> Mask:
    """The old clothing garments of ``kinds`` replace, with its open-work holes, grown 3 px
    into unclassified pixels (its rim; never into skin or other clothing), and the small
    pieces outside the person it and a hand ring (:func:`enclosed_holes`): old clothing
    the person segmentation missed beside the fingers (a dark blue seam of 00055's jeans
    stayed beside her hand on the backdrop painted over them)."""
    old = np.zeros(body.person.shape, bool)
    for kind in kinds:
        old |= replaced(kind, body)
    sw = body.pose.shoulder_width
    old |= enclosed_holes(old, ~body.head & ~body.hands, sw)
    grown = cv2.dilate(old.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    old |= grown & ~body.clothes & ~body.skin & ~body.head & ~body.hands & ~body.feet
    out: Mask = old | enclosed_holes(old | body.hands, ~body.person, sw)
    return out


def enclosed_holes(old: Mask, allowed: Mask, sw: float) -> Mask:
    """Small 4-connected holes (under (``HOLE_SIZE`` shoulder widths)^2) of ``old`` ringed
    all round by it, inside ``allowed``: the skin seen through open-work fabric (crochet,
    lace) that the skin model took for bare skin; left out, they stayed as specks of the
    old garment's rim on the painted arms and torso."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats((~old).astype(np.uint8),
                                                           connectivity=4)
    small = stats[:, cv2.CC_STAT_AREA] < (HOLE_SIZE * sw) ** 2
    h, w = old.shape
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    inner = (x > 0) & (y > 0) & (x + stats[:, cv2.CC_STAT_WIDTH] < w) & \
        (y + stats[:, cv2.CC_STAT_HEIGHT] < h)
    ok = small & inner
    ok[np.unique(labels[~allowed & ~old])] = False
    out: Mask = ok[labels] & ~old
    return out
