"""Volcengine SignerV4 verification against the SDK's test vector and every captured request."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from portrait_studio.errors import ParameterError, TextRejected, error_class
from portrait_studio.server.dialects.volc import signature as sig
from portrait_studio.server.dialects.volc.errors import VolcGatewayError, business, lookup

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "protocols"
VECTOR = json.loads((FIXTURES / "signature_vectors.json").read_text())["volc_sdk_fixed_time"]
CAPTURES = json.loads((FIXTURES / "volc.json").read_text())
QUERY = "Action=CVSync2AsyncSubmitTask&Version=2022-08-31"
NOW = datetime(2024, 1, 1, tzinfo=UTC).timestamp()


def vector_request(**changes: Any) -> sig.VolcRequest:
    headers = {**VECTOR["headers"], **changes.pop("headers", {})}
    fields = {"method": "POST", "query": QUERY, "headers": headers,
              "body": VECTOR["body"].encode(), **changes}
    return sig.VolcRequest(**fields)


def secret(ak: str) -> str | None:
    return VECTOR["sk"] if ak == VECTOR["ak"] else None


def gateway_code(req: sig.VolcRequest, now: float = NOW) -> str:
    with pytest.raises(VolcGatewayError) as info:
        sig.verify(req, secret, now=now)
    return info.value.code


def test_sdk_vector_canonical_request_string_to_sign_and_signature() -> None:
    req = vector_request()
    signed = ("content-type", "host", "x-content-sha256", "x-date")
    canonical = sig.canonical_request(req, signed)
    assert canonical == VECTOR["canonical_request"]
    to_sign = sig.string_to_sign("20240101T000000Z", "20240101", "cn-north-1", "cv", canonical)
    assert to_sign == VECTOR["string_to_sign"]
    assert sig.signature(VECTOR["sk"], "20240101", "cn-north-1", "cv", to_sign) == \
        "d3ebc94bd99dc57cf80b091508ee33cb72adcd5118b2a891e9ad843df0852523"
    assert sig.verify(req, secret, now=NOW) == "AKLTtest"


@pytest.mark.parametrize("index", range(len(CAPTURES)))
def test_every_captured_request_canonicalises_as_the_sdk_signed_it(index: int) -> None:
    capture = CAPTURES[index]
    req = sig.VolcRequest(capture["method"], capture["query"], dict(capture["headers"]),
                          capture["body"].encode())
    cred = sig.parse_authorization(req.header("authorization"))
    assert ";".join(cred.signed_headers) == capture["signature_check"]["signed_headers"]
    assert sig.canonical_request(req, cred.signed_headers) == \
        capture["signature_check"]["canonical_request"]


def test_port_80_is_dropped_from_host_other_ports_kept() -> None:
    for host, shown in [("h.example:80", "h.example"), ("h.example:8080", "h.example:8080")]:
        req = vector_request(headers={"Host": host})
        assert f"\nhost:{shown}\n" in sig.canonical_request(req, ("host", "x-date"))


def test_query_is_sorted_and_rfc3986_encoded() -> None:
    assert sig.canonical_query("b=2&a=x+y&c=%7E~&Action=Z") == "Action=Z&a=x%20y&b=2&c=~~"


@pytest.mark.parametrize("change, code", [
    ({"body": b'{"req_key": "other"}'}, "SignatureDoesNotMatch"),       # hash header mismatch
    ({"query": "Action=CVSync2AsyncGetResult&Version=2022-08-31"}, "SignatureDoesNotMatch"),
    ({"headers": {"Host": "127.0.0.1:8081"}}, "SignatureDoesNotMatch"),
    ({"headers": {"Authorization": VECTOR["headers"]["Authorization"].replace(
        "AKLTtest", "AKLTnobody")}}, "InvalidAccessKey"),
    ({"headers": {"Authorization": ""}}, "MissingSignature"),
    ({"headers": {"Authorization": "HMAC-SHA256 garbage"}}, "SignatureDoesNotMatch"),
    ({"headers": {"Authorization": VECTOR["headers"]["Authorization"].replace(
        "/cv/", "/iam/")}}, "SignatureDoesNotMatch"),
])
def test_tampering_is_refused(change: dict[str, Any], code: str) -> None:
    assert gateway_code(vector_request(**change)) == code


def test_clock_window() -> None:
    assert sig.verify(vector_request(), secret, now=NOW + 899) == "AKLTtest"
    assert gateway_code(vector_request(), now=NOW + 901) == "InvalidTimestamp"
    assert gateway_code(vector_request(headers={"X-Date": "yesterday"})) == "InvalidTimestamp"


def test_wrong_secret_fails() -> None:
    with pytest.raises(VolcGatewayError) as info:
        sig.verify(vector_request(), lambda ak: "not-the-secret", now=NOW)
    assert (info.value.status, info.value.code_n) == (401, 100010)


@pytest.mark.parametrize("code, status, wire", [
    ("param.invalid", 400, 50215), ("image.download_failed", 400, 50215),
    ("face.not_found", 400, 50215), ("content.text_rejected", 400, 50412),
    ("content.image_rejected", 400, 50411), ("limit.rate", 429, 50429),
    ("limit.queue_full", 429, 50430), ("job.worker_lost", 500, 50501),
    ("internal", 500, 50500),
])
def test_business_codes(code: str, status: int, wire: int) -> None:
    assert lookup(code)[:2] == (status, wire)
    err = business(error_class(code)("detail", field="x"))
    assert (err.status, err.code) == (status, wire)


def test_business_messages() -> None:
    assert business(ParameterError("width: 2000 > 1500")).message == \
        "Input invalid for this service. width: 2000 > 1500"
    assert business(TextRejected("prompt hit")).message == "Text Risk Not Pass prompt hit"
    assert business(RuntimeError("/etc/secret")).message == "Internal Error"
