"""Tone and relief of the torso skin painted where a new top uncovers the chest or neck.

The painting continues the real skin it touches: at the contact it is that skin's own
colour (:func:`skintone.contact_colour`: a neck in the chin's shadow, an arm's shaded
side), and over ``FADE`` shoulder widths it goes to the chest's lit tone: the lit part of
the real neck and chest skin nearby (its lightness between the 40th and 90th percentiles; a
neck in the hair's shadow or skin seen through a crochet top is not the chest's tone),
``FACE`` of the way toward the lit cheeks (``body.skin_rgb``), the cheeks' alone when no
such skin shows (a suit). Over that tone lies a relief (a multiplier ~1 drawn in the body
frame, in shoulder widths from the midpoint of the shoulder joints): the torso rounding off
toward its sides, the collarbones (a light ridge from the throat's notch out to the
shoulders, a soft shadow under it, the hollow above their outer part), the notch, a faint
groove down the sternum, the neck's front and the chin's shadow, which runs on a little
below the notch; it is stronger (``GAIN_MIN`` to ``GAIN_MAX``) where the real neck and
chest skin varies more (even a smooth, evenly lit neck gets visible collarbones). The
relief is taken relative to its own value at the contact (which the real skin's colour
already holds) and eased in over ``EASE`` shoulder widths from it, so the contact stays
exact. The real skin's last few pixels beside the painting (the old clothing's shadow or
blended rim on it: a dark line along an old neckline) are painted over too
(:func:`skin_rim`, :func:`rim_alpha`), the contact colour taken beyond them.
Images HxWx3 float32 RGB 0..255 (the photo uint8),
masks HxW bool, all over one box of the image (``Box``: its row and column slices).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import lab_to_rgb, rgb_to_lab
from .body import Body
from .chestkeep import keep_own, own_skin
from .fit import body_frame
from .render import push_pull
from .skintone import contact_colour, contact_weight

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]
Box = tuple[slice, slice]
FADE = 0.22          # x shoulder width: the contact's colour gives way to the chest's tone
EASE = 0.06          # x shoulder width: the relief fades in from the contact over this
FACE = 0.3           # how far (0..1) the chest's tone goes from the real chest's to the cheeks'
NEAR = 0.4           # x shoulder width: real torso skin this near the painting gives its tone
MIN_SKIN = 0.01      # x shoulder width squared: less real torso skin: the cheeks' tone
SPREAD = 0.15        # the real torso skin's lightness spread of a relief gain 1
GAIN_MIN = 1.3       # the weakest relief gain (a smooth real neck still has collarbones)
GAIN_MAX = 1.8       # the strongest relief gain
CHIN_SHADE = 0.2     # darkening right under the head (the chin's shadow)
NECK_SHADE = 0.08    # darkening of the neck's front above the notch (under the head)
NECK_FALL = 0.06     # the neck's shadow running on below the notch, fading out downward
SIDES = 0.15         # darkening of the torso's sides (0.6 shoulder widths from the midline)
NOTCH = (0.0, -0.12)  # the throat's notch (across, down; x shoulder width)
CLAVICLE_END = (0.46, -0.17)  # a collarbone's outer end
LIGHT = 0.05         # the upper chest's lit middle, below the collarbones
RIM_DARK = 2.0       # L*: a rim this much darker than the skin beyond it is painted over
RIM = 0.015          # x shoulder width: the painting covers the real skin's rim this far
EDGE_SHADE = 0.06    # darkening of the painting right at the clothing beside it
HUE_SLOPE = (-0.6, 0.3)  # Lab a, b per L*: the painted shadows' hue shift within this
HUE_SKIN = 300       # px of real torso skin the hue shift is measured on, at least
RIDGE, UNDER, HOLLOW = 0.05, 0.06, 0.08   # collarbone light, shadow under it, hollow above


def chest_tone(tone: F32, img: NDArray[np.uint8], body: Body, box: Box, part: Mask,
               off_limb: Mask) -> F32:
    """``tone`` (HxWx3 over ``box``) with the painted ``part``'s pixels off the limbs
    (``off_limb``) continuing the touching real skin into the chest's lit tone, times the
    chest's relief taken relative to the contact (module docstring); real neck skin the
    body analysis took for the old top keeps the photo's colours and counts as real skin
    (:mod:`chestkeep`)."""
    real = (body.skin & ~body.hands & ~body.head)[box] & ~part
    paint = part & off_limb
    if not paint.any():
        return tone
    neck = _frame_coords(body, box, part.shape)[1] < 0    # above the shoulder joints
    own = own_skin(img, body, box, paint, neck)   # real skin taken for the old top: kept
    real, part, paint = real | own, part & ~own, paint & ~own
    if not paint.any():
        return keep_own(tone, img, own)
    lit, gain = chest_colour(img, body, box, part, real)
    relief = (1 + gain * (chest_relief(body, box, part.shape) - 1)).astype(np.float32)
    base, ratio = _from_contact(tone, img, real, part, paint, lit, relief,
                                body.pose.shoulder_width)
    slopes = hue_slopes(img, (body.skin & ~(body.head | body.hands | body.arms))[box])
    out: F32 = np.where(paint[..., None], shadow_hue(base, ratio, slopes), tone).astype(
        np.float32)
    return keep_own(out, img, own)


def hue_slopes(img: NDArray[np.uint8], real: Mask) -> tuple[float, float]:
    """(da/dL, db/dL): how the ``real`` torso and neck skin's Lab a and b change with its
    lightness (least squares, 2 px in from its outline), each within ``HUE_SLOPE``;
    (0, 0) with under ``HUE_SKIN`` pixels or little lightness spread. Real skin in shadow
    is redder than in light (a rises as L falls: da/dL -0.2 to -0.45 on the corpus)."""
    inner = cv2.erode(real.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if inner.sum() < HUE_SKIN:
        return 0.0, 0.0
    lab = rgb_to_lab(img[inner].reshape(-1, 1, 3))[:, 0]
    lum = lab[:, 0] - float(lab[:, 0].mean())
    var = float((lum * lum).mean())
    if var < 4.0:
        return 0.0, 0.0
    a, b = (float(np.clip((lum * (lab[:, k] - lab[:, k].mean())).mean() / var, *HUE_SLOPE))
            for k in (1, 2))
    return a, b


def shadow_hue(base: F32, ratio: F32, slopes: tuple[float, float]) -> F32:
    """HxWx3 float32: ``base`` times the relief ``ratio``, its Lab a and b then moved from
    the base's by ``slopes`` (:func:`hue_slopes`) per unit of lightness the relief changed:
    the painted shadows take the real skin's hue shift (a plain multiplier left them
    greyer, olive shoulders beside 049205's redder neck)."""
    out: F32 = (base * ratio[..., None]).astype(np.float32)
    if slopes == (0.0, 0.0):
        return out
    lab0, lab = rgb_to_lab(np.clip(base, 0, 255)), rgb_to_lab(np.clip(out, 0, 255))
    d = lab[..., 0] - lab0[..., 0]
    lab[..., 1] = lab0[..., 1] + slopes[0] * d
    lab[..., 2] = lab0[..., 2] + slopes[1] * d
    res: F32 = lab_to_rgb(lab).astype(np.float32)
    return res


