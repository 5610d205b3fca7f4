"""Helpers for driving the server with the official Tencent SDK and hand-signed requests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.facefusion.v20220927 import facefusion_client, models

from portrait_studio.server.dialects.tencent.signature import (
    SignedRequest,
    canonical_request,
    string_to_sign,
    tc3_signature,
    utc_date,
)
from tests.e2e.serverkit import ServerProcess

REGION = "ap-guangzhou"


def substitute(value: Any, replace: Callable[[str], Any]) -> Any:
    """``value`` with every string (in nested lists and dicts) passed through ``replace``."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        return [substitute(v, replace) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, replace) for k, v in value.items()}
    return value


def client(server: ServerProcess, creds: dict[str, str], *, method: str = "POST",
           sign: str = "TC3-HMAC-SHA256", secret_key: str | None = None,
           timeout: int = 120) -> facefusion_client.FacefusionClient:
    """An SDK client pointed at ``server`` (plain HTTP, host:port endpoint)."""
    hp = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{server.port}", reqMethod=method,
                     reqTimeout=timeout)
    cred = credential.Credential(creds["tencent_secret_id"],
                                 secret_key or creds["tencent_secret_key"])
    return facefusion_client.FacefusionClient(cred, REGION,
                                              ClientProfile(httpProfile=hp, signMethod=sign))


def fuse(cli: facefusion_client.FacefusionClient, params: dict[str, Any]
         ) -> tuple[str | None, TencentCloudSDKException | None]:
    """``(FusedImage, None)`` on success, ``(None, exception)`` on an error envelope."""
    req = models.FuseFaceUltraRequest()
    req.from_json_string(json.dumps(params))
    try:
        return cli.FuseFaceUltra(req).FusedImage, None
    except TencentCloudSDKException as exc:
        return None, exc


def error_code(cli: facefusion_client.FacefusionClient, params: dict[str, Any]) -> str:
    """The error code the server answers ``params`` with (fails the test on success)."""
    fused, exc = fuse(cli, params)
    assert exc is not None, f"expected an error, got a result {str(fused)[:80]}"
    return str(exc.code)


def raw_tc3(server: ServerProcess, creds: dict[str, str], body: bytes | dict[str, Any], *,
            action: str = "FuseFaceUltra", version: str = "2022-09-27",
            service: str = "facefusion", timestamp: int | None = None,
            content_type: str = "application/json", method: str = "POST", path: str = "/",
            query: str = "", headers: dict[str, str] | None = None,
            region: str | None = REGION) -> httpx.Response:
    """A TC3-signed request built by hand (for what the SDK cannot send)."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    ts = int(time.time()) if timestamp is None else timestamp
    host = f"127.0.0.1:{server.port}"
    hdrs = {"Content-Type": content_type, "Host": host, "X-TC-Action": action,
            "X-TC-Version": version, "X-TC-Timestamp": str(ts), **(headers or {})}
    if region:
        hdrs["X-TC-Region"] = region
    signed = SignedRequest(method, query, hdrs, raw if method != "GET" else b"")
    date = utc_date(ts)
    to_sign = string_to_sign(ts, date, service, canonical_request(signed, "content-type;host"))
    sig = tc3_signature(creds["tencent_secret_key"], date, service, to_sign)
    hdrs["Authorization"] = (f"TC3-HMAC-SHA256 Credential={creds['tencent_secret_id']}/{date}/"
                             f"{service}/tc3_request, SignedHeaders=content-type;host, "
                             f"Signature={sig}")
    url = f"{server.base_url}{path}" + (f"?{query}" if query else "")
    return httpx.request(method, url, content=raw if method != "GET" else None, headers=hdrs,
                         timeout=60)
