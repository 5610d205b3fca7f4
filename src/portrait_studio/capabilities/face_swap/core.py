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
7. Laplacian-pyramid blend.

Images are HxWx3 float32 RGB 0..255 unless stated; landmarks 478x2 float32 pixels.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.blend import feather, laplacian_blend, laplacian_blend_u8, mask_box
from ...imaging.color import fit_skin_model, masked_blur
from ...perception import landmarks as lm
from ...perception.masks import (
    above_brows,
    cheek_mask,
    face_regions,
    face_scale,
    half_face_map,
    polygon_mask,
    swap_polygon,
)
from .types import SwapOptions

ALIGN = (33, 133, 362, 263, 168, 6, 1, 61, 291)
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


def target_landmarks(t_pts: np.ndarray, u_pts: np.ndarray, warp: float) -> np.ndarray:
    """Landmarks of the result face: user's aligned inner features, outline blended by warp."""
    m = geo.similarity(u_pts[list(ALIGN)], t_pts[list(ALIGN)])
    aligned = geo.transform(u_pts, m)
    oval = list(lm.FACE_OVAL)
    aligned[oval] = t_pts[oval] + warp * (aligned[oval] - t_pts[oval])
    return aligned


def keep_template_parts(target: np.ndarray, t_pts: np.ndarray, eyes: bool,
                        mouth: bool) -> np.ndarray:
    """Move eye and/or mouth landmarks of ``target`` back to the template's (model 5)."""
    out = target.copy()
    if eyes:
        out[list(EYE_POINTS)] = t_pts[list(EYE_POINTS)]
    if mouth:
        out[list(MOUTH_POINTS)] = t_pts[list(MOUTH_POINTS)]
    return out


def _template_warp(t_roi: np.ndarray, t_local: np.ndarray, r_local: np.ndarray) -> (
        tuple[np.ndarray, geo.Maps | None]):
    oval = list(lm.FACE_OVAL)
    shift = np.abs(r_local[oval] - t_local[oval]).max()
    if shift < 0.5:
        return t_roi, None
    h, w = t_roi.shape[:2]
    centre = t_local[oval].mean(axis=0)
    radii = (t_local[oval].max(0) - t_local[oval].min(0)) * 0.85
    anchors = np.concatenate([geo.ring_points(centre, (radii[0], radii[1]), 24),
                              geo.border_points(w, h, 4)])
    dst = np.concatenate([r_local[oval], anchors])
    src = np.concatenate([t_local[oval], anchors])
    step = int(np.clip(geo_scale(t_local) / 20.0, 6, 16))  # spline error < 0.2 px at this step
    maps = geo.tps_maps(dst, src, (h, w), step=step)
    # cubic: the spline moves most pixels by a fraction of a pixel, and bilinear sampling at
    # fractional offsets blurs the whole region (BRISQUE +8 on the bench's worst pairs)
    return geo.remap(t_roi, maps, interpolation=cv2.INTER_CUBIC), maps


def geo_scale(points: np.ndarray) -> float:
    """Inter-ocular distance (px, at least 8) of 478x2 landmarks."""
    return max(face_scale(points), 8.0)


def _user_warp(user: np.ndarray, u_pts: np.ndarray, r_local: np.ndarray,
               shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, geo.Maps]:
    """The user face warped onto the result landmarks (uint8, zero outside the mesh hull),
    its validity (1 where the user image was sampled) and the maps; only the hull's bounding
    box is resampled (the maps send everything else outside the user image)."""
    step = int(np.clip(round(geo_scale(r_local) / 80.0), 2, 4))  # mesh triangles stay >> step
    maps = geo.piecewise_affine_maps(r_local[:468], u_pts[:468], shape, step=step)
    warped = np.zeros((*shape, 3), np.uint8)
    valid = np.zeros(shape, np.float32)
    box = hull_box(r_local, shape)
    if warped[box].size:
        sub = np.ascontiguousarray(maps[0][box]), np.ascontiguousarray(maps[1][box])
        warped[box] = geo.remap(user, sub, cv2.BORDER_CONSTANT, cv2.INTER_CUBIC)
        h, w = user.shape[:2]  # sampled wholly inside the user image
        valid[box] = ((sub[0] >= 0) & (sub[0] <= w - 1) & (sub[1] >= 0) & (sub[1] <= h - 1))
    return warped, valid, maps


