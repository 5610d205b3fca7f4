"""Server-side verification of Volcengine "SignerV4" (HMAC-SHA256), protocols README 4.2.

Signed headers come from the ``SignedHeaders`` list of the Authorization header (it must hold
``host`` and ``x-date``, and ``x-content-sha256`` when sent); canonical header values are as sent,
except that ``host`` drops a ``:80``/``:443`` suffix; the canonical query sorts every parameter
with RFC 3986 encoding; the signing key has no prefix (``HMAC(SK, YYYYMMDD)``); ``X-Content-Sha256``
must equal the body's hash; ``X-Date`` must lie within ``window_s`` of now and match the
credential date. Pure functions of the request parts, a secret lookup and ``now``; failures raise
:class:`~.errors.VolcGatewayError`. Secrets never appear in messages.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote

from . import errors as E

SecretLookup = Callable[[str], str | None]
ALGORITHM = "HMAC-SHA256"
SERVICE, REGION = "cv", "cn-north-1"
DEFAULT_WINDOW_S = 900
_AUTH_RE = re.compile(
    r"^HMAC-SHA256\s+Credential=(?P<ak>[^/\s]+)/(?P<date>\d{8})/(?P<region>[^/\s]+)/"
    r"(?P<service>[^/\s]+)/request\s*,\s*SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*"
    r"Signature=(?P<sig>[0-9a-fA-F]{64})\s*$")


@dataclass(frozen=True)
class VolcRequest:
    """What the signature covers: method, raw query string, headers (any case), body."""

    method: str
    query: str
    headers: Mapping[str, str]
    body: bytes = b""
    path: str = "/"

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class Credential:
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_query(query: str) -> str:
    """Parameters sorted by key, RFC 3986-encoded (``-_.~`` unreserved, space as %20)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    encoded = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _header_value(req: VolcRequest, name: str) -> str:
    value = req.header(name)
    if value is None:
        raise E.signature_mismatch(f"signed header {name} is missing")
    if name == "host":
        for port in (":80", ":443"):
            if value.endswith(port):
                return value[: -len(port)]
    return value


def canonical_request(req: VolcRequest, signed: tuple[str, ...]) -> str:
    headers = "".join(f"{name}:{_header_value(req, name)}\n" for name in signed)
    payload = req.header("x-content-sha256") or sha256_hex(req.body)
    return "\n".join([req.method.upper(), quote(req.path or "/", safe="/-_.~"),
                      canonical_query(req.query), headers, ";".join(signed), payload])


def string_to_sign(x_date: str, date: str, region: str, service: str, canonical: str) -> str:
    scope = f"{date}/{region}/{service}/request"
    return "\n".join([ALGORITHM, x_date, scope, sha256_hex(canonical.encode("utf-8"))])


def signature(secret_key: str, date: str, region: str, service: str, to_sign: str) -> str:
    key = _hmac(secret_key.encode("utf-8"), date)
    for part in (region, service, "request"):
        key = _hmac(key, part)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_authorization(value: str | None) -> Credential:
    if not value or not value.strip().startswith(ALGORITHM):
        raise E.missing_signature()
    match = _AUTH_RE.match(value.strip())
    if match is None:
        raise E.signature_mismatch("the Authorization header is malformed")
    signed = tuple(match["signed"].lower().split(";"))
    if "host" not in signed or "x-date" not in signed or list(signed) != sorted(signed):
        raise E.signature_mismatch("SignedHeaders must be sorted and include host and x-date")
    return Credential(match["ak"], match["date"], match["region"], match["service"], signed,
                      match["sig"].lower())


def _check_time(req: VolcRequest, cred: Credential, now: float, window_s: float) -> str:
    x_date = req.header("x-date") or ""
    try:
        stamp = datetime.strptime(x_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise E.invalid_timestamp() from None
    if abs(stamp.timestamp() - now) > window_s:
        raise E.invalid_timestamp()
    if x_date[:8] != cred.date:
        raise E.signature_mismatch("the credential date differs from X-Date")
    return x_date


def verify(req: VolcRequest, lookup: SecretLookup, *, now: float,
           window_s: float = DEFAULT_WINDOW_S) -> str:
    """The access key of a correctly signed request; VolcGatewayError otherwise."""
    cred = parse_authorization(req.header("authorization"))
    if (cred.region, cred.service) != (REGION, SERVICE):
        raise E.signature_mismatch(f"the credential scope must be {REGION}/{SERVICE}")
    secret = lookup(cred.access_key)
    if secret is None:
        raise E.invalid_access_key()
    x_date = _check_time(req, cred, now, window_s)
    content_hash = req.header("x-content-sha256")
    if content_hash is not None and content_hash.lower() != sha256_hex(req.body):
        raise E.signature_mismatch("X-Content-Sha256 is not the SHA-256 of the body")
    to_sign = string_to_sign(x_date, cred.date, cred.region, cred.service,
                             canonical_request(req, cred.signed_headers))
    expected = signature(secret, cred.date, cred.region, cred.service, to_sign)
    if not hmac.compare_digest(expected, cred.signature):
        raise E.signature_mismatch()
    return cred.access_key
