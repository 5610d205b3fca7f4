"""A template person's full beard is shaved off before another face goes in.

The swap replaces the face inside the template's oval, but a full beard also covers the jaw
and the throat below it, and the relighting takes the template's shading from its skin: a
user without a beard came out with the template's beard around the face and a dark, bearded
lower face. When enough of the template's chin patch is not skin (:data:`SHAVE_SHARE`;
a user's full beard, which the user keeps, is :data:`~.beard.BEARD_SHARE` of it, as in
:mod:`.beard`), the beard is found and painted over with skin before re-toning and swapping:

- found: the pixels not skin-coloured like the cheeks in the face below the nose (lips
  spared), and in a band reaching :data:`DROP` eye distances below the jaw those that are
  also close (Mahalanobis in Lab) to the colour of the chin's non-skin pixels and closer to
  that than to any colour of the clothes sampled well below the chin (a white beard stops at
  a white collar); closed, holes filled, and only what hangs together with the chin or lies
  in the face, less the long thin strips under the jaw below the beard's bulk (a shirt's
  shaded edges, :func:`_without_strips`); and beside the jaw's sides under the ears, and up
  the face's sides between the cheek and the ear to the ears' tops, the beard's sideburns
  (:func:`_sideburns`);
- painted: in the face and a throat column under the chin (:data:`NECK_WIDTH`), the face's
  skin carried in from all sides (push-pull), darkened below the jaw line as a throat in the
  jaw's shadow, deepest right under the jaw (:data:`JAW_SHADOW`) (when the face swapped in
  is known, its jaw and a neck under it, narrower than the jaw, its sides curving in from
  the jaw's corners, :data:`USER_NECK_SHAPE`, drawn where the swap's outline warp will take
  them); beside the throat the backdrop continued along the row (or the clothes, where they
  are nearer, up their columns from below, their edges crisp; or the template's own neck
  where it shows between them and the clothes, :func:`_neck_beside`): a full beard is wider
  than the neck; where a long beard hangs over a shirt collar, the shirt continued up to a
  V-shaped opening under the chin, its edges at the neck's sides a little under the jaw
  (:data:`NECK_GAP`), slanting straight down from there to the opening's bottom above the
  tie's knot. The painted skin gets the forehead's fine texture
  (:func:`forehead_skin`; a bearded man's cheeks have stubble, the coarser band taken
  down towards the face's light when the forehead is lighter) in proportion to its light
  (:func:`_lit`), the rest the photo's noise. Under a beard hanging over a collar, the
  template's own neck in the collar's opening (:func:`_notch`) is painted too: the neck goes
  on down into it.

A user who has a beard keeps the template's (their own beard goes with their face). Work is
done on a grid with 100-200 px between the eyes; images are HxWx3 uint8 RGB, landmarks
478x2 pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.blend import mask_box, per_channel
from ...imaging.color import SkinModel, SkinPixels
from ...imaging.fill import carry_in
from ...imaging.regions import disc, filled, gather, nearest_set, pixels_at, touching
from ...perception import landmarks as lm
from ...perception.masks import cheek_mask, face_regions, face_scale, polygon_mask
from ..retouch.crisp import crispness, match_crispness
from ..retouch.texture import (
    BOX_MARGIN,
    PHOTO_GRAIN,
    match_noise,
    match_texture,
    noise_level,
    texture_levels,
)
from .beard import BEARD_SHARE, beard_share, chin_patch
from .tone import NotSkin, detail_ratio, local_skin_model

JAW_EDGE = 0.015  # eye distances: the painted face's edge against what is painted beside it
                  # (polygon softening): at 0.03 the new jaw's skin/backdrop mix ran over
                  # 4-5 px, twice a photo's edge, and re-toned for a lighter user it showed
                  # as a blurred pale fringe round the jaw (Byron Donalds, 3x)
SHAVE_SHARE = 0.15           # share of the chin patch not skin: a template's beard (clean 0-0.09)
DROP = 0.6                   # eye distances below the jaw line a beard may reach
BEARD_SIGMAS = 4.0           # Mahalanobis distance (Lab) to the chin's beard colour
CLOTHES_BAND = (1.1, 1.7)    # eye distances below the chin: where the clothes are sampled
CLOTHES_CLUSTERS = 4
CLOTHES_MIN = 0.025           # eye distances: the clothes' band is at least this deep
NOT_SKIN = 0.3               # skin likelihood below this: not skin
SHADE_HUE = 3.0              # sigmas of the cheeks' chroma: within 3/4 of it, skin in shade
SHADE_DETAIL = 1.2           # fine detail (x the cheeks'): below it, smooth as skin in shade
THROAT_SHADE = 0.75          # painted skin below the jaw line: this share of the skin's tone
COLLAR_MARGIN = 0.05         # eye distances a collar's opening lies above the beard's end
COLLAR_DEPTH = 0.3           # eye distances under the chin a hidden collar's opening may be
COLLAR_WIDTH = 1.05          # a collar's half-width, in the neck's
EDGE_GROW = 0.08            # eye distances the found beard grows by (its edge hairs)
EDGE_PAST = 3.0             # the paint's soft edge's sigmas it reaches past the beard's
                            # edge beside the skin (the blend weight there about 0.999)
STRIP = (0.1, 0.25)         # eye distances: under the jaw, parts of the found beard thinner
                            # than the first, taller than the second, reaching below its bulk
                            # are clothes' edges
NECK_WIDTH = 0.72           # a neck's width, as a share of the face's at the ears
USER_NECK = 0.6             # the same under the face swapped in, when it is known (its
                            # sides' shade; its outline is :data:`USER_NECK_SHAPE`)
USER_NECK_SHAPE = (0.62, 0.3, 0.1)  # under the face swapped in: the neck's width as a share
                            # of the face's at the jaw's corners, the eye distances under
                            # the jaw line its sides curve in over, and its widening (a share
                            # of its width an eye distance) down to the collar
JAW_CORNERS = (172, 397)    # the mesh's jaw corners (right, left)
NECK_EDGE = 0.03            # eye distances the painted neck's outline is soft over: over
                            # 0.05 its mix with a white collar, neither skin nor collar, was
                            # re-toned into a dark, speckled outline (Byron Donalds: 68-235
                            # dark specks a pair, 60-173 now); at 0.015 fewer still, but the
                            # bench's BRISQUE on his pairs rose by 1
NECK_SIDES = 0.35           # the painted neck's sides: this much darker than its middle
JAW_SHADOW = (0.2, 0.08)     # the shadow the jaw casts on the neck: this much darker right
                            # under the jaw line, fading over this many eye distances below it
NECK_GAP = 0.12             # eye distances of shaded neck between the jaw and a hidden
                            # collar's edges at the neck's sides
NOTCH = (0.25, 0.5)          # a collar's opening under a hanging beard: at most this many eye
                            # distances under the beard's end, within this many neck
                            # half-widths of the chin's column
NOTCH_SLANT = 2.0           # rows a column the collar's halves rise by beside its opening
GRAIN_BLUR = 0.05           # eye distances: the painted skin's light its grain follows
LIT_SIGMA = 4.0             # px: that light is blurred on a grid with about this sigma
JAW = lm.FACE_OVAL[9:28]     # the oval from ear to ear under the chin
SIDEBURN_REACH = 0.07       # eye distances outside the face oval a beard's sideburn (its
                            # stubble between the cheek and the ear) reaches: the ear's front
                            # edge lies 0.06-0.1 out on the bench's bearded templates (at 0.12
                            # the ear's shaded front was painted over too, Hakeem Jeffries)
SIDEBURN_INSIDE = 0.04      # eye distances inside the oval's edge the sideburn is looked for
                            # too (the mesh's outline runs a little outside the cheek's edge)
SIDEBURN_DARK = 0.85        # a sideburn pixel is darker than this share of the cheeks' luma
SIDEBURN_TOPS = (356, 127)  # the mesh's outline points level with the ears' tops (left, right)
SIDEBURN_LOBES = (361, 132)  # and with their lobes: below them no ear is beside the face
SIDEBURN_HAIR = 0.1         # eye distances past the sideburn's band: a row whose pixels there are
                            # mostly hair-dark too is the head's hair over the ear, kept
SIDEBURN_FADE = 0.08        # eye distances under the ears' tops the paint fades in over (cut
                            # off there, its top edge was a straight step at 3x)


@dataclass(frozen=True)
class _Work:
    """The lower face and neck on a working grid: the region, its grid, the grid-sized RGB
    crop (uint8), the landmarks in grid pixels and the eye distance there; the landmarks of
    the face that will be swapped in (grid pixels; ``points`` when not known) and, when its
    outline differs from the template's, where each grid pixel lands once the swap has moved
    the template's outline onto it (:func:`_to_placed`)."""

    roi: geo.Roi
    grid: geo.WorkGrid
    img: np.ndarray
    points: np.ndarray
    scale: float
    placed: np.ndarray
    to_placed: geo.Maps | None = None
    neck: float = NECK_WIDTH
    shadow: np.ndarray | None = None

    @cached_property
    def cheeks(self) -> np.ndarray:
        """The cheeks on the grid (HxW float32 0..1), the skin's samples."""
        return cheek_mask(self.points, self.img.shape)

    @cached_property
    def skin(self) -> tuple[SkinModel, SkinPixels]:
        """The cheeks' skin model and the grid pixels as it judges them (fitted once)."""
        model = local_skin_model(self.img, self.cheeks)
        return model, model.pixels(self.img)

    @cached_property
    def oval(self) -> np.ndarray:
        """The template's face oval on the grid (HxW bool), drawn once (the beard's zone and
        the template's own neck beside it are both told by it)."""
        out: np.ndarray = polygon_mask(self.points[list(lm.FACE_OVAL)], self.img.shape) > 0.5
        return out

    @cached_property
    def lab(self) -> np.ndarray:
        """The grid crop in Lab (HxWx3 float32), converted once (the beard and the collar's
        opening are both told from the clothes by it)."""
        out: np.ndarray = cv2.cvtColor(self.img, cv2.COLOR_RGB2Lab).astype(np.float32)
        return out