def _from_contact(tone: F32, img: NDArray[np.uint8], real: Mask, part: Mask, paint: Mask,
                  lit: F32, relief: F32, sw: float) -> tuple[F32, F32]:
    """(HxWx3 base tone, HxW relief ratio) of the ``paint`` pixels: the touching ``real``
    skin's colour fading into ``lit`` over ``FADE`` shoulder widths, and the ``relief``
    over its own value continued from the contact, eased in over ``EASE``; ``lit`` and the
    plain relief when no real skin touches."""
    colour, known = contact_colour(img, real, part, tone)
    base = np.broadcast_to(lit, tone.shape).astype(np.float32)
    if not known.any():
        return base, relief
    w = contact_weight(real, paint, FADE * sw)
    base = (base + w[..., None] * (colour - base)).astype(np.float32)
    at = push_pull(relief[..., None], known)[..., 0]
    ratio = relief / np.maximum(at * w + (1 - w), 0.3)
    near = contact_weight(real, paint, EASE * sw)
    out: F32 = (1 + (1 - near) * (ratio - 1)).astype(np.float32)
    return base, out


def chest_colour(img: NDArray[np.uint8], body: Body, box: Box, part: Mask,
                 real: Mask) -> tuple[F32, float]:
    """(RGB (3,) float32, relief gain): the chest's lit tone: the mean of the real torso
    skin (:func:`_torso_skin`) whose lightness is between its 40th and 90th percentiles,
    ``FACE`` of the way toward the cheeks' colour (the cheeks' alone when too little such
    skin shows); the gain: that skin's lightness spread (10th to 90th percentile over the
    median) over ``SPREAD``, within ``GAIN_MIN``..``GAIN_MAX``: a strongly modelled neck
    and chest get a stronger relief."""
    face = body.skin_rgb.astype(np.float32)
    rgb, lum = _torso_skin(img, body, box, part, real)
    if len(lum) < max(150.0, MIN_SKIN * body.pose.shoulder_width ** 2):
        return face, GAIN_MIN
    p10, lo, mid, hi = np.percentile(lum, [10, 40, 50, 90])
    pick = (lum >= lo) & (lum <= hi)
    chest = rgb[pick].mean(axis=0)
    gain = float(np.clip((hi - p10) / max(float(mid), 1.0) / SPREAD, GAIN_MIN, GAIN_MAX))
    out: F32 = (chest + FACE * (face - chest)).astype(np.float32)
    return out, gain


