"""The template's hairline, re-toned by its share of skin.

Re-toning takes the template's skin to the user's complexion in proportion to a smooth
skin-likelihood weight (:func:`~.tone.person_skin_field`). At the hairline the pixels are
mixtures of skin and hair (fine hairs, anti-aliasing, a fringe's thin ends): they are not
skin-coloured, so the weight stays low there, and for a user much darker than the template
they kept most of the template's light skin, a light rim between the re-toned forehead and
the hair. Here each such pixel is split along the line from the local hair colour to the
local skin colour (both of the original template), and its skin share gets the change the
re-toning makes to that skin colour; the hair share is left alone (hair keeps its colour).

Images are HxWx3 uint8 RGB; fields on the re-toning's working grid are float32.
"""

from __future__ import annotations

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.blend import mask_box
from ...perception.masks import face_scale
from .tone import SkinField, ToneMap, crown_zone, mapped

SKIN_LEVEL = 0.8       # re-toning weight above which a grid pixel is taken as skin
HAIR_DARKER = 25.0     # L* below the local skin's: hair
SPREAD = 0.35          # eye distances: the blur that gives the local skin and hair colours
HAIR_SPREAD = 0.2      # share of the way from hair to skin that is still hair
MIN_DENSITY = 0.05     # share of skin (and of hair) pixels the blur needs to trust its mean
REACH = 1.6            # the face oval grown about its centre: how far above the mesh the
                       # hairline may be (a receding one is far above)


def _local_mean(img: np.ndarray, mask: np.ndarray, sigma: float) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """Normalised Gaussian blur of ``img`` (hxwx3 float32) over ``mask`` (hxw bool), and the
    blurred mask itself (the density of the samples, hxw float32)."""
    m = mask.astype(np.float32)
    density = cv2.GaussianBlur(m, (0, 0), sigma)
    total = cv2.GaussianBlur(img * m[..., None], (0, 0), sigma)
    mean: np.ndarray = total / np.maximum(density, 1e-6)[..., None]
    return mean, density


def _lightness(img: np.ndarray) -> np.ndarray:
    """About L* (0..100, hxw float32) of an RGB image given as float32 0..255: its luma
    (BT.601) through the L* curve (exact for greys; near enough for telling hair from
    skin, and a fraction of the cost of a Lab conversion)."""
    out: np.ndarray = cv2.LUT(np.clip(_luma(img), 0, 255).astype(np.uint8), _L_TABLE)
    return out