def _work(img: np.ndarray, points: np.ndarray, below: float,
          placed: np.ndarray | None = None, shadow: np.ndarray | None = None) -> _Work:
    """:class:`_Work` from the face's nose down to ``below`` eye distances under the chin
    (``placed``: the landmarks of the face swapped in, template pixels; ``shadow``: the
    shadow its jaw casts, :func:`jaw_shadow`)."""
    s = max(face_scale(points), 8.0)
    oval = points[list(lm.FACE_OVAL)]
    h, w = img.shape[:2]
    roi = geo.Roi(max(0, int(oval[:, 0].min() - 0.6 * s)),
                  max(0, int(points[lm.NOSE_TIP, 1] - 0.3 * s)),
                  min(w, int(oval[:, 0].max() + 0.6 * s)),
                  min(h, int(points[lm.CHIN, 1] + below * s)))
    # never coarser than WORK_EYE px between the eyes (the reduction rounded down): rounded
    # to the nearest, a 1080x1320 template worked at 91 (the corpus' own size at 113), where
    # the beard's whole-pixel discs were a size smaller and its pieces under the jaw did not
    # close into one (Bennie Thompson: its grey beard under the jaw was left)
    k = max(1, int(s / geo.WORK_EYE))
    roi = geo.trim_roi(roi, k)
    grid = geo.WorkGrid((roi.h, roi.w), k)
    local = grid.points(points - roi.offset)
    if placed is None:
        return _Work(roi, grid, grid.down(img[roi.slices]), local, s / k, local)
    moved = grid.points(placed - roi.offset)
    return _Work(roi, grid, grid.down(img[roi.slices]), local, s / k, moved,
                 _to_placed(local, moved, grid.small), USER_NECK, shadow)


def _to_placed(points: np.ndarray, placed: np.ndarray, shape: tuple[int, int]) -> (
        geo.Maps | None):
    """Where each pixel of a grid of ``shape`` lands when the swap's outline warp moves the
    face outline ``points`` onto ``placed``'s (a thin-plate spline through the two outlines,
    anchored on the swap's ring around the face: the inverse of that warp, near enough;
    evaluated every 8 grid px, within half a pixel: 7 ms, 31 at every 4); None when the
    outline moves by less than half a pixel."""
    oval = list(lm.FACE_OVAL)
    if np.abs(placed[oval] - points[oval]).max() < 0.5:
        return None
    centre = points[oval].mean(axis=0)
    radii = (points[oval].max(0) - points[oval].min(0)) * 0.85
    ring = geo.ring_points(centre, (radii[0], radii[1]), 24)
    return geo.tps_maps(np.concatenate([points[oval], ring]),
                        np.concatenate([placed[oval], ring]), shape, step=8)


def _pulled(work: _Work, field: np.ndarray) -> np.ndarray:
    """``field`` (HxW float32), drawn where the swapped-in face will be, on the grid as the
    template is before the swap (:attr:`_Work.to_placed`)."""
    if work.to_placed is None:
        return field
    return geo.remap(field, work.to_placed)


def _skin(work: _Work) -> np.ndarray:
    """Skin likelihood (0..1, HxW float32) of the grid pixels: like the cheeks' skin."""
    model, px = work.skin
    return model.likelihood_of(px)


def _has_hair(work: _Work, skin: np.ndarray, share: float) -> bool:
    """Whether :func:`_hair_share` is at least ``share``; its hue and detail tests are
    skipped when the chin's non-skin share alone is less (the hair's can only be less):
    most chins are clean."""
    if beard_share(skin < NOT_SKIN, work.points, work.scale) < share:
        return False
    return _hair_share(work, skin) >= share


def _hair_share(work: _Work, skin: np.ndarray) -> float:
    """:func:`~.beard.beard_share` of the chin's hair: its pixels not skin-coloured like the
    cheeks (``skin``: :func:`_skin`) that are also off the skin's hue and more detailed than
    the cheeks. Skin in shade is neither: a chin lit from above (a photo's light, a lowered
    head) is dark under the lower lip and the jaw, and counted as a beard, the clean-shaven
    Biden and Obama of a White House photo were shaved (0.34, 0.36 of the chin not skin),
    their throats painted into cones with a white collar patch; of the chin's hair, 0.00 and
    0.09 (the portraits' beards 0.16-0.79, Hakeem Jeffries' the least)."""
    model, px = work.skin
    off_hue = model.hue_likelihood_of(px, SHADE_HUE) < 0.5
    detailed = detail_ratio(work.img, work.cheeks, work.scale) > SHADE_DETAIL
    return beard_share((skin < NOT_SKIN) & off_hue & detailed, work.points, work.scale)


def _chin(work: _Work) -> np.ndarray:
    chin = np.zeros(work.img.shape[:2], bool)
    chin[chin_patch(work.points, chin.shape, work.scale)] = True
    return chin


def has_beard(img: np.ndarray, points: np.ndarray, share: float = BEARD_SHARE) -> bool:
    """Whether the face ``points`` in ``img`` has a beard: at least ``share`` of its chin
    patch is not skin-coloured (:data:`BEARD_SHARE`: a full beard, which a user's face
    keeps; :data:`SHAVE_SHARE`: any beard, which a template loses)."""
    work = _work(img, points, 0.2)
    return _has_hair(work, _skin(work), share)


def _zone(work: _Work, oval: np.ndarray) -> np.ndarray:
    """Where a beard may be (HxW bool): the oval from a little above the nose tip down (the
    cheeks' beard reaches that high), nose and lips spared, and a band :data:`DROP` eye
    distances deep under the jaw line. ``oval``: the face oval (HxW bool)."""
    p, shape, s = work.points, work.img.shape, work.scale
    rows = np.arange(shape[0])[:, None]
    lower = oval & (rows > p[lm.NOSE_TIP, 1] - 0.25 * s)
    jaw = p[list(JAW)]
    under = polygon_mask(np.concatenate([jaw, (jaw + [0.0, DROP * s])[::-1]]), shape) > 0.5
    # and beside the jaw's sides, from under the ears' lobes down to the jaw's corners, a
    # band :data:`SIDEBURN_REACH` deep: the band under the jaw is the jaw moved down, a
    # sliver where the jaw's sides are steep, and the beard's edge hairs there were left, a
    # dark fringe beside a narrower user's jaw (Maxwell Frost)
    beside = (_from_jaw(oval, s) < SIDEBURN_REACH) & (
        rows > float(p[list(SIDEBURN_LOBES), 1].min())) & (
        rows <= float(p[list(JAW_CORNERS), 1].max()))
    regions = face_regions(p, shape)
    nose = cv2.dilate((regions.nose > 0.2).astype(np.uint8), _disc(0.08 * s)) > 0
    out: np.ndarray = (lower | under | beside) & ~nose & (regions.lips <= 0.5)
    return out


def _disc(size: float) -> np.ndarray:
    """:func:`~portrait_studio.imaging.regions.disc` about ``size`` px across (odd, >= 3)."""
    return disc(max(3, int(size)) | 1)


@dataclass(frozen=True)
class _Colour:
    """A Gaussian colour model in Lab: mean (3,) and inverse covariance (3x3)."""

    mean: np.ndarray
    inv_cov: np.ndarray

    @classmethod
    def of(cls, samples: np.ndarray) -> _Colour:
        cov = np.cov(samples.T) + np.eye(3) * 4.0
        return cls(samples.mean(axis=0), np.linalg.inv(cov))

    def distance(self, lab: np.ndarray) -> np.ndarray:
        d = lab - self.mean
        q = np.einsum("...i,ij,...j->...", d, self.inv_cov, d)
        out: np.ndarray = np.sqrt(np.maximum(q, 0.0))
        return out

    def near(self, lab: np.ndarray, sigmas: float) -> np.ndarray:
        """Whether each colour of ``lab`` (Nx3 float32) lies within ``sigmas`` of the model
        (N bool): the squared distance by one float32 matrix product (:meth:`distance`'s
        einsum over a whole grid took 18 ms on a 1080x1320 template's)."""
        d = lab - self.mean.astype(np.float32)
        out: np.ndarray = np.einsum("ij,ij->i", d @ self.inv_cov.astype(np.float32), d) <= (
            sigmas ** 2)
        return out


def _clothes(lab: np.ndarray, person: np.ndarray, work: _Work) -> list[_Colour]:
    """Colour models of the clothes: the person's pixels in the band :data:`CLOTHES_BAND` eye
    distances under the chin (moved up to end 0.3 eye distances deep where the photo ends
    sooner, never into the beard's reach), split into up to :data:`CLOTHES_CLUSTERS` colours
    (each at least 5% of the band)."""
    chin, s, bottom = float(work.points[lm.CHIN, 1]), work.scale, person.shape[0]
    top = max(chin + (DROP + 0.15) * s, min(chin + CLOTHES_BAND[0] * s, bottom - 0.3 * s))
    # at least the photo's last CLOTHES_MIN eye distances: a photo ending 0.77 of them under
    # the chin left 3 rows at the corpus' size but none once enlarged (the grid's rows are
    # whole), and with no clothes to tell it from, the beard under the jaw stayed
    top = min(top, bottom - CLOTHES_MIN * s)
    band = np.zeros(person.shape, bool)
    band[max(0, int(top)):max(0, int(chin + CLOTHES_BAND[1] * s))] = True
    samples = lab[band & person].astype(np.float32)
    if len(samples) < 20 * CLOTHES_CLUSTERS:
        return []
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0)
    _, labels, _ = cv2.kmeans(samples, CLOTHES_CLUSTERS, np.empty(0), criteria, 2,
                              cv2.KMEANS_PP_CENTERS)
    groups = [samples[labels.ravel() == i] for i in range(CLOTHES_CLUSTERS)]
    return [_Colour.of(g) for g in groups if len(g) >= 0.05 * len(samples)]


