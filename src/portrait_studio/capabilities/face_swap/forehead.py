"""The template's upper forehead, textured like the new face.

The swap replaces only the lower part of the forehead (``forehead_keep``): above it, up to the
hairline, the template's own forehead stays, re-toned to the user's complexion. Official
portraits are retouched, and a light forehead re-toned dark keeps its airbrushed smoothness
(its fine detail is a fifth of the new face's cheeks' and shrinks further with the tone
curve's slope), so above a dark user's textured face it read as a smooth helmet under the
template's hairline. Here that forehead gets the fine detail of the user's own forehead:

- where the user's warped face covers it (the band between the brows and the top of the
  user's mesh, not the user's hair), the user's own detail at the same place;
- above and beside that band (the template's forehead is often taller and wider), grain of
  the same strength at two scales, measured on the band (a stationary texture: reflecting
  or tiling the band repeated its moles and pores in visible patterns);

added where the template shows through the blend and is skin. Only fine detail is added (the
image minus a skin-only blur): the template keeps its shading, colour and hairline, and no
pixel of the user's hair is carried over.

Images are HxWx3 uint8 or float32 RGB 0..255; weights HxW float32 0..1; landmarks 478x2.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.blend import mask_box, scale_channels
from ...imaging.color import masked_blur
from ...imaging.regions import pixels_at
from ...perception import landmarks as lm
from ...perception.masks import cheek_mask
from .warps import geo_scale

BROW_MARGIN = 0.08    # eye distances kept clear above the brows' highest point (their hairs)
REACH_UP = 1.3        # eye distances above the brows: how high the forehead may go
SIDE_MARGIN = 0.1     # eye distances beyond the face oval's sides
CLEAR = 0.03          # eye distances the band keeps from the user's hair and the mesh's edge
DETAIL_SIGMA = 0.025  # eye distances: the blur whose residual is the detail added
FINE_SIGMA = 0.008    # eye distances: the finer of the grain's two scales (pores, film grain)
MIN_BAND = 0.1        # eye distances: a column's band shorter than this gives no detail
FULL_BAND = 0.7       # share of the tallest band a column's needs to give its own detail
OWN_SOFT = 0.03       # eye distances: the cross-fade from the user's own detail to grain
DETAIL_LIMIT = 2.5    # robust standard deviations of the band's detail that it may reach
LIKE = 30.0           # RGB levels from the band's colour that still count as skin
GAIN_FLOOR = 0.01     # gain below which a row gets no detail
MIN_SAMPLES = 64      # band pixels needed to measure the grain
SEED = 0              # the grain is deterministic
CHEEK_SHARE = 0.6     # a forehead's grain over its cheeks' (users' own photos: median 0.6)


@dataclass(frozen=True)
class SwapFields:
    """The swap's smooth fields that the forehead needs, on its working grid: the relighting
    ratio (hxwx3), the user's hair cut from the blend and the template's hair (hxw 0..1)."""

    grid: geo.WorkGrid
    ratio: np.ndarray
    user_hair: np.ndarray
    template_hair: np.ndarray


@dataclass(frozen=True)
class ForeheadSource:
    """The user's side of :func:`texture_forehead` (no template pixels nor blend weight in
    it, so it can be worked out while the face is being blended): the forehead box on the
    fields' grid and at full resolution, the user's forehead band there (``source``, hxw
    bool), how much of the user's own detail each pixel takes (``own``), the relighting
    ratio, the relit band's colour, its relit base and the cheeks' grain (when the band is
    not whole)."""

    box: tuple[slice, slice]
    full: tuple[slice, slice]
    scale: float
    source: np.ndarray
    own: np.ndarray
    ratio: np.ndarray
    colour: np.ndarray
    base: np.ndarray
    cheeks: _Grain | None


def forehead_source(points: np.ndarray, user: tuple[np.ndarray, np.ndarray],
                    fields: SwapFields, amount: float) -> ForeheadSource | None:
    """:class:`ForeheadSource` of :func:`texture_forehead` for the same arguments; None when
    it does nothing."""
    grid = fields.grid
    local = grid.points(points)
    scale = geo_scale(local)
    box = _forehead_box(local, grid.small)
    if amount <= 0 or box is None:
        return None
    full = grid.full_slices(box)
    sub = geo.WorkGrid((full[0].stop - full[0].start, full[1].stop - full[1].start), grid.k)
    source = _source(sub.down(user[1][full]) * (1.0 - fields.user_hair[box]), scale)
    own = _own(source, scale)
    ratio = np.ascontiguousarray(fields.ratio[box])
    face = cv2.multiply(sub.down(user[0][full]).astype(np.float32), ratio)
    cheeks = None if own.max(initial=0.0) >= 0.99 else _cheek_grain(user, fields, local)
    if cheeks is None and own.max(initial=0.0) < 0.99:
        return None  # neither a band of forehead nor cheeks to measure
    colour = pixels_at(face, source).mean(axis=0) if cheeks is None else cheeks.colour
    base = masked_blur(face, source.astype(np.float32), max(DETAIL_SIGMA * scale, 0.7))
    return ForeheadSource(box, full, scale, source, own, ratio, colour, base, cheeks)


def texture_forehead(canvas: np.ndarray, weight: np.ndarray, points: np.ndarray,
                     user: tuple[np.ndarray, np.ndarray], fields: SwapFields,
                     amount: float, ahead: ForeheadSource | None = None) -> None:
    """In place on ``canvas`` (the swap region after the blend, HxWx3 uint8 or float32 RGB):
    add ``amount`` times the fine detail of the user's forehead band (``user``: the user face
    warped onto the result landmarks ``points``, uint8, and where it was sampled, HxW; above
    the brows, not the user's hair) where it lies, and grain measured on it elsewhere on the
    forehead (on the user's cheeks when a fringe hides the whole band), weighted by
    ``1 - weight`` (the blend weight) and by the template's skin (not its hair). Where
    things go is worked out on the fields' grid; the detail itself is added at full
    resolution. ``ahead``: :func:`forehead_source` of the same arguments when computed
    ahead (None: computed here)."""
    grid = fields.grid
    found = forehead_source(points, user, fields, amount) if ahead is None else ahead
    if found is None:
        return
    box, full, scale, source = found.box, found.full, found.scale, found.source
    sub = geo.WorkGrid((full[0].stop - full[0].start, full[1].stop - full[1].start), grid.k)
    skin = 1.0 - np.clip(fields.template_hair[box], 0.0, 1.0)
    like = _like(sub.down(canvas[full]).astype(np.float32), found.colour, scale)
    gain = ((1.0 - sub.down(weight[full])) * skin * like * np.float32(amount)).astype(np.float32)
    # only the rows from the first that gets or gives detail down (the box reaches high for
    # a receding hairline; most foreheads end well below)
    first = int(np.argmax((gain > GAIN_FLOOR).any(axis=1) | source.any(axis=1)))
    rows = slice(first, source.shape[0])
    part = (slice(full[0].start + first * grid.k, full[0].stop), full[1])
    sub = geo.WorkGrid((part[0].stop - part[0].start, part[1].stop - part[1].start), grid.k)
    layers = (found.ratio[rows], found.base[rows], source[rows].astype(np.float32),
              found.own[rows], gain[rows])
    _add_detail(canvas[part], user[0][part], sub, layers, scale * grid.k, found.cheeks)


@dataclass(frozen=True)
class _Grain:
    """The fine detail of a skin sample: its luma's spread finer and coarser than
    :data:`FINE_SIGMA` eye distances, its colour relative to its luma (3 float32) and its
    mean colour (3 float32 RGB)."""

    fine: float
    coarse: float
    tint: np.ndarray
    colour: np.ndarray


def _measure(detail: np.ndarray, sample: np.ndarray, relit: np.ndarray,
             scale: float) -> _Grain:
    """:class:`_Grain` of ``detail`` (hxwx3 float32, over the relit face ``relit``) on
    ``sample`` (hxw bool; ``scale``: the eye distance in pixels)."""
    luma = cv2.transform(detail, _MEAN)
    smooth = cv2.GaussianBlur(luma, (0, 0), max(FINE_SIGMA * scale, 0.5))
    colour = pixels_at(relit, sample).mean(axis=0).astype(np.float32)
    return _Grain(float(cv2.subtract(luma, smooth)[sample].std()), float(smooth[sample].std()),
                  colour / max(float(colour.mean()), 1.0), colour)


def _relit_detail(face: np.ndarray, sub: geo.WorkGrid,
                  layers: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[
                      np.ndarray, np.ndarray, np.ndarray]:
    """The user face ``face`` (a block, hxwx3 uint8) relit, its detail over the relit base
    where it is sampled (limited, :func:`_limited`) and where that is (hxw bool), from
    ``layers`` on the block's grid ``sub``: relighting ratio, relit base, sample mask."""
    ratio, base, source = (sub.up(np.ascontiguousarray(x)) for x in layers)
    h, w = face.shape[:2]
    inside = source[:h, :w] > 0.5
    relit = cv2.multiply(face.astype(np.float32), ratio[:h, :w])
    detail = scale_channels(cv2.subtract(relit, base[:h, :w]), inside.astype(np.float32))
    return relit, _limited(detail, inside), inside


def _cheek_grain(user: tuple[np.ndarray, np.ndarray], fields: SwapFields,
                 local: np.ndarray) -> _Grain | None:
    """:class:`_Grain` of the user's cheeks (on the result landmarks ``local``, in grid
    pixels), taken down to :data:`CHEEK_SHARE` (a forehead's grain is finer than a cheek's);
    None when too little of them is sampled."""
    grid, scale = fields.grid, geo_scale(local)
    cheeks = cheek_mask(local, grid.small) * (1.0 - fields.user_hair)
    box = mask_box(cheeks, 1, threshold=0.5)
    full = grid.full_slices(box)
    if full[0].stop <= full[0].start or full[1].stop <= full[1].start:
        return None
    sub = geo.WorkGrid((full[0].stop - full[0].start, full[1].stop - full[1].start), grid.k)
    mask = (cheeks[box] * sub.down(user[1][full]) > 0.5).astype(np.float32)
    ratio = np.ascontiguousarray(fields.ratio[box])
    face = cv2.multiply(sub.down(user[0][full]).astype(np.float32), ratio)
    base = masked_blur(face, mask, max(DETAIL_SIGMA * scale, 0.7))
    relit, detail, inside = _relit_detail(user[0][full], sub, (ratio, base, mask))
    if int(np.count_nonzero(inside)) < MIN_SAMPLES:
        return None
    found = _measure(detail, inside, relit, scale * grid.k)
    return _Grain(found.fine * CHEEK_SHARE, found.coarse * CHEEK_SHARE, found.tint, found.colour)


def _add_detail(region: np.ndarray, face: np.ndarray, sub: geo.WorkGrid,
                layers: tuple[np.ndarray, ...], scale: float, grain: _Grain | None) -> None:
    """In place on ``region`` (a block of the canvas, hxwx3): the detail of ``face`` (the
    user face on the same block, uint8) over its relit base where it is the user's own, and
    grain elsewhere (of ``grain``'s strength, or measured on the band when None), times
    the gain (``layers`` on the grid ``sub``: relighting ratio, relit base, source band,
    own-detail weight, gain; ``scale``: the eye distance in full pixels)."""
    relit, detail, _ = _relit_detail(face, sub, (layers[0], layers[1], layers[2]))
    own, gain = (sub.up(np.ascontiguousarray(x)) for x in layers[3:])
    h, w = region.shape[:2]
    mine = np.clip(own[:h, :w], 0.0, 1.0)
    if grain is None:
        sample = mine > 0.99
        if int(np.count_nonzero(sample)) < MIN_SAMPLES:
            return
        grain = _measure(detail, sample, relit, scale)
    noise = _grain((h, w), (grain.fine, grain.coarse), scale, sub)
    # the user's own detail fades into the grain: the square roots keep the strength even
    mixed = cv2.add(scale_channels(detail, cv2.sqrt(mine)),
                    scale_channels(cv2.merge([noise * np.float32(t) for t in grain.tint]),
                                   cv2.sqrt(1.0 - mine)))
    mixed = scale_channels(mixed, np.ascontiguousarray(gain[:h, :w]))
    if region.dtype == np.uint8:  # rounded, saturated
        region[...] = cv2.add(region.astype(np.float32), mixed, dtype=cv2.CV_8U)
    else:
        region[...] = np.clip(cv2.add(region, mixed), 0, 255)


def _grain(shape: tuple[int, int], strengths: tuple[float, float], scale: float,
           sub: geo.WorkGrid) -> np.ndarray:
    """hxw float32: luma grain of the given spreads finer and coarser than
    :data:`FINE_SIGMA` eye distances (``scale``: the eye distance in pixels; the coarse
    scale's wide blur is taken on the grid ``sub`` of the block); deterministic."""
    fine_sigma = max(FINE_SIGMA * scale, 0.5)
    noise = _noise(shape)
    low = cv2.GaussianBlur(noise, (0, 0), fine_sigma)
    wide = sub.up(cv2.GaussianBlur(sub.down(noise), (0, 0),
                                   max(DETAIL_SIGMA * scale / sub.k, 0.7)))[:shape[0], :shape[1]]
    layers = (cv2.subtract(noise, low), cv2.subtract(low, wide))
    out = np.zeros(shape, np.float32)
    for layer, strength in zip(layers, strengths, strict=True):
        spread = float(layer[::3, ::3].std())  # a sample is plenty for the noise's spread
        out = np.asarray(cv2.scaleAdd(layer, strength / max(spread, 1e-6), out), np.float32)
    # no grain stronger than the band's own detail may be (:func:`_limited`)
    limit = np.float32(DETAIL_LIMIT * float(np.hypot(*strengths)) + 0.5)
    return np.clip(out, -limit, limit)


_MEAN = np.full((1, 3), 1.0 / 3.0, np.float32)
NOISE_SIDE = 1024  # the white noise is drawn once at this size (tiled beyond it)


@cache
def _noise_tile() -> np.ndarray:
    noise: np.ndarray = np.random.default_rng(SEED).standard_normal(
        (NOISE_SIDE, NOISE_SIDE), dtype=np.float32)
    noise.setflags(write=False)
    return noise


def _noise(shape: tuple[int, int]) -> np.ndarray:
    """hxw float32 standard normal white noise, the same for every call: a corner of one
    array drawn once with :data:`SEED` (drawing it for every face cost more than the rest of
    the step), tiled beyond :data:`NOISE_SIDE`."""
    tile = _noise_tile()
    reps = (-(-shape[0] // NOISE_SIDE), -(-shape[1] // NOISE_SIDE))
    whole = tile if reps == (1, 1) else np.tile(tile, reps)
    return whole[:shape[0], :shape[1]]


def _like(region: np.ndarray, colour: np.ndarray, scale: float) -> np.ndarray:
    """hxw float32 0..1 (on the grid): where the (blurred) ``region`` has about the user's
    skin ``colour`` (RGB): 1 within :data:`LIKE` RGB levels of it, 0 from twice that (the
    template's grey or blond hair, which its skin map can miss)."""
    mean = np.asarray(colour, np.float32)
    blurred = cv2.GaussianBlur(region, (0, 0), max(0.05 * scale, 1.0))
    distance = np.sqrt(((blurred - mean) ** 2).sum(axis=2))
    out: np.ndarray = np.clip(2.0 - distance / LIKE, 0.0, 1.0).astype(np.float32)
    return out


def _source(usable: np.ndarray, scale: float) -> np.ndarray:
    """hxw bool: the band's pixels, where ``usable`` is about 1, kept :data:`CLEAR` eye
    distances from the rest."""
    size = 2 * max(1, int(CLEAR * scale)) + 1
    inside = cv2.erode((usable > 0.99).astype(np.uint8), np.ones((size, size), np.uint8))
    out: np.ndarray = inside > 0
    return out


def _own(source: np.ndarray, scale: float) -> np.ndarray:
    """hxw float32 0..1: where the user's own detail is added: the band's columns whose band
    (from its first row to the box's bottom, just above the brows) is at least
    :data:`MIN_BAND` eye distances and :data:`FULL_BAND` of the tallest (near the mesh's
    edge the band thins out, and the warp stretches the user's face there into streaks),
    shrunk and softened by :data:`OWN_SOFT` eye distances."""
    h = source.shape[0]
    band = np.where(source.any(axis=0), h - np.argmax(source, axis=0), 0)
    tall = band >= max(MIN_BAND * scale, FULL_BAND * float(band.max(initial=0)), 1.0)
    kept = (source & tall[None, :]).astype(np.uint8)
    size = 2 * max(1, int(OWN_SOFT * scale)) + 1
    inner = cv2.erode(kept, np.ones((size, size), np.uint8)).astype(np.float32)
    out: np.ndarray = cv2.GaussianBlur(inner, (0, 0), max(OWN_SOFT * scale * 0.5, 0.5))
    return out


def _forehead_box(points: np.ndarray, shape: tuple[int, ...]) -> tuple[slice, slice] | None:
    """Rows from :data:`REACH_UP` eye distances above the brows down to
    :data:`BROW_MARGIN` above them, columns of the face oval (plus :data:`SIDE_MARGIN`);
    None when empty."""
    scale = geo_scale(points)
    brow_y = float(points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min())
    oval_x = points[list(lm.FACE_OVAL), 0]
    y0 = max(0, int(brow_y - REACH_UP * scale))
    y1 = min(shape[0], int(brow_y - BROW_MARGIN * scale))
    x0 = max(0, int(oval_x.min() - SIDE_MARGIN * scale))
    x1 = min(shape[1], int(oval_x.max() + SIDE_MARGIN * scale) + 1)
    if y1 - y0 < 2 or x1 - x0 < 2:
        return None
    return slice(y0, y1), slice(x0, x1)


def _limited(detail: np.ndarray, source: np.ndarray) -> np.ndarray:
    """``detail`` (hxwx3 float32) limited to :data:`DETAIL_LIMIT` robust standard deviations
    of its luma over ``source`` (hxw bool): a mole, a frame's painted-out remnant or a stray
    hair in the band would stand out; skin's grain passes."""
    luma = cv2.transform(detail, _MEAN)[source][::SAMPLE]  # a sample is plenty for a median
    if luma.size == 0:
        return detail
    limit = np.float32(DETAIL_LIMIT * 1.4826 * float(np.median(np.abs(luma))) + 0.5)
    out: np.ndarray = np.clip(detail, -limit, limit)
    return out


SAMPLE = 7  # every so many band pixels measure the detail's typical size
