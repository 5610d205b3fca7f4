"""What the person segmentation took in that is not the person: a dog held in the arms, a
chair or a second figure beside or in front of them.

The selfie segmentation marks every person-like thing; the pose model's own segmentation
(:attr:`Pose.own`) marks only the one person whose landmarks it found. Large pieces the
first keeps and the second clearly rejects are another thing (the seed); it is grown, along
pixels of its own colours that are not more like the person's, to where it lies over the
person (a dog's paw on the shoulder, which the coarse pose mask still counts as hers). The
face, hair and hands are never another thing. Lab HxWx3 float32, masks HxW bool.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import touching
from .pose import Pose
from .regions import large_pieces, without_slivers
from .split import palette, palette_distance

Mask = NDArray[np.bool_]
REJECTED = 0.2      # pose mask below this: not the person
SURE = 0.9          # pose mask above this: the person (her own colours)
MIN_AREA = 0.5      # smallest seed piece, in squared shoulder widths
SAME = 14.0         # Lab distance to the thing's palette that takes a pixel in
CLOSER = 0.7        # ... when also this much closer to it than to the person's palette
SHARE = 0.02        # palette colours: histogram bins holding this share of the pixels


def other_things(lab: NDArray[np.float32], person: Mask, pose: Pose, keep: Mask) -> Mask:
    """The pixels of ``person`` (selfie segmentation) that belong to something else (see
    the module's docstring); never ``keep`` (face, hair, hands). Nothing when the pose
    carries no mask of its own or no large piece is rejected by it."""
    seed = _seed(person, pose)
    if not seed.any():
        return seed
    own = pose.own if pose.own is not None else np.ones(person.shape, np.float32)
    thing = palette(lab, seed, SHARE)
    if not len(thing):
        return seed & ~keep
    open_ = person & ~keep              # only these pixels can be taken in
    px = lab[open_]
    d_thing = palette_distance(px, thing)
    far = np.zeros(person.shape, bool)
    far[open_] = d_thing > SAME
    mine = palette(lab, far & (own > SURE), SHARE)
    d_mine = palette_distance(px, mine) if len(mine) else np.full(len(px), np.inf, np.float32)
    like = np.zeros(person.shape, bool)
    like[open_] = (d_thing < SAME) & (d_thing < CLOSER * d_mine)
    out: Mask = touching(like | seed, seed) & ~keep
    return out


def _seed(person: Mask, pose: Pose) -> Mask:
    """Pieces (opened by 0.08 shoulder widths) of ``person`` that the pose's own mask
    rejects (below ``REJECTED``), each at least ``MIN_AREA`` squared shoulder widths."""
    if pose.own is None or pose.own.shape != person.shape:
        return np.zeros(person.shape, bool)
    sw = pose.shoulder_width
    seed = without_slivers(person & (pose.own < REJECTED), 0.08 * sw)
    return large_pieces(seed, MIN_AREA * sw * sw)
