"""Classical face swap: the user's face into one template face, keeping the template's
lighting and scene.

Steps (all inside a region of interest around the template face):
1. align the user's mesh to the template's with a similarity on stable points;
2. target landmarks: the user's inner features, and an outline moved from the template's
   toward the user's by ``warp`` (WarpRadio);
3. re-warp the template around the new outline (thin-plate spline, anchored outside the face);
4. warp the user's face onto the target landmarks (piecewise affine over the mesh);
5. relight: user detail x (template skin shading / user skin shading), both estimated by a
   skin-only normalised blur so features never leak into the lighting;
6. mask: the oval with the upper forehead lowered, cut back where the user's pixels are not
   skin (hair, glasses frames) and where the template's face is occluded (its hair);
7. Laplacian-pyramid blend;
8. the template's forehead above the blend (up to its hairline) gets the user's forehead
   texture (:mod:`.forehead`).

Images are HxWx3 float32 RGB 0..255 unless stated; landmarks 478x2 float32 pixels.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.blend import (
    feather,
    laplacian_blend,
    laplacian_blend_u8,
    mask_box,
    per_channel,
    scale_channels,
)
from ...imaging.color import masked_blur
from ...imaging.fill import fill_thin
from ...imaging.regions import dilate_disc, dilate_field, disc, erode_disc, pixels_at, touching
from ...perception import landmarks as lm
from ...perception.graphs import alongside
from ...perception.masks import (
    FaceRegions,
    above_brows,
    cheek_mask,
    face_regions,
    polygon_mask,
    row_ramp,
    swap_polygon,
)
from .beard import bearded, lower_face, lower_face_cut
from .forehead import SwapFields, forehead_source, texture_forehead
from .tone import local_skin_model
from .types import SwapOptions
from .warps import (
    geo_scale,
    hull_box,
    mirror_fill,
    outline_maps,
    user_raster,
    warp_template,
    warp_user,
)

ALIGN = (33, 133, 362, 263, 168, 6, 1, 61, 291)
T = TypeVar("T")
EYE_POINTS = tuple(sorted({*lm.RIGHT_EYE, *lm.LEFT_EYE, *range(468, 478)}))
MOUTH_POINTS = tuple(sorted({*lm.LIPS_OUTER, *lm.LIPS_INNER}))


@dataclass(frozen=True)
class SwapOutput:
    """Result of one swap: the full template-sized image and where the face went."""

    image: np.ndarray          # HxWx3 RGB 0..255, float32 or uint8 like the template
    points: np.ndarray         # 478x2 landmarks of the new face in template pixels
    mask: np.ndarray           # HxW float32 blend weight of the new face (full image)
    roi: geo.Roi
    user_maps: geo.Maps        # for each ROI pixel, where it was sampled in the user image


def target_landmarks(t_pts: np.ndarray, u_pts: np.ndarray, warp: float,
                     hidden_jaw: bool = False) -> np.ndarray:
    """Landmarks of the result face: user's aligned inner features, outline blended by warp
    (with ``hidden_jaw``, by :func:`jaw_warp` of it: the user's jaw below the cheeks)."""
    m = geo.similarity(u_pts[list(ALIGN)], t_pts[list(ALIGN)])
    aligned = geo.transform(u_pts, m)
    oval = list(lm.FACE_OVAL)
    amount = jaw_warp(t_pts, warp) if hidden_jaw else np.float32(warp)
    aligned[oval] = t_pts[oval] + amount * (aligned[oval] - t_pts[oval])
    return aligned


def jaw_warp(t_pts: np.ndarray, warp: float) -> np.ndarray:
    """Per outline point (len(FACE_OVAL) x 1 float32): ``warp`` down to the cheeks' line
    (the ear points), rising to 1 at the mouth corners' height and below."""
    oval = t_pts[list(lm.FACE_OVAL)]
    top = 0.5 * float(t_pts[lm.RIGHT_CHEEK, 1] + t_pts[lm.LEFT_CHEEK, 1])
    low = 0.5 * float(t_pts[lm.MOUTH_RIGHT, 1] + t_pts[lm.MOUTH_LEFT, 1])
    ramp = np.clip((oval[:, 1] - top) / max(low - top, 1.0), 0.0, 1.0)
    return np.asarray(warp + (1.0 - warp) * ramp, np.float32)[:, None]


def keep_template_parts(target: np.ndarray, t_pts: np.ndarray, eyes: bool,
                        mouth: bool) -> np.ndarray:
    """Move eye and/or mouth landmarks of ``target`` back to the template's (model 5)."""
    out = target.copy()
    if eyes:
        out[list(EYE_POINTS)] = t_pts[list(EYE_POINTS)]
    if mouth:
        out[list(MOUTH_POINTS)] = t_pts[list(MOUTH_POINTS)]
    return out


@dataclass(frozen=True)
class TemplateMaps:
    """The outline warp of a swap's template region: thin-plate spline maps, or None where
    the outline does not move. It depends only on the landmarks, so it can be computed
    while the template is still being re-toned."""

    maps: geo.Maps | None


def template_maps(shape: tuple[int, ...], t_pts: np.ndarray, u_pts: np.ndarray,
                  opts: SwapOptions) -> TemplateMaps:
    """The :class:`TemplateMaps` of :func:`swap_face` for the same arguments."""
    target, roi, _ = swap_region(shape, t_pts, u_pts, opts)
    return TemplateMaps(outline_maps(t_pts - roi.offset, target - roi.offset, (roi.h, roi.w)))


def _template_warp(t_roi: np.ndarray, t_local: np.ndarray, r_local: np.ndarray,
                   ahead: TemplateMaps | None = None) -> tuple[np.ndarray, geo.Maps | None]:
    """The template region (HxWx3) warped so its outline ``t_local`` moves to ``r_local``
    (``ahead``: those maps computed ahead), and the maps (None: unchanged, ``t_roi``
    itself)."""
    maps = ahead.maps if ahead is not None else outline_maps(t_local, r_local, t_roi.shape)
    return warp_template(t_roi, maps), maps


def template_shape(shape: tuple[int, ...], t_pts: np.ndarray, u_pts: np.ndarray,
                   opts: SwapOptions, maps: TemplateMaps | Future[TemplateMaps]) -> (
        TemplateShape):
    """The template half's landmark fields of :func:`swap_face` for the same arguments
    (``maps``: its :func:`template_maps`, or a future of it)."""
    target, roi, grid = swap_region(shape, t_pts, u_pts, opts)
    t_maps = computed_ahead(maps, template_maps, shape, t_pts, u_pts, opts).maps
    return _template_shape(grid, t_pts - roi.offset, t_maps, target - roi.offset, opts)


def _occlusion_cut(img: np.ndarray, cheeks: np.ndarray, features: np.ndarray,
                   scale: float, dark: np.ndarray | None = None) -> np.ndarray:
    """1 where ``img`` is clearly not skin (compared with its cheeks) outside the (dilated)
    feature regions (``img`` RGB, uint8 or float 0..255: converted to uint8 once; ``dark``:
    its :func:`_much_darker` when already known)."""
    return _drop_specks(_not_skin(img, cheeks, features, dark), scale)


def _not_skin(img: np.ndarray, cheeks: np.ndarray, features: np.ndarray,
              dark: np.ndarray | None = None) -> np.ndarray:
    """hxw 0..1 per pixel, before :func:`_drop_specks`: how clearly ``img`` is not skin
    (compared with its cheeks) outside the (dilated) feature regions (see
    :func:`_occlusion_cut`)."""
    img = img if img.dtype == np.uint8 else np.clip(img, 0, 255).astype(np.uint8)
    model = local_skin_model(img, cheeks)
    dark = _much_darker(img, cheeks) if dark is None else dark
    non_skin = np.maximum(1.0 - model.likelihood(img, scale=2.5, bright_scale=6.0), dark)
    out: np.ndarray = np.clip(non_skin * 1.6 * (1.0 - np.clip(features * 1.5, 0, 1)), 0, 1)
    return out


def _much_darker(img: np.ndarray, cheeks: np.ndarray, lab: np.ndarray | None = None) -> (
        np.ndarray):
    """0..1: pixels far darker (L*) than the cheeks, as hair is even when its hue is skin-like;
    ramps from 18 to 28 L* below the cheeks' median (``lab``: :func:`_lab_u8` of ``img``
    when already known)."""
    light = (_lab_u8(img) if lab is None else lab)[..., 0].astype(np.float32) * (100.0 / 255.0)
    return _below_cheeks(light, cheeks, 18.0, 10.0)


def _much_bluer(img: np.ndarray, cheeks: np.ndarray, lab: np.ndarray | None = None) -> (
        np.ndarray):
    """0..1: pixels far bluer (b*) than the cheeks, as a blue or grey backdrop is where it
    meets the jaw and skin in shadow never is (it stays warm); ramps from 16 to 24 b* below
    the cheeks' median (``lab``: as for :func:`_much_darker`)."""
    blue = (_lab_u8(img) if lab is None else lab)[..., 2].astype(np.float32)
    return _below_cheeks(blue, cheeks, 16.0, 8.0)


def _lab_u8(img: np.ndarray) -> np.ndarray:
    """OpenCV's 8-bit Lab of an RGB image (float input clipped and truncated to uint8)."""
    u8 = img if img.dtype == np.uint8 else np.clip(img, 0, 255).astype(np.uint8)
    lab: np.ndarray = cv2.cvtColor(u8, cv2.COLOR_RGB2Lab)
    return lab


def _below_cheeks(values: np.ndarray, cheeks: np.ndarray, start: float,
                  ramp: float) -> np.ndarray:
    """0..1 per pixel: how far ``values`` (HxW float32) lie below the cheeks' median (where
    ``cheeks`` > 0.5), ramping from ``start`` to ``start + ramp`` below it; zeros with fewer
    than 10 cheek pixels."""
    sel = cheeks > 0.5
    if sel.sum() < 10:
        return np.zeros(values.shape[:2], np.float32)
    ref = float(np.median(values[sel]))
    out: np.ndarray = np.clip((ref - start - values) / ramp, 0.0, 1.0)
    return out


def _drop_specks(cut: np.ndarray, scale: float) -> np.ndarray:
    """Keep only sizeable occluders: a morphological opening removes specks (pores,
    highlights, shadows) smaller than about a tenth of the eye distance."""
    factor = max(1, int(scale // 40))  # open on a reduced copy: same result, far cheaper
    h, w = cut.shape[:2]
    small: np.ndarray = cut.astype(np.float32)
    if factor > 1:
        small = cv2.resize(small, (max(1, w // factor), max(1, h // factor)),
                           interpolation=cv2.INTER_AREA)
    size = max(3, int(scale * 0.12 / factor) | 1)
    opened = cv2.morphologyEx(small, cv2.MORPH_OPEN, disc(size))
    return opened if factor == 1 else cv2.resize(opened, (w, h), interpolation=cv2.INTER_LINEAR)


def _blend_mask(r_local: np.ndarray, shape: tuple[int, int], opts: SwapOptions,
                scale: float) -> np.ndarray:
    poly = swap_polygon(r_local, opts.forehead_keep, shrink=opts.blend_shrink)
    if opts.hidden_jaw:
        # the template's jaw is painted skin: the user's own jaw line and the shadow under
        # it are taken whole, below the mouth
        whole = swap_polygon(r_local, opts.forehead_keep, shrink=JAW_SHRINK)
        low = whole[:, 1] > _mouth_row(r_local)
        poly[low] = whole[low]
    return polygon_mask(poly, shape, soften=scale * opts.edge_softness)


def _brow_cover(points: np.ndarray, shape: tuple[int, int], scale: float,
                opts: SwapOptions) -> np.ndarray:
    """hxw float32 0..1: each brow of ``points`` grown up by ``opts.brow_cover`` eye
    distances (the hull of its points and of them raised that far), softened as the blend
    outline (grown out on all sides, into the temples, Pete Aguilar's identity distance on
    Ted Lieu rose 0.466 -> 0.471; up only, 0.465). The
    outline's forehead is lowered to just above the brows' highest point (the mesh's oval
    top lies only 0.2-0.3 eye distances above it), so the weight's 0.9 level crossed the
    brows' upper edge and their outer tails: their dark hairs lay at the inside of the
    seam, the template's forehead skin at its outside (judy_chu on sylvia_r_garcia: 16-17
    CIEDE2000 in the two upper sectors, against 1.5-4 on the template)."""
    out = np.zeros(shape[:2], np.float32)
    for ids in (lm.RIGHT_BROW, lm.LEFT_BROW):
        pts = points[list(ids)].astype(np.float32)
        up = np.array([0.0, opts.brow_cover * scale], np.float32)
        hull = cv2.convexHull(np.concatenate([pts, pts - up])).reshape(-1, 2)
        out = np.maximum(out, polygon_mask(hull, shape, soften=scale * opts.edge_softness))
    return out


JAW_SHRINK = 0.945  # the blend outline under the mouth of a hidden jaw (the jaw line's
                    # own pixels mix in the user's neck and backdrop: a dark dotted line at 1)


def _mouth_row(points: np.ndarray) -> float:
    """The row of the mouth corners' line."""
    return float(points[[lm.MOUTH_RIGHT, lm.MOUTH_LEFT], 1].mean())


def _below_mouth(points: np.ndarray, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """hxw float32 0..1 by rows: 1 below the mouth corners' line, softened over 0.1 eye
    distances."""
    return row_ramp(shape, _mouth_row(points), 0.1 * scale)


@dataclass(frozen=True)
class _Fields:
    """Smooth fields of one swap on the working grid: blend weight (before the validity cut)
    and the per-channel relighting ratio."""

    mask: np.ndarray    # hxw float32
    ratio: np.ndarray   # hxwx3 float32
    cut: np.ndarray     # hxw float32: where the template is the blend's foreground: the user's
                        # hair and headwear reaching in (feathered as in ``mask``), the weight
                        # cleared short of the template's hair


@dataclass(frozen=True)
class _UserFields:
    cut: np.ndarray        # grid: where the user's pixels are cut (hair, frames; not a beard)
    shade: np.ndarray      # grid: skin-only low-pass of the user face (hxwx3)
    hair: np.ndarray       # grid: the cut's pieces reaching in from beyond the oval (hair)
    strands: np.ndarray    # grid 0/1: thin hair and shadow the cut's soft edge lets through
    past: tuple[np.ndarray, np.ndarray]  # grid 0..1: the cut and the strands as taken from
                                         # the blend weight (:func:`_past_edge` of each)
    beard: np.ndarray | None = None  # grid 0..1: the lower face of a bearded user (kept whole)


@dataclass(frozen=True)
class UserSide:
    """The half of a swap that depends only on the user face and the landmarks (not on the
    template's pixels), so it can be prepared while the template is still being re-toned."""

    warped: np.ndarray     # region-sized HxWx3 uint8: the user face on the result landmarks
    valid: np.ndarray      # region-sized HxW float32: 1 where the user image was sampled
    maps: geo.Maps         # region pixel -> position in the user image
    fields: _UserFields    # its smooth fields on the working grid


def swap_region(shape: tuple[int, ...], t_pts: np.ndarray, u_pts: np.ndarray,
                opts: SwapOptions) -> tuple[np.ndarray, geo.Roi, geo.WorkGrid]:
    """Landmarks of the result face (478x2, template pixels), the swap region of a template
    of ``shape`` and the working grid over that region."""
    target = target_landmarks(t_pts, u_pts, opts.warp, opts.hidden_jaw)
    target = keep_template_parts(target, t_pts, opts.keep_template_eyes, opts.keep_template_mouth)
    k = geo.work_factor(geo_scale(target))
    roi = geo.trim_roi(geo.roi_around(np.concatenate([t_pts, target]), 1.9, shape), k)
    return target, roi, geo.WorkGrid((roi.h, roi.w), k)


def prepare_user(shape: tuple[int, ...], t_pts: np.ndarray, user: np.ndarray,
                 u_pts: np.ndarray, opts: SwapOptions) -> UserSide:
    """The user half of :func:`swap_face` for a template of ``shape`` (see there)."""
    target, roi, grid = swap_region(shape, t_pts, u_pts, opts)
    r_local = target - roi.offset
    raster = user_raster(r_local, (roi.h, roi.w))
    u_warped, valid, u_maps = warp_user(user, u_pts, r_local, (roi.h, roi.w), raster)
    if opts.mirror_fill > 0:  # the warps are fresh arrays: mixed in place
        u_warped, valid = mirror_fill(u_warped, valid, user, u_pts, r_local, opts.mirror_fill,
                                       geo_scale(target), raster, in_place=True)
    return UserSide(u_warped, valid, u_maps, _user_fields(grid, u_warped, valid, r_local, opts))


def swap_face(template: np.ndarray, t_pts: np.ndarray, user: np.ndarray, u_pts: np.ndarray,
              opts: SwapOptions, prepared: UserSide | Future[UserSide] | None = None,
              in_place: bool = False, ahead: TemplateAhead | None = None,
              on_mask: Callable[[np.ndarray, np.ndarray], object] | None = None) -> SwapOutput:
    """Swap the user's face (landmarks ``u_pts`` in ``user``) into ``template`` at ``t_pts``.

    ``template`` HxWx3 float32 RGB 0..255 or uint8 RGB (already re-toned if wanted; the
    output image has its dtype); ``user`` HxWx3 uint8 RGB, ideally pre-scaled to the template
    face's size. Masks and relighting are computed on
    a working grid (:func:`~portrait_studio.imaging.geometry.work_grid`) and upsampled; the
    warps, the relit face texture and the blend are full resolution. ``prepared``: the result
    of :func:`prepare_user` for the same arguments (or a future of it, awaited only once the
    template half is done); with ``in_place`` the result is written into ``template``;
    ``ahead``: the template half's landmark-only steps queued on another thread;
    ``on_mask``: called with the result landmarks and the full blend weight (those of the
    output) as soon as they are known, before the blend itself (to start work that needs
    only them on another thread).
    """
    target, roi, grid = swap_region(template.shape, t_pts, u_pts, opts)
    t_local, r_local = t_pts - roi.offset, target - roi.offset
    args = (template.shape, t_pts, u_pts, opts)
    maps = computed_ahead(None if ahead is None else ahead.maps, template_maps, *args)
    t_warped, _ = _template_warp(template[roi.slices], t_local, r_local, maps)
    if not in_place and np.shares_memory(t_warped, template):
        t_warped = t_warped.copy()  # no outline warp: the blend must not write the input
    # the template half needs only the landmarks of the user half: it is done before waiting
    tshape = computed_ahead(None if ahead is None else ahead.fields, template_shape, *args, maps)
    _erase_brows(t_warped, grid, tshape)
    _erase_eyes(t_warped, grid, tshape)
    t_fields = _template_fields(grid, t_warped, tshape, opts)
    side = computed_ahead(prepared, prepare_user, template.shape, t_pts, user, u_pts, opts)
    fields = _combine_fields(t_fields, side.fields, opts)
    full_mask = np.zeros(template.shape[:2], np.float32)
    ready = None if on_mask is None else (lambda: on_mask(target, full_mask))
    # the forehead texture's user side on the helper thread while the face is blended here
    usr, forehead = (side.warped, side.valid), SwapFields(grid, fields.ratio, side.fields.cut,
                                                          t_fields.cut)
    source = alongside(forehead_source, r_local, usr, forehead, opts.forehead_texture)
    _blend_face(t_warped, full_mask[roi.slices], grid, fields, usr, ready)
    if (found := source()) is not None:  # None: no forehead texture
        texture_forehead(t_warped, full_mask[roi.slices], r_local, usr, forehead,
                         opts.forehead_texture, found)
    out = template if in_place else template.copy()
    out[roi.slices] = t_warped
    return SwapOutput(out, target, full_mask, roi, side.maps)


def computed_ahead(job: T | Future[T] | None, fn: Callable[..., T], *args: Any) -> T:
    """A step computed ahead (``job``: its result, or a future of it queued on another
    thread): its result, or ``fn(*args)`` computed here when it was not given or its thread
    has not started it yet (then it is cancelled there). A queued job taken over is computed
    once per ``fn``: a later caller of the same future with the same ``fn`` (and the same
    ``args``) waits for that result. The outline warp's maps, taken over by the swap, were
    computed again by the landmark fields on the helper thread, which read them from the
    same cancelled future (4 in 10 fusions: 9 ms of CPU each time at 1080x1320)."""
    if job is None:
        return fn(*args)
    if not isinstance(job, Future):
        return job
    with _TAKEN_LOCK:
        claims = _TAKEN.get(job)
        if claims is None and job.cancel():
            claims = _TAKEN[job] = {}
        taken = None if claims is None else claims.get(fn)
        mine = claims is not None and taken is None
        if claims is not None and taken is None:
            taken = claims[fn] = Future()
    if taken is None:  # started or done there (waited for outside the lock)
        return job.result()
    if not mine:
        out: T = taken.result()
        return out
    try:
        result = fn(*args)
    except BaseException as exc:
        taken.set_exception(exc)
        raise
    taken.set_result(result)
    return result


# the queued jobs computed_ahead took over, and the futures of their results there by step
_TAKEN: weakref.WeakKeyDictionary[Future[Any], dict[Callable[..., Any], Future[Any]]] = (
    weakref.WeakKeyDictionary())
_TAKEN_LOCK = threading.Lock()


BLEND_LEVELS = 5
BLEND_MARGIN = 3  # coarsest-level pixels around the weight: the whole-region blend to < 0.5


def _blend_face(canvas: np.ndarray, mask: np.ndarray, grid: geo.WorkGrid, fields: _Fields,
                usr: tuple[np.ndarray, np.ndarray],
                ready: Callable[[], object] | None = None) -> None:
    """Relight the warped user face (``usr`` = (face uint8, validity)) with the upsampled
    ratio and pyramid-blend it into ``canvas`` (the warped template ROI, float32) in place,
    only on the box around where the blend weight is set; writes that weight into ``mask``
    first (then calls ``ready``)."""
    levels = blend_levels(grid.full)
    margin = -(-(BLEND_MARGIN << levels) // grid.k)  # coarsest-level pixels, in grid pixels
    box = grid.full_slices(mask_box(fields.mask, margin))
    if canvas[box].size == 0:
        return
    small = tuple(slice(b.start // grid.k, -(-b.stop // grid.k)) for b in box)
    h, w = box[0].stop - box[0].start, box[1].stop - box[1].start
    weight = cv2.multiply(grid.up(fields.mask[small])[:h, :w], usr[1][box])
    mask[box] = weight
    if ready is not None:
        ready()
    face = usr[0][box].astype(np.float32)  # x ratio: the same products, OpenCV's fast path
    kept = 1.0 - grid.up(fields.cut[small])[:h, :w]
    cv2.multiply(face, grid.up(fields.ratio[small])[:h, :w], dst=face)
    cv2.threshold(face, 255.0, 255.0, cv2.THRESH_TRUNC, dst=face)  # the ratio is >= 0.2
    # outside the warped user face (black there), and where the user's face is occluded (hair
    # cut from the weight), the blend's foreground is the template itself: the pyramid's
    # coarse bands spread the foreground far past the weight, so black there darkened a wide
    # halo around the face (ears, jaw, hairline; up to 17 levels) and the user's fringe left
    # grey smudges on the forehead beside it. (Where only the template's face is occluded the
    # user's face stays the foreground: the template's brows, cut where the user's are not,
    # would come back whole beside the user's.)
    fill = canvas[box].astype(np.float32)
    face = scale_channels(face, kept)
    cv2.add(face, scale_channels(fill, 1.0 - cv2.multiply(usr[1][box], kept)), dst=face)
    if canvas.dtype == np.uint8:
        canvas[box] = laplacian_blend_u8(face, canvas[box], weight, levels)
    else:
        canvas[box] = laplacian_blend(face, canvas[box], weight, levels=levels)


def blend_levels(shape: tuple[int, int]) -> int:
    """Pyramid depth of the blend for a swap region of ``shape`` (as for the whole region)."""
    levels = 0
    while levels < BLEND_LEVELS and min(shape) >> (levels + 1) >= 8:
        levels += 1
    return levels


def _user_fields(grid: geo.WorkGrid, u_warped: np.ndarray, valid: np.ndarray,
                 r_local: np.ndarray, opts: SwapOptions) -> _UserFields:
    """The user's smooth fields on ``grid``: the warped user ROI (uint8), its validity and the
    result landmarks, all at full resolution."""
    # uint8 (integer means): the fields take it as the float copy they would convert back;
    # both images are zero outside the mesh hull's box
    box = hull_box(r_local, valid.shape)
    u_small, valid = grid.down_sparse(u_warped, box), grid.down_sparse(valid, box)
    points = grid.points(r_local)
    shape, scale = grid.small, geo_scale(points)
    regions = _result_regions(points, shape)
    cheeks = cheek_mask(points, shape) * valid
    lab = _lab_u8(u_small)  # converted once: the darker and the bluer pixels read it
    dark = _much_darker(u_small, cheeks, lab)
    raw = _not_skin(u_small, cheeks, regions.features, dark)
    cut = _drop_specks(raw, scale)
    skin = regions.skin * valid * (1.0 - cut)
    shade = masked_blur(u_small, skin, scale * opts.shading_sigma)  # beard or not: skin only
    sockets, inner = _sockets(points, shape, scale), _inner_face(regions.oval, scale)
    has_beard = bearded(cut, points, scale)  # as lower_face_cut judges it
    spared = sockets * (1.0 - _inner_pieces(cut, inner, sockets, scale))
    corners = _mouth_corners(points, shape, scale) * inner
    corners *= 1.0 - _inner_pieces(cut, inner, np.maximum(sockets, corners), scale)
    spared = np.maximum(spared, corners)
    cut = lower_face_cut(cut, dark, points, scale) * _from_outside(cut, inner) * (1.0 - spared)
    # strands as the cut: below the nose only what is far darker than the cheeks (hair, not
    # a shadowed jaw or smile fold) or far bluer (the backdrop beside the jaw: a shadow stays
    # warm); never below the mouth nor in the sockets
    off = np.maximum(dark, _much_bluer(u_small, cheeks, lab))
    raw = lower_face_cut(raw, off, points, scale) * (1.0 - sockets) * valid
    raw *= 1.0 - _below_mouth(points, shape, scale)
    low = lower_face(points, shape, scale)
    band = _edge_band(regions, scale)
    strands = _strands(raw, cut, regions, scale, (off, low > 0.5), band)
    reach = touching(cut > 0.5, regions.oval < 0.5)  # the cut's pieces from beyond the oval
    past = (_edges_past(cut, strands, regions, (spared, low), (band, reach))
            if opts.hair_edge_past else (cut, strands))
    hair = _hair_zone(cut, regions, reach, points, scale)
    return _UserFields(cut, shade, hair, strands, past, low if has_beard else None)


def _edge_band(regions: Any, scale: float) -> np.ndarray:
    """hxw bool: within :data:`STRAND_BAND` eye distances inside the face oval's edge, and
    beyond it (the strands' band)."""
    return ~erode_disc(regions.oval > 0.5, 2 * int(scale * STRAND_BAND) + 1)


def _edges_past(cut: np.ndarray, strands: np.ndarray, regions: Any,
                spared: tuple[np.ndarray, np.ndarray],
                edge: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The cut and the strands (hxw 0..1) as the weight takes them: grown past their edge
    (:func:`_past_edge`: a hair edge's mixed pixels stayed at half weight) only above the
    nose tip, where hair meets the face (lower down, the strands' rim lies on smile folds,
    the cut's edge on the jaw: a headscarf's edge along it), never into the features, the
    sockets or a beard's lower face (``spared``: the sockets and the lower face); the cut
    only by the face's edge and where its piece reaches in from beyond the oval (``edge``:
    the strands' band, :func:`_edge_band`, and the cut's pieces touching the outside of the
    oval, hxw bool): deeper in, or wholly inside the oval, a cut piece is the user's own
    face (a smile fold beside the nose, a crease beyond an eye's corner)."""
    sockets, low = spared
    band, reach = edge
    zone = (1.0 - np.clip(regions.features * 1.5, 0.0, 1.0)) * (1.0 - sockets) * (1.0 - low)
    # with the pieces' soft rims
    hair = cv2.dilate(reach.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return _past_edge(cut, zone * (band & hair)), _past_edge(strands, zone)


def _past_edge(cut: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """``cut`` (hxw 0..1) grown by one grid pixel (a 3x3 grey dilation) in ``zone`` (hxw
    0..1: where it may grow). Feathered, the blend weight stayed at or just above half on
    the pixel beyond the cut's half level, which is the hair's own edge (mixed pixels of a
    lock beside an eye's outer corner, a fringe or headscarf edge at the temple, L* 25-58
    against lighter cheeks), and next to a strand (the fold where Nancy Pelosi's hair meets
    her jowl): 1-4 of the user's hair pixels were pasted at weight 0.50-0.61 in 23 of 629
    benchmark pairs. One grid pixel further out, the template shows there."""
    grown = cv2.dilate(cut, np.ones((3, 3), np.uint8))
    out: np.ndarray = np.maximum(cut, grown * zone)
    return out


def _strands(raw: np.ndarray, cut: np.ndarray, regions: Any, scale: float,
             rim: tuple[np.ndarray, np.ndarray], band: np.ndarray) -> np.ndarray:
    """hxw 0/1: the user's hair that the ``cut`` (hxw 0..1, opened, later feathered) lets
    into the blend at the face's edge: pixels that are clearly not skin one by one (``raw``,
    the cut before :func:`_drop_specks`, limited as the cut is below the nose and 0 where
    nothing may be cut: below the mouth, in the sockets) within :data:`STRAND_BAND` eye
    distances of the face oval's edge (``band``, :func:`_edge_band`) and beyond
    :data:`STRAND_FEATURES` of the features (an eye's outer corner often lies by the
    edge), 8-connected to the cut, and their
    :func:`_rim` (``rim``: hxw 0..1, how much darker or bluer than the cheeks each pixel
    is, and hxw bool, the lower face), grown by 2 pixels. The opening drops strands thinner
    than a tenth of the eye distance, and the cut's soft rim stays above half weight for
    1-3 pixels: the dark strip between the cheek and the hair or the ear, a temple's loose
    strands and the shadowed fold where the hair meets the jowl were pasted (17-104 of
    light-haired Nancy Pelosi's hair pixels per result). The weight is cut under them, so
    the template's own pixels show there."""
    hard = cut > 0.5
    seed = hard & (regions.oval < 0.5)
    if not seed.any():
        return np.zeros(cut.shape, np.float32)
    size = 2 * int(scale * STRAND_FEATURES) + 1
    features = dilate_disc(regions.features > 0.1, size)
    grown = touching(((raw > 0.5) & band & ~features) | hard, seed) & ~hard
    # the rim's zone: the band, below the nose as deep again as the rim (a fold's tip)
    size = 2 * int(scale * (STRAND_BAND + STRAND_RIM)) + 1
    wide = ~erode_disc(regions.oval > 0.5, size)
    zone = np.where(rim[1], wide, band) & (regions.features < 0.5) & (rim[0] > 0.5)
    grown |= _rim(raw > 0.5, hard | grown, zone, scale) & ~hard
    out: np.ndarray = cv2.dilate(grown.astype(np.uint8), np.ones((5, 5), np.uint8))
    return out.astype(np.float32)


def _rim(clear: np.ndarray, cut: np.ndarray, zone: np.ndarray, scale: float) -> np.ndarray:
    """hxw bool: the pixels within :data:`STRAND_RIM` eye distances of ``cut`` (hxw bool:
    the hard cut and its strands) that are clearly not skin (``clear``) in ``zone`` (the
    strands' band, deeper below the nose, features' margins included but not the features
    themselves, where the user's pixel is far darker or bluer than the cheeks: hair, a
    frame's shadow, the backdrop). The feathered cut and strands stay above half weight
    there, and the feature margin and the strands' band stopped the strands short of it: a
    hair lock's edge by an eye's outer corner, the shadow under a frame's end piece at the
    temple, the tip of the dark fold where the hair meets a smiling cheek beside the mouth
    (4-9 of Nancy Pelosi's hair pixels per result, 4-5 of Eleanor Holmes Norton's). Deeper
    in, a cut piece's rim is the user's own face (the crease beyond an eye's outer corner,
    0.3 eye distances in)."""
    size = 2 * max(1, int(np.ceil(scale * STRAND_RIM))) + 1
    near = cv2.dilate(cut.astype(np.uint8), disc(size)) > 0
    out: np.ndarray = near & clear & zone
    return out


STRAND_BAND = 0.25     # eye distances from the oval's edge
STRAND_FEATURES = 0.1  # eye distances from the features
STRAND_RIM = 0.05      # eye distances beyond the cut and strands: the cut's feather radius
STRAND_SOFT = 3.0      # grid pixels: the strands' own feather (still under 0.2 weight on them)


def _sockets(points: np.ndarray, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """hxw 0..1: each eye's socket, the hull of its brow and eye landmarks, softened. The
    shadow between a brow and its eye (deep on a smile) is much darker than the cheeks and
    was cut from the blend weight, joined to the cut beyond the temple: the template's own
    brow and lid showed there beside the user's. The user's own face, never cut."""
    out = np.zeros(shape[:2], np.float32)
    for brow, eye in ((lm.RIGHT_BROW, lm.RIGHT_EYE), (lm.LEFT_BROW, lm.LEFT_EYE)):
        hull = cv2.convexHull(points[[*brow, *eye]].astype(np.float32)).reshape(-1, 2)
        np.maximum(out, polygon_mask(hull, shape, soften=scale * 0.04), out=out)
    return out


MOUTH_CORNER = 0.3  # eye distances round each mouth corner where the user's dark smile pocket
                    # is never cut (it reached 0.29 beside Judy Chu's smiling mouth)


def _mouth_corners(points: np.ndarray, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """hxw 0..1: a disc of :data:`MOUTH_CORNER` eye distances round each mouth corner,
    softened as the sockets. The pocket of shadow beside a smiling mouth's corner is far
    darker than the cheeks (as hair is, the cut's rule below the nose) and joins the face's
    edge along the fold running down to the jaw: it was cut from the blend weight and taken
    as hair reaching in (the template the blend's foreground), so the template's own mouth
    corner showed there beside the new one, a black blob on a shaved template whose
    moustache or smile pocket lay there (Judy Chu on Hakeem Jeffries, Maxwell Frost). The
    user's own face, never cut, unless a piece covers much of the inner face (a hand, a
    lock across the cheek: :func:`_inner_pieces`); the caller keeps the discs to the inner
    face (a headscarf framing a narrow face reaches within them at its edge)."""
    out = np.zeros(shape[:2], np.float32)
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    ring = np.stack([np.cos(angles), np.sin(angles)], 1).astype(np.float32) * (
        MOUTH_CORNER * scale)
    for corner in (lm.MOUTH_RIGHT, lm.MOUTH_LEFT):
        disc_pts = points[corner].astype(np.float32) + ring
        np.maximum(out, polygon_mask(disc_pts, shape, soften=scale * 0.04), out=out)
    return out


def _inner_face(oval: np.ndarray, scale: float) -> np.ndarray:
    """hxw bool: the face ``oval`` eroded by :data:`EDGE_BAND` eye distances."""
    size = 2 * int(scale * EDGE_BAND) + 1
    inner: np.ndarray = erode_disc(oval > 0.5, size)
    return inner


def _from_outside(cut: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """hxw 0/1: the pieces of ``cut`` reaching in from the face's edge (beyond the
    ``inner`` face, :func:`_inner_face`: hair, headwear, a temple's shadow by a frame's
    end piece), grown by 2 grid pixels for their soft rims. A piece wholly inside the inner
    face (a deep smile fold, a shadowed nose tip: much darker than the cheeks) is the user's
    own face and is never cut."""
    reach = touching(cut > 0.5, ~inner).astype(np.uint8)
    out: np.ndarray = cv2.dilate(reach, np.ones((5, 5), np.uint8)).astype(np.float32)
    return out


EDGE_BAND = 0.15


def _inner_pieces(cut: np.ndarray, inner: np.ndarray, sockets: np.ndarray,
                  scale: float) -> np.ndarray:
    """hxw 0/1: the pieces of ``cut`` that cover more than :data:`INNER_AREA` eye distances
    squared of the ``inner`` face (:func:`_inner_face`) outside the sockets: hair falling
    over a brow (a fringe across the forehead), not a socket's shadow, whose piece reaches
    beyond the socket only along the face's edge."""
    hard = (cut > 0.5).astype(np.uint8)
    _, labels = cv2.connectedComponents(hard, connectivity=8)
    counts = np.bincount(labels[inner & (hard > 0) & (sockets < 0.5)],
                         minlength=int(labels.max()) + 1)
    big = np.flatnonzero(counts > INNER_AREA * scale * scale)
    out: np.ndarray = np.isin(labels, big[big > 0]).astype(np.float32)
    return out


INNER_AREA = 0.05


def _hair_zone(cut: np.ndarray, regions: Any, reach: np.ndarray, points: np.ndarray,
               scale: float) -> np.ndarray:
    """The pieces of the user's ``cut`` (grid, 0..1) that reach in from beyond the face oval
    (``reach``: hxw bool, those pieces' pixels) above the mouth's line (hair, a fringe, headwear framing the cheeks), outside the brows
    grown by :data:`BROW_CLEAR` eye distances: where the blend's foreground is the template.
    Kept to above the eyes, a headscarf framing the cheeks stayed the foreground there: the
    pyramid's coarse bands spread its grey over the template's re-toned skin just past the
    weight (Ilhan Omar on Aumua Amata Coleman Radewagen: 4-9 L* darker 2-6 pixels outside
    the blend edge by the cheeks, a dark halo round the new face). Below the mouth, the cut
    beside the face is mostly the user's backdrop, neck shadow and hair beside the jaw,
    whose coarse bands outline the user's own jaw: taken as the template's too, identity
    fell (Alexandria Ocasio-Cortez on the two-person photo 0.593 -> 0.607, Pete Aguilar on
    Ted Lieu 0.465 -> 0.470).
    Not the pieces inside the oval (a deep smile fold is cut as much darker than the cheeks,
    but is the user's own), nor a brow's top edge (often above the mesh's brow, and cut)."""
    size = 2 * int(scale * BROW_CLEAR) + 1
    brows = cv2.dilate((regions.brows > 0.1).astype(np.uint8), disc(size))
    grown = cv2.dilate(reach.astype(np.uint8), np.ones((3, 3), np.uint8)) * (1 - brows)
    above = row_ramp(cut.shape, _mouth_row(points), 0.1 * scale, above=True)
    hair: np.ndarray = cut * grown.astype(np.float32) * above
    return hair


BROW_CLEAR = 0.06


@dataclass(frozen=True)
class _TemplateFields:
    mask: np.ndarray       # blend weight before the occlusion cuts
    cut: np.ndarray        # template occlusion (its hair) and kept template parts, combined
    shade: np.ndarray      # skin-only low-pass of the warped template (hxwx3)
    scale: float           # inter-ocular distance on the grid
    clear: np.ndarray | None = None  # the weight's share kept short of the template's hair,
                                     # jaw shadow, backdrop (:func:`_clear_of_edge`)


@dataclass(frozen=True)
class TemplateAhead:
    """The template half's landmark-only steps of one swap, queued on another thread:
    :func:`template_maps` and :func:`template_shape` for the swap's arguments."""

    maps: Future[TemplateMaps]
    fields: Future[TemplateShape]


@dataclass(frozen=True)
class TemplateShape:
    """The template half's fields on the working grid that depend only on the landmarks."""

    skin: np.ndarray       # template skin, moved by the outline warp
    cheeks: np.ndarray     # template cheek discs, moved likewise
    features: np.ndarray   # eyes, brows, lips and nose of the result face
    above: np.ndarray      # above the result face's brows (softened)
    keep: np.ndarray       # template eyes/mouth to keep (model 5), in result coordinates
    mask: np.ndarray       # blend weight before the occlusion cuts
    scale: float           # inter-ocular distance on the grid
    spared: np.ndarray     # where the blend is never cleared short of the template's hair
                           # (:func:`_clear_of_edge`): the features, a shaved jaw
    brows: np.ndarray | None = None  # hxwx3: the template's brows to paint out, the zone
                                     # around them, its oval (:func:`_template_brows`);
                                     # None: none to paint out or erase_template_brows off
    eyes: np.ndarray | None = None   # hxwx2: the template's eyes to paint out and its oval
                                     # (:func:`_template_eyes`); None: none to paint out


def _template_shape(grid: geo.WorkGrid, t_local: np.ndarray, t_maps: geo.Maps | None,
                    r_local: np.ndarray, opts: SwapOptions) -> TemplateShape:
    """:class:`TemplateShape` from the template landmarks, the outline warp's maps and the
    result landmarks, all at full resolution of the swap region."""
    grid_maps = None if t_maps is None else grid.maps(t_maps)
    t_local = grid.points(t_local)
    points, shape = grid.points(r_local), grid.small
    scale = geo_scale(points)
    t_regions = face_regions(t_local, shape)
    t_skin = t_regions.skin if grid_maps is None else geo.remap(t_regions.skin, grid_maps)
    t_cheeks = cheek_mask(t_local, shape)
    t_cheeks = t_cheeks if grid_maps is None else geo.remap(t_cheeks, grid_maps)
    mask = _blend_mask(points, shape, opts, scale)
    cover = _brow_cover(points, shape, scale, opts) if opts.brow_cover > 0 else None
    if cover is not None:
        mask = np.maximum(mask, cover)
    if opts.inside_template_face:
        # never paste where the untouched template had no face: where the user's outline is
        # wider, the template's own (hair, background) stays, so the seam stays on its skin;
        # but a shaved template's outline under the mouth was its beard's, and the skin
        # painted there goes on below it: a longer chin of the user's is pasted whole
        inside = _blend_mask(t_local, shape, opts, scale)
        if cover is not None:  # the template's forehead is face too, up to its oval's top
            whole = polygon_mask(swap_polygon(t_local, 1.0, shrink=opts.blend_shrink), shape,
                                 soften=scale * opts.edge_softness)
            inside = np.maximum(inside, np.minimum(cover, whole))
        if opts.hidden_jaw:
            inside = np.maximum(inside, _below_mouth(points, shape, scale))
        mask = np.minimum(mask, inside)
    r_regions = _result_regions(points, shape)
    spared = np.clip(r_regions.features * 2.0, 0.0, 1.0)
    if opts.hidden_jaw:  # the user's own jaw line and its shadow, whole (see _blend_mask)
        spared = np.maximum(spared, _below_mouth(points, shape, scale))
    return TemplateShape(t_skin, t_cheeks, r_regions.features,
                          above_brows(points, shape, scale * 0.3),
                          keep_template_region(t_regions, grid_maps, opts), mask, scale,
                          spared,
                          _template_brows(t_regions, geo_scale(t_local), grid_maps, mask,
                                          r_regions) if opts.erase_template_brows else None,
                          _template_eyes(t_regions, geo_scale(t_local), grid_maps, mask,
                                         r_regions) if not opts.keep_template_eyes else None)


def _result_regions(points: np.ndarray, shape: tuple[int, int]) -> FaceRegions:
    """The result face's :func:`~portrait_studio.perception.masks.face_regions` on a swap's
    working grid (``points``: its landmarks there), drawn once for both halves of the swap:
    the user half (:func:`_user_fields`) and the template half (:func:`_template_shape`)
    each drew its features, brows and eyes from the same landmarks. The masks are only
    read. The last :data:`REGIONS_KEPT` faces' are kept."""
    key = (points.tobytes(), tuple(shape[:2]))
    with _REGIONS_LOCK:
        found = _REGIONS.get(key)
        if found is None:
            found = _REGIONS[key] = face_regions(points, shape)
            while len(_REGIONS) > REGIONS_KEPT:
                del _REGIONS[next(iter(_REGIONS))]
    return found


REGIONS_KEPT = 2
_REGIONS: dict[tuple[bytes, tuple[int, ...]], FaceRegions] = {}
_REGIONS_LOCK = threading.Lock()


BROW_REACH = 0.15  # eye distances around them where its darker pixels are brow (a tail curving
                   # down to the eye's outer corner, stray hairs) or creases, painted out too
BROW_DARK = 5.0    # L* below the skin around them: a brow hair or crease


def _template_brows(t_regions: Any, t_scale: float, grid_maps: geo.Maps | None,
                    mask: np.ndarray, r_regions: Any) -> np.ndarray | None:
    """hxwx3 float32 0..1 on the grid, moved by the outline warp: [0] the template's brow
    regions, [1] the zone around them (:data:`BROW_REACH`) inside its face oval and off its
    eyes and the result's, [2] its face oval; None when the new face covers its brows
    wholly (under the result's brows inside the blend weight ``mask``; ``r_regions``: the
    result's :class:`~portrait_studio.perception.masks.FaceRegions`; ``t_regions``: the
    template's before the warp, ``t_scale`` its eye distance)."""
    brows = t_regions.brows
    size = 2 * int(t_scale * BROW_REACH) + 1
    zone = dilate_field(brows, size) * t_regions.oval * (1.0 - t_regions.eyes)
    out: np.ndarray = np.dstack([brows, zone, t_regions.oval])
    if grid_maps is not None:
        out = geo.remap(out, grid_maps)
    covered = np.minimum(mask, np.clip(r_regions.brows * 2.0, 0.0, 1.0))
    if float((out[..., 0] * (1.0 - covered)).max()) < 0.5:
        return None
    out[..., 1] *= 1.0 - np.clip(r_regions.eyes * 2.0, 0.0, 1.0)
    return out


EYE_REACH = 0.12   # eye distances round the template's eyes painted out with them (lashes,
                   # lids and their shadow)
EYE_EDGE = 0.5     # blend weight under which the template's eyes would show through


def _template_eyes(t_regions: Any, t_scale: float, grid_maps: geo.Maps | None,
                   mask: np.ndarray, r_regions: Any) -> np.ndarray | None:
    """hxwx2 float32 0..1 on the grid, moved by the outline warp: [0] the template's eyes
    grown by :data:`EYE_REACH` and off the result's eyes, only the eye (or eyes) reaching
    where the blend weight ``mask`` (before the occlusion cuts) is under :data:`EYE_EDGE`,
    [1] its face oval; None when neither does. Where a template turned three-quarters
    keeps its far eye lower or further out than the new face's (vitonhd_01008: 10 px
    lower), the weight falls off right beside the new eye, and the pyramid blend's bands
    brought the template's iris and lashes back below it: a ghost eye. ``t_regions``: the template's
    :class:`~portrait_studio.perception.masks.FaceRegions` before the warp (``t_scale``
    its eye distance); ``r_regions``: the result's."""
    size = 2 * max(1, int(t_scale * EYE_REACH)) + 1
    out: np.ndarray = np.dstack([dilate_field(t_regions.eyes, size), t_regions.oval])
    if grid_maps is not None:
        out = geo.remap(out, grid_maps)
    out[..., 0] *= 1.0 - np.clip(r_regions.eyes * 2.0, 0.0, 1.0)
    # only the eye that reaches that far (painting out both cost twice the time)
    reaching = touching(out[..., 0] > 0.5, mask < EYE_EDGE)
    if not reaching.any():
        return None
    out[..., 0] *= cv2.dilate(reaching.view(np.uint8), np.ones((3, 3), np.uint8))
    return out


def _erase_eyes(canvas: np.ndarray, grid: geo.WorkGrid, tshape: TemplateShape) -> None:
    """Paint the template's eyes out of ``canvas`` (the warped template region, float32 or
    uint8) in place where they would show beside the new face's (``tshape.eyes``): the skin
    of its face around them carried in with its grain (:func:`fill_thin`), feathered in."""
    if tshape.eyes is None or (patch := _patch_region(canvas, grid, tshape.eyes, 0)) is None:
        return
    region, u8, fields = patch
    face = fields[..., 1] > 0.5
    hard = (fields[..., 0] > 0.5) & face  # the backdrop beyond a turned face's edge stays
    if not hard.any():
        return
    grow = max(1, round(tshape.scale * grid.k * 0.015))
    _paint_in(region, fill_thin(u8, hard, grow, face), hard, grow)


def _erase_brows(canvas: np.ndarray, grid: geo.WorkGrid, tshape: TemplateShape) -> None:
    """Paint the template's brows out of ``canvas`` (the warped template region, float32 or
    uint8) in place where the new face will not cover them all (``tshape.brows``; which
    pixels: :func:`_brow_pixels`): the skin around them carried in with its grain
    (:func:`~portrait_studio.imaging.fill.fill_thin`, from the person only: the backdrop
    beside a temple left a grey smudge), feathered in. Where the user's face is narrower or
    the brows sit lower, the template's brow tail stayed beside the new eye's outer corner
    (a brown streak), and its brows above the new ones (the template's occlusion cut takes
    its dark brows out of the weight there)."""
    if tshape.brows is None or (patch := _patch_region(canvas, grid, tshape.brows, 1)) is None:
        return
    region, u8, fields = patch
    h, w = u8.shape[:2]
    scale = tshape.scale * grid.k
    # the pixels are found on a copy with about BROW_UNIT pixels per eye distance (the same
    # on small templates, far cheaper on large ones); the patch is full resolution
    f = max(1, int(scale // BROW_UNIT))
    size = (max(1, w // f), max(1, h // f))
    if f > 1:
        low = cv2.resize(u8, size, interpolation=cv2.INTER_AREA)
        fields = cv2.resize(fields, size, interpolation=cv2.INTER_AREA)
    found = _brow_pixels(low if f > 1 else u8, fields, scale / f)
    if found is None:
        return
    hard, person = (found if f == 1 else
                    (cv2.resize(m.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
                     for m in found))
    grow = max(1, round(scale * 0.015))
    near = mask_box(hard, int(scale * 0.15) + 4 * grow, threshold=0.5)  # the patch's context
    _paint_in(region[near], fill_thin(u8[near], hard[near], grow, person[near], reduce=f),
              hard[near], grow)


def _patch_region(canvas: np.ndarray, grid: geo.WorkGrid, fields: np.ndarray,
                  channel: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The view of ``canvas`` (the warped template region) on the box round where channel
    ``channel`` of the grid ``fields`` (hxwxc) is set, that box as uint8 RGB, and the fields
    upsampled to it; None for a box under 8 px."""
    small = mask_box(fields[..., channel], 2, threshold=0.05)
    box = grid.full_slices(small)
    h, w = box[0].stop - box[0].start, box[1].stop - box[1].start
    if h < 8 or w < 8:
        return None
    region = canvas[box]
    u8 = np.ascontiguousarray(
        region if region.dtype == np.uint8 else np.clip(region, 0, 255).astype(np.uint8))
    return region, u8, grid.up(fields[small])[:h, :w]


def _paint_in(region: np.ndarray, filled: np.ndarray, hard: np.ndarray, grow: int) -> None:
    """Mix ``filled`` (uint8 RGB) into ``region`` (a canvas view, float32 or uint8) in place
    on ``hard`` (bool), feathered over ``2 * grow`` px."""
    alpha = per_channel(feather(hard.astype(np.float32), 2 * grow))
    mixed = region.astype(np.float32) * (1.0 - alpha) + filled.astype(np.float32) * alpha
    region[...] = mixed if region.dtype != np.uint8 else np.clip(np.rint(mixed), 0, 255)


def _brow_pixels(img: np.ndarray, fields: np.ndarray, scale: float) -> (
        tuple[np.ndarray, np.ndarray] | None):
    """The template's brow pixels to paint out of ``img`` (uint8 RGB, the box around them;
    ``fields``: :func:`_template_brows` there, ``scale``: its eye distance in ``img``
    pixels), and the person (not the backdrop), both hxw bool; None when there are none.
    The brow regions and the pixels around them far darker than the skin there (the tail
    beyond the mesh's points, creases), not the template's hair (pieces far from the
    skin's colour reaching in from beyond its face oval), grown a little."""
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2Lab).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0
    dark = cv2.morphologyEx(lab[..., 0], cv2.MORPH_BLACKHAT, disc(2 * int(scale * 0.12) + 1))
    zone = fields[..., 1] > 0.5
    skin = zone & (dark < 2.0) & (fields[..., 0] < 0.1)
    if skin.sum() < 20:
        return None
    ref = np.median(pixels_at(lab, skin), axis=0)
    # hair: far from the skin's colour, not the backdrop (far bluer than the skin, and bluer
    # than grey: near-neutral black hair beside skin re-toned to a yellow complexion was
    # "bluer" too) nor thin dark lines (a brow's tail joined the shaded temple beside it)
    backdrop = lab[..., 2] < min(float(ref[2]) - 12.0, BROW_BACKDROP_B)
    off = (np.linalg.norm(lab - ref, axis=2) > BROW_HAIR_FAR) & ~backdrop
    # a fringe is full of dark strands (high in ``dark``): its pieces wider than a brow
    # count whole, else its strands were painted over with skin beside the hair left
    thick = 2 * max(1, int(scale * BROW_HAIR_WIDTH)) + 1
    far = (off & (dark < BROW_DARK)) | (
        cv2.morphologyEx(off.astype(np.uint8), cv2.MORPH_OPEN, disc(thick)) > 0)
    hair = touching(far, (fields[..., 2] < 0.5) & far)
    grow = 2 * max(1, round(scale * 0.015)) + 1
    hard = ((fields[..., 0] > 0.3) | ((dark > BROW_DARK) & zone)) & ~hair
    hard = cv2.dilate(hard.astype(np.uint8), disc(grow)) > 0
    hard &= (fields[..., 1] > 0.05) & (fields[..., 2] > 0.5) & ~backdrop
    hard &= cv2.dilate(hair.astype(np.uint8), disc(grow)) == 0
    return (hard, ~backdrop) if hard.any() else None


BROW_UNIT = 60.0      # pixels per eye distance where the brow pixels are found
BROW_HAIR_FAR = 25.0  # Lab distance from the skin around the brows: hair (or a brow)
BROW_HAIR_WIDTH = 0.1  # eye distances: pieces that far from the skin and wider are hair
BROW_BACKDROP_B = 122.0  # Lab b (uint8 scale, grey 128) the backdrop is below: bluer than grey


def _template_fields(grid: geo.WorkGrid, t_warped: np.ndarray, tshape: TemplateShape,
                     opts: SwapOptions) -> _TemplateFields:
    """The template's smooth fields on ``grid`` from the warped template region (full
    resolution, uint8 RGB) and its landmark fields."""
    t_small = grid.down(t_warped)
    not_skin = _occlusion_cut(t_small, tshape.cheeks, tshape.features, tshape.scale)
    template_cut = not_skin * tshape.above
    shade = masked_blur(t_small, tshape.skin * (1.0 - template_cut),
                        tshape.scale * opts.shading_sigma)
    # the seam on the template's skin, short of its hair (applied with the user's fields)
    clear = _clear_of_edge(not_skin, tshape) if opts.inside_template_face else None
    return _TemplateFields(tshape.mask, np.maximum(template_cut * opts.template_occlusion,
                                                   tshape.keep), shade, tshape.scale, clear)


EDGE_CLEAR = (0.05, 0.08)  # eye distances from the template's hair, shadow or backdrop beyond
                         # the blend outline: no weight up to the first, all from the second


def _clear_of_edge(not_skin: np.ndarray, tshape: TemplateShape) -> np.ndarray:
    """hxw 0..1: the share of the blend weight kept at each grid pixel, by its distance from
    what lies beyond the blend outline in the warped template and is not skin (``not_skin``:
    its :func:`_occlusion_cut`, taken outside the weight's half level: its hair, the shadow
    under its jaw, the backdrop), ramped over :data:`EDGE_CLEAR`; the new face's features
    (and a shaved template's jaw, below the mouth) keep theirs. Where the outline warp
    moved those up to a narrower new face, the blend's outer edge lay on them: a light
    user's face edge pasted against a dark template's hair and jaw shadow (a colour jump,
    and the pyramid's coarse bands spread the light skin over them). Now the seam lies on
    the template's own skin, re-toned to the user's complexion."""
    hard = (not_skin > 0.5) & (tshape.mask < 0.5)
    if not hard.any():
        return np.ones(tshape.mask.shape, np.float32)
    dist = cv2.distanceTransform((~hard).view(np.uint8), cv2.DIST_L2, 5)
    lo, hi = (tshape.scale * e for e in EDGE_CLEAR)
    out: np.ndarray = np.clip((dist - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)
    # never the new face's features (a fringe down to the brows), nor a shaved jaw
    kept: np.ndarray = np.maximum(out, tshape.spared)
    return kept


def _combine_fields(tmpl: _TemplateFields, usr: _UserFields, opts: SwapOptions) -> _Fields:
    """Blend weight (cut where either face is occluded) and relighting ratio on the grid."""
    soft = tmpl.scale * 0.05
    clear = tmpl.clear
    if clear is not None and usr.beard is not None:
        # a beard goes with the face down to the template's jaw (and its shadow): cleared
        # short of it, it ended in a goatee on the template's re-toned chin
        clear = np.maximum(clear, usr.beard)
    mask = tmpl.mask if clear is None else tmpl.mask * clear
    user_cut, strands = usr.past
    if opts.keep_enclosed:
        user_cut = _reaching_in(user_cut, mask < 0.5)
    mask = mask * (1.0 - feather(np.maximum(user_cut, tmpl.cut), soft)) * (
        1.0 - feather(strands, STRAND_SOFT))
    ratio = np.clip(tmpl.shade / np.maximum(usr.shade, 1.0), 0.2, 5.0).astype(np.float32)
    cut = feather(usr.hair, soft)
    if clear is not None:
        # where the weight was taken short of the template's hair, the template is the
        # foreground too: the pyramid's coarse bands spread the user's face over the
        # template's skin there (an Owens face darkened Pelosi's by up to 45 levels)
        cut = np.maximum(cut, 1.0 - clear)
    return _Fields(mask, ratio, cut)


def _reaching_in(cut: np.ndarray, beyond: np.ndarray) -> np.ndarray:
    """The user's ``cut`` (hxw 0..1) kept only on its pieces that reach the blend weight's
    ``beyond`` (hxw bool: where the weight before the cuts is under half), grown by 2 grid
    pixels for their soft rims. A piece the new face encloses on all sides is its own skin
    in shadow (a smile fold beside the nose wing joined to the cheek's edge band), never
    hair or a frame coming in: cut, it left a hole of the template's re-toned cheek in the
    new face, darkened by the pyramid's coarse bands of the face around it (judy_chu on
    sylvia_r_garcia: 277 grid pixels by the nose wings, 10 L* darker than the template)."""
    hard = cut > 0.5
    if not hard.any():
        return cut
    reach = touching(hard, beyond).astype(np.uint8)
    kept = cv2.dilate(reach, np.ones((5, 5), np.uint8)).astype(np.float32)
    out: np.ndarray = cut * kept
    return out


def keep_template_region(t_regions: object, t_maps: geo.Maps | None,
                         opts: SwapOptions) -> np.ndarray:
    """Mask of template eyes/mouth to keep (model 5), in result coordinates."""
    from ...perception.masks import FaceRegions

    assert isinstance(t_regions, FaceRegions)
    if not (opts.keep_template_eyes or opts.keep_template_mouth):
        return np.zeros(t_regions.oval.shape, np.float32)  # (remapping zeros gives zeros)
    keep = np.zeros_like(t_regions.oval)
    if opts.keep_template_eyes:
        keep = np.maximum(keep, np.clip(t_regions.eyes * 1.3, 0, 1))
    if opts.keep_template_mouth:
        keep = np.maximum(keep, np.clip(t_regions.lips * 1.3, 0, 1))
    return keep if t_maps is None else geo.remap(keep, t_maps)


def relight_ratio(face: np.ndarray, face_skin: np.ndarray, template: np.ndarray,
                  template_skin: np.ndarray, scale: float, opts: SwapOptions) -> np.ndarray:
    """Per-pixel, per-channel shading ratio ``blur_T / blur_U`` over skin-only blurs (HxWx3
    float32, clipped to 0.2..5): a smooth field, safe to compute on a reduced grid."""
    sigma = scale * opts.shading_sigma
    shade_t = masked_blur(template, template_skin, sigma)
    shade_u = masked_blur(face, face_skin, sigma)
    ratio: np.ndarray = np.clip(shade_t / np.maximum(shade_u, 1.0), 0.2, 5.0).astype(np.float32)
    return ratio


def relight(face: np.ndarray, face_skin: np.ndarray, template: np.ndarray,
            template_skin: np.ndarray, scale: float, opts: SwapOptions) -> np.ndarray:
    """User detail x template shading: ``face * blur_T / blur_U`` over skin-only blurs."""
    ratio = relight_ratio(face, face_skin, template, template_skin, scale, opts)
    out: np.ndarray = np.clip(face.astype(np.float32) * ratio, 0, 255)
    return out
