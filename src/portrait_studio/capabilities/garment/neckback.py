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

A V neck or a polo's placket opens deeper, and its inside back may be of the front's
colour (a cardigan's grey between its green bands) or carry the label: when no crew neck's
inside back is found, the opening is the smooth region enclosed by the front's edges
(:func:`v_opening`): on the cut-out blurred ``SIGMA`` torso widths, the 4-connected piece
of pixels whose Lab gradient is below a threshold that meets the centre line below the back
collar, with the largest threshold (of ``STEPS``) at which that piece stays inside the
garment (off its outline), starts within ``V_TOP`` of the back collar's top, reaches
``V_MIN`` deep, keeps within ``V_HALF`` of the centre line and narrows downward; without
its strips thinner than ``THIN`` (a trim's piping of the inside back's colour), its holes
up to ``LABEL`` filled (the label; not a mesh inset), widened ``GROW`` blur widths over the
blurred rim of the edges round it. When the front's edges are bands of their own colour (a
cardigan's green trim: the piece's median Lab distance from the colour just outside it at
least ``BAND_DE``, lightness weighted ``SHADE``), the opening is everything they enclose that
is not of their colour (:func:`_enclosed`): the shaded tip above the first button and the
shadow along a band that the gradient's piece stops short of, and the tag under the back
collar. The back collar's band above the opening is dropped within ``NECK`` of the centre
line too: on a person the neck stands in front of it (a green band across the throat).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from ...imaging.regions import disc, filled, touching
from .regions import large_pieces

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
SIGMA = 0.009        # x torso width: blur of the cut-out before a V opening's gradient
STEPS = tuple(1.0 + 0.25 * i for i in range(17))   # Lab gradient thresholds (per px) tried
V_TOP = 0.15         # x torso width: a V opening starts this near the back collar's top
V_MIN = 0.15         # x torso width: ... and reaches at least this deep
V_REACH = 1.2        # x torso width: it is looked for this far below the collar's top
V_SEED = (0.05, 0.4)  # x torso width: it meets the centre line between these depths
V_HALF = 0.3         # x torso width: it keeps this near the centre line
V_AREA = 0.01        # x torso width squared: it is at least this large
GROW = 0.5           # x the blur: the opening is widened this much over its rim
THIN = 0.03          # x torso width: strips of the piece narrower than this are trim, not it
LABEL = 0.02         # x torso width squared: holes in the piece up to this size are filled
BAND_DE = 12.0       # Lab: the piece's median distance from its edges' colour for bands
SHADE = 0.25         # weight of the lightness in that distance (a band in shadow is a band)
RING = (2.0, 0.03)   # the edges' colour: beyond 2 blur widths of the piece, this x tw wide
NECK = 0.2           # x torso width: the back collar's band is dropped this near the centre
SPECK = 0.02         # x torso width: light specks narrower than this are taken off a dark
                     # tee's grey before its shade is read (the heather's flecks, the label's
                     # print: a median blur left the label at the front's grey)
SHADED = 0.9         # x the front's grey: darker pixels are the shaded inside back
SHADOW = 0.6         # x the front's grey: the back's rows in the centre strip are this dark


def inside_back(img: NDArray[np.uint8], mask: Mask, neck: tuple[float, float],
                width: float) -> Mask:
    """HxW bool: the inside back seen through a crew neck on the cut-out (``img``, ``mask``)
    with the back collar's top at ``neck`` (x, y) and torso width ``width`` (px); when its
    colour is the front's or it runs on too deep, the V opening's (:func:`v_opening`)."""
    crew = _crew_back(img, mask, neck, width)
    if crew.any():
        return crew
    opening = v_opening(img, mask, neck, width)
    return opening if opening.any() else _shaded_back(img, mask, neck, width)


