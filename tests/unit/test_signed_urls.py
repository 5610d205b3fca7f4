"""Signed, expiring result URLs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from portrait_studio.security.signed_urls import (
    UrlCheck,
    load_or_create_secret,
    sign,
    signed_url,
    verify,
)

SECRET = b"0123456789abcdef0123456789abcdef"
PATH = "/results/2f1c/fused.png"
EXPIRES = 1_800_000_000


def test_sign_is_hmac_sha256_over_path_and_expiry() -> None:
    digest = hmac.new(SECRET, f"{PATH}\n{EXPIRES}".encode(), hashlib.sha256).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    params = sign(PATH, EXPIRES, SECRET)
    assert params == {"expires": "1800000000", "sig": expected}
    assert len(params["sig"]) == 43 and "=" not in params["sig"]
    assert sign(PATH, EXPIRES, SECRET.decode()) == params


def test_signed_url_round_trip() -> None:
    url = signed_url("http://127.0.0.1:8080/", PATH, EXPIRES, SECRET)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://127.0.0.1:8080" + PATH
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert verify(parts.path, query["expires"], query["sig"], SECRET, now=EXPIRES - 60) is (
        UrlCheck.VALID)


def test_valid_until_and_at_expiry_then_expired() -> None:
    params = sign(PATH, EXPIRES, SECRET)
    assert verify(PATH, params["expires"], params["sig"], SECRET, now=EXPIRES) is UrlCheck.VALID
    assert verify(PATH, params["expires"], params["sig"], SECRET,
                  now=EXPIRES + 1) is UrlCheck.EXPIRED


@pytest.mark.parametrize("path, expires, sig_change, secret", [
    ("/results/2f1c/other.png", str(EXPIRES), False, SECRET),   # other file
    (PATH, str(EXPIRES + 86400), False, SECRET),                # extended expiry
    (PATH, str(EXPIRES), True, SECRET),                         # flipped signature char
    (PATH, str(EXPIRES), False, b"another-secret"),             # signed with another key
])
def test_forgeries(path: str, expires: str, sig_change: bool, secret: bytes) -> None:
    sig = sign(PATH, EXPIRES, SECRET)["sig"]
    if sig_change:
        sig = ("A" if sig[0] != "A" else "B") + sig[1:]
    # even long after expiry a tampered link is reported as forged, not expired
    for now in (EXPIRES - 10, EXPIRES + 10_000):
        assert verify(path, expires, sig, secret, now=now) is UrlCheck.FORGED


@pytest.mark.parametrize("expires, sig", [
    (None, "x"), ("", "x"), ("-5", "x"), ("12ab", "x"), ("1" * 20, "x"), (str(EXPIRES), None),
    (str(EXPIRES), ""), (str(EXPIRES), "é" * 43),
])
def test_malformed_is_forged(expires: str | None, sig: str | None) -> None:
    assert verify(PATH, expires, sig, SECRET, now=EXPIRES - 1) is UrlCheck.FORGED


def test_empty_secret_refused() -> None:
    with pytest.raises(ValueError):
        sign(PATH, EXPIRES, b"")
    sig = sign(PATH, EXPIRES, SECRET)["sig"]
    assert verify(PATH, str(EXPIRES), sig, b"", now=0) is UrlCheck.FORGED


def test_secret_file_created_once_with_mode_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = load_or_create_secret(data_dir)
    second = load_or_create_secret(data_dir)
    assert first == second and len(first) == 64
    key_file = data_dir / "url_signing.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in data_dir.iterdir()] == ["url_signing.key"]
