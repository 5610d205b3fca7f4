"""Similarity as a morph between the template person and the user, on top of the face-swap
engine.

For a similarity ``s`` the face put into the template has

- landmarks ``P = T + shape(s) * (U - T)``: the template's 478 points ``T`` moved toward the
  user's (``U``, similarity-aligned to ``T``), the face outline included, so the outline warp
  of the template grows with ``s``;
- pixels ``texture(s) * user + (1 - texture(s)) * template``, both warped onto ``P`` (a
  cross-dissolve without ghosting, because both faces have their features at ``P``);
- the template person's skin (face, neck, ears, hands) re-toned toward the user's complexion by
  ``tone(s)`` (the swap takes its low frequencies, i.e. its complexion, from there).

All three amounts rise monotonically from 0 (the template person, untouched) to 1 (the plain
swap with the user's full outline), so likeness to the user rises with ``s``.

The morphed source is built in the template's frame with landmarks already aligned the way
:func:`~portrait_studio.capabilities.face_swap.core.swap_face` aligns them, so the engine's own
warp is a whole-pixel translation and adds no resampling blur. Images are HxWx3 uint8 RGB
unless stated; landmarks 478x2 float32 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..capabilities.face_swap.core import ALIGN, SwapOutput, swap_face
from ..capabilities.face_swap.tone import person_skin_weight, retone, skin_mean, tone_ratio
from ..capabilities.face_swap.types import SwapOptions
from ..imaging import geometry as geo
from ..imaging.color import masked_blur, to_u8
from ..perception.faces import mirror_points, yaw_of
from ..perception.masks import face_scale, half_face_map
from .fusion_face import FacePlan

TONE_WORK_SIDE = 480  # the re-toning weight map is computed at most at this size


@dataclass(frozen=True)
class MorphAmounts:
    """Shares of the user in the face geometry, the face pixels and the complexion (0..1),
    and ``own_light`` (0..1): how much of the user's own forehead and mid-scale shading the
    swap keeps (the engine's high-similarity settings)."""

    shape: float
    texture: float
    tone: float
    own_light: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {"shape": round(self.shape, 4), "texture": round(self.texture, 4),
                "tone": round(self.tone, 4), "own_light": round(self.own_light, 4)}


SHAPE_POWER, TEXTURE_POWER = 2.2, 1.7
TAIL_FROM = 0.8   # above this similarity the shape and texture curves run straight to 1


def leading_curve(s: float, power: float) -> float:
    """``1 - (1 - s)^power`` up to :data:`TAIL_FROM`, then a straight line to 1 at ``s = 1``
    (so the last tenth of Similarity still changes the result measurably)."""
    if s <= TAIL_FROM:
        return 1.0 - float((1.0 - s) ** power)
    knee = 1.0 - float((1.0 - TAIL_FROM) ** power)
    return knee + (1.0 - knee) * (s - TAIL_FROM) / (1.0 - TAIL_FROM)


def morph_amounts(similarity: float) -> MorphAmounts:
    """Similarity 0..1 -> morph amounts, all rising monotonically:

    - ``shape`` and ``texture`` (:func:`leading_curve`, powers 2.2 and 1.7) lead ``s`` (0.87
      and 0.79 at 0.6): identity retrieval at 0.6 needs them that high (flatter curves
      measured 85-91%);
    - ``own_light = clip((s - 0.6) / 0.4, 0, 1)``: above 0.6 the swap keeps more of the user's
      forehead and own mid-scale shading (toward the engine's high-similarity model settings),
      which keeps likeness rising where shape and texture are nearly saturated;
    - ``tone = s / 2``: the complexion follows at half strength, because the engine's
      re-toning reaches the neck and ears only partly and a full re-tone left the face visibly
      paler or darker than the neck when the two people's skin tones differ."""
    s = float(np.clip(similarity, 0.0, 1.0))
    return MorphAmounts(leading_curve(s, SHAPE_POWER), leading_curve(s, TEXTURE_POWER), s / 2,
                        float(np.clip((s - 0.6) / 0.4, 0.0, 1.0)))


def morph_landmarks(t_pts: np.ndarray, u_pts: np.ndarray, shape: float,
                    outline: float = 1.0) -> np.ndarray:
    """``P``: the template's points moved toward the similarity-aligned user's by ``shape``
    (the face outline by ``shape * outline``), then re-aligned to the template exactly as the
    swap engine aligns a source, so the engine keeps them where they are."""
    from ..perception import landmarks as lm

    aligned = geo.transform(u_pts, geo.similarity(u_pts[list(ALIGN)], t_pts[list(ALIGN)]))
    amount = np.full((len(t_pts), 1), shape, np.float32)
    amount[list(lm.FACE_OVAL)] = shape * outline
    moved = t_pts + amount * (aligned - t_pts)
    return geo.transform(moved, geo.similarity(moved[list(ALIGN)], t_pts[list(ALIGN)]))


def mesh_maps(dst: np.ndarray, src: np.ndarray, shape: tuple[int, int]) -> (
        tuple[geo.Maps, np.ndarray]):
    """Piecewise-affine maps over MediaPipe's face-mesh triangles: every pixel inside a
    triangle of ``dst`` (468x2) samples the matching point of the same triangle of ``src``.
    Returns the maps (-1 outside the mesh) and the HxW float32 0/1 map of covered pixels.

    Unlike :func:`~portrait_studio.imaging.geometry.piecewise_affine_maps` (Delaunay triangles
    of the points, rasterised on a coarse grid) it follows the mesh's own triangles at full
    resolution, so the face's features map exactly, and it returns the exact coverage."""
    from ..perception import landmarks as lm

    tris = lm.tessellation()
    h, w = shape
    index = np.full((h, w), -1, np.int32)
    fixed = np.round(dst[:468] * 16).astype(np.int32)
    for k, tri in enumerate(tris):
        cv2.fillPoly(index, [fixed[tri]], k, lineType=cv2.LINE_8, shift=4)
    d = np.concatenate([dst[tris].astype(np.float64), np.ones((len(tris), 3, 1))], axis=2)
    coeffs = np.linalg.pinv(d) @ src[tris].astype(np.float64)  # T x 3 x 2
    inside = index >= 0
    ys, xs = np.nonzero(inside)
    c = coeffs[index[inside]]
    mx = np.full((h, w), -1.0, np.float32)
    my = np.full((h, w), -1.0, np.float32)
    mx[inside] = xs * c[:, 0, 0] + ys * c[:, 1, 0] + c[:, 2, 0]
    my[inside] = xs * c[:, 0, 1] + ys * c[:, 1, 1] + c[:, 2, 1]
    return (mx, my), inside.astype(np.float32)


def _warp(img: np.ndarray, dst: np.ndarray, src: np.ndarray, shape: tuple[int, int],
          interp: int) -> tuple[np.ndarray, np.ndarray]:
    """``img`` (landmarks ``src``) warped onto ``dst`` over the mesh (float32), and the
    0..1 map of where the result is defined."""
    maps, inside = mesh_maps(dst, src, shape)
    warped = cv2.remap(img, maps[0], maps[1], interp, borderMode=cv2.BORDER_CONSTANT)
    return warped.astype(np.float32), inside


def _user_on(points: np.ndarray, plan: FacePlan, shape: tuple[int, int]) -> (
        tuple[np.ndarray, np.ndarray]):
    """The user crop warped onto ``points`` (cubic), its hidden half filled from the mirrored
    visible half when the plan asks for it."""
    warped, valid = _warp(plan.user, points, plan.user_points, shape, cv2.INTER_CUBIC)
    amount = plan.options.mirror_fill
    if amount <= 0:
        return warped, valid
    flipped = np.ascontiguousarray(plan.user[:, ::-1])
    f_pts = mirror_points(plan.user_points, plan.user.shape[1])
    f_warped, f_valid = _warp(flipped, points, f_pts, shape, cv2.INTER_CUBIC)
    sign = 1.0 if yaw_of(plan.user_points) > 0 else -1.0
    weight = (half_face_map(points, shape, sign) * amount * f_valid)[..., None]
    return warped * (1 - weight) + f_warped * weight, np.maximum(valid, f_valid * weight[..., 0])


@dataclass(frozen=True)
class MorphSource:
    """The morphed face in the template's frame, a crop at ``roi``: ``image`` (uint8 RGB), its
    landmarks ``points`` in crop pixels, and the two faces it mixes, both on those landmarks:
    ``user`` and ``template`` (float32 RGB), defined where ``inside`` (HxW float32) is 1."""

    image: np.ndarray
    points: np.ndarray
    roi: geo.Roi
    user: np.ndarray
    template: np.ndarray
    inside: np.ndarray


def morph_source(template: np.ndarray, plan: FacePlan, amounts: MorphAmounts) -> MorphSource:
    """Build the face to swap in: the user and the template face both warped onto ``P`` and
    cross-dissolved by ``amounts.texture``; outside the face the template crop itself."""
    t_pts = plan.template_face.landmarks
    outline = 1.0 - 0.7 * plan.options.mirror_fill  # a turned face's outline is not its shape
    target = morph_landmarks(t_pts, plan.user_points, amounts.shape, outline)
    roi = geo.roi_around(np.concatenate([t_pts, target]), 1.5, template.shape)
    local, shape = target - roi.offset, (roi.h, roi.w)
    crop = template[roi.slices].astype(np.float32)
    user, u_valid = _user_on(local, plan, shape)
    tmpl, t_valid = _warp(crop, local, t_pts - roi.offset, shape, cv2.INTER_LINEAR)
    tex = np.float32(amounts.texture)
    inside = u_valid * t_valid
    face = (user * tex + tmpl * (1 - tex)) * inside[..., None] + crop * (1 - inside[..., None])
    return MorphSource(to_u8(face), local, roi, user, tmpl, inside)


def swap_options(plan: FacePlan, amounts: MorphAmounts) -> SwapOptions:
    """Engine options for the morphed source: full outline (the morph already scaled it), no
    second mirror fill, forehead share 0.55 -> 0.7 (never the hairline) and shading blur 0.18
    -> 0.3 eye distances with ``own_light`` (SwapModelType 1 -> 4/6 settings). Going further
    (0.85 and 0.43) gained about 0.002 of dlib distance and showed brightness seams across
    the forehead where the user's own lighting differs from the template's. The whole user
    outline is pasted even where it is wider than the template's face (similarity first;
    fusion keeps the blend inside the template's face instead), and the template's brows
    beside it are left as they are (painting them out cost identity: a two-user group photo
    went from under 0.6 dlib distance to 0.604)."""
    light = amounts.own_light
    return SwapOptions(warp=1.0, forehead_keep=0.55 + 0.15 * light,
                       shading_sigma=0.18 + 0.12 * light,
                       keep_template_eyes=plan.options.keep_template_eyes,
                       inside_template_face=False, blend_shrink=0.94,
                       erase_template_brows=False)


def morph_swap(canvas: np.ndarray, template: np.ndarray, plan: FacePlan,
               amounts: MorphAmounts) -> tuple[SwapOutput, MorphSource]:
    """Swap the morphed face into ``canvas`` (HxWx3 float32 RGB 0..255, the template possibly
    re-toned) at the plan's template face; ``template`` is the original uint8 template."""
    source = morph_source(template, plan, amounts)
    swapped = swap_face(canvas, plan.template_face.landmarks, source.image, source.points,
                        swap_options(plan, amounts))
    return swapped, source


RATIO_WORK_SCALE = 40.0  # eye distance (px) at which the relighting ratio is estimated


def relight_ratio(result: np.ndarray, source: np.ndarray, mask: np.ndarray,
                  scale: float) -> np.ndarray:
    """HxWx3 float32 estimate of the swap's relighting (result / source inside the swapped
    face), smooth like the engine's shading estimate; computed at reduced size."""
    factor = min(1.0, RATIO_WORK_SCALE / scale)
    h, w = mask.shape
    size = (max(4, round(w * factor)), max(4, round(h * factor)))
    core = (cv2.resize(mask, size, interpolation=cv2.INTER_AREA) > 0.5).astype(np.float32)
    small_r = cv2.resize(result, size, interpolation=cv2.INTER_AREA)
    small_s = cv2.resize(source, size, interpolation=cv2.INTER_AREA)
    sigma = 0.18 * scale * factor
    ratio = masked_blur(small_r, core, sigma) / np.maximum(masked_blur(small_s, core, sigma), 1.0)
    return np.asarray(cv2.resize(np.clip(ratio, 0.3, 3.0), (w, h),
                                 interpolation=cv2.INTER_LINEAR), np.float32)


def boost_texture(canvas: np.ndarray, swapped: SwapOutput, source: MorphSource,
                  delta: float) -> np.ndarray:
    """``canvas`` (float32) with the user's share of the swapped face's pixels raised by
    ``delta``, without a second swap: ``delta * (user - template)`` (both on the face's
    landmarks) relit like the swap relit its source and added inside the swap's blend mask.
    Geometry, mask and lighting stay those of the swap."""
    roi = source.roi
    region = canvas[roi.slices].astype(np.float32)
    mask = swapped.mask[roi.slices]
    scale = max(face_scale(source.points), 8.0)
    ratio = relight_ratio(region, source.image.astype(np.float32), mask, scale)
    diff = (source.user - source.template) * source.inside[..., None]
    out = canvas.astype(np.float32, copy=True)
    out[roi.slices] = np.clip(region + diff * ratio * (mask * delta)[..., None], 0, 255)
    return out


def retone_person(canvas: np.ndarray, template: np.ndarray, person: np.ndarray,
                  plan: FacePlan, amount: float) -> np.ndarray:
    """Re-tone the template person's visible skin toward the user's complexion by ``amount``
    (per-channel ratio ** amount); the weight map is computed at reduced resolution."""
    if amount <= 0:
        return canvas
    t_pts = plan.template_face.landmarks
    ratio = tone_ratio(skin_mean(plan.user, plan.user_points), skin_mean(template, t_pts))
    factor = min(1.0, TONE_WORK_SIDE / max(template.shape[:2]))
    small = cv2.resize(template, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    small_person = cv2.resize(person, (small.shape[1], small.shape[0]),
                              interpolation=cv2.INTER_AREA)
    roi, weight = person_skin_weight(small, t_pts * factor, small_person)
    big = geo.Roi(*(round(v / factor) for v in (roi.x0, roi.y0, roi.x1, roi.y1)))
    big = geo.Roi(big.x0, big.y0, min(big.x1, template.shape[1]), min(big.y1, template.shape[0]))
    weight = cv2.resize(weight, (big.w, big.h), interpolation=cv2.INTER_LINEAR)
    return retone(canvas, (ratio ** np.float32(amount)).astype(np.float32), big, weight)
