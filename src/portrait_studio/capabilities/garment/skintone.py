"""Painted torso skin continuing the real skin it touches: at the contact it takes the
real skin's own colour there (the torso's side beside an arm is in the arm's shadow, an
old strap's line lies between two tones), fading into the continued tone field away from
it. Images HxWx3 float32 RGB 0..255, masks HxW bool."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from .render import push_pull

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
BAND = 4             # px: real skin this near the painted region gives the contact colour
SIGMA = 3.0          # px: the contact colour is averaged along the contact this much
HUE = 12.0          # Lab a/b distance: contact pixels of about the skin's hue
REACH = 0.06         # x shoulder width: the contact colour fades out over this distance


def contact_colour(img: NDArray[np.uint8], real: Mask, part: Mask, tone: F32) -> (
        tuple[F32, Mask]):
    """(HxWx3 float32 colour, HxW bool band): the ``real`` skin's colour within ``BAND`` px
    of ``part`` (the painted region), averaged over ``SIGMA`` px of that band only and
    continued (push-pull) everywhere else; ``band`` the real pixels it comes from: those
    of about the continued ``tone``'s hue (:func:`_skin_like`; a light collar or the
    background taken for skin is no contact)."""
    near = cv2.dilate(part.astype(np.uint8), np.ones((2 * BAND + 1,) * 2, np.uint8)) > 0
    band = real & near & ~part & _skin_like(img, tone)
    w = cv2.GaussianBlur(band.astype(np.float32), (0, 0), SIGMA)
    col = cv2.GaussianBlur(img.astype(np.float32) * band[..., None], (0, 0), SIGMA)
    local = (col / np.maximum(w, 1e-6)[..., None]).astype(np.float32)
    known = band & (w > 0.05)
    if not known.any():
        return local, known
    return push_pull(np.where(known[..., None], local, 0).astype(np.float32), known), known


def _skin_like(img: NDArray[np.uint8], tone: F32) -> Mask:
    """Pixels whose chroma (Lab a, b) is within ``HUE`` of ``tone``'s (any lightness: the
    shaded edge of an arm is skin)."""
    lab = rgb_to_lab(img.astype(np.float32))
    ref = rgb_to_lab(tone.astype(np.float32))
    out: Mask = np.hypot(lab[..., 1] - ref[..., 1], lab[..., 2] - ref[..., 2]) < HUE
    return out


def at_contact(tone: F32, img: NDArray[np.uint8], real: Mask, part: Mask, off_limb: Mask,
               sw: float) -> F32:
    """``tone`` (HxWx3 over a box) with the painted ``part``'s pixels off the limbs
    (``off_limb``) taking the touching ``real`` skin's colour (:func:`contact_colour`) at
    the contact, fading (smoothstep) into ``tone`` over ``REACH`` shoulder widths."""
    colour, known = contact_colour(img, real, part, tone)
    if not known.any():
        return tone
    w = contact_weight(real, part & off_limb, REACH * sw)
    out: F32 = (tone + w[..., None] * (colour - tone)).astype(np.float32)
    return out


def contact_weight(real: Mask, part: Mask, reach: float) -> F32:
    """HxW float32: 1 on ``part`` where it touches ``real`` skin, falling (smoothstep) to
    0 at ``reach`` px from it; 0 off ``part``."""
    dist = cv2.distanceTransform((~real).astype(np.uint8), cv2.DIST_L2, 3)
    u = np.clip(dist / max(2.0, reach), 0, 1)
    out: F32 = ((1 - u * u * (3 - 2 * u)) * part).astype(np.float32)
    return out
