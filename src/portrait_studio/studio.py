"""The facade every transport uses: submit, get, list, cancel, run (sync), results, URLs.

A transport (native REST API, Tencent dialect, CLI) parses its wire format, turns images into
:class:`ImageSource` values and calls a :class:`Studio`. The studio resolves inputs (bytes,
base64 / data URLs, or http(s) URLs fetched through :mod:`~portrait_studio.storage.fetch` with
the settings' allow-list), checks them against the product's input roles, and hands them to the
job service. Results are read back as bytes or handed out as signed, expiring URLs
(``/v1/results/<job id>/<index><ext>?expires=..&sig=..``) that the server serves itself.

Jobs whose results expired answer :class:`~portrait_studio.errors.JobNotFound` here, so each
protocol renders "not found" its own way. Nothing here knows HTTP.
"""

from __future__ import annotations

import builtins
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import (
    JobNotFound,
    MediaNotFound,
    MissingParameter,
    ParameterError,
    PortraitError,
    RateLimited,
)
from .imaging.codec import b64decode_image_bytes, image_info
from .imaging.limits import ImageLimits
from .jobs import defaults
from .jobs.limits import RateLimiter
from .jobs.model import Job, JobState
from .jobs.service import JobService, ResultBlob
from .jobs.worker import WorkerPool
from .security import signed_urls
from .security.keys import KeyStore, Principal
from .settings import Settings
from .storage.base import suffix_for
from .storage.fetch import fetch_image_bytes
from .storage.media import MediaFile, MediaLibrary

log = logging.getLogger(__name__)
RESULTS_PREFIX = "/v1/results"
MEDIA_PREFIX = "/v1/media"
MEDIA_URL_TTL_S = 10 * 365 * 86400.0
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
               "bmp": "image/bmp", "tiff": "image/tiff"}
_MEDIA_PATH = re.compile(r"^/v1/media/(?P<id>\d{19})(?P<ext>\.[a-z0-9]{1,8})$")
_RESULT_PATH = re.compile(r"^/v1/results/(?P<job>[0-9a-f]{32})/(?P<index>\d{1,3})"
                          r"(?:-(?P<variant>[a-z][a-z0-9]{0,31}))?(?P<ext>\.[a-z0-9]{1,8})?$")
#: ``(data, media type, variant token) -> data``: renders a variant of a stored result
ResultVariant = Callable[[bytes, str, str], bytes]


@dataclass(frozen=True)
class ProductSpec:
    """A product the workers can run: its name and input roles ``role -> (min, max)``."""

    name: str
    roles: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class ImageSource:
    """One input image as a client gave it: raw bytes, base64 text (or a data URL), or a URL."""

    data: bytes | None = None
    base64: str | None = None
    url: str | None = None

    @classmethod
    def from_text(cls, text: str) -> ImageSource:
        """``http(s)://...`` is a URL; anything else is base64 or a ``data:`` URL."""
        stripped = text.strip()
        if stripped[:7].lower() == "http://" or stripped[:8].lower() == "https://":
            return cls(url=stripped)
        return cls(base64=text)


@dataclass(frozen=True)
class StudioStats:
    """Numbers for /metrics and /readyz."""

    jobs_by_state: dict[JobState, int]
    workers_alive: int
    workers_configured: int

    @property
    def queue_depth(self) -> int:
        return self.jobs_by_state.get(JobState.QUEUED, 0)


def _log_job(event: str, job: Job) -> None:
    log.info("job %s %s: %s", job.id, event, job.state.value,
             extra={"job_id": job.id, "product": job.product, "tenant": job.tenant,
                    "state": job.state.value, "error_code": job.error_code})


def parse_result_path(path: str) -> tuple[str, int] | None:
    """``(job id, index)`` of a result URL path, or None when it is not one."""
    match = _RESULT_PATH.match(path)
    return None if match is None else (match["job"], int(match["index"]))


def result_variant(path: str) -> str | None:
    """The variant token of a result URL path (``0-vlogo00030.jpg`` -> ``vlogo00030``)."""
    match = _RESULT_PATH.match(path)
    return None if match is None else match["variant"]


