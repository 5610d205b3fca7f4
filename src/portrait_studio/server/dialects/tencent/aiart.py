"""SubmitGlamPicJob / QueryGlamPicJob (aiart 2022-12-29): the wire fields <-> "glam" jobs.

Seed 000 and protocols README section 1:

- ``SubmitGlamPicJob`` checks every parameter (``Num`` 1..4, ``Style`` names and count,
  ``Similarity`` 0..1, ``Clarity`` x2/x4, ``FaceInfos`` 1..5 users x 1..6 ``ImageUrls``,
  ``TemplateFaceRect`` X, Y >= 0 and Width, Height > 0 -> ``InvalidParameterValue.
  ParameterValueError``; ``LogoParam`` problems -> ``InvalidParameterValue.LogoParamErr``),
  downloads every image (in parallel, SSRF-safe: refused address or scheme -> ``UrlIllegal``,
  failure -> ``ImageDownloadError``, empty URL -> ``ImageEmpty``), checks formats (jpg, jpeg,
  png, bmp, tiff, webp, else ``ImageDecodeFailed``), sizes (base64 of each file < 10 MB, else
  ``ImageSizeExceed``) and the template's resolution from its header (each side > 300 and
  <= 8000 px, outputs <= 8192 px with Clarity, else ``ImageResolutionExceed``), then queues a
  "glam" job and answers its ``JobId`` (``<appid>-<unix ts>-<uuid v1>-0`` like the vendor's).
  Faces are found by the job: a template or photo without a usable face fails the job.
- One glam job runs per tenant (jobs.defaults.PRODUCT_CONCURRENCY); later ones wait queued;
  a full queue answers ``RequestLimitExceeded.JobNumExceed``.
- ``QueryGlamPicJob``: ``JobStatusCode`` "1" queued (排队中), "2" running (处理中), "4" failed
  (处理失败, with ``JobErrorCode``/``JobErrorMsg`` from the aiart table), "5" done (处理完成)
  with ``ResultImage`` (signed URLs valid 1 hour) and ``ResultDetails`` ("Success" each).
  Unknown, another tenant's or expired JobId -> ``FailedOperation.JobNotExist``.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ....capabilities.watermark.types import LogoRect
from ....errors import (
    ImageEmpty,
    ParameterError,
    PortraitError,
)
from ....imaging.codec import (
    b64decode_image_bytes,
    check_upload,
    decode_image_rgba,
    image_info,
)
from ....imaging.limits import LOGO_LIMITS, ImageLimits
from ....jobs.model import Job, JobState
from ....pipelines.glam import check_template_size
from ....pipelines.glam_params import GlamParams, check_counts
from .errors import AIART, AIART_LOGO_PARAM_ERR, TencentApiError
from .params import QUERY_GLAM_PIC_JOB, SUBMIT_GLAM_PIC_JOB
from .router import ActionCall, TencentAction

SERVICE, VERSION = "aiart", "2022-12-29"
SUBMIT, QUERY = "SubmitGlamPicJob", "QueryGlamPicJob"
PRODUCT = "glam"
FORMATS = ("jpeg", "png", "bmp", "tiff", "webp")
BASE64_MAX = 10 * 1024 * 1024
FILE_MAX = BASE64_MAX * 3 // 4          # bytes whose base64 text is exactly BASE64_MAX
RESULT_URL_TTL_S = 3600.0               # [doc] ResultImage URLs are valid 1 hour
FETCH_THREADS = 6
STATUS: Mapping[JobState, tuple[str, str]] = {
    JobState.QUEUED: ("1", "排队中"), JobState.RUNNING: ("2", "处理中"),
    JobState.FAILED: ("4", "处理失败"), JobState.CANCELED: ("4", "处理失败"),
    JobState.SUCCEEDED: ("5", "处理完成")}

Rect = tuple[int, int, int, int]


# --- parameters -------------------------------------------------------------------------------

def _value_error(field: str, message: str) -> ParameterError:
    return ParameterError(f"{field} {message}", field=field)


def wire_rect(rect: Mapping[str, int] | None, field: str) -> list[int] | None:
    """``[X, Y, Width, Height]`` of a ``Rect`` (X, Y >= 0; Width, Height > 0), or None."""
    if rect is None:
        return None
    x, y, w, h = (int(rect[k]) for k in ("X", "Y", "Width", "Height"))
    if x < 0 or y < 0 or w <= 0 or h <= 0:
        raise _value_error(field, f"must have X, Y >= 0 and Width, Height > 0, got X={x} "
                           f"Y={y} Width={w} Height={h}")
    return [x, y, w, h]


def face_infos(params: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The FaceInfos after the count checks (1..5 users, 1..6 URLs each)."""
    infos: list[Mapping[str, Any]] = params.get("FaceInfos") or []
    check_counts([len(info.get("ImageUrls") or []) for info in infos])
    return infos


