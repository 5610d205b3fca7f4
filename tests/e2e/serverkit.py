"""Real server processes and a tiny image HTTP server for the http/, sdk/ and e2e/ tests.

:func:`shared_server` starts one ``portrait-studio serve`` process (2 workers, a temp data
dir, URL allow-list ``127.0.0.1``, test products on) the first time a test asks for it and stops
it at interpreter exit; :func:`start_server` starts a private one (crash and retention tests).
Servers listen on a free loopback port; :meth:`ServerProcess.create_tenant` issues keys in its
data dir (they take effect on the running server at once).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "images"
TEMPLATE = "alexandria_ocasio_cortez__house_official_1.jpg"
USER = "andy_kim__house_official_1.jpg"
FACELESS = "mondrian_composition__adain.jpg"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class ServerProcess:
    """One ``portrait-studio serve`` child process on ``data_dir`` and ``port``."""

    data_dir: Path
    port: int
    workers: int = 2
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"server-{self.port}.log"

    def start(self, timeout: float = 90.0) -> None:
        env = {**os.environ, "PORTRAIT_LOG_LEVEL": "INFO", **self.env}
        cmd = [sys.executable, "-m", "portrait_studio.cli.main", "serve", "--host", "127.0.0.1",
               "--port", str(self.port), "--data-dir", str(self.data_dir), "--workers",
               str(self.workers)]
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True, cwd=REPO)
        log.close()
        self.starts += 1
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n"
                                   + self.log_text()[-3000:])
            try:
                if httpx.get(self.base_url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server not ready in time:\n" + self.log_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL the server process (its workers die with it) and reap it."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL after 30 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def create_tenant(self, name: str) -> dict[str, str]:
        """Issue a credential set (the ``keys create --json`` object) for ``name``."""
        from portrait_studio.security.keys import KeyStore

        return dict(KeyStore.in_data_dir(self.data_dir).create(name).as_dict())

    def revoke(self, tenant: str) -> int:
        from portrait_studio.security.keys import KeyStore

        return int(KeyStore.in_data_dir(self.data_dir).revoke(tenant=tenant))


def start_server(root: Path, *, workers: int = 2, **env: str) -> ServerProcess:
    """A private server on ``root/data`` with ``PORTRAIT_*`` ``env``; started and ready."""
    server = ServerProcess(root / "data", free_port(), workers, dict(env))
    server.start()
    return server


_SHARED: ServerProcess | None = None
_LOCK = threading.Lock()


def shared_server() -> ServerProcess:
    """The session-wide server (started once; stopped when the interpreter exits)."""
    global _SHARED
    with _LOCK:
        if _SHARED is None:
            root = Path(tempfile.mkdtemp(prefix="ps-shared-"))
            _SHARED = start_server(root, workers=2, PORTRAIT_URL_ALLOWLIST="127.0.0.1",
                                   PORTRAIT_TEST_PRODUCTS="1")
            atexit.register(_cleanup, _SHARED, root)
        return _SHARED


def _cleanup(server: ServerProcess, root: Path) -> None:
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


_counter = [0]


def unique(prefix: str) -> str:
    """A tenant name unique within this test session."""
    _counter[0] += 1
    return f"{prefix}-{os.getpid()}-{_counter[0]}"


# --- a tiny image server for the URL fields --------------------------------------------------

Route = tuple[int, dict[str, str], bytes]


class ImageServer:
    """``http://127.0.0.1:<port>/<name>`` serving fixture photos and registered routes."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.close_answers = False
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{path.lstrip('/')}"

    def add(self, path: str, body: bytes, status: int = 200,
            headers: dict[str, str] | None = None) -> str:
        self.routes["/" + path.lstrip("/")] = (status, headers or {}, body)
        return self.url(path)

    def redirect(self, path: str, location: str) -> str:
        return self.add(path, b"", 302, {"Location": location})

    def _lookup(self, path: str) -> Route:
        if path in self.routes:
            return self.routes[path]
        file = FIXTURES / path.lstrip("/")
        if path.count("/") == 1 and file.is_file():
            return 200, {"Content-Type": "image/jpeg"}, file.read_bytes()
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _handler(self) -> Callable[..., Any]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.1 without "Connection: close" in the answer: storage/fetch.py fails on
            # answers that close the connection (see test_fetch_from_a_closing_server)
            protocol_version = "HTTP/1.1"
            close_answers = False

            def do_GET(self) -> None:
                server.hits.append(self.path)
                status, headers, body = server._lookup(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                if self.close_answers or server.close_answers:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        return Handler

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
