"""The inside back of a crew neck seen through the neckline on a product photo.

A T-shirt photographed flat shows, above its front neckline, the inside of the back panel
(shaded darker, often of a lining's colour) up to the back collar's top. On a person the
neck fills that opening: warped onto the body, the inside back made a dark band between
the neck and the front collar. It is found on the cut-out below the back collar's top
(the garment's ``neck`` point) when its colour, sampled just below that point, differs by
``CONTRAST`` (RGB) from the front fabric's, sampled beside the opening at the same height
(the front panel round the neckline): per column of the opening, from the mask's top down
to the first ``FRONT_RUN`` rows nearer the front's colour than the back's, at most
``MAX_DEPTH`` of the torso width (deeper at the centre: not an inside back, nothing is
taken). Strappy tops' backs are dropped by :mod:`.straps`. Images HxWx3 uint8 RGB, masks
HxW bool, in cut-out pixels.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]
F32 = NDArray[np.float32]
CONTRAST = 30.0      # RGB distance between the inside back's and the front's colours
HALF = 0.25          # x torso width: the opening lies within this of the centre line
SAMPLE = (0.04, 0.03)  # x torso width: half width and height of the back's colour sample
BESIDE = (0.3, 0.4)  # x torso width: the front's colour is sampled this far beside the neck
FRONT_RUN = 3        # rows of the front's colour that end the inside back in a column
RIM = 2              # px: the cut-out's anti-aliased rim along the top, not the back
BACK_ROWS = 0.015     # x torso width: the inside back shows in this many rows at least
MIN_SPAN = 0.2       # x torso width: the opening is at least this wide
JUMP = 0.015         # x torso width: a front neckline's depth steps less between columns
MAX_JUMPS = 3        # ... but at this many columns
COLLAR = 0.05        # x torso width: the back collar's band above the inside back at most
EDGE = 1             # px: the front's edge row taken with the inside back
MAX_DEPTH = 0.15     # x torso width: an inside back ends above this depth below its top


def inside_back(img: NDArray[np.uint8], mask: Mask, neck: tuple[float, float],
                width: float) -> Mask:
    """HxW bool: the inside back seen through a crew neck on the cut-out (``img``, ``mask``)
    with the back collar's top at ``neck`` (x, y) and torso width ``width`` (px); empty when
    its colour is the front's or it runs on too deep."""
    out = np.zeros_like(mask)
    colours = _colours(img, mask, neck, width)
    if colours is None:
        return out
    back, front = colours
    cx = int(np.rint(neck[0]))
    x0, x1 = max(0, int(cx - HALF * width)), min(mask.shape[1], int(cx + HALF * width) + 1)
    depth = _depths(img, mask, (x0, x1), back, front, int(MAX_DEPTH * width),
                    max(3, int(COLLAR * width)))
    if depth is None or depth[cx - x0] <= 0:
        return out
    lo, hi = _span(depth > 0, cx - x0)
    if hi - lo < MIN_SPAN * width or _jumps(depth[lo:hi], width) > MAX_JUMPS:
        return out          # specks of a print, not an opening's smooth front neckline
    for i in range(lo, hi):   # with the front's edge row (its colour blends the back's)
        col = np.flatnonzero(mask[:, x0 + i])
        out[col[0]:col[0] + depth[i] + EDGE, x0 + i] = True
    result: Mask = out & mask
    return result


