"""Anti-aliased rims un-mixed: a garment cut out of its product photo separated from the
photo's background, and the person's own outlines separated from the old clothes.

A product photo's garment edge pixels are a mix of the fabric and the (white or light grey)
background, and the cut-out mask reaches one or two pixels into that mix. Warped onto a
person, they drew a light dotted outline along the garment (white specks between a red
sleeve and a dark arm), and the colours bled outward from them for the anti-aliased edge
were light too. Each rim pixel's share of fabric is measured on the line from the
background colour to the fabric colour just inside it; the background is taken out of
pixels mostly of fabric, and pixels mostly of background take the fabric colour just
inside them (the mask, and so the garment's size, stays as it is). Where
the fabric is close to the background colour (a white garment on white) the share cannot
be told and, as the mix is then nearly the fabric's own colour, the rim stays as it is.
The same share is the garment's coverage of each rim pixel (:func:`coverage`): warped in
place of the mask, the outline follows the photo's own anti-aliased edge instead of the
mask's whole-pixel steps and the near-white specks the mask took in beside it.

On the person, whatever stays in front of a new garment (hands, arms, face, hair, an old top
over new trousers) has an outline mixed with the old clothing behind it; against a new
garment of another colour that mix drew a halo (a beige rim round a hand laid on navy
trousers, a dark one round an arm on a red shirt). The share of old clothing in each pixel of
that rim is measured the same way, between the colour just inside the outline and the old
clothing's, and swapped for the new surface's colour (:func:`swap_rims`).
Images HxWx3 uint8 RGB, masks HxW bool.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.blend import mask_box
from .render import clean_edge

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
RIM = 3              # px: the rim examined, inside the mask's outline
CORE = 2             # px: the fabric colour is taken from this far beyond the rim, inside
MIN_CONTRAST = 40.0  # RGB distance fabric - background under which the share is not measured
KEEP = 0.5           # a rim pixel with less fabric than this takes the fabric's colour
OLD_NEAR = 0.5       # share of old clothing under the new surface by a rim pixel to un-mix it
BEYOND = 8.0         # RGB: a swapped rim pixel goes at most this far past the colours it
                     # ends between (what stays and the new surface)
SAME = 12            # RGB difference (each channel) under which old clothing is the background
EDGE_ALPHA = 0.003   # a garment's soft edge: alpha above this
SOLID_ALPHA = 0.99   # and below this (the old clothing under it still shows)
AROUND = 61          # px: the square the background's colour is taken from
SOLID_SHARE = 0.85   # a cut-out's rim pixel this far from the background is all garment
EDGE_SIGMA = 0.7     # px: a mask's whole-pixel outline softened where no mix is measured


@dataclass(frozen=True)
class Rim:
    """A cut-out's rim (the ``RIM`` px inside its mask's outline, HxW bool) and, at its N
    pixels, their colours ``mix``, the fabric colour just inside them (Nx3 float32 RGB),
    whether that fabric stands out from the photo's ``background`` (RGB) enough to measure
    the mix (``known``, N bool)."""

    at: Mask
    mix: F32
    fabric: F32
    background: F32
    known: NDArray[np.bool_]


def cut_out_rim(img: NDArray[np.uint8], mask: Mask) -> Rim | None:
    """The :class:`Rim` of a cut-out (HxWx3 uint8 RGB, garment ``mask`` HxW bool), None
    when the mask or the background around it is too small to measure."""
    outside = ~_grown(mask, RIM)
    if outside.sum() < 100 or mask.sum() < 400:
        return None
    background = np.median(img[outside].astype(np.float32), axis=0)
    rim = mask & _grown(~mask, RIM)
    fabric, weight = _local_mean(img, mask & ~_grown(~mask, RIM + CORE), rim)
    known = (np.linalg.norm(fabric - background, axis=-1) >= MIN_CONTRAST) & (weight > 0.02)
    return Rim(rim, img[rim].astype(np.float32), fabric, background.astype(np.float32), known)


def unmix_rim(img: NDArray[np.uint8], mask: Mask, rim: Rim | None = None) -> NDArray[np.uint8]:
    """The cut-out image (HxWx3 uint8 RGB, garment ``mask`` HxW bool) with the background
    taken out of its rim: pixels mostly of fabric unmixed, the others (mostly background:
    the mask's outermost pixels) given the colour of the fabric just inside them.
    ``rim``: the cut-out's :func:`cut_out_rim` when already measured."""
    rim = rim or cut_out_rim(img, mask)
    if rim is None:
        return img
    mix, background = rim.mix, rim.background
    share = fabric_share(mix, rim.fabric, background)[..., None]
    unmixed = np.where(share >= KEEP, (mix - (1 - share) * background) / np.maximum(share, KEEP),
                       rim.fabric)
    out = img.copy()
    out[rim.at] = np.clip(np.where(rim.known[..., None], unmixed, mix) + 0.5, 0,
                          255).astype(np.uint8)
    return out


def coverage(img: NDArray[np.uint8], mask: Mask, rim: Rim | None = None) -> F32:
    """HxW float32 0..1: how much of each pixel of a cut-out (HxWx3 uint8 RGB, garment
    ``mask`` HxW bool) is garment. 1 inside; in the rim, where the fabric stands out from
    the background, its distance from the background over the fabric's (reaching 1 at
    ``SOLID_SHARE``: a rim pixel a little lighter than the fabric is no see-through edge),
    so that the outline follows the photo's own anti-aliased edge, a fraction of a pixel
    at a time, instead of the mask's whole-pixel steps and the near-white specks it takes
    in; elsewhere in the rim the mask without its mixed outer pixel (:func:`clean_edge`)
    softened over a pixel (``EDGE_SIGMA``: a white garment on white). 0 outside the
    mask. ``rim``: the cut-out's :func:`cut_out_rim` when already measured."""
    solid = clean_edge(mask).astype(np.float32)
    soft = np.asarray(cv2.GaussianBlur(solid, (0, 0), EDGE_SIGMA), np.float32) * mask
    rim = rim or cut_out_rim(img, mask)
    if rim is None:
        return soft
    span = np.linalg.norm(rim.fabric - rim.background, axis=-1)
    share = np.linalg.norm(rim.mix - rim.background, axis=-1) / np.maximum(span, 1e-3)
    cover = np.clip(share / SOLID_SHARE, 0.0, 1.0)
    out: F32 = np.where(mask, 1.0, 0.0).astype(np.float32)
    out[rim.at] = np.where(rim.known, cover, soft[rim.at])
    return out


def swap_rims(img: NDArray[np.uint8], out: NDArray[np.uint8], painted: Mask, alpha: F32,
              old: Mask, fixed: Mask, person: Mask | None = None) -> NDArray[np.uint8]:
    """``out`` (the dressed photo, HxWx3 uint8 RGB) with the share of the ``old`` clothing
    (the clothing the garments replace, HxW bool) in the rims of what stays (the ``RIM`` px
    beside the new surfaces: garments drawn with ``alpha`` (HxW float32, already
    composited) over 0.5 and the ``painted`` repainted old clothing) swapped for the new
    surface's colour, also under the garments' soft edges; ``img`` the person photo;
    ``fixed`` pixels (the face and hair) stay as they are. Only rims where the new surface
    nearby lies mostly (``OLD_NEAR``) over old clothing count: a bare arm going on beyond a
    sleeve is not mixed with anything; nor is old clothing of the colour of the background
    outside the ``person`` beside it (:func:`_background_like`); a pixel is never pushed
    more than ``BEYOND`` past the colours of what stays and the new surface. The old
    clothing under the garments' own soft edges is swapped first (:func:`under_edges`)."""
    out = under_edges(img, out, painted, alpha, old)
    new = painted | (alpha > 0.5)
    kept = ~new
    rim = ~painted & ~fixed & (alpha < 0.99) & _grown(new, RIM) & _grown(kept, RIM)
    if not rim.any():
        return out
    box = mask_box(rim, RIM + CORE + 2)       # the means below only look this far
    far = (~_grown(kept, CORE))[box]
    new, kept, rim, alpha, old = new[box], kept[box], rim[box], alpha[box], old[box]
    if person is not None:
        old = old & ~_background_like(img, person, box)
    cloth, w_old = _local_mean(img[box], old & new & far, rim)
    fresh, w_new = _local_mean(out[box], new & far, rim)
    front, w_front = _local_mean(img[box], kept & ~_grown(new, RIM), rim)
    share = fabric_share(img[box][rim].astype(np.float32), cloth, front)
    known = (np.linalg.norm(cloth - front, axis=-1) >= MIN_CONTRAST) & \
        (w_old >= OLD_NEAR * w_new) & (np.minimum(w_new, w_front) > 0.02)
    gain = ((1 - alpha[rim]) * share * known)[..., None]
    swapped = out.copy()
    part = swapped[box]
    was = part[rim].astype(np.float32)
    # a true mix of what stays and the old clothing ends between it and the new surface:
    # never pushed further past them (the light backdrop seen between a hand and old
    # jeans, lighter than both, went to white)
    lo = np.minimum(np.minimum(fresh, front) - BEYOND, was)
    hi = np.maximum(np.maximum(fresh, front) + BEYOND, was)
    mixed = np.clip(was + gain * (fresh - cloth), lo, hi)
    part[rim] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    return swapped


def under_edges(img: NDArray[np.uint8], out: NDArray[np.uint8], painted: Mask, alpha: F32,
                old: Mask) -> NDArray[np.uint8]:
    """``out`` (the dressed photo, HxWx3 uint8 RGB) with the ``old`` clothing of ``img``
    that stayed under the garments' soft edges (``alpha`` between ``EDGE_ALPHA`` and
    ``SOLID_ALPHA``; only the old clothing they leave uncovered is repainted, ``painted``)
    swapped, in its ``1 - alpha`` share, for the repainted surface beside it (the mean of
    the painted pixels off the garments within ``RIM + CORE + 1`` px): a white garment's
    anti-aliased edge over a black old top drew a dark outline between the garment and the
    skin painted beside it."""
    edge = old & ~painted & (alpha > EDGE_ALPHA) & (alpha < SOLID_ALPHA)
    if not edge.any():
        return out
    box = mask_box(edge, RIM + CORE + 2)
    free = painted[box] & (alpha[box] <= EDGE_ALPHA)
    colour, weight = _local_mean(out[box], free, edge[box])
    near = (weight > 0.02)[..., None]
    share = (1 - alpha[box][edge[box]])[..., None]
    fixed = out.copy()
    part = fixed[box]
    was = part[edge[box]].astype(np.float32)
    new = was + share * (colour - img[box][edge[box]].astype(np.float32))
    part[edge[box]] = np.clip(np.where(near, new, was) + 0.5, 0, 255).astype(np.uint8)
    return fixed


def _background_like(img: NDArray[np.uint8], person: Mask, box: tuple[slice, slice]) -> Mask:
    """Within ``box``: the pixels within ``SAME`` of the mean colour of the background
    (outside the ``person``) in the ``AROUND`` px square round them: the photo's background
    that the parsing took for old clothing (the strip between an arm and a loose top) is not
    clothing an outline beside it is mixed with."""
    m = AROUND // 2 + 1
    h, w = person.shape
    rows = slice(max(0, box[0].start - m), min(h, box[0].stop + m))
    cols = slice(max(0, box[1].start - m), min(w, box[1].stop + m))
    part = img[rows, cols].astype(np.float32)
    outside = (~person[rows, cols]).astype(np.float32)
    weight = np.asarray(cv2.blur(outside, (AROUND, AROUND)), np.float32)
    total = np.asarray(cv2.blur(part * outside[..., None], (AROUND, AROUND)), np.float32)
    colour = total / np.maximum(weight, 1e-4)[..., None]
    like = (weight > 0.05) & (np.abs(part - colour).max(axis=-1) <= SAME)
    out: Mask = like[box[0].start - rows.start:box[0].stop - rows.start,
                     box[1].start - cols.start:box[1].stop - cols.start]
    return out


def fabric_share(mix: F32, fabric: F32, background: F32) -> F32:
    """The share (0..1, the projection, clipped) of ``fabric`` in ``mix`` (both ...x3
    float32 RGB, the same shape) on the line from ``background`` (RGB) to it."""
    span = fabric - background
    num = ((mix - background) * span).sum(axis=-1)
    den = np.maximum((span * span).sum(axis=-1), 1e-3)
    out: F32 = np.clip(num / den, 0.0, 1.0).astype(np.float32)
    return out


def _local_mean(img: NDArray[np.uint8], core: Mask, at: Mask) -> tuple[F32, F32]:
    """(Nx3 float32 colour, N float32 weight) at the N pixels of ``at``: the mean colour of
    the ``core`` pixels in the (2 (``RIM + CORE + 1``) + 1)^2 box around each, and the
    share of core pixels in it."""
    box = (2 * (RIM + CORE + 1) + 1,) * 2
    weight = np.asarray(cv2.blur(core.astype(np.float32), box), np.float32)[at]
    total = np.asarray(cv2.blur(img.astype(np.float32) * core[..., None], box), np.float32)[at]
    colour: F32 = (total / np.maximum(weight, 1e-4)[..., None]).astype(np.float32)
    return colour, weight


def _grown(mask: Mask, px: int) -> Mask:
    """``mask`` dilated by ``px`` pixels (square)."""
    kernel = np.ones((2 * px + 1, 2 * px + 1), np.uint8)
    out: Mask = cv2.dilate(mask.astype(np.uint8), kernel) > 0
    return out