def _torso_skin(img: NDArray[np.uint8], body: Body, box: Box, part: Mask,
                real: Mask) -> tuple[F32, F32]:
    """(Nx3 float32 RGB, N float32 L*) of the real torso skin beside the painting: ``real``
    (over the box) off the arms, within ``NEAR`` shoulder widths of ``part``, not on its
    outline, of about the cheeks' hue (Lab a, b within 15: no hair, no shirt)."""
    dist = cv2.distanceTransform((~part).astype(np.uint8), cv2.DIST_L2, 3)
    near = real & ~body.arms[box] & (dist < NEAR * body.pose.shoulder_width)
    near = cv2.erode(near.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    rgb = img[near].astype(np.float32)
    if len(rgb) == 0:
        return rgb, np.zeros(0, np.float32)
    lab = rgb_to_lab(rgb.reshape(-1, 1, 3))[:, 0]
    ref = rgb_to_lab(body.skin_rgb.astype(np.float32).reshape(1, 1, 3))[0, 0]
    hue = np.hypot(lab[:, 1] - ref[1], lab[:, 2] - ref[2]) < 15.0
    return rgb[hue], lab[hue, 0]


def chest_relief(body: Body, box: Box, shape: tuple[int, int]) -> F32:
    """HxW float32 multiplier ~1 over the box: the torso's rounding, the collarbones, the
    throat's notch, the sternum's groove, the upper chest's light, the neck's front and
    the chin's shadow (module docstring)."""
    a, v = _frame_coords(body, box, shape)
    out = 1.0 - SIDES * np.clip(np.abs(a) / 0.6, 0, 1.3) ** 2
    out += _clavicles(np.abs(a), v)
    out -= 0.08 * np.exp(-((a / 0.035) ** 2 + ((v - NOTCH[1] - 0.01) / 0.03) ** 2))
    out += LIGHT * np.exp(-((a / 0.3) ** 2) - ((v - 0.08) / 0.15) ** 2)
    groove = _smooth((v + 0.05) / 0.15) * _smooth((0.45 - v) / 0.15)
    out -= 0.025 * np.exp(-((a / 0.025) ** 2)) * groove
    near = cv2.distanceTransform((~body.head[box]).astype(np.uint8), cv2.DIST_L2, 3)
    under = _smooth((0.25 - np.abs(a)) / 0.1)       # the chin, not the hair beside the neck
    out *= 1 - CHIN_SHADE * under * np.exp(-near / max(2.0, 0.08 * body.pose.shoulder_width))
    out *= 1 - NECK_SHADE * under * _smooth((NOTCH[1] - v) / 0.25)
    band = np.exp(-(((v - NOTCH[1]) / 0.12) ** 2))     # the neck's shadow over the notch
    out *= 1 - NECK_FALL * _smooth((0.35 - np.abs(a)) / 0.2) * band
    result: F32 = out.astype(np.float32)
    return result


def _frame_coords(body: Body, box: Box, shape: tuple[int, int]) -> tuple[F32, F32]:
    """(across, down) of each box pixel from the shoulder joints' midpoint in the body
    frame, in shoulder widths (HxW float32 each)."""
    frame = body_frame(body.pose)
    sw = body.pose.shoulder_width
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    dx = xs + (box[1].start or 0) - frame.origin[0]
    dy = ys + (box[0].start or 0) - frame.origin[1]
    a: F32 = ((dx * frame.axis[0] + dy * frame.axis[1]) / sw).astype(np.float32)
    v: F32 = ((dx * frame.down[0] + dy * frame.down[1]) / sw).astype(np.float32)
    return a, v


def _clavicles(a: F32, v: F32) -> F32:
    """HxW float32 relief of both collarbones (``a``: distance across from the midline,
    ``v`` down, shoulder widths): a line from the notch to ``CLAVICLE_END`` sagging a
    little in its middle; a light ridge on it, a shadow under it and the hollow above its
    outer part, fading in from the notch and out toward the shoulder."""
    x0, (x1, y1) = 0.03, CLAVICLE_END
    s = np.clip((a - x0) / (x1 - x0), 0, 1)
    line = NOTCH[1] + (y1 - NOTCH[1]) * s ** 1.5 + 0.015 * np.sin(np.pi * s)
    t = v - line
    along = _smooth(s / 0.15) * (1 - 0.5 * s) * _smooth((x1 + 0.06 - a) / 0.06)
    outer = _smooth((s - 0.25) / 0.35)
    relief = RIDGE * np.exp(-((t / 0.016) ** 2)) - UNDER * np.exp(-(((t - 0.04) / 0.03) ** 2)) \
        - HOLLOW * outer * np.exp(-(((t + 0.05) / 0.028) ** 2))
    out: F32 = (relief * along).astype(np.float32)
    return out


def _smooth(x: NDArray[np.floating]) -> F32:
    """Smoothstep of ``x`` clipped to 0..1."""
    u = np.clip(x, 0, 1)
    out: F32 = (u * u * (3 - 2 * u)).astype(np.float32)
    return out


def skin_rim(img: NDArray[np.uint8], body: Body, box: Box, paint: Mask, tone: F32) -> F32:
    """HxW float32 over the box: weight of the painting over the real neck and chest skin
    beside ``paint`` (the painted torso; off the arms, hands and head): 1 within 2 px of
    it, falling to 0 ``RIM`` shoulder widths (at least 3 px) further, where that skin's
    first 2 px (1 px blur) are darker than the skin beyond them
    (:func:`skintone.contact_colour`, ``tone`` for its hue) by over ``RIM_DARK`` L*
    (averaged over 3 px along the contact; full weight at twice that): the old clothing's
    shadow on it, a dark line along an old neckline when left. A clean contact stays as it
    is (a blended rim of clothing far from the skin's colour is the un-mixing's)."""
    real = body.skin[box] & ~(body.arms | body.hands | body.head)[box] & ~paint
    none = np.zeros(paint.shape, np.float32)
    if not paint.any() or not real.any():
        return none
    reach = max(3.0, RIM * body.pose.shoulder_width)
    dist = cv2.distanceTransform((~paint).astype(np.uint8), cv2.DIST_L2, 3)
    rim = (np.clip(1.0 - (dist - 2.0) / reach, 0, 1) * real).astype(np.float32)
    cand = rim > 0
    colour, known = contact_colour(img, real & ~cand, paint | cand, tone)
    if not known.any():
        return none
    inner = (cand & (dist <= 2.5)).astype(np.float32)
    pixel = rgb_to_lab(cv2.GaussianBlur(img.astype(np.float32), (0, 0), 1.0))[..., 0]
    dark = (rgb_to_lab(colour)[..., 0] - pixel) * inner
    weight = cv2.GaussianBlur(inner, (0, 0), 3.0)
    dev = cv2.GaussianBlur(dark.astype(np.float32), (0, 0), 3.0) / np.maximum(weight, 1e-3)
    out: F32 = (rim * np.clip(dev / RIM_DARK - 1.0, 0, 1)).astype(np.float32)
    return out


def rim_alpha(part: Mask, rim: F32) -> F32:
    """HxW float32 alpha of the painting over the rim: ``rim`` (:func:`skin_rim`) beyond
    the painted ``part``, and 1 on its pixels within 2 px of the rim (the painted region's
    own soft edge would let the clothing or background under it show as a line)."""
    near = cv2.dilate((rim > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    out: F32 = np.maximum(rim, (part & near).astype(np.float32))
    return out


def outline_shade(body: Body, box: Box, part: Mask, back: Mask) -> F32:
    """HxW float32 multiplier over the box for torso painting: darker toward the body's
    outline (the background: outside the person, or ``back``), to 0.8 over 0.05 shoulder
    widths, and a little (``EDGE_SHADE``) toward the clothing beside it (the new garment's
    edge), over 0.02 shoulder widths; 1 where it meets real skin."""
    sw = body.pose.shoulder_width
    person = body.person[box] & ~back
    out_d = cv2.distanceTransform((part | person).astype(np.uint8), cv2.DIST_L2, 3)
    in_d = cv2.distanceTransform((part | body.skin[box] | ~person).astype(np.uint8),
                                 cv2.DIST_L2, 3)
    outline = 0.8 + 0.2 * np.sqrt(np.clip(out_d / max(2.0, 0.05 * sw), 0, 1))
    cloth = 1 - EDGE_SHADE * (1 - np.sqrt(np.clip(in_d / max(2.0, 0.02 * sw), 0, 1)))
    out: F32 = (outline * cloth).astype(np.float32)
    return out
