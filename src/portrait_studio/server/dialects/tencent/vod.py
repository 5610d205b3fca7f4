"""CreateSceneAigcImageTask / DescribeTaskDetail (vod 2018-07-17) on "try_on" jobs.

Seed 003 and protocols README section 3 (region optional):

- ``SceneInfo.Type``: ``change_clothes`` (1-4 garments, ``Prompt`` used), the accepted variants
  ``change_clothes_top_wear`` / ``_bottom_wear`` / ``_full_wear`` / ``_under`` (exactly 1 garment)
  with ``ChangeClothesConfig``, or ``ai_try_on`` (1-4 garments) with ``AiTryOnConfig``;
  ``product_image`` / ``outpainting`` are not offered here -> ``InvalidParameterValue.Type``.
- ``FileInfos``: exactly one photo of the person. A file is ``{"Type": "Url", "Url"}`` or
  ``{"Type": "File", "FileId"}`` (a media-library id; unknown -> ``InvalidParameterValue.FileId``);
  a missing ``Type`` is inferred from the field given (the seed's own example omits it). Images
  are jpeg/png/webp of at most 10 MB; URLs are fetched SSRF-safe (``InvalidParameterValue.Url``).
- ``OutputConfig``: ``StorageMode`` Temporary (result URL valid 7 days) or Permanent (each output
  also kept in the media library with a ``FileId``, ``MediaName``, ``ClassId``, ``ExpireTime``);
  ``EncodeConfig.Format`` JPEG/PNG (default: the person photo's), ``Quality`` 1-100.
- ``SessionId`` (<= 50): a second task with the same id within 3 days ->
  ``InvalidParameterValue.SessionId``; ``SessionContext`` (<= 1000) is echoed;
  ``TasksPriority`` -10..10 orders the queue (higher first); ``ExtInfo`` accepted.
- ``TaskId``: ``<SubAppId>-SceneAigcImageTask-<31 hex>t``. ``DescribeTaskDetail`` answers tasks
  of the last 3 days (older, unknown or another tenant's -> ``InvalidParameterValue.TaskId``):
  Status WAITING / PROCESSING / FINISH / ABORTED, times in ISO 8601, the task with ``ErrCode``
  (0 = success), ``Message``, ``Progress``, the ``Input`` echo and ``Output.FileInfos``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ....imaging.codec import check_upload, image_info
from ....jobs.model import Job, JobState
from ....storage.media import MediaFile
from ....studio import Studio
from .errors import VOD, TencentApiError
from .params import CREATE_SCENE_AIGC_IMAGE_TASK, DESCRIBE_TASK_DETAIL
from .router import ActionCall, TencentAction
from .vod_sessions import SessionRegistry

SERVICE, VERSION = "vod", "2018-07-17"
CREATE, DESCRIBE = "CreateSceneAigcImageTask", "DescribeTaskDetail"
PRODUCT = "try_on"
TASK_TYPE = "SceneAigcImageTask"
CHANGE = ("change_clothes", "change_clothes_under", "change_clothes_top_wear",
          "change_clothes_bottom_wear", "change_clothes_full_wear")
AI_TRY_ON = "ai_try_on"
FORMATS = ("jpeg", "png", "webp")
FILE_MAX = 10 * 1024 * 1024
DESCRIBE_WINDOW_S = 3 * 86400.0
STATUS = {JobState.QUEUED: "WAITING", JobState.RUNNING: "PROCESSING",
          JobState.SUCCEEDED: "FINISH", JobState.FAILED: "FINISH",
          JobState.CANCELED: "ABORTED"}
ERR_CODES = {"param": 40000, "image": 40000, "face": 40001, "media": 40002, "content": 40003}
INTERNAL_ERR_CODE = 70000


def bad(code: str, field: str, message: str) -> TencentApiError:
    return TencentApiError(code, f"{field}: {message}")


def _check_len(params: Mapping[str, Any], name: str, limit: int, code: str) -> str:
    value = str(params.get(name) or "")
    if len(value) > limit:
        raise bad(code, name, f"may have at most {limit} characters, got {len(value)}")
    return value


# --- scene and files --------------------------------------------------------------------------

def scene(params: Mapping[str, Any]) -> tuple[str, list[Mapping[str, Any]], str]:
    """``(type, garment file infos, prompt)`` after the per-type checks."""
    info = params["SceneInfo"]
    kind = str(info["Type"]).strip()
    if kind not in (*CHANGE, AI_TRY_ON):
        raise bad("InvalidParameterValue.Type", "SceneInfo.Type", f"{kind!r} is not offered "
                  f"here; use one of {', '.join((*CHANGE, AI_TRY_ON))}")
    name = "AiTryOnConfig" if kind == AI_TRY_ON else "ChangeClothesConfig"
    config = info.get(name)
    if config is None:
        raise TencentApiError("MissingParameter", f"SceneInfo.{name} is required for {kind}")
    clothes = list(config.get("ClothesFileInfos") or [])
    most = 4 if kind in ("change_clothes", AI_TRY_ON) else 1
    least = 1
    if not least <= len(clothes) <= most:
        raise bad("InvalidParameterValue", f"SceneInfo.{name}.ClothesFileInfos",
                  f"{kind} takes {least}-{most} garment image(s), got {len(clothes)}")
    prompt = str(config.get("Prompt") or "") if kind in ("change_clothes", AI_TRY_ON) else ""
    return kind, clothes, prompt


def load_file(call: ActionCall, info: Mapping[str, Any], field: str) -> bytes:
    """Bytes of one SceneAigcImageTaskInputFileInfo (Type inferred when missing)."""
    kind = str(info.get("Type") or ("File" if info.get("FileId") else "Url"))
    if kind == "File":
        data = call.studio.media_bytes(call.tenant, str(info.get("FileId") or ""),
                                       f"{field}.FileId")
    elif kind == "Url":
        url = str(info.get("Url") or "").strip()
        if not url:
            raise bad("InvalidParameterValue.Url", f"{field}.Url", "is required with Type Url")
        data = call.studio.fetch_url(url, f"{field}.Url", max_bytes=FILE_MAX)
    else:
        raise bad("InvalidParameterValue.Type", f"{field}.Type", f"must be File or Url, got "
                  f"{kind!r}")
    check_upload(data, field, FORMATS, FILE_MAX)
    return data


# --- output config ----------------------------------------------------------------------------

def _expire_time(text: str) -> float | None:
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        raise bad("InvalidParameterValue.ExpireTime", "OutputConfig.ExpireTime",
                  f"must be ISO 8601 like 2026-12-31T00:00:00Z, got {text!r}") from None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def output_config(params: Mapping[str, Any], person_format: str) -> dict[str, Any]:
    """StorageMode, MediaName, ClassId, ExpireTime and the encoding, checked."""
    out = params.get("OutputConfig") or {}
    mode = str(out.get("StorageMode") or "Temporary")
    if mode not in ("Temporary", "Permanent"):
        raise bad("InvalidParameterValue", "OutputConfig.StorageMode",
                  f"must be Temporary or Permanent, got {mode!r}")
    name = _check_len(out, "MediaName", 64, "InvalidParameterValue")
    class_id = int(out.get("ClassId") or 0)
    if class_id < 0:
        raise bad("InvalidParameterValue.ClassId", "OutputConfig.ClassId", "must be >= 0")
    encode = out.get("EncodeConfig") or {}
    fmt = str(encode.get("Format") or ("PNG" if person_format == "png" else "JPEG")).upper()
    if fmt not in ("JPEG", "PNG"):
        raise bad("InvalidParameterValue.Format", "OutputConfig.EncodeConfig.Format",
                  f"must be JPEG or PNG, got {fmt!r}")
    quality = int(encode.get("Quality") or 90)
    if not 1 <= quality <= 100:
        raise bad("InvalidParameterValue.Quality", "OutputConfig.EncodeConfig.Quality",
                  f"must be 1-100, got {quality}")
    return {"storage_mode": mode, "media_name": name, "class_id": class_id,
            "expire_at": _expire_time(str(out.get("ExpireTime") or "")),
            "format": fmt.lower(), "quality": quality}


def check_request(params: Mapping[str, Any]) -> tuple[str, str, int]:
    """``(SessionId, SessionContext, TasksPriority)`` and the SubAppId check."""
    if int(params["SubAppId"]) <= 0:
        raise bad("InvalidParameterValue.SubAppId", "SubAppId", "must be a positive integer")
    session = _check_len(params, "SessionId", 50, "InvalidParameterValue.SessionIdTooLong")
    context = _check_len(params, "SessionContext", 1000,
                         "InvalidParameterValue.SessionContextTooLong")
    priority = int(params.get("TasksPriority") or 0)
    if not -10 <= priority <= 10:
        raise bad("InvalidParameterValue", "TasksPriority", f"must be -10..10, got {priority}")
    return session, context, priority


# --- create -----------------------------------------------------------------------------------

def new_task_id(sub_app_id: int) -> str:
    return f"{sub_app_id}-{TASK_TYPE}-{uuid.uuid4().hex[:31]}t"


def create_scene_aigc_image_task(call: ActionCall) -> dict[str, Any]:
    """Validate, load the files, claim the SessionId, queue a "try_on" job."""
    p = call.params
    session, context, priority = check_request(p)
    kind, clothes, prompt = scene(p)
    infos = p.get("FileInfos") or []
    if len(infos) != 1:
        raise bad("InvalidParameterValue", "FileInfos", f"give exactly one photo of the "
                  f"person, got {len(infos)}")
    person = load_file(call, infos[0], "FileInfos.0")
    output = output_config(p, image_info(person)[0])
    config = "AiTryOnConfig" if kind == AI_TRY_ON else "ChangeClothesConfig"
    garments = [load_file(call, info, f"SceneInfo.{config}.ClothesFileInfos.{i}")
                for i, info in enumerate(clothes)]
    task_id = new_task_id(int(p["SubAppId"]))
    sessions = SessionRegistry.in_data_dir(call.studio.settings.data_dir)
    if session and not sessions.claim(call.tenant, session, datetime.now(UTC).timestamp()):
        raise bad("InvalidParameterValue.SessionId", "SessionId", f"{session!r} was used "
                  "within the last 3 days; the task was de-duplicated")
    params = {"scene": kind, "prompt": prompt,
              "output": {"format": output["format"], "quality": output["quality"]}}
    wire = {"protocol": "tencent", "service": SERVICE, "action": CREATE,
            "sub_app_id": int(p["SubAppId"]), "session_id": session, "session_context": context,
            "output": output, "input": {k: p[k] for k in ("SceneInfo", "FileInfos",
                                                          "OutputConfig") if k in p}}
    try:
        call.studio.submit(call.tenant, PRODUCT, params=params, priority=priority, wire=wire,
                           inputs={"person": [person], "garments": garments},
                           external_id=task_id)
    except BaseException:
        if session:
            sessions.release(call.tenant, session)
        raise
    return {"TaskId": task_id}


# --- describe ---------------------------------------------------------------------------------

def iso(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def err_code(job: Job) -> tuple[int, str]:
    """``(ErrCode, Message)``: 0 and "" unless the job failed or was aborted."""
    if job.state is JobState.CANCELED:
        return INTERNAL_ERR_CODE, "the task was aborted"
    if job.state is not JobState.FAILED:
        return 0, ""
    code = job.error_code or "internal"
    number = ERR_CODES.get(code.split(".", 1)[0], INTERNAL_ERR_CODE)
    return number, f"{VOD.lookup(code)}: {job.error_message or 'the task failed'}"


def _permanent(studio: Studio, job: Job, index: int, output: Mapping[str, Any]) -> MediaFile:
    blob = studio.result(job, index)
    return studio.add_media(job.tenant, blob.data, name=output.get("media_name") or "",
                            class_id=int(output.get("class_id") or 0),
                            expires_at=output.get("expire_at"), origin=f"job:{job.id}:{index}")


def output_file(call: ActionCall, job: Job, index: int) -> dict[str, Any]:
    """One ``SceneAigcImageTaskOutputFileInfo``."""
    output = job.wire.get("output") or {}
    ext = "png" if job.results[index].endswith(".png") else "jpg"
    info: dict[str, Any] = {"StorageMode": output.get("storage_mode", "Temporary"),
                            "MediaName": output.get("media_name", ""),
                            "ClassId": output.get("class_id", 0), "FileType": ext}
    if info["StorageMode"] == "Permanent":
        media = _permanent(call.studio, job, index, output)
        info.update(FileId=media.file_id, FileUrl=call.studio.media_url(media, call.base_url),
                    ExpireTime=iso(media.expires_at), MetaData={"Size": media.size})
    else:
        info.update(FileUrl=call.studio.result_url(job, index, call.base_url),
                    ExpireTime=iso(job.expires_at))
    return info


def find_task(call: ActionCall) -> Job:
    task_id = str(call.params["TaskId"]).strip()
    job = call.studio.find(call.tenant, task_id)
    sub_app = call.params.get("SubAppId")
    too_old = datetime.now(UTC).timestamp() - job.created_at > DESCRIBE_WINDOW_S
    if job.product != PRODUCT or too_old or (
            sub_app is not None and int(sub_app) != job.wire.get("sub_app_id")):
        raise bad("InvalidParameterValue.TaskId", "TaskId", f"task {task_id} does not exist")
    return job


def describe_task_detail(call: ActionCall) -> dict[str, Any]:
    job = find_task(call)
    call.observe(job)
    status = STATUS.get(job.state, "ABORTED")
    code, message = err_code(job)
    files = ([output_file(call, job, i) for i in range(len(job.results))]
             if job.state is JobState.SUCCEEDED else [])
    task = {"TaskId": job.external_id,
            "Status": "FINISH" if status in ("FINISH", "ABORTED") else "PROCESSING",
            "ErrCode": code, "Message": message,
            "Progress": 100 if job.state.is_terminal() else int(job.progress * 100),
            "Input": job.wire.get("input") or {}, "Output": {"FileInfos": files},
            "SessionId": job.wire.get("session_id", ""),
            "SessionContext": job.wire.get("session_context", "")}
    return {"TaskType": TASK_TYPE, "Status": status, "CreateTime": iso(job.created_at),
            "BeginProcessTime": iso(job.started_at), "FinishTime": iso(job.finished_at),
            "SceneAigcImageTask": task}


ACTIONS = [TencentAction(SERVICE, VERSION, CREATE, CREATE_SCENE_AIGC_IMAGE_TASK,
                         create_scene_aigc_image_task, region_required=False),
           TencentAction(SERVICE, VERSION, DESCRIBE, DESCRIBE_TASK_DETAIL,
                         describe_task_detail, region_required=False)]
