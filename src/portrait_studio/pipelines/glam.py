"""Glam photos (the engine behind Tencent SubmitGlamPicJob): 1-5 users, each with 1-6 photos,
into a template photo with up to 5 faces, as 1-4 styled outputs.

Work is split so that everything shared by the outputs runs once:

1. :func:`prepare`: check the template (each side > 300 px, 1..5 faces), map users to template
   faces (``TemplateFaceRect`` or size, largest first), choose each user's best photo for its
   template face (:mod:`.glam_select`), then fuse every user into one base canvas with the
   similarity morph (:mod:`.glam_morph`); when a ``real`` output is asked for, also a
   higher-likeness copy of it (more of the user's pixels in the face, no second swap).
2. :func:`~.glam_render.render` (once per output): the style's face-local retouch on the base,
   super-resolution (Clarity; the base is upscaled once and only each output's changed face
   regions again), the style's colour grade at the final size, and the watermark.

:func:`glam` runs both and returns every image; a job executor calls :func:`prepare` and
renders the outputs one by one to keep memory bounded. Images are HxWx3 uint8 RGB; outputs have
the template's size times the Clarity factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..capabilities.face_swap.core import SwapOutput
from ..capabilities.glam_style.face import FaceMasks
from ..errors import FaceRectInvalid, ImageTooLarge, ImageTooSmall, ParameterError, TooManyFaces
from ..imaging import geometry as geo
from ..imaging.color import to_u8
from ..perception.faces import Face, require_faces, select_face
from ..perception.segmentation import person_mask
from .fusion import MAX_SIDE, check_face_size, check_pose
from .fusion_face import FacePlan, plan_face, template_grain_level
from .fusion_params import FusionParams
from .glam_morph import (
    MorphAmounts,
    MorphSource,
    boost_texture,
    morph_amounts,
    morph_swap,
    retone_person,
)
from .glam_params import GlamParams, GlamUser, check_users
from .glam_select import PhotoChoice, choose_photo
from .timing import timed

MIN_TEMPLATE_SIDE = 300     # each side must be MORE than this (vendor rule)
MAX_TEMPLATE_FACES = 5
MAX_OUTPUT_SIDE = 8192      # Clarity may not make an output side longer than this
TEMPLATE_FIELD = "TemplateUrl"


@dataclass
class UserReport:
    """What happened to one user: the template face replaced and the photo used, and why."""

    user: int
    template_box: tuple[int, int, int, int]
    photo: int
    reason: str
    photos: list[dict[str, Any]]
    mirrored: bool


@dataclass
class OutputReport:
    index: int
    style: str
    variation: int
    width: int = 0
    height: int = 0
    identity_distances: list[float] | None = None


@dataclass
class GlamReport:
    """JSON-able summary of a glam job (see :meth:`as_dict`)."""

    seed: int
    similarity: float
    morph: MorphAmounts
    clarity: str | None
    users: list[UserReport] = field(default_factory=list)
    outputs: list[OutputReport] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    real_morph: MorphAmounts | None = None

    def as_dict(self) -> dict[str, Any]:
        real = None if self.real_morph is None else self.real_morph.as_dict()
        return {"seed": self.seed, "similarity": self.similarity, "morph": self.morph.as_dict(),
                "real_style_morph": real,
                "clarity": self.clarity, "users": [vars(u) for u in self.users],
                "outputs": [vars(o) for o in self.outputs],
                "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()}}


@dataclass(frozen=True)
class PlacedFace:
    """One user's face: its plan, the template's skin grain there and the chosen photo."""

    user: int
    plan: FacePlan
    grain: float           # the template's own skin grain level at this face
    photo: np.ndarray      # the chosen user photo (uint8 RGB)
    photo_face: Face


@dataclass(frozen=True)
class Canvas:
    """The template with every user fused at one likeness level (no style yet)."""

    image: np.ndarray            # HxWx3 uint8 RGB
    points: list[np.ndarray]     # per face: 478x2 landmarks of the new face
    rois: list[geo.Roi]          # per face: the region the swap changed
    amounts: MorphAmounts


@dataclass
class GlamPlan:
    """Everything the outputs share; :func:`~.glam_render.render` turns it into images.

    ``canvases["main"]`` is fused at the job's similarity; ``canvases["real"]`` (jobs with a
    ``real`` output and 0 < similarity < 1) has the user's texture share of :func:`real_texture`.
    """

    template: np.ndarray
    canvases: dict[str, Canvas]
    faces: list[PlacedFace]
    params: GlamParams
    styles: tuple[str, ...]
    variations: tuple[int, ...]
    report: GlamReport
    threads: int = 1
    sr_base: np.ndarray | None = None
    masks: dict[tuple[int, int], FaceMasks] = field(default_factory=dict)

    @property
    def base(self) -> np.ndarray:
        """The main canvas image (HxWx3 uint8 RGB)."""
        return self.canvases["main"].image

    def canvas_for(self, index: int) -> Canvas:
        """The canvas output ``index`` starts from."""
        if self.styles[index] == "real" and "real" in self.canvases:
            return self.canvases["real"]
        return self.canvases["main"]


@dataclass(frozen=True)
class GlamResult:
    images: list[np.ndarray]
    report: GlamReport


def check_template_size(width: int, height: int, params: GlamParams) -> None:
    """Each side > 300 px and <= 8000; with Clarity, outputs at most 8192 px per side.
    Needs only the size, so a transport can check a template from its header at submit."""
    if min(width, height) <= MIN_TEMPLATE_SIDE:
        raise ImageTooSmall(f"{TEMPLATE_FIELD} is {width}x{height}; each side must be more "
                            f"than {MIN_TEMPLATE_SIDE} px", field=TEMPLATE_FIELD)
    if max(width, height) > MAX_SIDE:
        raise ImageTooLarge(f"{TEMPLATE_FIELD} is {width}x{height}; each side must be at most "
                            f"{MAX_SIDE} px", field=TEMPLATE_FIELD)
    if max(width, height) * params.scale > MAX_OUTPUT_SIDE:
        raise ImageTooLarge(
            f"Clarity {params.clarity} would make the {width}x{height} template "
            f"{width * params.scale}x{height * params.scale}; outputs may be at most "
            f"{MAX_OUTPUT_SIDE} px per side, so Clarity {params.clarity} needs a template of "
            f"at most {MAX_OUTPUT_SIDE // params.scale} px per side", field="Clarity")


def check_template(template: np.ndarray, params: GlamParams) -> None:
    """:func:`check_template_size` of an HxWx3 template."""
    check_template_size(int(template.shape[1]), int(template.shape[0]), params)


def check_logo_rect(template: np.ndarray, params: GlamParams) -> None:
    """A LogoRect (template pixels) must overlap the template, checked before any work."""
    rect = params.logo_rect
    h, w = template.shape[:2]
    if params.logo_add == 0 or params.logo is None or rect is None:
        return
    if rect.x >= w or rect.y >= h or rect.x + rect.width <= 0 or rect.y + rect.height <= 0:
        raise ParameterError(
            f"LogoParam.LogoRect (X={rect.x}, Y={rect.y}, Width={rect.width}, "
            f"Height={rect.height}) lies outside the {w}x{h} template; it must overlap it",
            field="LogoParam.LogoRect")


def template_faces(template: np.ndarray) -> list[Face]:
    """The template's faces, largest first (1..5)."""
    faces = require_faces(template, field=TEMPLATE_FIELD)
    if len(faces) > MAX_TEMPLATE_FACES:
        raise TooManyFaces(f"{TEMPLATE_FIELD} shows {len(faces)} faces; a template may show "
                           f"at most {MAX_TEMPLATE_FACES}", field=TEMPLATE_FIELD)
    return faces


