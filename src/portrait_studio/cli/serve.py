"""``portrait-studio serve [--host H] [--port P] [--data-dir D] [--workers N]``.

Starts the embedded default (SQLite job store in WAL mode and local blobs in the data dir, one
worker process per core unless ``--workers``, the retention sweeper) behind uvicorn, by default
on 127.0.0.1:8080. Other settings come from ``PORTRAIT_*`` environment variables (see
:mod:`portrait_studio.settings`). SIGINT/SIGTERM stop it gracefully (running jobs get
``STOP_TIMEOUT_S`` to finish, the rest go back to the queue); after a ``kill -9`` the next start
recovers every job.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..logging import configure_logging
from ..settings import Settings, load_settings

# GET queries of the Tencent layer may be 32 KB: h11's default cap on a request head is 16 KB
MAX_REQUEST_HEAD = 64 * 1024


def add_serve_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``serve`` subcommand to the main parser's subparsers."""
    p: argparse.ArgumentParser = sub.add_parser(
        "serve", help="run the HTTP server (native API, Tencent API 3.0) with its workers")
    p.add_argument("--host", default=None, help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (8080)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="jobs, blobs, keys and the URL signing key (./data)")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes (default: one per core)")
    p.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING...")
    return p


def serve_settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, then the command-line options."""
    return load_settings(host=args.host, port=args.port, data_dir=args.data_dir,
                         workers=args.workers, log_level=args.log_level)


def run_serve(args: argparse.Namespace) -> int:
    """Run until stopped; returns the exit code."""
    import uvicorn

    from ..bootstrap import acquire_lock
    from ..server.app import create_app

    settings = serve_settings(args)
    if settings.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:  # say it plainly now rather than as a traceback from the app's start-up
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        acquire_lock(settings.data_dir).close()
    except (RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = create_app(settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None,
                            access_log=False, lifespan="on", server_header=False,
                            h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
                            timeout_graceful_shutdown=60)
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 3
