"""Tencent TC3-HMAC-SHA256 and legacy v1 server-side verification.

Fixtures: the fixed-time vectors and the requests the official SDKs sent to a capture server
(copied from ../shared/protocols/captures). The captures record the SecretId only; their
SecretKey ``testSecretKey00000000000000000000`` is the one that reproduces every recorded
signature. Extra requests are signed by the installed SDK's own signing code (the oracle).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from tencentcloud.common import credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.sign import Sign
from tencentcloud.facefusion.v20220927 import facefusion_client

from portrait_studio.server.dialects.tencent.errors import TencentAuthError
from portrait_studio.server.dialects.tencent.signature import (
    SignedRequest,
    canonical_request,
    parse_authorization,
    string_to_sign,
    utc_date,
    v1_params,
    v1_string_to_sign,
    verify_request,
    verify_tc3,
    verify_v1,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "protocols"
CAPTURE_ID = "AKIDtestSecretId0000000000000000"
CAPTURE_KEY = "testSecretKey00000000000000000000"
SERVICES = ("aiart", "facefusion", "vod")
SID, SKEY = "AKIDunitTest0000000000000000000000", "unitTestSecretKey000000000000000"
ENDPOINT = "127.0.0.1:8080"
FUSE_PARAMS: dict[str, Any] = {
    "RspImgType": "url",
    "MergeInfos": [{"Url": "https://example.com/u.png",
                    "InputImageFaceRect": {"X": 1, "Y": 2, "Width": 64, "Height": 64}}],
    "ModelUrl": "https://example.com/m.png",
    "FusionUltraParam": {"WarpRadio": 0.7, "MpRadio": 0.5},
    "LogoParam": {"LogoUrl": "https://example.com/l.png",
                  "LogoRect": {"X": 10, "Y": 10, "Width": 20, "Height": 20}},
}


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _lookup(secrets: dict[str, str]) -> Any:
    return secrets.get


def _capture_request(entry: dict[str, Any]) -> SignedRequest:
    return SignedRequest(entry["method"], entry["query"], dict(entry["headers"]),
                         entry["body"].encode("utf-8"), entry["path"])


def _sdk_request(params: dict[str, Any], *, method: str = "POST",
                 sign: str = "TC3-HMAC-SHA256", token: str | None = None,
                 unsigned: bool = False, key: str = SKEY) -> SignedRequest:
    """A FuseFaceUltra request exactly as the official SDK builds and signs it."""
    profile = ClientProfile(signMethod=sign,
                            httpProfile=HttpProfile(protocol="http", endpoint=ENDPOINT,
                                                    reqMethod=method))
    profile.unsignedPayload = unsigned
    client = facefusion_client.FacefusionClient(credential.Credential(SID, key, token),
                                                "ap-guangzhou", profile)
    req = RequestInternal(ENDPOINT, method, "/", header={})
    client._build_req_inter("FuseFaceUltra", params, req)
    headers = {"Host": ENDPOINT, **req.header}
    if method == "GET":
        return SignedRequest("GET", req.data, headers)
    return SignedRequest("POST", "", headers, req.data.encode("utf-8"))


def _ts(req: SignedRequest) -> int:
    raw = req.header("X-TC-Timestamp") or v1_params(req)["Timestamp"]
    return int(raw)


def _with(req: SignedRequest, **changes: Any) -> SignedRequest:
    headers = dict(req.headers)
    for name, value in changes.pop("headers", {}).items():
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return SignedRequest(changes.get("method", req.method), changes.get("query", req.query),
                         headers, changes.get("body", req.body))


def _code(exc: pytest.ExceptionInfo[TencentAuthError]) -> str:
    code: str = exc.value.code
    return code


# --- fixed vectors ----------------------------------------------------------------------------

def test_official_demo_vector() -> None:
    vec = _load("signature_vectors.json")["tencent_official_demo"]
    auth = ("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
            f"tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature={vec['signature']}")
    req = SignedRequest("POST", "", {
        "Content-Type": "application/json; charset=utf-8", "Host": "cvm.tencentcloudapi.com",
        "X-TC-Action": "DescribeInstances", "X-TC-Timestamp": "1551113065",
        "Authorization": auth}, vec["payload"].encode("utf-8"))
    canonical = canonical_request(req, "content-type;host;x-tc-action")
    assert canonical == vec["canonical_request"]
    assert string_to_sign(1551113065, "2019-02-25", "cvm", canonical) == vec["string_to_sign"]
    secrets = {"AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE": "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"}
    verified = verify_tc3(req, _lookup(secrets), now=1551113065 + 299, services="cvm")
    assert (verified.secret_id, verified.service) == ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                                      "cvm")


def test_python_sdk_fixed_time_vector() -> None:
    vec = _load("signature_vectors.json")["tencent_sdk_fixed_time"]
    req = SignedRequest("POST", "", vec["headers"], vec["body"].encode("utf-8"))
    assert canonical_request(req, "content-type;host") == vec["canonical_request"]
    verified = verify_tc3(req, _lookup({vec["secret_id"]: vec["secret_key"]}),
                          now=1700000000, services=SERVICES)
    assert (verified.secret_id, verified.service, verified.timestamp) == (
        "AKIDtest", "aiart", 1700000000)
    assert verified.payload_signed is True and verified.token is None


# --- every captured request -------------------------------------------------------------------

CAPTURES = _load("tencent.json")


@pytest.mark.parametrize("index", range(len(CAPTURES)))
def test_every_captured_request_verifies(index: int) -> None:
    entry = CAPTURES[index]
    req = _capture_request(entry)
    check = entry["signature_check"]
    verified = verify_request(req, _lookup({CAPTURE_ID: CAPTURE_KEY}), now=_ts(req) + 5,
                              services=SERVICES)
    assert verified.secret_id == CAPTURE_ID
    if check["scheme"] == "TC3-HMAC-SHA256":
        auth = parse_authorization(req.header("authorization"))
        assert canonical_request(req, auth.signed_headers) == check["canonical_request"]
        assert verified.service == check["service"]
    else:
        assert v1_string_to_sign(req.method, req.header("host") or "", "/",
                                 verified.params or {}) == check["string_to_sign"]
        assert verified.scheme == "HmacSHA256" and verified.service is None
        assert verified.params is not None and verified.params["Action"] == "QueryGlamPicJob"


def test_captured_get_request_uses_query_exactly_as_sent() -> None:
    entry = next(e for e in CAPTURES if e["method"] == "GET")
    req = _capture_request(entry)
    verify_tc3(req, _lookup({CAPTURE_ID: CAPTURE_KEY}), now=_ts(req), services=SERVICES)
    reordered = "&".join(reversed(req.query.split("&")))
    with pytest.raises(TencentAuthError) as exc:
        verify_tc3(_with(req, query=reordered), _lookup({CAPTURE_ID: CAPTURE_KEY}),
                   now=_ts(req), services=SERVICES)
    assert _code(exc) == "AuthFailure.SignatureFailure"


# --- SDK-signed requests: GET, token, UNSIGNED-PAYLOAD, v1 ------------------------------------

def test_sdk_get_with_nested_params_verifies() -> None:
    req = _sdk_request(FUSE_PARAMS, method="GET")
    assert "MergeInfos.0.InputImageFaceRect.X=1" in req.query
    verified = verify_tc3(req, _lookup({SID: SKEY}), now=_ts(req), services="facefusion")
    assert verified.service == "facefusion"


def test_sdk_token_is_accepted_and_reported() -> None:
    req = _sdk_request(FUSE_PARAMS, token="sts-token-1")
    verified = verify_tc3(req, _lookup({SID: SKEY}), now=_ts(req), services="facefusion")
    assert verified.token == "sts-token-1"


def test_unsigned_payload_ignores_body_but_says_so() -> None:
    req = _sdk_request(FUSE_PARAMS, unsigned=True)
    changed = _with(req, body=b'{"RspImgType": "base64"}')
    verified = verify_tc3(changed, _lookup({SID: SKEY}), now=_ts(req), services="facefusion")
    assert verified.payload_signed is False


@pytest.mark.parametrize("sign_method", ["HmacSHA1", "HmacSHA256"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sdk_v1_requests_verify(sign_method: str, method: str) -> None:
    req = _sdk_request(FUSE_PARAMS, method=method, sign=sign_method)
    verified = verify_request(req, _lookup({SID: SKEY}), now=_ts(req), services="facefusion")
    assert verified.scheme == sign_method
    assert verified.params is not None
    assert verified.params["MergeInfos.0.InputImageFaceRect.Width"] == "64"
    assert verified.params["Action"] == "FuseFaceUltra"


def test_v1_without_signature_method_defaults_to_sha1() -> None:
    params = {"Action": "FuseFaceUltra", "SecretId": SID, "Timestamp": "1700000000",
              "Nonce": "7", "RspImgType": "url"}
    to_sign = v1_string_to_sign("POST", ENDPOINT, "/", params)
    params["Signature"] = Sign.sign(SKEY, to_sign, "HmacSHA1")
    req = SignedRequest("POST", "", {"Host": ENDPOINT}, urlencode(params).encode())
    assert verify_v1(req, _lookup({SID: SKEY}), now=1700000000).scheme == "HmacSHA1"


# --- failures ---------------------------------------------------------------------------------

def _fails(req: SignedRequest, now: float | None = None, secrets: dict[str, str] | None = None,
           services: tuple[str, ...] = ("facefusion",)) -> str:
    with pytest.raises(TencentAuthError) as exc:
        verify_request(req, _lookup(secrets or {SID: SKEY}),
                       now=_ts(req) if now is None else now, services=services)
    return _code(exc)


def test_tampered_body_fails() -> None:
    req = _sdk_request(FUSE_PARAMS)
    tampered = req.body.replace(b'"url"', b'"base64"')
    assert tampered != req.body
    assert _fails(_with(req, body=tampered)) == "AuthFailure.SignatureFailure"


def test_wrong_key_fails_with_canonical_message() -> None:
    req = _sdk_request(FUSE_PARAMS, key="notTheRightKey")
    with pytest.raises(TencentAuthError) as exc:
        verify_tc3(req, _lookup({SID: SKEY}), now=_ts(req), services="facefusion")
    assert exc.value.code == "AuthFailure.SignatureFailure"
    assert exc.value.message.startswith("The provided credentials could not be validated.")
    assert SKEY not in exc.value.message


def test_other_host_port_fails() -> None:
    req = _sdk_request(FUSE_PARAMS)
    assert _fails(_with(req, headers={"Host": "127.0.0.1:8081"})) == (
        "AuthFailure.SignatureFailure")


def test_v1_tampered_form_fails() -> None:
    req = _sdk_request(FUSE_PARAMS, sign="HmacSHA256")
    tampered = req.body.replace(b"RspImgType=url", b"RspImgType=base64")
    assert _fails(_with(req, body=tampered)) == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize("skew", [301, -301, 3600])
def test_expired_timestamp(skew: int) -> None:
    req = _sdk_request(FUSE_PARAMS)
    assert _fails(req, now=_ts(req) + skew) == "AuthFailure.SignatureExpire"


@pytest.mark.parametrize("skew", [300, -300])
def test_window_edges_accepted(skew: int) -> None:
    req = _sdk_request(FUSE_PARAMS)
    assert verify_tc3(req, _lookup({SID: SKEY}), now=_ts(req) + skew,
                      services="facefusion").secret_id == SID


def test_v1_expired_timestamp() -> None:
    req = _sdk_request(FUSE_PARAMS, sign="HmacSHA256")
    assert _fails(req, now=_ts(req) + 301) == "AuthFailure.SignatureExpire"


def test_wrong_date_in_scope_fails_even_when_signed_consistently() -> None:
    vec = _load("signature_vectors.json")["tencent_sdk_fixed_time"]
    req = SignedRequest("POST", "", vec["headers"], vec["body"].encode())
    to_sign = string_to_sign(1700000000, "2023-11-15", "aiart",
                             canonical_request(req, "content-type;host"))
    sig = Sign.sign_tc3(vec["secret_key"], "2023-11-15", "aiart", to_sign)
    auth = ("TC3-HMAC-SHA256 Credential=AKIDtest/2023-11-15/aiart/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={sig}")
    assert utc_date(1700000000) == "2023-11-14"
    code = _fails(_with(req, headers={"Authorization": auth}), now=1700000000,
                  secrets={"AKIDtest": vec["secret_key"]}, services=("aiart",))
    assert code == "AuthFailure.SignatureFailure"


def test_service_not_served_is_rejected() -> None:
    req = _sdk_request(FUSE_PARAMS)
    assert _fails(req, services=("aiart",)) == "AuthFailure.InvalidAuthorization"


def test_unknown_secret_id() -> None:
    req = _sdk_request(FUSE_PARAMS)
    assert _fails(req, secrets={"AKIDsomeoneElse": SKEY}) == "AuthFailure.SecretIdNotFound"
    v1 = _sdk_request(FUSE_PARAMS, sign="HmacSHA1")
    assert _fails(v1, secrets={"AKIDsomeoneElse": SKEY}) == "AuthFailure.SecretIdNotFound"


def test_missing_timestamp_header() -> None:
    req = _sdk_request(FUSE_PARAMS)
    with pytest.raises(TencentAuthError) as exc:
        verify_tc3(_with(req, headers={"X-TC-Timestamp": None}), _lookup({SID: SKEY}),
                   now=_ts(req), services="facefusion")
    assert exc.value.code == "MissingParameter" and "X-TC-Timestamp" in exc.value.message


def test_missing_signed_header() -> None:
    vec = _load("signature_vectors.json")["tencent_official_demo"]
    auth = ("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
            f"tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature={vec['signature']}")
    req = SignedRequest("POST", "", {"Content-Type": "application/json; charset=utf-8",
                                     "Host": "cvm.tencentcloudapi.com",
                                     "X-TC-Timestamp": "1551113065", "Authorization": auth},
                        vec["payload"].encode())
    code = _fails(req, now=1551113065, services=("cvm",),
                  secrets={"AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE": "x"})
    assert code == "AuthFailure.InvalidAuthorization"


def test_missing_authorization_header() -> None:
    req = _sdk_request(FUSE_PARAMS)
    assert _fails(_with(req, headers={"Authorization": None})) == (
        "AuthFailure.InvalidAuthorization")


def test_v1_missing_secret_id() -> None:
    req = _sdk_request(FUSE_PARAMS, sign="HmacSHA256")
    body = b"&".join(p for p in req.body.split(b"&") if not p.startswith(b"SecretId="))
    assert _fails(_with(req, body=body)) == "MissingParameter"


@pytest.mark.parametrize("auth", [
    ("TC3-HMAC-SHA256 Credential=AKIDx/2023-11-14/aiart/tc3_request, SignedHeaders=content-type;"
     "host"),
    "HMAC-SHA256 Credential=AKIDx/2023-11-14/aiart/tc3_request, SignedHeaders=content-type;host,"
    " Signature=" + "a" * 64,
    "TC3-HMAC-SHA256 Credential=AKIDx/2023-11-14/aiart, SignedHeaders=content-type;host, "
    "Signature=" + "a" * 64,
    "TC3-HMAC-SHA256 Credential=AKIDx/2023-11-14/aiart/request, SignedHeaders=content-type;"
    "host, Signature=" + "a" * 64,
    "TC3-HMAC-SHA256 Credential=AKIDx/2023-11-14/aiart/tc3_request, SignedHeaders=content-type,"
    " Signature=" + "a" * 64,
    "TC3-HMAC-SHA256 Credential=AKIDx/2023-11-14/aiart/tc3_request, SignedHeaders=content-type;"
    "host, Signature=" + "z" * 64,
    "",
])
def test_malformed_authorization(auth: str) -> None:
    with pytest.raises(TencentAuthError) as exc:
        parse_authorization(auth)
    assert exc.value.code == "AuthFailure.InvalidAuthorization"


def test_header_names_are_case_insensitive() -> None:
    req = _sdk_request(FUSE_PARAMS)
    lowered = SignedRequest("POST", "", {k.lower(): v for k, v in req.headers.items()}, req.body)
    upper = SignedRequest("POST", "", {k.upper(): v for k, v in req.headers.items()}, req.body)
    for variant in (lowered, upper):
        assert verify_tc3(variant, _lookup({SID: SKEY}), now=_ts(req),
                          services="facefusion").secret_id == SID
