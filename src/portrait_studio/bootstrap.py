"""Wiring: settings -> job store, blobs, key store, rate limiter, worker pool, sweeper, studio.

The one place where parts are put together. :func:`start` builds and starts everything the
embedded default needs (SQLite job store in WAL mode and local blobs in ``data_dir``, one worker
process per core, the retention sweeper), recovers jobs a killed server left running (re-run,
or failed with ``job.worker_lost`` after ``max_attempts``), and returns a :class:`Runtime`
whose :meth:`Runtime.stop` shuts it down. A lock file (``data_dir/server.lock``) keeps a second
server from using the same data directory (recovery would steal its running jobs).

Worker processes rebuild what they need from picklable factories: module-level functions here
(``build_registry``, ``build_test_registry``, ``init_worker``) so that importing this module
stays cheap (the heavy products are imported inside the worker).

Test-only products (``PORTRAIT_TEST_PRODUCTS=1`` / ``Settings.test_products``): ``sleep``
sleeps ``params["seconds"]`` (``params["rerun_seconds"]`` on a re-run, if given; polling
cancel), then returns its ``image`` input unchanged (or a 1x1 PNG) with ``{"attempts",
"pid"}`` in its report; with ``params["crash"]`` it SIGKILLs its own worker process. Used by
the crash-recovery tests; never enable it in production.
"""

from __future__ import annotations

import fcntl
import functools
import importlib
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import ParameterError
from .jobs import defaults
from .jobs.executors import ExecutionContext, ExecutionResult, Executor, ExecutorRegistry
from .jobs.limits import JobLimits, RateLimiter
from .jobs.model import Job
from .jobs.retention import RetentionSweeper
from .jobs.service import JobService
from .jobs.store import open_job_store
from .jobs.worker import PoolConfig, WorkerPool
from .logging import configure_logging
from .security.keys import KeyStore
from .security.signed_urls import load_or_create_secret
from .settings import Settings
from .storage import open_blob_store
from .storage.media import MediaLibrary
from .studio import ProductSpec, Studio

log = logging.getLogger(__name__)
GLAM_MAX_USERS, GLAM_MAX_PHOTOS = 5, 6  # = pipelines.glam_params.MAX_USERS / MAX_PHOTOS
LOCK_FILE = "server.lock"
BLOB_DIR = "blobs"
READY_DIR = "run"
_TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")

PRODUCTS: dict[str, ProductSpec] = {
    "fusion": ProductSpec("fusion", {"template": (1, 1), "faces": (1, 6), "logo": (0, 1)},
                          "face fusion (Tencent FuseFaceUltra semantics); see "
                          "portrait_studio.products.fusion for params"),
    "glam": ProductSpec("glam", {"template": (1, 1), **{
        f"faces.{i}": (1 if i == 0 else 0, GLAM_MAX_PHOTOS) for i in range(GLAM_MAX_USERS)},
        "logo": (0, 1)}, "glam photos (Tencent SubmitGlamPicJob semantics): users' photos in "
        "roles faces.0..faces.4; see portrait_studio.products.glam for params"),
}
PRODUCTS["repaint"] = ProductSpec(
    "repaint", {"image": (0, 1), "style_ref": (0, 1)},
    "portrait style repaint in 10 styles + custom (DashScope wanx-style-repaint-v1 "
    "semantics); see portrait_studio.products.repaint for params")
PRODUCTS["restyle"] = ProductSpec(
    "restyle", {"images": (1, 10)},
    "identity-keeping restyle from a face image, a style image and a prompt (Volcengine "
    "img2img_anime_accelerated_maintain_id semantics); see portrait_studio.products.restyle")
PRODUCTS["try_on"] = ProductSpec(
    "try_on", {"person": (1, 1), "garments": (1, 4)},
    "change clothes / virtual try-on (Tencent VOD CreateSceneAigcImageTask semantics); see "
    "portrait_studio.products.try_on")
TEST_PRODUCTS: dict[str, ProductSpec] = {
    "sleep": ProductSpec("sleep", {"image": (0, 1)},
                         "test only: sleeps params.seconds, returns its input"),
}


