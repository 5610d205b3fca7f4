"""Signed, expiring result URLs: ``<path>?expires=<unix s>&sig=<urlsafe b64 HMAC-SHA256>``.

The MAC covers the URL path exactly as it will be requested and the expiry
(``path + "\\n" + expires``), so neither can be changed. :func:`verify` checks the MAC first (in
constant time) and only then the expiry, so a tampered link reads as ``FORGED`` even when its
expiry has also passed.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from urllib.parse import urlencode

SECRET_FILE = "url_signing.key"


class UrlCheck(enum.StrEnum):
    """Outcome of :func:`verify`; the server answers 403 for anything but ``VALID``."""

    VALID = "valid"
    EXPIRED = "expired"
    FORGED = "forged"


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def _mac(path: str, expires: int, secret: str | bytes) -> str:
    message = f"{path}\n{expires}".encode()
    digest = hmac.new(_key(secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(path: str, expires_at: int, secret: str | bytes) -> dict[str, str]:
    """Query parameters ``{"expires": "<unix s>", "sig": "<43 urlsafe chars>"}`` for ``path``."""
    if not secret:
        raise ValueError("the URL signing secret must not be empty")
    return {"expires": str(int(expires_at)), "sig": _mac(path, int(expires_at), secret)}


def signed_url(base_url: str, path: str, expires_at: int, secret: str | bytes) -> str:
    """Absolute URL ``<base_url><path>?expires=..&sig=..`` (``path`` starts with ``/``)."""
    return f"{base_url.rstrip('/')}{path}?{urlencode(sign(path, expires_at, secret))}"


def _parse_expires(expires: str | int | None) -> int | None:
    if isinstance(expires, int):
        return expires
    text = (expires or "").strip()
    return int(text) if text.isdigit() and len(text) < 16 else None


def verify(path: str, expires: str | int | None, sig: str | None, secret: str | bytes,
           now: float) -> UrlCheck:
    """``VALID``, ``EXPIRED`` (genuine but ``now > expires``) or ``FORGED`` (bad/missing MAC)."""
    when = _parse_expires(expires)
    if when is None or not sig or not secret:
        return UrlCheck.FORGED
    expected = _mac(path, when, secret)
    if not hmac.compare_digest(expected.encode("ascii"), sig.encode("utf-8", "replace")):
        return UrlCheck.FORGED
    return UrlCheck.EXPIRED if now > when else UrlCheck.VALID


def load_or_create_secret(data_dir: Path) -> bytes:
    """The server's URL signing secret from ``<data_dir>/url_signing.key`` (mode 0600).

    Created with 32 random bytes on first use (written to a temporary file, then hard-linked
    into place so that concurrent starters agree), so links stay valid across restarts.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    if not path.exists():
        _create_secret(path)
    secret = path.read_bytes().strip()
    if not secret:
        raise ValueError(f"{path} is empty; delete it to generate a new URL signing secret")
    return secret


def _create_secret(path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_hex(32).encode("ascii"))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
