"""Eyeglass frames: find them on a face and paint them out.

Found on an upright "work" copy of the eye band (eye line level, eye distance ``UNIT`` px), so
every size below is in work pixels and every contrast in L*:

- presence: a thin line (or a thick one's sharp edge) crossing the nose between the inner eye
  corners, the best near-horizontal path by dynamic programming (skin creases and eyelids there
  are soft or broken, so their path stays weak);
- rims: a closed contour around each eye in polar coordinates, both eyes scored together
  (mirrored, so the two lenses support each other): the best-fitting superellipse lens outline,
  then a dynamic-programming trace within a few px of it on the radial line response (dark or
  bright lines across the rays: metal, nylon, acetate, lens edges), then each eye's own trace
  near that joint one (a turned head shows one lens wider: its outer side and hinge);
- temples: near-horizontal paths from each rim's outer end to the face edge;
- mask: the line pixels along those paths, grown to the line's own width (the narrowest
  black-hat disc that holds it) plus a 2 px halo (under the bridge: its shadow on the nose,
  up to 5 px), never the eye openings or the nostrils.
  Skin beside a strong line is no line (it is measured against the strongest line nearby, so
  the shaded lid under a thick top bar stays), nor is a soft shadow that a wider disc still
  deepens (an eye socket), nor a bright gap between a dark bar and the lid. Plus the parts
  off the paths (:mod:`~portrait_studio.perception.frames_extra`): a wire frame's nose pads
  beside the nose (a thicker frame's: only thin dark arm lines near the frame), a coated
  lens's glare and a half-rim lens's faint lower edge (no halo).

Removal: :func:`~portrait_studio.imaging.fill.fill_thin` on the mask grown by the frame's
shadow (the skin's tone carried in from all sides plus its grain mirrored from beside the
frame); a user's lenses first have their shade on the skin behind them lifted
(:mod:`~portrait_studio.perception.lens_shade`). Images are HxWx3 uint8 RGB; landmarks 478x2 pixels.
"""

from __future__ import annotations

import itertools
from functools import cache

import cv2
import numpy as np

from ..imaging import geometry as geo
from ..imaging.blend import mask_box
from ..imaging.fill import fill_thin
from ..imaging.regions import disc
from . import landmarks as lm
from .eye_band import EYE_ROW, UNIT, WORK_H, WORK_W
from .eye_band import EyeBand as _Work
from .eye_band import field_to_image as _field_to_image
from .eye_band import to_image as _to_image
from .eye_band import upright as _upright
from .frames_extra import PAD_LINE, connected, glare_pixels, lens_edges, nose_zone, pad_pixels
from .lens_shade import lens_shade
from .masks import face_scale
from .paths import ring_paths, row_path, row_paths

# the work image's geometry is re-exported: callers and tests read it here
__all__ = ["EYE_ROW", "UNIT", "WORK_H", "WORK_W", "erase_frames", "glasses_mask", "remove_glasses"]

BRIDGE_MIN = 9.5             # presence: L* contrast (25th percentile) along the bridge path
ANGLES = 120                 # rim contour samples per eye
RADII = np.arange(4, 66, dtype=np.float32)
RIM_BAND = 5                 # the traced rim stays this close (px) to the fitted lens shape
OWN_BAND = 6                 # ... each eye's own rim this close to the joint trace
RIM_STEP = 3                 # ... and moves at most this many px per angle step
LINE_MIN = 6.0               # mask: line response (L*) at least this
LINE_SHARE = 0.35            # ... and this share of the path's own strength nearby
HALO_MIN = 4.0               # ... plus its shadow / soft edge within 2 px (L*)
DISCS = (5, 9, 15, 25)       # black-hat discs: frame line widths up to ~4, 7, 12, 20 px
PLATEAU = 0.85               # a line's response (widest disc allowed) is this share of the next
                             # disc's: soft shadows (eye sockets) keep growing with the disc
