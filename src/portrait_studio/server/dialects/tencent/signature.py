"""Server-side verification of Tencent Cloud API 3.0 signatures.

TC3-HMAC-SHA256 exactly as the protocols README section 0.3 describes it (SignedHeaders from the
header in the given order, values lower-cased and trimmed, the raw body hashed, the GET query
string exactly as sent, ``UNSIGNED-PAYLOAD``, the Host header as received, +-300 s window,
credential date == UTC date of ``X-TC-Timestamp``), and the legacy v1 signature (section 0.4:
``HmacSHA1``/``HmacSHA256`` over the sorted parameters of a GET query or a POST form body).

Everything is a pure function of a :class:`SignedRequest`, a secret lookup and ``now``; failures
raise :class:`~.errors.TencentAuthError` with the Tencent code. Secrets never appear in messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from . import errors as E
from .errors import TencentAuthError

SecretLookup = Callable[[str], str | None]

TC3_ALGORITHM = "TC3-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
DEFAULT_WINDOW_S = 300
REQUIRED_SIGNED_HEADERS = ("content-type", "host")
V1_METHODS = {"HmacSHA1": hashlib.sha1, "HmacSHA256": hashlib.sha256}

_AUTH_RE = re.compile(
    r"^TC3-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*Signature=(?P<sig>[0-9a-fA-F]{64})\s*$")


@dataclass(frozen=True)
class SignedRequest:
    """The parts of an HTTP request a signature covers.

    ``query`` is the raw query string as sent (no leading ``?``), ``headers`` any mapping (names
    are matched case-insensitively), ``body`` the raw body bytes.
    """

    method: str
    query: str
    headers: Mapping[str, str]
    body: bytes = b""
    path: str = "/"
    _lower: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lowered = {k.lower(): v for k, v in self.headers.items()}
        object.__setattr__(self, "_lower", lowered)

    def header(self, name: str) -> str | None:
        """Header value by case-insensitive name, ``None`` when absent."""
        return self._lower.get(name.lower())


@dataclass(frozen=True)
class Verified:
    """Who signed a request and how.

    ``service`` is the credential-scope service for TC3 (``None`` for v1, which has no scope);
    ``payload_signed`` is False for ``UNSIGNED-PAYLOAD`` (the body is then not authenticated);
    ``params`` holds every decoded v1 parameter (common ones included), ``None`` for TC3.
    """

    secret_id: str
    scheme: str
    timestamp: int
    service: str | None = None
    token: str | None = None
    payload_signed: bool = True
    params: dict[str, str] | None = None


@dataclass(frozen=True)
class Tc3Authorization:
    """A parsed ``Authorization: TC3-HMAC-SHA256 ...`` header."""

    secret_id: str
    date: str
    service: str
    signed_headers: str
    signature: str

    @property
    def header_names(self) -> list[str]:
        return [h.strip().lower() for h in self.signed_headers.split(";")]


# --- TC3 ------------------------------------------------------------------------------------

def parse_authorization(value: str | None) -> Tc3Authorization:
    """Parse a TC3 Authorization header; malformed -> ``AuthFailure.InvalidAuthorization``."""
    match = _AUTH_RE.match((value or "").strip())
    if match is None:
        raise TencentAuthError(E.AUTH_INVALID_AUTHORIZATION,
                               "Authorization must be 'TC3-HMAC-SHA256 Credential=<SecretId>/"
                               "<date>/<service>/tc3_request, SignedHeaders=<h1;h2>, "
                               "Signature=<64 hex>'")
    parts = match["cred"].split("/")
    if len(parts) != 4 or parts[3] != "tc3_request" or not all(parts):
        raise TencentAuthError(E.AUTH_INVALID_AUTHORIZATION,
                               "Credential must be <SecretId>/<YYYY-MM-DD>/<service>/tc3_request")
    auth = Tc3Authorization(parts[0], parts[1], parts[2], match["signed"], match["sig"].lower())
    _check_signed_header_names(auth)
    return auth


def _check_signed_header_names(auth: Tc3Authorization) -> None:
    names = auth.header_names
    if any(not n for n in names) or any(r not in names for r in REQUIRED_SIGNED_HEADERS):
        raise TencentAuthError(E.AUTH_INVALID_AUTHORIZATION,
                               "SignedHeaders must list content-type and host, separated by ';'")


def canonical_request(req: SignedRequest, signed_headers: str) -> str:
    """The TC3 canonical request for ``req`` signed over ``signed_headers`` (as given)."""
    method = req.method.upper()
    lines = [method, "/", req.query if method == "GET" else ""]
    for name in (h.strip().lower() for h in signed_headers.split(";")):
        value = req.header(name)
        if value is None:
            raise TencentAuthError(E.AUTH_INVALID_AUTHORIZATION,
                                   f"signed header {name!r} is missing from the request")
        lines.append(f"{name}:{value.strip().lower()}")
    lines += ["", signed_headers, _payload_hash(req)]
    return "\n".join(lines)


def _payload_hash(req: SignedRequest) -> str:
    if (req.header("x-tc-content-sha256") or "").strip() == UNSIGNED_PAYLOAD:
        return hashlib.sha256(UNSIGNED_PAYLOAD.encode()).hexdigest()
    body = b"" if req.method.upper() == "GET" else req.body
    return hashlib.sha256(body).hexdigest()


def string_to_sign(timestamp: int | str, date: str, service: str, canonical: str) -> str:
    """``TC3-HMAC-SHA256\\n<ts>\\n<date>/<service>/tc3_request\\n<sha256(canonical)>``."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{TC3_ALGORITHM}\n{timestamp}\n{date}/{service}/tc3_request\n{digest}"