def _l_table() -> np.ndarray:
    """256 float32: L* of each grey level (sRGB)."""
    v = np.arange(256, dtype=np.float64) / 255.0
    lin = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    f = np.where(lin > (6 / 29) ** 3, np.cbrt(lin), lin / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.asarray(116.0 * f - 16.0, np.float32)


_L_TABLE = _l_table()


def _colours(small: np.ndarray, weight: np.ndarray, person: np.ndarray, sigma: float) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """Local skin and hair colours on the grid (hxwx3 float32 each, from the original
    template's grid pixels ``small``; hair: the person's pixels (``person``, hxw bool) far
    darker than the skin, not the backdrop) and where both are known (hxw float32 0..1)."""
    skin, skin_density = _local_mean(small, weight > SKIN_LEVEL, sigma)
    darker = _lightness(small) < _lightness(skin) - HAIR_DARKER
    hair, hair_density = _local_mean(small, darker & (weight < 0.5) & person, sigma)
    known = (np.clip(skin_density / MIN_DENSITY, 0.0, 1.0)
             * np.clip(hair_density / MIN_DENSITY, 0.0, 1.0))
    return skin, hair, known.astype(np.float32)


def _skin_share(luma: np.ndarray, skin: np.ndarray, hair: np.ndarray,
                spread: float = HAIR_SPREAD) -> np.ndarray:
    """0..1 (HxW float32): each pixel's position between the ``hair`` and the ``skin`` luma
    (all HxW float32), a mixture's skin share. A hair's own lighter strands and the backdrop
    through its tips sit a little way up from the hair: the first ``spread`` of the way
    (:data:`HAIR_SPREAD`) counts as none."""
    return _skin_shares(luma, skin, hair, spread)[0]


def _skin_shares(luma: np.ndarray, skin: np.ndarray, hair: np.ndarray,
                 spread: float = HAIR_SPREAD) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_skin_share` with ``spread`` and with none (the plain share), from one
    difference and one span (the same float32 steps as two separate calls)."""
    up = cv2.subtract(luma, hair)
    span = np.maximum(cv2.subtract(skin, hair), np.float32(1.0))
    share = cv2.divide(up, span * (1.0 - spread))
    np.subtract(share, spread / (1.0 - spread), out=share)
    np.clip(share, 0.0, 1.0, out=share)
    plain = cv2.divide(up, span, dst=up)  # span * (1 - 0) is span itself
    return share, np.clip(plain, 0.0, 1.0, out=plain)


def _luma(img: np.ndarray) -> np.ndarray:
    """BT.601 luma (HxW float32 0..255, not rounded) of an HxWx3 RGB image (uint8 or
    float32). A uint8 image's luma was rounded to a level by ``cv2.transform``: compared
    with the original's unrounded luma, up to half a level of error in how far the tone
    curve had moved a hairline pixel."""
    out: np.ndarray = cv2.transform(img.astype(np.float32, copy=False), _LUMA)
    return out


_LUMA = np.array([[0.299, 0.587, 0.114]], np.float32)


def retone_hairline(canvas: np.ndarray, original: np.ndarray, lut: np.ndarray | ToneMap,
                    points: np.ndarray, field: SkinField) -> None:
    """In place on ``canvas`` (the template after :func:`~.tone.retone_curve` with ``lut``
    and the weight of ``field``, from :func:`~.tone.person_skin_field`): in the crown zone
    above the brows of the face ``points`` (478x2, full image), add to each pixel of
    ``original`` (the field's region of the template before re-toning) what the weight left
    out of the re-toning of its skin share."""
    roi, grid, weight = field.roi, field.grid, field.weight
    local = grid.points(points - roi.offset)
    scale = max(face_scale(points), 8.0) / grid.k
    zone = crown_zone(local, weight.shape, scale, REACH)
    box = mask_box(zone * (weight < 0.99), 2)
    if zone[box].size == 0:
        return
    # the colour statistics: on a grid f times coarser (about four pixels per blur sigma)
    # over the box grown by the blur's reach, aligned to f
    f = max(1, int(SPREAD * scale // 4))
    outer = _aligned(_grown(box, int(3 * SPREAD * scale) + 2, weight.shape), f)
    coarse = geo.WorkGrid((outer[0].stop - outer[0].start, outer[1].stop - outer[1].start), f)
    ys, xs = grid.full_slices(outer)
    pixels = geo.WorkGrid((ys.stop - ys.start, xs.stop - xs.start), grid.k * f).down(
        original[ys, xs]).astype(np.float32)
    person_c = coarse.down(np.ascontiguousarray(field.person[outer]))
    weight_c = coarse.down(np.ascontiguousarray(weight[outer]))
    skin, hair, known = _colours(pixels, weight_c, person_c > 0.5, SPREAD * scale / f)
    retoned = mapped(np.clip(skin, 0, 255).astype(np.uint8), lut).astype(np.float32)
    reach = (coarse.down(np.ascontiguousarray(zone[outer])) * known
             * np.clip(person_c, 0.0, 1.0))
    gap = (1.0 - np.clip(weight_c, 0.0, 1.0)) * reach
    block = mask_box(gap * np.abs(retoned - skin).max(axis=2), 1, threshold=0.5)
    if gap[block].size == 0:
        return  # nothing would move by half a level (a user of the template's complexion)
    levels = np.dstack([skin, hair, reach, retoned - skin])[block]
    rows, cols = (slice(o.start + b.start * f, o.start + b.stop * f)
                  for o, b in zip(outer, block))
    ys, xs = grid.full_slices((rows, cols))
    # the part of each pixel the re-toning left out, at full resolution: the coarse grid's
    # averaged weight was several tenths higher than a hairline pixel's own
    h, w = ys.stop - ys.start, xs.stop - xs.start
    rest = 1.0 - np.clip(grid.up(np.ascontiguousarray(np.maximum(weight, field.hair)[rows, cols])),
                         0.0, 1.0)[:h, :w]
    _apply(canvas[roi.slices][ys, xs], original[ys, xs], levels, grid.k * f,
           rest.astype(np.float32))


def _apply(target: np.ndarray, original: np.ndarray, levels: np.ndarray, k: int,
           rest: np.ndarray) -> None:
    """In place on ``target`` (hxwx3 uint8, a block of the canvas; ``original``: the same
    block before re-toning): ``levels`` (coarse, k times smaller: the skin's and the hair's
    colours, the step's reach and the skin's change, 10 channels) brought up; each pixel
    that is a mixture of the two colours at all (:func:`_on_mix_line`) is moved by its skin
    share of that change times ``rest`` (hxw: the share of it the re-toning's weight left
    out) times the reach, but not past its original plus its plain skin share (without
    :data:`HAIR_SPREAD`) of the change: the hair share keeps its colour.

    The tone curve moves a pixel as if all of it were skin: a light template's hairline
    pixels, part light-brown hair, had been moved most of the way already, and adding the
    rest on top took them 7 L* below both the hair and the re-toned forehead (a dark band
    under the hair, for a dark user).

    A pixel moves by at most its skin share times its reach (before the mixture test) times
    ``rest`` times its largest change (the brought-up largest change of the coarse pixels
    bounds the brought-up change's channels): a pixel whose bound is under 0.45 levels keeps
    its value through the rounding, and the mixture test and the move are computed only for
    the others (a fifth to a quarter of the box: the rest is re-toned forehead, where the
    weight left nothing out, hair, or beyond the reach), gathered (the same float32 steps
    per pixel: the same bytes)."""
    h, w = target.shape[:2]

    def up(part: np.ndarray) -> np.ndarray:
        part = np.ascontiguousarray(part)
        size = (part.shape[1] * k, part.shape[0] * k)
        out: np.ndarray = cv2.resize(part, size, interpolation=cv2.INTER_LINEAR)[:h, :w]
        return out

    skin, hair = up(levels[..., 0:3]), up(levels[..., 3:6])
    reach_up, change = up(levels[..., 6]), up(np.abs(levels[..., 7:10]).max(axis=2))
    luma = _luma(original)
    share, plain = _skin_shares(luma, _luma(skin), _luma(hair))
    bound = cv2.multiply(cv2.multiply(share, reach_up), cv2.multiply(rest, change))
    moving = np.flatnonzero(bound >= np.float32(0.45))
    if moving.size == 0:
        return

    def picked(img: np.ndarray) -> np.ndarray:
        """The moving pixels of an hxw(x3) array: Nx1(x3), a column image for OpenCV."""
        flat = np.ascontiguousarray(img).reshape(h * w, 1, -1)
        out: np.ndarray = np.take(flat, moving, axis=0)
        return out if img.ndim == 3 else out[..., 0]

    delta = picked(up(levels[..., 7:10]))
    pixels, skin, hair = picked(original).astype(np.float32), picked(skin), picked(hair)
    reach = cv2.multiply(_on_mix_line(pixels, skin, hair), picked(reach_up))
    share, plain, luma = picked(share), picked(plain), picked(luma)
    most = cv2.multiply(cv2.multiply(share, reach, dst=share), picked(rest), dst=share)
    # how far along the skin's change (in luma) the tone curve already took each pixel, and
    # what is missing from there to the mixture's own change (its plain share of it)
    skin_move = _luma(delta)
    skin_move[np.abs(skin_move) < 0.5] = np.inf
    block = np.ascontiguousarray(target)  # (a copy when the target is a view of the canvas)
    now = picked(block).astype(np.float32)
    moved = cv2.divide(cv2.subtract(_luma(now), luma, dst=luma), skin_move, dst=skin_move)
    missing = cv2.multiply(cv2.subtract(plain, moved, dst=plain), reach, dst=plain)
    share = np.clip(missing, 0.0, most, out=missing)
    # (results are written over spent arrays: the same float32 steps, fewer passes)
    moved_px = cv2.add(now, cv2.multiply(delta, cv2.merge([share] * 3)),
                       dtype=cv2.CV_8U)  # rounded, saturated
    # written back pixel by pixel as 3-byte items (np.put: a few times faster than rows)
    np.put(block.reshape(h * w, 3).view("V3")[:, 0], moving,
           moved_px.reshape(-1, 3).view("V3")[:, 0])
    if block is not target:
        target[...] = block


def _on_mix_line(pixels: np.ndarray, skin: np.ndarray, hair: np.ndarray) -> np.ndarray:
    """0..1 (hxw float32): whether each pixel (hxwx3 float32, like ``skin`` and ``hair``)
    lies near the segment from the hair colour to the skin colour, as a mixture of the two
    does: 1 within :data:`MIX_OFF` of the segment's length from it, 0 beyond twice that. The
    backdrop round a head (a blue wall a few pixels past the hair, which the coarse person
    map still reaches) lies far off it, and was lightened as if it were skin: a pale halo
    round a dark template's hair under a light user's face."""
    span = cv2.subtract(skin, hair)
    off = cv2.subtract(pixels, hair)
    prod = cv2.multiply(span, span)  # the products of each sum below, in turn
    length2 = _channel_sum(prod)
    np.maximum(length2, np.float32(1.0), out=length2)
    dot = _channel_sum(cv2.multiply(off, span, dst=prod))
    t = cv2.divide(dot, length2)
    np.clip(t, 0.0, 1.0, out=t)
    sq = _channel_sum(cv2.multiply(off, off, dst=prod))
    # |off - t span|^2 = |off|^2 - 2 t (off . span) + t^2 |span|^2 (over spent arrays)
    inner = cv2.subtract(cv2.add(dot, dot, dst=dot), cv2.multiply(t, length2), dst=dot)
    residual = cv2.subtract(sq, cv2.multiply(t, inner, dst=inner), dst=sq)
    np.maximum(residual, np.float32(0.0), out=residual)
    distance = cv2.sqrt(cv2.divide(residual, length2, dst=residual))
    np.divide(distance, MIX_OFF, out=distance)
    np.subtract(2.0, distance, out=distance)
    out: np.ndarray = np.clip(distance, 0.0, 1.0, out=distance)
    return out


def _channel_sum(img: np.ndarray) -> np.ndarray:
    """Sum of the three channels of an hxwx3 float32 image (hxw float32)."""
    out: np.ndarray = cv2.transform(img, _ONES)
    return out


_ONES = np.ones((1, 3), np.float32)


MIX_OFF = 0.35  # share of the hair-to-skin distance a mixture may lie off the line


def _aligned(box: tuple[slice, slice], f: int) -> tuple[slice, slice]:
    """``box`` with its start moved back to a multiple of ``f``."""
    return tuple(slice(b.start // f * f, b.stop) for b in box)  # type: ignore[return-value]


def _grown(box: tuple[slice, slice], margin: int, shape: tuple[int, ...]) -> tuple[slice, slice]:
    """``box`` grown by ``margin`` on every side, clipped to ``shape``."""
    (y, x) = box
    return (slice(max(0, y.start - margin), min(shape[0], y.stop + margin)),
            slice(max(0, x.start - margin), min(shape[1], x.stop + margin)))