def _crew_back(img: NDArray[np.uint8], mask: Mask, neck: tuple[float, float],
               width: float) -> Mask:
    """HxW bool: the inside back of a crew neck (module docstring); empty when its colour is
    the front's or it runs on too deep."""
    out = np.zeros_like(mask)
    colours = _colours(img, mask, neck, width)
    if colours is None:
        return out
    back, front = colours
    cx = int(np.rint(neck[0]))
    x0, x1 = max(0, int(cx - HALF * width)), min(mask.shape[1], int(cx + HALF * width) + 1)
    near = np.linalg.norm(img.astype(np.float32) - front, axis=2) < \
        np.linalg.norm(img.astype(np.float32) - back, axis=2)
    return _opened(near, mask, (cx, x0, x1), width)


def _shaded_back(img: NDArray[np.uint8], mask: Mask, neck: tuple[float, float],
                 width: float) -> Mask:
    """HxW bool: the inside back of a dark crew neck (black on black: 9-15 RGB against the
    front's 23 on the dalmatian tee, under :func:`_crew_back`'s ``CONTRAST``), in the shade
    of the back panel: on the cut-out's grey without its light specks narrower than
    ``SPECK`` torso widths (a grey opening: the heather's flecks and the printed label),
    the pixels darker than ``SHADED`` of the front's grey (sampled as :func:`_colours`
    does) with the holes they enclose up to ``LABEL`` (the label's block, left at about
    the front's grey), per column down to the first ``FRONT_RUN`` rows that are not, where the centre strip has at least
    ``BACK_ROWS`` rows below ``SHADOW`` of it; empty otherwise, or on the checks of
    :func:`_crew_back`. Left on, the inside back and its label showed through the
    neckline on every person."""
    out = np.zeros_like(mask)
    opened = cv2.morphologyEx(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.MORPH_OPEN,
                              disc(max(3, int(SPECK * width)) | 1))
    grey = np.asarray(opened, np.uint8)[..., None]
    sampled = _sampled(grey, mask, neck, width)
    if sampled is None:
        return out
    x, front, rows = sampled
    dark = [c for c in rows if c is not None and float(c[0]) < SHADOW * float(front[0])]
    if len(dark) < max(3, BACK_ROWS * width):
        return out
    shade = (grey[..., 0] < SHADED * float(front[0])) & mask
    holes = filled(shade) & ~shade      # what is left of the label, at the front's grey
    shade |= holes & ~large_pieces(holes, LABEL * width ** 2)
    return _opened(~shade, mask, (x, max(0, int(x - HALF * width)),
                                min(mask.shape[1], int(x + HALF * width) + 1)), width)


def _opened(near: Mask, mask: Mask, cols: tuple[int, int, int], width: float) -> Mask:
    """HxW bool: a crew neck's opening from the front-like pixels ``near`` (HxW bool) in the
    columns ``cols`` (centre, start, end): per column from the mask's top down to the
    front's edge row (:func:`_depths`); empty when the centre runs on too deep, or the
    opening is too narrow or its depth steps too often (specks of a print)."""
    cx, x0, x1 = cols
    out = np.zeros_like(mask)
    depth = _depths(near, mask, (x0, x1), int(MAX_DEPTH * width), max(3, int(COLLAR * width)))
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


def v_opening(img: NDArray[np.uint8], mask: Mask, neck: tuple[float, float],
              width: float) -> Mask:
    """HxW bool: the inside back seen through a V neck or a placket's opening (module
    docstring), the back collar's top at ``neck`` (x, y), torso width ``width``; empty when
    no smooth piece enclosed by the front fits."""
    out = np.zeros_like(mask)
    h, w = mask.shape
    cx = int(np.rint(neck[0]))
    if not 0 <= cx < w or not mask[:, cx].any():
        return out
    top = int(np.argmax(mask[:, cx]))
    x0, x1 = max(0, int(cx - V_HALF * width) - 2), min(w, int(cx + V_HALF * width) + 3)
    box = np.s_[top:min(h, top + int(V_REACH * width)), x0:x1]
    sigma = max(1.0, SIGMA * width)
    lab = rgb_to_lab(cv2.GaussianBlur(img[box].astype(np.float32), (0, 0), sigma))
    bounds = _bounds(mask[box], sigma)
    piece = _smooth_piece(lab, bounds, cx - x0, width)
    if piece is None:
        return out
    piece = _enclosed(lab, mask[box], bounds, piece, (width, sigma))
    holes = filled(piece) & ~piece
    piece |= holes & ~large_pieces(holes, LABEL * width ** 2)   # the label, not an inset
    body = cv2.morphologyEx(piece.astype(np.uint8), cv2.MORPH_OPEN,
                            disc(max(3, int(THIN * width)) | 1)) > 0
    body = large_pieces(body, V_AREA * width ** 2)   # off the trim's thin strips
    k = 2 * max(1, int(np.rint(GROW * sigma))) + 1
    grown = cv2.dilate(body.astype(np.uint8), disc(k)) > 0
    out[box] = (grown | _back_band(grown, cx - x0, width)) & mask[box]
    return out


