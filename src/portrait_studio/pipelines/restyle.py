"""Identity-keeping restyle (the engine behind Volcengine ``img2img_anime_accelerated_maintain_id``).

:func:`restyle` makes a new portrait of the person in the face image at ``width`` x ``height``:
the photo is framed as a head-and-shoulders portrait (face centred, eyes 40 % from the top,
face about 40 % of the height; reflected and blurred border when the photo is too tight), then
painted in a look, graded by the prompt, and the face is handled per the switches.

* Look: with ``style_switch`` the style image's palette, tonality, texture and line character
  (repaint custom style -1 plus line art whose strength follows the style image's edge density
  and contrast); otherwise the prompt's style word (ten repaint styles plus restyle's own
  watercolour, oil painting and sketch, see :mod:`..capabilities.restyle.vocab`); with no style
  word a clean, photographic beauty portrait. A prompt style word and a style image together:
  the prompt's look recoloured with the style image's palette and lines.
* ``face_switch``: the photo's face (eyes, brows, nose, mouth, outline) is blended back,
  lightly styled, so identity is kept; off, the face is styled like the rest (with the style's
  own face treatment). ``facestyle_switch``: colours pulled back toward the face image's own
  (a gentle beauty treatment in its own colours when there is no other style).
* ``step`` (1..50, default 18) is the abstraction: 18 is each look's native strength; above,
  ``(step - 18) // 8`` extra edge-preserving passes (up to 4) and stronger own looks; below,
  fewer "passes": the look is mixed over the photo by at most ``1 - 0.6 * (18 - step) / 18``
  and ``0.6 * (18 - step) / 18`` of the photo's fine detail is put back. ``cfg`` (1..20,
  default 4.5) is prompt adherence: the look is mixed over the photo by at most
  ``min(1, cfg / 4.5)`` (at least 0.25) and the prompt's grading controls, tint and light are
  multiplied by ``clip(cfg / 4.5, 0.2, 2)``. (The clean beauty look is never mixed back.)
* ``hyper_switch``: the light path: painted at most 640 px on the long side and enlarged
  (cubic) to the output, working copy 480 px instead of 720, no extra passes or detail return,
  lighter line art; step and cfg are ignored (the defaults are used). The
  vendor doc says hyper needs the three switches off, but its own sample sends hyper with
  ``face_switch`` on: both are accepted.
* ``seed``: -1 draws a fresh seed (reported); any other value makes the output repeatable to
  the byte. The seed drives textures, the light's side, a small warmth variation and the
  film grain, so different seeds give different pictures.

Images are HxWx3 uint8 RGB throughout.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..capabilities.restyle import grading, identity, style_ref
from ..capabilities.restyle.framing import Framing, find_face, frame_portrait
from ..capabilities.restyle.looks import OWN_LOOKS, skin_smoothed
from ..capabilities.restyle.ops import mix
from ..capabilities.restyle.prompt import DEFAULT_BLOCKLIST, PromptPlan, check_prompt, parse_prompt
from ..capabilities.stylize import custom
from ..capabilities.stylize.context import StyleContext, work_copy
from ..capabilities.stylize.face import FaceProfile, treat_faces
from ..capabilities.stylize.styles import BY_INDEX
from ..capabilities.stylize.toolkit import bilateral, blur, f32, u8
from ..errors import (
    ImageError,
    ImageTooLarge,
    ImageTooSmall,
    MissingParameter,
    NoFaceDetected,
    ParameterError,
)
from ..perception.faces import Face
from .timing import timed

__all__ = ["DEFAULT_BLOCKLIST", "DEFAULT_PROMPT", "PromptPlan", "RestyleParams", "RestyleResult",
           "check_prompt", "colour_hist_distance", "parse_prompt", "restyle"]

Image = NDArray[np.uint8]
DEFAULT_PROMPT = "1girl,beautiful,looking at viewer,portrait,"
SIZE_RANGE = (600, 1500)
STEP_RANGE = (1, 50)
CFG_RANGE = (1.0, 20.0)
DEFAULT_STEP, DEFAULT_CFG = 18, 4.5
MAX_SEED = 2**63 - 1
MAX_PROMPT_CHARS = 2000
IMAGE_SIDE_RANGE = (128, 4096)
WORK_SIDE, HYPER_WORK_SIDE, HYPER_SIDE = 720, 480, 640
GRAIN = 1.6
OWN_FACE = FaceProfile(detail=0.5, shading=0.2)


@dataclass(frozen=True)
class RestyleParams:
    """Validated restyle parameters (Volcengine field names; see the module docstring).

    ``face_index`` / ``style_index`` index the request's image list (None: not given).
    Raises :class:`ParameterError` with the wire field name on any bad value.
    """

    positive_prompt: str = DEFAULT_PROMPT
    face_index: int | None = None
    style_index: int | None = None
    face_switch: bool = False
    facestyle_switch: bool = False
    style_switch: bool = False
    hyper_switch: bool = False
    seed: int = -1
    step: int = DEFAULT_STEP
    cfg: float = DEFAULT_CFG
    width: int = 1000
    height: int = 1000

    def __post_init__(self) -> None:
        if not isinstance(self.positive_prompt, str) or len(self.positive_prompt) > \
                MAX_PROMPT_CHARS:
            raise ParameterError(f"positive_prompt must be a string of at most "
                                 f"{MAX_PROMPT_CHARS} characters", field="positive_prompt")
        for name in ("face_switch", "facestyle_switch", "style_switch", "hyper_switch"):
            if not isinstance(getattr(self, name), bool):
                raise ParameterError(f"{name} must be true or false, got "
                                     f"{getattr(self, name)!r}", field=name)
        _check_index("face_image", self.face_index)
        _check_index("style_image", self.style_index)
        _check_int("seed", self.seed, -1, MAX_SEED)
        _check_int("step", self.step, *STEP_RANGE)
        _check_cfg(self.cfg)
        _check_int("width", self.width, *SIZE_RANGE)
        _check_int("height", self.height, *SIZE_RANGE)
        _check_switches(self)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(f"{name} must be an integer from {low} to {high}, got {value!r}",
                             field=name, low=low, high=high, value=value)


def _check_cfg(value: object) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
        value) and CFG_RANGE[0] <= value <= CFG_RANGE[1]
    if not ok:
        raise ParameterError(f"cfg must be a number from {CFG_RANGE[0]:g} to {CFG_RANGE[1]:g}, "
                             f"got {value!r}", field="cfg", low=CFG_RANGE[0],
                             high=CFG_RANGE[1], value=value)


def _check_index(field: str, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < 0):
        raise ParameterError(f"{field} must reference an input image as "
                             f"\"uri://binary_data?index=N\" with N >= 0, got index {value!r}",
                             field=field, value=value)


def _check_switches(p: RestyleParams) -> None:
    if p.face_index is None:
        for name in ("face_switch", "facestyle_switch", "style_switch"):
            if getattr(p, name):
                raise ParameterError(f"{name} needs face_image: send face_image "
                                     f"(\"uri://binary_data?index=N\") or turn {name} off",
                                     field=name)
    if p.style_index is None and p.style_switch:
        raise ParameterError("style_switch needs style_image: send style_image "
                             "(\"uri://binary_data?index=N\") or turn style_switch off",
                             field="style_switch")


@dataclass(frozen=True)
class RestyleResult:
    """``image``: height x width x 3 uint8 RGB; ``report``: seed, prompt plan, look, which
    switches acted, face box (output pixels), framing, strengths and timings_ms."""

    image: NDArray[np.uint8]
    report: dict[str, Any]


def colour_hist_distance(a: Image, b: Image, bins: int = 8) -> float:
    """Bhattacharyya (Hellinger) distance, 0 (same colours) .. 1 (disjoint), between the 3-D
    Lab colour histograms (``bins`` per axis) of two HxWx3 uint8 RGB images, each measured on
    a copy of at most 256 px."""
    hists: list[NDArray[np.float32]] = []
    for img in (a, b):
        lab = cv2.cvtColor(work_copy(img, 256), cv2.COLOR_RGB2LAB)
        h = cv2.calcHist([lab], [0, 1, 2], None, [bins] * 3, [0, 256] * 3)
        hists.append(np.asarray(h / max(float(h.sum()), 1.0), np.float32))
    return float(cv2.compareHist(hists[0], hists[1], cv2.HISTCMP_BHATTACHARYYA))


@dataclass(frozen=True)
class _Strengths:
    work_side: int
    extra_passes: int
    detail_return: float
    amount: float
    look_mix: float
    gain: float


def _strengths(p: RestyleParams) -> _Strengths:
    """The step / cfg / hyper mapping of the module docstring."""
    if p.hyper_switch:
        return _Strengths(HYPER_WORK_SIDE, 0, 0.0, 1.0, 1.0, 1.0)
    below = max(0, DEFAULT_STEP - p.step) / DEFAULT_STEP
    look_mix = min(1.0 - 0.6 * below, max(0.25, min(1.0, p.cfg / DEFAULT_CFG)))
    return _Strengths(WORK_SIDE, min(4, max(0, (p.step - DEFAULT_STEP) // 8)), 0.6 * below,
                      float(np.clip(p.step / DEFAULT_STEP, 0.2, 2.0)), float(look_mix),
                      float(np.clip(p.cfg / DEFAULT_CFG, 0.2, 2.0)))


def _checked(images: Sequence[Image], index: int, field: str) -> Image:
    if index >= len(images):
        raise ParameterError(f"{field} references image index {index} but only {len(images)} "
                             f"image(s) were sent (indexes 0..{len(images) - 1})", field=field,
                             value=index)
    img = images[index]
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 \
            or img.shape[2] != 3:
        raise ImageError(f"{field} must decode to an HxWx3 uint8 RGB image", field=field)
    lo, hi = IMAGE_SIDE_RANGE
    h, w = img.shape[:2]
    if min(h, w) < lo:
        raise ImageTooSmall(f"{field} is {w}x{h}; each side must be at least {lo} pixels",
                            field=field, width=w, height=h)
    if max(h, w) > hi:
        raise ImageTooLarge(f"{field} is {w}x{h}; each side must be at most {hi} pixels",
                            field=field, width=w, height=h)
    return img


def _inputs(images: Sequence[Image], p: RestyleParams) -> tuple[Image, Image | None]:
    """(subject, style image or None): the face image, else the first image."""
    if len(images) == 0:
        raise MissingParameter("at least one input image is required (binary_data_base64 or "
                               "image_urls)", field="images")
    subject = _checked(images, p.face_index, "face_image") if p.face_index is not None \
        else _checked(images, 0, "images")
    style = _checked(images, p.style_index, "style_image") if p.style_index is not None \
        else None
    return subject, style


def _seed(seed: int) -> int:
    return seed if seed >= 0 else int(np.random.SeedSequence().generate_state(1)[0])


def _look(ctx: StyleContext, plan: PromptPlan, style_on: bool, s: _Strengths
          ) -> tuple[Image, str, FaceProfile | None]:
    """(picture, look name, face profile or None) before any face handling."""
    if plan.style is None and style_on:
        return style_ref.style_image_look(ctx, s.amount), "style_image", custom.FACE
    if plan.style is None:
        return OWN_LOOKS["beauty"](ctx, s.amount), "beauty", None
    if plan.style_index is not None:
        style = BY_INDEX[plan.style_index]
        return style.render(ctx), plan.style, style.face
    return OWN_LOOKS[plan.style](ctx, s.amount), plan.style, OWN_FACE


def _context(framing: Framing, style_img: Image | None, rng: np.random.Generator,
             s: _Strengths) -> StyleContext:
    work = work_copy(framing.image, s.work_side)
    if s.extra_passes:
        work = bilateral(work, s.extra_passes, 24.0)
    faces = [] if framing.points is None else [framing.points]
    return StyleContext(image=framing.image.copy(), work=work, faces=faces, rng=rng,
                        ref=style_img)


def _with_detail(styled: Image, photo: Image, s: _Strengths, look_mix: float) -> Image:
    """The step < 18 detail return and the cfg < 4.5 mix back toward the photo."""
    out = f32(styled)
    if look_mix < 1.0:
        out = mix(photo, out, look_mix)
    if s.detail_return > 0:
        p = f32(photo)
        out = out + (p - blur(p, 2.0)) * s.detail_return
    return u8(out)


def _faces(styled: Image, photo: Image, ctx: StyleContext, p: RestyleParams,
           profile: FaceProfile | None, look: str) -> Image:
    """facestyle_switch (own colours) then face_switch (identity) or the look's face
    treatment. ``photo`` is the framed photograph."""
    if p.facestyle_switch and look != "beauty":
        styled = identity.own_palette(styled, photo, 0.35 if p.style_switch else 0.6)
    if p.facestyle_switch and look == "beauty":
        styled = skin_smoothed(styled, ctx.faces, 0.3)
    for points in ctx.faces:
        if p.face_switch:
            styled = identity.keep_face(styled, photo, points)
        elif profile is not None:
            styled = treat_faces(styled, photo, [points], profile)
    return styled


def _style_image(styled: Image, style_img: Image, ctx: StyleContext, look: str,
                 hyper: bool) -> tuple[Image, float]:
    """The style image's palette (when the look is not already the custom style) and line
    character; returns (picture, line-art amount)."""
    if look != "style_image":
        styled = style_ref.adopt_palette(styled, style_img, 0.85)
    char = style_ref.line_character(style_img)
    strength = 0.6 if hyper else 1.0
    styled = style_ref.line_art(styled, char, ctx.unit, strength)
    return style_ref.style_grain(styled, style_img, ctx.rng, ctx.unit), char.amount * strength


def _grade(img: Image, plan: PromptPlan, s: _Strengths, ctx: StyleContext,
           framing: Framing, var: np.random.Generator) -> Image:
    g = grading.from_plan(plan, s.gain, var)
    person = ctx.person() if plan.light in ("backlight", "sunset", "neon") else None
    return grading.apply(img, g, framing.box, person, min(1.0, 0.75 * s.gain) if plan.light
                         else s.gain)


def restyle(images: Sequence[Image], params: RestyleParams, *,
            blocklist: Sequence[str] = DEFAULT_BLOCKLIST) -> RestyleResult:
    """A new portrait (params.height x params.width x 3 uint8 RGB) of the person in the face
    image (else the first image), styled per ``params``; ``images`` are the decoded inputs in
    wire order. Raises TextRejected (blocked prompt), ParameterError, image errors and
    NoFaceDetected (face_switch on and no face in the face image)."""
    timings: dict[str, float] = {}
    check_prompt(params.positive_prompt, blocklist)
    subject, style_img = _inputs(images, params)
    seed = _seed(params.seed)
    plan = parse_prompt(params.positive_prompt)
    with timed(timings, "detect"):
        face = find_face(subject)
    if face is None and params.face_switch:
        raise NoFaceDetected("no face detected in face_image; face_switch needs a clearly "
                             "visible face", field="face_image")
    run = _Run(params, plan, _strengths(params), np.random.default_rng(seed),
               np.random.default_rng([seed, 7]), timings)
    framing, image, look, line_amount = _paint(run, subject, style_img, face)
    with timed(timings, "finish"):
        out = _finish(image, (params.width, params.height), run.var)
    timings["total"] = sum(timings.values())
    report = _report(params, seed, plan, look, framing, run.s, line_amount, timings)
    return RestyleResult(out, report)


@dataclass(frozen=True)
class _Run:
    p: RestyleParams
    plan: PromptPlan
    s: _Strengths
    rng: np.random.Generator
    var: np.random.Generator
    timings: dict[str, float]


def _paint_size(p: RestyleParams) -> tuple[int, int]:
    """Where the picture is painted: the output size, or at most 640 px for hyper."""
    f = min(1.0, HYPER_SIDE / max(p.width, p.height)) if p.hyper_switch else 1.0
    return round(p.width * f), round(p.height * f)


def _paint(run: _Run, subject: Image, style_img: Image | None, face: Face | None
           ) -> tuple[Framing, Image, str, float | None]:
    """(framing, graded picture at paint size, look name, line-art amount or None)."""
    p, t = run.p, run.timings
    with timed(t, "frame"):
        framing = frame_portrait(subject, _paint_size(p), face)
        ctx = _context(framing, style_img if p.style_switch else None, run.rng, run.s)
    with timed(t, "look"):
        styled, look, profile = _look(ctx, run.plan, p.style_switch, run.s)
        styled = _with_detail(styled, framing.image, run.s,
                              run.s.look_mix if look != "beauty" else 1.0)
    line_amount = None
    if p.style_switch and style_img is not None:
        with timed(t, "style_image"):
            styled, line_amount = _style_image(styled, style_img, ctx, look, p.hyper_switch)
    with timed(t, "face"):
        styled = _faces(styled, framing.image, ctx, p, profile, look)
    with timed(t, "grade"):
        graded = _grade(styled, run.plan, run.s, ctx, framing, run.var)
    return framing, graded, look, line_amount


def _finish(img: Image, size: tuple[int, int], var: np.random.Generator) -> Image:
    """Enlarge a hyper picture to the output size (cubic), then the seed's film grain."""
    if (img.shape[1], img.shape[0]) != size:
        img = np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_CUBIC), np.uint8)
    return grading.grain(img, var, GRAIN)


