"""Helpers for driving the server with the official Tencent aiart SDK (SubmitGlamPicJob)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
from tencentcloud.aiart.v20221229 import aiart_client, models
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from portrait_studio.imaging.codec import decode_image
from tests.e2e.serverkit import ServerProcess

REGION = "ap-guangzhou"
POLL_S = 0.12          # QueryGlamPicJob is limited to 20/s per tenant


def client(server: ServerProcess, creds: dict[str, str], *,
           method: str = "POST") -> aiart_client.AiartClient:
    """An aiart SDK client pointed at ``server`` (plain HTTP, host:port endpoint)."""
    hp = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{server.port}", reqMethod=method,
                     reqTimeout=120)
    cred = credential.Credential(creds["tencent_secret_id"], creds["tencent_secret_key"])
    return aiart_client.AiartClient(cred, REGION, ClientProfile(httpProfile=hp))


def submit(cli: aiart_client.AiartClient, params: dict[str, Any]) -> str:
    """The JobId of a SubmitGlamPicJob call (the SDK raises on an error envelope)."""
    req = models.SubmitGlamPicJobRequest()
    req.from_json_string(json.dumps(params))
    return str(cli.SubmitGlamPicJob(req).JobId)


def submit_error(cli: aiart_client.AiartClient, params: dict[str, Any]
                 ) -> TencentCloudSDKException:
    """The SDK exception a bad SubmitGlamPicJob call raises (fails the test on success)."""
    try:
        job_id = submit(cli, params)
    except TencentCloudSDKException as exc:
        return exc
    raise AssertionError(f"expected an error, got JobId {job_id}")


def query(cli: aiart_client.AiartClient, job_id: str) -> models.QueryGlamPicJobResponse:
    req = models.QueryGlamPicJobRequest()
    req.JobId = job_id
    return cli.QueryGlamPicJob(req)


@dataclass
class Polled:
    """The final QueryGlamPicJob answer and every status code seen on the way."""

    last: models.QueryGlamPicJobResponse
    codes: list[str] = field(default_factory=list)

    def distinct(self) -> list[str]:
        """Status codes in the order seen, repeats collapsed."""
        return [c for i, c in enumerate(self.codes) if i == 0 or self.codes[i - 1] != c]


def poll(cli: aiart_client.AiartClient, job_id: str, timeout: float = 240.0) -> Polled:
    """Query until the job is done ("5") or failed ("4")."""
    end = time.monotonic() + timeout
    codes: list[str] = []
    while True:
        resp = query(cli, job_id)
        codes.append(resp.JobStatusCode)
        if resp.JobStatusCode in ("4", "5") or time.monotonic() > end:
            return Polled(resp, codes)
        time.sleep(POLL_S)


def download(url: str) -> np.ndarray:
    """A result image (HxWx3 uint8 RGB) from its signed URL."""
    resp = httpx.get(url, timeout=30)
    assert resp.status_code == 200, resp.text
    return decode_image(resp.content)