BRIDGE_SHADOW = 5            # the bridge's shadow on the nose: this many px under it ...
SHADOW_INSET = 10            # ... and this many px inside the inner eye corners
TOP_ABOVE_BRIDGE = 12        # a lens top is at most this many px above the bridge
PAD_THIN = 0.75              # a thicker frame's pad arm: its 5 px disc's black-hat holds this
                             # share of the 15 px disc's
OFF_FACE = 16                # a template's frame is found this far (px) off the face oval
USER_REACH = 6               # a user's frame is traced this far (px) off the face oval ...
USER_KEEP = 2                # ... and kept up to this far off it (the paste reads its edge)
EYE_KEEP = 1.25              # never painted: the eye openings grown by this factor (the lashes)


def _morph(img: np.ndarray, op: int, shape: tuple[int, int]) -> np.ndarray:
    """Black-hat / top-hat with a flat ``shape`` (rows, cols) line or an ellipse if square."""
    kernel = disc(shape[0]) if shape[0] == shape[1] else np.ones(shape, np.uint8)
    return cv2.morphologyEx(img, op, kernel)


# ----------------------------------------------------------------------------- paths


def _bridge(work: _Work) -> tuple[np.ndarray, float]:
    """The frame's bridge: Nx2 path across the nose and its strength (L*, 25th percentile of
    the better of a thin-line and a sharp-edge response along it)."""
    p = work.points
    x0, x1 = int(p[lm.RIGHT_EYE_INNER, 0]) + 2, int(p[lm.LEFT_EYE_INNER, 0]) - 2
    y0 = int(p[[55, 285], 1].mean()) - 4
    y1 = int(p[[lm.RIGHT_EYE_INNER, lm.LEFT_EYE_INNER], 1].mean()) + 8
    if x1 - x0 < 4 or y1 - y0 < 4 or y0 < 8 or y1 > WORK_H - 8:
        return np.zeros((0, 2), np.int64), 0.0
    light = work.light[y0 - 8:y1 + 8, x0 - 4:x1 + 4]
    thin = np.maximum(_morph(light, cv2.MORPH_BLACKHAT, (7, 1)),
                      _morph(light, cv2.MORPH_TOPHAT, (7, 1)))
    edge = np.abs(cv2.Sobel(light, cv2.CV_32F, 0, 1)) - np.abs(cv2.Sobel(light, cv2.CV_32F, 1, 0))
    best, path = 0.0, np.zeros((0, 2), np.int64)
    responses = (thin[8:-8, 4:-4], np.maximum(edge[8:-8, 4:-4], 0) / 4)
    for resp, rows in zip(responses, row_paths(np.stack(responses)), strict=True):
        strength = float(np.percentile(resp[rows, np.arange(len(rows))], 25))
        if strength > best:
            best, path = strength, np.stack([np.arange(x0, x1), rows + y0], axis=1)
    return path, best


# ----------------------------------------------------------------------------- rims


@cache
def _lens_shapes() -> np.ndarray:
    """Radius tables (N x ANGLES) of candidate lens outlines around an eye centre: rounded
    superellipses of plausible size and offset (outward = +x, up = +y)."""
    theta = np.arange(ANGLES) * 2 * np.pi / ANGLES
    t = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    tables = []
    for cx, cy, a, b, n in itertools.product(range(-4, 11, 3), range(-8, 7, 3), range(22, 43, 3),
                                             range(12, 33, 3), (2.0, 3.0, 5.0)):
        if b > a or cx * cx + cy * cy >= (0.8 * b) ** 2:
            continue
        x = cx + a * np.sign(c) * np.abs(c) ** (2 / n)
        y = cy + b * np.sign(s) * np.abs(s) ** (2 / n)
        ang = np.arctan2(y, x) % (2 * np.pi)
        order = np.argsort(ang)
        tables.append(np.interp(theta, ang[order], np.hypot(x, y)[order], period=2 * np.pi))
    index: np.ndarray = np.clip(np.round(np.array(tables) - RADII[0]), 0, len(RADII) - 1)
    return index.astype(np.int64)


