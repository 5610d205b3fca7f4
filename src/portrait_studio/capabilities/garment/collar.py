"""A shirt collar is not hair: hair pieces below the chin that are not hair.

The head's hair is the non-skin silhouette joined to the crown inside a zone around the
face; a light shirt collar and the shirt under the neck touch the jaw's rim, so they joined
it too, and stayed in front of every new garment (a flat skin slab under a cami then ended
in a straight row at the zone's bottom, with the old collar above it). Below the chin, hair
hangs beside the neck, not in front of the throat: there, a piece counts as hair only when
it is close to the colour of the hair above the chin (Lab < 24; in the neck column, 0.2
shoulder widths either side of the chin's centre, Lab < 10: the shadow under a chin is as
dark as dark hair and stays out of the clothes, and hanging from the hair above the chin
in locks, not joined to it by a thin line only: a white collar under white hair), not of
the face skin's hue (a neck in shadow), and only pieces that run on into the clothing
below the head's zone are taken out. Masks HxW bool, Lab HxWx3
float32.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import touching
from .regions import lab_dist2, large_pieces

Mask = NDArray[np.bool_]
NECK_COLUMN = 0.2    # x shoulder width: half the column under the chin where no hair hangs
HAIR_DE = 24.0       # Lab distance to the hair's colour above the chin
CLOTH_SIZE = 0.3     # x shoulder width: the clothing a collar runs on into is at least this
                     # size squared (not a few person pixels of background beside the neck)
SKIN_DAB = 12.0      # a*, b* distance to the face skin's hue: still the (shaded) neck
COLUMN_DE = 10.0     # in the neck column, only this close to it is still hair (or shadow)
STRAND = 0.015       # x shoulder width: hair in the neck column hangs from the head's
                     # hair in locks at least this wide
RISE = 0.35          # x shoulder width: a collar beside a turned head rises this far
                     # above the chin's row
REACH = 0.42        # x shoulder width: a collar reaches this close to the chin's column
COLLAR_DE = 15.0     # Lab distance to the collar's colour below the chin: the same collar


def collar_not_hair(lab: NDArray[np.float32], hair: Mask, chin: tuple[float, float],
                    sw: float, clothes: Mask, face: Mask, backdrop: Mask | None = None) -> Mask:
    """The pieces of ``hair`` below the chin (``chin``: x, y of its lowest point) that are
    not hair: far from the colour of the hair above the chin (not even close to it in the
    neck column), not of the hue of the ``face`` skin, and joined to ``clothes`` (the non-skin person below the head's zone: a
    collar runs on into the shirt, at least ``CLOTH_SIZE`` shoulder widths squared; light
    background seen between strands does not). None
    when too little hair shows above the chin to know its colour. With the ``backdrop``
    around the head, such a collar carries on up above the chin's row (``RISE``) in its own
    colour beside a turned head (the skier's red jacket), but not through blends of the
    hair's colour with the backdrop's (the soft rim of blonde hair)."""
    h, w = hair.shape
    ys = np.arange(h)[:, None]
    xs = np.arange(w)[None, :]
    above = hair & (ys < chin[1])
    below = hair & (ys >= chin[1])
    if above.sum() < 50 or not below.any():
        return np.zeros((h, w), bool)
    hair_colour = np.median(lab[above], axis=0)
    dist2 = lab_dist2(lab, hair_colour)
    far = dist2 > HAIR_DE * HAIR_DE
    near = (dist2 < COLUMN_DE * COLUMN_DE) & _strands(hair & ~far, above, sw)
    column = np.abs(xs - chin[0]) < NECK_COLUMN * sw
    skin_hue = _skin_hue(lab, face)
    pieces = below & (far | (column & ~near)) & ~skin_hue
    clothes = large_pieces(clothes, (CLOTH_SIZE * sw) ** 2)
    # pieces touching that clothing (within 1 px)
    out = touching(pieces, cv2.dilate(clothes.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    if out.sum() < 20 or backdrop is None or backdrop.sum() < 50:
        return out
    # no blend of the hair with the backdrop behind it (the hair's soft rim) is a collar
    blend = _near_segment(lab, hair_colour, np.median(lab[backdrop], axis=0), COLLAR_DE)
    # a collar lies beside the neck: in pieces wholly further out (``REACH``) such blends
    # are the light tips of long hair falling on the shoulders
    out &= touching(out, np.broadcast_to(np.abs(xs - chin[0]) < REACH * sw, out.shape)) | \
        ~blend
    if out.sum() < 20:
        return out
    # a collar rising beside a turned head above the chin's row: its colour, joined to it
    own = lab_dist2(lab, np.median(lab[out], axis=0)) < COLLAR_DE * COLLAR_DE
    rising = hair & far & own & ~blend & ~skin_hue & (ys >= chin[1] - RISE * sw)
    return touching(out | rising, out)


def _near_segment(lab: NDArray[np.float32], a: NDArray[np.floating[Any]],
                  b: NDArray[np.floating[Any]], limit: float) -> Mask:
    """Pixels within Lab ``limit`` of the segment from colour ``a`` to colour ``b`` (the
    blends of the two)."""
    ab = np.asarray(b - a, np.float32)
    t = np.clip(np.einsum("ijk,k->ij", lab - np.asarray(a, np.float32), ab) /
                max(float(ab @ ab), 1e-6), 0.0, 1.0)
    d = lab - (np.asarray(a, np.float32) + t[..., None] * ab)
    out: Mask = np.einsum("ijk,ijk->ij", d, d) < limit * limit
    return out


def _strands(hairlike: Mask, above: Mask, sw: float) -> Mask:
    """The pixels of ``hairlike`` (hair of the hair's colour) joined to ``above`` (the hair
    above the chin) through more than a thin line (an opening by ``STRAND`` shoulder
    widths): hair falling in front of the neck hangs down from the head in locks, while
    a white collar under white hair (Joe Biden's) joined it only along the lit rim of the
    jaw and the cheek."""
    k = max(3, int(STRAND * sw)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    thick = cv2.morphologyEx(hairlike.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0
    return touching(thick, thick & above)


def _skin_hue(lab: NDArray[np.float32], face: Mask) -> Mask:
    """Pixels of the face skin's hue (a*, b* within ``SKIN_DAB`` of its median, any
    lightness): the shaded neck under the chin, not a collar. None without face skin."""
    if face.sum() < 50:
        return np.zeros(face.shape, bool)
    d = lab[..., 1:] - np.median(lab[face][:, 1:], axis=0).astype(np.float32)
    out: Mask = np.einsum("ijk,ijk->ij", d, d) < SKIN_DAB * SKIN_DAB
    return out
