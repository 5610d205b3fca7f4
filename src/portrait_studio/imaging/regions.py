"""Connected pieces of masks: the pieces touching a seed, those reaching the image border, and
a mask with the holes it encloses filled; and the disc that grows or shrinks a mask. Masks HxW
bool (or non-zero = set)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]


def disc(size: int) -> NDArray[np.uint8]:
    """The ``size`` x ``size`` elliptical structuring element (a disc for odd ``size``), for
    ``cv2.dilate``, ``cv2.erode`` and ``cv2.morphologyEx``."""
    return np.asarray(cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)), np.uint8)


def erode_disc(mask: NDArray[np.bool_] | NDArray[np.uint8], size: int) -> Mask:
    """``cv2.erode(mask, disc(size)) > 0`` of an HxW mask (non-zero = set; beyond the image
    counts as set, as OpenCV's default border does), the same pixels, several times cheaper
    for large discs: see :func:`_disc_pass`."""
    return _disc_morph(mask, size, erode=True)


def dilate_disc(mask: NDArray[np.bool_] | NDArray[np.uint8], size: int) -> Mask:
    """``cv2.dilate(mask, disc(size)) > 0`` of an HxW mask (non-zero = set; beyond the image
    counts as unset), the same pixels, several times cheaper for large discs: see
    :func:`_disc_pass`."""
    return _disc_morph(mask, size, erode=False)


def dilate_field(field: NDArray[np.float32], size: int) -> NDArray[np.float32]:
    """``cv2.dilate(field, disc(size))`` of an HxW non-negative float32 field (a soft mask,
    zero away from its shape), the same values: computed only on the box of its non-zero
    pixels grown by the disc's radius (a grey dilation's output is a maximum over the disc,
    and zeros beyond the box cannot raise the maximum of non-negative values; OpenCV's
    default border never counts for a dilation). A brow's zone on the working grid took
    a 31-pixel disc over the whole swap region, though the brows cover a tenth of it."""
    out = np.zeros(field.shape, np.float32)
    box = _box(np.asarray(field != 0, np.uint8))
    if box is None:
        return out
    r, (h, w) = size // 2, field.shape[:2]
    crop = (slice(max(0, box[0].start - r), min(h, box[0].stop + r)),
            slice(max(0, box[1].start - r), min(w, box[1].stop + r)))
    out[crop] = cv2.dilate(np.ascontiguousarray(field[crop]), disc(size))
    return out


DISC_DIRECT = 15  # discs up to this size: OpenCV's own morphology is as fast


def _disc_morph(mask: NDArray[np.bool_] | NDArray[np.uint8], size: int, erode: bool) -> Mask:
    flags = np.asarray(mask != 0, np.uint8)
    if size <= DISC_DIRECT or size % 2 == 0 or size > 509:
        op = cv2.erode if erode else cv2.dilate
        direct: Mask = op(flags, disc(size)) > 0
        return direct
    out = np.zeros(flags.shape, bool)
    box = _box(flags)
    if box is None:  # nothing set: nothing survives an erosion or comes of a dilation
        return out
    # an eroded pixel is a set one whose disc holds only set pixels, a dilated one lies
    # within a disc's radius of a set pixel: both within the radius of the set pixels' box
    r, (h, w) = size // 2, flags.shape
    crop = (slice(max(0, box[0].start - r), min(h, box[0].stop + r)),
            slice(max(0, box[1].start - r), min(w, box[1].stop + r)))
    part = flags[crop]
    if part.shape[1] < 8:  # (OpenCV's arithmetic takes a row of up to 4 values for a scalar)
        op = cv2.erode if erode else cv2.dilate
        out[crop] = op(part, disc(size)) > 0
        return out
    flags = part if erode else 1 - part
    clear = _disc_rect_pass(flags, size) if size <= DISC_RECTS else _disc_pass(flags, size)
    out[crop] = clear if erode else ~clear
    return out


# discs up to this size: eroded as rectangles (:func:`_disc_rect_pass`), larger ones row by
# row (:func:`_disc_pass`; on the swap's 150-300 px boxes, the rectangles cost 2.5 times
# less up to 29 px, about even at 45, 1.2-1.7 times more from 55 on)
DISC_RECTS = 43


@lru_cache(maxsize=64)
def _disc_rects(size: int) -> tuple[tuple[int, int], ...]:
    """The rectangles (width, height; centred, odd) whose union is ``disc(size)`` (odd
    ``size``): one per distinct run of its rows, as tall as the rows that run that far
    (the disc's rows shorten away from its middle row, symmetrically)."""
    r = size // 2
    half = (disc(size).sum(axis=1).astype(np.intp) - 1) // 2
    return tuple((2 * int(half[r + dy]) + 1, 2 * dy + 1) for dy in range(r + 1)
                 if dy == r or half[r + dy + 1] != half[r + dy])


def _disc_rect_pass(flags: NDArray[np.uint8], size: int) -> Mask:
    """:func:`_disc_pass` (the pixels whose disc holds no unset pixel of ``flags``, beyond
    it counting as set) as the erosions by the disc's rectangles (:func:`_disc_rects`)
    taken together: a minimum over a union of kernels is the minimum of their minima, and
    OpenCV erodes by a rectangle in two separable, vectorised passes (its erosion by the
    disc itself scans every pixel of it)."""
    room: np.ndarray | None = None
    for width, height in _disc_rects(size):
        part = cv2.erode(flags, np.ones((height, width), np.uint8))
        room = part if room is None else cv2.min(room, part, dst=room)
    clear: Mask = np.asarray(room) > 0
    return clear


def _disc_pass(flags: NDArray[np.uint8], size: int) -> Mask:
    """hxw bool: the pixels whose ``disc(size)`` (odd ``size``, centred) holds no unset pixel
    of ``flags`` (hxw 0/1; beyond it counts as set), found row by row of the disc: each
    disc row is a run of +-``half`` pixels, and a run is clear where the nearest unset pixel
    of that image row lies more than ``half`` pixels to either side (one distance per image
    row, then one comparison per disc row, instead of OpenCV's per-pixel scan of the disc's
    area)."""
    h, w = flags.shape
    half = (disc(size).sum(axis=1).astype(np.intp) - 1) // 2
    r = size // 2
    cols = np.arange(w, dtype=np.int32)
    hole = flags == 0
    far = np.int32(1 << 20)
    # each unset pixel's column, +-far elsewhere: hole x (cols +- far) -+ far, the same
    # integers as np.where(hole, cols, -+far), which took ten times as long (broadcasting)
    left = np.multiply(hole, cols + far, dtype=np.int32)
    left -= far
    left = np.maximum.accumulate(left, axis=1)
    right = np.multiply(hole, cols - far, dtype=np.int32)
    right += far
    right = np.minimum.accumulate(right[:, ::-1], axis=1)[:, ::-1]
    gap = np.minimum(np.minimum(cols - left, right - cols), 255).astype(np.uint8)
    # how far each pixel is from failing: min over the disc rows of (gap - half), saturated
    # at 0 (OpenCV's uint8 arithmetic: no temporaries, vectorised). The disc rows dy and -dy
    # have the same run, and a saturated subtraction keeps its operands' order: where a
    # pixel sees both rows, min(gap(y - dy), gap(y + dy)) - half is their two values'
    # minimum (three passes for the pair instead of four; the same bytes)
    room = np.empty((h, w), np.uint8)
    cv2.subtract(gap, int(half[r]), dst=room)  # type: ignore[call-overload]
    step = np.empty((h, w), np.uint8)
    for dy in range(1, min(r, h - 1) + 1):  # (rows further off lie beyond the image)
        run = int(half[r + dy])
        if h > 2 * dy:  # rows dy .. h - dy - 1 see both
            cv2.min(gap[:h - 2 * dy], gap[2 * dy:], dst=step[dy:h - dy])
        else:  # rows h - dy .. dy - 1 see neither: no bound (255 - run is above all room)
            step[h - dy:dy] = 255
        # the rows that see only the one above (near the bottom) or below (near the top)
        for lo, hi, src in ((max(dy, h - dy), h, -dy), (0, min(dy, h - dy), dy)):
            if hi > lo:
                step[lo:hi] = gap[lo + src:hi + src]
        cv2.subtract(step, run, dst=step)  # type: ignore[call-overload]
        cv2.min(room, step, dst=room)
    clear: Mask = room > 0
    return clear


def row_first(mask: Mask, empty: int) -> NDArray[np.intp]:
    """The column of each row's first set pixel of ``mask`` (H values; ``empty`` for rows
    without one)."""
    out: NDArray[np.intp] = np.where(mask.any(axis=1), mask.argmax(axis=1), empty)
    return out


def row_last(mask: Mask, empty: int) -> NDArray[np.intp]:
    """The column of each row's last set pixel of ``mask`` (H values; ``empty`` for rows
    without one)."""
    out: NDArray[np.intp] = np.where(mask.any(axis=1),
                                     mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1), empty)
    return out


