"""Tencent API 3.0 wire details with hand-built requests: envelope bytes, headers, common codes."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import httpx

from tests.e2e.serverkit import TEMPLATE, USER, ImageServer, ServerProcess, unique
from tests.sdk.sdkkit import raw_tc3


def body(images: ImageServer, **extra: object) -> dict[str, object]:
    return {"RspImgType": "url", "ModelUrl": images.url(TEMPLATE),
            "MergeInfos": [{"Url": images.url(USER)}], **extra}


def envelope(resp: httpx.Response) -> dict[str, object]:
    """Checks every Tencent answer's invariants and returns ``Response``."""
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/json"  # exactly, no charset
    data = json.loads(resp.content)
    assert list(data) == ["Response"]
    inner = data["Response"]
    assert str(uuid.UUID(inner["RequestId"])) == inner["RequestId"]
    assert resp.headers["x-request-id"] == inner["RequestId"]
    return dict(inner)


def code_of(resp: httpx.Response) -> str:
    error = envelope(resp).get("Error")
    assert isinstance(error, dict), f"expected an error, got {resp.text[:200]}"
    return str(error["Code"])


def test_success_envelope_has_exactly_fused_image_and_request_id(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    inner = envelope(raw_tc3(server, creds, body(images)))
    assert sorted(inner) == ["FusedImage", "RequestId"]
    assert str(inner["FusedImage"]).startswith(server.base_url + "/v1/results/")


def test_error_envelope_shape(server: ServerProcess, images: ImageServer,
                              creds: dict[str, str]) -> None:
    resp = raw_tc3(server, creds, body(images, FusionUltraParam={"WarpRadio": 1.2}))
    inner = envelope(resp)
    assert sorted(inner) == ["Error", "RequestId"]
    error = inner["Error"]
    assert isinstance(error, dict) and sorted(error) == ["Code", "Message"]
    assert code_of(resp) == "FailedOperation.ParameterValueError"


def test_unsigned_payload_and_sts_token_are_accepted(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    headers = {"X-TC-Content-SHA256": "UNSIGNED-PAYLOAD", "X-TC-Token": "sts-token"}
    resp = raw_tc3(server, creds, body(images, FusionUltraParam={"WarpRadio": 1.2}),
                   headers=headers)
    assert code_of(resp) == "FailedOperation.ParameterValueError"  # got past auth


def test_common_error_codes(server: ServerProcess, images: ImageServer) -> None:
    ok = body(images, FusionUltraParam={"WarpRadio": 1.2})

    def call(payload: bytes | dict[str, object], **kw: object) -> httpx.Response:
        # a tenant per call: each one's 2/s FuseFaceUltra budget stays untouched
        return raw_tc3(server, server.create_tenant(unique("wire")), payload, **kw)  # type: ignore[arg-type]

    cases = {
        "InvalidAction": call(ok, action="FuseFaceMega"),
        "NoSuchVersion": call(ok, version="2018-01-01"),
        "UnknownParameter": call(body(images, Foo=1)),
        "InvalidParameter": call(body(images, FusionUltraParam={"WarpRadio": "much"})),
        "MissingParameter": call({"ModelUrl": images.url(TEMPLATE)}),
    }
    for expected, resp in cases.items():
        assert code_of(resp) == expected, expected
    assert code_of(call(b"{not json")) == "InvalidParameter"
    assert code_of(call(ok, region=None)) == "MissingParameter"


def test_auth_failures(server: ServerProcess, images: ImageServer,
                       creds: dict[str, str]) -> None:
    url = server.base_url + "/"
    headers = {"Content-Type": "application/json", "X-TC-Action": "FuseFaceUltra",
               "X-TC-Version": "2022-09-27", "X-TC-Timestamp": "1700000000",
               "X-TC-Region": "ap-guangzhou"}
    bad_auth = httpx.post(url, content=b"{}", headers={**headers, "Authorization": "Basic x"})
    assert code_of(bad_auth) == "AuthFailure.InvalidAuthorization"
    no_action = httpx.post(url, content=b"{}", headers={"Content-Type": "application/json"})
    assert code_of(no_action) == "MissingParameter"
    stranger = {**creds, "tencent_secret_id": "AKIDnobody"}
    assert code_of(raw_tc3(server, stranger, body(images))) == "AuthFailure.SecretIdNotFound"
    wrong = {**creds, "tencent_secret_key": "not-the-key"}
    assert code_of(raw_tc3(server, wrong, body(images))) == "AuthFailure.SignatureFailure"


def test_unsupported_method_and_oversized_query(server: ServerProcess,
                                                creds: dict[str, str]) -> None:
    assert code_of(httpx.put(server.base_url + "/", content=b"{}")) == "UnsupportedProtocol"
    query = urlencode({"ModelImage": "A" * 40_000})
    resp = raw_tc3(server, creds, b"", method="GET", query=query,
                   content_type="application/x-www-form-urlencoded")
    assert code_of(resp) == "RequestSizeLimitExceeded"


def test_get_query_is_coerced_and_checked(server: ServerProcess, images: ImageServer,
                                          creds: dict[str, str]) -> None:
    flat = {"RspImgType": "url", "ModelUrl": images.url(TEMPLATE),
            "MergeInfos.0.Url": images.url(USER), "FusionUltraParam.WarpRadio": "1.5"}
    resp = raw_tc3(server, creds, b"", method="GET", query=urlencode(flat),
                   content_type="application/x-www-form-urlencoded")
    assert code_of(resp) == "FailedOperation.ParameterValueError"
    flat["FusionUltraParam.WarpRadio"] = "lots"
    resp = raw_tc3(server, creds, b"", method="GET", query=urlencode(flat),
                   content_type="application/x-www-form-urlencoded")
    assert code_of(resp) == "InvalidParameter"