def _rays(centre: np.ndarray, outward: float, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Sample positions (ANGLES x radii) of rays from an eye centre; angle 0 points to the ear,
    angle 90 degrees up."""
    theta = np.arange(ANGLES) * 2 * np.pi / ANGLES
    xs = centre[0] + outward * size * RADII[None, :] * np.cos(theta)[:, None]
    ys = centre[1] - size * RADII[None, :] * np.sin(theta)[:, None]
    return xs.astype(np.float32), ys.astype(np.float32)


def _allowed(work: _Work, bridge_row: float) -> np.ndarray:
    """Where a rim may run (HxW float32 0/1): on the face, outside the eyes (with a margin),
    below the brows' lower edge and at most ``TOP_ABOVE_BRIDGE`` above the bridge, above the
    cheeks."""
    p = work.points
    ok: np.ndarray = cv2.dilate(_oval(work), disc(9))
    eyes = np.zeros_like(ok)
    for ring in (lm.RIGHT_EYE, lm.LEFT_EYE):
        poly = p[list(ring)]
        centre = poly.mean(axis=0)
        cv2.fillPoly(eyes, [np.round(centre + (poly - centre) * 1.3).astype(np.int32)], 1)
    ok[cv2.dilate(eyes, disc(7)) > 0] = 0
    ok[_above_brows(p)] = 0
    ok[:max(0, int(bridge_row - TOP_ABOVE_BRIDGE))] = 0
    ok[int(p[[lm.RIGHT_IRIS_CENTER, lm.LEFT_IRIS_CENTER], 1].mean()) + 48:] = 0
    return ok.astype(np.float32)


def _above_brows(p: np.ndarray) -> np.ndarray:
    """HxW bool: more than 4 px above the brows' lower edge (interpolated per column)."""
    xs = np.arange(WORK_W, dtype=np.float32)
    lower = [p[[46, 53, 52, 65, 55]], p[[285, 295, 282, 283, 276]]]
    right = np.interp(xs, lower[0][:, 0], lower[0][:, 1])
    left = np.interp(xs, lower[1][:, 0], lower[1][:, 1])
    line = np.where(xs < WORK_W / 2, right, left) - 4
    above: np.ndarray = np.arange(WORK_H, dtype=np.float32)[:, None] < line[None, :]
    return above


def _polar_response(light: np.ndarray, rays: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Radial line response (ANGLES x radii): lines crossing the rays, dark (thin or thick)
    or bright, in L* (capped)."""
    polar = cv2.remap(light, rays[0], rays[1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    dark = np.maximum(_morph(polar, cv2.MORPH_BLACKHAT, (1, 9)),
                      _morph(polar, cv2.MORPH_BLACKHAT, (1, 19)) * np.float32(0.8))
    bright = _morph(polar, cv2.MORPH_TOPHAT, (1, 7))
    resp: np.ndarray = np.minimum(dark + np.float32(0.7) * bright, np.float32(40))
    return resp


def _eye_rays(work: _Work) -> list[tuple[np.ndarray, np.ndarray]]:
    p = work.points
    widths = [float(np.hypot(*(p[a] - p[b]))) for a, b in ((33, 133), (263, 362))]
    mean = max(sum(widths) / 2, 1.0)
    return [_rays(p[list(ring)].mean(axis=0), out, w / mean)
            for ring, out, w in ((lm.RIGHT_EYE, -1.0, widths[0]), (lm.LEFT_EYE, 1.0, widths[1]))]


def _rims(work: _Work, bridge_row: float) -> list[np.ndarray]:
    """Per eye: the traced rim (ANGLES x 2 work px): both eyes traced together (mirrored) near
    the best-fitting lens shape, then each on its own within ``OWN_BAND`` of that (a lens the
    head's turn shows wider than its mirror: its outer side, its hinge)."""
    allowed = _allowed(work, bridge_row)
    rays = _eye_rays(work)
    scores = []
    for side, (xs, ys) in enumerate(rays):
        resp = _polar_response(work.light, (xs, ys))
        ok = cv2.remap(allowed, xs, ys, cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT)
        across = xs > WORK_W / 2 - 1 if side == 0 else xs < WORK_W / 2 + 1
        scores.append(np.where((ok > 0.5) & ~across, resp, np.float32(-20)))
    joint = np.minimum(scores[0], 20) + np.minimum(scores[1], 20)
    shapes = _lens_shapes()
    fit = joint[np.arange(ANGLES)[None, :], shapes].mean(axis=1)
    prior = shapes[int(fit.argmax())]
    near = np.abs(np.arange(len(RADII))[None, :] - prior[:, None]) <= RIM_BAND
    idx = ring_paths(np.where(near, joint, np.float32(-100))[None], RIM_STEP)[0]
    near = np.abs(np.arange(len(RADII))[None, :] - idx[:, None]) <= OWN_BAND
    own = ring_paths(np.where(near, np.minimum(np.stack(scores), 20), np.float32(-100)),
                     RIM_STEP)
    ang = np.arange(ANGLES)
    return [np.stack([xs[ang, i], ys[ang, i]], axis=1) for (xs, ys), i in zip(rays, own)]


# ----------------------------------------------------------------------------- temples


def _temple(work: _Work, rim: np.ndarray, outward: float, edge: int,
            beyond: int = 2) -> np.ndarray:
    """Nx2 near-horizontal path from a rim's outer end to ``beyond`` px past the face edge
    (landmark ``edge``)."""
    end = rim[int(np.argmax(rim[:, 0] * outward))]
    xa, xb = int(end[0]), int(work.points[edge, 0] + beyond * outward)
    x0, x1 = max(1, min(xa, xb)), min(WORK_W - 1, max(xa, xb))
    y0, y1 = max(1, int(end[1]) - 14), min(WORK_H - 1, int(end[1]) + 10)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return np.zeros((0, 2), np.int64)
    light = work.light[y0:y1, x0:x1]
    resp = np.maximum(_morph(light, cv2.MORPH_BLACKHAT, (11, 1)),
                      _morph(light, cv2.MORPH_TOPHAT, (7, 1)))
    return np.stack([np.arange(x0, x1), row_path(resp) + y0], axis=1)


# ----------------------------------------------------------------------------- mask


def _protected(work: _Work) -> np.ndarray:
    """Never painted (HxW bool): the eye openings with their lashes, and the nostrils."""
    return _openings(work.points, work.light.shape)


def _openings(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The eye openings grown by ``EYE_KEEP`` (their lashes) and the nostrils (HxW bool of an
    image of ``shape`` whose landmarks are ``points``, 478x2 in its pixels)."""
    out = np.zeros(shape[:2], np.uint8)
    for ring, grow in ((lm.RIGHT_EYE, EYE_KEEP), (lm.LEFT_EYE, EYE_KEEP), (lm.NOSTRILS, 1.0)):
        poly = points[list(ring)]
        centre = poly.mean(axis=0)
        cv2.fillPoly(out, [np.round(centre + (poly - centre) * grow).astype(np.int32)], 1)
    return out > 0


def _track(paths: list[tuple[np.ndarray, bool]]) -> np.ndarray:
    """The traced paths drawn 1 px wide (HxW uint8 0/1); (points, closed) pairs."""
    track = np.zeros((WORK_H, WORK_W), np.uint8)
    for pts, closed in paths:
        if len(pts) > 1:
            cv2.polylines(track, [np.round(pts).astype(np.int32)], closed, 1)
    return track


def _grow(seeds: np.ndarray, resp: np.ndarray, reach: int, strength: np.ndarray) -> np.ndarray:
    """Pixels within ``reach`` of the ``seeds`` whose ``resp`` is at least ``LINE_MIN`` and
    ``LINE_SHARE`` of the strongest line nearby (HxW bool). ``strength`` holds every seed's
    own response (0 elsewhere), of all widths: the dark skin beside a strong thin bar is not
    grown from the bar's wider, weaker flank."""
    kernel = disc(2 * reach + 1)
    local = cv2.dilate(strength, kernel)
    near = cv2.dilate(seeds.astype(np.uint8), kernel) > 0
    grown: np.ndarray = near & (resp >= np.maximum(LINE_MIN, LINE_SHARE * local))
    return grown


def _widest(darks: list[np.ndarray], bridge: np.ndarray) -> int:
    """How many of ``DISCS`` the frame needs: the narrowest disc holding 75% of the widest
    one's response along the bridge (the one part of a frame never confused with skin)."""
    on = bridge & (darks[-1] >= LINE_MIN)
    if not on.any():
        return len(DISCS)
    for i, dark in enumerate(darks[:-1]):
        if float(np.median(dark[on] / darks[-1][on])) >= 0.75:
            return i + 1
    return len(DISCS)


def _owned_discs(todo: np.ndarray, darks: list[np.ndarray]) -> tuple[list[np.ndarray],
                                                                      np.ndarray]:
    """Each of the ``todo`` pixels (HxW bool) given the narrowest disc whose black-hat holds
    75% of the widest one's: the pixels of each disc, and every pixel's own response."""
    todo = todo.copy()
    owned, strength = [], np.zeros(todo.shape, np.float32)
    for resp in darks:
        mine = todo & (resp >= 0.75 * darks[-1])
        todo &= ~mine
        owned.append(mine)
        strength = np.where(mine, resp, strength)
    return owned, strength


def _soft_shadow(every: list[np.ndarray], used: int) -> np.ndarray:
    """Dark pixels that are no line (HxW bool): only the widest of the ``used`` discs holds
    their response, the next wider disc finds still more (an eye socket's shading), and the
    narrowest disc sees no line (a frame's corner, dark all around, does show there)."""
    widest = every[used - 1]
    wide = widest >= LINE_MIN if used == 1 else every[used - 2] < 0.75 * widest
    out: np.ndarray = wide & (widest < PLATEAU * every[min(used, len(every) - 1)]) & (
        every[0] < 2 * LINE_MIN)
    return out


def _work_mask(work: _Work, paths: list[tuple[np.ndarray, bool]],
               off_face: bool = False) -> np.ndarray:
    """Frame pixels of the work image (HxW bool): line pixels connected to the traced paths
    (the first one is the bridge). Each path pixel takes the narrowest black-hat disc (no wider
    than the bridge needs) that holds its line, or is a thin bright line (not a gap beside a
    dark one), and the line is grown within that width to the pixels as strong as
    ``LINE_SHARE`` of the strongest line nearby, soft shadows left out. ``off_face``: also
    the frame's parts just off the face (:data:`OFF_FACE`: hinges and end pieces by the
    hair, which stay in the picture when the face is replaced); without it, the lines are
    traced :data:`USER_REACH` px beyond the oval and kept up to :data:`USER_KEEP` px beyond
    it: an end piece across the oval's edge is found whole (Eleanor Holmes Norton's hinge
    at her temple, at the oval's edge, was left and pasted with the face)."""
    light = work.light
    free = ~_protected(work) & _near_face(work, OFF_FACE if off_face else USER_REACH)
    track = (cv2.dilate(_track(paths), np.ones((3, 3), np.uint8)) > 0) & free
    every = [_morph(light, cv2.MORPH_BLACKHAT, (d, d)) for d in DISCS]
    darks = every[:_widest(every, _track(paths[:1]) > 0)]
    owned, strength = _owned_discs(track & (darks[-1] >= LINE_MIN), darks)
    shadow = _soft_shadow(every, len(darks))
    bright = _morph(light, cv2.MORPH_TOPHAT, (7, 7))
    shiny = track & (bright >= np.maximum(LINE_MIN, 0.5 * cv2.dilate(darks[-1], disc(7))))
    strength = np.maximum(strength, np.where(shiny, bright, 0)).astype(np.float32)
    cand = _grow(shiny, bright, 3, strength)
    for width, resp, mine in zip(DISCS, darks, owned):
        cand |= _grow(mine, resp, width // 2 + 1, strength)
    cand &= ~shadow
    seeds = shiny | np.logical_or.reduce(owned)
    frame = connected(cand & free, seeds) & (cand | (seeds & ~shadow))
    wire = len(darks) == 1  # a wire frame: its nose pads sit on arms, off the rims
    pads = nose_zone(work.points, float(paths[0][0][:, 1].mean()), frame.shape)
    rims = [pts for pts, closed in paths if closed]
    # a pad's brown mark and its lower end are 3-4 px wide blobs, not 1-2 px lines: the 9 px
    # disc's black-hat holds them (Andy Kim's pads were left half on the skin)
    faint = np.maximum(np.maximum(every[0], every[1]), bright)
    # thicker frames: only thin dark pad arms, 1-2 px lines the 5 px disc holds (the nose's
    # own shading is wider: Harold Rogers' arms stayed as two dark lines beside his nose)
    arms = (every[0] >= PAD_LINE) & (every[0] >= PAD_THIN * every[2])
    frame |= _beside_lines(work, (rims, pads), frame, (faint >= PAD_LINE) & wire, free)
    if not wire:
        frame |= _pad_arms(pads & free & arms & ~frame, frame)
    halo = cv2.dilate(frame.astype(np.uint8), disc(5)) > 0
    soft = np.maximum(darks[min(1, len(darks) - 1)], bright) >= HALO_MIN
    edges = lens_edges(light, rims, work.points,
                       free & ~pads)  # beside the nose: the pads' lines, not the lens's
    shadow = _bridge_shadow(work, paths[0][0], frame, (every[1] >= HALO_MIN) & free)
    out: np.ndarray = frame | (halo & free & soft) | edges | shadow  # lens edges: no halo
    return out if off_face else out & _near_face(work, USER_KEEP)


def _bridge_shadow(work: _Work, bridge: np.ndarray, frame: np.ndarray,
                   dark: np.ndarray) -> np.ndarray:
    """The shadow the bridge casts on the nose (HxW bool): the ``dark`` pixels (soft dark
    blobs: the 9 px disc's black-hat) up to :data:`BRIDGE_SHADOW` px under the ``bridge``
    path (Nx2 work points), in its columns at least :data:`SHADOW_INSET` px inside the inner
    eye corners (nearer, the dark under a top bar is the eye socket), reached from the
    ``frame``, the frame itself not included. Beyond the halo's 2 px: Andy Kim's bridge
    left a brown band 3-5 px under it, a dark speck on the nose of every fused result."""
    p = work.points
    x0 = p[lm.RIGHT_EYE_INNER, 0] + SHADOW_INSET
    x1 = p[lm.LEFT_EYE_INNER, 0] - SHADOW_INSET
    zone = np.zeros(frame.shape, bool)
    for x, y in np.round(bridge).astype(np.int64):
        if x0 <= x <= x1:
            zone[y + 1:y + 1 + BRIDGE_SHADOW, x] = True
    out: np.ndarray = connected(zone & dark, frame) & ~frame
    return out


def _beside_lines(work: _Work, traced: tuple[list[np.ndarray], np.ndarray], frame: np.ndarray,
                  line: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Frame parts off the traced paths (HxW bool): nose pads (faint ``line`` pixels beside
    the nose reached from the ``frame``; wire frames only, the caller passes no line
    otherwise: on thicker frames the pads are moulded into the nasal rims, and what lies
    beside them is the nose's own shading) and the lenses' glare inside the rims.
    ``traced``: the closed paths (the rims) and the nose's zone (:func:`nose_zone`)."""
    rims, zone = traced
    pads = np.zeros_like(frame)
    if line.any():
        pads = pad_pixels(zone & free, line, frame)
    out: np.ndarray = pads | glare_pixels(work.rgb, rims, free & ~frame & ~pads)
    return out


def _pad_arms(arms: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """A thicker frame's pad arms (HxW bool): the thin dark ``arms`` pixels (of the nose's
    zone) in 8-connected lines with a pixel within 2 px of the ``frame``: an arm runs beside
    the nasal rim with a paler 1-2 px gap, so it is not reached through line pixels alone."""
    near = cv2.dilate(frame.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return connected(arms, arms & near)


def _oval(work: _Work) -> np.ndarray:
    """The face oval of the work image (HxW uint8 0/1)."""
    oval = np.zeros(work.light.shape, np.uint8)
    cv2.fillPoly(oval, [np.round(work.points[list(lm.FACE_OVAL)]).astype(np.int32)], 1)
    return oval


def _near_face(work: _Work, reach: int) -> np.ndarray:
    """The face oval grown by ``reach`` px (HxW bool)."""
    return cv2.dilate(_oval(work), disc(2 * reach + 1)) > 0


def _frame_paths(work: _Work, bridge: np.ndarray,
                 beyond: int = 2) -> list[tuple[np.ndarray, bool]]:
    """The bridge, both rims (closed) and both temples (to ``beyond`` px past the face's
    edge), as (Nx2 work points, closed)."""
    rims = _rims(work, float(bridge[:, 1].mean()))
    paths = [(bridge, False)] + [(rim, True) for rim in rims]
    for rim, out, edge in zip(rims, (-1.0, 1.0), (lm.RIGHT_CHEEK, lm.LEFT_CHEEK)):
        paths.append((_temple(work, rim, out, edge, beyond), False))
    return paths


def _find(img: np.ndarray, points: np.ndarray,
          off_face: bool = False) -> tuple[_Work, list[tuple[np.ndarray, bool]], np.ndarray] | None:
    """The work image, the frame's traced paths and its work mask (:func:`glasses_mask`);
    None when there is no frame."""
    work = _upright(img, points)
    bridge, strength = _bridge(work)
    if strength < BRIDGE_MIN:
        return None
    paths = _frame_paths(work, bridge, OFF_FACE if off_face else 2)
    return work, paths, _work_mask(work, paths, off_face)


def glasses_mask(img: np.ndarray, points: np.ndarray, off_face: bool = False) -> np.ndarray:
    """HxW bool mask of eyeglass frames on the face (``img`` HxWx3 uint8 RGB, ``points``
    478x2 landmarks in its pixels), all False when there are none. ``off_face``: with the
    frame's parts up to :data:`OFF_FACE` px (work image) off the face oval: a template's
    own frames, whose hinges by the hair stay in the result, not a user's, whose pixels
    off the face are never pasted."""
    found = _find(img, points, off_face)
    if found is None:
        return np.zeros(img.shape[:2], bool)
    work, _, mask = found
    return _to_image(mask, work, img.shape)


def remove_glasses(img: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, int]:
    """``img`` (HxWx3 uint8 RGB) with eyeglass frames painted out from the skin beside them
    (never lightening the eye openings and their lashes), the shade their lenses left on the skin behind
    them lifted first (:func:`lift_shade`), and the number of frame pixels found (0: no
    glasses, ``img`` itself is returned)."""
    found = _find(img, points)
    if found is None:
        return img, 0
    work, paths, work_mask = found
    mask = _to_image(work_mask, work, img.shape)
    if not mask.any():
        return img, 0
    shaded = lift_shade(img, work, [pts for pts, closed in paths if closed], work_mask)
    return erase_frames(shaded, mask, points, spare_openings=True), int(mask.sum())


def lift_shade(img: np.ndarray, work: _Work, rims: list[np.ndarray],
               work_mask: np.ndarray) -> np.ndarray:
    """``img`` (HxWx3 uint8 RGB) with the shade of the lenses (the ``rims``, closed work
    paths, around the frame's ``work_mask``) lifted off the skin behind them
    (:func:`~portrait_studio.perception.lens_shade.lens_shade`), as a new array."""
    painted = cv2.dilate(work_mask.astype(np.uint8), disc(3)) > 0
    shift = lens_shade(work.rgb, work.points, rims, painted, _oval(work) > 0)
    back = _field_to_image(shift, np.abs(shift).max(axis=2) > 0, work, img.shape)
    if back is None:
        return img
    box, field = back
    src = img[box].astype(np.float32) / np.float32(255)
    lab = cv2.cvtColor(src, cv2.COLOR_RGB2Lab)
    # the change the shift makes (Lab there and back), so a tiny shift leaves the pixel as it is
    delta = cv2.cvtColor(lab + field, cv2.COLOR_Lab2RGB) - cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)
    out = np.array(img, copy=True)
    out[box] = np.clip(np.rint((src + delta) * np.float32(255)), 0, 255).astype(np.uint8)
    return out


def erase_frames(img: np.ndarray, mask: np.ndarray, points: np.ndarray,
                 person: np.ndarray | None = None, spare_openings: bool = False) -> np.ndarray:
    """``img`` (HxWx3 uint8 RGB) with the frame pixels ``mask`` (from :func:`glasses_mask`
    for the face ``points``) and their shadow painted out, as a new array; ``img`` itself
    when the mask is empty. ``spare_openings``: the shadow grown into the eye openings with
    their lashes or the nostrils never lightens them (a user's face: the lids are the user's;
    a template's eyes are under the new face, its results left as they were). ``person``: the person probability of the whole image at any
    reduced size; with it, frame pixels on the person are filled from the person's pixels
    and the rest from the backdrop (an end piece by the hair was filled with the backdrop's
    colour: a bluish smudge at the temple)."""
    if not mask.any():
        return img
    grow = max(1, round(face_scale(points) / UNIT))
    grown = cv2.dilate(mask.astype(np.uint8), disc(2 * grow + 1)) > 0
    box = mask_box(grown, 8 * grow + 8)
    sides = None if person is None else _person_in(person, img.shape, box)
    out = np.array(img, copy=True)
    part = np.ascontiguousarray(img[box])
    painted = fill_thin(part, grown[box], grow, sides)
    if spare_openings:
        # the mask keeps out of them, its growth did not: it painted the lash lines under
        # Andy Kim's and Eleanor Holmes Norton's top rims (39 and 47 px by more than 10 L*).
        # There the paint only darkens: a lens's glare at an eye's corner still goes
        offset = np.array([box[1].start, box[0].start], np.float32)
        spared = _openings(points - offset, part.shape) & ~mask[box]
        spared &= _luma(painted) > _luma(part)
        painted[spared] = part[spared]
    out[box] = painted
    return out


def _luma(img: np.ndarray) -> np.ndarray:
    """Rec. 601 luma of an HxWx3 uint8 RGB image (HxW float32, 0..255)."""
    out: np.ndarray = img.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return out


def _person_in(person: np.ndarray, shape: tuple[int, ...], box: tuple[slice, slice]) -> (
        np.ndarray):
    """The person mask (``person``: probability at any reduced size of an image of ``shape``)
    over ``box`` of that image, at full resolution (HxW bool): sampled there only, not
    brought up to the whole image's size first."""
    roi = geo.Roi(box[1].start, box[0].start, box[1].stop, box[0].stop)
    out: np.ndarray = geo.sample_field(person, shape, roi, geo.WorkGrid((roi.h, roi.w), 1)) > 0.5
    return out
