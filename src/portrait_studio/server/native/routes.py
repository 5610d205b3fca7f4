"""Native REST API routes (``/v1/...``); handlers are sync (FastAPI runs them in threads).

Auth is ``Authorization: Bearer <api key>`` (the ``api_key`` of ``portrait-studio keys
create``); every job belongs to the key's tenant and other tenants' jobs are "not found".
Results are signed, expiring URLs served by ``GET /v1/results/...`` (no bearer needed: the
signature is the credential; 403 when expired or forged), or inline base64 when asked.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ...jobs.model import Job, JobState
from ...security.signed_urls import UrlCheck
from ...storage.base import media_type_of
from ...studio import ImageSource, Studio
from ..metrics import Metrics
from .errors import NativeHttpError, error_response
from .models import (
    ErrorResponse,
    ImageInput,
    InputItem,
    JobErrorOut,
    JobList,
    JobOut,
    JobRequest,
    MediaOut,
    MediaUpload,
    PipelineList,
    PipelineOut,
    ResultOut,
    RunRequest,
)

router = APIRouter(prefix="/v1", tags=["native"])
_bearer = HTTPBearer(auto_error=False, description="the native api_key of `keys create`")
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 429, 503, 504)}


def studio_of(request: Request) -> Studio:
    studio: Studio = request.app.state.studio
    return studio


def metrics_of(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def tenant_of(request: Request, creds: Annotated[HTTPAuthorizationCredentials | None,
                                                 Depends(_bearer)]) -> str:
    """The tenant of the Bearer key; 401 ``auth.missing`` / ``auth.invalid_key``."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if creds is None or not creds.credentials:
        raise NativeHttpError("auth.missing", "send 'Authorization: Bearer <api key>' (the "
                              "api_key printed by `portrait-studio keys create`)",
                              field="Authorization", headers=challenge)
    principal = studio_of(request).authenticate("native", creds.credentials)
    if principal is None:
        raise NativeHttpError("auth.invalid_key", "the API key is unknown or revoked",
                              field="Authorization", headers=challenge)
    return principal.tenant


Tenant = Annotated[str, Depends(tenant_of)]


def _source(item: InputItem) -> ImageSource:
    if isinstance(item, ImageInput):
        return ImageSource(url=item.url, base64=item.base64)
    return ImageSource.from_text(item)


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def job_out(studio: Studio, job: Job, base_url: str, inline: bool = False) -> JobOut:
    """The API view of a job; results of a succeeded job as signed URLs (+ base64)."""
    results: list[ResultOut] = []
    if job.state is JobState.SUCCEEDED:
        for i, key in enumerate(job.results):
            data = studio.result(job, i).data if inline else None
            results.append(ResultOut(
                index=i, media_type=media_type_of(key), url=studio.result_url(job, i, base_url),
                base64=base64.b64encode(data).decode("ascii") if data is not None else None,
                expires_at=job.expires_at))
    error = None if job.error_code is None else JobErrorOut(
        code=job.error_code, message=job.error_message or "", field=job.report.get("error_field"))
    return JobOut(id=job.id, pipeline=job.product, state=job.state, priority=job.priority,
                  progress=job.progress, attempts=job.attempts, created_at=job.created_at,
                  started_at=job.started_at, finished_at=job.finished_at,
                  expires_at=job.expires_at, cancel_requested=job.cancel_requested,
                  error=error, results=results, report=job.report)


def _submit_args(studio: Studio, body: JobRequest) -> dict[str, Any]:
    sources = {role: [_source(item) for item in items] for role, items in body.inputs.items()}
    return {"params": body.params, "inputs": studio.resolve_inputs(body.pipeline, sources),
            "priority": body.priority, "dedup_key": body.dedup_key,
            "wire": {"protocol": "native", "result_format": body.result_format}}


def _inline(job: Job, requested: bool | None) -> bool:
    return bool(requested) if requested is not None else (
        job.wire.get("result_format") == "base64")


@router.post("/jobs", status_code=202, response_model=JobOut, responses=ERRORS,
             summary="Queue a job")
def create_job(body: JobRequest, request: Request, response: Response,
               tenant: Tenant) -> JobOut:
    studio = studio_of(request)
    studio.check_rate(tenant, "native.submit")
    job = studio.submit(tenant, body.pipeline, **_submit_args(studio, body))
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job_out(studio, job, _base_url(request), inline=False)