def gather(img: np.ndarray, flat: NDArray[np.intp]) -> np.ndarray:
    """``img`` (HxW or HxWxC) at the flat pixel indices ``flat`` (any shape, ``y * W + x``),
    shaped as ``flat`` (and C): one index per pixel (``np.take_along_axis`` takes one per
    channel and was 3-4 times slower for pixels taken from their own row or column)."""
    h, w = img.shape[:2]
    out: np.ndarray = np.take(np.ascontiguousarray(img).reshape(h * w, *img.shape[2:]), flat,
                              axis=0)
    return out


def pixels_at(img: np.ndarray, mask: Mask) -> np.ndarray:
    """``img[mask]`` of an HxW(xC) image and an HxW bool ``mask``: the pixels where it is
    set, in the same (row-major) order, Nx(C). NumPy's boolean indexing of a multi-channel
    image is 5-10 times slower than taking flat indices; an image that is a view (not
    contiguous) is copied only over the mask's bounding box."""
    if not img.flags.c_contiguous:
        x, y, w, h = cv2.boundingRect(mask.view(np.uint8))
        img, mask = img[y:y + h, x:x + w], mask[y:y + h, x:x + w]
    return gather(img, np.flatnonzero(mask))


def nearest_set(mask: Mask, axis: int, after: bool) -> NDArray[np.intp]:
    """HxW: the index along ``axis`` (1: in the row, 0: in the column) of each pixel's
    nearest set pixel of ``mask`` at or before it (at or after it when ``after``); -1 where
    there is none before it, the axis' length where there is none after it."""
    n = mask.shape[axis]
    pos = np.arange(n).reshape((-1, 1) if axis == 0 else (1, -1))
    if after:
        out: NDArray[np.intp] = np.flip(np.minimum.accumulate(
            np.flip(np.where(mask, pos, n), axis), axis=axis), axis)
        return out
    out = np.maximum.accumulate(np.where(mask, pos, -1), axis=axis)
    return out