def _colours(img: NDArray[np.uint8], mask: Mask, neck: tuple[float, float],
             width: float) -> tuple[F32, F32] | None:
    """(back, front) RGB colours, or None: the front's the median beside the opening, the
    back's the median of the rows of the centre strip (``SAMPLE[0]`` each side) in the
    upper half of ``MAX_DEPTH`` below the neck whose median is ``CONTRAST`` from it (below
    the back collar's own band, of the front's fabric); None without such rows."""
    x = int(np.rint(neck[0]))
    column = np.flatnonzero(mask[:, x]) if 0 <= x < mask.shape[1] else np.zeros(0, np.intp)
    if not len(column):
        return None
    y = int(column[0])          # the back collar's top at the centre line
    a, b = int(BESIDE[0] * width), int(BESIDE[1] * width)
    front = _median(img, mask, (y, y + max(4, int(SAMPLE[1] * width))), (x - b, x - a),
                    (x + a, x + b))
    if front is None:
        return None
    hw = max(2, int(SAMPLE[0] * width))
    rows = [_median(img, mask, (r, r + 1), (x - hw, x + hw + 1))
            for r in range(y, y + max(4, int(MAX_DEPTH * width / 2)))]
    far = [c for c in rows if c is not None and float(np.linalg.norm(c - front)) > CONTRAST]
    if len(far) < max(3, BACK_ROWS * width):    # a cut-out's rim, not an inside back
        return None
    back: F32 = np.median(np.array(far), axis=0).astype(np.float32)
    return back, front


def _median(img: NDArray[np.uint8], mask: Mask, rows: tuple[int, int],
            *cols: tuple[int, int]) -> F32 | None:
    """Median RGB of the garment's pixels in ``rows`` and the column ranges ``cols``."""
    h, w = mask.shape
    y0, y1 = max(0, rows[0]), min(h, rows[1])
    px = [img[y0:y1, max(0, a):min(w, b)][mask[y0:y1, max(0, a):min(w, b)]]
          for a, b in cols]
    got = np.concatenate(px) if px else np.zeros((0, 3), np.uint8)
    if len(got) < 3:
        return None
    out: F32 = np.median(got.astype(np.float32), axis=0)
    return out


def _depths(img: NDArray[np.uint8], mask: Mask, cols: tuple[int, int], back: F32,
            front: F32, limit: int, skip: int) -> NDArray[np.intp] | None:
    """Per column of ``cols``: the rows from the mask's top to the first ``FRONT_RUN``
    rows nearer ``front`` than ``back`` below its first back pixel in the ``skip`` top
    rows (the back collar's own band above it; 0 without one); None when the centre runs
    past ``limit``."""
    x0, x1 = cols
    tops = np.array([int(np.argmax(mask[:, x])) if mask[:, x].any() else -1
                     for x in range(x0, x1)])
    y0 = int(tops[tops >= 0].min()) if (tops >= 0).any() else 0
    part = img[y0:y0 + 2 * limit, x0:x1].astype(np.float32)
    near = np.linalg.norm(part - front, axis=2) < np.linalg.norm(part - back, axis=2)
    near |= ~mask[y0:y0 + 2 * limit, x0:x1]
    run = cv2.erode(near.astype(np.uint8), np.ones((FRONT_RUN, 1), np.uint8),
                    anchor=(0, 0), borderType=cv2.BORDER_CONSTANT, borderValue=1) > 0
    depth = np.zeros(x1 - x0, np.intp)
    for i, top in enumerate(tops):
        if top < 0:
            continue
        backs = np.flatnonzero(~run[top - y0 + RIM:top - y0 + skip, i])
        if not len(backs):      # no inside back below this column's collar band
            continue
        start = top - y0 + RIM + int(backs[0])
        hits = np.flatnonzero(run[start:, i])
        depth[i] = start - (top - y0) + (int(hits[0]) if len(hits) else 2 * limit)
    centre = depth[len(depth) // 2 - 2:len(depth) // 2 + 3]
    if centre.max() > limit:
        return None
    return np.minimum(depth, limit)


def _jumps(depth: NDArray[np.intp], width: float) -> int:
    """How often the depth steps by more than ``JUMP`` of the torso width (3 px at least)
    from one column to the next."""
    return int((np.abs(np.diff(depth)) > max(3.0, JUMP * width)).sum())


def _span(flags: NDArray[np.bool_], at: int) -> tuple[int, int]:
    """[start, end) of the run of True in ``flags`` through index ``at``."""
    lo = at
    while lo > 0 and flags[lo - 1]:
        lo -= 1
    hi = at
    while hi < len(flags) and flags[hi]:
        hi += 1
    return lo, hi
