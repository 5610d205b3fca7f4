"""Tencent parameters (un-flattening, coercion, FuseFaceUltra schema), envelopes and error table."""

from __future__ import annotations

import inspect
import json
import re
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from tencentcloud.common.abstract_client import AbstractClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.facefusion.v20220927 import models

from portrait_studio import errors as lib
from portrait_studio.server.dialects.tencent import errors as tc
from portrait_studio.server.dialects.tencent.envelope import (
    error_response,
    exception_response,
    success_response,
)
from portrait_studio.server.dialects.tencent.params import (
    ACTION_SCHEMAS,
    FUSE_FACE_ULTRA,
    ParamSchema,
    coerce,
    parse_flat,
    parse_json,
    split_common,
    unflatten,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "protocols"
CAPTURES = json.loads((FIXTURES / "tencent.json").read_text(encoding="utf-8"))


def _capture(action: str, method: str = "POST") -> dict[str, Any]:
    return next(e for e in CAPTURES if e["method"] == method
                and dict(e["headers"]).get("X-TC-Action") == action)


def _flatten(params: dict[str, Any]) -> list[tuple[str, str]]:
    """Flatten exactly as the SDK does (its own helper), then round-trip through a query."""
    flat = AbstractClient.__new__(AbstractClient)._format_params(None, params)
    return parse_qsl(urlencode(flat), keep_blank_values=True)


def _api_error(fn: Any, *args: Any, **kwargs: Any) -> tc.TencentApiError:
    with pytest.raises(tc.TencentApiError) as exc:
        fn(*args, **kwargs)
    return exc.value


# --- un-flattening ----------------------------------------------------------------------------

def test_unflatten_captured_get_query_matches_json_body() -> None:
    get = _capture("SubmitGlamPicJob", "GET")
    post = _capture("SubmitGlamPicJob")
    tree = unflatten(parse_qsl(get["query"], keep_blank_values=True))
    body = json.loads(post["body"])
    assert tree["FaceInfos"][0]["ImageUrls"] == body["FaceInfos"][0]["ImageUrls"]
    assert tree["FaceInfos"][0]["TemplateFaceRect"] == {"X": "10", "Y": "20", "Width": "100",
                                                        "Height": "120"}
    assert tree["Style"] == ["real", "balanced"]
    assert tree["LogoParam"]["LogoRect"]["X"] == "10"
    assert set(tree) == set(body)


@pytest.mark.parametrize("pairs, fragment", [
    ([("A.0", "x"), ("A.2", "y")], "without gaps"),
    ([("A.1", "x")], "without gaps"),
    ([("A.00", "x")], "without gaps"),
    ([("A", "1"), ("A.B", "2")], "both a value and an object"),
    ([("A.B", "2"), ("A", "1")], "given twice"),
    ([("A", "1"), ("A", "2")], "given twice"),
    ([("A..B", "1")], "empty segment"),
    ([("0", "1")], "bare indexes"),
])
def test_unflatten_rejects(pairs: list[tuple[str, str]], fragment: str) -> None:
    err = _api_error(unflatten, pairs)
    assert err.code == "InvalidParameter" and fragment in err.message


def test_split_common() -> None:
    common, rest = split_common({"Action": "FuseFaceUltra", "Nonce": "1", "RspImgType": "url"})
    assert common == {"Action": "FuseFaceUltra", "Nonce": "1"} and rest == {"RspImgType": "url"}


# --- FuseFaceUltra schema ---------------------------------------------------------------------

def _sdk_fields(cls: type) -> list[str]:
    init = vars(cls)["__init__"]
    return re.findall(r"self\._(\w+) = None", inspect.getsource(init))


def test_schema_covers_every_sdk_field() -> None:
    nested = {"MergeInfos[]": models.MergeInfo, "FusionUltraParam": models.FusionUltraParam,
              "LogoParam": models.LogoParam,
              "MergeInfos[].InputImageFaceRect": models.FaceRect,
              "MergeInfos[].TemplateFaceRect": models.FaceRect,
              "LogoParam.LogoRect": models.FaceRect}
    expected = set(_sdk_fields(models.FuseFaceUltraRequest)) | {"MergeInfos[]"}
    for prefix, cls in nested.items():
        expected |= {f"{prefix}.{name}" for name in _sdk_fields(cls)}
    assert set(FUSE_FACE_ULTRA.types) == expected
    assert ACTION_SCHEMAS[("facefusion", "2022-09-27", "FuseFaceUltra")] is FUSE_FACE_ULTRA


def test_captured_fuse_body_json_and_flat_agree_with_types() -> None:
    body = _capture("FuseFaceUltra")["body"]
    from_json = parse_json(body.encode(), FUSE_FACE_ULTRA)
    from_flat = parse_flat(_flatten(json.loads(body)), FUSE_FACE_ULTRA)
    assert from_json == from_flat == json.loads(body)
    for tree in (from_json, from_flat):
        radios = tree["FusionUltraParam"]
        assert radios == {"WarpRadio": 0.7, "EnhanceRadio": 0.5, "MpRadio": 0.5,
                          "TeethEnhanceRadio": 1.0, "MakeupTransferRadio": 0.0}
        assert all(type(v) is float for v in radios.values())
        rect = tree["MergeInfos"][0]["InputImageFaceRect"]
        assert rect == {"X": 1, "Y": 2, "Width": 64, "Height": 64}
        assert all(type(v) is int for v in rect.values())
        assert type(tree["LogoAdd"]) is int and type(tree["SwapModelType"]) is int


def test_seed_failure_example_parses_range_is_checked_later() -> None:
    seed = {"ModelUrl": "https://cos.ap-guangzhou.myqcloud.com/model.png", "RspImgType": "base64",
            "MergeInfos": [{"Url": "https://cos.ap-guangzhou.myqcloud.com/input.png"}],
            "FusionUltraParam": {"WarpRadio": 1.2}}
    assert parse_json(json.dumps(seed).encode(), FUSE_FACE_ULTRA)["FusionUltraParam"] == {
        "WarpRadio": 1.2}


def test_flat_full_fuse_request() -> None:
    pairs = [("RspImgType", "base64"), ("MergeInfos.0.Image", "aGk="),
             ("MergeInfos.0.TemplateFaceID", "face_1"), ("MergeInfos.1.Url", "https://x/u.png"),
             ("MergeInfos.1.TemplateFaceRect.X", "5"), ("MergeInfos.1.TemplateFaceRect.Y", "6"),
             ("MergeInfos.1.TemplateFaceRect.Width", "70"),
             ("MergeInfos.1.TemplateFaceRect.Height", "80"), ("ModelImage", "aGk="),
             ("FusionUltraParam.BlurRadio", "0"), ("LogoAdd", "0"),
             ("LogoParam.LogoImage", "aGk="), ("SwapModelType", "6")]
    tree = parse_flat(pairs, FUSE_FACE_ULTRA)
    assert tree["MergeInfos"] == [
        {"Image": "aGk=", "TemplateFaceID": "face_1"},
        {"Url": "https://x/u.png", "TemplateFaceRect": {"X": 5, "Y": 6, "Width": 70,
                                                        "Height": 80}}]
    assert tree["FusionUltraParam"] == {"BlurRadio": 0.0} and tree["SwapModelType"] == 6


def _minimal(**extra: Any) -> dict[str, Any]:
    return {"RspImgType": "url", "MergeInfos": [{"Url": "https://x/u.png"}], **extra}


@pytest.mark.parametrize("data, code, name", [
    (_minimal(Foo=1), "UnknownParameter", "`Foo`"),
    (_minimal(MergeInfos=[{"Url": "u", "FaceId": "1"}]), "UnknownParameter",
     "`MergeInfos.0.FaceId`"),
    (_minimal(FusionUltraParam={"Warp": 0.5}), "UnknownParameter", "`FusionUltraParam.Warp`"),
    ({"MergeInfos": [{"Url": "u"}]}, "MissingParameter", "`RspImgType`"),
    ({"RspImgType": "url"}, "MissingParameter", "`MergeInfos`"),
    (_minimal(MergeInfos=[{"Url": "u", "InputImageFaceRect": {"X": 1, "Y": 1, "Width": 40}}]),
     "MissingParameter", "`MergeInfos.0.InputImageFaceRect.Height`"),
    (_minimal(SwapModelType=1.5), "InvalidParameter", "`SwapModelType`"),
    (_minimal(SwapModelType="1"), "InvalidParameter", "`SwapModelType`"),
    (_minimal(LogoAdd=True), "InvalidParameter", "`LogoAdd`"),
    (_minimal(FusionUltraParam={"WarpRadio": "0.5"}), "InvalidParameter",
     "`FusionUltraParam.WarpRadio`"),
    (_minimal(RspImgType=1), "InvalidParameter", "`RspImgType`"),
    (_minimal(MergeInfos={"Url": "u"}), "InvalidParameter", "`MergeInfos`"),
    (_minimal(LogoParam="x"), "InvalidParameter", "`LogoParam`"),
])
def test_json_errors_name_the_field(data: dict[str, Any], code: str, name: str) -> None:
    err = _api_error(coerce, data, FUSE_FACE_ULTRA, from_strings=False)
    assert err.code == code and name in err.message


def test_json_widening_rules() -> None:
    tree = coerce(_minimal(SwapModelType=2.0, FusionUltraParam={"WarpRadio": 1}),
                  FUSE_FACE_ULTRA, from_strings=False)
    assert tree["SwapModelType"] == 2 and type(tree["SwapModelType"]) is int
    assert type(tree["FusionUltraParam"]["WarpRadio"]) is float


@pytest.mark.parametrize("key, raw", [
    ("SwapModelType", "abc"), ("SwapModelType", "1.5"), ("FusionUltraParam.WarpRadio", "nan"),
    ("FusionUltraParam.WarpRadio", "x"), ("MergeInfos.0.InputImageFaceRect.X", ""),
])
def test_flat_bad_values(key: str, raw: str) -> None:
    pairs = [("RspImgType", "url"), ("MergeInfos.0.Url", "u"), (key, raw)]
    if key.startswith("MergeInfos.0.InputImageFaceRect"):
        pairs += [(f"MergeInfos.0.InputImageFaceRect.{k}", "1") for k in ("Y", "Width", "Height")]
    err = _api_error(parse_flat, pairs, FUSE_FACE_ULTRA)
    assert err.code == "InvalidParameter" and f"`{key}`" in err.message


def test_flat_dict_where_list_expected() -> None:
    err = _api_error(parse_flat, [("RspImgType", "url"), ("MergeInfos.Url", "u")],
                     FUSE_FACE_ULTRA)
    assert err.code == "InvalidParameter" and "`MergeInfos`" in err.message


def test_bool_and_list_of_scalars_from_strings() -> None:
    schema = ParamSchema({"On": bool, "Style": list, "Style[]": str, "N": int})
    tree = parse_flat([("On", "TRUE"), ("Style.0", "real"), ("Style.1", "x"), ("N", " 3 ")],
                      schema)
    assert tree == {"On": True, "Style": ["real", "x"], "N": 3}
    assert parse_flat([("On", "0")], schema) == {"On": False}
    assert _api_error(parse_flat, [("On", "yes")], schema).code == "InvalidParameter"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_parse_json_bad_bodies(body: bytes) -> None:
    assert _api_error(parse_json, body, FUSE_FACE_ULTRA).code == "InvalidParameter"


def test_parse_json_empty_body_reports_missing() -> None:
    err = _api_error(parse_json, b"", FUSE_FACE_ULTRA)
    assert err.code == "MissingParameter"


# --- envelopes --------------------------------------------------------------------------------

def _sdk_view(body: bytes, content_type: str) -> SimpleNamespace:
    return SimpleNamespace(headers={"Content-Type": content_type}, content=body, status_code=200)


def test_success_envelope_exact_bytes_and_sdk_parse() -> None:
    rid = "dade0dd3-bb6d-4bc6-9c93-d2dc3ce709dc"
    resp = success_response({"FusedImage": "http://127.0.0.1/r/fused.png", "RequestId": "x"},
                            rid)
    assert resp.status == 200 and resp.headers == {"Content-Type": "application/json"}
    assert resp.body == (b'{"Response":{"FusedImage":"http://127.0.0.1/r/fused.png",'
                         b'"RequestId":"dade0dd3-bb6d-4bc6-9c93-d2dc3ce709dc"}}')
    view = _sdk_view(resp.body, resp.headers["Content-Type"])
    AbstractClient._check_error(None, view)
    model = AbstractClient._process_response_json(view, models.FuseFaceUltraResponse)
    expected = json.loads((FIXTURES / "tencent_results.json").read_text())["FuseFaceUltra"]
    assert (model.FusedImage, model.RequestId) == (expected["FusedImage"],
                                                   expected["RequestId"])


def test_generated_request_ids_are_uuid4() -> None:
    ids = {success_response({}).request_id for _ in range(5)}
    assert len(ids) == 5
    assert all(uuid.UUID(i).version == 4 and len(i) == 36 for i in ids)


def test_error_envelope_raises_in_sdk() -> None:
    resp = error_response("FailedOperation.ParameterValueError", "FusionParam值不合法。")
    doc = json.loads(resp.body)
    assert doc == {"Response": {"Error": {"Code": "FailedOperation.ParameterValueError",
                                          "Message": "FusionParam值不合法。"},
                                "RequestId": resp.request_id}}
    assert "值".encode() in resp.body
    with pytest.raises(TencentCloudSDKException) as exc:
        AbstractClient._check_error(None, _sdk_view(resp.body, resp.headers["Content-Type"]))
    assert exc.value.get_code() == "FailedOperation.ParameterValueError"
    assert exc.value.get_request_id() == resp.request_id


def test_exception_response_uses_product_table() -> None:
    resp = exception_response(lib.NoFaceDetected("no face in MergeInfos.0.Url"), tc.FACEFUSION,
                              "rid-1")
    assert json.loads(resp.body)["Response"] == {
        "Error": {"Code": "FailedOperation.NoFaceDetected",
                  "Message": "no face in MergeInfos.0.Url"}, "RequestId": "rid-1"}


# --- error table ------------------------------------------------------------------------------

FACEFUSION_EXPECTED = {
    lib.ImageUndecodable: "FailedOperation.ImageDecodeFailed",
    lib.ImageUnsupportedFormat: "FailedOperation.ImageDecodeFailed",
    lib.ImageTooSmall: "FailedOperation.ImageResolutionTooSmall",
    lib.ImageTooLarge: "FailedOperation.ImageSizeInvalid",
    lib.ImageBytesTooLarge: "FailedOperation.ImageSizeExceed",
    lib.ImageEmpty: "FailedOperation.MediaDataError",
    lib.ImageDownloadFailed: "FailedOperation.ImageDownloadError",
    lib.UrlNotAllowed: "InvalidParameterValue.UrlIllegal",
    lib.ImageError: "FailedOperation.ImageDecodeFailed",
    lib.NoFaceDetected: "FailedOperation.NoFaceDetected",
    lib.FaceTooSmall: "FailedOperation.FaceSizeTooSmall",
    lib.FaceRectInvalid: "InvalidParameterValue.FaceRectParameterValueError",
    lib.TooManyFaces: "FailedOperation.ParameterValueError",
    lib.FacePoseUnsupported: "FailedOperation.NoFaceDetected",
    lib.ParameterError: "FailedOperation.ParameterValueError",
    lib.MissingParameter: "MissingParameter",
    lib.RateLimited: "RequestLimitExceeded",
    lib.QueueFull: "RequestLimitExceeded",
    lib.JobTimeout: "FailedOperation.RequestTimeout",
    lib.JobNotFound: "ResourceNotFound",
    lib.ModelUnavailable: "FailedOperation.RpcFail",
    lib.WorkerLost: "FailedOperation.RpcFail",
    lib.InternalError: "FailedOperation.InnerError",
}


@pytest.mark.parametrize("cls", list(FACEFUSION_EXPECTED))
def test_facefusion_table(cls: type[lib.PortraitError]) -> None:
    wire = tc.to_wire_error(cls("boom", field="MergeInfos.0.Url"), tc.table_for("facefusion"))
    assert wire.code == FACEFUSION_EXPECTED[cls]


def _sdk_codes() -> set[str]:
    from tencentcloud.facefusion.v20220927 import errorcodes
    return {v for k, v in vars(errorcodes).items() if k.isupper() and isinstance(v, str)}


def test_every_library_error_class_maps_to_a_documented_code() -> None:
    classes: list[type[lib.PortraitError]] = [
        c for c in vars(lib).values() if isinstance(c, type) and issubclass(c, lib.PortraitError)]
    documented = _sdk_codes() | {"MissingParameter", "ResourceNotFound", "InternalError"}
    for cls in classes:
        assert tc.FACEFUSION.lookup(cls.code) in documented, cls
    assert set(FACEFUSION_EXPECTED.values()) <= documented


@pytest.mark.parametrize("code, expected", [
    ("param.missing", "MissingParameter"), ("param.invalid", "InvalidParameterValue"),
    ("param.whatever", "InvalidParameter"), ("limit.rate", "RequestLimitExceeded"),
    ("limit.other", "LimitExceeded"), ("image.url_not_allowed", "InvalidParameterValue"),
    ("job.not_found", "ResourceNotFound"), ("model.unavailable", "ServiceUnavailable"),
    ("internal", "InternalError"), ("no.such.family", "InternalError"),
])
def test_common_table(code: str, expected: str) -> None:
    assert tc.table_for("cvm").lookup(code) == expected  # a service without its own table
    assert tc.COMMON.lookup(code) == expected


def test_product_table_falls_back_to_family_then_common() -> None:
    assert tc.FACEFUSION.lookup("image.new_kind") == "FailedOperation.ImageDecodeFailed"
    assert tc.FACEFUSION.lookup("limit.other") == "LimitExceeded"
    assert tc.FACEFUSION.lookup("no.such.family") == "FailedOperation.InnerError"


def test_internal_errors_do_not_leak_details() -> None:
    for exc in (RuntimeError("/secret/path token=abc"), lib.InternalError("db at /x failed")):
        wire = tc.to_wire_error(exc, tc.FACEFUSION)
        assert wire.code == "FailedOperation.InnerError"
        assert wire.message == tc.INTERNAL_MESSAGE


def test_wire_errors_pass_through() -> None:
    wire = tc.to_wire_error(tc.TencentAuthError("AuthFailure.SignatureExpire", "late"),
                            tc.FACEFUSION)
    assert (wire.code, wire.message) == ("AuthFailure.SignatureExpire", "late")