def _box(mask: NDArray[np.uint8]) -> tuple[slice, slice] | None:
    """The rows and columns of the bounding box of the non-zero pixels (None without)."""
    x, y, w, h = cv2.boundingRect(mask)
    return (slice(y, y + h), slice(x, x + w)) if w and h else None


def labelled(mask: NDArray[np.bool_] | NDArray[np.uint8], connectivity: int = 8) -> (
        tuple[int, NDArray[np.int32], NDArray[np.intp]]):
    """(n, labels, areas): the ``connectivity``-connected pieces of ``mask`` (non-zero) as
    ``cv2.connectedComponents`` numbers them (0 outside, the same labels
    ``cv2.connectedComponentsWithStats`` gives) and the pixel count of each label. Several
    times cheaper than asking OpenCV for all the stats when only the areas count. The whole
    image is labelled: OpenCV's numbering depends on the image's size (2x2 blocks, stripes
    per thread), so a crop could number the pieces in another order."""
    n, found = cv2.connectedComponents(np.asarray(mask != 0, np.uint8),
                                       connectivity=connectivity)
    labels = np.asarray(found, np.int32)
    areas = np.bincount(labels.ravel(), minlength=n)
    return int(n), labels, areas


def piece_medians(labels: NDArray[Any], values: NDArray[Any], pieces: NDArray[np.intp]) -> (
        NDArray[Any]):
    """``np.median(values[labels == i], axis=0)`` for each label ``i`` of ``pieces`` (each
    with at least one pixel), stacked: the pixels of those pieces gathered in one pass and
    grouped by label (a median does not depend on the pixels' order, so the values are
    numpy's own), instead of one comparison of the whole label image per piece."""
    pieces = np.asarray(pieces, np.intp)
    if not len(pieces):
        return np.zeros((0, *values.shape[labels.ndim:]), values.dtype)
    wanted = np.zeros(int(labels.max()) + 1, bool)
    wanted[pieces] = True
    chosen = wanted[labels]
    ids = labels[chosen]
    order = np.argsort(ids, kind="stable")
    ids, vals = ids[order], values[chosen][order]
    starts = np.searchsorted(ids, pieces, "left")
    ends = np.searchsorted(ids, pieces, "right")
    return np.stack([np.median(vals[a:b], axis=0) for a, b in zip(starts, ends, strict=True)])


