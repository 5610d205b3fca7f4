"""Input images by URL: SSRF refusals, pinning, redirects, limits, against a local server."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from portrait_studio.errors import (
    ImageBytesTooLarge,
    ImageDownloadFailed,
    ImageEmpty,
    UrlNotAllowed,
)
from portrait_studio.storage import fetch
from portrait_studio.storage.fetch import fetch_image_bytes, forbidden_reason

IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40          # 10248 bytes
LOCAL = ("127.0.0.1",)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_hosts: ClassVar[list[str]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              length: bool = True) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        type(self).seen_hosts.append(self.headers.get("Host", ""))
        routes = {
            "/img.png": lambda: self._send(200, IMAGE, {"Content-Type": "image/png"}),
            "/empty": lambda: self._send(200, b""),
            "/missing": lambda: self._send(404, b"<html>not found</html>",
                                           {"Content-Type": "text/html"}),
            "/big": lambda: self._send(200, IMAGE * 20),
            "/big-unsized": lambda: self._send(200, IMAGE * 20, length=False),
            "/to-img": lambda: self._send(302, headers={"Location": "/img.png"}),
            "/to-private": lambda: self._send(302, headers={"Location": "http://10.0.0.1/x.png"}),
            "/to-metadata": lambda: self._send(
                307, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
            "/to-file": lambda: self._send(302, headers={"Location": "file:///etc/passwd"}),
            "/loop": lambda: self._send(302, headers={"Location": "/loop"}),
            "/slow": self._slow,
        }
        routes.get(self.path, lambda: self._send(404))()

    def _slow(self) -> None:
        time.sleep(1.5)
        self._send(200, IMAGE)


def _serve(server: ThreadingHTTPServer) -> Iterator[int]:
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def port() -> Iterator[int]:
    _Handler.seen_hosts = []
    yield from _serve(ThreadingHTTPServer(("127.0.0.1", 0), _Handler))


def _fetch(url: str, allowlist: tuple[str, ...] = LOCAL, **kw: Any) -> bytes:
    args: dict[str, Any] = {"max_bytes": 50_000, "timeout_s": 5.0, "max_redirects": 3}
    args.update(kw)
    data: bytes = fetch_image_bytes(url, allowlist=allowlist, **args)
    return data


# --- success ----------------------------------------------------------------------------------

def test_success_with_allowlisted_loopback(port: int) -> None:
    assert _fetch(f"http://127.0.0.1:{port}/img.png") == IMAGE
    assert _Handler.seen_hosts == [f"127.0.0.1:{port}"]


def test_relative_redirect_followed(port: int) -> None:
    assert _fetch(f"http://127.0.0.1:{port}/to-img") == IMAGE
    assert len(_Handler.seen_hosts) == 2


def test_allowlisted_network(port: int) -> None:
    assert _fetch(f"http://127.0.0.1:{port}/img.png", allowlist=("127.0.0.0/8",)) == IMAGE


def test_connects_to_the_checked_ip_and_keeps_the_host_header(
        port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])   # DNS rebinding after the check
    calls: list[str] = []
    real = socket.getaddrinfo

    def fake_getaddrinfo(host: str, p: int, *args: Any, **kw: Any) -> list[Any]:
        calls.append(host)
        if host != "images.example.test":
            return real(host, p, *args, **kw)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), p))]

    monkeypatch.setattr(fetch.socket, "getaddrinfo", fake_getaddrinfo)
    assert _fetch(f"http://images.example.test:{port}/img.png") == IMAGE
    assert calls == ["images.example.test", "127.0.0.1"]     # then only the pinned IP
    assert _Handler.seen_hosts == [f"images.example.test:{port}"]


def test_allowlisted_hostname_tries_each_address(port: int) -> None:
    # "localhost" may resolve to ::1 first; the server listens on 127.0.0.1 only
    assert _fetch(f"http://localhost:{port}/img.png", allowlist=("localhost",)) == IMAGE
    assert _Handler.seen_hosts[-1] == f"localhost:{port}"


# --- refusals before any connection -----------------------------------------------------------

@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.2/img.png", "loopback"),
    ("http://10.0.0.1/img.png", "private"),
    ("http://192.168.1.20/img.png", "private"),
    ("http://169.254.169.254/latest/meta-data/", "cloud-metadata"),
    ("http://[fd00:ec2::254]/", "cloud-metadata"),
    ("http://[::1]/img.png", "loopback"),
    ("http://[::ffff:10.0.0.1]/img.png", "private"),
    ("http://[::ffff:169.254.169.254]/", "cloud-metadata"),
    ("http://0.0.0.0/img.png", "unspecified"),
    ("http://224.0.0.1/img.png", "multicast"),
    ("http://100.64.0.1/img.png", "non-global"),
    ("http://2130706433/img.png", "loopback"),                  # 127.0.0.1 as an integer
    ("http://localhost/img.png", "loopback"),
])
def test_refused_addresses(url: str, reason: str) -> None:
    with pytest.raises(UrlNotAllowed) as exc:
        _fetch(url, allowlist=("203.0.113.7",), field="MergeInfos.0.Url")
    assert reason in exc.value.message and exc.value.field == "MergeInfos.0.Url"
    assert exc.value.code == "image.url_not_allowed"


def test_loopback_hostname_refused_even_when_server_exists(port: int) -> None:
    with pytest.raises(UrlNotAllowed):
        _fetch(f"http://localhost:{port}/img.png", allowlist=())
    assert _Handler.seen_hosts == []


@pytest.mark.parametrize("url", [
    "ftp://example.com/a.png", "file:///etc/passwd", "gopher://127.0.0.1/", "//example.com/a",
    "http:///nohost", "http://user:pw@example.com/a.png", "http://example.com:99999/a.png",
    "data:image/png;base64,AAAA",
])
def test_refused_urls(url: str) -> None:
    with pytest.raises(UrlNotAllowed):
        _fetch(url)


@pytest.mark.parametrize("ip, reason", [
    ("8.8.8.8", None), ("2606:4700:4700::1111", None), ("127.0.0.1", "loopback"),
    ("172.16.5.4", "private"), ("fe80::1", "link-local"), ("ff02::1", "multicast"),
    ("::", "unspecified"), ("240.0.0.1", "reserved"), ("169.254.170.2", "cloud-metadata"),
    ("2002:7f00:1::", "loopback (embedded in IPv6 2002:7f00:1::)"),
    ("64:ff9b::a00:1", "private (embedded in IPv6 64:ff9b::a00:1)"),
    ("::ffff:8.8.8.8", None),
])
def test_forbidden_reason(ip: str, reason: str | None) -> None:
    assert forbidden_reason(ipaddress.ip_address(ip)) == reason


# --- refusals and failures after connecting ---------------------------------------------------

@pytest.mark.parametrize("path, reason", [("/to-private", "private"),
                                          ("/to-metadata", "cloud-metadata"),
                                          ("/to-file", "scheme 'file'")])
def test_redirect_to_forbidden_address_refused(port: int, path: str, reason: str) -> None:
    with pytest.raises(UrlNotAllowed) as exc:
        _fetch(f"http://127.0.0.1:{port}{path}")
    assert reason in exc.value.message
    assert len(_Handler.seen_hosts) == 1


def test_redirect_loop_is_bounded(port: int) -> None:
    with pytest.raises(ImageDownloadFailed) as exc:
        _fetch(f"http://127.0.0.1:{port}/loop", max_redirects=2)
    assert exc.value.details["reason"] == "redirects" and len(_Handler.seen_hosts) == 3


def test_not_found(port: int) -> None:
    with pytest.raises(ImageDownloadFailed) as exc:
        _fetch(f"http://127.0.0.1:{port}/missing")
    assert exc.value.details["status"] == 404 and "HTTP 404" in exc.value.message


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_too_large(port: int, path: str) -> None:
    with pytest.raises(ImageBytesTooLarge) as exc:
        _fetch(f"http://127.0.0.1:{port}{path}", max_bytes=len(IMAGE) * 2)
    assert str(len(IMAGE) * 2) in exc.value.message


def test_exact_limit_allowed(port: int) -> None:
    assert _fetch(f"http://127.0.0.1:{port}/img.png", max_bytes=len(IMAGE)) == IMAGE


def test_empty_body(port: int) -> None:
    with pytest.raises(ImageEmpty):
        _fetch(f"http://127.0.0.1:{port}/empty")


def test_timeout(port: int) -> None:
    with pytest.raises(ImageDownloadFailed) as exc:
        _fetch(f"http://127.0.0.1:{port}/slow", timeout_s=0.2)
    assert exc.value.details["reason"] == "timeout" and "timed out" in exc.value.message


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    with pytest.raises(ImageDownloadFailed) as exc:
        _fetch(f"http://127.0.0.1:{free}/img.png")
    assert exc.value.details["reason"] == "network"


# --- HTTPS: SNI and certificate checked against the hostname while the IP is pinned -----------

@pytest.fixture()
def tls_port(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not available")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    _Handler.seen_hosts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for found in _serve(server):
        yield found, cert


def test_https_pinned_with_hostname_verification(tls_port: tuple[int, Path]) -> None:
    port, cert = tls_port
    trust = ssl.create_default_context(cafile=str(cert))
    url = f"https://localhost:{port}/img.png"
    assert _fetch(url, allowlist=("localhost",), ssl_context=trust) == IMAGE
    assert _Handler.seen_hosts[-1] == f"localhost:{port}"
    with pytest.raises(ImageDownloadFailed) as exc:        # cert is for localhost, not the IP
        _fetch(f"https://127.0.0.1:{port}/img.png", ssl_context=trust)
    assert "CERTIFICATE_VERIFY_FAILED" in exc.value.message or "match" in exc.value.message
