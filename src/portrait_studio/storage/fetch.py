"""Input images by URL, without SSRF: http(s) only, public addresses only, bounded everything.

:func:`fetch_image_bytes` resolves the host itself, refuses loopback, private, link-local,
multicast, reserved, unspecified and cloud-metadata addresses (also inside IPv4-mapped, 6to4
and NAT64 IPv6 addresses) unless the IP, its network or the hostname is in the allow-list, then
connects to exactly the address it checked (no DNS-rebinding window; the Host header and TLS
SNI/certificate check still use the hostname). Redirects are followed by hand, each hop checked
again, at most ``max_redirects``. The body is streamed with a byte limit and the whole download
has one deadline. Returns the encoded image bytes as sent (not decoded).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import ImageBytesTooLarge, ImageDownloadFailed, ImageEmpty, UrlNotAllowed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HEADERS = {"User-Agent": "portrait-studio-fetch/1", "Accept": "image/*,*/*;q=0.5",
            "Accept-Encoding": "identity", "Connection": "close"}


@dataclass(frozen=True)
class Target:
    """A checked URL: scheme, hostname (IDNA, no brackets), port and request path."""

    scheme: str
    host: str
    port: int
    path: str


# --- address policy -------------------------------------------------------------------------

def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched from (``"loopback"``, ``"private"``...), or None."""
    inner = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    if inner is not None:
        reason = forbidden_reason(inner)
        return f"{reason} (embedded in IPv6 {ip})" if reason else None
    checks = (("cloud-metadata", ip in METADATA_ADDRESSES), ("loopback", ip.is_loopback),
              ("unspecified", ip.is_unspecified), ("link-local", ip.is_link_local),
              ("multicast", ip.is_multicast), ("reserved", ip.is_reserved),
              ("private", ip.is_private), ("non-global", not ip.is_global))
    return next((name for name, hit in checks if hit), None)


class Allowlist:
    """Hostnames, IPs and networks (``10.1.0.0/16``) exempt from the address policy."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.hosts: set[str] = set()
        self.networks: list[IPNetwork] = []
        for entry in (e.strip().lower().strip("[]") for e in entries):
            if entry:
                self._add(entry)

    def _add(self, entry: str) -> None:
        try:
            self.networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            self.hosts.add(entry.rstrip("."))

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def ip_allowed(self, ip: IPAddress) -> bool:
        inner = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
        return any(a in net for net in self.networks for a in (ip, inner) if a is not None
                   and a.version == net.version)


# --- URL and DNS ----------------------------------------------------------------------------

def parse_target(url: str, field: str | None = None) -> Target:
    """Split and check an absolute http(s) URL; raises :class:`UrlNotAllowed`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise UrlNotAllowed(f"URL is not valid: {exc}", field=field) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UrlNotAllowed(f"only http and https URLs can be fetched, got scheme "
                            f"{parts.scheme or '(none)'!r}", field=field)
    if not host:
        raise UrlNotAllowed("URL has no host", field=field)
    if parts.username is not None or parts.password is not None:
        raise UrlNotAllowed("URLs with user credentials are not accepted", field=field)
    default = 443 if parts.scheme.lower() == "https" else 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme.lower(), host.lower(), port or default, path)