def _beard(work: _Work, person: np.ndarray, skin: np.ndarray,
           clothes: list[_Colour]) -> np.ndarray:
    """The beard on the grid (HxW bool) of a face whose chin is not skin (see
    :func:`shave_beard`); ``skin``: the grid's :func:`_skin` likelihood; ``clothes``:
    :func:`_clothes`."""
    not_skin = skin < NOT_SKIN
    chin = _chin(work)
    lab = work.lab
    oval = work.oval
    zone = _zone(work, oval)
    # in the face every non-skin pixel under the nose is beard (a moustache may be darker
    # than a white chin); under the jaw only the beard's colours, never the clothes'
    found = zone & not_skin & person
    # with no clothes to tell it from (the photo ends under the chin) the beard is shaved
    # in the face only; the colour distances are taken only where they decide (the
    # candidates under the jaw), not over the whole grid
    under = found & ~oval
    if clothes and under.any():
        near_colour, there = _Colour.of(pixels_at(lab, chin & not_skin)), pixels_at(lab, under)
        near = near_colour.distance(there)
        like = (near < BEARD_SIGMAS) & (
            near < np.min([c.distance(there) for c in clothes], axis=0))
        under[under] = like
        found &= under | oval
    else:
        found &= oval
    found = cv2.morphologyEx(found.astype(np.uint8), cv2.MORPH_CLOSE, _disc(0.04 * work.scale))
    found = filled(found > 0) & zone
    beard = _without_strips(touching(found, chin) | (found & oval), oval, work.scale)
    # grown by its edge: the hairs against the backdrop, half beard, half background, are
    # neither beard- nor clothes-coloured and outlined the shaved jaw in a dark line
    out: np.ndarray = cv2.dilate(beard.view(np.uint8), _disc(EDGE_GROW * work.scale)) > 0
    # under the jaw, what the grown beard encloses is beard too (its darker middle, in the
    # chin's shadow, is neither beard- nor clothes-coloured): left, it was a grey patch under
    # the painted chin (Bennie Thompson at 1080x1320)
    out |= filled(out) & ~oval
    return out


def _without_strips(beard: np.ndarray, oval: np.ndarray, scale: float) -> np.ndarray:
    """``beard`` (HxW bool) without the thin strips it sends down under the jaw past its
    thick part (``oval``: the face oval, HxW bool): the shaded edges of a shirt between the
    lapels are grey like a white beard and hang together with it, but no beard ends in a
    band narrower than :data:`STRIP` [0] eye distances and taller than [1] below its bulk (its
    ragged tufts are short); grown and painted, those edges smeared the clothes into soft
    vertical bands beside the throat (Bennie Thompson)."""
    under = (beard & ~oval).view(np.uint8)
    opened = cv2.morphologyEx(under, cv2.MORPH_OPEN, _disc(STRIP[0] * scale))
    bulk = np.flatnonzero(opened.any(axis=1))
    if bulk.size == 0:
        return beard
    _, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.subtract(under, opened),
                                                           connectivity=8)
    height = stats[:, cv2.CC_STAT_HEIGHT]
    strips = (height > STRIP[1] * scale) & (stats[:, cv2.CC_STAT_TOP] + height > bulk[-1] + 1)
    strips[0] = False
    if not strips.any():
        return beard
    out: np.ndarray = beard & ~strips[labels]
    return out