def logo_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    """``logo_add`` and ``logo_rect`` of the glam product (LogoParamErr when malformed)."""
    logo = params.get("LogoParam") or {}
    try:
        rect = wire_rect(logo.get("LogoRect"), "LogoParam.LogoRect")
    except ParameterError as exc:
        raise TencentApiError(AIART_LOGO_PARAM_ERR, exc.message) from None
    out: dict[str, Any] = {"logo_add": int(params.get("LogoAdd", 1))}
    if rect is not None:
        out["logo_rect"] = rect
    return out


def job_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Validated glam product params (before any image is fetched)."""
    infos = face_infos(params)
    out: dict[str, Any] = {
        "num": params.get("Num", 4), "similarity": params.get("Similarity", 0.6),
        "users": [{"template_face_rect": wire_rect(info.get("TemplateFaceRect"),
                                                   f"FaceInfos.{i}.TemplateFaceRect")}
                  for i, info in enumerate(infos)],
        **logo_fields(params)}
    if params.get("Style") is not None and len(infos) == 1:  # multi-user: ignored [doc]
        out["styles"] = list(params["Style"])
    if (params.get("Clarity") or "").strip():
        out["clarity"] = params["Clarity"].strip()
    glam_options(out)
    return out


def glam_options(params: Mapping[str, Any], logo: bytes | None = None) -> GlamParams:
    """:class:`GlamParams` of product params (range and choice checks happen there);
    problems of the logo image or rectangle are ``LogoParamErr``."""
    rect = params.get("logo_rect")
    styles = params.get("styles")
    try:
        image = None if logo is None else decode_image_rgba(logo, LOGO_LIMITS,
                                                                 field="LogoParam.LogoImage")
        return GlamParams(num=params["num"], styles=None if styles is None else tuple(styles),
                          similarity=params["similarity"], clarity=params.get("clarity"),
                          logo_add=params["logo_add"], logo=image,
                          logo_rect=None if rect is None else LogoRect(*rect))
    except PortraitError as exc:
        if (exc.field or "").startswith("LogoParam"):
            raise TencentApiError(AIART_LOGO_PARAM_ERR, exc.message) from None
        raise


# --- images -----------------------------------------------------------------------------------

def check_image(data: bytes, field: str) -> bytes:
    """``data`` when it is a supported format whose base64 text stays under 10 MB."""
    check_upload(data, field, FORMATS, FILE_MAX)
    return data


def fetch(call: ActionCall, url: str, field: str) -> bytes:
    """Download and check one image URL."""
    if not url.strip():
        raise ImageEmpty(f"{field} is empty", field=field)
    return check_image(call.studio.fetch_url(url.strip(), field, max_bytes=FILE_MAX), field)


def fetch_all(call: ActionCall, urls: Sequence[tuple[str, str]]) -> list[bytes]:
    """``(url, field)`` pairs downloaded in parallel; the first failure in order is raised."""
    with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
        return list(pool.map(lambda item: fetch(call, *item), urls))


def url_list(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every image URL with its field name: template first, then each user's photos."""
    urls = [(str(params["TemplateUrl"]), "TemplateUrl")]
    for i, info in enumerate(params["FaceInfos"]):
        urls += [(str(u), f"FaceInfos.{i}.ImageUrls.{j}")
                 for j, u in enumerate(info["ImageUrls"])]
    return urls


