"""FuseFaceUltra (facefusion 2022-09-27): the wire fields -> a sync "fusion" job -> FusedImage.

Every field of seed 001 and SDK 3.1.70 (protocols README section 2):

- ``RspImgType`` ``url`` (a signed URL served by this server, valid 1 day = the job's
  retention) or ``base64``; anything else -> ``FailedOperation.ParameterValueError``.
- ``MergeInfos`` (1-6): ``Url`` wins over ``Image``; ``InputImageFaceRect`` /
  ``TemplateFaceRect`` (X, Y >= 0, Width/Height >= 30, else
  ``InvalidParameterValue.FaceRectParameterValueError``); ``TemplateFaceID`` names a material
  face, and there are no materials here -> ``FailedOperation.TemplateFaceIDNotExist``.
- ``ModelUrl`` wins over ``ModelImage``; neither -> ``MissingParameter``.
- ``FusionUltraParam``: WarpRadio, EnhanceRadio, MpRadio, BlurRadio in [0, 1] (BlurRadio is
  accepted and has no effect, as documented), TeethEnhanceRadio and MakeupTransferRadio 0 or 1;
  otherwise ``FailedOperation.ParameterValueError`` ("FusionParam值不合法。" + the field/range).
- ``LogoAdd`` 0 = no mark, anything else = 1 (default); ``LogoParam`` with ``LogoUrl`` (wins)
  or ``LogoImage`` and ``LogoRect`` (Width/Height 1..2160).
- ``SwapModelType`` 1-6 (default 1).

Images: jpg/png only (else ``ImageDecodeFailed``); base64 text <= 10 MB (else
``ImageSizeExceed``); URLs fetched SSRF-safe (<= 20 MB; refused address or scheme ->
``InvalidParameterValue.UrlIllegal``, failed download -> ``ImageDownloadError``). Size, face
and decode errors come from the pipeline through the ``FACEFUSION`` error table. The result has
the template's size and format (PNG template -> PNG, otherwise JPEG).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from ....errors import (
    FaceRectInvalid,
    ImageBytesTooLarge,
    MissingParameter,
    ParameterError,
)
from ....imaging.codec import b64decode_image_bytes, check_upload
from ....imaging.limits import ImageLimits
from ....jobs.model import Job, JobState
from . import errors as E
from .errors import FACEFUSION, TencentApiError
from .params import FUSE_FACE_ULTRA
from .router import ActionCall, TencentAction

SERVICE, VERSION, ACTION = "facefusion", "2022-09-27", "FuseFaceUltra"
PRODUCT = "fusion"
FORMATS = ("jpeg", "png")
BASE64_MAX = 10 * 1024 * 1024
URL_MAX = 20 * 1024 * 1024
MAX_MERGES = 6
MIN_FACE_RECT = 30
MAX_LOGO_SIDE = 2160
RATIOS = {"WarpRadio": "warp", "EnhanceRadio": "enhance", "MpRadio": "smooth",
          "BlurRadio": None}
SWITCHES = {"TeethEnhanceRadio": "teeth", "MakeupTransferRadio": "makeup"}
FUSION_PARAM_MESSAGE = "FusionParam值不合法。"
TEMPLATE_FACE_ID_NOT_EXIST = "FailedOperation.TemplateFaceIDNotExist"


def _value_error(field: str, message: str, prefix: str = "") -> ParameterError:
    return ParameterError(f"{prefix}{field} {message}", field=field)


def rsp_img_type(params: Mapping[str, Any]) -> str:
    value = str(params.get("RspImgType", "")).strip().lower()
    if value not in ("url", "base64"):
        raise _value_error("RspImgType", f"must be url or base64, got "
                           f"{params.get('RspImgType')!r}")
    return value


def ultra_params(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """FusionUltraParam -> the fusion product's ``warp``/``enhance``/... params."""
    out: dict[str, Any] = {}
    for name, value in (raw or {}).items():
        shown = f"FusionUltraParam.{name}"
        if name in RATIOS:
            if not 0.0 <= value <= 1.0:
                raise _value_error(shown, f"must be between 0 and 1, got {value:g}",
                                   FUSION_PARAM_MESSAGE)
            if RATIOS[name] is not None:
                out[str(RATIOS[name])] = float(value)
        elif value not in (0, 1):
            raise _value_error(shown, f"must be 0 or 1, got {value:g}", FUSION_PARAM_MESSAGE)
        else:
            out[SWITCHES[name]] = int(value)
    return out


def swap_model(params: Mapping[str, Any]) -> int:
    model = int(params.get("SwapModelType", 1))
    if not 1 <= model <= 6:
        raise _value_error("SwapModelType", f"must be an integer from 1 to 6, got {model}")
    return model


def face_rect(rect: Mapping[str, int] | None, field: str) -> list[int] | None:
    """``[X, Y, Width, Height]`` of a FaceRect after the range checks, or None."""
    if rect is None:
        return None
    x, y, w, h = (int(rect[k]) for k in ("X", "Y", "Width", "Height"))
    if x < 0 or y < 0 or w < MIN_FACE_RECT or h < MIN_FACE_RECT:
        raise FaceRectInvalid(f"{field} must have X, Y >= 0 and Width, Height >= "
                              f"{MIN_FACE_RECT}, got X={x} Y={y} Width={w} Height={h}",
                              field=field)
    return [x, y, w, h]