def _bounds(mask: Mask, sigma: float) -> tuple[Mask, Mask]:
    """(the garment's pixels of ``mask`` at least about a blur width ``sigma`` in from its
    outline, the backdrop grown over the outline), over the box of :func:`v_opening`."""
    inner = cv2.erode(mask.astype(np.uint8), disc(2 * int(np.ceil(sigma)) + 1)) > 0
    outside = cv2.dilate((~mask).astype(np.uint8), disc(5)) > 0
    return inner, outside


def _enclosed(lab: F32, mask: Mask, bounds: tuple[Mask, Mask], piece: Mask,
              size: tuple[float, float]) -> Mask:
    """``piece`` (over the box of :func:`v_opening`, ``lab`` its blurred Lab, ``bounds``
    :func:`_bounds` of ``mask``) grown to everything connected to it that is not of the
    colour of the front's edges round it, when those are bands of their own colour (module
    docstring); ``piece`` itself when they are not, or when the grown piece runs out
    through them. ``size``: the torso width and the blur's sigma."""
    width, sigma = size
    inner, outside = bounds
    r0 = int(np.ceil(RING[0] * sigma)) + 1
    r1 = r0 + max(3, int(RING[1] * width))
    near = cv2.dilate(piece.astype(np.uint8), disc(2 * r0 + 1)) > 0
    ring = (cv2.dilate(piece.astype(np.uint8), disc(2 * r1 + 1)) > 0) & ~near & mask
    if not ring.any():
        return piece
    diff = lab - np.median(lab[ring], axis=0)
    diff[..., 0] *= SHADE
    far = np.linalg.norm(diff, axis=2)
    limit = float(np.median(far[piece])) / 2
    if limit < BAND_DE / 2:
        return piece        # the edges are of the inside back's colour: no bands
    free = (inner & (far > limit)) | piece
    grown = touching(free, piece)
    return grown if _inside(grown, outside) else piece


def _back_band(opening: Mask, cx: int, width: float) -> Mask:
    """The back collar's band above ``opening`` (over the box of :func:`v_opening`, whose
    top row is the collar's top and column ``cx`` the centre line): in each column within
    ``NECK`` torso widths of the centre line, the rows above the opening's top."""
    out = np.zeros_like(opening)
    half = int(NECK * width)
    for x in range(max(0, cx - half), min(opening.shape[1], cx + half + 1)):
        rows = np.flatnonzero(opening[:, x])
        if len(rows):
            out[:rows[0], x] = True
    return out


def _smooth_piece(lab: F32, bounds: tuple[Mask, Mask], cx: int, width: float) -> Mask | None:
    """The smooth piece of :func:`v_opening` over a box whose top row is the back collar's
    top and whose column ``cx`` is the centre line, ``lab`` the box's blurred Lab and
    ``bounds`` its garment's :func:`_bounds`; None when none fits."""
    inner, outside = bounds
    gx = cv2.Sobel(lab, cv2.CV_32F, 1, 0, ksize=1)
    gy = cv2.Sobel(lab, cv2.CV_32F, 0, 1, ksize=1)
    grad = np.sqrt((gx * gx + gy * gy).sum(axis=2))
    seed = np.zeros_like(inner)
    seed[int(V_SEED[0] * width):int(V_SEED[1] * width), cx] = True
    best: Mask | None = None
    for thr in STEPS:
        _, labels = cv2.connectedComponents((inner & (grad < thr)).astype(np.uint8),
                                            connectivity=4)
        ids = np.unique(labels[seed & inner & (grad < thr)])
        pieces = [labels == i for i in ids if i > 0]
        fits = [p for p in pieces if _fits(p, outside, width)]
        if fits:
            best = max(fits, key=lambda p: int(p.sum()))
        elif best is not None:
            break       # the piece ran out through the front's edges: the last one fitted
    return best