def tc3_signature(secret_key: str, date: str, service: str, to_sign: str) -> str:
    """Hex TC3 signature: HMAC chain over date, service, ``tc3_request``, then ``to_sign``."""
    key = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    key = _hmac(_hmac(key, service), "tc3_request")
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def _timestamp(raw: str | None, name: str) -> int:
    if raw is None or not raw.strip():
        raise TencentAuthError(E.MISSING_PARAMETER, f"The request is missing {name}.")
    try:
        return int(raw.strip())
    except ValueError:
        raise TencentAuthError(E.INVALID_PARAMETER,
                               f"{name} must be Unix time in seconds, got {raw!r}") from None


def _check_window(timestamp: int, now: float, window_s: int) -> None:
    if abs(now - timestamp) > window_s:
        raise TencentAuthError(E.AUTH_SIGNATURE_EXPIRE,
                               f"Signature expired: timestamp {timestamp} differs from server "
                               f"time {int(now)} by more than {window_s} s.")


def utc_date(timestamp: int) -> str:
    """``YYYY-MM-DD`` UTC date of a Unix timestamp."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def _check_scope(auth: Tc3Authorization, timestamp: int, services: Collection[str]) -> None:
    if auth.service not in services:
        allowed = ", ".join(sorted(services))
        raise TencentAuthError(E.AUTH_INVALID_AUTHORIZATION,
                               f"service {auth.service!r} in the credential scope is not served "
                               f"here (expected one of: {allowed})")
    if auth.date != utc_date(timestamp):
        raise TencentAuthError(E.AUTH_SIGNATURE_FAILURE,
                               f"credential date {auth.date} is not the UTC date of "
                               f"X-TC-Timestamp ({utc_date(timestamp)})")


def _secret(lookup: SecretLookup, secret_id: str) -> str:
    secret = lookup(secret_id)
    if secret is None:
        raise TencentAuthError(E.AUTH_SECRET_ID_NOT_FOUND,
                               "The SecretId is not found, please ensure that your SecretId "
                               "is correct.")
    return secret


def verify_tc3(req: SignedRequest, lookup: SecretLookup, *, now: float,
               services: Collection[str] | str,
               window_s: int = DEFAULT_WINDOW_S) -> Verified:
    """Verify a TC3-HMAC-SHA256 request; return who signed it or raise TencentAuthError."""
    services = (services,) if isinstance(services, str) else services
    auth = parse_authorization(req.header("authorization"))
    timestamp = _timestamp(req.header("x-tc-timestamp"), "X-TC-Timestamp")
    _check_window(timestamp, now, window_s)
    _check_scope(auth, timestamp, services)
    secret = _secret(lookup, auth.secret_id)
    to_sign = string_to_sign(timestamp, auth.date, auth.service,
                             canonical_request(req, auth.signed_headers))
    expected = tc3_signature(secret, auth.date, auth.service, to_sign)
    if not hmac.compare_digest(expected, auth.signature):
        raise TencentAuthError(E.AUTH_SIGNATURE_FAILURE, E.SIGNATURE_FAILURE_MESSAGE)
    unsigned = (req.header("x-tc-content-sha256") or "").strip() == UNSIGNED_PAYLOAD
    return Verified(auth.secret_id, TC3_ALGORITHM, timestamp, auth.service,
                    req.header("x-tc-token"), not unsigned)


# --- legacy v1 ------------------------------------------------------------------------------

def v1_params(req: SignedRequest) -> dict[str, str]:
    """Decoded v1 parameters: the query for GET, the form body otherwise (no duplicates)."""
    raw = req.query if req.method.upper() == "GET" else req.body.decode("utf-8", "replace")
    pairs = parse_qsl(raw, keep_blank_values=True)
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            raise TencentAuthError(E.INVALID_PARAMETER, f"parameter {key!r} is given twice")
        params[key] = value
    return params


def v1_string_to_sign(method: str, host: str, path: str, params: Mapping[str, str]) -> str:
    """``METHOD + Host + path + "?" + k=v&...`` over sorted keys (``_`` -> ``.``), raw values."""
    fixed = {k.replace("_", "."): v for k, v in params.items() if k != "Signature"}
    query = "&".join(f"{k}={fixed[k]}" for k in sorted(fixed))
    return f"{method.upper()}{host}{path}?{query}"


def v1_signature(secret_key: str, to_sign: str, method: str = "HmacSHA1") -> str:
    """Base64 HMAC-SHA1/-SHA256 of ``to_sign`` keyed with the SecretKey."""
    digest = hmac.new(secret_key.encode("utf-8"), to_sign.encode("utf-8"), V1_METHODS[method])
    return base64.b64encode(digest.digest()).decode("ascii")


def _v1_required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise TencentAuthError(E.MISSING_PARAMETER, f"The request is missing {name}.")
    return value


def _v1_method(params: Mapping[str, str]) -> str:
    method = params.get("SignatureMethod") or "HmacSHA1"
    if method not in V1_METHODS:
        raise TencentAuthError(E.AUTH_INVALID_AUTHORIZATION,
                               f"SignatureMethod must be HmacSHA1 or HmacSHA256, got {method!r}")
    return method


def verify_v1(req: SignedRequest, lookup: SecretLookup, *, now: float,
              window_s: int = DEFAULT_WINDOW_S) -> Verified:
    """Verify a legacy v1 request (GET query or POST form); raise TencentAuthError."""
    params = v1_params(req)
    signature = _v1_required(params, "Signature")
    secret_id = _v1_required(params, "SecretId")
    timestamp = _timestamp(params.get("Timestamp"), "Timestamp")
    method = _v1_method(params)
    _check_window(timestamp, now, window_s)
    secret = _secret(lookup, secret_id)
    to_sign = v1_string_to_sign(req.method, req.header("host") or "", req.path, params)
    expected = v1_signature(secret, to_sign, method)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        raise TencentAuthError(E.AUTH_SIGNATURE_FAILURE, E.SIGNATURE_FAILURE_MESSAGE)
    return Verified(secret_id, method, timestamp, None, params.get("Token") or None, True,
                    params)


# --- dispatch -------------------------------------------------------------------------------

def is_v1(req: SignedRequest) -> bool:
    """True when the request carries no Authorization header and looks v1-signed."""
    if req.header("authorization") is not None:
        return False
    raw = req.query if req.method.upper() == "GET" else req.body.decode("utf-8", "replace")
    keys = {k for k, _ in parse_qsl(raw, keep_blank_values=True)}
    return "Signature" in keys


def verify_request(req: SignedRequest, lookup: SecretLookup, *, now: float,
                   services: Collection[str] | str,
                   window_s: int = DEFAULT_WINDOW_S) -> Verified:
    """Verify a TC3 request, or a v1 one when it has no Authorization header."""
    if is_v1(req):
        return verify_v1(req, lookup, now=now, window_s=window_s)
    return verify_tc3(req, lookup, now=now, services=services, window_s=window_s)
