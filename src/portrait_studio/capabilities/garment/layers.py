"""A garment's warped layers: a top's (or dress's) torso and each sleeve warped onto the
person separately, a bottom in one piece (:func:`warp_layers`), and what the layers dress:
the torso parts (:func:`is_torso`) and the arms and legs (:func:`limb_covers`). Cut-outs
HxWx3 uint8 RGB, masks HxW bool, alphas HxW float32 in 0..1.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.blend import mask_box
from ...imaging.color import rgb_to_lab
from .body import Body
from .cutout import Cutout
from .fit import Anchors, Fit, Warped, bodysuit, bottom_pairs, top_pairs, warp_garment
from .neckback import inside_back
from .render import bleed, clean_edge
from .shape import GarmentShape, limb_mask, sleeve_bands
from .sideview import on_side
from .sleeve_fit import low_neck, settle_shoulders, sleeve_layer
from .split import palette, palette_distance
from .topline import on_shoulders
from .unmix import coverage, cut_out_rim, unmix_rim

SEAM_BAND = 0.12    # x torso width: beyond the seam line, where the torso's colours cross it
CORE = 0.05         # x torso width: beyond the seam line, the sleeve's core (on its rim, the
                    # pixels nearer the seam are not the sleeve's own)
OWN_SHARE = 0.01    # a colour this share of the sleeve beyond the band is its own
FOREIGN_DE = 20.0   # Lab distance from every colour of the sleeve's own from which a pixel
                    # in the band is another fabric (when within half of it of the torso's)
RIM = 3             # px: the cut-out's outline, where no other fabric is looked for
RING = 2            # px around another fabric dropped with it (its seam's shadow)


@dataclass(frozen=True)
class Layer:
    """One warped part of a garment: the torso (or whole bottom) or one sleeve."""

    kind: str
    sleeve: bool
    warped: Warped
    sleeveless: bool = False
    neck_y: float | None = None     # image row of the garment's collar top (torso layers)
    straps: bool = False            # a strappy top's or a halter's torso (its straps stay thin)
    low_neck: bool = False          # a low neckline's torso (:func:`.sleeve_fit.low_neck`)
    bodysuit: bool = False          # worn under the bottoms (:func:`.fit.bodysuit`)


def warp_layers(cutout: Cutout, kind: str, gshape: GarmentShape, body: Body, fit: Fit,
                anchors: Anchors) -> list[Layer]:
    """The garment (``cutout`` of ``kind`` with keypoints and sleeve masks ``gshape``) on
    the person: the torso and each sleeve warped separately (a sleeve follows its arm
    without dragging the torso; the torso reaches 4 px past the seam, the sleeve 3 px
    behind it, so no gap opens between them), a crew neck's torso without the inside back
    seen through its neckline (:mod:`.neckback`); bottoms in one piece."""
    shape = body.person.shape
    mask = clean_edge(cutout.mask)
    rim = cut_out_rim(cutout.image, cutout.mask)
    fabric = unmix_rim(cutout.image, cutout.mask, rim)
    cover = coverage(cutout.image, cutout.mask, rim)
    img = bleed(fabric, mask)
    if kind == "bottom":
        pairs = bottom_pairs(gshape, body.pose, fit, anchors)["body"]
        return [Layer(kind, False, warp_garment(img, cover, pairs, shape))]
    parts = top_pairs(gshape, body.pose, fit, anchors)
    parts["body"] = settle_shoulders(on_side(parts["body"], gshape.points,
                                             gshape.torso_width / 2, body, fit.width),
                                     gshape, body)
    torso = cutout.mask & ~limb_mask(mask, gshape, margin=4.0)
    opening = np.zeros_like(mask)
    if not gshape.strap_width:      # the neck fills a crew neck: its inside back is not shown
        collar = gshape.points["neck"]
        opening = inside_back(cutout.image, mask, (float(collar[0]), float(collar[1])),
                              gshape.torso_width)
        torso &= ~opening
    parts["body"] = on_shoulders(parts["body"], gshape, mask, body, opening)
    neck = next(b for gp, b in parts["body"] if gp is gshape.points["neck"])
    layers = [Layer(kind, False, warp_garment(img, cover * torso, parts["body"], shape),
                    not gshape.limbs, float(neck[1]), gshape.strap_width > 0 or gshape.halter,
                    low_neck(gshape), bodysuit(gshape))]
    for side, idx in zip(("l", "r"), body.pose.sides(), strict=True):
        if side in parts and not body.pose.arm_hidden(idx):  # no sleeve on a hidden arm
            # the sleeve's colours near the seam are its own fabric continued: the torso's
            # sliver beyond a straight seam line drew a wedge of another colour at the armpit
            own = bleed(fabric, own_fabric(cutout.image, mask, gshape, side))
            warped = sleeve_layer(own, limb_mask(mask, gshape, side), gshape, side, body,
                                  parts["body"], fit, cover * limb_mask(cutout.mask, gshape, side),
                                  layers[0].warped.alpha)
            if warped is not None:
                layers.append(Layer(kind, True, warped))
    return layers


def own_fabric(img: NDArray[np.uint8], mask: NDArray[np.bool_], gshape: GarmentShape,
               side: str) -> NDArray[np.bool_]:
    """HxW bool: the pixels of a sleeve's own fabric on the cut-out (HxWx3 uint8 RGB,
    garment ``mask``): its :func:`.shape.limb_mask` without the torso's colours that a
    curved armhole carries beyond the straight seam line (up to ``SEAM_BAND`` torso widths
    beyond it: colours ``FOREIGN_DE`` from every colour of the sleeve beyond that band and
    within half that of one of the torso's just inside the seam, at least ``RIM`` px inside
    the outline, and ``RING`` px around them: the shadow of the seam between them; on the
    outline's ``RIM``, every pixel less than ``CORE`` torso widths beyond the seam: the
    armpit's corner). FILA's white chest band reached 6% of the torso width past the seam:
    a white fleck at the top of every right sleeve. The rest of the band is kept as it is
    (a patterned sleeve's checks continue up to its seam: dropping all of the band's first
    ``CORE`` left it to the smooth bleed, a pattern-less stripe along the polo's sleeves)."""
    tw = gshape.torso_width
    sleeve, core, far, inside, beyond = sleeve_bands(
        mask, gshape, side, (-3.0, CORE * tw, SEAM_BAND * tw, -CORE * tw, 0.0))
    band = sleeve & ~far
    beside = inside & ~beyond
    if far.sum() < 200 or not band.any() or not beside.any():
        return sleeve
    box = mask_box(sleeve | beside, 0)
    lab = rgb_to_lab(img[box])
    own, torso = palette(lab, far[box], OWN_SHARE), palette(lab, beside[box], OWN_SHARE)
    if not len(own) or not len(torso):
        return sleeve
    # inside the outline only: its rim against the backdrop is light on any fabric
    inner = cv2.erode(mask.astype(np.uint8), np.ones((2 * RIM + 1,) * 2, np.uint8)) > 0
    band &= inner
    near = lab[band[box]]
    foreign = np.zeros_like(sleeve)
    foreign[band] = (palette_distance(near, own) > FOREIGN_DE) & \
        (palette_distance(near, torso) < FOREIGN_DE / 2)
    grown = cv2.dilate(foreign.astype(np.uint8), np.ones((2 * RING + 1,) * 2, np.uint8)) > 0
    # the rim by the seam is the armpit's corner, where the torso's colours reach it
    out: NDArray[np.bool_] = sleeve & ~(grown & band) & (core | inner)
    return out


def is_torso(layer: Layer) -> bool:
    """A top's or a dress's body part (not a sleeve, not a bottom)."""
    return layer.kind != "bottom" and not layer.sleeve


def limb_covers(layers: list[Layer], alphas: list[NDArray[np.float32]]) -> dict[
        str, NDArray[np.float32]]:
    """Alpha of the garment parts that dress the arms (sleeves) and the legs (bottoms,
    dresses)."""
    shape = alphas[0].shape
    covers = {"arms": np.zeros(shape, np.float32), "legs": np.zeros(shape, np.float32)}
    for ly, a in zip(layers, alphas, strict=True):
        if ly.sleeve:
            covers["arms"] = np.maximum(covers["arms"], a)
        elif ly.kind in ("bottom", "full"):
            covers["legs"] = np.maximum(covers["legs"], ly.warped.alpha)
    return covers