def merge_specs(params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per MergeInfo: the product's ``input_face_rect`` / ``template_face_rect``."""
    merges = params.get("MergeInfos") or []
    if not 1 <= len(merges) <= MAX_MERGES:
        raise _value_error("MergeInfos", f"must hold 1 to {MAX_MERGES} entries, got "
                           f"{len(merges)}")
    specs = []
    for i, info in enumerate(merges):
        if str(info.get("TemplateFaceID") or "").strip():
            raise TencentApiError(TEMPLATE_FACE_ID_NOT_EXIST, f"MergeInfos.{i}.TemplateFaceID: "
                                  "this server has no material faces; use TemplateFaceRect")
        specs.append({
            "input_face_rect": face_rect(info.get("InputImageFaceRect"),
                                         f"MergeInfos.{i}.InputImageFaceRect"),
            "template_face_rect": face_rect(info.get("TemplateFaceRect"),
                                            f"MergeInfos.{i}.TemplateFaceRect")})
    return specs


def logo_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The product's ``logo`` params from LogoAdd / LogoParam.LogoRect."""
    enabled = int(params.get("LogoAdd", 1)) != 0
    rect = (params.get("LogoParam") or {}).get("LogoRect")
    if rect is None:
        return {"enabled": enabled}
    x, y, w, h = (int(rect[k]) for k in ("X", "Y", "Width", "Height"))
    if x < 0 or y < 0 or not (0 < w <= MAX_LOGO_SIDE and 0 < h <= MAX_LOGO_SIDE):
        raise _value_error("LogoParam.LogoRect", f"must have X, Y >= 0 and Width, Height in "
                           f"1..{MAX_LOGO_SIDE}, got X={x} Y={y} Width={w} Height={h}")
    return {"enabled": enabled, "rect": [x, y, w, h]}


# --- images -----------------------------------------------------------------------------------

def check_format(data: bytes, field: str) -> str:
    """``jpeg`` or ``png``; ImageUndecodable / ImageUnsupportedFormat otherwise."""
    return check_upload(data, field, FORMATS)


def load_image(call: ActionCall, url: str | None, b64: str | None, url_field: str,
               b64_field: str) -> bytes | None:
    """Bytes from the URL (wins) or the base64 field; None when neither is given."""
    if url and url.strip():
        data = call.studio.fetch_url(url.strip(), url_field, max_bytes=URL_MAX)
        field = url_field
    elif b64:
        if len(b64) > BASE64_MAX:
            raise ImageBytesTooLarge(f"{b64_field} is {len(b64)} characters of base64; the "
                                     f"limit is {BASE64_MAX}", field=b64_field)
        data = b64decode_image_bytes(b64, ImageLimits(max_bytes=BASE64_MAX), field=b64_field)
        field = b64_field
    else:
        return None
    check_format(data, field)
    return data


def required_image(call: ActionCall, url: str | None, b64: str | None, url_field: str,
                   b64_field: str) -> bytes:
    data = load_image(call, url, b64, url_field, b64_field)
    if data is None:
        raise MissingParameter(f"one of {url_field} or {b64_field} is required",
                               field=url_field)
    return data


def load_inputs(call: ActionCall, logo_enabled: bool) -> dict[str, list[bytes]]:
    """``template``, ``faces`` (MergeInfos order) and optional ``logo`` bytes."""
    p = call.params
    template = required_image(call, p.get("ModelUrl"), p.get("ModelImage"), "ModelUrl",
                              "ModelImage")
    faces = [required_image(call, info.get("Url"), info.get("Image"), f"MergeInfos.{i}.Url",
                            f"MergeInfos.{i}.Image")
             for i, info in enumerate(p.get("MergeInfos") or [])]
    inputs = {"template": [template], "faces": faces}
    logo = p.get("LogoParam") or {}
    if logo_enabled:
        data = load_image(call, logo.get("LogoUrl"), logo.get("LogoImage"),
                          "LogoParam.LogoUrl", "LogoParam.LogoImage")
        if data is not None:
            inputs["logo"] = [data]
    return inputs


# --- the action -------------------------------------------------------------------------------

def job_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Validated product params (before any image is fetched)."""
    return {**ultra_params(params.get("FusionUltraParam")), "model": swap_model(params),
            "logo": logo_params(params), "merges": merge_specs(params)}


def job_failure(job: Job) -> TencentApiError:
    """The Tencent error of a job that did not succeed."""
    if job.state is JobState.FAILED:
        code = FACEFUSION.lookup(job.error_code or "internal")
        return TencentApiError(code, job.error_message or "fusion failed")
    return TencentApiError(E.FAILED_OPERATION, f"the fusion job was {job.state.value}")


def fused_image(call: ActionCall, job: Job, rsp: str) -> str:
    if rsp == "url":
        return call.studio.result_url(job, 0, call.base_url)
    return base64.b64encode(call.studio.result(job, 0).data).decode("ascii")


def fuse_face_ultra(call: ActionCall) -> dict[str, Any]:
    """FuseFaceUltra: validate, fetch images, run a "fusion" job synchronously."""
    rsp = rsp_img_type(call.params)
    params = job_params(call.params)
    inputs = load_inputs(call, params["logo"]["enabled"])
    template_format = check_format(inputs["template"][0], "ModelImage")
    params["output"] = {"format": "png" if template_format == "png" else "jpeg",
                        "quality": 92}
    wire = {"protocol": "tencent", "service": SERVICE, "action": ACTION,
            "request_id": call.request_id, "rsp_img_type": rsp}
    job = call.studio.run(call.tenant, PRODUCT, params=params, inputs=inputs, wire=wire)
    call.observe(job)
    if job.state is not JobState.SUCCEEDED:
        raise job_failure(job)
    return {"FusedImage": fused_image(call, job, rsp)}


ACTIONS = [TencentAction(SERVICE, VERSION, ACTION, FUSE_FACE_ULTRA, fuse_face_ultra)]