def _person_on(work: _Work, person: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The person probability map (any reduced size of the whole HxW image) over the work
    region's grid, as a bool mask."""
    fy, fx = person.shape[0] / shape[0], person.shape[1] / shape[1]
    r = work.roi
    sub = person[int(r.y0 * fy):max(int(r.y0 * fy) + 1, math.ceil(r.y1 * fy)),
                 int(r.x0 * fx):max(int(r.x0 * fx) + 1, math.ceil(r.x1 * fx))]
    h, w = work.img.shape[:2]
    out: np.ndarray = cv2.resize(sub.astype(np.float32), (w, h)) > 0.5
    return out


def _painted(work: _Work, beard: np.ndarray, person: np.ndarray,
             likelihood: np.ndarray, collar: float | None,
             notch: np.ndarray | None = None, clothes: list[_Colour] | None = None) -> tuple[
                 np.ndarray, np.ndarray]:
    """The beard painted over (HxWx3 float32): in the face and the throat's column under it
    (:func:`_throat`) the grid crop's skin (``likelihood``: its :func:`_skin`) carried in and
    shaded under the jaw (:func:`_shade`); beside the throat, below the jaw, what is around
    the beard there (:func:`_surroundings`): a full beard is wider than the neck it hides;
    below a shirt collar's edge (``collar``: :func:`_collar`'s row, or None) the shirt
    continued up. And the share of skin in each painted pixel (HxW float32 0..1).
    ``notch``: the template's neck in the collar's opening under the beard (:func:`_notch`,
    HxW bool), painted as the neck going on down in the collar's opening, which ends at its
    lowest row. ``clothes``: the clothes' colours (:func:`_clothes`): beside the throat only
    the person's pixels of those colours go on as clothes (:func:`_surroundings`)."""
    img = work.img.astype(np.float32)
    hidden = beard if notch is None else beard | notch
    free = cv2.dilate(hidden.astype(np.uint8), _disc(0.06 * work.scale)) == 0
    skin = np.clip((likelihood - 0.5) * 2.0, 0.0, 1.0) * person * free
    # the skin's colour is the face's, carried down: the template's own neck beside the
    # beard is in its shadow, and carried in under the jaw, then shaded (:func:`_shade`),
    # the throat darkened twice, steadily down to the collar (Byron Donalds: 0.6 of the
    # cheeks' lightness for a lighter user)
    rows = np.arange(img.shape[0], dtype=np.float32)[:, None]
    face_skin = skin * (rows < float(work.points[lm.CHIN, 1]) - 0.1 * work.scale)
    base = carry_in(img, face_skin.astype(np.float32) if face_skin.sum() > 16
                    else skin.astype(np.float32))
    # the face and the neck are drawn where the swapped-in face will be: its jaw, not the
    # template's (a beard's outline), and a neck under it (:data:`USER_NECK`)
    face = work.placed
    inside = _pulled(work, polygon_mask(face[list(lm.FACE_OVAL)], work.img.shape,
                                        soften=JAW_EDGE * work.scale))
    throat = np.maximum(_pulled(work, _throat(work, face)), inside)
    known = free & (skin < 0.5)
    dressed = _dressed(work, person & known, clothes)
    around = _surroundings(img, known, person, float(work.points[lm.CHIN, 0]),
                           round(0.04 * work.scale), dressed)
    if collar is None:
        # the template's own neck goes on beside the user's; under a beard hanging over
        # the collar (below) the collar's edge is hidden, and the neck in its opening is
        # the notch's
        throat = np.maximum(throat, _neck_beside(work, person & free, known, dressed))
    else:
        shirt = free & person & (skin < 0.5)
        below = _under_collar(work, collar, notch) * (1.0 - inside)
        # in the neck's column only the shirt shows where the skin does not (at the
        # opening's soft edge): the clothes beside it, continued up, drew a light line there
        shirt_share = np.maximum(below, throat)[..., None]
        throat = throat * (1.0 - below)
        around = _from_below(img, shirt, around) * shirt_share + around * (1.0 - shirt_share)
    out: np.ndarray = (base * (_pulled(work, _shade(work, face)) * throat)[..., None]
                       + around * (1.0 - throat)[..., None])
    return out, throat


def _shade(work: _Work, points: np.ndarray) -> np.ndarray:
    """HxW float32: the painted skin's tone share, 1 in the face (its oval grown a little:
    the shadow starts at the jaw line, not above), :data:`THROAT_SHADE` under it (a
    throat in the jaw's shadow). (A deeper shadow just under the jaw and darker sides of
    the neck read better at 100%, but raised the bench's BRISQUE on Byron Donalds' pairs
    from 3.0 to 4.3 on average.) From 0.15 eye distances under the chin down, the neck's
    sides are darker, up to :data:`NECK_SIDES` at its edges (a neck is round): painted
    evenly, the column was as light at its sides as in its middle (Byron Donalds: 1.12 of
    it) and read as a flat "bib" as wide as the jaw. (Started at the jaw line, the darker
    sides raised the bench's colour jump on bearded templates by 0.5.) And the jaw casts a
    shadow on the neck: :data:`JAW_SHADOW` [0] darker right under the face's own outline,
    fading over [1] eye distances: without it the user's chin ran on into the throat in
    one tone and the lower face read as a block down to the collar (Bennie Thompson)."""
    oval = points[list(lm.FACE_OVAL)]
    rows = np.arange(work.img.shape[0], dtype=np.float32)[:, None]
    low = np.clip((rows - float(points[lm.CHIN, 1])) / (0.15 * work.scale), 0.0, 1.0)
    sides = 1.0 - NECK_SIDES * low * np.minimum(_neck_offset(work, points), 1.0) ** 2
    if work.shadow is not None:
        return _user_shade(work, oval, sides)
    centre = oval.mean(axis=0)
    face = polygon_mask(centre + (oval - centre) * 1.06, work.img.shape,
                        soften=0.1 * work.scale)
    # the jaw's own shadow on the neck, from its line down: the chin's curve against the
    # throat
    jaw = polygon_mask(oval, work.img.shape, soften=0.02 * work.scale)
    below = cv2.distanceTransform((jaw < 0.5).view(np.uint8), cv2.DIST_L2, 3)
    cast = 1.0 - JAW_SHADOW[0] * (1.0 - jaw) * np.exp(-below / (JAW_SHADOW[1] * work.scale))
    out: np.ndarray = (THROAT_SHADE * sides + (1.0 - THROAT_SHADE * sides) * face) * cast
    return out.astype(np.float32)


def _user_shade(work: _Work, oval: np.ndarray, sides: np.ndarray) -> np.ndarray:
    """HxW float32: :func:`_shade` from the user's own jaw shadow (:attr:`_Work.shadow`,
    :func:`jaw_shadow`): by each pixel's distance from the jaw line ``oval`` (the face swapped
    in, grid), :data:`SHADOW_DEPTH` of the user's neck's darkening there against their
    lower face, from the jaw line out (fading in from :data:`SHADOW_ONSET` inside it), the
    last bin's below the last; times ``sides`` (the neck's darker sides) outside the oval.
    (A fixed soft band darker under the jaw read as stubble; without one the chin ran on
    into the neck as one cone.)"""
    assert work.shadow is not None
    shape, s = work.img.shape[:2], work.scale
    d = _from_jaw(polygon_mask(oval, shape) > 0.5, s)
    start, _, step = SHADOW_BINS
    centres = start + step * (np.arange(len(work.shadow), dtype=np.float32) + 0.5)
    # the bins inside the jaw line are not drawn: the user's own face is blended in there
    # with its own shading, and the paint darkened there too took the chin's light (and
    # raised the bench's colour jump at the jaw by 1.2)
    outside = centres > 0.0
    xs = np.concatenate([[-SHADOW_ONSET], centres[outside]])
    ys = np.concatenate([[1.0], 1.0 - SHADOW_DEPTH * (1.0 - work.shadow[outside])])
    share = np.interp(d, xs, ys).astype(np.float32)
    # smoothed over a few hundredths of an eye distance: the distance's own steps (a grid
    # pixel) drew no bands, and the bins' steps none either
    share = cv2.GaussianBlur(share, (0, 0), max(0.02 * s, 0.5))
    out: np.ndarray = share * np.where(d > 0.0, sides, 1.0)
    return out.astype(np.float32)


def _neck_half(points: np.ndarray, width: float = NECK_WIDTH) -> float:
    """Half the neck's width (grid px) under the face ``points`` (grid): ``width`` of the
    face's at the ears."""
    p = points
    return 0.5 * width * float(np.linalg.norm(p[lm.LEFT_CHEEK] - p[lm.RIGHT_CHEEK]))


def _neck_offset(work: _Work, points: np.ndarray | None = None) -> np.ndarray:
    """HxW float32: each pixel's column offset from the chin in neck half-widths, under the
    face ``points`` (grid: :attr:`_Work.placed`, whose neck is :attr:`_Work.neck` wide; the
    template's, whose neck is :data:`NECK_WIDTH` wide, when None)."""
    p = work.points if points is None else points
    half = _neck_half(p, NECK_WIDTH if points is None else work.neck)
    h, w = work.img.shape[:2]
    off = np.abs(np.arange(w, dtype=np.float32) - np.float32(p[lm.CHIN, 0]))
    return np.broadcast_to((off / max(half, 1.0))[None, :], (h, w))


def _collar(work: _Work, beard: np.ndarray, person: np.ndarray,
            likelihood: np.ndarray) -> float | None:
    """The row (grid) of a shirt collar's opening at the throat when a full beard hangs over
    it: the beard ends on the clothes at most :data:`COLLAR_DEPTH` eye distances under the
    mesh's chin (which sits inside such a beard), and the opening is :data:`COLLAR_MARGIN`
    above the beard's median end under the chin. None when the beard ends on the neck's
    skin, or lower (a neck's stubble ends at a collar that shows), or the photo ends first."""
    s, h = work.scale, beard.shape[0]
    middle = np.flatnonzero(_neck_offset(work)[0] < 1.0 / 3.0)
    ends = [int(np.flatnonzero(beard[:, c]).max()) for c in middle if beard[:, c].any()]
    if len(ends) < 3:
        return None
    end = float(np.median(ends))
    if end - COLLAR_MARGIN * s > work.points[lm.CHIN, 1] + COLLAR_DEPTH * s:
        return None
    rows = slice(int(end) + 2, min(h, int(end + 0.3 * s)))
    below = person[rows, middle[0]:middle[-1] + 1] & (
        likelihood[rows, middle[0]:middle[-1] + 1] < NOT_SKIN)
    if below.size == 0 or below.mean() < 0.6:
        return None
    return end - COLLAR_MARGIN * s


def _notch(work: _Work, beard: np.ndarray, person: np.ndarray,
           clothes: list[_Colour]) -> np.ndarray:
    """HxW bool: the template's own neck showing in a shirt collar's opening right under a
    beard hanging over it (:func:`_collar`): the person's pixels in the neck's middle
    (:data:`NOTCH` [1]) under ``beard`` (HxW bool), at most :data:`NOTCH` [0] eye distances
    under its end, coloured like none of the ``clothes`` (:func:`_clothes`), that touch
    the beard. Left as they
    were, they showed as a dark patch with hard edges between the painted collar's halves,
    under the painted neck and the collar's edge (Bennie Thompson)."""
    shape = beard.shape
    none = np.zeros(shape, bool)
    middle = _neck_offset(work)[0] < NOTCH[1]
    if not clothes or not (beard[:, middle]).any():
        return none
    rows = np.arange(shape[0])[:, None]
    ends = np.where(beard.any(axis=0), shape[0] - 1 - np.argmax(beard[::-1], axis=0), -1)
    near = (rows > ends[None, :]) & (rows <= ends[None, :] + NOTCH[0] * work.scale)
    found = person & ~beard & near & middle[None, :] & (ends >= 0)[None, :]
    # coloured like none of the clothes: the distances taken at those pixels only
    there = pixels_at(work.lab, found)
    found[found] = np.min([c.distance(there) for c in clothes], axis=0) > BEARD_SIGMAS
    found = filled(cv2.morphologyEx(found.view(np.uint8), cv2.MORPH_CLOSE,
                                    _disc(0.04 * work.scale)) > 0) & near & middle[None, :]
    out: np.ndarray = touching(found, cv2.dilate(beard.view(np.uint8), _disc(3.0)) > 0)
    return out


def _under_collar(work: _Work, collar: float, notch: np.ndarray | None = None) -> np.ndarray:
    """HxW float32 0..1: below the collar's edges, a shirt's opening: each edge a straight
    slant from :data:`NECK_GAP` under the chin's row at the painted neck's side
    (:func:`_collar_half`) down to the opening's bottom under the chin, the bottom of
    ``notch`` (:func:`_notch`, HxW bool: the opening as it shows under the beard, above the
    tie's knot) or ``collar`` (row at the throat) without one; and down to the notch's
    bottom in its columns; soft over a few hundredths of an eye distance. (Up to the chin's
    row, the shirt met the chin's bottom along a flat ledge with no neck between; then, from
    ``collar``, 0.2 eye distances under the chin, to the neck's sides 0.12 under it, the
    edge was all but flat, and the neck ended on it in a block, a narrow notch under its
    middle: Bennie Thompson.)"""
    s, chin = work.scale, float(work.points[lm.CHIN, 1])
    off = _neck_offset(work)
    h, w = work.img.shape[:2]
    cols = np.arange(w, dtype=np.float32)
    top = min(chin + NECK_GAP * s, collar)
    deep = collar
    bottom = np.full(w, -float(h), np.float32)
    if notch is not None and notch.any():
        bottom = np.where(notch.any(axis=0), h - 1 - np.argmax(notch[::-1], axis=0),
                          -h).astype(np.float32)
        deep = max(collar, float(bottom.max()))
    half = _collar_half(work)
    cx = float(work.placed[lm.CHIN, 0])
    edge = deep - max(deep - top, 0.0) * np.minimum(np.abs(cols - cx) / half, 1.0)
    # the collar's halves rise from the notch's bottom at a slant (NOTCH_SLANT rows a column)
    slant = (bottom[None, :] - NOTCH_SLANT * np.abs(cols[:, None] - cols[None, :])).max(axis=1)
    edge = np.maximum(edge, slant)[None, :]
    rows = np.arange(h, dtype=np.float32)[:, None]
    soft = max(0.04 * s, 1.0)
    # the collar wraps the neck only: beyond it, what is around the beard (the backdrop,
    # a lapel) goes on
    out: np.ndarray = (np.clip((rows - edge) / soft + 0.5, 0.0, 1.0)
                       * np.clip((COLLAR_WIDTH - off) * 8.0, 0.0, 1.0))
    return out.astype(np.float32)


def _collar_half(work: _Work) -> float:
    """Half the painted neck's width (grid px) where a collar's edges meet it: under the face
    swapped in, :data:`USER_NECK_SHAPE` [0] of its width at the jaw's corners
    (:func:`_neck_shape`); else :func:`_neck_half` of the template's."""
    if work.to_placed is None:
        return max(_neck_half(work.points), 1.0)
    corners = work.placed[list(JAW_CORNERS)]
    return max(0.5 * USER_NECK_SHAPE[0] * float(abs(corners[1, 0] - corners[0, 0])), 1.0)


def _from_below(img: np.ndarray, known: np.ndarray, fallback: np.ndarray,
                across: float = 1.0, skip: int = 0) -> np.ndarray:
    """``img`` (HxWx3 float32) continued up its columns into the pixels not ``known`` (HxW
    bool) from the nearest known pixel below (a collar and a tie go on up under a beard),
    ``fallback`` where a column has none below (HxWx3 float32); smoothed ``across`` px along
    the rows (1 px along the columns). ``skip``: the top rows of each known run that are
    not taken (the beard's stray hairs on the collar, copied up, were grey streaks)."""
    h, w = known.shape
    usable = known.copy()
    for i in range(1, skip + 1):
        usable[i:] &= known[:-i]
    rows = np.broadcast_to(np.arange(h)[:, None], (h, w))
    pick = nearest_set(usable, 0, True)
    source = img
    if skip:
        # the mean of the known pixels in the rows from each one down (as many as are
        # skipped): one row's noise, copied up, drew vertical streaks
        span = 2 * skip + 1
        weight = usable.astype(np.float32)
        num = cv2.boxFilter(img * weight[..., None], -1, (1, span), normalize=False,
                            borderType=cv2.BORDER_CONSTANT)
        den = cv2.boxFilter(weight, -1, (1, span), normalize=False,
                            borderType=cv2.BORDER_CONSTANT)
        mean = num / np.maximum(den, 1e-6)[..., None]
        source = np.empty_like(img)
        source[:h - skip] = mean[skip:]
        source[h - skip:] = mean[h - 1]
    near = gather(source, np.clip(pick, 0, h - 1) * w + np.arange(w))
    smooth = cv2.GaussianBlur(near, (0, 0), across, sigmaY=1.0)
    if skip:
        # the clothes' own fine texture, mirrored up about where they begin: the copied
        # rows alone were smooth streaks
        detail = img - cv2.GaussianBlur(img, (0, 0), 1.5)
        mirror = np.clip(2 * pick - rows, 0, h - 1)
        flat = mirror * w + np.arange(w)
        there = gather(usable, flat)
        smooth = smooth + gather(detail, flat) * there[..., None]
    out: np.ndarray = np.where((pick < h)[..., None], smooth, fallback)
    return out


def _throat(work: _Work, points: np.ndarray) -> np.ndarray:
    """0..1 (HxW float32): the neck's column under the chin of the face ``points`` (grid),
    :data:`NECK_WIDTH` of the face's width at the ears, its sides soft over a few
    hundredths of an eye distance. Under the face swapped in (:attr:`_Work.to_placed`
    known), a neck's shape instead (:func:`_neck_shape`)."""
    if work.to_placed is not None:
        return _neck_shape(work, points)
    edge = max(0.05 * work.scale, 1.0) / max(_neck_half(points, work.neck), 1.0)
    out: np.ndarray = np.clip((1.0 - _neck_offset(work, points)) / edge + 0.5, 0.0, 1.0)
    return out.astype(np.float32)


def _neck_shape(work: _Work, points: np.ndarray) -> np.ndarray:
    """0..1 (HxW float32): a neck under the jaw of the face ``points`` (grid), each side
    curving in from the jaw's corner (:data:`JAW_CORNERS`) to :data:`USER_NECK_SHAPE` [0]
    of the face's width there by [1] eye distances under the jaw line at the neck's side,
    then running down, widening by [2] of its width an eye distance; soft over
    :data:`NECK_EDGE`. A straight-sided column as wide as the jaw read as a
    block under the chin: a neck is narrower than the jaw, which overhangs it, and the
    clothes show beside it."""
    s, cx = work.scale, float(points[lm.CHIN, 0])
    h, w = work.img.shape[:2]
    rows = np.arange(h, dtype=np.float32)[:, None]
    cols = np.arange(w, dtype=np.float32)[None, :]
    share, reach, widen = USER_NECK_SHAPE
    corners = points[list(JAW_CORNERS)]
    half = 0.5 * share * float(abs(corners[1, 0] - corners[0, 0]))
    jaw = points[list(JAW)]
    out = np.zeros((h, w), np.float32)
    soft = max(NECK_EDGE * s, 1.0)
    for corner in corners:
        side = 1.0 if corner[0] > cx else -1.0
        outer = max(abs(float(corner[0]) - cx), half + 1.0)
        # the jaw line in the neck's side column
        near = jaw[(jaw[:, 0] - cx) * side >= 0]
        order = np.argsort(near[:, 0])
        at = float(np.interp(cx + side * half, near[order, 0], near[order, 1]))
        top, end = float(corner[1]), max(at + reach * s, float(corner[1]) + 1.0)
        t = np.clip((rows - top) / (end - top), 0.0, 1.0)
        curve = half + (outer - half) * (1.0 - t) ** 2
        width = curve * (1.0 + widen * np.maximum(rows - end, 0.0) / s)
        inside = np.clip((width - (cols - cx) * side) / soft + 0.5, 0.0, 1.0)
        here = (cols - cx) * side >= 0
        out = np.where(here, inside * (rows >= top - soft), out)
    return out.astype(np.float32)


def _own_neck(work: _Work, person: np.ndarray, dressed: np.ndarray | None) -> np.ndarray:
    """HxW bool: the template's own neck showing beside and under the beard: the
    ``person``'s pixels (HxW bool, away from the beard) under the jaw's corners and outside
    the face oval, of the skin's hue whatever their light (a neck is in the jaw's shadow:
    the cheeks' skin model, lightness and all, takes few of them), and coloured like none
    of the clothes (``dressed``, :func:`_dressed`)."""
    p, shape = work.points, work.img.shape[:2]
    model, px = work.skin
    corner = float(p[list(JAW_CORNERS), 1].max())
    rows = np.arange(shape[0])[:, None]
    out: np.ndarray = person & ~work.oval & (rows > corner) & (
        model.hue_likelihood_of(px, SHADE_HUE) >= 0.5)
    if dressed is not None:
        out &= ~dressed
    return out


def _neck_beside(work: _Work, person: np.ndarray, known: np.ndarray,
                 dressed: np.ndarray | None) -> np.ndarray:
    """HxW float32 0..1: more of the painted neck, beside the one drawn under the user's
    jaw, where the template's own neck (:func:`_own_neck`) lies between a pixel and the
    clothes below it in its column, under the jaw's corners, and nearer than the backdrop
    (``person``: the person's pixels away from the beard; ``known``: the pixels not painted
    and not skin like the cheeks; ``dressed``: :func:`_dressed`). There the clothes' top
    edge shows in the photo, with the neck above it up to the jaw: beside a narrower user's
    neck the beard's sides hid the template's neck, not the clothes, and continued up their
    columns past it the white collar drew a white streak from the jaw's corner down to the
    collar (Burgess Owens on Joaquin Castro: 392 px within 0.8 eye distances of the jaw of
    colours far from the neck's, the backdrop's and the template's own there, 55 now), and
    the pale shirt, mixed with the backdrop, washed-out lobes at both of Hakeem Jeffries' jaw
    corners (452, 314: the rest is the beard's edge against the backdrop)."""
    neck = _own_neck(work, person, dressed)
    if not neck.any():
        return np.zeros(neck.shape, np.float32)
    clothes = known & (person if dressed is None else dressed)
    back = known & (cv2.dilate(person.view(np.uint8), _disc(5.0)) == 0)
    rows = np.arange(neck.shape[0])[:, None]
    blocked = (nearest_set(neck, 0, True) < nearest_set(clothes, 0, True)) & (
        rows > float(work.points[list(JAW_CORNERS), 1].max()))
    if back.any():
        d_back = cv2.distanceTransform((~back).view(np.uint8), cv2.DIST_L2, 3)
        d_neck = cv2.distanceTransform((~neck).view(np.uint8), cv2.DIST_L2, 3)
        blocked &= d_neck < d_back
    out: np.ndarray = cv2.GaussianBlur(blocked.astype(np.float32), (0, 0),
                                       max(NECK_EDGE * work.scale, 0.5))
    return out


def _surroundings(img: np.ndarray, known: np.ndarray, person: np.ndarray,
                  centre: float, skip: int = 0, dressed: np.ndarray | None = None) -> np.ndarray:
    """``img`` (HxWx3 float32) carried into the pixels not ``known`` (HxW bool) from the
    nearer of the background (not ``person``, :func:`_backdrop`) and the clothes (the rest),
    each from its own pixels so that a collar does not smear into the backdrop (HxWx3
    float32). ``centre``: the chin's column. The clothes go on up their columns from below
    (:func:`_from_below`, ``skip``: the rows at their top edge passed over), so a collar's
    and a lapel's edges stay crisp up to the jaw: pushed in from all sides, the jacket and
    the white collar blurred into a grey smear beside the neck (Byron Donalds, Bennie
    Thompson); pushed in where a column has no clothes below. ``dressed`` (HxW bool, from
    :func:`_dressed`): the person's pixels coloured like the clothes; the others (the
    person mask's rim beside the beard: backdrop and the beard's fringe) are neither, so
    the backdrop beside a narrower jaw is not taken for clothes (they made the nearer
    clothes there, and the white collar went on up beside Byron Donalds' new jaw, a pale
    haze, and the dark jacket in a stripe beside Maxwell Frost's)."""
    back = known & (cv2.dilate(person.view(np.uint8), _disc(5.0)) == 0)
    clothes = known & person if dressed is None else known & dressed
    if not back.any() or not clothes.any():
        return carry_in(img, known.astype(np.float32))
    d_back = cv2.distanceTransform((~back).view(np.uint8), cv2.DIST_L2, 3)
    d_clothes = cv2.distanceTransform((~clothes).view(np.uint8), cv2.DIST_L2, 3)
    # the nearer of the two, its edge soft over a pixel: a ramp over their distances'
    # difference mixed them in a wide wedge wherever both were far and about as far (away
    # from the corner where a collar meets the backdrop the difference stays small): a pale
    # blue band beside Byron Donalds' new jaw, white collar and blue backdrop half and half
    to_back = cv2.GaussianBlur((d_back < d_clothes).astype(np.float32), (0, 0), 1.0)[..., None]
    dressed = _from_below(img, clothes, carry_in(img, clothes.astype(np.float32)), 0.5, skip)
    out: np.ndarray = _backdrop(img, back, centre) * to_back + dressed * (1.0 - to_back)
    return out


def _dressed(work: _Work, person: np.ndarray, clothes: list[_Colour] | None) -> (
        np.ndarray | None):
    """HxW bool: the ``person``'s pixels (HxW bool: only those are tested) coloured like
    one of the ``clothes`` (:func:`_clothes`, within :data:`BEARD_SIGMAS`); None without
    clothes' colours."""
    if not clothes:
        return None
    at = np.flatnonzero(person)
    there = work.lab.reshape(-1, 3)[at]
    near = np.zeros(len(there), bool)
    for c in clothes:
        near |= c.near(there, BEARD_SIGMAS)
    out = np.zeros(person.shape, bool)
    out.reshape(-1)[at[near]] = True
    return out


def _backdrop(img: np.ndarray, back: np.ndarray, centre: float) -> np.ndarray:
    """The backdrop (``back``, HxW bool) continued into the other pixels along their row from
    the side away from ``centre`` (a beard's sides hide the backdrop beside the neck; a
    studio backdrop shades smoothly, and pushed in from all sides it took the face's halo),
    from the other side where that row has none, and pushed in from all sides where the row
    has no backdrop at all (HxWx3 float32)."""
    h, w = back.shape
    cols = np.broadcast_to(np.arange(w), (h, w))
    left, right = nearest_set(back, 1, False), nearest_set(back, 1, True)
    outer = np.where(cols < centre, left, right)
    inner = np.where(cols < centre, right, left)
    pick = np.where((outer >= 0) & (outer < w), outer, inner)
    found = (pick >= 0) & (pick < w)
    near = gather(img, np.arange(h)[:, None] * w + np.clip(pick, 0, w - 1))
    smooth: np.ndarray = cv2.GaussianBlur(near, (0, 0), 2.0)
    if found.all():
        return smooth
    out: np.ndarray = np.where(found[..., None], smooth, carry_in(img, back.astype(np.float32)))
    return out


def _lit(region: np.ndarray, core: np.ndarray, chin: float, sigma: float,
         box: tuple[slice, slice]) -> tuple[np.ndarray, float]:
    """HxW float32 0..1 over ``box`` (slices of ``region``; ``core`` and the row ``chin``
    are the box's): the painted skin's local light (``region``, HxWx3 float32, blurred
    over ``sigma``, :data:`GRAIN_BLUR` eye distances) as a share of its median in the face
    (``core``, HxW bool, above the row ``chin``), at most 1:
    a skin's grain (pores, fine lines, the photo's noise) is in proportion to its light.
    Added evenly, the forehead's texture was as strong in the throat's shadow as on the
    cheeks, and the re-toning, steep in the darks for a lighter user, made it 3-4 times the
    cheeks' relative to the light there: a stubble band (Byron Donalds). And that median
    light (luma 0..255). The blur (the costliest step of the shave: about 150 taps a pass
    at 1080x1320) runs on ``region`` alone, which the caller cuts from the whole region
    around the box so that it gives the same values there (:func:`_blur_box`)."""
    # the channels' mean as ``region.mean(axis=2)`` sums them (in order, then / 3), without
    # NumPy's generic reduction over a 3-long axis (several times slower)
    mean = (region[..., 0] + region[..., 1]) + region[..., 2]
    luma = _blurred(np.divide(mean, np.float32(3.0), out=mean), sigma)[box]
    face = core & (np.arange(core.shape[0])[:, None] < chin)
    if int(np.count_nonzero(face)) < 16:
        return np.ones(core.shape, np.float32), 0.0
    ref = max(float(np.median(luma[face])), 1.0)
    out: np.ndarray = np.clip(luma / ref, 0.0, 1.0).astype(np.float32)
    return out, ref


def _blurred(plane: np.ndarray, sigma: float) -> np.ndarray:
    """``plane`` (HxW float32) blurred over ``sigma`` px, on a copy reduced by the whole
    number of :data:`LIT_SIGMA` px in ``sigma`` (block means, brought back bilinearly) when
    that is more than 1: a wide blur of a smooth field needs no full resolution (at
    1080x1320, sigma 18 px: 4 times reduced, 8 times cheaper)."""
    k = int(sigma // LIT_SIGMA)
    if k <= 1:
        out: np.ndarray = cv2.GaussianBlur(plane, (0, 0), sigma)
        return out
    grid = geo.WorkGrid((plane.shape[0], plane.shape[1]), k)
    return grid.up(cv2.GaussianBlur(grid.down(plane), (0, 0), sigma / k))


def _blur_box(box: tuple[slice, slice], shape: tuple[int, ...], sigma: float) -> (
        tuple[slice, slice]):
    """``box`` grown by the reach of a Gaussian blur of ``sigma`` (OpenCV's float kernel:
    about 4 sigma a side) and clipped to ``shape``, its left edge moved left to a multiple
    of 16 columns: OpenCV filters a row 8 (or 16) floats at a time from its first column and
    the leftover columns one at a time, which rounds differently, so the blurred box equals
    the whole image's blurred there bit for bit only when its columns fall in the same
    groups (and its right edge is the image's, or far enough away)."""
    ys, xs = box
    reach = (round(sigma * 8 + 1) | 1) // 2 + 2
    x0 = max(0, xs.start - reach) // 16 * 16
    return (slice(max(0, ys.start - reach), min(shape[0], ys.stop + reach)),
            slice(x0, min(shape[1], xs.stop + reach)))


Box = tuple[slice, slice]


def _inside(box: Box, outer: Box) -> Box:
    """``box`` (slices of an image) as slices of its crop ``outer``, which holds it."""
    return (slice(box[0].start - outer[0].start, box[0].stop - outer[0].start),
            slice(box[1].start - outer[1].start, box[1].stop - outer[1].start))


def _placed(box: Box, outer: Box) -> Box:
    """``box`` (slices of the crop ``outer`` of an image) as slices of the image."""
    return (slice(box[0].start + outer[0].start, box[0].stop + outer[0].start),
            slice(box[1].start + outer[1].start, box[1].stop + outer[1].start))


def _union(a: Box, b: Box) -> Box:
    return (slice(min(a[0].start, b[0].start), max(a[0].stop, b[0].stop)),
            slice(min(a[1].start, b[1].start), max(a[1].stop, b[1].stop)))


def forehead_skin(img: np.ndarray, points: np.ndarray) -> tuple[float, tuple[float, ...]]:
    """The forehead of the face ``points`` in ``img`` (the face oval drawn 0.9 times its
    size about its centre, above the brows): its mean luma (channel mean, 0..255; 0 when it
    has no pixels) and its :func:`texture_levels`."""
    crop, forehead = _forehead(img, points)
    light = float(crop[forehead].astype(np.float32).mean()) if forehead.any() else 0.0
    return light, texture_levels(crop, forehead.astype(np.float32))


def _forehead(img: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A crop of ``img`` around the forehead of :func:`forehead_skin` and the forehead
    there (bool)."""
    oval = points[list(lm.FACE_OVAL)]
    centre = oval.mean(axis=0)
    inner = centre + (oval - centre) * 0.9
    brow = float(points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min())
    x0, y0 = np.floor(inner.min(axis=0)).astype(int) - 9
    x1, y1 = int(np.ceil(inner[:, 0].max())) + 9, int(brow) + 9
    roi = geo.Roi(max(0, x0), max(0, y0), min(img.shape[1], x1), min(img.shape[0], y1))
    crop, local = img[roi.slices], inner - roi.offset
    forehead = (polygon_mask(local, crop.shape) > 0.5) & (
        np.arange(crop.shape[0])[:, None] < brow - roi.y0)
    return crop, forehead


def shave_beard(img: np.ndarray, points: np.ndarray, person: np.ndarray,
                placed: np.ndarray | UserJaw | None = None) -> np.ndarray:
    """:func:`shave_beard_painted`'s image alone."""
    return shave_beard_painted(img, points, person, placed)[0]


def shave_beard_painted(img: np.ndarray, points: np.ndarray, person: np.ndarray,
                        placed: np.ndarray | UserJaw | None = None) -> tuple[
                            np.ndarray, NotSkin | None]:
    """``img`` with the full beard of the face ``points`` painted over with skin, as a new
    array; ``img`` itself when the face has none. ``person``: the person probability of
    the whole image at any reduced size (e.g. from the segmenter). ``placed``: the landmarks
    (478x2, ``img`` pixels) of the face the swap will put there, its outline moved from the
    template's (:func:`~.core.target_landmarks`): the painted face and neck follow its jaw
    (the template's outline under the mouth is its beard's), the rest is left as it is; or a
    :class:`UserJaw`: those landmarks and the shadow the user's jaw casts on their neck,
    which the painted neck takes under the placed jaw line (:func:`_user_shade`). And what
    of the paint is no skin (the backdrop and the clothes continued, not the painted face and
    neck: :class:`~.tone.NotSkin`), which the re-toning leaves out; None when nothing was
    painted."""
    jaw = placed if isinstance(placed, UserJaw) or placed is None else UserJaw(placed)
    work = _work(img, points, max(DROP, CLOTHES_BAND[1]) + 0.1,
                 None if jaw is None else jaw.placed, None if jaw is None else jaw.shadow)
    on_grid, skin = _person_on(work, person, img.shape), _skin(work)
    if not _has_hair(work, skin, SHAVE_SHARE):
        return img, None  # the chin is skin: no beard (and no clothes to find)
    # the clothes' colours tell the beard (and a collar's opening) from them: found once
    clothes = _clothes(work.lab, on_grid, work)
    beard = _beard(work, on_grid, skin, clothes)
    if not beard.any():
        return img, None
    # a hanging beard's collar opening: the template's own neck there is painted too, the
    # user's neck going on down in it
    collar = _collar(work, beard, on_grid, skin)
    notch = _notch(work, beard, on_grid, clothes) if collar is not None else None
    paint, skin_share = _painted(work, beard, on_grid, skin, collar, notch, clothes)
    if notch is not None:
        beard = beard | (cv2.dilate(notch.view(np.uint8), _disc(0.03 * work.scale)) > 0)
    soft = max(0.5, 0.02 * work.scale)
    weight = cv2.GaussianBlur(beard.astype(np.float32), (0, 0), soft)
    # beside the skin the paint (the backdrop or clothes continued) covers the found beard's
    # edge whole: its soft edge lies on the pixels past it, not on the beard's last hairs,
    # which, a tenth or so left in, drew the old beard's outline as a grey line on the
    # backdrop beside a narrower user's jaw (Byron Donalds, Maxwell Frost). Below the mouth's
    # corners, under the ears' lobes: an ear's rim, skin and backdrop mixed, is no skin to
    # the cheeks' model either, and painted over, the ears' re-toning lightened it into a
    # pale blue streak between the ear and the cheek
    rows = np.arange(beard.shape[0])[:, None]
    past = cv2.dilate(beard.view(np.uint8), _disc(EDGE_PAST * soft)).view(bool) & (
        skin < NOT_SKIN) & (rows > float(work.points[[lm.MOUTH_RIGHT, lm.MOUTH_LEFT], 1].max()))
    beyond = cv2.GaussianBlur((beard | past).astype(np.float32), (0, 0), soft)
    weight = np.maximum(weight, beyond * (1.0 - skin_share))
    up_w = work.grid.up(weight)
    # only the pixels the paint reaches change (and the texture's band split looks
    # BOX_MARGIN px around them): the full-resolution steps run on that box of the work
    # region, the painted skin's light (:func:`_lit`) on the painted skin's box and the
    # reach of its blur around it
    box = mask_box(up_w, BOX_MARGIN, 0.0)
    up_w, skin_up = up_w[box], work.grid.up(skin_share)[box]
    # the painted skin is smooth at every fine scale: it gets the forehead's two finest bands
    # (noise in the coarsest one mottled the paint like a beard), measured away from the
    # paint's edges, where the step to the old pixels is
    painted_skin = up_w * skin_up
    core = cv2.erode((painted_skin > 0.9).view(np.uint8), _disc(3.0)) > 0
    skin_box = mask_box(painted_skin, 0, 0.0)
    sigma = max(GRAIN_BLUR * work.scale * work.grid.k, 1.0)
    lit_box = _blur_box(_placed(skin_box, box), (work.roi.h, work.roi.w), sigma)
    outer = _union(box, lit_box)
    out = img.copy()
    region = out[work.roi.slices][outer].astype(np.float32)
    part = region[_inside(box, outer)]
    part += (work.grid.up(paint)[box] - part) * per_channel(up_w)
    lit, light = np.zeros_like(painted_skin), 0.0
    if painted_skin[skin_box].size:
        chin = float(points[lm.CHIN, 1]) - work.roi.y0 - box[0].start - skin_box[0].start
        lit[skin_box], light = _lit(region[_inside(lit_box, outer)], core[skin_box], chin,
                                    sigma, _inside(_placed(skin_box, box), lit_box))
    # the forehead's grain is that of its own light: a bald head in the studio light is
    # lighter than the face under it, and its coarser band, added as it is, was 1.6-1.9
    # times the user's cheeks' (0.7-2.8 px, relative to the light) in the throat once
    # re-toned, a coarse speckle (Bennie Thompson). Taken down by the square root of the
    # lights' ratio (the finest band's noise shows in it too) it is 0.8-1.0 of theirs (by
    # the full ratio 0.7-0.8); the finest band, taken down too, made the neck smooth and
    # raised the bench's BRISQUE by 1 on the bearded templates' pairs
    forehead_luma, levels = forehead_skin(img, points)
    dim = min(1.0, light / max(forehead_luma, 1.0)) if light > 0 else 1.0
    fine, mid = levels[:2]
    skin_texture = (fine, mid * math.sqrt(dim), 0.0)
    part = match_texture(part, painted_skin * lit, skin_texture,
                         measure=(core & (lit > 0.9)).astype(np.float32))
    # the backdrop and the clothes continued beside and under the throat are smooth too:
    # they get the photo's own noise, measured where the beard was not
    rest = up_w * (1.0 - skin_up)
    clear = work.grid.up((cv2.dilate(beard.view(np.uint8), _disc(0.1 * work.scale)) == 0)
                         .astype(np.float32))
    target = noise_level(img[work.roi.slices], clear)
    # and the clothes continued up (smoothed along their columns) were softer at the pixel
    # scale than the jacket and shirt around them (BRISQUE's local statistic 0.12 against
    # 0.21 on Bennie Thompson's own clothes): they are sharpened towards the crispness of the
    # photo's clothes away from the beard (0.15-0.17; before the noise, which would be
    # sharpened too): the bench's BRISQUE -0.8 on average on his pairs
    dressed = work.grid.up(on_grid.astype(np.float32))
    worn = clear * work.grid.up((on_grid & (skin < NOT_SKIN)).astype(np.float32))
    part = match_crispness(part, rest * dressed[box], crispness(img[work.roi.slices], worn),
                           rest * dressed[box])
    part = match_noise(part, rest, target, measure=(rest > 0.9).astype(np.float32), seed=1,
                       blur=PHOTO_GRAIN)
    out[work.roi.slices][box] = np.clip(np.rint(part), 0, 255).astype(np.uint8)
    at = (slice(work.roi.y0 + box[0].start, work.roi.y0 + box[0].stop),
          slice(work.roi.x0 + box[1].start, work.roi.x0 + box[1].stop))
    rest = np.array(rest, np.float32)
    _sideburns(out, points, person, work, beard, at, rest)
    return out, NotSkin(at, rest)


def _sideburns(img: np.ndarray, points: np.ndarray, person: np.ndarray, work: _Work,
               beard: np.ndarray, at: Box, rest: np.ndarray) -> None:
    """The beard's sideburns painted over in ``img`` (the shaved template, HxWx3 uint8,
    changed in place): where a beard goes on up the face's sides between the cheek and the
    ear, from the ears' tops (:data:`SIDEBURN_TOPS`) down past their lobes, the pixels
    in a band :data:`SIDEBURN_REACH` eye distances outside the face oval (and
    :data:`SIDEBURN_INSIDE` inside it) that are on the person, not skin-coloured like the
    cheeks and darker than them (:data:`SIDEBURN_DARK`), in pieces that hang together with
    the found ``beard`` (the grid's, :func:`_beard`), get what is nearer around them carried
    in: the skin (the cheek's, the ear's, the neck's) or the backdrop (the photo's, or the
    paint's: ``rest``, the paint that is no skin over the slices ``at`` of the image, which
    takes the backdrop painted here too, HxW float32, changed in place), with the photo's
    noise. The beard's zone (:func:`_zone`) ends at the oval's edge above the jaw line: that
    stubble was left, and beside a new face a dark strip between its cheek and the ear read
    as a seam (Hakeem Jeffries, Ami Bera for lighter users). The head's hair is kept: above
    the ears' tops it is not looked at (the paint fades in under them over
    :data:`SIDEBURN_FADE`), and where it reaches on out past the band (over the ears,
    :data:`SIDEBURN_HAIR`) it is left. ``person``: the person probability at any reduced size of the
    image."""
    s = max(face_scale(points), 8.0)
    oval = points[list(lm.FACE_OVAL)]
    h, w = img.shape[:2]
    top = float(points[list(SIDEBURN_TOPS), 1].min())
    # down to the lobes, fading out under them: below, no ear is beside the face, and the
    # beard's edge there is the zone's (:func:`_zone`); the face's own skin carried out past
    # the oval there drew skin-coloured lumps on the backdrop (Maxwell Frost)
    lobe = float(points[list(SIDEBURN_LOBES), 1].max())
    bottom = lobe + SIDEBURN_FADE * s
    reach = SIDEBURN_REACH * s
    roi = geo.Roi(max(0, int(oval[:, 0].min() - reach) - 2), max(0, int(top)),
                  min(w, int(oval[:, 0].max() + reach) + 3), min(h, int(bottom) + 2))
    cheeks = work.cheeks > 0.5
    if roi.w < 3 or roi.h < 3 or not cheeks.any():
        return
    crop = img[roi.slices]
    d = _from_jaw(polygon_mask(oval - roi.offset, crop.shape) > 0.5, s)
    fy, fx = person.shape[0] / h, person.shape[1] / w
    sub = person[int(roi.y0 * fy):max(int(roi.y0 * fy) + 1, math.ceil(roi.y1 * fy)),
                 int(roi.x0 * fx):max(int(roi.x0 * fx) + 1, math.ceil(roi.x1 * fx))]
    on = cv2.resize(sub.astype(np.float32), (roi.w, roi.h)) > 0.5
    model = work.skin[0]
    likelihood = model.likelihood_of(model.pixels(crop))
    cheek = float(np.median(work.img[cheeks].astype(np.float32).mean(axis=1)))
    hairy = ((d > -SIDEBURN_INSIDE) & on & (likelihood < NOT_SKIN)
             & (crop.astype(np.float32).mean(axis=2) < SIDEBURN_DARK * cheek))
    found = hairy & (d < SIDEBURN_REACH)
    # the paint that is no skin (the backdrop continued beside a narrower jaw) where it
    # meets this box
    painted = np.zeros(crop.shape[:2], np.float32)
    met = geo.overlap(roi.slices, at)  # (this box's slices, the paint's)
    if met is not None:
        painted[met[0]] = rest[met[1]]
    # the beard found on the grid, at full size where it meets this box
    seed = np.zeros(crop.shape[:2], bool)
    on_beard = geo.overlap(roi.slices, work.roi.slices)
    if on_beard is not None:
        seed[on_beard[0]] = (work.grid.up(beard.astype(np.float32)) > 0.5)[on_beard[1]]
    burns = touching(found, cv2.dilate(seed.view(np.uint8), _disc(3.0)) > 0)
    # the head's hair over the ears goes on out past the band, a sideburn's stubble ends at
    # the ear: the rows where the hair reaches on out are left (painted, a grey mane's ends
    # beside the ear were a pale smear between skin and backdrop, Ami Bera)
    beyond = (d >= SIDEBURN_REACH) & (d < SIDEBURN_REACH + SIDEBURN_HAIR)
    middle = max(0, min(roi.w, round(float(points[lm.NOSE_TIP, 0]) - roi.x0)))
    for side in (slice(0, middle), slice(middle, roi.w)):
        share = np.count_nonzero((hairy & beyond)[:, side], axis=1) / np.maximum(
            np.count_nonzero(beyond[:, side], axis=1), 1)
        burns[:, side] &= (share < 0.5)[:, None]
    if not burns.any():
        return
    grown = cv2.dilate(burns.view(np.uint8), _disc(0.03 * s)) > 0
    back = (~on | (painted > 0.5)) & ~grown
    skin = (likelihood > 0.5) & on & (painted < 0.5) & ~grown
    if np.count_nonzero(skin) < 16:
        return
    part = crop.astype(np.float32)
    # outside the oval only the skin outside it (the ear's, the neck's) goes on: the face's
    # own, carried out past the jaw, drew ragged skin blobs on the backdrop beside a
    # narrower user's jaw (Maxwell Frost)
    out = d > 0.0
    outer, inner = skin & out, skin & ~out
    paint = carry_in(part, inner.astype(np.float32))
    if outer.any():
        paint[out] = carry_in(part, outer.astype(np.float32))[out]
    to_back: np.ndarray = np.zeros(crop.shape[:2], np.float32)
    if back.any():
        # the nearer of the two, as beside the throat (:func:`_surroundings`)
        d_back = cv2.distanceTransform((~back).view(np.uint8), cv2.DIST_L2, 3)
        d_skin = np.where(out, cv2.distanceTransform((~outer).view(np.uint8), cv2.DIST_L2, 3),
                          cv2.distanceTransform((~inner).view(np.uint8), cv2.DIST_L2, 3))
        to_back = cv2.GaussianBlur((d_back < d_skin).astype(np.float32), (0, 0), 1.0)
        paint += (carry_in(part, back.astype(np.float32)) - paint) * per_channel(to_back)
    weight = np.maximum(cv2.GaussianBlur(grown.astype(np.float32), (0, 0), max(0.5, 0.01 * s)),
                        burns.astype(np.float32))
    rows = np.arange(roi.y0, roi.y1, dtype=np.float32)[:, None]
    weight *= np.clip(np.minimum(rows - top, bottom - rows) / (SIDEBURN_FADE * s), 0.0, 1.0)
    part += (paint - part) * per_channel(weight)
    part = match_noise(part, weight, noise_level(crop, skin.astype(np.float32)), seed=2,
                       blur=PHOTO_GRAIN)
    img[roi.slices] = np.clip(np.rint(part), 0, 255).astype(np.uint8)
    # the backdrop painted here is no skin to the re-toning either (within the paint's box)
    if met is not None:
        rest[met[1]] = np.maximum(rest[met[1]], (weight * to_back)[met[0]])


SHADOW_BINS = (-0.08, 0.4, 0.04)  # eye distances from the jaw line (outside positive): the
                            # user's jaw shadow is measured in bins of this range and step
SHADOW_COLUMN = 0.25        # eye distances either side of the chin's column it is measured in
SHADOW_HUE = 0.035          # a pixel whose red share is at least the lower face's less this,
                            # its green share at most the face's plus this, and no lighter
                            # than SHADOW_LIGHT times the face: skin (skin in shadow is
                            # redder; a collar, a tie, the backdrop are not)
SHADOW_LIGHT = 1.2
SHADOW_DEPTH = 0.35         # the painted neck takes this share of the user's measured
                            # darkening (in full, the bench's colour jump at the jaw rose by
                            # 6 CIEDE2000 and BRISQUE by 2.5 on the bearded templates' pairs,
                            # and a neck in shadow all the way down read as a dark band; at 0.6
                            # BRISQUE rose by 0.6; drawn through the inverse of the tone curve,
                            # to come out at this share after the re-toning, it came out
                            # deeper still and grey)
SHADOW_ONSET = 0.04         # eye distances inside the jaw line the shadow starts at, reaching
                            # the first bin outside it by that bin's centre (from the line
                            # itself its edge, under the chin, was a band of coarse detail:
                            # 1.3-1.46 times the cheeks' relative to its light, Andy Kim)
SHADOW_RANGE = (0.25, 1.0)  # the measured lightness ratios are kept within this


@dataclass(frozen=True)
class UserJaw:
    """What the shave takes from the user whose face goes in: the landmarks that face will
    have (478x2, template pixels; :func:`~.core.swap_region`) and the shadow their jaw
    casts on their neck (:func:`jaw_shadow`; None when it could not be measured)."""

    placed: np.ndarray
    shadow: np.ndarray | None = None


def _from_jaw(face: np.ndarray, scale: float) -> np.ndarray:
    """HxW float32: each pixel's signed distance from the edge of ``face`` (HxW bool, a face
    oval), in eye distances ``scale``: positive outside it, negative inside."""
    out: np.ndarray = (cv2.distanceTransform((~face).view(np.uint8), cv2.DIST_L2, 3)
                       - cv2.distanceTransform(face.view(np.uint8), cv2.DIST_L2, 3)) / scale
    return out


def jaw_shadow(img: np.ndarray, points: np.ndarray) -> np.ndarray | None:
    """The lightness of the neck just under the jaw of the face ``points`` in ``img`` (HxWx3
    uint8 RGB, a user photo), as a share of the lower face's, by distance from the jaw line
    (the face oval; :data:`SHADOW_BINS`, the bins' centres in eye distances), in the chin's
    column (:data:`SHADOW_COLUMN`): the median luma of the skin-coloured pixels
    (:data:`SHADOW_HUE`) of each bin over that of the face 0.1-0.3 eye distances inside the
    jaw line. A bin with too little skin (a collar, the photo's edge) and every bin after it
    takes the last measured share; None when the first two bins have too little skin."""
    s = max(face_scale(points), 8.0)
    h, w = img.shape[:2]
    cx = float(points[lm.CHIN, 0])
    top = float(points[[lm.MOUTH_RIGHT, lm.MOUTH_LEFT], 1].mean())
    roi = geo.Roi(max(0, int(cx - SHADOW_COLUMN * s) - 1), max(0, int(top)),
                  min(w, int(cx + SHADOW_COLUMN * s) + 2),
                  min(h, int(points[lm.CHIN, 1] + (SHADOW_BINS[1] + 0.1) * s)))
    if roi.w < 3 or roi.h < 3:
        return None
    crop = img[roi.slices].astype(np.float32)
    d = _from_jaw(polygon_mask(points[list(lm.FACE_OVAL)] - roi.offset, crop.shape) > 0.5, s)
    luma = crop.mean(axis=2)
    chroma = crop[..., :2] / np.maximum(crop.sum(axis=2), 1.0)[..., None]
    lower = (d > -0.3) & (d < -0.1)
    if int(np.count_nonzero(lower)) < 10:
        return None
    hue = np.median(pixels_at(chroma, lower), axis=0)
    ref = float(np.median(luma[lower]))
    if ref < 8.0:
        return None
    skin = ((chroma[..., 0] >= hue[0] - SHADOW_HUE) & (chroma[..., 1] <= hue[1] + SHADOW_HUE)
            & (luma <= SHADOW_LIGHT * ref))
    start, stop, step = SHADOW_BINS
    out: list[float] = []
    for a in np.arange(start, stop - 1e-6, step):
        band = (d >= a) & (d < a + step)
        kept = band & skin
        if int(np.count_nonzero(kept)) < max(5, 0.4 * int(np.count_nonzero(band))):
            break
        out.append(float(np.clip(np.median(luma[kept]) / ref, *SHADOW_RANGE)))
    first = round(-start / step)  # the bins outside the jaw line begin here
    if len(out) < first + 2:
        return None
    n = round((stop - start) / step)
    return np.array(out + [out[-1]] * (n - len(out)), np.float32)