def assign_faces(faces: list[Face], users: Sequence[GlamUser]) -> list[Face]:
    """Template face of each user: by ``template_face_rect``, else the largest free one."""
    if len(users) > len(faces):
        raise TooManyFaces(f"FaceInfos has {len(users)} users but the template shows only "
                           f"{len(faces)} face(s); give at most one user per template face",
                           field="FaceInfos")
    chosen: list[Face | None] = [
        None if u.template_face_rect is None else
        select_face(faces, u.template_face_rect, field=f"FaceInfos.{i}.TemplateFaceRect")
        for i, u in enumerate(users)]
    taken = [id(f) for f in chosen if f is not None]
    if len(set(taken)) != len(taken):
        raise FaceRectInvalid("two FaceInfos entries select the same template face with "
                              "TemplateFaceRect", field="FaceInfos")
    free = iter(f for f in faces if id(f) not in taken)
    out = [f if f is not None else next(free) for f in chosen]
    for face in out:
        check_face_size(face, TEMPLATE_FIELD)
        check_pose(face, TEMPLATE_FIELD)
    return out


def _user_report(index: int, target: Face, choice: PhotoChoice, plan: FacePlan) -> UserReport:
    return UserReport(index, target.box.as_ints(), choice.index, choice.reason,
                      [s.as_dict() for s in choice.scores], plan.mirrored)


def _variations(styles: tuple[str, ...]) -> tuple[int, ...]:
    """Variation number of each output: how many earlier outputs share its style."""
    return tuple(styles[:i].count(style) for i, style in enumerate(styles))


def real_texture(texture: float) -> float:
    """The user's share of the face pixels in ``real`` outputs ("higher face similarity"):
    ``1 - (1 - t)^1.5`` of the job's share ``t`` (0.79 -> 0.91 at Similarity 0.6); 0 and 1
    stay put, so Similarity keeps its meaning at both ends."""
    return 1.0 - float((1.0 - texture) ** 1.5)


