"""Complexion: measure a face's skin colour and re-tone a template person's visible skin.

Skin tone is part of identity: by default the user's complexion is kept on the face and the
template person's other skin (neck, ears, chest, arms) is re-toned to match, so there is no jump
at the jaw, forehead or neck. Re-toning maps each RGB channel through a monotone tone curve that
takes the template face's skin distribution (weighted quantiles) onto the user's, weighted by a
soft skin map of that person: unlike a plain gain, a curve keeps highlights below white when a
dark template is lightened and keeps shadows when a light one is darkened. The curves give
the luma; the chromaticity is the user's skin's at the same skin level (:class:`ToneMap`), so
the template's shading becomes the user's skin in shade.
Images are HxWx3 float32/uint8 RGB 0..255.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.blend import feather, mask_box
from ...imaging.color import SkinModel, SkinPixels, fit_skin_model, masked_mean
from ...imaging.regions import dilate_disc, disc, erode_disc, pixels_at, touching
from ...perception import landmarks as lm
from ...perception.masks import (
    above_brows,
    cheek_mask,
    face_regions,
    face_scale,
    polygon_mask,
    region_mask,
)

# quantile levels of a skin distribution: the tone curve passes through these pairs
QUANTILES = np.array([0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
DARK_CUT = 0.6  # skin samples darker than this share of the median luma are frames, brows, hair
SLOPE_RANGE = (0.3, 3.0)  # the curve neither flattens nor amplifies contrast beyond these


@dataclass(frozen=True)
class SkinTone:
    """A face's skin colour: per-channel weighted quantiles at :data:`QUANTILES`
    (len(QUANTILES) x 3 float32 RGB)."""

    quantiles: np.ndarray


def skin_tone(img: np.ndarray, points: np.ndarray) -> SkinTone:
    """Skin colour of the face ``points`` in ``img`` (see :func:`_skin_samples`)."""
    crop, weight = _skin_samples(img, points)
    return SkinTone(weighted_quantiles(crop, weight, QUANTILES))


def _skin_samples(img: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The face region of ``img`` on a working grid (hxwx3) and each pixel's weight as a
    skin sample (hxw: oval minus features, cut to skin-coloured, not much darker pixels)."""
    k = geo.work_factor(face_scale(points))
    roi = geo.trim_roi(geo.roi_around(points, 1.2, img.shape), k)
    grid = geo.WorkGrid((roi.h, roi.w), k)
    local, crop = grid.points(points - roi.offset), grid.down(img[roi.slices])
    regions = face_regions(local, crop.shape)
    model = local_skin_model(crop, cheek_mask(local, crop.shape))
    weight = regions.skin * model.likelihood(crop)
    return crop, weight * _not_dark(crop, weight)


def local_skin_model(img: np.ndarray, mask: np.ndarray) -> SkinModel:
    """:func:`~portrait_studio.imaging.color.fit_skin_model` of ``img`` (HxWx3 RGB) on the
    pixels where ``mask`` (HxW) > 0.5, converted only on the bounding box of those pixels
    (the same samples in the same order: the same model; the whole image when there are
    too few, as the fit then samples all of it)."""
    sel = mask > 0.5
    if int(np.count_nonzero(sel)) < 10:
        return fit_skin_model(img, mask)
    x, y, w, h = cv2.boundingRect(sel.view(np.uint8))
    return fit_skin_model(img[y:y + h, x:x + w], mask[y:y + h, x:x + w])


def cheek_skin_model(img: np.ndarray, cheeks: np.ndarray) -> SkinModel:
    """:func:`local_skin_model` of the cheeks (``cheeks``: HxW mask of ``img``) whose colour
    is fit again without the samples darker than :data:`DARK_CUT` of their median luma:
    glasses frames over the cheeks and the hair or headscarf the cheeks' outer edges reach.
    Their chroma widened the model (Sydney Kamlager-Dove's sample, 21% frames and hair:
    chroma spread 10.7 where her skin's is 6.7) until her houndstooth jacket, her hair and
    Ilhan Omar's grey scarf passed as skin and were re-toned with it. The lightness range
    stays the whole sample's: it is the floor of the shadows the weight takes (a painting's
    shaded neck is far darker than its cheeks)."""
    model = local_skin_model(img, cheeks)
    sel = cheeks > 0.5
    if not sel.any():
        return model
    luma = model.pixels(pixels_at(img, sel)[:, None, :]).luma[:, 0]  # the cheeks' own pixels
    light = sel.copy()
    light[sel] = luma >= DARK_CUT * float(np.median(luma))
    if np.count_nonzero(light) == np.count_nonzero(sel) or np.count_nonzero(light) < 10:
        return model
    clean = local_skin_model(img, light.astype(np.float32))
    return SkinModel(clean.mean, clean.inv_cov, model.luma_lo, model.luma_hi)


