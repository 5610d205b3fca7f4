"""Request and response models of the native REST API (pydantic; they make /openapi.json).

Times are Unix epoch seconds (float). Images are given per input role as a list whose items
are either a string (an ``http(s)://`` URL, a ``data:image/...;base64,`` URL or plain base64)
or an object ``{"url": ...}`` / ``{"base64": ...}``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ...jobs.model import JobState


class ImageInput(BaseModel):
    """One image: exactly one of ``url`` or ``base64`` (base64 may also be a data URL)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, description="http(s) URL fetched by the server",
                            examples=["https://example.com/face.jpg"])
    base64: str | None = Field(None, description="base64 bytes or a data URL")

    @model_validator(mode="after")
    def _exactly_one(self) -> ImageInput:
        if (self.url is None) == (self.base64 is None):
            raise ValueError("give exactly one of url or base64")
        return self


InputItem = str | ImageInput


class JobRequest(BaseModel):
    """A job to queue: the pipeline, its input images by role, and its params."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "pipeline": "fusion",
        "inputs": {"template": ["https://example.com/template.jpg"],
                   "faces": [{"url": "https://example.com/me.jpg"}]},
        "params": {"warp": 0.7, "enhance": 0.5, "smooth": 0.5},
        "result_format": "url"}]})

    pipeline: str = Field(..., min_length=1, max_length=64, description="see GET /v1/pipelines")
    inputs: dict[str, list[InputItem]] = Field(default_factory=dict,
                                               description="input images by role")
    params: dict[str, Any] = Field(default_factory=dict, description="pipeline params")
    priority: int = Field(0, ge=-100, le=100, description="higher runs first")
    dedup_key: str | None = Field(None, min_length=1, max_length=128,
                                  description="a live job with the same key is returned "
                                              "instead of a new one")
    result_format: Literal["url", "base64"] = Field(
        "url", description="how results are returned: signed URL or inline base64")


class RunRequest(JobRequest):
    """A job run synchronously: the answer comes when it ends or after ``timeout_s``."""

    timeout_s: float | None = Field(None, gt=0, description="deadline (server default when "
                                                            "omitted); the job is canceled then")


class JobErrorOut(BaseModel):
    code: str = Field(..., examples=["face.not_found"])
    message: str
    field: str | None = None


class ResultOut(BaseModel):
    index: int
    media_type: str = Field(..., examples=["image/jpeg"])
    url: str | None = Field(None, description="signed URL, valid until expires_at")
    base64: str | None = None
    expires_at: float | None = None


class JobOut(BaseModel):
    id: str
    pipeline: str
    state: JobState
    priority: int
    progress: float
    attempts: int
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    expires_at: float | None = None
    cancel_requested: bool = False
    error: JobErrorOut | None = None
    results: list[ResultOut] = Field(default_factory=list)
    report: dict[str, Any] = Field(default_factory=dict)


class JobList(BaseModel):
    jobs: list[JobOut]
    limit: int
    offset: int


class PipelineOut(BaseModel):
    name: str
    inputs: dict[str, tuple[int, int]] = Field(..., description="role -> (min, max) images")
    description: str = ""


class PipelineList(BaseModel):
    pipelines: list[PipelineOut]


class ErrorDetail(BaseModel):
    code: str = Field(..., examples=["param.invalid"])
    message: str
    field: str | None = None
    request_id: str | None = None
    job_id: str | None = None


class ErrorResponse(BaseModel):
    """Every error: a stable code, a message naming the field and range, the request id."""

    error: ErrorDetail


class MediaUpload(BaseModel):
    """A file for the media library (VOD-style ``FileId``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "image": {"url": "https://example.com/model.jpg"}, "name": "model photo"}]})

    image: InputItem = Field(description="the image: URL, base64 or data URL")
    name: str = Field("", max_length=64, description="MediaName")
    class_id: int = Field(0, ge=0, description="ClassId")


class MediaOut(BaseModel):
    """A stored media file and a signed URL to it."""

    file_id: str
    name: str
    class_id: int
    media_type: str
    size: int
    url: str
