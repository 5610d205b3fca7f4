"""Paint out thin structures (an eyeglass frame, a stray line) from the pixels around them.

The low frequencies of the surroundings are carried into the mask from all sides (push-pull
over a normalised Gaussian pyramid; thin dark things beside the mask hardly count), and the
surroundings' fine grain is mirrored in from beside the nearest edge, so the patch is neither
a smear nor flat. Images are HxWx3 uint8 RGB; masks HxW bool.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from ..perception.graphs import alongside
from .blend import per_channel
from .regions import gather, nearest_in

GRAIN_MAX = 12.0  # grain copied into a patch: clipped to this (0..255)


def _nearest_outside(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every mask pixel (in ``np.nonzero`` order): its position and the nearest pixel
    outside the mask (both Nx2 float32 y, x)."""
    ys, xs = np.nonzero(mask)
    near = nearest_in(~mask, ys, xs).astype(np.float32)
    return np.stack([ys, xs], axis=1).astype(np.float32), near


def mirror_sources(mask: np.ndarray, sides: np.ndarray | None = None) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(iy, ix, mirror, ok) for the masked pixels (HxW bool ``mask``, in ``np.nonzero``
    order): their rows and columns, the pixel mirrored about the nearest unmasked one (Nx2
    int64 y, x; that nearest one where the mirror leaves the image) and whether its grain is
    copied (the mirror is unmasked, and on the pixel's own ``sides`` when given)."""
    pos, near = _nearest_outside(mask)
    h, w = mask.shape
    mirror = np.rint(2 * near - pos).astype(np.int64)
    ok = (mirror[:, 0] >= 0) & (mirror[:, 0] < h) & (mirror[:, 1] >= 0) & (mirror[:, 1] < w)
    mirror = np.where(ok[:, None], mirror, near.astype(np.int64))
    ok &= ~mask[mirror[:, 0], mirror[:, 1]]
    iy, ix = pos.astype(np.int64).T
    if sides is not None:
        ok &= sides[mirror[:, 0], mirror[:, 1]] == sides[iy, ix]
    return iy, ix, mirror, ok


def carry_in(img: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Push-pull: the image's low frequencies carried into the unknown pixels from all sides
    (normalised Gaussian pyramid; HxWx3 float32 in, float32 out; ``known``: HxW float32
    0..1, how much each pixel counts). On an HxWx3 float32 image with float32 weights the
    weights are repeated over the channels (:func:`~.blend.per_channel`: NumPy broadcasts an
    HxWx1 factor over 3 channels slowly; the same bytes, about 40% faster on a frame's
    band), else broadcast."""
    rgb = img.ndim == 3 and img.shape[2] == 3 and img.dtype == known.dtype == np.float32
    return _push_pull(img, known, per_channel if rgb else _broadcast)


def _broadcast(field: np.ndarray) -> np.ndarray:
    """An HxW field as an HxWx1 factor of an image (NumPy broadcasts it over channels)."""
    return field[..., None]


def _push_pull(img: np.ndarray, known: np.ndarray,
               spread: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """:func:`carry_in` with the HxW weights made factors of the image by ``spread``: each
    level's estimate is ``trust n / d + (1 - trust) up``, its products, quotient and sum
    taken in that order, in place."""
    num, den = [img * spread(known)], [known]
    while min(den[-1].shape) > 4 and float(den[-1].min()) < 0.5:
        num.append(cv2.pyrDown(num[-1]))
        den.append(cv2.pyrDown(den[-1]))
    est: np.ndarray = num[-1] / spread(np.maximum(den[-1], 1e-6))
    for n, d in zip(num[-2::-1], den[-2::-1]):
        up = cv2.pyrUp(est, dstsize=(d.shape[1], d.shape[0]))
        trust = np.clip(d * 4, 0, 1)
        est = spread(trust) * n
        est /= spread(np.maximum(d, 1e-6))
        up *= spread(1 - trust)
        est += up
    return est


def _trust(img: np.ndarray, mask: np.ndarray, grow: int) -> np.ndarray:
    """How much each pixel outside ``mask`` may feed the fill (HxW float32): thin dark
    things next to a frame (its shadow, lashes, a crease) hardly at all, so the patch takes
    the skin's tone rather than a smudge."""
    lum = np.ascontiguousarray(cv2.cvtColor(img, cv2.COLOR_RGB2Lab)[..., 0])
    disc = 8 * grow + 1
    # the closing is taken on the 8-bit lightness: scaling by a positive constant commutes
    # with the window's max and min, so this is the float closing, bit for bit (2.5x faster)
    closed = cv2.morphologyEx(lum, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (disc, disc)))
    unit = np.float32(100 / 255)
    dark = closed.astype(np.float32) * unit - lum.astype(np.float32) * unit
    weight: np.ndarray = (1 - np.clip((dark - 3) / 6, 0, 0.95)) * ~mask
    return weight.astype(np.float32)


def fill_thin(img: np.ndarray, mask: np.ndarray, grow: int,
              sides: np.ndarray | None = None, reduce: int = 1) -> np.ndarray:
    """``img`` (HxWx3 uint8 RGB) with the ``mask`` pixels replaced: the low frequencies of the
    skin around them carried in from all sides (push-pull) plus the skin's grain mirrored
    from beside the nearest edge of the mask, so the patch is neither a smear nor flat.
    ``sides`` (HxW bool, e.g. the person): each masked pixel is filled only from pixels on
    its own side (a frame's end piece on the hair took the backdrop's blue from beside it).
    ``reduce`` > 1: the low frequencies are carried in on a copy that many times smaller
    (``grow`` is in full pixels), the grain stays full resolution."""
    # the low frequencies (push-pull) on the helper thread while the grain and the nearest
    # edge pixels are found here
    base_of = alongside(_base, img, mask, grow, sides) if reduce <= 1 else alongside(
        _base_reduced, img, mask, grow, sides, reduce)
    src = img.astype(np.float32)
    grain = np.clip(src - cv2.GaussianBlur(src, (0, 0), 1.5), -GRAIN_MAX, GRAIN_MAX)
    iy, ix, mirror, ok = mirror_sources(mask, sides)
    base = base_of()
    h, w = mask.shape
    # pixels gathered and scattered by flat index, the sums in place: the values of
    # base[iy, ix] + ok * grain[mirror], rounded and clipped, at a third of the time
    at, src_at = iy * w + ix, mirror[:, 0] * w + mirror[:, 1]
    value, copied = gather(base, at), gather(grain, src_at)
    copied *= ok[:, None]
    value += copied
    np.clip(np.rint(value, out=value), 0, 255, out=value)
    out = img.copy()
    out.reshape(h * w, -1)[at] = value.astype(np.uint8)
    return out


def _base(img: np.ndarray, mask: np.ndarray, grow: int,
          sides: np.ndarray | None) -> np.ndarray:
    """The low frequencies of :func:`fill_thin` (HxWx3 float32)."""
    src = img.astype(np.float32)
    trust = _trust(img, mask, grow)
    if sides is None:
        return carry_in(src, trust)
    out: np.ndarray = np.where(sides[..., None], carry_in(src, trust * sides),
                               carry_in(src, trust * ~sides))
    return out


def _base_reduced(img: np.ndarray, mask: np.ndarray, grow: int, sides: np.ndarray | None,
                  reduce: int) -> np.ndarray:
    """:func:`_base` computed on a copy ``reduce`` times smaller and brought back (bilinear;
    only its mask pixels are read)."""
    h, w = mask.shape
    size = (max(1, w // reduce), max(1, h // reduce))
    small = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    near = cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.0
    part = None if sides is None else cv2.resize(
        sides.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.5
    out: np.ndarray = cv2.resize(_base(small, near, max(1, grow // reduce), part), (w, h),
                                 interpolation=cv2.INTER_LINEAR)
    return out
