"""Settings, read once at start into a frozen object and passed down.

No module reads ``os.environ`` at import time: :func:`load_settings` is called by the CLI /
server entry point with the environment (and command-line overrides) and the result is handed
to everything that needs it. Environment variables use the ``PORTRAIT_`` prefix, e.g.
``PORTRAIT_DATA_DIR``, ``PORTRAIT_WORKERS``, ``PORTRAIT_URL_ALLOWLIST=127.0.0.1,::1``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ParameterError

PREFIX = "PORTRAIT_"


@dataclass(frozen=True)
class Settings:
    """Every tunable of the library and the server, with its default."""

    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    # "bring your own weights": a directory of user-supplied ONNX models
    models_dir: Path | None = None
    # public base URL used in result links (defaults to http://host:port)
    public_url: str | None = None
    # secret for signed result URLs; generated and stored in data_dir when empty
    url_signing_secret: str | None = None
    # input images fetched by URL
    fetch_timeout_s: float = 10.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_max_redirects: int = 3
    url_allowlist: tuple[str, ...] = ()
    # seconds a sync call (FuseFaceUltra, /v1/run) waits for its job
    sync_deadline_s: float = 60.0
    sweep_interval_s: float = 30.0
    # Tencent/Volcengine signature time window in seconds
    signature_window_s: int = 300
    log_level: str = "INFO"
    threads_per_worker: int = 1
    # --- server (issue 3) ------------------------------------------------------------------
    # backends by name (jobs.store.open_job_store, storage.open_blob_store)
    job_store: str = "sqlite"
    blob_store: str = "local"
    # "json" (one object per line) or "text" for humans
    log_format: str = "json"
    # queued (not yet running) jobs per tenant before submissions are refused
    max_queued_per_tenant: int = 100
    # overrides of jobs.defaults: "FuseFaceUltra=5,SubmitGlamPicJob=2" (requests/s) and
    # "fusion=3600,glam=60" (seconds results are kept)
    rate_limit_overrides: tuple[str, ...] = ()
    retention_overrides: tuple[str, ...] = ()
    # longest deadline a client may ask for on /v1/run
    max_sync_deadline_s: float = 600.0
    # biggest request body accepted (Tencent POST, native JSON); GET queries are capped at 32 KB
    max_request_bytes: int = 48 * 1024 * 1024
    # register test-only products ("sleep"): PORTRAIT_TEST_PRODUCTS=1, never in production
    test_products: bool = False
    # Volcengine SignerV4 clock skew allowed, seconds (not documented by the vendor)
    volc_signature_window_s: int = 900
    # restyle prompts containing any of these words answer 50412 (empty = built-in list)
    prompt_blocklist: tuple[str, ...] = ()
    # image moderation hook "package.module:function" taking image bytes, returning True to
    # refuse the image (50411); empty = off
    moderation_hook: str = ""

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"


def _coerce(name: str, raw: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            return tuple(p.strip() for p in raw.split(",") if p.strip())
        if isinstance(default, Path) or name in ("models_dir", "data_dir"):
            return Path(raw)
    except ValueError as exc:
        raise ParameterError(f"setting {PREFIX}{name.upper()}={raw!r} is not valid: {exc}",
                             field=name) from exc
    return raw


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build :class:`Settings` from ``environ`` (``PORTRAIT_*``) then explicit ``overrides``."""
    env = os.environ if environ is None else environ
    base = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(PREFIX + f.name.upper())
        if raw is not None:
            values[f.name] = _coerce(f.name, raw, getattr(base, f.name))
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(base, **values)