@router.get("/jobs", response_model=JobList, responses=ERRORS, summary="List jobs")
def list_jobs(request: Request, tenant: Tenant, state: JobState | None = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 50,
              offset: Annotated[int, Query(ge=0)] = 0) -> JobList:
    studio = studio_of(request)
    jobs = studio.list(tenant, state=state, limit=limit, offset=offset)
    base = _base_url(request)
    return JobList(jobs=[job_out(studio, j, base) for j in jobs], limit=limit, offset=offset)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=ERRORS, summary="Get a job")
def get_job(job_id: str, request: Request, tenant: Tenant,
            inline: Annotated[bool | None, Query(description="results as base64 too")] = None
            ) -> JobOut:
    studio = studio_of(request)
    job = studio.get(tenant, job_id)
    return job_out(studio, job, _base_url(request), _inline(job, inline))


@router.delete("/jobs/{job_id}", response_model=JobOut, responses=ERRORS,
               summary="Cancel a job")
def cancel_job(job_id: str, request: Request, tenant: Tenant) -> JobOut:
    studio = studio_of(request)
    return job_out(studio, studio.cancel(tenant, job_id), _base_url(request))


@router.post("/run", response_model=JobOut, responses=ERRORS,
             summary="Run a job synchronously (submit + wait with a deadline)")
def run_job(body: RunRequest, request: Request, tenant: Tenant) -> JobOut | JSONResponse:
    studio = studio_of(request)
    studio.check_rate(tenant, "native.run")
    timeout = studio.sync_timeout(body.timeout_s)
    job = studio.run(tenant, body.pipeline, timeout=timeout,
                     **_submit_args(studio, body))
    metrics_of(request).observe_job(job)
    if job.state is JobState.FAILED:
        return error_response(job.error_code or "internal", job.error_message or "job failed",
                              job.report.get("error_field"), job_id=job.id)
    if job.state is not JobState.SUCCEEDED:
        return error_response("job.canceled", f"job {job.id} was {job.state.value}",
                              job_id=job.id)
    return job_out(studio, job, _base_url(request), inline=body.result_format == "base64")


@router.get("/pipelines", response_model=PipelineList, summary="Pipelines and their inputs")
def list_pipelines(request: Request, tenant: Tenant) -> PipelineList:
    studio = studio_of(request)
    return PipelineList(pipelines=[PipelineOut(name=s.name, inputs=dict(s.roles),
                                               description=s.description)
                                   for s in studio.products.values()])


def check_signed_path(studio: Studio, request: Request, expires: str | None, sig: str | None,
                      what: str) -> str:
    """The request path when its signature is valid; 403 ``url.expired``/``url.forged``."""
    path = request.url.path
    check = studio.check_result_url(path, expires, sig)
    if check is UrlCheck.EXPIRED:
        raise NativeHttpError("url.expired", f"this {what} URL has expired", field="expires")
    if check is not UrlCheck.VALID:
        raise NativeHttpError("url.forged", f"this {what} URL's signature is not valid",
                              field="sig")
    return path


@router.get("/results/{job_id}/{name}", response_class=Response, responses=ERRORS,
            summary="A result file at a signed, expiring URL (403 when expired or forged)")
def get_result(job_id: str, name: str, request: Request, expires: str | None = None,
               sig: str | None = None) -> Response:
    studio = studio_of(request)
    path = check_signed_path(studio, request, expires, sig, "result")
    blob = studio.open_result(path)
    return Response(blob.data, media_type=blob.media_type,
                    headers={"Cache-Control": "private, max-age=300"})


@router.post("/media", status_code=201, response_model=MediaOut, responses=ERRORS,
             summary="Store an image in the media library (its FileId works in VOD FileInfos)")
def upload_media(body: MediaUpload, request: Request, tenant: Tenant) -> MediaOut:
    studio = studio_of(request)
    studio.check_rate(tenant, "native.submit")
    data = studio.load_image(_source(body.image), "image")
    media = studio.add_media(tenant, data, name=body.name, class_id=body.class_id)
    return MediaOut(file_id=media.file_id, name=media.name, class_id=media.class_id,
                    media_type=media.media_type, size=media.size,
                    url=studio.media_url(media, _base_url(request)))


@router.get("/media/{name}", response_class=Response, responses=ERRORS,
            summary="A media file at a signed URL (403 when expired or forged)")
def get_media(name: str, request: Request, expires: str | None = None,
              sig: str | None = None) -> Response:
    studio = studio_of(request)
    path = check_signed_path(studio, request, expires, sig, "media")
    data, media_type = studio.open_media(path)
    return Response(data, media_type=media_type,
                    headers={"Cache-Control": "private, max-age=300"})
