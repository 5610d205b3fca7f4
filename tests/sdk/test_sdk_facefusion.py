"""The official Tencent SDK (tencentcloud-sdk-python-facefusion) against a real server process.

Every call goes over loopback to ``portrait-studio serve``; URL fields point at a tiny local
image server on 127.0.0.1 (the server's allow-list names 127.0.0.1 only).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import numpy as np
import pytest
from PIL import Image
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.facefusion.v20220927 import facefusion_client_async, models

from portrait_studio.imaging.codec import decode_image
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.identity import distance, embedding
from tests.e2e.serverkit import (
    FACELESS,
    REPO,
    TEMPLATE,
    USER,
    ImageServer,
    ServerProcess,
    fixture_bytes,
    unique,
)
from tests.sdk.sdkkit import REGION, client, error_code, fuse, substitute

TEMPLATE_IMG = decode_image(fixture_bytes(TEMPLATE))
USER_IMG = decode_image(fixture_bytes(USER))
TEMPLATE_FACE = detect_faces(TEMPLATE_IMG)[0].box


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def png(img: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(img).save(out, "PNG")
    return out.getvalue()


def face_patch(img: np.ndarray) -> np.ndarray:
    b = TEMPLATE_FACE
    return img[int(b.y):int(b.y + b.h), int(b.x):int(b.x + b.w)].astype(np.float32)


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


def basic(images: ImageServer, **extra: Any) -> dict[str, Any]:
    return {"RspImgType": "base64", "ModelUrl": images.url(TEMPLATE),
            "MergeInfos": [{"Url": images.url(USER)}], **extra}


def fused_b64(server: ServerProcess, creds: dict[str, str], params: dict[str, Any],
              **kw: Any) -> np.ndarray:
    fused, exc = fuse(client(server, creds, **kw), params)
    assert exc is None, f"{exc.code}: {exc.message}" if exc else ""
    img: np.ndarray = decode_image(base64.b64decode(str(fused)))
    return img


# --- results ----------------------------------------------------------------------------------

def test_url_result_is_served_here_for_one_day_and_holds_the_users_face(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    fused, exc = fuse(client(server, creds), {
        "RspImgType": "url", "ModelUrl": images.url(TEMPLATE),
        "MergeInfos": [{"Url": images.url(USER)}]})
    assert exc is None
    parts = urlsplit(str(fused))
    assert f"{parts.scheme}://{parts.netloc}" == server.base_url
    assert parts.path.startswith("/v1/results/") and parts.path.endswith(".jpg")
    expires = int(parse_qs(parts.query)["expires"][0])
    assert abs(expires - (time.time() + 86400)) < 600  # url valid 1 day
    resp = httpx.get(str(fused), timeout=30)
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/jpeg"
    img = decode_image(resp.content)
    assert img.shape == TEMPLATE_IMG.shape
    faces = detect_faces(img)
    assert len(faces) == 1 and faces[0].box.iou(TEMPLATE_FACE) > 0.5
    user = embedding(USER_IMG, detect_faces(USER_IMG)[0].box)
    before = embedding(TEMPLATE_IMG, TEMPLATE_FACE)
    after = embedding(img, faces[0].box)
    assert distance(after, user) < distance(after, before)  # it now reads as the user


def test_base64_result_keeps_the_template_outside_the_face(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    params = {"RspImgType": "base64", "ModelImage": b64(fixture_bytes(TEMPLATE)),
              "MergeInfos": [{"Image": b64(fixture_bytes(USER))}]}
    img = fused_b64(server, creds, params)
    assert img.shape == TEMPLATE_IMG.shape
    assert len(detect_faces(img)) == 1
    assert diff(face_patch(img), face_patch(TEMPLATE_IMG)) > 4.0
    assert diff(img[:40, :40], TEMPLATE_IMG[:40, :40]) < 3.0  # background corner untouched


def test_url_wins_over_base64_for_the_template(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    params = basic(images, ModelImage="aGVsbG8=")  # garbage base64 is ignored: URL wins
    assert fused_b64(server, creds, params).shape == TEMPLATE_IMG.shape


def test_logo_add_zero_leaves_no_mark_and_other_values_mean_one(
        server: ServerProcess, images: ImageServer) -> None:
    corner = np.s_[-32:-4, -150:-4]
    results = {}
    for value in (0, 1, 7):
        creds = server.create_tenant(unique("logo"))
        results[value] = fused_b64(server, creds, basic(images, LogoAdd=value))[corner]
    assert diff(results[1], results[0]) > 4.0  # the text mark is there only with LogoAdd=1
    assert diff(results[7], results[1]) < 1.0  # 7 is treated as 1


def test_logo_image_goes_into_the_logo_rect(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    red = np.zeros((80, 80, 3), np.uint8)
    red[..., 0] = 255
    params = basic(images, LogoParam={"LogoImage": b64(png(red)),
                                      "LogoRect": {"X": 10, "Y": 20, "Width": 40,
                                                   "Height": 40}})
    img = fused_b64(server, creds, params)
    inside = img[28:52, 18:42].reshape(-1, 3).mean(axis=0)
    assert inside[0] > 200 and inside[1] < 60 and inside[2] < 60


def test_get_request_with_query_parameters(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    params = basic(images, FusionUltraParam={"WarpRadio": 0.5, "TeethEnhanceRadio": 0},
                   MergeInfos=[{"Url": images.url(USER),
                                "TemplateFaceRect": {"X": int(TEMPLATE_FACE.x),
                                                     "Y": int(TEMPLATE_FACE.y),
                                                     "Width": int(TEMPLATE_FACE.w),
                                                     "Height": int(TEMPLATE_FACE.h)}}])
    img = fused_b64(server, creds, params, method="GET")
    assert img.shape == TEMPLATE_IMG.shape and len(detect_faces(img)) == 1


@pytest.mark.parametrize(("sign", "method"), [("HmacSHA256", "POST"), ("HmacSHA1", "POST"),
                                              ("HmacSHA256", "GET")])
def test_legacy_v1_signed_form_post_and_get(server: ServerProcess, images: ImageServer,
                                            creds: dict[str, str], sign: str,
                                            method: str) -> None:
    img = fused_b64(server, creds, basic(images, SwapModelType=2), sign=sign, method=method)
    assert img.shape == TEMPLATE_IMG.shape and len(detect_faces(img)) == 1


def test_asyncio_client_posts_to_slash_question_mark(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    hp = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{server.port}", reqTimeout=120)
    cli = facefusion_client_async.FacefusionClient(
        credential.Credential(creds["tencent_secret_id"], creds["tencent_secret_key"]), REGION,
        ClientProfile(httpProfile=hp))
    req = models.FuseFaceUltraRequest()
    req.from_json_string(json.dumps(basic(images)))
    resp = asyncio.run(cli.FuseFaceUltra(req))
    assert decode_image(base64.b64decode(resp.FusedImage)).shape == TEMPLATE_IMG.shape
    assert str(uuid.UUID(resp.RequestId)) == resp.RequestId


# --- errors -----------------------------------------------------------------------------------

def test_seed_failure_example_warp_radio_1_2(server: ServerProcess, images: ImageServer,
                                             creds: dict[str, str]) -> None:
    _fused, exc = fuse(client(server, creds), {
        "ModelUrl": images.url(TEMPLATE), "RspImgType": "base64",
        "MergeInfos": [{"Url": images.url(USER)}], "FusionUltraParam": {"WarpRadio": 1.2}})
    assert exc is not None and exc.code == "FailedOperation.ParameterValueError"
    assert "FusionParam值不合法" in exc.message and "WarpRadio" in exc.message
    assert str(uuid.UUID(exc.requestId)) == exc.requestId


def test_wrong_secret_key(server: ServerProcess, images: ImageServer,
                          creds: dict[str, str]) -> None:
    cli = client(server, creds, secret_key="x" * 32)
    assert error_code(cli, basic(images)) == "AuthFailure.SignatureFailure"


def test_old_timestamp(server: ServerProcess, images: ImageServer, creds: dict[str, str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    from tencentcloud.common import abstract_client

    real = time.time
    monkeypatch.setattr(abstract_client, "time",
                        SimpleNamespace(time=lambda: real() - 3600, sleep=time.sleep))
    assert error_code(client(server, creds), basic(images)) == "AuthFailure.SignatureExpire"


def test_unknown_secret_id(server: ServerProcess, images: ImageServer) -> None:
    fake = {"tencent_secret_id": "AKID" + "0" * 32, "tencent_secret_key": "y" * 32}
    assert error_code(client(server, fake), basic(images)) == "AuthFailure.SecretIdNotFound"


def test_third_call_within_one_second_is_rate_limited(
        server: ServerProcess, images: ImageServer) -> None:
    bad = basic(images, FusionUltraParam={"WarpRadio": 1.2})  # answered at once, still counted
    for _ in range(3):  # a fresh tenant per try; a try slower than 0.4 s proves nothing
        cli = client(server, server.create_tenant(unique("rate")))
        start = time.monotonic()
        codes = [error_code(cli, bad) for _ in range(3)]
        if time.monotonic() - start < 0.4:
            break
    assert codes == ["FailedOperation.ParameterValueError"] * 2 + ["RequestLimitExceeded"]
    time.sleep(1.1)  # the bucket refills at 2 per second
    assert error_code(cli, bad) == "FailedOperation.ParameterValueError"


def test_keys_from_the_cli_work_and_revoke_takes_effect_at_once(
        server: ServerProcess, images: ImageServer) -> None:
    tenant = unique("cli")
    cmd = [sys.executable, "-m", "portrait_studio.cli.main", "keys"]
    out = subprocess.run([*cmd, "create", "--tenant", tenant, "--data-dir",
                          str(server.data_dir), "--json"], capture_output=True, text=True,
                         check=True, cwd=REPO)
    creds = json.loads(out.stdout)
    bad = basic(images, FusionUltraParam={"WarpRadio": 1.2})
    assert error_code(client(server, creds), bad) == "FailedOperation.ParameterValueError"
    subprocess.run([*cmd, "revoke", "--tenant", tenant, "--data-dir", str(server.data_dir)],
                   capture_output=True, check=True, cwd=REPO)
    assert error_code(client(server, creds), bad) == "AuthFailure.SecretIdNotFound"
    assert creds["tencent_secret_key"] not in server.log_text()


def _tiny_face_template() -> bytes:
    small = np.asarray(Image.fromarray(TEMPLATE_IMG).resize((67, 82), Image.Resampling.LANCZOS))
    canvas = np.full((400, 400, 3), 200, np.uint8)
    canvas[100:182, 100:167] = small
    return png(canvas)


def _gif() -> bytes:
    out = io.BytesIO()
    Image.fromarray(TEMPLATE_IMG).save(out, "GIF")
    return out.getvalue()


FACE = {"X": 0, "Y": 0, "Width": 40, "Height": 40}
ERROR_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "NoFaceDetected": ({"ModelUrl": "FACELESS"}, "FailedOperation.NoFaceDetected"),
    "FaceSizeTooSmall": ({"ModelImage": b64(_tiny_face_template())},
                         "FailedOperation.FaceSizeTooSmall"),
    "ImageDecodeFailed": ({"ModelImage": "aGVsbG8="}, "FailedOperation.ImageDecodeFailed"),
    "GifIsNotSupported": ({"ModelImage": b64(_gif())}, "FailedOperation.ImageDecodeFailed"),
    "ImageDownloadError": ({"ModelUrl": "MISSING"}, "FailedOperation.ImageDownloadError"),
    "ImageResolutionTooSmall": ({"ModelImage": b64(png(np.zeros((60, 60, 3), np.uint8)))},
                                "FailedOperation.ImageResolutionTooSmall"),
    "ImageSizeInvalid": ({"ModelImage": b64(png(np.zeros((70, 8100, 3), np.uint8)))},
                         "FailedOperation.ImageSizeInvalid"),
    "ImageSizeExceed": ({"ModelImage": "A" * (10 * 1024 * 1024 + 4)},
                        "FailedOperation.ImageSizeExceed"),
    "InputFaceRectTooSmall": (
        {"MergeInfos": [{"Url": "USER", "InputImageFaceRect": {**FACE, "Width": 10}}]},
        "InvalidParameterValue.FaceRectParameterValueError"),
    "TemplateFaceRectOnNoFace": (
        {"MergeInfos": [{"Url": "USER", "TemplateFaceRect": FACE}]},
        "InvalidParameterValue.FaceRectParameterValueError"),
    "TemplateFaceID": ({"MergeInfos": [{"Url": "USER", "TemplateFaceID": "face-1"}]},
                       "FailedOperation.TemplateFaceIDNotExist"),
    "NoTemplate": ({"ModelUrl": None}, "MissingParameter"),
    "NoMergeInfos": ({"MergeInfos": []}, "FailedOperation.ParameterValueError"),
    "SevenMergeInfos": ({"MergeInfos": [{"Url": "USER"}] * 7},
                        "FailedOperation.ParameterValueError"),
    "SwapModelType9": ({"SwapModelType": 9}, "FailedOperation.ParameterValueError"),
    "RspImgTypeJpg": ({"RspImgType": "jpg"}, "FailedOperation.ParameterValueError"),
    "TeethHalf": ({"FusionUltraParam": {"TeethEnhanceRadio": 0.5}},
                  "FailedOperation.ParameterValueError"),
    "LogoRectTooWide": ({"LogoParam": {"LogoRect": {**FACE, "Width": 3000}}},
                        "FailedOperation.ParameterValueError"),
    "FtpUrl": ({"ModelUrl": "ftp://127.0.0.1/template.jpg"}, "InvalidParameterValue.UrlIllegal"),
}


def _resolve(value: object, images: ImageServer) -> object:
    names = {"FACELESS": images.url(FACELESS), "MISSING": images.url("missing.jpg"),
             "USER": images.url(USER)}
    return substitute(value, lambda text: names.get(text, text))


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_api_error_codes(server: ServerProcess, images: ImageServer, creds: dict[str, str],
                         case: str) -> None:
    overrides, expected = ERROR_CASES[case]
    params = {**basic(images), **_resolve(overrides, images)}  # type: ignore[dict-item]
    if "ModelImage" in overrides:
        params.pop("ModelUrl")  # the URL would win
    params = {k: v for k, v in params.items() if v is not None}
    assert error_code(client(server, creds), params) == expected


# --- SSRF -------------------------------------------------------------------------------------

def _ssrf_urls(images: ImageServer) -> dict[str, str]:
    return {
        "loopback_127_0_0_2": f"http://127.0.0.2:{images.port}/{TEMPLATE}",
        "private_10": "http://10.0.0.1/template.jpg",
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "ipv6_loopback": f"http://[::1]:{images.port}/{TEMPLATE}",
        "redirect_to_private": images.redirect("to-metadata",
                                               "http://169.254.169.254/latest/meta-data/"),
    }


@pytest.mark.parametrize("case", ["loopback_127_0_0_2", "private_10", "metadata",
                                  "ipv6_loopback", "redirect_to_private"])
def test_ssrf_model_url_is_refused(server: ServerProcess, images: ImageServer,
                                   creds: dict[str, str], case: str) -> None:
    url = _ssrf_urls(images)[case]
    _fused, exc = fuse(client(server, creds), basic(images, ModelUrl=url))
    assert exc is not None and exc.code == "InvalidParameterValue.UrlIllegal"
    assert "ModelUrl" in exc.message


def test_ssrf_user_image_url_is_refused_too(server: ServerProcess, images: ImageServer,
                                            creds: dict[str, str]) -> None:
    params = basic(images, MergeInfos=[{"Url": "http://10.1.2.3/me.jpg"}])
    _fused, exc = fuse(client(server, creds), params)
    assert exc is not None and exc.code == "InvalidParameterValue.UrlIllegal"
    assert "MergeInfos.0.Url" in exc.message