class Studio:
    """What transports call; built by :func:`portrait_studio.bootstrap.start`."""

    def __init__(self, settings: Settings, service: JobService, keys: KeyStore,
                 rate_limiter: RateLimiter, url_secret: bytes,
                 products: Mapping[str, ProductSpec], pool: WorkerPool | None = None,
                 clock: Callable[[], float] = time.time, ready_dir: Path | None = None,
                 media: MediaLibrary | None = None) -> None:
        """``ready_dir`` holds ``<pid>.ready`` files left by workers that finished starting
        (see :meth:`ready`); without it a live worker process counts as ready."""
        self.settings = settings
        self.service = service
        self.keys = keys
        self.rate_limiter = rate_limiter
        self.products = dict(products)
        self.pool = pool
        self._secret = url_secret
        self._clock = clock
        self._ready_dir = ready_dir
        self._variants: dict[str, ResultVariant] = {}
        self.media = media

    # --- tenants and limits -------------------------------------------------------------------

    def authenticate(self, kind: str, credential: str) -> Principal | None:
        """The active owner of a bearer key (``native``, ``dashscope``) or an HMAC key id."""
        return self.keys.lookup(kind, credential) if credential else None

    def secret_lookup(self, kind: str) -> tuple[Callable[[str], str | None], dict[str, str]]:
        """For an HMAC verifier (``tencent``, ``volc``): a lookup key id -> secret, and the
        dict in which it records key id -> tenant for every key it found."""
        owners: dict[str, str] = {}

        def lookup(key_id: str) -> str | None:
            principal = self.authenticate(kind, key_id)
            if principal is None:
                return None
            owners[key_id] = principal.tenant
            return principal.secret

        return lookup, owners

    def check_rate(self, tenant: str, action: str) -> None:
        """Take one request token of ``action`` for ``tenant``; RateLimited when none is left."""
        if not self.rate_limiter.allow(tenant, action):
            rate = self.rate_limiter.rates.get(action, 0.0)
            wait = self.rate_limiter.retry_after(tenant, action)
            raise RateLimited(f"{action} is limited to {rate:g} requests per second per tenant; "
                              f"retry in {wait:.2f} s", field="rate", action=action, rate=rate,
                              retry_after=round(wait, 3))

    # --- inputs -------------------------------------------------------------------------------

    def fetch_url(self, url: str, field: str, *, max_bytes: int | None = None) -> bytes:
        """Download an image from an http(s) URL (SSRF-safe, settings' limits and allow-list);
        error messages start with ``field``."""
        try:
            return fetch_image_bytes(url, max_bytes=max_bytes or self.settings.fetch_max_bytes,
                                     timeout_s=self.settings.fetch_timeout_s,
                                     max_redirects=self.settings.fetch_max_redirects,
                                     allowlist=self.settings.url_allowlist, field=field)
        except PortraitError as exc:
            if exc.message.startswith(f"{field}:"):
                raise
            raise type(exc)(f"{field}: {exc.message}", field=field, **exc.details) from None

    def load_image(self, source: ImageSource, field: str, *, max_bytes: int | None = None,
                   prefer_url: bool = True) -> bytes:
        """Encoded bytes of one input (URL wins over base64 when ``prefer_url``)."""
        limit = max_bytes or ImageLimits().max_bytes
        if source.url and (prefer_url or not (source.base64 or source.data)):
            return self.fetch_url(source.url, field, max_bytes=max_bytes)
        if source.base64:
            return b64decode_image_bytes(source.base64, ImageLimits(max_bytes=limit),
                                         field=field)
        if source.data:
            return source.data
        raise MissingParameter(f"{field} needs an image: a URL, base64 data or a data URL",
                               field=field)

    def _check_roles(self, spec: ProductSpec, inputs: Mapping[str, Sequence[object]]) -> None:
        for role in inputs:
            if role not in spec.roles:
                allowed = ", ".join(sorted(spec.roles)) or "none"
                raise ParameterError(f"pipeline {spec.name!r} has no input {role!r}; its inputs "
                                     f"are: {allowed}", field=f"inputs.{role}")
        for role, (low, high) in spec.roles.items():
            count = len(inputs.get(role, ()))
            if not low <= count <= high:
                raise ParameterError(f"inputs.{role} must hold {low} to {high} image(s), got "
                                     f"{count}", field=f"inputs.{role}", low=low, high=high)

    def product(self, name: str) -> ProductSpec:
        """The spec of pipeline ``name``; ParameterError naming the known ones otherwise."""
        spec = self.products.get(name)
        if spec is None:
            known = ", ".join(sorted(self.products))
            raise ParameterError(f"pipeline must be one of: {known}; got {name!r}",
                                 field="pipeline", allowed=sorted(self.products))
        return spec

    def resolve_inputs(self, pipeline: str, inputs: Mapping[str, Sequence[ImageSource]]
                       ) -> dict[str, list[bytes]]:
        """Check roles and counts, then load every image (``inputs.<role>.<i>`` in errors)."""
        self._check_roles(self.product(pipeline), inputs)
        return {role: [self.load_image(src, f"inputs.{role}.{i}") for i, src in enumerate(items)]
                for role, items in inputs.items()}

    # --- jobs ---------------------------------------------------------------------------------

    def submit(self, tenant: str, pipeline: str, *, params: Mapping[str, Any] | None = None,
               inputs: Mapping[str, Sequence[bytes]] | None = None,
               priority: int = defaults.DEFAULT_PRIORITY, dedup_key: str | None = None,
               wire: Mapping[str, Any] | None = None, external_id: str | None = None) -> Job:
        """Queue a job of ``pipeline`` with already loaded input bytes."""
        self._check_roles(self.product(pipeline), inputs or {})
        job = self.service.submit(tenant, pipeline, params=params, inputs=inputs,
                                  priority=priority, dedup_key=dedup_key, wire=wire,
                                  external_id=external_id)
        _log_job("submitted", job)
        return job

    def sync_timeout(self, requested: float | None) -> float:
        """The deadline of a sync call: ``requested`` (bounded) or the settings' default."""
        if requested is None:
            return self.settings.sync_deadline_s
        if not 0 < requested <= self.settings.max_sync_deadline_s:
            raise ParameterError(f"timeout_s must be > 0 and <= "
                                 f"{self.settings.max_sync_deadline_s:g}, got {requested:g}",
                                 field="timeout_s")
        return float(requested)

    def run(self, tenant: str, pipeline: str, *, timeout: float | None = None,
            **submit: Any) -> Job:
        """Submit and wait for the end (the sync path); JobTimeout after the deadline (the job
        is then canceled)."""
        self._check_roles(self.product(pipeline), submit.get("inputs") or {})
        job = self.service.run(tenant, pipeline, timeout=self.sync_timeout(timeout), **submit)
        _log_job("ran", job)
        return job

    def _live(self, job: Job) -> Job:
        expired = job.state is JobState.EXPIRED or (
            job.expires_at is not None and job.expires_at <= self._clock())
        if expired:
            raise JobNotFound(f"job {job.id!r} has expired and its results were deleted",
                              field="job_id")
        return job

    def get(self, tenant: str, job_id: str) -> Job:
        """A job of ``tenant``; JobNotFound when unknown, someone else's, or expired."""
        return self._live(self.service.get(job_id, tenant=tenant))

    def find(self, tenant: str, external_id: str) -> Job:
        """The job of ``tenant`` with a vendor-facing ``external_id``; JobNotFound when unknown,
        someone else's, or expired."""
        return self._live(self.service.find_by_external_id(tenant, external_id))

    def list(self, tenant: str, *, state: JobState | None = None, limit: int = 50,
             offset: int = 0) -> builtins.list[Job]:
        """Jobs of ``tenant``, newest first; expired ones only when asked for by state."""
        jobs = self.service.list(tenant=tenant, state=state, limit=limit, offset=offset)
        return jobs if state is JobState.EXPIRED else [j for j in jobs
                                                       if j.state is not JobState.EXPIRED]

    def cancel(self, tenant: str, job_id: str, *, queued_only: bool = False) -> Job:
        """Cancel a job of ``tenant`` (see JobService.cancel); expired jobs are not found."""
        self.get(tenant, job_id)
        return self.service.cancel(job_id, tenant=tenant, queued_only=queued_only)

    def wait(self, tenant: str, job_id: str, timeout: float) -> Job:
        return self.service.wait(job_id, timeout, tenant=tenant)

    # --- results ------------------------------------------------------------------------------

    def result(self, job: Job, index: int = 0) -> ResultBlob:
        """Result ``index`` of a live succeeded job; JobNotFound otherwise."""
        return self.service.result(self._live(job).id, index)

    def register_variant(self, prefix: str, render: ResultVariant) -> None:
        """Serve ``<index>-<prefix><args><ext>`` result URLs through ``render`` (e.g. a
        watermark chosen when the URL was issued; the signature covers the token)."""
        if not re.fullmatch(r"[a-z]{2,16}", prefix):
            raise ParameterError(f"variant prefix must be 2-16 letters, got {prefix!r}",
                                 field="prefix")
        self._variants[prefix] = render

    def _variant(self, token: str) -> ResultVariant:
        for prefix, render in self._variants.items():
            if token.startswith(prefix):
                return render
        raise JobNotFound(f"result variant {token!r} is not known here", field="path")

    def result_path(self, job: Job, index: int, variant: str | None = None) -> str:
        """``/v1/results/<job id>/<index>[-<variant>]<ext>`` (the extension records the media
        type)."""
        key = job.results[index]
        dot = key.rfind(".")
        ext = key[dot:] if dot > key.rfind("/") else suffix_for("application/octet-stream")
        tail = f"-{variant}" if variant else ""
        return f"{RESULTS_PREFIX}/{job.id}/{index}{tail}{ext}"

    def result_url(self, job: Job, index: int, base_url: str | None = None,
                   ttl_s: float | None = None, variant: str | None = None) -> str:
        """A signed URL of result ``index`` (or of a registered ``variant`` of it) valid until
        the job expires (or ``ttl_s``)."""
        if variant is not None:
            self._variant(variant)
        if job.state is not JobState.SUCCEEDED or not 0 <= index < len(job.results):
            raise JobNotFound(f"job {job.id!r} has no result #{index}", field="index")
        expires = job.expires_at or self._clock() + defaults.retention_for(job.product)
        if ttl_s is not None:
            expires = min(expires, self._clock() + ttl_s)
        base = self.settings.public_url or base_url or self.settings.base_url
        return signed_urls.signed_url(base, self.result_path(job, index, variant),
                                      int(expires), self._secret)

    def check_result_url(self, path: str, expires: str | None,
                         sig: str | None) -> signed_urls.UrlCheck:
        """VALID / EXPIRED / FORGED for a requested result URL (path without the query)."""
        return signed_urls.verify(path, expires, sig, self._secret, self._clock())

    def open_result(self, path: str) -> ResultBlob:
        """The bytes behind a result URL path (after :meth:`check_result_url` said VALID)."""
        parsed = parse_result_path(path)
        if parsed is None:
            raise JobNotFound(f"{path} is not a result URL", field="path")
        job_id, index = parsed
        variant = result_variant(path)
        job = self._live(self.service.get(job_id))
        if job.state is not JobState.SUCCEEDED or \
                self.result_path_or_none(job, index, variant) != path:
            raise JobNotFound(f"job {job_id!r} has no result #{index}", field="index")
        blob = self.service.result(job_id, index)
        if variant is None:
            return blob
        data = self._variant(variant)(blob.data, blob.media_type, variant)
        return ResultBlob(data, blob.media_type, blob.key)

    def result_path_or_none(self, job: Job, index: int,
                            variant: str | None = None) -> str | None:
        return self.result_path(job, index, variant) if 0 <= index < len(job.results) else None

    # --- media library ------------------------------------------------------------------------

    def add_media(self, tenant: str, data: bytes, *, name: str = "", class_id: int = 0,
                  expires_at: float | None = None, origin: str | None = None) -> MediaFile:
        """Store an image in the media library (format checked) and return it."""
        if self.media is None:
            raise ParameterError("this studio has no media library", field="media")
        fmt, _, _ = image_info(data)
        return self.media.add(tenant, data, MEDIA_TYPES.get(fmt, "application/octet-stream"),
                              name=name, class_id=class_id, expires_at=expires_at,
                              origin=origin)

    def media_file(self, tenant: str, file_id: str, field: str = "FileId") -> MediaFile:
        if self.media is None:
            raise MediaNotFound(f"{field}: there is no media library", field=field)
        return self.media.get(tenant, file_id, field)

    def media_bytes(self, tenant: str, file_id: str, field: str = "FileId") -> bytes:
        """The bytes of a live media file of ``tenant``; MediaNotFound otherwise."""
        media = self.media_file(tenant, file_id, field)
        assert self.media is not None
        return self.media.read(media)

    def media_url(self, media: MediaFile, base_url: str | None = None) -> str:
        """A signed URL of a media file, valid while the file lives (10 years when it does
        not expire)."""
        expires = media.expires_at or self._clock() + MEDIA_URL_TTL_S
        base = self.settings.public_url or base_url or self.settings.base_url
        return signed_urls.signed_url(base, f"{MEDIA_PREFIX}/{media.file_id}{media.suffix}",
                                      int(expires), self._secret)

    def open_media(self, path: str) -> tuple[bytes, str]:
        """``(bytes, media type)`` behind a media URL path (after the signature check)."""
        match = _MEDIA_PATH.match(path)
        media = None if match is None or self.media is None else self.media.find(match["id"])
        if media is None or path != f"{MEDIA_PREFIX}/{media.file_id}{media.suffix}":
            raise JobNotFound(f"{path} is not a media file here", field="path")
        assert self.media is not None
        return self.media.read(media), media.media_type

    # --- health -------------------------------------------------------------------------------

    def _ready_workers(self) -> int:
        if self.pool is None:
            return 0
        pids = self.pool.pids()
        if self._ready_dir is None:
            return len(pids)
        return sum((self._ready_dir / f"{pid}.ready").exists() for pid in pids)

    def stats(self) -> StudioStats:
        """Jobs by state and the workers that are alive and done starting."""
        return StudioStats(self.service.counts(), self._ready_workers(), self.settings.workers)

    def ready(self) -> bool:
        """True when every configured worker process is alive and has loaded its models."""
        return self._ready_workers() >= self.settings.workers