def _report(p: RestyleParams, seed: int, plan: PromptPlan, look: str, framing: Framing,
            s: _Strengths, line_amount: float | None, timings: dict[str, float]
            ) -> dict[str, Any]:
    has_face = framing.points is not None
    k = p.width / framing.image.shape[1]
    box = None if framing.box is None else [round(v * k) for v in framing.box]
    return {
        "seed": seed, "prompt": plan.as_dict(), "look": look,
        "switches": {"face": p.face_switch and has_face, "facestyle": p.facestyle_switch,
                     "style": p.style_switch, "hyper": p.hyper_switch},
        "face_box": box,
        "frame": {"scale": round(framing.scale * k, 4), "padded": round(framing.padded, 4),
                  "paint_size": [framing.image.shape[1], framing.image.shape[0]]},
        "output_size": [p.width, p.height],
        "strengths": {"step": DEFAULT_STEP if p.hyper_switch else p.step,
                      "cfg": DEFAULT_CFG if p.hyper_switch else p.cfg,
                      "work_side": s.work_side, "extra_passes": s.extra_passes,
                      "detail_return": round(s.detail_return, 3),
                      "look_mix": round(s.look_mix, 3), "grade_gain": round(s.gain, 3),
                      "line_art": None if line_amount is None else round(line_amount, 3)},
        "timings_ms": {k: round(v, 1) for k, v in timings.items()},
    }
