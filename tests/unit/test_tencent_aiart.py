"""The aiart dialect without a server: schemas, parameter mapping, JobIds, the error table."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from tencentcloud.aiart.v20221229 import models

from portrait_studio import bootstrap
from portrait_studio.errors import ImageTooLarge, ImageTooSmall, ParameterError
from portrait_studio.pipelines.glam import check_template_size
from portrait_studio.pipelines.glam_params import MAX_PHOTOS, MAX_USERS, GlamParams
from portrait_studio.server.dialects.tencent import aiart
from portrait_studio.server.dialects.tencent.errors import AIART, TencentApiError, table_for
from portrait_studio.server.dialects.tencent.params import (
    ACTION_SCHEMAS,
    QUERY_GLAM_PIC_JOB,
    SUBMIT_GLAM_PIC_JOB,
    parse_flat,
    parse_json,
)

CAPTURES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "protocols"
                       / "tencent.json").read_text(encoding="utf-8"))


def _capture(action: str, method: str = "POST") -> dict[str, Any]:
    return next(e for e in CAPTURES if e["method"] == method
                and dict(e["headers"]).get("X-TC-Action") == action)


def _sdk_fields(cls: type) -> list[str]:
    return re.findall(r"self\._(\w+) = None", inspect.getsource(vars(cls)["__init__"]))


def test_schema_covers_every_sdk_field() -> None:
    nested = {"FaceInfos[]": models.FaceInfo, "FaceInfos[].TemplateFaceRect": models.Rect,
              "LogoParam": models.LogoParam, "LogoParam.LogoRect": models.LogoRect}
    expected = set(_sdk_fields(models.SubmitGlamPicJobRequest)) | {"FaceInfos[]", "Style[]",
                                                                   "FaceInfos[].ImageUrls[]"}
    for prefix, cls in nested.items():
        expected |= {f"{prefix}.{name}" for name in _sdk_fields(cls)}
    assert set(SUBMIT_GLAM_PIC_JOB.types) == expected
    assert set(QUERY_GLAM_PIC_JOB.types) == set(_sdk_fields(models.QueryGlamPicJobRequest))
    assert ACTION_SCHEMAS[("aiart", "2022-12-29", "SubmitGlamPicJob")] is SUBMIT_GLAM_PIC_JOB


def test_query_answer_fields_are_the_sdks() -> None:
    fields = set(_sdk_fields(models.QueryGlamPicJobResponse)) - {"RequestId"}
    assert fields == {"JobStatusCode", "JobStatusMsg", "JobErrorCode", "JobErrorMsg",
                      "ResultImage", "ResultDetails"}


def test_captured_post_and_get_map_to_the_same_product_params() -> None:
    body = parse_json(_capture("SubmitGlamPicJob")["body"].encode(), SUBMIT_GLAM_PIC_JOB)
    flat = parse_flat(parse_qsl(_capture("SubmitGlamPicJob", "GET")["query"]),
                      SUBMIT_GLAM_PIC_JOB)
    assert body == flat
    assert aiart.job_params(body) == {
        "num": 2, "similarity": 0.6, "styles": ["real", "balanced"], "clarity": "x2",
        "users": [{"template_face_rect": [10, 20, 100, 120]}], "logo_add": 1,
        "logo_rect": [10, 10, 20, 20]}
    assert aiart.url_list(body) == [
        ("https://example.com/template.jpg", "TemplateUrl"),
        ("https://example.com/u1.jpg", "FaceInfos.0.ImageUrls.0"),
        ("https://example.com/u1b.jpg", "FaceInfos.0.ImageUrls.1")]


def test_defaults_and_multi_user_style_is_ignored() -> None:
    one = {"TemplateUrl": "t", "FaceInfos": [{"ImageUrls": ["a"]}]}
    assert aiart.job_params(one) == {"num": 4, "similarity": 0.6, "logo_add": 1,
                                     "users": [{"template_face_rect": None}]}
    two = {**one, "FaceInfos": [{"ImageUrls": ["a"]}, {"ImageUrls": ["b", "c"]}],
           "Num": 2, "Style": ["anime"]}
    assert "styles" not in aiart.job_params(two)  # [doc] multi-user: Style has no effect
    assert "clarity" not in aiart.job_params({**one, "Clarity": " "})


@pytest.mark.parametrize("extra, field", [
    ({"Num": 5}, "Num"), ({"Style": ["real"], "Num": 2}, "Style"),
    ({"Similarity": 1.01}, "Similarity"), ({"Clarity": "x8"}, "Clarity"),
    ({"FaceInfos": [{"ImageUrls": ["a"] * (MAX_PHOTOS + 1)}]}, "FaceInfos.0.ImageUrls"),
    ({"FaceInfos": [{"ImageUrls": ["a"]}] * (MAX_USERS + 1)}, "FaceInfos"),
    ({"FaceInfos": [{"ImageUrls": ["a"], "TemplateFaceRect": {
        "X": 0, "Y": 0, "Width": 0, "Height": 9}}]}, "FaceInfos.0.TemplateFaceRect"),
])
def test_bad_values_name_their_field(extra: dict[str, Any], field: str) -> None:
    params = {"TemplateUrl": "t", "FaceInfos": [{"ImageUrls": ["a"]}], **extra}
    with pytest.raises(ParameterError) as info:
        aiart.job_params(params)
    assert info.value.field == field
    assert AIART.lookup(info.value.code) == "InvalidParameterValue.ParameterValueError"


def test_logo_problems_are_logo_param_err() -> None:
    params = {"TemplateUrl": "t", "FaceInfos": [{"ImageUrls": ["a"]}],
              "LogoParam": {"LogoRect": {"X": 0, "Y": -3, "Width": 9, "Height": 9}}}
    with pytest.raises(TencentApiError) as info:
        aiart.job_params(params)
    assert info.value.code == "InvalidParameterValue.LogoParamErr"
    assert "LogoParam.LogoRect" in info.value.message
    with pytest.raises(TencentApiError) as bad:
        aiart.glam_options(aiart.job_params({**params, "LogoParam": {}}), b"not an image")
    assert bad.value.code == "InvalidParameterValue.LogoParamErr"


def test_job_ids_have_the_vendors_shape_and_a_stable_app_id() -> None:
    job_id = aiart.new_job_id("acme", clock=lambda: 1739859949.7)
    app, stamp, *uid, tail = job_id.split("-")
    assert len(app) == 10 and app == aiart.app_id("acme") and stamp == "1739859949"
    assert tail == "0" and [len(p) for p in uid] == [8, 4, 4, 4, 12] and uid[2][0] == "1"
    assert aiart.app_id("acme") != aiart.app_id("other")
    assert aiart.new_job_id("acme") != aiart.new_job_id("acme")


@pytest.mark.parametrize("code, wire", [
    ("limit.queue_full", "RequestLimitExceeded.JobNumExceed"),
    ("limit.rate", "RequestLimitExceeded"),
    ("job.not_found", "FailedOperation.JobNotExist"),
    ("image.undecodable", "FailedOperation.ImageDecodeFailed"),
    ("image.unsupported_format", "FailedOperation.ImageDecodeFailed"),
    ("image.download_failed", "FailedOperation.ImageDownloadError"),
    ("image.too_small", "FailedOperation.ImageResolutionExceed"),
    ("image.bytes_too_large", "FailedOperation.ImageSizeExceed"),
    ("image.url_not_allowed", "InvalidParameterValue.UrlIllegal"),
    ("image.empty", "InvalidParameterValue.ImageEmpty"),
    ("face.not_found", "InvalidParameterValue.ParameterValueError"),
    ("param.missing", "MissingParameter"),
    ("job.worker_lost", "FailedOperation.RpcFail"),
    ("internal", "FailedOperation.InnerError"),
])
def test_error_table(code: str, wire: str) -> None:
    assert table_for("aiart").lookup(code) == wire


def test_template_size_is_checked_from_the_size_alone() -> None:
    check_template_size(301, 301, GlamParams())
    check_template_size(2048, 1000, GlamParams(clarity="x4"))
    with pytest.raises(ImageTooSmall):
        check_template_size(300, 900, GlamParams())
    with pytest.raises(ImageTooLarge) as info:
        check_template_size(2100, 400, GlamParams(clarity="x4"))
    assert info.value.field == "Clarity"
    with pytest.raises(ImageTooLarge):
        check_template_size(8001, 400, GlamParams())


def test_glam_is_a_product_with_one_role_per_user() -> None:
    roles = bootstrap.PRODUCTS["glam"].roles
    assert roles["faces.0"] == (1, MAX_PHOTOS) and roles["faces.4"] == (0, MAX_PHOTOS)
    assert len([r for r in roles if r.startswith("faces.")]) == MAX_USERS
    assert (bootstrap.GLAM_MAX_USERS, bootstrap.GLAM_MAX_PHOTOS) == (MAX_USERS, MAX_PHOTOS)


def test_status_words() -> None:
    words = {state.value: pair for state, pair in aiart.STATUS.items()}
    assert words == {"queued": ("1", "排队中"), "running": ("2", "处理中"),
                     "failed": ("4", "处理失败"), "canceled": ("4", "处理失败"),
                     "succeeded": ("5", "处理完成")}