def _fits(piece: Mask, outside: Mask, width: float) -> bool:
    """Whether ``piece`` (over the box of :func:`v_opening`) is a V opening: off the
    garment's outline and the box's sides and bottom, starting near the top, deep enough,
    large enough, narrower in its lower quarter than in its upper one."""
    if not _inside(piece, outside):
        return False
    rows = np.flatnonzero(piece.any(axis=1))
    y0, y1 = int(rows[0]), int(rows[-1]) + 1
    if y0 > V_TOP * width or y1 - y0 < V_MIN * width or piece.sum() < V_AREA * width ** 2:
        return False
    q = max(1, (y1 - y0) // 4)
    return int(piece[y1 - q:y1].sum()) < int(piece[y0:y0 + q].sum())


def _inside(piece: Mask, outside: Mask) -> bool:
    """Whether ``piece`` (over the box of :func:`v_opening`) keeps off the garment's
    outline (``outside``: the backdrop grown over the outline) and the box's sides and
    bottom."""
    return not ((piece & outside).any() or piece[-1].any() or piece[:, 0].any()
                or piece[:, -1].any())


def _colours(img: NDArray[np.uint8], mask: Mask, neck: tuple[float, float],
             width: float) -> tuple[F32, F32] | None:
    """(back, front) RGB colours, or None: the front's the median beside the opening, the
    back's the median of the rows of the centre strip (``SAMPLE[0]`` each side) in the
    upper half of ``MAX_DEPTH`` below the neck whose median is ``CONTRAST`` from it (below
    the back collar's own band, of the front's fabric); None without such rows."""
    sampled = _sampled(img, mask, neck, width)
    if sampled is None:
        return None
    _, front, rows = sampled
    far = [c for c in rows if c is not None and float(np.linalg.norm(c - front)) > CONTRAST]
    if len(far) < max(3, BACK_ROWS * width):    # a cut-out's rim, not an inside back
        return None
    back: F32 = np.median(np.array(far), axis=0).astype(np.float32)
    return back, front


def _sampled(img: NDArray[np.uint8], mask: Mask, neck: tuple[float, float],
             width: float) -> tuple[int, F32, list[F32 | None]] | None:
    """The centre line's column, the front's median colour beside the opening (``BESIDE``,
    over ``SAMPLE[1]`` rows below the back collar's top) and the median of each row of the
    centre strip (``SAMPLE[0]`` each side) down the upper half of ``MAX_DEPTH`` (None where
    a row holds no garment), or None when the centre line misses the garment or the front
    has no pixels: what :func:`_colours` and :func:`_shaded_back` judge the back by."""
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
    return x, front, rows


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


def _depths(front: Mask, mask: Mask, cols: tuple[int, int], limit: int,
            skip: int) -> NDArray[np.intp] | None:
    """Per column of ``cols``: the rows from the mask's top to the first ``FRONT_RUN``
    rows of the ``front``'s colour (HxW bool) below its first back pixel in the ``skip``
    top rows (the back collar's own band above it; 0 without one); None when the centre
    runs past ``limit``."""
    x0, x1 = cols
    tops = np.array([int(np.argmax(mask[:, x])) if mask[:, x].any() else -1
                     for x in range(x0, x1)])
    y0 = int(tops[tops >= 0].min()) if (tops >= 0).any() else 0
    near = front[y0:y0 + 2 * limit, x0:x1] | ~mask[y0:y0 + 2 * limit, x0:x1]
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