def _retoned(template: np.ndarray, plans: list[FacePlan], tone: float,
             report: GlamReport) -> np.ndarray:
    canvas = template.astype(np.float32)
    if tone > 0:
        with timed(report.timings_ms, "tone"):
            person = person_mask(template)
            for plan in plans:
                canvas = retone_person(canvas, template, person, plan, tone)
    return canvas


@dataclass(frozen=True)
class _Fused:
    canvas: Canvas
    swaps: list[tuple[SwapOutput, MorphSource]]


def _fuse_all(retoned: np.ndarray, template: np.ndarray, plans: list[FacePlan],
              amounts: MorphAmounts, report: GlamReport) -> _Fused:
    canvas, swaps = retoned, []
    with timed(report.timings_ms, "swap"):
        for plan in plans:
            swapped, source = morph_swap(canvas, template, plan, amounts)
            canvas = swapped.image
            swaps.append((swapped, source))
    points = [s.points for s, _ in swaps]
    rois = [s.roi for s, _ in swaps]
    return _Fused(Canvas(to_u8(canvas), points, rois, amounts), swaps)


def _real_canvas(main: _Fused, report: GlamReport) -> Canvas:
    """The main canvas with the user's texture share raised to :func:`real_texture`."""
    amounts = main.canvas.amounts
    boosted = MorphAmounts(amounts.shape, real_texture(amounts.texture), amounts.tone,
                           amounts.own_light)
    report.real_morph = boosted
    canvas = main.canvas.image.astype(np.float32)
    with timed(report.timings_ms, "real"):
        for swapped, source in main.swaps:
            canvas = boost_texture(canvas, swapped, source, boosted.texture - amounts.texture)
    rois = [source.roi for _, source in main.swaps]
    return Canvas(to_u8(canvas), main.canvas.points, rois, boosted)


def _canvases(template: np.ndarray, plans: list[FacePlan], styles: tuple[str, ...],
              report: GlamReport) -> dict[str, Canvas]:
    """The main canvas and, when a ``real`` output needs it, the higher-likeness one (it
    differs from the main one only inside the swapped faces)."""
    retoned = _retoned(template, plans, report.morph.tone, report)
    main = _fuse_all(retoned, template, plans, report.morph, report)
    canvases = {"main": main.canvas}
    if "real" in styles and 0.0 < report.morph.texture < 1.0:
        canvases["real"] = _real_canvas(main, report)
    return canvases


def _choose_photos(template: np.ndarray, users: Sequence[GlamUser], report: GlamReport) -> (
        tuple[list[FacePlan], list[PlacedFace]]):
    with timed(report.timings_ms, "detect"):
        targets = assign_faces(template_faces(template), users)
    plans, faces = [], []
    with timed(report.timings_ms, "select"):
        for i, (user, target) in enumerate(zip(users, targets, strict=True)):
            choice = choose_photo(i, user.photos, target)
            photo = user.photos[choice.index]
            plan = plan_face(photo, choice.face, target, FusionParams(warp=1.0))
            plans.append(plan)
            grain = template_grain_level(template, target.landmarks)
            faces.append(PlacedFace(i, plan, grain, photo, choice.face))
            report.users.append(_user_report(i, target, choice, plan))
    return plans, faces


def prepare(template: np.ndarray, users: Sequence[GlamUser], params: GlamParams,
            *, threads: int = 1) -> GlamPlan:
    """Check the inputs, choose photos and fuse every user into the shared canvases.

    ``template`` HxWx3 uint8 RGB; ``threads`` is the super-resolution thread count.
    """
    check_users(users)
    check_template(template, params)
    check_logo_rect(template, params)
    seed = params.job_seed()
    report = GlamReport(seed, params.similarity, morph_amounts(params.similarity),
                        params.clarity)
    plans, faces = _choose_photos(template, users, report)
    styles = params.style_order(len(users), seed)
    variations = _variations(styles)
    report.outputs = [OutputReport(i, s, v) for i, (s, v) in enumerate(zip(styles, variations))]
    canvases = _canvases(template, plans, styles, report)
    return GlamPlan(template, canvases, faces, params, styles, variations, report, threads)


def glam(template: np.ndarray, users: Sequence[GlamUser], params: GlamParams,
         *, threads: int = 1) -> GlamResult:
    """Every output of a glam job (HxWx3 uint8 RGB each) and the job report."""
    from .glam_render import render

    plan = prepare(template, users, params, threads=threads)
    images = [render(plan, i) for i in range(params.num)]
    return GlamResult(images, plan.report)


__all__ = ["GlamParams", "GlamPlan", "GlamReport", "GlamResult", "GlamUser", "glam", "prepare"]