def logo_bytes(call: ActionCall) -> bytes | None:
    """The LogoParam image (``LogoUrl`` wins over ``LogoImage``); None for the text mark."""
    logo = call.params.get("LogoParam") or {}
    if int(call.params.get("LogoAdd", 1)) == 0:
        return None
    try:
        if (logo.get("LogoUrl") or "").strip():
            return fetch(call, logo["LogoUrl"], "LogoParam.LogoUrl")
        if logo.get("LogoImage"):
            data = b64decode_image_bytes(logo["LogoImage"], ImageLimits(max_bytes=FILE_MAX),
                                         field="LogoParam.LogoImage")
            return check_image(data, "LogoParam.LogoImage")
    except PortraitError as exc:
        if exc.code == "image.url_not_allowed":
            raise
        raise TencentApiError(AIART_LOGO_PARAM_ERR, exc.message) from None
    return None


def load_inputs(call: ActionCall, params: Mapping[str, Any]
                ) -> tuple[dict[str, list[bytes]], str]:
    """``template``, ``faces.<i>`` and optional ``logo`` bytes, checked, and the template's
    format."""
    logo = logo_bytes(call)
    options = glam_options(params, logo)
    images = fetch_all(call, url_list(call.params))
    template_format, width, height = image_info(images[0])
    check_template_size(width, height, options)
    inputs: dict[str, list[bytes]] = {"template": images[:1]}
    start = 1
    for i, info in enumerate(call.params["FaceInfos"]):
        inputs[f"faces.{i}"] = images[start:start + len(info["ImageUrls"])]
        start += len(info["ImageUrls"])
    if logo is not None:
        inputs["logo"] = [logo]
    return inputs, template_format


# --- job ids ----------------------------------------------------------------------------------

def app_id(tenant: str) -> str:
    """A stable 10-digit number standing for the tenant's Tencent AppId."""
    digest = int(hashlib.sha256(tenant.encode()).hexdigest()[:12], 16)
    return str(1_250_000_000 + digest % 50_000_000)


def new_job_id(tenant: str, clock: Callable[[], float] = time.time) -> str:
    """``<appid>-<unix ts>-<uuid v1 with a random node>-0`` (the vendor's JobId shape)."""
    stamp = uuid.uuid1(node=secrets.randbits(48) | (1 << 40))  # multicast bit: not a MAC
    return f"{app_id(tenant)}-{int(clock())}-{stamp}-0"


# --- the actions ------------------------------------------------------------------------------

def submit_glam_pic_job(call: ActionCall) -> dict[str, Any]:
    """SubmitGlamPicJob: validate, fetch, queue a "glam" job; answer its JobId."""
    params = job_params(call.params)
    inputs, fmt = load_inputs(call, params)
    params["output"] = {"format": "png" if fmt == "png" else "jpeg", "quality": 92}
    job_id = new_job_id(call.tenant)
    wire = {"protocol": "tencent", "service": SERVICE, "action": SUBMIT,
            "request_id": call.request_id}
    call.studio.submit(call.tenant, PRODUCT, params=params, inputs=inputs, wire=wire,
                       external_id=job_id)
    return {"JobId": job_id}


def failure(job: Job) -> tuple[str, str]:
    """``(JobErrorCode, JobErrorMsg)`` of a failed or canceled job."""
    if job.state is JobState.CANCELED:
        return AIART.lookup("job.canceled"), "the job was canceled"
    return (AIART.lookup(job.error_code or "internal"),
            job.error_message or "the glam job failed")


def query_glam_pic_job(call: ActionCall) -> dict[str, Any]:
    """QueryGlamPicJob: status words, error or result URLs of one job."""
    job = call.studio.find(call.tenant, call.params["JobId"].strip())
    call.observe(job)
    code, message = STATUS.get(job.state, ("4", "处理失败"))
    out: dict[str, Any] = {"JobStatusCode": code, "JobStatusMsg": message, "JobErrorCode": "",
                           "JobErrorMsg": "", "ResultImage": [], "ResultDetails": []}
    if code == "4":
        out["JobErrorCode"], out["JobErrorMsg"] = failure(job)
    elif job.state is JobState.SUCCEEDED:
        out["ResultImage"] = [call.studio.result_url(job, i, call.base_url, RESULT_URL_TTL_S)
                              for i in range(len(job.results))]
        out["ResultDetails"] = ["Success"] * len(job.results)
    return out


ACTIONS = [TencentAction(SERVICE, VERSION, SUBMIT, SUBMIT_GLAM_PIC_JOB, submit_glam_pic_job),
           TencentAction(SERVICE, VERSION, QUERY, QUERY_GLAM_PIC_JOB, query_glam_pic_job)]
