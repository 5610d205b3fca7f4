"""Face fusion (the engine behind Tencent FuseFaceUltra): 1-6 user faces into a template.

Input images are HxWx3 uint8 RGB; the result is the same size as the template. The pipeline
never sees HTTP: transports decode, build :class:`FusionParams` and call :func:`fuse`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import cv2
import numpy as np

from ..capabilities.face_swap.core import (
    TemplateAhead,
    TemplateMaps,
    TemplateShape,
    UserSide,
    prepare_user,
    swap_face,
    swap_region,
    template_maps,
    template_shape,
)
from ..capabilities.face_swap.hairline import retone_hairline
from ..capabilities.face_swap.shave import (
    SHAVE_SHARE,
    UserJaw,
    has_beard,
    jaw_shadow,
    shave_beard_painted,
)
from ..capabilities.face_swap.tone import (
    NotSkin,
    SkinTone,
    person_skin_field,
    retone_curve,
    retone_weight,
    skin_tone,
    tone_map,
)
from ..capabilities.watermark.core import apply_watermark
from ..errors import (
    FacePoseUnsupported,
    FaceRectInvalid,
    FaceTooSmall,
    ImageTooLarge,
    ImageTooSmall,
    TooManyFaces,
)
from ..imaging.color import to_u8
from ..imaging.memory import keep_freed_memory
from ..perception.faces import (
    Box,
    Face,
    detection_copy,
    mirror_face,
    require_faces,
    select_face,
)
from ..perception.glasses import erase_frames, glasses_mask
from ..perception.graphs import in_helper
from ..perception.segmentation import person_mask, person_mask_started
from .fusion_face import (
    FacePlan,
    RetouchArea,
    area_feather,
    area_grain,
    finish_face,
    plan_face,
    retouch_area,
    template_grain,
)
from .fusion_params import FusionParams, MergeEntry, check_merges
from .timing import timed

MIN_FACE = 34
MIN_SIDE, MAX_SIDE = 64, 8000


@dataclass
class FaceReport:
    """What happened to one merge entry."""

    template_box: tuple[int, int, int, int]
    user_box: tuple[int, int, int, int]
    mirrored: bool
    kept_template_eyes: bool
    kept_template_mouth: bool
    glasses_removed: bool = False
    identity_distance: float | None = None


@dataclass
class FusionReport:
    faces: list[FaceReport] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FaceTrace:
    """Internals of one fused face, for benchmarks and debugging (never sent to clients)."""

    mask: np.ndarray            # HxW float32 blend weight of the new face in the result
    roi: Any                    # imaging.geometry.Roi of the swap
    user_maps: Any              # ROI pixel -> position in ``user_crop``
    user_crop: np.ndarray       # the scaled user crop that was sampled (uint8 RGB)
    user_points: np.ndarray     # 478x2 landmarks in ``user_crop``
    points: np.ndarray          # 478x2 landmarks of the new face in the result


@dataclass(frozen=True)
class FusionResult:
    image: np.ndarray
    report: FusionReport
    traces: list[FaceTrace] = field(default_factory=list)


def check_image_size(img: np.ndarray, field_name: str) -> None:
    """64 < side < 8000 (FuseFaceUltra's template limits)."""
    h, w = img.shape[:2]
    if min(h, w) < MIN_SIDE:
        raise ImageTooSmall(f"{field_name} is {w}x{h}; each side must be at least {MIN_SIDE} px",
                            field=field_name)
    if max(h, w) > MAX_SIDE:
        raise ImageTooLarge(f"{field_name} is {w}x{h}; each side must be at most {MAX_SIDE} px",
                            field=field_name)


def check_face_size(face: Face, field_name: str) -> None:
    """A face must be at least 34x34 px."""
    if face.box.w < MIN_FACE or face.box.h < MIN_FACE:
        raise FaceTooSmall(
            f"the face in {field_name} is {face.box.w:.0f}x{face.box.h:.0f} px; faces must be at "
            f"least {MIN_FACE}x{MIN_FACE} px", field=field_name)


MAX_YAW = 0.8  # sin of about 53 degrees: beyond it half the face is hidden and the mesh guesses


def check_pose(face: Face, field_name: str) -> None:
    """Refuse faces turned so far that half of them is hidden (a swap would tear)."""
    if abs(face.yaw) > MAX_YAW:
        # the proxy ends at 1 once the nose tip passes the far cheek's outline: a face
        # turned 45-60 degrees (a three-quarter view) reads 1 like a profile
        degrees = np.degrees(np.arcsin(min(1.0, abs(face.yaw))))
        limit = np.degrees(np.arcsin(MAX_YAW))
        # a face just past the limit (53.1 degrees) rounds to it: "about 53 degrees; at most
        # 53 degrees" read as a contradiction
        about = (f"about {degrees:.0f}" if round(degrees) > round(limit) else
                 f"just over {limit:.0f}")
        turned = ("turned so far that its far cheek is hidden" if abs(face.yaw) >= 1.0 else
                  f"turned {about} degrees from the camera")
        raise FacePoseUnsupported(
            f"the face in {field_name} is {turned}; faces must be turned at most "
            f"{limit:.0f} degrees", field=field_name)


def assign_template_faces(faces: list[Face], merges: list[MergeEntry]) -> list[Face]:
    """Template face for each merge: by TemplateFaceRect, else the largest unused ones."""
    chosen: list[Face | None] = [None] * len(merges)
    for i, entry in enumerate(merges):
        if entry.template_face_rect is not None:
            chosen[i] = select_face(faces, entry.template_face_rect,
                                    field=f"MergeInfos.{i}.TemplateFaceRect")
    used = {id(f) for f in chosen if f is not None}
    free = iter(f for f in faces if id(f) not in used)
    for i in range(len(merges)):
        if chosen[i] is None:
            chosen[i] = next(free, None)
            if chosen[i] is None:
                raise TooManyFaces(f"MergeInfos has {len(merges)} entries but the template has "
                                   f"only {len(faces)} face(s)", field="MergeInfos")
    if len({id(f) for f in chosen}) != len(chosen):
        raise FaceRectInvalid("two MergeInfos entries select the same template face",
                              field="MergeInfos")
    return [f for f in chosen if f is not None]


def needs_all_faces(merges: list[MergeEntry]) -> bool:
    """Whether the template's small faces matter: several merges or a TemplateFaceRect (one
    merge without a rect takes the largest face, which the whole-image pass finds)."""
    return len(merges) > 1 or any(m.template_face_rect is not None for m in merges)


def user_face(entry: MergeEntry, index: int) -> Face:
    """The user face of one merge entry (by InputImageFaceRect, else the largest)."""
    field_name = f"MergeInfos.{index}"
    check_image_size(entry.image, field_name)
    # only the largest face is wanted without a rect: the tile pass (small faces) is skipped
    faces = require_faces(entry.image, field=field_name,
                          tiles=entry.input_face_rect is not None)
    if entry.input_face_rect is not None:
        face = select_face(faces, entry.input_face_rect, field=f"{field_name}.InputImageFaceRect")
    else:
        face = faces[0]
    check_face_size(face, field_name)
    check_pose(face, field_name)
    return face


def mirror_user(img: np.ndarray, face: Face) -> tuple[np.ndarray, Face]:
    """The horizontally flipped image and its face (landmarks re-indexed, no re-meshing)."""
    return np.ascontiguousarray(img[:, ::-1]), mirror_face(face, img.shape[1])


def fuse(template: np.ndarray, merges: list[MergeEntry], params: FusionParams) -> FusionResult:
    """Fuse every merge entry's face into ``template`` (HxWx3 uint8 RGB) and watermark it."""
    keep_freed_memory()  # its temporaries reuse freed memory, not fresh pages (see there)
    report = FusionReport()
    check_merges(merges)
    check_image_size(template, "ModelImage")
    with timed(report.timings_ms, "detect"):
        # the user side (detection, planning, complexion, warps) runs on the helper thread
        # while the template is searched and re-toned here
        users = in_helper(_user_faces, merges)
        t_copy = detection_copy(template)
        # the template person is segmented (on the segmenter's own threads) while its faces
        # are found here: the re-toning then has it without waiting
        person = person_mask_started(t_copy[0])
        targets, alone = _template_faces(template, merges, t_copy)
    # which template faces have beards is known here, before the user half is planned: the
    # re-toning waits for the plan (does the user have a beard too?) only for those
    bearded = [has_beard(template, t.landmarks, SHAVE_SHARE) for t in targets]
    planned = in_helper(_plan_faces, merges, users, targets, bearded, params)
    retone = params.skin_tone == "user"  # the complexions are unused otherwise
    tones = [in_helper(_user_tone, planned, i) for i in range(len(merges)) if retone]
    # the template person's own glasses go with their face: painted out of the scene with
    # their hinges by the hair. Found on the helper after the user's complexion (the
    # re-toning here waits for that first) and before the user half (the re-toning needs
    # them at its end)
    frames = [in_helper(partial(glasses_mask, off_face=True), template, t.landmarks)
              for t in targets]
    # the helper also takes the user half (the longest job: first) and the template half's
    # landmark-only steps (the outline warp's maps, then the landmark fields); the swap here
    # computes any of them itself when it needs it before the helper has started on it
    sides = [in_helper(_user_side, planned, i, template.shape) for i in range(len(merges))]
    maps = [in_helper(_template_maps, planned, i, template.shape) for i in range(len(merges))]
    aheads = [TemplateAhead(m, in_helper(_template_shape, planned, i, template.shape, m))
              for i, m in enumerate(maps)]
    grains = [in_helper(template_grain, template, t.landmarks) for t in targets]
    canvas = _retoned_template(template, [t.landmarks for t in targets], params, report, tones,
                               t_copy[0], t_copy, frames, partial(_shaven_for, planned, bearded,
                                                                     template.shape), person,
                               alone)
    person()  # waited for even when unused: the segmenter is left idle
    with timed(report.timings_ms, "plan"):
        plans = planned.result()
    traces: list[FaceTrace] = []
    for plan, side, ahead, grain in zip(plans, sides, aheads, grains, strict=True):
        areas: list[Future[RetouchArea]] = []
        fields: list[Future[tuple[np.ndarray, float]]] = []
        weights: list[Future[np.ndarray]] = []
        with timed(report.timings_ms, "swap"):
            swapped = swap_face(canvas, plan.template_face.landmarks, plan.user,
                                plan.user_points, plan.options, side,
                                in_place=canvas is not template, ahead=ahead,
                                on_mask=_AreaAhead(areas, template.shape,
                                                   fields if params.smooth < 1.0 else None,
                                                   weights if params.enhance > 0 else None))
        with timed(report.timings_ms, "retouch"):
            canvas = finish_face(swapped, template, plan, params, report.timings_ms,
                                 areas[0] if areas else None, grain,
                                 fields[0] if fields else None,
                                 weights[0] if weights else None)
        report.faces.append(_face_report(plan))
        traces.append(FaceTrace(swapped.mask, swapped.roi, swapped.user_maps, plan.user,
                                plan.user_points, swapped.points))
    result = canvas if canvas.dtype == np.uint8 else to_u8(canvas)  # a fresh array either way
    with timed(report.timings_ms, "watermark"):
        result = apply_watermark(result, params.watermark)
    if params.compute_identity:
        with timed(report.timings_ms, "identity"):
            _add_identity(result, plans, [t.points for t in traces], report)
    return FusionResult(result, report, traces)


@dataclass(frozen=True)
class _AreaAhead:
    """Starts the retouch box of a swap (:func:`retouch_area`) on the helper thread as soon as
    the swap's blend weight is known, while the swap blends here, and after it that box's
    grain field (:func:`area_grain`, into ``fields`` when given: the skin is grained), the
    enhancement's weight first (:func:`area_feather`, into ``weights`` when given)."""

    areas: list[Future[RetouchArea]]
    shape: tuple[int, ...]
    fields: list[Future[tuple[np.ndarray, float]]] | None = None
    weights: list[Future[np.ndarray]] | None = None

    def __call__(self, points: np.ndarray, mask: np.ndarray) -> None:
        area = in_helper(retouch_area, points, mask, self.shape)
        self.areas.append(area)
        if self.weights is not None:
            self.weights.append(in_helper(area_feather, area))
        if self.fields is not None:
            self.fields.append(in_helper(area_grain, area))


def _user_faces(merges: list[MergeEntry]) -> list[Face]:
    return [user_face(entry, i) for i, entry in enumerate(merges)]


def _plan_faces(merges: list[MergeEntry], users: Future[list[Face]], targets: list[Face],
                bearded: list[bool], params: FusionParams) -> list[FacePlan]:
    found = users.result()
    return [plan_face(merges[i].image, found[i], t, params, bearded[i])
            for i, t in enumerate(targets)]


def _user_tone(plans: Future[list[FacePlan]], i: int) -> SkinTone:
    plan = plans.result()[i]
    return skin_tone(plan.user, plan.user_points)


def _user_side(plans: Future[list[FacePlan]], i: int, shape: tuple[int, ...]) -> UserSide:
    p = plans.result()[i]
    return prepare_user(shape, p.template_face.landmarks, p.user, p.user_points, p.options)


def _template_maps(plans: Future[list[FacePlan]], i: int,
                   shape: tuple[int, ...]) -> TemplateMaps:
    p = plans.result()[i]
    return template_maps(shape, p.template_face.landmarks, p.user_points, p.options)


def _template_shape(plans: Future[list[FacePlan]], i: int, shape: tuple[int, ...],
                    maps: Future[TemplateMaps]) -> TemplateShape:
    p = plans.result()[i]
    return template_shape(shape, p.template_face.landmarks, p.user_points, p.options, maps)


def _template_faces(template: np.ndarray, merges: list[MergeEntry],
                    copy: tuple[np.ndarray, int]) -> tuple[list[Face], bool]:
    """The template face of each merge entry, checked (``copy``: the detection copy), and
    whether it is the only face found in the template."""
    t_faces = require_faces(template, field="ModelImage", tiles=needs_all_faces(merges),
                            copy=copy)
    targets = assign_template_faces(t_faces, merges)
    for face in targets:
        check_face_size(face, "ModelImage")
        check_pose(face, "ModelImage")
    return targets, len(t_faces) == 1


def _retoned_template(template: np.ndarray, t_points: list[np.ndarray], params: FusionParams,
                      report: FusionReport,
                      user_tones: Sequence[Future[SkinTone] | SkinTone],
                      small: np.ndarray | None = None,
                      reduced: tuple[np.ndarray, int] | None = None,
                      frames: Sequence[Future[np.ndarray] | np.ndarray] | None = None,
                      shaven: Callable[[int], UserJaw | np.ndarray | None] | None = None,
                      person_of: Callable[[], np.ndarray] | None = None,
                      alone: bool = False) -> np.ndarray:
    """The template (HxWx3 uint8 RGB) prepared for the swaps: the beard of each target
    person (face landmarks ``t_points``) shaved when that face's user has none (``shaven``:
    for face ``i``, the landmarks its user's face will have when it is, :attr:`FacePlan.shaven`,
    and the shadow that user's jaw casts (a :class:`UserJaw`, or the landmarks alone), or
    None; None: each bearded face is, as for users without beards, and painted to the
    template's own outline), the eyeglass frames painted out
    (``frames``: their :func:`glasses_mask` or futures of them, found here when not given),
    and, with ``skin_tone="user"``, their skin re-toned to the matching user's complexion
    (``user_tones``: the user face's :func:`skin_tone`, or a future of it). A new array, or
    ``template`` itself when nothing changes. ``small``: a reduced copy to segment the person
    on (see :func:`template_person`); ``reduced``: the detection copy and its reduction factor
    (:func:`~portrait_studio.perception.faces.detection_copy`), reused as the re-toning's
    working grid when that grid has the same blocks (and the template was not shaved).
    ``person_of``: gives :func:`template_person` of ``template`` and ``small`` (started
    ahead), called when the person is needed. ``alone``: the template has one face, its
    person's body skin is re-toned however far it reaches
    (:func:`~portrait_studio.capabilities.face_swap.tone.person_skin_field`)."""
    find = partial(template_person, template, small) if person_of is None else person_of
    with timed(report.timings_ms, "tone"):
        canvas, person, paints = _shaven(template, t_points, find, shaven)
        if params.skin_tone == "user":
            painted = canvas is not template
            canvas = canvas if painted else template.copy()
            person = find() if person is None else person
            changed = painted
            for t_pts, tone, paint in zip(t_points, user_tones, paints, strict=True):
                t_tone = skin_tone(template, t_pts)
                field = person_skin_field(canvas, t_pts, person, None if painted else reduced,
                                          alone)
                # the weight fitted to the template's skin edges before the user's complexion
                # is awaited: a user's glasses keep the helper thread painting them out for
                # 30 ms, and this thread waited for it idle
                ahead = retone_weight(canvas, field.roi, field.grid, field.weight, field.edges)
                u_tone = tone if isinstance(tone, SkinTone) else tone.result()
                # the canvas before this face's re-toning: the template itself while nothing
                # was painted or re-toned yet (no copy of the whole frame)
                before = (canvas[field.roi.slices].copy() if changed
                          else template[field.roi.slices])
                lut = tone_map(u_tone, t_tone)
                # the backdrop and clothes the shave painted are no skin, whatever their
                # colour and wherever the weight reaches them
                retone_curve(canvas, lut, field.roi, field.grid, field.weight, field.edges,
                             paint, ahead)
                retone_hairline(canvas, before, lut, t_pts, field)
                changed = True  # the next face's "before" is this re-toned canvas
    for i, t_pts in enumerate(t_points):
        found = glasses_mask(template, t_pts, off_face=True) if frames is None else frames[i]
        frame = found if isinstance(found, np.ndarray) else found.result()
        if frame.any() and person is None:
            person = find()
        canvas = erase_frames(canvas, frame, t_pts, person)
    return canvas


def _shaven(template: np.ndarray, t_points: list[np.ndarray], find: Callable[[], np.ndarray],
            shaven: Callable[[int], UserJaw | np.ndarray | None] | None) -> tuple[
                np.ndarray, np.ndarray | None, list[NotSkin | None]]:
    """The template with the beards of the target faces that are ``shaven`` (see
    :func:`_retoned_template`) painted over (:func:`shave_beard_painted`, to the user's jaw
    and its shadow when they are known; ``template`` itself when there are none), the person
    map when it was needed for that, and for each face the backdrop and clothes painted
    beside its throat (None: none)."""
    canvas, person = template, None
    paints: list[NotSkin | None] = []
    for i, t_pts in enumerate(t_points):
        placed = None if shaven is None else shaven(i)
        paint = None
        if placed is not None or (shaven is None and has_beard(template, t_pts, SHAVE_SHARE)):
            person = find() if person is None else person
            canvas, paint = shave_beard_painted(canvas, t_pts, person, placed)
        paints.append(paint)
    return canvas, person, paints


def _shaven_for(plans: Future[list[FacePlan]], bearded: list[bool], shape: tuple[int, ...],
                i: int) -> UserJaw | None:
    """The landmarks the user's face will have on template face ``i`` (of a template of
    ``shape``; :func:`swap_region`) and the shadow the user's jaw casts on their neck in
    their photo (:func:`jaw_shadow`) when that face is shaved, else None: never when it has
    no beard (``bearded``), so that the plan is awaited only for bearded faces."""
    if not bearded[i] or not (plan := plans.result()[i]).shaven:
        return None
    placed = swap_region(shape, plan.template_face.landmarks, plan.user_points, plan.options)[0]
    return UserJaw(placed, jaw_shadow(plan.user, plan.user_points))


PERSON_SIDE = 512  # the segmenter sees 256x256: a larger input only costs conversion time


def template_person(template: np.ndarray, small: np.ndarray | None = None) -> np.ndarray:
    """Person probability (float32) of an HxWx3 uint8 RGB image, segmented on a block-averaged
    copy of at most about PERSON_SIDE px per side (or on ``small``, any reduced copy of the
    whole template, e.g. the detection copy) and returned at that copy's size (the consumers
    sample it as a smooth field)."""
    from ..perception.faces import shrink

    if small is None:
        small = shrink(template, -(-max(template.shape[:2]) // PERSON_SIDE))
    return person_mask(small)


def _face_report(plan: FacePlan) -> FaceReport:
    return FaceReport(plan.template_face.box.as_ints(), plan.user_face.box.as_ints(),
                      plan.mirrored, plan.options.keep_template_eyes,
                      plan.options.keep_template_mouth, plan.glasses_removed)


def _add_identity(result: np.ndarray, plans: list[FacePlan], placed: list[np.ndarray],
                  report: FusionReport) -> None:
    from ..perception.identity import distance, embedding

    for plan, points, face_report in zip(plans, placed, report.faces, strict=True):
        box = Box(*map(float, cv2.boundingRect(points[:468].astype(np.float32))))
        user_emb = embedding(plan.source_image, plan.user_face.box)
        face_report.identity_distance = round(distance(embedding(result, box), user_emb), 4)


__all__ = ["FusionParams", "FusionResult", "MergeEntry", "fuse", "mirror_user"]
