"""The FastAPI application: native API, Tencent API 3.0 layer, health, metrics, docs.

``create_app(settings)`` returns an app whose lifespan starts the runtime (job store, blobs,
worker pool, sweeper: :func:`portrait_studio.bootstrap.start`) and stops it on shutdown. Every
request gets a uuid4 request id (``X-Request-Id`` response header, bound to the logs, used as
the Tencent ``RequestId``), one JSON access-log line and its metrics.

Routes: ``/`` (Tencent), ``/v1/...`` (native), ``/healthz`` (process up), ``/readyz`` (every
worker process alive, else 503), ``/metrics`` (Prometheus text), ``/openapi.json`` and
``/docs`` (Swagger UI served from the ``swagger-ui-bundle-v2`` package when installed, a small
built-in page otherwise: nothing is loaded from the internet).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__ as VERSION
from ..bootstrap import Runtime, start
from ..logging import bind
from ..settings import Settings
from .dialects.dashscope.router import create_router as dashscope_router
from .dialects.tencent import aiart, facefusion, vod
from .dialects.tencent.router import TencentDialect, create_router
from .dialects.volc import restyle as volc_restyle
from .dialects.volc.router import VolcEndpoint, is_volc
from .metrics import CONTENT_TYPE as METRICS_TYPE
from .metrics import Metrics
from .native.errors import error_body, install_error_handlers
from .native.routes import router as native_router

log = logging.getLogger("portrait_studio.server")
THREADS = 128
_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
_FALLBACK_DOCS = """<!doctype html><html><head><meta charset="utf-8">
<title>portrait-studio API</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}
code{background:#eee;padding:0 .3em}</style></head><body><h1>portrait-studio API</h1>
<p>The machine-readable description is at <a href="/openapi.json">/openapi.json</a>.</p>
<ul id="ops"></ul><script>
fetch('/openapi.json').then(r=>r.json()).then(spec=>{const ul=document.getElementById('ops');
for(const [path,ops] of Object.entries(spec.paths)){for(const [m,op] of Object.entries(ops)){
const li=document.createElement('li');li.innerHTML='<code>'+m.toUpperCase()+' '+path+
'</code> '+(op.summary||'');ul.appendChild(li);}}});</script></body></html>"""


class RequestContext:
    """Pure ASGI middleware: request id, body-size guard for /v1, access log, metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics, max_body: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid, started, status = str(uuid.uuid4()), time.perf_counter(), [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                MutableHeaders(scope=message).append("X-Request-Id", rid)
            await send(message)

        with bind(request_id=rid):
            if self._too_large(scope):
                await _too_large_response(scope, receive, send_with_id, self.max_body)
            else:
                await self.app(scope, receive, send_with_id)
            self._record(scope, status[0], time.perf_counter() - started)

    def _too_large(self, scope: Scope) -> bool:
        path = str(scope.get("path", ""))
        if path == "/" or path.startswith("/api/"):
            return False  # Tencent and DashScope endpoints answer in their own envelopes
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit():
                return int(value) > self.max_body
        return False

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", "unmatched")
        method = str(scope.get("method", ""))
        self.metrics.request(route, method, status, seconds)
        log.info("%s %s -> %d", method, scope.get("path"), status,
                 extra={"method": method, "route": route, "status": status,
                        "duration_ms": round(seconds * 1000, 1)})


async def _too_large_response(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    body = error_body("request.too_large", f"request body is larger than {limit} bytes",
                      "body")
    await JSONResponse(body, status_code=413)(scope, receive, send)


def _swagger_dir() -> Path | None:
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    path = Path(str(swagger_ui_bundle.swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def _add_docs(app: FastAPI) -> None:
    assets = _swagger_dir()

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if assets is None:
            return HTMLResponse(_FALLBACK_DOCS)
        return get_swagger_ui_html(openapi_url="/openapi.json", title="portrait-studio API",
                                   swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs/assets/swagger-ui.css",
                                   swagger_favicon_url="/docs/assets/favicon-32x32.png")

    @app.get("/docs/assets/{name}", include_in_schema=False)
    def docs_asset(name: str) -> Response:
        if assets is None or name not in _ASSETS:
            return JSONResponse(error_body("not_found", f"no asset {name}"), status_code=404)
        media = {"js": "text/javascript", "css": "text/css", "png": "image/png"}
        return Response((assets / name).read_bytes(), media_type=media[name.rsplit(".", 1)[1]],
                        headers={"Cache-Control": "public, max-age=86400"})


def _add_health(app: FastAPI, metrics: Metrics) -> None:
    @app.get("/healthz", tags=["health"], summary="The process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": VERSION}

    @app.get("/readyz", tags=["health"], summary="Every worker process is alive")
    def readyz(request: Request) -> JSONResponse:
        studio = request.app.state.studio
        stats = studio.stats()
        ready = studio.ready()
        return JSONResponse({"status": "ready" if ready else "not ready",
                             "workers_alive": stats.workers_alive,
                             "workers": stats.workers_configured,
                             "queue_depth": stats.queue_depth},
                            status_code=200 if ready else 503)

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics",
             response_class=PlainTextResponse)
    def prometheus(request: Request) -> PlainTextResponse:
        return PlainTextResponse(metrics.render(request.app.state.studio),
                                 media_type=METRICS_TYPE)


def create_app(settings: Settings, *, runtime: Runtime | None = None) -> FastAPI:
    """The whole server; starts (or uses the given) :class:`Runtime` in its lifespan."""
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        owned = runtime is None
        rt = runtime if runtime is not None else await run_in_threadpool(start, settings)
        app.state.runtime, app.state.studio = rt, rt.studio
        rt.studio.register_variant(volc_restyle.VARIANT, volc_restyle.render_variant)
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(int(limiter.total_tokens), THREADS)
        try:
            yield {}
        finally:
            if owned:
                await run_in_threadpool(rt.stop)

    app = FastAPI(title="portrait-studio", version=VERSION, lifespan=lifespan, docs_url=None,
                  redoc_url=None, description=__doc__)
    app.state.metrics, app.state.settings = metrics, settings
    install_error_handlers(app)
    app.include_router(native_router)
    dialect = TencentDialect([*facefusion.ACTIONS, *aiart.ACTIONS, *vod.ACTIONS])
    app.include_router(create_router(dialect, on_call=lambda name, code: metrics.api_call(
        "tencent", name, code), observe=metrics.observe_job,
        delegate=(is_volc, VolcEndpoint(settings))))
    app.include_router(dashscope_router())
    _add_health(app, metrics)
    _add_docs(app)
    app.add_middleware(RequestContext, metrics=metrics, max_body=settings.max_request_bytes)
    return app