def resolve(host: str, port: int, field: str | None = None) -> list[IPAddress]:
    """Every address ``host`` resolves to (TCP), in resolver order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ImageDownloadFailed(f"could not resolve host {host}: {exc}", field=field) from None
    found: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    return found


def allowed_addresses(target: Target, allow: Allowlist,
                      field: str | None = None) -> list[IPAddress]:
    """Addresses of ``target`` that may be connected to; raises when there is none."""
    addresses = resolve(target.host, target.port, field)
    if allow.host_allowed(target.host):
        return addresses
    usable = [ip for ip in addresses if allow.ip_allowed(ip) or forbidden_reason(ip) is None]
    if not usable:
        refused = addresses[0] if addresses else None
        reason = forbidden_reason(refused) if refused is not None else "no address"
        raise UrlNotAllowed(f"URL host {target.host} resolves to {refused}, a {reason} "
                            "address; only public addresses can be fetched", field=field)
    return usable


# --- pinned connections ---------------------------------------------------------------------

class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a fixed IP; Host header from the hostname."""

    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.pinned_ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.pinned_ip), self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed IP; SNI, certificate check and Host header use the hostname."""

    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.pinned_ip = ip
        self.tls_context = context

    def connect(self) -> None:
        raw = socket.create_connection((str(self.pinned_ip), self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(raw, server_hostname=self.host)


def _remaining(deadline: float, timeout_s: float, host: str, field: str | None) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise ImageDownloadFailed(f"download from {host} timed out after {timeout_s:g} s",
                                  field=field, reason="timeout")
    return left


def _connect(target: Target, ips: list[IPAddress], timeout: float,
             context: ssl.SSLContext | None) -> http.client.HTTPConnection:
    last: OSError | None = None
    for ip in ips:
        conn: http.client.HTTPConnection = (
            _PinnedHTTPSConnection(target.host, target.port, ip, timeout,
                                   context or ssl.create_default_context())
            if target.scheme == "https" else
            _PinnedHTTPConnection(target.host, target.port, ip, timeout))
        try:
            conn.connect()
            return conn
        except TimeoutError:
            raise
        except OSError as exc:
            last = exc
    raise OSError(f"could not connect to any address of {target.host}: {last}")


# --- download -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    timeout_s: float
    deadline: float
    field: str | None


def _read_body(sock: socket.socket | None, resp: http.client.HTTPResponse, host: str,
               lim: _Limits) -> bytes:
    declared = resp.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > lim.max_bytes:
        raise ImageBytesTooLarge(f"image at {host} is {int(declared)} bytes; the limit is "
                                 f"{lim.max_bytes} bytes", field=lim.field)
    data = bytearray()
    while True:
        if sock is not None and not resp.isclosed():  # closed once a Connection: close body ends
            sock.settimeout(_remaining(lim.deadline, lim.timeout_s, host, lim.field))
        chunk = resp.read(CHUNK)
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > lim.max_bytes:
            raise ImageBytesTooLarge(f"image at {host} is larger than the limit of "
                                     f"{lim.max_bytes} bytes", field=lim.field)


def _hop(url: str, allow: Allowlist, lim: _Limits,
         context: ssl.SSLContext | None) -> tuple[str | None, bytes]:
    """One request: ``(next_url, b"")`` for a redirect, ``(None, body)`` for a 2xx answer."""
    target = parse_target(url, lim.field)
    ips = allowed_addresses(target, allow, lim.field)
    left = _remaining(lim.deadline, lim.timeout_s, target.host, lim.field)
    conn = _connect(target, ips, left, context)
    try:
        conn.request("GET", target.path, headers=_HEADERS)
        sock = conn.sock  # getresponse() hands the socket to the response on Connection: close
        resp = conn.getresponse()
        location = resp.getheader("Location")
        if resp.status in REDIRECT_STATUSES and location:
            return urljoin(url, location.strip()), b""
        if not 200 <= resp.status < 300:
            raise ImageDownloadFailed(f"download from {target.host} failed: HTTP {resp.status}"
                                      f" {resp.reason}", field=lim.field, status=resp.status)
        return None, _read_body(sock, resp, target.host, lim)
    finally:
        conn.close()


def _hop_guarded(url: str, allow: Allowlist, lim: _Limits,
                 context: ssl.SSLContext | None) -> tuple[str | None, bytes]:
    try:
        return _hop(url, allow, lim, context)
    except TimeoutError:
        raise ImageDownloadFailed(f"download timed out after {lim.timeout_s:g} s",
                                  field=lim.field, reason="timeout") from None
    except (OSError, http.client.HTTPException) as exc:
        raise ImageDownloadFailed(f"download failed: {type(exc).__name__}: {exc}",
                                  field=lim.field, reason="network") from None


def fetch_image_bytes(url: str, *, max_bytes: int, timeout_s: float, max_redirects: int,
                      allowlist: tuple[str, ...] = (), field: str | None = None,
                      ssl_context: ssl.SSLContext | None = None) -> bytes:
    """Download an image's encoded bytes from an http(s) URL, safely.

    Raises :class:`UrlNotAllowed` (bad scheme/URL, or a refused address on any hop),
    :class:`ImageBytesTooLarge` (over ``max_bytes``), :class:`ImageEmpty` (0 bytes) and
    :class:`ImageDownloadFailed` (non-2xx, timeout over the whole download, too many
    redirects, network errors; ``details["reason"]`` says which). ``field`` names the request
    field in error messages; ``ssl_context`` overrides the default CA trust.
    """
    allow = Allowlist(allowlist)
    lim = _Limits(max_bytes, timeout_s, time.monotonic() + timeout_s, field)
    current = url
    for _ in range(max_redirects + 1):
        next_url, body = _hop_guarded(current, allow, lim, ssl_context)
        if next_url is None:
            if not body:
                raise ImageEmpty("the downloaded image is empty (0 bytes)", field=field)
            return body
        current = next_url
    raise ImageDownloadFailed(f"more than {max_redirects} redirects", field=field,
                              reason="redirects")