def touching(mask: Mask, seed: Mask, connectivity: int = 8) -> Mask:
    """The ``connectivity``-connected pieces of ``mask`` that have a pixel in ``seed`` (a
    lookup table over the labels: much faster than ``np.isin`` on large masks), labelled
    within the mask's bounding box (the numbering may differ from the whole image's, the
    pieces do not)."""
    flags = np.asarray(mask != 0, np.uint8)
    out = np.zeros(flags.shape, bool)
    box = _box(flags)
    if box is None:
        return out
    part = flags[box]
    n, labels = cv2.connectedComponents(part, connectivity=connectivity)
    hit = np.bincount(labels[(part != 0) & (seed[box] != 0)], minlength=n) > 0
    hit[0] = False
    out[box] = hit[labels]
    return out


def exterior(candidates: NDArray[np.bool_] | NDArray[np.uint8]) -> Mask:
    """The ``candidates`` pixels (non-zero) 4-connected to the image border: a flood fill
    from a frame of candidates around the image."""
    framed = cv2.copyMakeBorder((candidates > 0).astype(np.uint8), 1, 1, 1, 1,
                                cv2.BORDER_CONSTANT, value=1)
    cv2.floodFill(framed, None, (0, 0), 2, flags=4)
    out: Mask = framed[1:-1, 1:-1] == 2
    return out


def filled(mask: Mask) -> Mask:
    """``mask`` with every hole it encloses filled (what is not 4-connected to the border
    outside it)."""
    out: Mask = ~exterior(~mask)
    return out


def nearest_in(source: Mask, ys: NDArray[np.intp], xs: NDArray[np.intp]) -> (
        NDArray[np.int64]):
    """Nx2 int64 (y, x): for each pixel (``ys``, ``xs``) the nearest set pixel of ``source``
    (Euclidean, OpenCV's 5x5 distance mask; ties as its pixel labels fall); ``source`` must
    have one."""
    _, labels = cv2.distanceTransformWithLabels((~source).astype(np.uint8), cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    flat = np.flatnonzero(source)
    if labels.flat[flat[0]] == 1 and labels.flat[flat[-1]] == flat.size:
        # the pixel labels number the set pixels 1, 2, ... in raster order: each label's
        # pixel is read off their flat indices (no table over all of them)
        y, x = np.divmod(flat[labels[ys, xs] - 1], source.shape[1])
        return np.stack([y, x], axis=1).astype(np.int64, copy=False)
    at = np.stack(np.nonzero(source), axis=1)
    lut = np.zeros((int(labels.max()) + 1, 2), np.int64)
    lut[labels[at[:, 0], at[:, 1]]] = at
    out: NDArray[np.int64] = lut[labels[ys, xs]]
    return out
