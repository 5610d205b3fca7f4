"""The "glam" product: a job's JSON params + input bytes -> the glam pipeline -> 1..4 images.

Job params (native JSON; every field optional, SubmitGlamPicJob defaults)::

    {"num": 4, "styles": ["real", "balanced", "textured", "beautiful"], "similarity": 0.6,
     "clarity": "x2", "logo_add": 1, "logo_rect": [x, y, w, h], "seed": 7,
     "users": [{"template_face_rect": [x, y, w, h]}, {}],
     "output": {"format": "jpeg", "quality": 92}}

Inputs (roles): ``template`` (1 image); ``faces.0``, ``faces.1``, ... one role per user, in user
order, each holding that user's 1..6 photos (roles must be contiguous from ``faces.0``);
optional ``logo`` (1 image, PNG alpha kept) replacing the default text mark.

Why one role per user rather than a flat ``faces`` list plus a ``photos_per_user`` param: the
grouping then lives where the bytes are, so a count and a list can never disagree, and a
transport maps ``FaceInfos.N.ImageUrls`` to ``faces.N`` one to one.

``users`` (when given) must have one entry per ``faces.<i>`` role; ``logo_rect`` is in template
pixels (scaled by the Clarity factor). The report holds the pipeline's report (chosen photo per
user and why, styles, timings) plus the output size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..capabilities.watermark.types import LogoRect
from ..errors import ParameterError
from ..imaging.codec import decode_image, decode_image_rgba, encode_image
from ..imaging.limits import LOGO_LIMITS
from ..jobs.executors import ExecutionContext, ExecutionResult
from ..perception.faces import Box
from ..pipelines.glam import GlamParams, GlamUser, prepare
from ..pipelines.glam_params import MAX_USERS
from ..pipelines.glam_render import render
from .fusion import output_format

PRODUCT = "glam"
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}
FACES_ROLE = "faces.{}"


def _rect(value: Any, name: str) -> tuple[int, int, int, int] | None:
    if value is None:
        return None
    if (not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 4
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise ParameterError(f"{name} must be [X, Y, Width, Height] numbers, got {value!r}",
                             field=name)
    x, y, w, h = (int(v) for v in value)
    return x, y, w, h


def user_roles(ctx: ExecutionContext) -> list[str]:
    """``faces.0``, ``faces.1``, ... present in the job (contiguous from 0)."""
    roles: list[str] = []
    while ctx.input_count(FACES_ROLE.format(len(roles))) > 0 and len(roles) <= MAX_USERS:
        roles.append(FACES_ROLE.format(len(roles)))
    stray = [n for n in ctx.input_names() if n.startswith("faces") and n not in roles]
    if stray:
        raise ParameterError(f"user photos must be in roles faces.0, faces.1, ... without "
                             f"gaps; unexpected role(s) {', '.join(sorted(stray))}",
                             field="FaceInfos")
    return roles


def _user_specs(params: Mapping[str, Any], count: int) -> list[Mapping[str, Any]]:
    specs = params.get("users")
    if specs is None:
        return [{} for _ in range(count)]
    if not isinstance(specs, list) or len(specs) != count \
            or not all(isinstance(s, Mapping) for s in specs):
        raise ParameterError(f"users must list one object per user ({count})",
                             field="FaceInfos")
    return specs


def glam_users(ctx: ExecutionContext) -> list[GlamUser]:
    """Decoded photos of every user with their optional template face rectangles."""
    roles = user_roles(ctx)
    users = []
    for i, (role, spec) in enumerate(zip(roles, _user_specs(ctx.params, len(roles)),
                                         strict=True)):
        photos = tuple(decode_image(data, field=f"FaceInfos.{i}.ImageUrls.{j}")
                       for j, data in enumerate(ctx.inputs(role)))
        rect = _rect(spec.get("template_face_rect"), f"FaceInfos.{i}.TemplateFaceRect")
        users.append(GlamUser(photos, None if rect is None else Box(*map(float, rect))))
    return users


def glam_params(params: Mapping[str, Any], logo_bytes: bytes | None = None) -> GlamParams:
    """Validated :class:`GlamParams` from a job's JSON params (types are checked there)."""
    rect = _rect(params.get("logo_rect"), "LogoParam.LogoRect")
    logo = decode_image_rgba(logo_bytes, LOGO_LIMITS,
                                      field="LogoParam.LogoImage") if logo_bytes else None
    styles = params.get("styles")
    return GlamParams(
        num=params.get("num", 4), similarity=params.get("similarity", 0.6),
        styles=tuple(styles) if isinstance(styles, list) else styles,
        clarity=params.get("clarity"), logo_add=params.get("logo_add", 1), logo=logo,
        logo_rect=None if rect is None else LogoRect(*rect), seed=params.get("seed"))


def execute(ctx: ExecutionContext) -> ExecutionResult:
    """Run one glam job: prepare once, then render, encode and drop the outputs one by one."""
    params = ctx.params
    logo = ctx.inputs("logo")[0] if ctx.input_count("logo") else None
    options = glam_params(params, logo)
    fmt, quality = output_format(params)
    template = decode_image(ctx.input("template"), field="TemplateUrl")
    users = glam_users(ctx)
    ctx.raise_if_canceled()
    plan = prepare(template, users, options)
    outputs = []
    for index in range(options.num):
        ctx.progress((index + 1) / (options.num + 1))
        ctx.raise_if_canceled()
        outputs.append((encode_image(render(plan, index), fmt, quality), MEDIA_TYPES[fmt]))
    report = plan.report.as_dict()
    first = report["outputs"][0]
    report.update(width=first["width"], height=first["height"])
    return ExecutionResult.of(outputs, report)