# --- worker processes ---------------------------------------------------------------------

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def worker_environment(threads: int) -> None:
    """Set the native thread-pool sizes the worker processes inherit (unless the operator set
    them). Must happen in the parent before spawning: BLAS/OpenMP read them when numpy loads,
    which in a worker happens before :func:`init_worker` runs; oversubscribed BLAS threads
    spinning on a busy machine were measured to slow single fusions from ~6 s to ~25 s."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))


def init_worker(threads: int, log_level: str, log_format: str) -> None:
    """First thing in each worker process: JSON logging, OpenCV's thread count, and freed
    image buffers kept for reuse (:func:`~portrait_studio.imaging.memory.keep_freed_memory`)."""
    configure_logging(log_level, log_format)
    import cv2

    from .imaging.memory import keep_freed_memory

    cv2.setNumThreads(threads)
    keep_freed_memory()


def warm_up() -> None:
    """Load the face detector, mesh and segmentation models now rather than on the first job
    (saves about a second of that job's latency); failures only log."""
    try:
        import numpy as np

        from .perception.faces import Box, detect_faces, mesh_in_box
        from .perception.segmentation import person_mask

        gray = np.full((256, 256, 3), 128, np.uint8)  # HxWx3 uint8 RGB, no face
        detect_faces(gray)
        mesh_in_box(gray, Box(64.0, 64.0, 128.0, 128.0))
        person_mask(gray)
    except Exception:  # a warm-up must never keep a worker from starting
        log.warning("worker warm-up failed; models load on the first job", exc_info=True)


#: product -> module with ``execute`` (imported by the worker on the product's first job)
PRODUCT_MODULES: dict[str, str] = {
    "fusion": "portrait_studio.products.fusion", "glam": "portrait_studio.products.glam",
    "repaint": "portrait_studio.products.repaint",
    "restyle": "portrait_studio.products.restyle",
    "try_on": "portrait_studio.products.try_on"}


def lazy_executor(module: str) -> Executor:
    """An executor importing ``module`` on first use: a product whose code fails to import
    fails its own jobs (``internal``), never the worker or the other products."""

    def execute(ctx: ExecutionContext) -> ExecutionResult:
        run: Executor = importlib.import_module(module).execute
        return run(ctx)

    return execute


def build_registry() -> ExecutorRegistry:
    """The production products; fusion is imported now (and its models warmed up), the
    others on their first job."""
    from .products import fusion

    registry = ExecutorRegistry()
    registry.register(fusion.PRODUCT, fusion.execute)
    for name, module in PRODUCT_MODULES.items():
        if name != fusion.PRODUCT:
            registry.register(name, lazy_executor(module))
    warm_up()
    return registry


def sleep_product(ctx: ExecutionContext) -> ExecutionResult:
    """Test product: sleep ``params.seconds`` (``rerun_seconds`` on later attempts; stopping
    early on cancel), echo the input;
    ``params.crash`` kills the worker process instead (SIGKILL), as a segfault would."""
    if ctx.params.get("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    seconds = ctx.params.get("seconds", 1.0)
    if ctx.job.attempts > 1:
        seconds = ctx.params.get("rerun_seconds", seconds)
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        ctx.raise_if_canceled()
        time.sleep(0.02)
    data = ctx.input("image") if ctx.input_count("image") else _TINY_PNG
    media = "image/jpeg" if data[:2] == b"\xff\xd8" else "image/png"
    return ExecutionResult.of([(data, media)], {"attempts": ctx.job.attempts,
                                                "pid": os.getpid()})


def build_test_registry() -> ExecutorRegistry:
    """Production products plus the test-only ones."""
    registry = build_registry()
    registry.register("sleep", sleep_product)
    return registry


def ready_registry(test_products: bool, ready_dir: Path) -> ExecutorRegistry:
    """The worker's registry factory: build (and warm) the registry, then leave
    ``<ready_dir>/<pid>.ready`` so that /readyz knows this worker can take jobs."""
    registry = build_test_registry() if test_products else build_registry()
    (ready_dir / f"{os.getpid()}.ready").touch()
    return registry


# --- in the server process ------------------------------------------------------------------

def parse_overrides(entries: tuple[str, ...], setting: str) -> dict[str, float]:
    """``("FuseFaceUltra=5", ...)`` -> ``{"FuseFaceUltra": 5.0}``; ParameterError if malformed."""
    parsed: dict[str, float] = {}
    for entry in entries:
        name, sep, value = entry.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not sep or not name.strip() or number < 0:
            raise ParameterError(f"{setting} entries must look like NAME=<number >= 0>, got "
                                 f"{entry!r}", field=setting)
        parsed[name.strip()] = number
    return parsed


def rate_limits(settings: Settings) -> dict[str, float]:
    return {**defaults.RATE_LIMITS,
            **parse_overrides(settings.rate_limit_overrides, "rate_limit_overrides")}


def retention(settings: Settings) -> dict[str, float]:
    return {**defaults.RETENTION_S,
            **parse_overrides(settings.retention_overrides, "retention_overrides")}


def products(settings: Settings) -> dict[str, ProductSpec]:
    return {**PRODUCTS, **(TEST_PRODUCTS if settings.test_products else {})}


def acquire_lock(data_dir: Path) -> IO[str]:
    """Hold ``data_dir/server.lock`` for this process's life; RuntimeError if taken."""
    handle = open(data_dir / LOCK_FILE, "a+")  # noqa: SIM115 - kept open on purpose
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise RuntimeError(f"another portrait-studio server is using {data_dir}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


@dataclass
class Runtime:
    """Everything :func:`start` started; :meth:`stop` undoes it."""

    settings: Settings
    studio: Studio
    pool: WorkerPool
    sweeper: RetentionSweeper
    recovered: list[Job] = field(default_factory=list)
    lock: IO[str] | None = None

    def stop(self, timeout: float | None = None) -> None:
        """Stop the sweeper, let running jobs finish (then requeue the rest), release."""
        self.sweeper.stop()
        self.pool.stop(timeout)
        self.studio.service.store.close()
        if self.lock is not None:
            self.lock.close()
            self.lock = None


def _pool(settings: Settings, limits: JobLimits) -> WorkerPool:
    data_dir = settings.data_dir
    store_factory = functools.partial(open_job_store, settings.job_store, data_dir)
    blob_factory = functools.partial(open_blob_store, settings.blob_store, data_dir / BLOB_DIR)
    registry = functools.partial(ready_registry, settings.test_products, ready_dir(settings))
    init = functools.partial(init_worker, settings.threads_per_worker, settings.log_level,
                             settings.log_format)
    config = PoolConfig.from_limits(settings.workers, limits, initializer=init)
    return WorkerPool(config, store_factory, blob_factory, registry)


def ready_dir(settings: Settings) -> Path:
    """Where workers announce they are ready (emptied at each start)."""
    return settings.data_dir / READY_DIR


def _reset_ready_dir(settings: Settings) -> None:
    folder = ready_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.ready"):
        stale.unlink(missing_ok=True)


def job_limits(settings: Settings) -> JobLimits:
    return JobLimits(max_queued_per_tenant=settings.max_queued_per_tenant,
                     product_concurrency=defaults.product_limits(settings.workers))


def build_studio(settings: Settings, pool: WorkerPool | None = None,
                 **overrides: Any) -> Studio:
    """A studio on ``settings.data_dir`` (no workers started; ``pool`` may be None)."""
    data_dir = settings.data_dir
    service = JobService(open_job_store(settings.job_store, data_dir),
                         open_blob_store(settings.blob_store, data_dir / BLOB_DIR),
                         job_limits(settings),
                         signals=pool, retention=retention(settings))
    secret = (settings.url_signing_secret.encode() if settings.url_signing_secret
              else load_or_create_secret(data_dir))
    media = MediaLibrary.in_data_dir(data_dir, service.blobs)
    return Studio(settings, service, KeyStore.in_data_dir(data_dir),
                  RateLimiter(rate_limits(settings)), secret, products(settings), pool,
                  ready_dir=ready_dir(settings) if pool is not None else None, media=media,
                  **overrides)


def _log_recovered(jobs: list[Job]) -> None:
    for job in jobs:
        log.warning("recovered job %s left %s by a previous server: now %s", job.id,
                    "running", job.state.value, extra={"job_id": job.id,
                                                       "attempts": job.attempts})


def start(settings: Settings) -> Runtime:
    """Build, recover and start everything (see module docstring)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = acquire_lock(settings.data_dir)
    try:
        worker_environment(settings.threads_per_worker)
        _reset_ready_dir(settings)
        pool = _pool(settings, job_limits(settings))
        studio = build_studio(settings, pool)
        recovered = studio.service.recover()
        _log_recovered(recovered)
        pool.start()
        data_dir = settings.data_dir
        sweeper = RetentionSweeper(open_job_store(settings.job_store, data_dir),
                                   open_blob_store(settings.blob_store, data_dir / BLOB_DIR),
                                   settings.sweep_interval_s)
        sweeper.start()
    except BaseException:
        lock.close()
        raise
    log.info("studio started: %d worker(s), data dir %s", settings.workers, data_dir)
    return Runtime(settings, studio, pool, sweeper, recovered, lock)


def product_names(settings: Settings) -> list[str]:
    return sorted(products(settings))