def hull_box(points: np.ndarray, shape: tuple[int, ...]) -> tuple[slice, slice]:
    """Slices of the bounding box of the 468 mesh points, grown by 2 px, inside ``shape``."""
    lo = np.floor(points[:468].min(axis=0)).astype(int) - 2
    hi = np.ceil(points[:468].max(axis=0)).astype(int) + 3
    return (slice(max(0, int(lo[1])), max(0, min(shape[0], int(hi[1])))),
            slice(max(0, int(lo[0])), max(0, min(shape[1], int(hi[0])))))


def _mirror_fill(u_warped: np.ndarray, valid: np.ndarray, user: np.ndarray,
                 u_pts: np.ndarray, r_local: np.ndarray, amount: float,
                 scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Replace the hidden half of the warped user face by the mirrored visible half."""
    from ...perception.faces import mirror_points, yaw_of

    sign = 1.0 if yaw_of(u_pts) > 0 else -1.0
    flipped = np.ascontiguousarray(user[:, ::-1])
    f_pts = mirror_points(u_pts, user.shape[1])
    m_warped, m_valid, _ = _user_warp(flipped, f_pts, r_local, valid.shape)
    box = hull_box(r_local, valid.shape)  # both warps are zero outside it
    ys, xs = box
    if ys.stop <= ys.start or xs.stop <= xs.start:
        return u_warped, valid
    origin = np.array([xs.start, ys.start], np.float32)
    shape = (ys.stop - ys.start, xs.stop - xs.start)
    weight = (half_face_map(r_local - origin, shape, sign) * np.float32(amount)
              * m_valid[box]).astype(np.float32)
    mixed, out_valid = u_warped.copy(), valid.copy()
    if mixed.dtype == np.uint8:
        mixed[box] = cv2.blendLinear(m_warped[box], u_warped[box], weight, 1.0 - weight)
    else:
        w3 = weight[..., None]
        mixed[box] = u_warped[box] * (1 - w3) + m_warped[box] * w3
    out_valid[box] = np.maximum(valid[box] * (1 - weight), m_valid[box] * weight)
    return mixed, out_valid


def _occlusion_cut(img: np.ndarray, cheeks: np.ndarray, features: np.ndarray,
                   scale: float) -> np.ndarray:
    """1 where ``img`` is clearly not skin (compared with its cheeks) outside the (dilated)
    feature regions."""
    model = fit_skin_model(img, cheeks)
    non_skin = np.maximum(1.0 - model.likelihood(img, scale=2.5, bright_scale=6.0),
                          _much_darker(img, cheeks))
    cut = np.clip(non_skin * 1.6 * (1.0 - np.clip(features * 1.5, 0, 1)), 0, 1)
    return _drop_specks(cut, scale)


def _much_darker(img: np.ndarray, cheeks: np.ndarray) -> np.ndarray:
    """0..1: pixels far darker (L*) than the cheeks, as hair is even when its hue is skin-like;
    ramps from 18 to 28 L* below the cheeks' median."""
    light = cv2.cvtColor(np.clip(img, 0, 255).astype(np.uint8), cv2.COLOR_RGB2Lab)[..., 0]
    light = light.astype(np.float32) * (100.0 / 255.0)
    sel = cheeks > 0.5
    if sel.sum() < 10:
        return np.zeros(img.shape[:2], np.float32)
    ref = float(np.median(light[sel]))
    return np.clip((ref - 18.0 - light) / 10.0, 0.0, 1.0)


def _drop_specks(cut: np.ndarray, scale: float) -> np.ndarray:
    """Keep only sizeable occluders: a morphological opening removes specks (pores,
    highlights, shadows) smaller than about a tenth of the eye distance."""
    factor = max(1, int(scale // 40))  # open on a reduced copy: same result, far cheaper
    h, w = cut.shape[:2]
    small = cut.astype(np.float32)
    if factor > 1:
        small = cv2.resize(small, (max(1, w // factor), max(1, h // factor)),
                           interpolation=cv2.INTER_AREA)
    size = max(3, int(scale * 0.12 / factor) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(small, cv2.MORPH_OPEN, kernel)
    return opened if factor == 1 else cv2.resize(opened, (w, h), interpolation=cv2.INTER_LINEAR)


def _blend_mask(r_local: np.ndarray, shape: tuple[int, int], opts: SwapOptions,
                scale: float) -> np.ndarray:
    poly = swap_polygon(r_local, opts.forehead_keep, shrink=opts.blend_shrink)
    return polygon_mask(poly, shape, soften=scale * opts.edge_softness)


@dataclass(frozen=True)
class _Fields:
    """Smooth fields of one swap on the working grid: blend weight (before the validity cut)
    and the per-channel relighting ratio."""

    mask: np.ndarray    # hxw float32
    ratio: np.ndarray   # hxwx3 float32


@dataclass(frozen=True)
class _UserFields:
    cut: np.ndarray        # grid: where the user's pixels are not skin (hair, frames)
    shade: np.ndarray      # grid: skin-only low-pass of the user face (hxwx3)
    features: np.ndarray   # grid: eyes, brows, lips and nose of the result face
    mask: np.ndarray       # grid: blend weight before the occlusion cuts


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
    target = target_landmarks(t_pts, u_pts, opts.warp)
    target = keep_template_parts(target, t_pts, opts.keep_template_eyes, opts.keep_template_mouth)
    k = geo.work_factor(geo_scale(target))
    roi = geo.trim_roi(geo.roi_around(np.concatenate([t_pts, target]), 1.9, shape), k)
    return target, roi, geo.WorkGrid((roi.h, roi.w), k)


def prepare_user(shape: tuple[int, ...], t_pts: np.ndarray, user: np.ndarray,
                 u_pts: np.ndarray, opts: SwapOptions) -> UserSide:
    """The user half of :func:`swap_face` for a template of ``shape`` (see there)."""
    target, roi, grid = swap_region(shape, t_pts, u_pts, opts)
    r_local = target - roi.offset
    u_warped, valid, u_maps = _user_warp(user, u_pts, r_local, (roi.h, roi.w))
    if opts.mirror_fill > 0:
        u_warped, valid = _mirror_fill(u_warped, valid, user, u_pts, r_local, opts.mirror_fill,
                                       geo_scale(target))
    return UserSide(u_warped, valid, u_maps, _user_fields(grid, u_warped, valid, r_local, opts))


def swap_face(template: np.ndarray, t_pts: np.ndarray, user: np.ndarray, u_pts: np.ndarray,
              opts: SwapOptions, prepared: UserSide | Future[UserSide] | None = None,
              in_place: bool = False) -> SwapOutput:
    """Swap the user's face (landmarks ``u_pts`` in ``user``) into ``template`` at ``t_pts``.

    ``template`` HxWx3 float32 RGB 0..255 or uint8 RGB (already re-toned if wanted; the
    output image has its dtype); ``user`` HxWx3 uint8 RGB, ideally pre-scaled to the template
    face's size. Masks and relighting are computed on
    a working grid (:func:`~portrait_studio.imaging.geometry.work_grid`) and upsampled; the
    warps, the relit face texture and the blend are full resolution. ``prepared``: the result
    of :func:`prepare_user` for the same arguments (or a future of it, awaited only once the
    template half is done); with ``in_place`` the result is written into ``template``.
    """
    target, roi, grid = swap_region(template.shape, t_pts, u_pts, opts)
    t_local, r_local = t_pts - roi.offset, target - roi.offset
    t_warped, t_maps = _template_warp(template[roi.slices], t_local, r_local)
    if prepared is None:
        prepared = prepare_user(template.shape, t_pts, user, u_pts, opts)
    side = prepared.result() if isinstance(prepared, Future) else prepared
    t_fields = _template_fields(grid, (t_warped, t_local, t_maps), r_local, side.fields, opts)
    fields = _combine_fields(t_fields, side.fields, opts)
    mask = np.zeros((roi.h, roi.w), np.float32)
    _blend_face(t_warped, mask, grid, fields, (side.warped, side.valid))
    out = template if in_place else template.copy()
    out[roi.slices] = t_warped
    full_mask = np.zeros(template.shape[:2], np.float32)
    full_mask[roi.slices] = mask
    return SwapOutput(out, target, full_mask, roi, side.maps)


BLEND_LEVELS = 5
BLEND_MARGIN = 3  # coarsest-level pixels around the weight: the whole-region blend to < 0.5


def _blend_face(canvas: np.ndarray, mask: np.ndarray, grid: geo.WorkGrid, fields: _Fields,
                usr: tuple[np.ndarray, np.ndarray]) -> None:
    """Relight the warped user face (``usr`` = (face uint8, validity)) with the upsampled
    ratio and pyramid-blend it into ``canvas`` (the warped template ROI, float32) in place,
    only on the box around where the blend weight is set; writes that weight into ``mask``."""
    levels = blend_levels(grid.full)
    margin = -(-(BLEND_MARGIN << levels) // grid.k)  # coarsest-level pixels, in grid pixels
    box = grid.full_slices(mask_box(fields.mask, margin))
    if canvas[box].size == 0:
        return
    small = tuple(slice(b.start // grid.k, -(-b.stop // grid.k)) for b in box)
    h, w = box[0].stop - box[0].start, box[1].stop - box[1].start
    weight = grid.up(fields.mask[small])[:h, :w] * usr[1][box]
    face = cv2.multiply(usr[0][box], grid.up(fields.ratio[small])[:h, :w], dtype=cv2.CV_32F)
    cv2.threshold(face, 255.0, 255.0, cv2.THRESH_TRUNC, dst=face)  # the ratio is >= 0.2
    if canvas.dtype == np.uint8:
        canvas[box] = laplacian_blend_u8(face, canvas[box], weight, levels)
    else:
        canvas[box] = laplacian_blend(face, canvas[box], weight, levels=levels)
    mask[box] = weight


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
    u_small, valid = grid.down(u_warped).astype(np.float32), grid.down(valid)
    points = grid.points(r_local)
    shape, scale = grid.small, geo_scale(points)
    regions = face_regions(points, shape)
    cut = _occlusion_cut(u_small, cheek_mask(points, shape) * valid, regions.features, scale)
    skin = regions.skin * valid * (1.0 - cut)
    return _UserFields(cut, masked_blur(u_small, skin, scale * opts.shading_sigma),
                       regions.features, _blend_mask(points, shape, opts, scale))


@dataclass(frozen=True)
class _TemplateFields:
    mask: np.ndarray       # blend weight before the occlusion cuts
    cut: np.ndarray        # template occlusion (its hair) and kept template parts, combined
    shade: np.ndarray      # skin-only low-pass of the warped template (hxwx3)
    scale: float           # inter-ocular distance on the grid


def _template_fields(grid: geo.WorkGrid, tmpl: tuple[np.ndarray, np.ndarray, geo.Maps | None],
                     r_local: np.ndarray, usr: _UserFields, opts: SwapOptions) -> (
        _TemplateFields):
    """The template's smooth fields on ``grid``: ``tmpl`` = (warped template ROI, its
    landmarks, its warp maps or None) and the result landmarks, all at full resolution;
    ``usr``: the user's fields (result features and blend weight)."""
    t_maps = None if tmpl[2] is None else grid.maps(tmpl[2])
    t_warped, t_local = grid.down(tmpl[0]), grid.points(tmpl[1])
    points, shape = grid.points(r_local), grid.small
    scale = geo_scale(points)
    t_regions = face_regions(t_local, shape)
    t_skin = t_regions.skin if t_maps is None else geo.remap(t_regions.skin, t_maps)
    t_cheeks = cheek_mask(t_local, shape)
    t_cheeks = t_cheeks if t_maps is None else geo.remap(t_cheeks, t_maps)
    template_cut = _occlusion_cut(t_warped, t_cheeks, usr.features, scale) * above_brows(
        points, shape, scale * 0.3)
    keep = keep_template_region(t_regions, t_maps, opts)
    shade = masked_blur(t_warped, t_skin * (1.0 - template_cut), scale * opts.shading_sigma)
    mask = usr.mask
    if opts.inside_template_face:
        # never paste where the untouched template had no face: where the user's outline is
        # wider, the template's own (hair, background) stays, so the seam stays on its skin
        mask = np.minimum(mask, _blend_mask(t_local, shape, opts, scale))
    return _TemplateFields(mask, np.maximum(template_cut * opts.template_occlusion, keep),
                           shade, scale)


def _combine_fields(tmpl: _TemplateFields, usr: _UserFields, opts: SwapOptions) -> _Fields:
    """Blend weight (cut where either face is occluded) and relighting ratio on the grid."""
    cut = np.maximum(usr.cut, tmpl.cut)
    mask = tmpl.mask * (1.0 - feather(cut, tmpl.scale * 0.05))
    ratio = np.clip(tmpl.shade / np.maximum(usr.shade, 1.0), 0.2, 5.0).astype(np.float32)
    return _Fields(mask, ratio)


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
    return np.clip(shade_t / np.maximum(shade_u, 1.0), 0.2, 5.0).astype(np.float32)


def relight(face: np.ndarray, face_skin: np.ndarray, template: np.ndarray,
            template_skin: np.ndarray, scale: float, opts: SwapOptions) -> np.ndarray:
    """User detail x template shading: ``face * blur_T / blur_U`` over skin-only blurs."""
    ratio = relight_ratio(face, face_skin, template, template_skin, scale, opts)
    return np.clip(face.astype(np.float32) * ratio, 0, 255)