def _not_dark(crop: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """0..1 per pixel: 0 for pixels much darker than the weighted median luma (glasses
    frames, brows, stray hair a colour model cannot tell from dark skin), 1 from
    :data:`DARK_CUT` + 0.15 of that median up."""
    luma = _channel_mean(crop)
    median = float(_quantiles(luma.reshape(-1), _weights(weight), np.array([0.5]))[0])
    ramp = (luma - DARK_CUT * median) / max(0.15 * median, 1.0)
    return np.asarray(np.clip(ramp, 0.0, 1.0), np.float32)


def _channel_mean(img: np.ndarray) -> np.ndarray:
    """``img.astype(np.float32).mean(axis=2)`` of an HxWx3 uint8 or float32 image, the same
    float32 values ((c0 + c1) + c2, then / 3) from OpenCV's per-plane adds (20x faster)."""
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype not in (np.uint8, np.float32):
        return np.asarray(img.astype(np.float32).mean(axis=2), np.float32)
    c0, c1, c2 = cv2.split(img)
    total = np.asarray(cv2.add(cv2.add(c0, c1, dtype=cv2.CV_32F), c2, dtype=cv2.CV_32F),
                       np.float32)
    return np.divide(total, np.float32(3.0), out=total)  # the float32 division of np.mean


def skin_mean(img: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Mean RGB of the face skin (the mean of :func:`skin_tone`, without its quantiles)."""
    return masked_mean(*_skin_samples(img, points))


def weighted_quantiles(img: np.ndarray, weight: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Per-channel quantiles (len(levels) x 3 float32) of the pixels of ``img`` (HxWx3)
    weighted by ``weight`` (HxW); all pixels equally when the weights vanish."""
    w = _weights(weight)
    px = img.reshape(-1, 3).astype(np.float32)
    return np.stack([_quantiles(px[:, c], w, levels) for c in range(3)], axis=1)


def _weights(weight: np.ndarray) -> np.ndarray:
    """Flattened float64 weights; all ones when they vanish."""
    w = weight.reshape(-1).astype(np.float64)
    return w if w.sum() >= 1e-6 else np.ones_like(w)


def _quantiles(values: np.ndarray, w: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Weighted quantiles (float32, to the nearest level of 0..255) of the 1-D ``values``
    (0..255) at ``levels``, from a weighted 256-bin histogram (linear time)."""
    bins = np.clip(np.rint(values), 0, 255).astype(np.intp)
    cdf = np.cumsum(np.bincount(bins, weights=w, minlength=256))
    index = np.searchsorted(cdf, np.asarray(levels, np.float64) * cdf[-1], side="left")
    return np.asarray(np.minimum(index, 255), np.float32)


def tone_curve(user: SkinTone, template: SkinTone) -> np.ndarray:
    """256x1x3 uint8 lookup table (for ``cv2.LUT``) taking the template's skin to the user's,
    channel by channel (see :func:`_channel_curve`)."""
    lut = np.stack([_channel_curve(template.quantiles[:, c], user.quantiles[:, c])
                    for c in range(3)], axis=-1)
    return np.asarray(np.clip(np.rint(lut), 0, 255), np.uint8).reshape(256, 1, 3)


def _channel_curve(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """256 float values of one channel's curve from quantiles ``src`` to ``dst``: through
    the median pair, with the slopes of the quantile pairs kept in :data:`SLOPE_RANGE` and
    below :data:`CONTRAST_RANGE` times the median's gain; proportional below the first
    quantile (black stays black) and toward white above the last (highlights never clip),
    no steeper there than the skin's overall mapping."""
    src = np.maximum.accumulate(np.maximum(src.astype(np.float64), 1.0))
    dst = np.maximum.accumulate(dst.astype(np.float64))
    xs = np.arange(256, dtype=np.float64)
    top = (255.0 - dst[-1]) / max(255.0 - src[-1], 1.0)
    # above the top quantile: toward white, but never steeper than the skin's own mapping (a
    # light template's highlights a few levels above it jumped by 80 levels toward white for
    # a dark user, channel by channel: orange and cyan specks over the forehead)
    overall = (dst[-1] - dst[0]) / max(src[-1] - src[0], 1.0)
    above = min(max(top, 0.0), float(np.clip(overall, *SLOPE_RANGE)))
    curve = np.interp(xs, src, dst)
    curve = np.where(xs > src[-1], dst[-1] + (xs - src[-1]) * above, curve)
    mid = len(src) // 2
    # contrast is the photos' lighting, not the person: a flat-lit template's skin spans a
    # narrow range, and matching it to a contrasty photo's quantiles stretched it up to 3x,
    # mapping a whole bright forehead to the user's specular highlights (a light band above
    # a darker user's face)
    steepest = min(SLOPE_RANGE[1], CONTRAST_RANGE * dst[mid] / src[mid])
    slope = np.minimum(np.diff(curve), steepest)
    inner = (xs[1:] > src[0]) & (xs[1:] <= src[-1])
    slope[inner] = np.maximum(slope[inner], SLOPE_RANGE[0])
    return _anchored(np.concatenate([[0.0], np.cumsum(slope)]), src[mid], dst[mid], src[0])


CONTRAST_RANGE = 2.0  # the curve's slope stays below this multiple of the median's gain


@dataclass(frozen=True)
class ToneMap:
    """A re-toning colour map: the luma of :func:`tone_curve`'s channel curves (``lut``,
    256x1x3 uint8) with the chromaticity of the user's skin at the pixel's skin level.

    The channel curves alone turned a dark template's shading purple for a light user: below
    the skin's range each channel is proportional with the gain of its own first quantile,
    and those gains differ far more than the skin's (a dark skin's red is compressed near
    white: blue x1.66, red x1.04 for Aumua Amata Coleman Radewagen on Hakeem Jeffries), so
    his temples' shading came out mauve (Lab hue about 0 deg, down to -20, where the user's
    own shadows are 30-35 deg): a brown-violet smear beside the eye. Here a skin-coloured pixel's
    chromaticity (``R/Y - 1``, ``B/Y - 1``: unchanged by shading) is the user's skin's at the
    same skin level plus ``gain`` times its departure from the template's skin there (ears
    redder, stubble greyer), a departure that fades out in shading darker than the skin's
    range (:data:`SHADE_FADE`): the shading is the user's skin in shade. The departure is
    turned by the angle between the two skins' hues (``turn``: its cosine and sine), so
    that greyer stays greyer and redder redder: unturned, the Mona Lisa's lit chest,
    paler than her yellow face, departed toward blue in the painting's terms, and that
    same step from a brown user's skin was toward mauve (a grey-violet chest under his
    face). Colours far from the skin's (:data:`SKIN_CHROMA`: a backdrop the weight barely
    reaches) keep the curves' colour."""

    lut: np.ndarray
    user: np.ndarray      # 256x2 float32 by the template pixel's luma: the user's chromaticity
    template: np.ndarray  # 256x2 float32 likewise: the template's skin chromaticity
    gain: np.ndarray      # 256 float32 likewise: the scale of a pixel's departure from it
    turn: tuple[float, float] = (1.0, 0.0)  # the departure's turn: cosine and sine

    def apply(self, img: np.ndarray) -> np.ndarray:
        """``img`` (hxwx3 uint8 RGB) mapped (hxwx3 uint8): the curves' luma ``y_out``
        with the chromaticity by level and departure (the class's doc), the curves' colour
        moved toward it by ``near``. Each float32 step is the plain one (``off =
        |(red - y_in skin_r, blue - y_in skin_b)|``, ``near = clip((hi - off) / (hi - lo))``,
        with ``y = max(y_in, 1)``: ``r = y_out (base_r + gain_c / y red - gain_s / y blue)``,
        ``b = y_out (base_b + gain_s / y red + gain_c / y blue)`` (``gain_c``, ``gain_s``:
        the gain times the turn's cosine and sine), ``g = (y_out - 0.299 r - 0.114 b) / 0.587``,
        ``out = round(c + near (m - c))``) written over spent arrays, with the tables by
        level built once per map."""
        luts = self._luts
        curved = cv2.LUT(img, luts[0])  # the curves' levels, as float32 in one pass
        src = img.astype(np.float32)
        y_in, y_out = cv2.transform(src, _LUMA_ROW), cv2.transform(curved, _LUMA_ROW)
        level = cv2.convertScaleAbs(y_in)  # rounded to a level
        skin_r, skin_b, gain, gain_s, base_r, base_b = (cv2.LUT(level, table)
                                                        for table in luts[1:])
        red, blue = cv2.extractChannel(src, 0), cv2.extractChannel(src, 2)
        # the departure from the template's skin in levels of colour, and its share of skin
        cv2.subtract(red, cv2.multiply(y_in, skin_r, dst=skin_r), dst=skin_r)
        cv2.subtract(blue, cv2.multiply(y_in, skin_b, dst=skin_b), dst=skin_b)
        near = cv2.magnitude(skin_r, skin_b)
        lo, hi = SKIN_CHROMA
        np.subtract(np.float32(hi), near, out=near)
        np.multiply(near, np.float32(1.0 / (hi - lo)), out=near)
        np.clip(near, 0.0, 1.0, out=near)
        np.maximum(y_in, np.float32(1.0), out=y_in)
        scale, turned = cv2.divide(gain, y_in, dst=gain), cv2.divide(gain_s, y_in, dst=gain_s)
        # the turned departure's red and blue terms (each from both channels), then the sums
        r_term = cv2.subtract(cv2.multiply(scale, red), cv2.multiply(turned, blue), dst=skin_r)
        b_term = cv2.add(cv2.multiply(turned, red, dst=red),
                         cv2.multiply(scale, blue, dst=blue), dst=skin_b)
        r = cv2.multiply(y_out, cv2.add(base_r, r_term, dst=r_term), dst=r_term)
        b = cv2.multiply(y_out, cv2.add(base_b, b_term, dst=b_term), dst=b_term)
        g = np.multiply(r, _LUMA[0], out=base_r)
        np.subtract(y_out, g, out=g)
        np.subtract(g, np.multiply(b, _LUMA[2], out=base_b), out=g)
        np.multiply(g, _G_SCALE, out=g)
        # the curves' colour moved toward the skin's by ``near``, rounded and saturated
        mix = cv2.subtract(cv2.merge([r, g, b]), curved)
        cv2.multiply(cv2.merge([near, near, near]), mix, dst=mix)
        out: np.ndarray = cv2.add(curved, mix, dtype=cv2.CV_8U)
        return out

    @cached_property
    def _luts(self) -> tuple[np.ndarray, ...]:
        """The curves as a 256x1x3 float32 table, then 256x1 float32 tables by level: the
        template skin's R/Y and B/Y, the departure's scale times the turn's cosine and times
        its sine, and the user's R/Y and B/Y less the turned, scaled template's (built once
        per map)."""
        skin = 1.0 + self.template
        cos, sin = self.turn
        gain_c, gain_s = self.gain * np.float32(cos), self.gain * np.float32(sin)
        base_r = 1.0 + self.user[:, 0] - gain_c * skin[:, 0] + gain_s * skin[:, 1]
        base_b = 1.0 + self.user[:, 1] - gain_s * skin[:, 0] - gain_c * skin[:, 1]
        return (self.lut.astype(np.float32),
                *(np.ascontiguousarray(t, np.float32).reshape(256, 1)
                  for t in (skin[:, 0], skin[:, 1], gain_c, gain_s, base_r, base_b)))


# a pixel's chromaticity departure from the template's skin, times its luma (about the
# levels of colour it departs by), up to which it is re-toned as skin, and from which as the
# curves alone do (the shading of Hakeem Jeffries' temples departs by 10-30; the blue
# backdrop beside them by about 130)
SKIN_CHROMA = (40.0, 80.0)
_LUMA = np.array([0.299, 0.587, 0.114], np.float32)
_LUMA_ROW = _LUMA.reshape(1, 3)
_G_SCALE = np.float32(1.0 / _LUMA[1])  # green from the luma less red's and blue's shares
# the departure from the template's skin chromaticity keeps its whole scale at the skin's
# darkest quantile's luma and none from this share of it down (deep shading is the user's)
SHADE_FADE = 0.6
CHROMA_GAIN = (0.25, 1.0)  # the departure's scale: the skins' chroma ratio, within these
# the departure turns by the whole angle between the skins' hues when both skins' chroma
# (|(R/Y - 1, B/Y - 1)|) reaches the second value, by none below the first (a grey skin's hue,
# a black-and-white photo's, is no direction)
TURN_CHROMA = (0.05, 0.15)


def _luma(rgb: np.ndarray) -> np.ndarray:
    """BT.601 luma of RGB colours (...x3 -> ..., float32)."""
    out: np.ndarray = (rgb @ _LUMA).astype(np.float32)
    return out


def _chromaticity(rgb: np.ndarray) -> np.ndarray:
    """(R/Y - 1, B/Y - 1) of RGB colours (...x3): a colour's hue and saturation without its
    luma, unchanged when it is scaled (shaded)."""
    y = np.maximum(_luma(rgb), 1.0)[..., None]
    out: np.ndarray = (rgb[..., [0, 2]] / y - 1.0).astype(np.float32)
    return out


def tone_map(user: SkinTone, template: SkinTone) -> ToneMap:
    """The :class:`ToneMap` taking the template's skin to the user's: the channel curves of
    :func:`tone_curve`, and by the template pixel's luma the user's and the template's skin
    chromaticity at that skin level (the quantile colours' lumas give the levels; the first
    and last beyond them)."""
    lut = tone_curve(user, template)
    src, dst = template.quantiles.astype(np.float32), user.quantiles.astype(np.float32)
    levels = np.maximum.accumulate(_luma(src))
    xs = np.arange(256, dtype=np.float32)
    c_src, c_dst = _chromaticity(src), _chromaticity(dst)
    mid = len(src) // 2
    ratio = float(np.hypot(*c_dst[mid]) / max(float(np.hypot(*c_src[mid])), 1e-3))
    scale = float(np.clip(ratio, *CHROMA_GAIN))
    t = np.stack([np.interp(xs, levels, c_src[:, i]) for i in range(2)], axis=1)
    u = np.stack([np.interp(xs, levels, c_dst[:, i]) for i in range(2)], axis=1)
    low = float(levels[0])
    fade = np.clip((xs - SHADE_FADE * low) / max((1.0 - SHADE_FADE) * low, 1.0), 0.0, 1.0)
    gain = (scale * fade).astype(np.float32)
    return ToneMap(lut, u.astype(np.float32), t.astype(np.float32), gain,
                   _turn(c_dst[mid], c_src[mid]))


def _turn(user: np.ndarray, template: np.ndarray) -> tuple[float, float]:
    """Cosine and sine of the angle from the template skin's hue to the user's (their
    chromaticities), faded out for greyish skins (:data:`TURN_CHROMA`)."""
    lo, hi = TURN_CHROMA
    sure = float(np.clip((min(np.hypot(*user), np.hypot(*template)) - lo) / (hi - lo), 0, 1))
    angle = math.atan2(float(user[1]), float(user[0])) - math.atan2(float(template[1]),
                                                                    float(template[0]))
    angle = sure * math.remainder(angle, math.tau)
    return math.cos(angle), math.sin(angle)


def _anchored(curve: np.ndarray, x: float, y: float, first: float) -> np.ndarray:
    """``curve`` (256 values) shifted to pass through (``x``, ``y``), and proportional from
    (0, 0) up to its value at ``first`` (never below 0)."""
    i = min(int(x), 254)
    curve = curve + (y - (curve[i] + (x - i) * (curve[i + 1] - curve[i])))
    k = min(max(int(np.ceil(first)), 1), 255)
    curve[:k] = np.arange(k) * max(float(curve[k]), 0.0) / k
    return curve


def tone_ratio(user_mean: np.ndarray, template_mean: np.ndarray) -> np.ndarray:
    """Per-channel multiplier taking the template's skin to the user's (clipped to 0.25..4)."""
    return np.asarray(np.clip(user_mean / np.maximum(template_mean, 1.0), 0.25, 4.0), np.float32)


# how far (sigmas of the cheeks' chroma) the re-toned skin may stray from the cheeks: ears and
# necks are often redder than cheeks (at 3 sigmas the ears of a light template stayed pink
# under a dark user's face; 4 re-tones them: bench jump +0.77 -> +0.70, retrieval 99.0 -> 99.4%;
# 5 lost two marginal retrievals)
SKIN_TOLERANCE = 4.0
# reach of the re-toning around a face, in inter-ocular distances (sideways, up, down)
REACH_X, REACH_UP, REACH_DOWN = 5.0, 3.0, 9.0


def _reach(points: np.ndarray, shape: tuple[int, ...], scale: float) -> geo.Roi:
    cx, cy = points[:468].mean(axis=0)
    k = 2.2 * scale  # exp(-2.2^2) < 1%: beyond this the weight is negligible
    return geo.Roi(max(0, int(cx - REACH_X * k)), max(0, int(cy - REACH_UP * k)),
                   min(shape[1], int(cx + REACH_X * k) + 1),
                   min(shape[0], int(cy + REACH_DOWN * k) + 1))


FIELD_PIXELS = 300_000  # the most pixels of the re-toning's working grid


def _field_factor(scale: float, reach: geo.Roi) -> int:
    """The re-toning grid's reduction for a face of inter-ocular ``scale`` px whose reach is
    ``reach``: the face at about :data:`~portrait_studio.imaging.geometry.WORK_EYE` px, and
    the grid at most :data:`FIELD_PIXELS` px. The reach spans 22 x 26 eye distances: a small
    face in a large photo (8 MP, 103 px between the eyes) made a grid of 3.9 MP, 2.6 s."""
    k = geo.work_factor(scale)
    return max(k, math.ceil(math.sqrt(reach.w * reach.h / FIELD_PIXELS)))


@dataclass(frozen=True)
class SkinEdges:
    """What the re-toning needs to fit its weight to the skin's own edges at full resolution
    (:func:`retone_curve`): the cheeks' colour model and where on the field's grid the fit
    applies (0..1: not the crown zone, whose hairline has its own step); there, the pixels
    mixing the skin with what is beside it also take the skin's share of the change
    (:func:`_unmixed`)."""

    model: SkinModel
    zone: np.ndarray


@dataclass(frozen=True)
class NotSkin:
    """Pixels of an image known to be no skin whatever their colour: what a shave painted
    beside and under a throat, the backdrop and the clothes continued
    (:func:`~.shave.shave_beard_painted`). ``box``: slices of the image (set, non-negative
    starts and stops); ``share``: float32 over that box, 0..1, each pixel's share of that paint
    (the rest is painted skin or the photo's own pixel)."""

    box: tuple[slice, slice]
    share: np.ndarray


@dataclass(frozen=True)
class SkinField:
    """The re-toning's weight over a region of the image, on a working grid: the region, the
    grid, the weight (grid-sized float32 0..1) and the person probability sampled on the same
    grid (float32), which later steps reuse."""

    roi: geo.Roi
    grid: geo.WorkGrid
    weight: np.ndarray
    person: np.ndarray
    hair: np.ndarray  # grid-sized 0..1: skin-coloured hair the weight leaves out (_hair_like)
    edges: SkinEdges | None = None


def person_skin_field(img: np.ndarray, points: np.ndarray, person: np.ndarray,
                      reduced: tuple[np.ndarray, int] | None = None,
                      alone: bool = False) -> SkinField:
    """Soft map of the visible skin of the person whose face is ``points`` (skin-coloured like
    that face's cheeks, on the person mask ``person`` (HxW float32), fading with distance from
    the face) for the region where it is not negligible, computed on a working grid of that
    region (:class:`SkinField`). ``person`` may be at a reduced
    resolution of the whole image (it is sampled). ``reduced``: a copy of ``img`` averaged
    over k x k blocks from its corner and that k (e.g. the detection copy), which gives the
    working grid's pixels when they are the same blocks. ``alone``: the face is the only
    one in the photo (its person's skin below the chin does not fade with the distance,
    :func:`_body_skin`)."""
    full_scale = max(face_scale(points), 8.0)
    reach = _reach(points, img.shape, full_scale)
    k = _field_factor(full_scale, reach)
    roi = geo.trim_roi(reach, k)
    grid = geo.WorkGrid((roi.h, roi.w), k)
    crop, local = _grid_pixels(img, roi, grid, reduced), grid.points(points - roi.offset)
    mask = geo.sample_field(person, img.shape, roi, grid)
    scale = full_scale / k
    cheeks = cheek_mask(local, crop.shape)
    model = cheek_skin_model(crop, cheeks)
    h, w = crop.shape[:2]
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    cx, cy = local[:468].mean(axis=0)
    dy = np.where(ys > cy, (ys - cy) / (scale * REACH_DOWN), (cy - ys) / (scale * REACH_UP))
    falloff = np.exp(-((xs - cx) / (scale * REACH_X)) ** 2 - dy ** 2).astype(np.float32)
    px = model.pixels(crop)  # shared by the likelihoods and the saturation
    coloured = _saturated(px, model)
    lit = _lit_skin(px, model, coloured, mask, scale)
    detail = detail_ratio(crop, cheeks, scale)
    whole_oval = face_regions(local, crop.shape).oval
    if alone:
        # the only person in the photo: their skin is re-toned whole however far it reaches
        # (the falloff keeps one face's complexion off other people): faded with the
        # distance, a full figure's forearms and hands kept half the template's complexion,
        # pale hands on a dark user's brown arms
        _body_skin(falloff, lit, px, model, detail, mask, whole_oval, local, scale)
    weight = lit * falloff
    oval = whole_oval * coloured  # not a fringe or beard on it
    # the forehead and scalp above the mesh (shinier, pinker than the cheeks) were re-toned
    # only partly and stayed a lighter band under a darker user's face
    above = crown_zone(local, crop.shape, scale)
    crown = above * (1.0 - whole_oval) * coloured * mask
    near = model.likelihood_of(px, scale=CROWN_TOLERANCE)
    weight = np.maximum(weight, crown * near)
    # the neck under the face is skin too, though redder than the cheeks or in the jaw's
    # shadow (far darker: the likelihood's lightness test leaves it out): judged by hue and
    # colourfulness alone there, it kept the template's light complexion under a darkened
    # face (a light neck, or an orange shadow beside a darkened one)
    _neck_skin(weight, neck_zone(local, crop.shape, scale), px, model,
               coloured, mask, falloff, outside=whole_oval, scale=scale)
    sharp = np.maximum(weight, oval)
    # feathered, the skin at the edge of a neck, chest or arm kept half its weight: a light
    # rim round the darkened skin. Below the crown the feathering only reaches outward (the
    # hairline has its own step for its mixed pixels, :func:`retone_hairline`)
    spread = feather(sharp, scale * 0.08)
    # and outward only over skin-coloured pixels: spilled onto a backdrop or clothes beside
    # the skin, the weight re-toned them in part through the curves (the blue backdrop
    # painted beside a shaved beard's narrower new jaw came out lighter for a lighter user:
    # a pale band from the ear to the collar). Not above the brows (the hairline's step)
    spill = (sharp < EDGE_FAR) & (above < 0.01)
    skin_like = model.hue_likelihood_of(px, EDGE_HUE) * _edge_grey(px, model, coloured)
    spread[spill] *= skin_like[spill].astype(np.float32)
    soft = np.maximum(sharp * (1.0 - above), spread)
    # light-brown and blonde hair is skin-coloured, and was re-toned with the skin beside the
    # face and over the shoulders (darkened in streaks for a darker user); it is far more
    # detailed than skin. Not at the hairline (its own step; fine hairs over skin) nor on the
    # chest (prints, necklaces)
    hair = _hair_like(detail, px, model, scale)
    sides = _beside_neck(local, crop.shape, scale) * (1.0 - above)
    # above the brows (the crown zone), only hair also greyer than skin: fine hairs over the
    # hairline's skin are detailed too. Grace Meng's blonde parting over her forehead came
    # out brown for a dark user
    soft = soft * (1.0 - np.maximum(_ramp_up(detail, HAIR_DETAIL) * sides, hair * above)
                   * (1.0 - whole_oval))
    # the ears were re-toned only partly too (redder than the cheeks), and thin: the feathering
    # halved them. Their skin keeps its unfeathered weight, grown by a pixel or two over their
    # rim (skin and backdrop mixed: left alone, a light outline round a darkened ear). An
    # ear's folds and rim are as detailed as hair: the ears' zone is not judged by detail; nor are
    # their folds in shadow judged by lightness (:func:`_ear_folds`)
    ear_at = ear_zone(local, crop.shape, scale)
    zone = ear_at * (1.0 - whole_oval) * coloured * (1.0 - hair)
    folds = _ear_folds(px, model, zone * near * mask, scale) * (1.0 - above)  # not temples
    ears = zone * np.maximum(near, folds)
    ears = cv2.dilate(ears, np.ones((EAR_RIM, EAR_RIM), np.uint8))
    soft = np.maximum(soft, ears * np.clip(mask * 2.0, 0.0, 1.0))
    weight = soft * np.maximum(mask, oval)  # no spill onto the backdrop
    # the grown rim reaches the pixels mixing the ear with the backdrop, but the edge fit
    # then cuts them (lavender beside a pink ear: not skin-coloured) and left to the weight
    # alone they kept the template's skin: a light dotted rim round Jake Auchincloss' ears
    # darkened for Burgess Owens, a dark one round Burgess Owens' lightened for Grace Meng.
    # They take the skin's share of the change as the neck's mixes do (:func:`_unmixed`:
    # wherever the edge is fitted)
    return SkinField(roi, grid, weight, mask, hair * above * (1.0 - whole_oval),
                     SkinEdges(model, 1.0 - above))


BODY_SOFT = 0.08   # eye distances: the body skin's edge softened (a Gaussian's sigma)
# the most fine detail (:func:`detail_ratio`, of the cheeks') of body skin: a dog's tan fur
# held in the arms and a houndstooth's light threads are skin-coloured and more detailed
BODY_DETAIL = 4.5
BODY_WIDTH = 0.08  # eye distances: the narrowest piece of body skin (not a textile's thread)
BODY_HOLE = 0.3    # eye distances: the widest hole in the body's skin taken as skin
# degrees (Cr, Cb about grey) the body skin's hue is within of the cheeks': arms and hands
# are 1-8 away, a tan dog hugged (in the person mask, and skin-coloured to rosy cheeks'
# wide tolerance) 11-17 (its legs came out brown for a dark user), and so are beige
# trousers far lighter than a dark face (vitonhd_09597's, re-toned whole for a light user)
BODY_HUE = 10.0
# body skin is lit up to these levels over the cheeks' lightest (95th percentile): not a
# white shirt
BODY_LIGHTER = 12.0


def _body_skin(falloff: np.ndarray, lit: np.ndarray, px: SkinPixels, model: SkinModel,
               detail: np.ndarray, person: np.ndarray, oval: np.ndarray, local: np.ndarray,
               scale: float) -> None:
    """Raise ``falloff`` (hxw float32, in place) to 1 over the body's skin below the chin
    (``local``: the face's landmarks on the grid; light-brown hair is as skin-coloured as a
    forehead), and ``lit`` (the skin likelihood, in place) to twice its value, up to 1, in
    that skin's holes up to :data:`BODY_HOLE` eye distances (``scale``) across. Body skin:
    ``lit`` over a half, on this face's own piece of the ``person`` mask (the one with the
    face ``oval``, 0..1; not a bystander's), not far lighter than the cheeks
    (:data:`BODY_LIGHTER`), nor detailed (``detail``, :data:`BODY_DETAIL`), nor of another
    hue (:data:`BODY_HUE`): not fur or beige clothes; in pieces at least :data:`BODY_WIDTH`
    eye distances across (a houndstooth's light checks touch corner to corner), grown by a
    few pixels and softened by :data:`BODY_SOFT` eye distances so that its rims are not
    left at the falloff's weight."""
    top = max(int(float(local[lm.CHIN, 1]) - 0.5 * scale), 0)
    rows = slice(top, falloff.shape[0])
    skin = ((lit[rows] > 0.5) & (px.luma[rows] <= model.luma_hi + BODY_LIGHTER)
            & (detail[rows] < BODY_DETAIL))
    skin[skin] = _chroma_turn(px.ycc[rows][skin], model) < BODY_HUE  # those pixels' only
    skin &= touching(person > 0.5, oval > 0.5)[rows]
    width = disc(max(round(BODY_WIDTH * scale), 1) | 1)
    body = cv2.morphologyEx(skin.view(np.uint8), cv2.MORPH_OPEN, width)
    kept = (cv2.dilate(body, width) > 0) & skin
    # within it, paler or more saturated spots (a painting's lit chest, a sheen) that are
    # skin to some degree are skin: half-weighted, the Mona Lisa's yellow highlights stayed
    # as blotches in her chest re-toned for a dark user
    # (closed by the disc helpers: OpenCV's closing by a 35-px disc at 1080x1320 scanned the
    # disc's every pixel, ~2.4 ms; the same pixels)
    hole = max(round(BODY_HOLE * scale), 1) | 1
    holes = erode_disc(dilate_disc(kept, hole), hole)
    holes &= ~kept
    part = lit[rows]
    part[holes] = np.minimum(part[holes] * np.float32(2.0), np.float32(1.0))
    grown = cv2.dilate((kept | holes).view(np.uint8), np.ones((5, 5), np.uint8)).astype(
        np.float32)
    soft = cv2.GaussianBlur(grown, (0, 0), max(BODY_SOFT * scale, 0.5))
    # faded in over half an eye distance above the chin
    ramp = np.clip((np.arange(top, falloff.shape[0], dtype=np.float32)
                    - float(local[lm.CHIN, 1])) / scale + 0.5, 0.0, 1.0)[:, None]
    np.maximum(falloff[rows], soft * ramp, out=falloff[rows])


# sigmas of the cheeks' chroma for skin lighter than the cheeks that lies within skin: a
# highlight on a chest or a shoulder is paler or more saturated than the cheeks (a sternum's
# sheen, a painting's lit chest); left out, it kept the template's complexion as a light patch
LIT_TOLERANCE = 8.0
# such a highlight is a patch (between these many squared eye distances: not a speck of
# sheen) mostly bordered by skin (this share of its outline): a light blouse or collar
# joining the neck is neither
LIT_AREA, LIT_BORDER = (0.01, 0.6), 0.6
LIT_SPREAD = 0.15  # eye distances (a Gaussian's sigma) the wider likelihood fades out over


def _lit_skin(px: SkinPixels, model: SkinModel, coloured: np.ndarray, mask: np.ndarray,
              scale: float) -> np.ndarray:
    """hxw float32 0..1: the skin likelihood of the grid pixels ``px`` (within
    :data:`SKIN_TOLERANCE`) times ``coloured`` and ``mask`` (hxw 0..1: not grey, the
    person), and on the lit patches within that skin and about :data:`LIT_SPREAD` eye
    distances (``scale``) round them, the likelihood of pixels lighter than the skin within
    :data:`LIT_TOLERANCE` where it is higher. A lit patch: a piece of pixels that only the
    wider likelihood takes, :data:`LIT_AREA` squared eye distances large and bordered by
    skin for at least :data:`LIT_BORDER` of its outline (not a light blouse joining the
    neck, nor a speck of sheen)."""
    skin: np.ndarray = model.likelihood_of(px, scale=SKIN_TOLERANCE) * coloured * mask
    lit = model.lighter_of(px) * model.hue_likelihood_of(px, LIT_TOLERANCE) * coloured * mask
    extra = (lit > 0.5) & (skin <= 0.5)
    # labelled on the pieces' bounding box (40-60% of the grid at 1080x1320; the labels can
    # come out in another order than the whole grid's, and nothing below depends on it)
    x, y, bw, bh = cv2.boundingRect(extra.view(np.uint8))
    if bw == 0:
        return skin
    count, part, stats, _ = cv2.connectedComponentsWithStats(
        np.ascontiguousarray(extra[y:y + bh, x:x + bw]).view(np.uint8), connectivity=8)
    stats[:, cv2.CC_STAT_LEFT] += x
    stats[:, cv2.CC_STAT_TOP] += y
    labels = np.zeros(extra.shape, np.int32)
    labels[y:y + bh, x:x + bw] = part
    area = stats[:, cv2.CC_STAT_AREA]
    patch = (area >= LIT_AREA[0] * scale * scale) & (area <= LIT_AREA[1] * scale * scale)
    patch[0] = False  # the pixels outside every piece
    if not patch.any():
        return skin
    cross = np.ones((3, 3), np.uint8)
    outline = extra & ~cv2.erode(extra.view(np.uint8), cross).view(bool)
    beside = outline & cv2.dilate((skin > 0.5).view(np.uint8), cross).view(bool)
    edge = np.bincount(labels[outline], minlength=count)
    bordered = np.bincount(labels[beside], minlength=count)
    patch &= bordered >= LIT_BORDER * np.maximum(edge, 1)
    if not patch.any():
        return skin
    # the wider likelihood fades out round the patches (a sheen fades into the skin): on
    # their box grown by three sigmas
    sigma = LIT_SPREAD * scale
    grow = int(3 * sigma) + 1
    boxes = stats[patch]
    x0 = max(int(boxes[:, cv2.CC_STAT_LEFT].min()) - grow, 0)
    y0 = max(int(boxes[:, cv2.CC_STAT_TOP].min()) - grow, 0)
    x1 = int((boxes[:, cv2.CC_STAT_LEFT] + boxes[:, cv2.CC_STAT_WIDTH]).max()) + grow
    y1 = int((boxes[:, cv2.CC_STAT_TOP] + boxes[:, cv2.CC_STAT_HEIGHT]).max()) + grow
    box = np.s_[y0:y1, x0:x1]
    zone = cv2.GaussianBlur(patch[labels[box]].astype(np.float32), (0, 0), sigma)
    zone = np.minimum(zone * np.float32(2.0), np.float32(1.0))
    out = skin.copy()
    out[box] = np.maximum(skin[box], zone * lit[box])
    return out


# fine detail relative to the cheeks': necks and shoulders 1.5-4, ears 2-6 (their folds and
# rims up to 12), a light-brown or blonde head of hair 6-13
HAIR_DETAIL = (4.5, 7.0)  # beside the face and neck: from the first ratio on, hair
DETAIL_FLOOR = 0.008      # the cheeks' relative detail never counts as less (airbrushed)


def detail_ratio(crop: np.ndarray, cheeks: np.ndarray, scale: float) -> np.ndarray:
    """hxw float32: the fine detail of the grid pixels ``crop`` (hxwx3): the local mean of
    the luma's departure from its blur (over about 0.02 eye distances) over the local luma,
    as a multiple of the cheeks' (``cheeks``, hxw 0..1; at least :data:`DETAIL_FLOOR`)."""
    luma = _channel_mean(crop)
    fine = cv2.absdiff(luma, cv2.GaussianBlur(luma, (0, 0), max(0.02 * scale, 0.7)))
    area = max(0.05 * scale, 1.0)
    detail = cv2.divide(cv2.GaussianBlur(fine, (0, 0), area),
                        np.maximum(cv2.GaussianBlur(luma, (0, 0), area), np.float32(8.0)))
    sel = cheeks > 0.5
    ref = max(float(np.median(detail[sel])) if sel.any() else DETAIL_FLOOR, DETAIL_FLOOR)
    out: np.ndarray = (detail / np.float32(ref)).astype(np.float32)
    return out


def _ramp_up(values: np.ndarray, span: tuple[float, float]) -> np.ndarray:
    """0 below ``span[0]``, 1 from ``span[1]`` up, linear between (float32)."""
    lo, hi = span
    out: np.ndarray = np.subtract(values, lo)  # (the same arithmetic in one array)
    out /= hi - lo
    return np.clip(out, 0.0, 1.0, out=out).astype(np.float32, copy=False)


def _beside_neck(points: np.ndarray, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """0..1 (hxw float32) by columns: 1 farther from the face's middle than :data:`NECK_SIDE`
    of its half-width at the cheeks, 0 inside, soft over 0.1 eye distances."""
    middle = float(points[[lm.LEFT_CHEEK, lm.RIGHT_CHEEK], 0].mean())
    half = 0.5 * float(abs(points[lm.LEFT_CHEEK, 0] - points[lm.RIGHT_CHEEK, 0]))
    cols = np.abs(np.arange(shape[1], dtype=np.float32) - np.float32(middle))
    ramp = np.clip((cols - NECK_SIDE * half) / max(0.1 * scale, 1.0), 0.0, 1.0)
    return np.broadcast_to(ramp[None, :], shape[:2]).astype(np.float32)


NECK_SIDE = 0.8  # share of the face's half-width at the cheeks that a neck and chest keep


CROWN_TOLERANCE = 8.0  # sigmas of the cheeks' chroma for skin just above the face mesh
CROWN_GROW = 1.35      # the face oval grown about its centre: how far above the mesh that is


def crown_zone(points: np.ndarray, shape: tuple[int, ...], scale: float,
               grow: float = CROWN_GROW) -> np.ndarray:
    """0..1: the band above the brows inside the face mesh's oval grown by ``grow``
    (:data:`CROWN_GROW`: the upper forehead, temples and a bald scalp), soft-edged (hxw)."""
    grown = region_mask(points, lm.FACE_OVAL, shape, grow, scale * 0.1)
    crown: np.ndarray = grown * above_brows(points, shape, scale * 0.2)
    return crown


NECK_TOLERANCE = 8.0  # sigmas of the cheeks' chroma for the neck under the face
NECK_WIDTH = 0.75     # the neck's share of the face's width at the jaw
NECK_DROP = 1.2       # eye distances the neck zone reaches below the jaw
NECK_LIGHTER = 10.0   # luma levels over the cheeks' lightest over which the neck zone fades
NECK_DARKER = (0.4, 0.55)  # shares of the cheeks' darkest luma over which it fades in
NECK_BLUER = (0.05, 0.12)  # (Cb - 128) / luma over the cheeks' over which it fades out
# a throat with bare skin below it (a chest: :data:`THROAT_SKIN` of weight within
# :data:`THROAT_REACH` eye distances down its column) is skin in shade by its chroma's
# direction (within these degrees of the cheeks'), its chroma for its light (these shares of
# the cheeks') and its luma (from these shares of the cheeks' middle luma)
THROAT_SKIN = 0.5
THROAT_BARE = 0.3
THROAT_REACH = 1.5
THROAT_HUE = (20.0, 35.0)
THROAT_CHROMA = (0.5, 0.7)
THROAT_DARKER = (0.08, 0.15)


def neck_zone(points: np.ndarray, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """0..1 (hxw float32): under the face mesh's oval, the oval's lower half narrowed to
    :data:`NECK_WIDTH` of its width about its middle and swept :data:`NECK_DROP` eye
    distances (``scale``) down, soft-edged (the oval itself included)."""
    oval = points[list(lm.FACE_OVAL)].astype(np.float32)
    cx, cy = float(oval[:, 0].mean()), float(oval[:, 1].mean())
    lower = oval[oval[:, 1] > cy]
    lower[:, 0] = cx + (lower[:, 0] - cx) * NECK_WIDTH
    drop = np.array([0.0, NECK_DROP * scale], np.float32)
    swept = np.concatenate([lower, lower + drop])
    hull = cv2.convexHull(swept).reshape(-1, 2)
    return polygon_mask(hull, shape, scale * 0.15)


def _neck_skin(weight: np.ndarray, zone: np.ndarray, px: SkinPixels, model: SkinModel,
               coloured: np.ndarray, *factors: np.ndarray, outside: np.ndarray,
               scale: float) -> None:
    """Raise ``weight`` (hxw float32, in place) to the skin hue likelihood (within
    :data:`NECK_TOLERANCE`) of the pixels ``px`` times ``zone``, ``coloured`` (and toward
    the skin's hue, :func:`_toward_skin`), the
    ``factors`` and one less ``outside`` (hxw 0..1 each: the face), on the zone's bounding
    box, on the pieces of it (over a quarter) that join the face (``outside`` over a half).
    Over a bare chest (:func:`_skin_below`), a deeply shaded throat counts too
    (:func:`_shaded_throat`, in place of the hue likelihood, the darkness and blueness
    tests and ``coloured``). ``scale``: the eye distance in the grid's pixels."""
    sl = mask_box(zone, 0)
    box = SkinPixels(px.ycc[sl], px.luma[sl], px.dist[sl])
    part = model.hue_likelihood_of(box, NECK_TOLERANCE) * zone[sl] * (1.0 - outside[sl])
    # never lighter than the cheeks' lightest: a neck is as lit or darker; a white collar
    # beside a dark neck, a yellow tie's knot are far lighter (within the wide tolerance of a
    # dark face's chroma, Byron Donalds' collar and knot came out in a skin-toned haze)
    lit = np.clip((model.luma_hi + NECK_LIGHTER - px.luma[sl]) / NECK_LIGHTER, 0.0, 1.0)
    part *= lit
    # nor far darker than the cheeks' darkest: a neck's shadow keeps over half their light
    # (vitonhd_00034's darkest 0.59); a dark turtleneck under a dark face is as near its
    # wide chroma (Maxwell Frost's maroon one, 0.34 of it, came out brown)
    lo, hi = (model.luma_lo * share for share in NECK_DARKER)
    part *= np.clip((px.luma[sl] - lo) / max(hi - lo, 1.0), 0.0, 1.0)
    # nor bluer than the cheeks for its light (blue less luma over luma, from Cb: shade and
    # redness only lower it): a navy coat's collar against a dark jaw (Alma Adams') came out
    # brown-tinted for a lighter user
    blue = (px.ycc[sl][..., 2].astype(np.float32) - 128.0) / np.maximum(px.luma[sl], 8.0)
    cheeks = (float(model.mean[1]) - 128.0) / max((model.luma_lo + model.luma_hi) / 2, 8.0)
    part *= np.clip((cheeks + NECK_BLUER[1] - blue) / (NECK_BLUER[1] - NECK_BLUER[0]),
                    0.0, 1.0)
    part *= coloured[sl]
    # and coloured toward the skin's own hue, not away from it: a white collar's shaded fold
    # beside a light neck is as light and, near grey, within the wide chroma tolerance
    # whatever its hue (cool, turned ~150 degrees from the cheeks'); taken as neck at 0.2-0.35,
    # it came out a grey speckled blotch on Jake Auchincloss' collar for Burgess Owens
    part *= _toward_skin(box, model)
    for factor in factors:
        part *= factor[sl]
    # over a bare chest, though, a throat is skin however deep its shade: the Mona Lisa's,
    # at 0.2-0.5 of her cheeks' darkest and redder, kept its orange-brown under a dark
    # user's face (an orange band between his jaw and the re-toned chest)
    # the skin below is looked for under the zone's box only (and a disc's width beside it)
    rows, cols = sl
    side = round(THROAT_BARE * scale)
    below = (slice(rows.start, min(rows.stop + _throat_reach(scale), weight.shape[0])),
             slice(max(cols.start - side, 0), min(cols.stop + side, weight.shape[1])))
    bare = _skin_below(weight[below], outside[below], scale)[
        :rows.stop - rows.start, cols.start - below[1].start:cols.stop - below[1].start]
    if bare.any():
        throat = _shaded_throat(box, model) * bare * zone[sl] * (1.0 - outside[sl])
        throat *= lit  # not judged bluer by Cb: its hue is (a redder shade has less Cb)
        for factor in factors:
            throat *= factor[sl]
        np.maximum(part, throat, out=part)
    # only where it joins the face: a tie or a necklace below the collar, as near the skin's
    # hue, is not neck
    face = cv2.dilate((outside[sl] > 0.5).view(np.uint8), np.ones((3, 3), np.uint8)) > 0
    np.maximum(weight[sl], part * touching(part > 0.25, face), out=weight[sl])


def _toward_skin(px: SkinPixels, model: SkinModel) -> np.ndarray:
    """0..1 per pixel of ``px``: its chroma (Cr, Cb about grey) along the skin model's chroma
    direction, as a share of the model's chroma, ramped over :data:`GREY_SHARE` (as
    :func:`_saturated` ramps its magnitude): skin, lit or shaded, lies within a few tens of
    degrees of the cheeks' hue and keeps its magnitude's share; a cool white or grey
    (a shirt's collar) lies on the far side of grey, however near grey it is. Looked up by
    the pixels' :attr:`SkinPixels.pairs` index, as :func:`_saturated` is."""
    m_cr, m_cb = float(model.mean[0]) - 128.0, float(model.mean[1]) - 128.0
    skin = max(math.hypot(m_cr, m_cb), 4.0)
    along = _PAIR_CR * np.float32(m_cr / skin) + _PAIR_CB * np.float32(m_cb / skin)
    lo, hi = GREY_SHARE
    table = np.clip((along / np.float32(skin) - np.float32(lo)) / np.float32(hi - lo), 0.0, 1.0)
    out: np.ndarray = np.take(table, px.pairs)
    return out


def _shaded_throat(px: SkinPixels, model: SkinModel) -> np.ndarray:
    """0..1 per pixel of ``px``: skin in deep shade by the direction of its chroma alone
    (Cr, Cb about grey: within :data:`THROAT_HUE` degrees of the cheeks'; shading scales
    chroma, and a painter's shadows are warmer), with chroma at least
    :data:`THROAT_CHROMA` of the cheeks' for its light (not grey) and light from
    :data:`THROAT_DARKER` of the cheeks' middle luma up (not the black of hair)."""
    cr = px.ycc[..., 1].astype(np.float32) - 128.0
    cb = px.ycc[..., 2].astype(np.float32) - 128.0
    m_cr, m_cb = float(model.mean[0]) - 128.0, float(model.mean[1]) - 128.0
    turn = _chroma_turn(px.ycc, model)
    lo_deg, hi_deg = THROAT_HUE
    hue = np.clip((hi_deg - turn) / (hi_deg - lo_deg), 0.0, 1.0)
    mid = max((model.luma_lo + model.luma_hi) / 2, 8.0)
    share = np.hypot(cr, cb) / np.maximum(px.luma, 4.0) / max(math.hypot(m_cr, m_cb) / mid,
                                                             1e-3)
    chroma = np.clip((share - THROAT_CHROMA[0]) / (THROAT_CHROMA[1] - THROAT_CHROMA[0]),
                     0.0, 1.0)
    lo, hi = (mid * s for s in THROAT_DARKER)
    dark = np.clip((px.luma - lo) / max(hi - lo, 1.0), 0.0, 1.0)
    out: np.ndarray = (hue * chroma * dark).astype(np.float32)
    return out


def _chroma_turn(ycc: np.ndarray, model: SkinModel) -> np.ndarray:
    """Degrees (0..180, float32) between each pixel's chroma direction (Cr, Cb about grey;
    ``ycc``: ...x3 uint8 YCrCb) and the skin model's: its hue, whatever its light."""
    cr = ycc[..., 1].astype(np.float32) - np.float32(128.0)
    cb = ycc[..., 2].astype(np.float32) - np.float32(128.0)
    own = math.degrees(math.atan2(float(model.mean[1]) - 128.0, float(model.mean[0]) - 128.0))
    turn = np.abs((np.degrees(np.arctan2(cb, cr)) - np.float32(own) + np.float32(180.0))
                  % np.float32(360.0) - np.float32(180.0))
    out: np.ndarray = turn.astype(np.float32)
    return out


def _skin_below(weight: np.ndarray, face: np.ndarray, scale: float) -> np.ndarray:
    """hxw bool: the pixels with bare skin (``weight`` of at least :data:`THROAT_SKIN`, not
    ``face``: 0..1, over a half; opened by a disc :data:`THROAT_BARE` eye distances wide:
    a chest, not the band under a jaw, an ear or skin-coloured specks in a red tie) within
    :data:`THROAT_REACH` eye distances (``scale``) below them in their column."""
    found = (weight >= THROAT_SKIN) & (face <= 0.5)
    # opened (eroded, then dilated) by the row-run disc passes: OpenCV's own opening by a
    # 35-pixel disc at 1080x1320 was the skin field's costliest step (~1.3 ms), the same pixels
    size = max(round(THROAT_BARE * scale), 1)
    skin = dilate_disc(erode_disc(found, size), size).view(np.uint8)
    # each pixel takes the most of those below it: a column sum anchored at its top (running
    # sums, ~3x cheaper than a dilation by a column of ones, which scans the whole column;
    # 16 bits: the grid is at most FIELD_PIXELS, so is a column)
    below: np.ndarray = cv2.boxFilter(skin, cv2.CV_16U, (1, _throat_reach(scale) + 1),
                                      anchor=(0, 0), normalize=False,
                                      borderType=cv2.BORDER_CONSTANT) > 0
    return below


def _throat_reach(scale: float) -> int:
    return max(round(THROAT_REACH * scale), 1)


def ear_zone(points: np.ndarray, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """0..1: beside the face mesh's oval, within that oval grown by :data:`EAR_GROW`, from a
    little above the brows to a little below the nose (where the ears are), soft-edged
    (hxw)."""
    grown = region_mask(points, lm.FACE_OVAL, shape, EAR_GROW, scale * 0.1)
    rows = np.arange(shape[0], dtype=np.float32)[:, None]
    top = float(points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].mean()) - 0.3 * scale
    bottom = float(points[lm.NOSE_TIP, 1]) + 0.5 * scale
    soft = max(scale * 0.1, 1.0)
    band = np.clip(np.minimum(rows - top, bottom - rows) / soft + 0.5, 0.0, 1.0)
    out: np.ndarray = (grown * band).astype(np.float32)
    return out


EAR_GROW = 1.45  # the face oval grown about its centre: how far out the ears reach
EAR_RIM = 3      # grid pixels (a square) the ears' weight is grown by
# an ear's shadowed folds: within this many sigmas of the cheeks' chroma, with a chroma
# magnitude ramped over these shares of the cheeks', and ringed by skin: the share of an
# :data:`EAR_FOLD_REACH` (face scales) square round them that is skin, ramped
EAR_FOLD_TOLERANCE = 8.0
EAR_FOLD = (0.7, 0.9)
EAR_FOLD_SUPPORT = (0.1, 0.2)
EAR_FOLD_REACH = 0.1


# skin-coloured hair where skin is detailed too (the ears' zone, the crown): more detailed
# than skin there (ramped over these multiples of the cheeks' detail; ears 2-6, their folds
# up to 11) and greyer (ramped down over these shares of the cheeks' chroma; ears 0.5-1.8, a
# light-brown and grey streak 0.4-0.85)
HAIR_LIKE_DETAIL = (7.0, 10.0)
HAIR_LIKE_GREY = (0.85, 1.05)
HAIR_LIKE_SMOOTH = 0.03


def _hair_like(detail: np.ndarray, px: SkinPixels, model: SkinModel,
               scale: float) -> np.ndarray:
    """0..1 (hxw float32): hair as skin-coloured as skin by the likelihood, from the fine
    detail of its pixels (:func:`detail_ratio`) and their chroma (``px``, as ``model``
    judges it), smoothed over :data:`HAIR_LIKE_SMOOTH` face scales (strand by strand, the
    darker strands re-toned and the lighter ones not, the hair was speckled). Grace Meng's
    light-brown and grey streaks over her ears were re-toned with the ears: darkened to
    brown for a dark user."""
    hair = _ramp_up(detail, HAIR_LIKE_DETAIL) * (1.0 - _saturated(px, model, HAIR_LIKE_GREY))
    out: np.ndarray = cv2.GaussianBlur(hair, (0, 0), max(HAIR_LIKE_SMOOTH * scale, 0.7))
    return out


def _ear_folds(px: SkinPixels, model: SkinModel, skin: np.ndarray, scale: float) -> np.ndarray:
    """0..1 (hxw float32) per pixel of ``px``: an ear's fold in shadow. The folds are far
    darker than the cheeks (the likelihood's lightness test leaves them out: light pink lines
    stayed on a darkened ear) but as colourful as skin, or more, and lie among the ear's
    skin (``skin``: 0..1, the ears' zone's skin-coloured pixels); light-brown hair streaks
    beside a face are a little greyer and lie among hair."""
    r = max(1, int(EAR_FOLD_REACH * scale))
    ringed = _ramp_up(cv2.blur(skin, (2 * r + 1, 2 * r + 1)), EAR_FOLD_SUPPORT)
    out: np.ndarray = (model.hue_likelihood_of(px, EAR_FOLD_TOLERANCE)
                       * _saturated(px, model, EAR_FOLD) * ringed)
    return out


# hair (black, grey, white) is far less saturated than skin, even than skin in shadow: below
# this share of the face's chroma a pixel is not re-toned, from the next share up it fully is
GREY_SHARE = (0.1, 0.3)


def _saturated(px: SkinPixels, model: SkinModel,
               span: tuple[float, float] = GREY_SHARE) -> np.ndarray:
    """0..1 per pixel of ``px`` (an image's :class:`SkinPixels`): its chroma magnitude as a
    share of the skin model's, ramped over ``span`` (by default :data:`GREY_SHARE`: 0 for
    near-grey hair at a dark face's lightness, which the wide colour tolerance of the
    re-toning otherwise lets in). Looked up in a 256x256 (Cr, Cb) table by the pixels'
    shared :attr:`SkinPixels.pairs` index, a few times cheaper than the arithmetic per
    pixel (the pairs' chroma magnitudes are computed once, :data:`_PAIR_CHROMA`)."""
    table = _grey_table(float(np.hypot(model.mean[0] - 128, model.mean[1] - 128)), span)
    share: np.ndarray = np.take(table, px.pairs)
    return share


def _grey_table(skin_chroma: float, span: tuple[float, float]) -> np.ndarray:
    """65536 float32: the :func:`_saturated` value of each (Cr, Cb) pair, Cr-major (index
    256 Cr + Cb, :attr:`SkinPixels.pairs`)."""
    lo, hi = span
    share = _PAIR_CHROMA / max(skin_chroma, 4.0)
    return np.asarray(np.clip((share - lo) / (hi - lo), 0.0, 1.0), np.float32)


def _pair_chroma() -> np.ndarray:
    """65536 float32: the chroma magnitude of each (Cr, Cb) pair, Cr-major."""
    axis = np.arange(256, dtype=np.float32) - 128
    return np.hypot(axis[:, None], axis[None, :]).reshape(-1)


_PAIR_CHROMA = _pair_chroma()
# each (Cr, Cb) pair's Cr and Cb about grey, Cr-major (65536 float32 each)
_PAIR_CR = np.repeat(np.arange(256, dtype=np.float32) - np.float32(128.0), 256)
_PAIR_CB = np.tile(np.arange(256, dtype=np.float32) - np.float32(128.0), 256)


def _grid_pixels(img: np.ndarray, roi: geo.Roi, grid: geo.WorkGrid,
                 reduced: tuple[np.ndarray, int] | None) -> np.ndarray:
    """``grid.down(img[roi.slices])``, cut from ``reduced`` (k x k block means of ``img``
    from its corner, k) when the grid's blocks are among those (block means do not depend on
    the neighbouring blocks: the same values)."""
    k = grid.k
    if reduced is not None and reduced[1] == k and not (roi.x0 % k or roi.y0 % k or roi.w % k
                                                        or roi.h % k):
        small = reduced[0]
        y0, x0, y1, x1 = roi.y0 // k, roi.x0 // k, roi.y1 // k, roi.x1 // k
        if y1 <= small.shape[0] and x1 <= small.shape[1]:
            return np.ascontiguousarray(small[y0:y1, x0:x1])
    return grid.down(img[roi.slices])


def person_skin_weight(img: np.ndarray, points: np.ndarray, person: np.ndarray) -> (
        tuple[geo.Roi, np.ndarray]):
    """:func:`person_skin_field` at full resolution: (region, HxW float32 weight inside it)."""
    field = person_skin_field(img, points, person)
    return field.roi, field.grid.up(field.weight)


def retone(img: np.ndarray, ratio: np.ndarray, roi: geo.Roi, weight: np.ndarray) -> np.ndarray:
    """Copy of ``img`` (float32) whose pixels in ``roi`` are multiplied by ``ratio`` in
    proportion to ``weight``."""
    out = img.astype(np.float32, copy=True)
    gain = 1.0 + (ratio[None, None, :] - 1.0) * weight[..., None]
    out[roi.slices] = np.clip(out[roi.slices] * gain, 0, 255)
    return out


def mapped(img: np.ndarray, tone: np.ndarray | ToneMap) -> np.ndarray:
    """``img`` (hxwx3 uint8 RGB) through ``tone``: a :class:`ToneMap`, or channel curves
    alone (256x1x3 uint8, :func:`tone_curve`)."""
    if isinstance(tone, ToneMap):
        return tone.apply(img)
    out: np.ndarray = cv2.LUT(img, tone)
    return out


def _largest_change(tone: np.ndarray | ToneMap) -> float:
    """An upper bound of the levels ``tone`` moves a channel by: its curves' largest change,
    plus for a :class:`ToneMap` what its chromaticity can add at white."""
    lut = tone.lut if isinstance(tone, ToneMap) else tone
    change = float(np.abs(lut.reshape(256, 3).astype(np.int16)
                          - np.arange(256, dtype=np.int16)[:, None]).max())
    if isinstance(tone, ToneMap):
        # a departure d comes out as gain e^(i turn) d: it moves by |gain e^(i turn) - 1| |d|
        cos, sin = tone.turn
        moved = np.hypot(tone.gain * cos - 1.0, tone.gain * sin)
        change += (255.0 * float(np.abs(tone.user - tone.template).max())
                   + SKIN_CHROMA[1] * float(moved.max()))
    return change


# levels: the re-toning's box is where a change this large would move a pixel by half a
# level or more (:func:`retone_weight`), whatever the user's tone: the same box for the
# changes of the bench's fusions (112-245 levels), so the weight can be fitted to the
# template's edges before the user's complexion is known. A larger change takes its own box
RETONE_REACH = 255.0


@dataclass(frozen=True)
class RetoneWeight:
    """The part of :func:`retone_curve` that needs only the canvas and the weight, not the
    tone map: the box it re-tones (slices of the ``roi``'s pixels, ``box`` on its grid), the
    weight at full resolution there fitted to the skin's edges, and the pixels whose weight
    may still rise to the skin's share of the map's change (:func:`_unmixed`; None: none).
    Made for one canvas, which must not change before it is used, and used once (the weight
    is finished in place)."""

    box: tuple[slice, slice]
    slices: tuple[slice, slice]
    w: np.ndarray
    mixed: np.ndarray | None
    reach: float  # the largest change whose box this is (levels)


def retone_weight(canvas: np.ndarray, roi: geo.Roi, grid: geo.WorkGrid, weight: np.ndarray,
                  edges: SkinEdges | None = None, reach: float = RETONE_REACH) -> RetoneWeight:
    """The :class:`RetoneWeight` of :func:`retone_curve` for the same arguments and any map
    whose change (:func:`_largest_change`) is at most ``reach`` levels (the larger of the
    two is the box's)."""
    # outside the box the pixels would move by less than half a level: they are left alone
    box = mask_box(weight, 1, threshold=0.5 / max(reach, RETONE_REACH))
    small = weight[box]
    slices = grid.full_slices(box)
    if small.size == 0:
        return RetoneWeight(box, slices, np.zeros((0, 0), np.float32), None, reach)
    region = canvas[roi.slices][slices]
    w = np.clip(grid.up(np.ascontiguousarray(small)), 0.0, 1.0)[:region.shape[0], :region.shape[1]]
    mixed = None
    if edges is not None:
        mixed = _edge_fit(w, region, edges.model, edges.zone[box], small, grid)
    return RetoneWeight(box, slices, w, mixed, reach)


def retone_curve(canvas: np.ndarray, lut: np.ndarray | ToneMap, roi: geo.Roi,
                 grid: geo.WorkGrid, weight: np.ndarray, edges: SkinEdges | None = None,
                 not_skin: NotSkin | None = None, ahead: RetoneWeight | None = None) -> None:
    """In place on ``canvas`` (HxWx3 uint8 RGB): map the pixels of ``roi`` through ``lut``
    (a :class:`ToneMap`, or the tone curve alone: 256x1x3 uint8, :func:`tone_curve`) in
    proportion to ``weight`` (given on ``grid``, a smooth field, upsampled); with ``edges``
    (:attr:`SkinField.edges`), that weight fitted to the skin's edges (:func:`_edge_fit`).
    ``not_skin``: the weight leaves out each pixel's share of it (:class:`NotSkin`).
    ``ahead``: :func:`retone_weight` of the same arguments, computed before the map was
    known (used when the map's change is within its reach, else computed here)."""
    change = _largest_change(lut)
    if ahead is None or change > ahead.reach:
        ahead = retone_weight(canvas, roi, grid, weight, edges, change)
    w, (ys, xs) = ahead.w, ahead.slices
    if w.size == 0:
        return
    region = canvas[roi.slices][ys, xs]
    if ahead.mixed is not None:
        _unmixed(w, region, ahead.mixed, lut)
    if not_skin is not None:
        _left_out(w, (slice(roi.y0 + ys.start, roi.y0 + ys.start + region.shape[0]),
                      slice(roi.x0 + xs.start, roi.x0 + xs.start + region.shape[1])), not_skin)
    rest = 1.0 - w
    # a pixel whose weight moves it by less than 0.45 levels keeps its value through the
    # blend's rounding: bands of rows are blended only between their first and last pixels
    # that move more (the same result, on about 70% of the box)
    active = w >= 0.45 / max(change, 1.0)
    for r0 in range(0, region.shape[0], RETONE_BAND):
        cols = np.flatnonzero(active[r0:r0 + RETONE_BAND].any(axis=0))
        if cols.size:
            band = (slice(r0, r0 + RETONE_BAND), slice(int(cols[0]), int(cols[-1]) + 1))
            part = region[band]
            part[...] = cv2.blendLinear(mapped(part, lut), part, w[band], rest[band])


def _left_out(w: np.ndarray, box: tuple[slice, slice], not_skin: NotSkin) -> None:
    """In place: the re-toning weight ``w`` (full resolution, over ``box`` of the image) less
    each pixel's share of ``not_skin``. The backdrop a shave paints between a bearded
    template's wide outline and a narrower user's jaw lies in the template's face oval and
    under its ears' rim, which the weight takes whole (coloured, not judged by its edge): a
    lighter user's re-toning lightened it into a pale rim along the new face and a pale line
    beside the ears. A pixel mixing the painted skin with it takes at most the skin's share:
    the lesser of the two, not their product, as the edge fit (:func:`_unmixed`) has most
    often given such a pixel that share already: taken twice, the skin's part of the paint's
    soft edge stayed the template's darker skin, a dark outline round a lighter user's new
    jaw (Byron Donalds for Judy Chu: L* 50 between the backdrop's 53 and the skin's 71)."""
    hit = geo.overlap(box, not_skin.box)
    if hit is not None:
        mine, theirs = hit
        np.minimum(w[mine], 1.0 - not_skin.share[theirs], out=w[mine])


# rows per band of :func:`retone_curve`. Each band's colour map is a few dozen short OpenCV
# calls, and each call takes the interpreter lock back from the helper thread, which works
# on the user's face meanwhile: 32-row bands (62% of the box mapped, four times the calls)
# took 3-6 ms more of a 1080x1320 fusion than these (70% of the box), for the same bytes
RETONE_BAND = 128
# the weight's edge: where the weight nearby (EDGE_REACH grid pixels round) reaches
# EDGE_NEAR and falls to EDGE_FAR (the skin's edge, not a fade within it) and this pixel's
# is lower than the highest by EDGE_STEP
EDGE_REACH, EDGE_NEAR, EDGE_FAR, EDGE_STEP = 2, 0.6, 0.1, 0.05
EDGE_HUE = 8.0            # sigmas of the cheeks' chroma a pixel at the edge may be from them
EDGE_GREY = (0.3, 0.6)    # the chroma share (of the skin's) over which a light pixel is skin
EDGE_OPEN = 3             # px: the square a piece of not-skin fills to count (not a speck)
LIT_EDGE = 10.0           # luma levels over the cheeks' lightest over which skin is not raised


def _edge_fit(w: np.ndarray, region: np.ndarray, model: SkinModel, zone: np.ndarray,
              weight: np.ndarray, grid: geo.WorkGrid) -> np.ndarray | None:
    """The re-toning weight ``w`` (hxw float32, full resolution, of the pixels ``region``;
    ``weight``: the same on ``grid``), in place, fitted to the skin's own edges where it
    falls off there (below the largest weight ``near`` within :data:`EDGE_REACH` grid
    pixels, where the least is near 0), in ``zone`` (its part of :attr:`SkinEdges.zone`):
    no higher than ``near`` times how much the pixel is
    skin-coloured to the cheeks' model (hue within :data:`EDGE_HUE` sigmas, not grey; a light
    pixel not grey by :data:`EDGE_GREY`), and at least ``near`` times its skin likelihood
    (within :data:`SKIN_TOLERANCE`, no lighter than the cheeks' lightest: not a light blouse)
    a few pixels round. Shares are closed then opened by an :data:`EDGE_OPEN` square: a
    textile's speckles, or skin's, keep the smooth weight.

    The weight is computed on a grid several pixels coarse and feathered outward: at the
    skin's silhouette it reached a few pixels past it (a light backdrop or white collar
    beside the skin was re-toned in part: a pale pink fringe round a dark user's far cheek on
    a turned template, model_1's white tank top's edges tinted) or stopped a few pixels short
    of it (a band of the template's light skin along a black top's neckline and straps).
    Only the pixels at the edge (and the squares' reach round them) are judged. Returns the
    judged pixels in ``zone`` (hxw bool; None: none), those that mix the skin with what is
    beside it to take at least the skin's share of the map's change once it is known
    (:func:`_unmixed`), the ears' rim too (the grown ear weight alone left its mixes, cut
    here, a light rim round a darkened ear)."""
    size = 2 * EDGE_REACH + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    near, far = cv2.dilate(weight, disc), cv2.erode(weight, disc)
    coarse = ((near >= EDGE_NEAR) & (far <= EDGE_FAR) & (near > weight + EDGE_STEP)
              & (zone > 0.99))
    if not coarse.any():
        return None
    h, wd = w.shape
    band = cv2.resize(coarse.view(np.uint8), (coarse.shape[1] * grid.k, coarse.shape[0] * grid.k),
                      interpolation=cv2.INTER_NEAREST)[:h, :wd]
    square = np.ones((EDGE_OPEN, EDGE_OPEN), np.uint8)
    judged = cv2.dilate(band, square, iterations=2).view(bool)
    px = model.pixels(pixels_at(region, judged)[:, None, :])
    grey = _edge_grey(px, model, _saturated(px, model))
    lit = np.clip((model.luma_hi - px.luma) / LIT_EDGE + 1.0, 0.0, 1.0)
    top = grid.up(np.ascontiguousarray(near))[:h, :wd]
    # not skin-coloured (the not-skin share opened: the skin share closed): cut down
    most = _closed(model.hue_likelihood_of(px, EDGE_HUE) * grey, judged, square)
    np.minimum(w, cv2.multiply(top, most, scale=1 / 255, dtype=cv2.CV_32F), out=w,
               where=band.view(bool))
    # skin by the weight's own test (closed, then opened): raised
    least = _closed(model.likelihood_of(px, SKIN_TOLERANCE) * grey * lit, judged, square)
    least = cv2.morphologyEx(least, cv2.MORPH_OPEN, square)
    np.maximum(w, cv2.multiply(top, least, scale=1 / 255, dtype=cv2.CV_32F), out=w,
               where=judged)
    there = grid.up(np.ascontiguousarray(zone))[:h, :wd] > 0.99
    mixed: np.ndarray = judged & there
    return mixed


MIX_STEP = 40.0  # RGB levels: the least step from the skin to what is beside it for a mix
MIX_OFF = 0.25   # share of that step a mixed pixel lies off the line from one to the other
MIX_PURE = 0.05  # a mix with less than this share of skin is taken as the other (kept)
MIX_BEYOND = 1.5  # shares of the step up to this on the skin's far side: skin in shade
MIX_REACH = 4    # px: the skin and the not-skin a pixel mixes are looked for this far round
MIX_MARGIN = MIX_REACH + 3  # px: how far round a judged pixel _unmixed looks (+2), and 1 spare


def _unmixed(w: np.ndarray, region: np.ndarray, judged: np.ndarray,
             lut: np.ndarray | ToneMap) -> None:
    """In place: the weight ``w`` (hxw float32) of the ``judged`` pixels (hxw bool) of
    ``region`` (hxwx3 uint8) that mix the skin beside them with the colour beside that
    (:data:`MIX_REACH` px round: the mean of the pixels of weight 0.9 or more, and of those
    below a half, each a pixel in from its edge, at least :data:`MIX_STEP` levels apart),
    raised so that ``lut`` moves them by the skin's share of its change: each such pixel lies
    near the line between the two colours (:data:`MIX_OFF`), that share its position along
    it (a pixel beyond the skin, away from the other colour, up to :data:`MIX_BEYOND`, is
    skin in shade: all of it). A skin/collar mix is skin-coloured only in part and darker
    than the collar: its weight, cut by the colour tests, took it through the map by 0-0.5
    at random along the edge, and beside a re-toned lighter neck it stayed a dark dotted
    outline (Byron Donalds' neck for a light user: luma 102 between 190 and 230; Burgess
    Owens' own jaw and neck too)."""
    # nothing below looks further than MIX_REACH + 2 px round the judged pixels: only their
    # box, grown by MIX_MARGIN, is worked on (the same values as over the whole region)
    bx, by, bw, bh = cv2.boundingRect(judged.view(np.uint8))
    if bw == 0:
        return
    oy, ox = max(by - MIX_MARGIN, 0), max(bx - MIX_MARGIN, 0)
    crop = (slice(oy, by + bh + MIX_MARGIN), slice(ox, bx + bw + MIX_MARGIN))
    w_in, region, judged = w[crop], region[crop], judged[crop]
    cross = np.ones((3, 3), np.uint8)
    reach = np.ones((2 * MIX_REACH + 1,) * 2, np.uint8)
    # the pixels whose weight may rise: not the skin's inside, and with both the skin and
    # the other colour within reach
    pures = [cv2.erode(pure.view(np.uint8), cross) for pure in (w_in >= 0.9, w_in < 0.5)]
    near = [cv2.dilate(pure, reach).view(bool) for pure in pures]
    candidates = judged & (w_in < 0.95)
    candidates &= near[0]
    candidates &= near[1]
    found = cv2.findNonZero(candidates.view(np.uint8))  # (x, y) in np.nonzero's order
    if found is None:
        return
    xs, ys = found.reshape(-1, 2).T
    y0, y1 = max(int(ys.min()) - MIX_REACH - 1, 0), int(ys.max()) + MIX_REACH + 2
    x0, x1 = max(int(xs.min()) - MIX_REACH - 1, 0), int(xs.max()) + MIX_REACH + 2
    img = region[y0:y1, x0:x1]
    part = w_in[y0:y1, x0:x1]
    ys, xs = ys - y0, xs - x0
    h, wd = part.shape
    # the window's sums from integral images, at the candidates only (box filters of the
    # whole region cost several times more): their corners' flat indices in the (h + 1) x
    # (wd + 1) tables (NumPy gathers by flat index several times faster than by row and column)
    ya, yb = np.maximum(ys - MIX_REACH, 0), np.minimum(ys + MIX_REACH + 1, h)
    xa, xb = np.maximum(xs - MIX_REACH, 0), np.minimum(xs + MIX_REACH + 1, wd)
    row = wd + 1
    corners = (yb * row + xb, ya * row + xb, yb * row + xa, ya * row + xa)

    def windows(table: np.ndarray) -> np.ndarray:
        """The sums of the candidates' windows (Nxc float32) from an integral image."""
        flat = table.reshape((h + 1) * row, -1)
        bb, ab, ba, aa = (np.take(flat, at, axis=0) for at in corners)
        out: np.ndarray = (bb - ab - ba + aa).astype(np.float32)
        return out

    means = []
    for pure in pures:
        ones = pure[y0:y1, x0:x1]
        count = windows(cv2.integral(ones))[:, 0]
        # the colours' sums from a fresh masked copy (zero off the mask)
        summed = windows(cv2.integral(cv2.copyTo(img, ones)))
        means.append((summed / np.maximum(count, 1.0)[:, None], count > 0))
    (skin, has_skin), (beside, has_other) = means
    step = beside - skin
    length2 = (step ** 2).sum(axis=1)
    px = img[ys, xs].astype(np.float32)
    share = ((px - beside) * -step).sum(axis=1) / np.maximum(length2, 1.0)
    off = px - (beside - share[:, None] * step)
    mix = (has_skin & has_other & (length2 >= MIX_STEP ** 2) & (share > MIX_PURE)
           & (share < MIX_BEYOND) & ((off ** 2).sum(axis=1) <= MIX_OFF ** 2 * length2))
    if not mix.any():
        return
    ys, xs, skin, px = ys[mix], xs[mix], skin[mix], px[mix]
    share = np.minimum(share[mix], 1.0)
    u8 = np.clip(np.rint(np.stack([skin, px])), 0, 255).astype(np.uint8)
    moved = mapped(u8, lut).astype(np.float32) - u8.astype(np.float32)
    # the weight whose change of the pixel comes nearest the skin's share of the skin's
    want = share[:, None] * moved[0]
    fit = np.clip((want * moved[1]).sum(axis=1)
                  / np.maximum((moved[1] ** 2).sum(axis=1), 1.0), 0.0, 1.0)
    # only ever raised: a weight above the share is the skin's own edge test's (an ear's
    # rim is grown on purpose, :data:`EAR_RIM`)
    part[ys, xs] = np.maximum(fit, part[ys, xs])


def _edge_grey(px: SkinPixels, model: SkinModel, coloured: np.ndarray) -> np.ndarray:
    """How far each pixel of ``px`` is from grey for skin of the cheeks' ``model`` (0..1):
    ``coloured`` (its :func:`_saturated`), and for a pixel lighter than the middle of the
    skin's range (a white collar or backdrop beside light skin is a little warm) by
    :data:`EDGE_GREY` of the skin's chroma."""
    light = px.luma > (model.luma_lo + model.luma_hi) / 2
    out: np.ndarray = np.where(light, _saturated(px, model, EDGE_GREY), coloured)
    return out


def _closed(share: np.ndarray, at: np.ndarray, square: np.ndarray) -> np.ndarray:
    """A share (Nx1, 0..1) of the pixels ``at`` (hxw bool) as an hxw uint8 map (0..255, 0
    elsewhere), closed by ``square``."""
    out = np.zeros(at.shape, np.uint8)
    out[at] = np.rint(share[:, 0] * 255)
    closed: np.ndarray = cv2.morphologyEx(out, cv2.MORPH_CLOSE, square)
    return closed
