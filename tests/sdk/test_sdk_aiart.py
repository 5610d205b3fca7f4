"""The official Tencent aiart SDK (SubmitGlamPicJob / QueryGlamPicJob) against a real server.

Every call goes over loopback to ``portrait-studio serve``; URL fields point at the local image
server on 127.0.0.1. Identity is checked with dlib distances to each person's *other* photo.
"""

from __future__ import annotations

import base64
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np
import pytest
from PIL import Image

from portrait_studio.imaging.codec import decode_image, encode_jpeg, encode_png
from portrait_studio.perception.faces import Box, Face, detect_faces
from portrait_studio.perception.identity import distance, embedding
from tests.e2e.serverkit import ImageServer, ServerProcess, fixture_bytes, start_server, unique
from tests.sdk.aiartkit import client, download, poll, query, submit, submit_error
from tests.sdk.sdkkit import substitute

KIM, AOC = "andy_kim__house_official_1.jpg", "alexandria_ocasio_cortez__house_official_1.jpg"
TWO = "obama_biden__two_people_2faces.jpg"
FACELESS = "mondrian_composition__adain.jpg"
JOB_ID = re.compile(r"^\d{10}-\d{10}-[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-"
                    r"[0-9a-f]{12}-0$")


def img(name: str) -> np.ndarray:
    return decode_image(fixture_bytes(name))


def ref(name: str) -> str:
    return name.replace("house_official_1", "bioguide_earlier_2")


def emb(image: np.ndarray, face: Face | None = None) -> np.ndarray:
    return embedding(image, (face or detect_faces(image)[0]).box)


def face_near(image: np.ndarray, box: Box) -> Face:
    return max(detect_faces(image), key=lambda f: f.box.intersection(box))


def wire_rect(box: Box) -> dict[str, int]:
    x, y, w, h = box.as_ints()
    return {"X": x, "Y": y, "Width": w, "Height": h}


def served(images: ImageServer, name: str, data: bytes) -> str:
    return images.add(f"aiart-{name}", data)


def single(images: ImageServer, **extra: Any) -> dict[str, Any]:
    """One user (Kim, one photo) into the AOC template, one output, no mark."""
    return {"TemplateUrl": images.url(AOC), "FaceInfos": [{"ImageUrls": [images.url(KIM)]}],
            "Num": 1, "LogoAdd": 0, **extra}


# --- results ----------------------------------------------------------------------------------

def test_single_user_with_several_photos(server: ServerProcess, images: ImageServer,
                                         creds: dict[str, str]) -> None:
    blurred = encode_jpeg(cv2.GaussianBlur(img(KIM), (0, 0), 3.0))
    urls = [served(images, "kim-blurred.jpg", blurred), images.url(KIM), images.url(ref(KIM))]
    cli = client(server, creds)
    job_id = submit(cli, {"TemplateUrl": images.url(AOC), "FaceInfos": [{"ImageUrls": urls}],
                          "Num": 2, "Style": ["real", "beautiful"], "Similarity": 0.8,
                          "LogoAdd": 0})
    assert JOB_ID.match(job_id), job_id
    polled = poll(cli, job_id)
    last = polled.last
    assert (last.JobStatusCode, last.JobStatusMsg) == ("5", "处理完成"), last
    assert (last.JobErrorCode, last.JobErrorMsg) == ("", "")
    assert polled.distinct()[-1] == "5" and set(polled.codes) <= {"1", "2", "5"}
    assert last.ResultDetails == ["Success", "Success"] and len(last.ResultImage) == 2
    outputs = [download(url) for url in last.ResultImage]
    user, template = emb(img(ref(KIM))), emb(img(ref(AOC)))
    for out in outputs:
        assert out.shape == img(AOC).shape
        face = emb(out)
        assert distance(face, user) < 0.55 and distance(face, user) + 0.1 < distance(face,
                                                                                    template)
    assert np.abs(outputs[0].astype(np.int16) - outputs[1]).mean() > 1.0  # real != beautiful
    expires = int(parse_qs(urlsplit(last.ResultImage[0]).query)["expires"][0])
    assert 3300 < expires - time.time() <= 3601  # ResultImage URLs are valid 1 hour


@pytest.mark.parametrize("rects", [False, True])
def test_two_users_into_a_two_face_group_photo(server: ServerProcess, images: ImageServer,
                                               creds: dict[str, str], rects: bool) -> None:
    faces = detect_faces(img(TWO))  # largest first
    users = [{"ImageUrls": [images.url(KIM)]}, {"ImageUrls": [images.url(AOC)]}]
    targets = [faces[0].box, faces[1].box]
    if rects:  # swap the default order: Kim goes to the smaller face
        targets = [faces[1].box, faces[0].box]
        users = [{**u, "TemplateFaceRect": wire_rect(b)} for u, b in zip(users, targets)]
    cli = client(server, creds)
    polled = poll(cli, submit(cli, {"TemplateUrl": images.url(TWO), "FaceInfos": users,
                                    "Num": 1, "Style": ["textured"], "LogoAdd": 0}))
    assert polled.last.JobStatusCode == "5", polled.last
    out = download(polled.last.ResultImage[0])
    assert out.shape == img(TWO).shape
    refs = [emb(img(ref(KIM))), emb(img(ref(AOC)))]
    for mine, other, box in [(0, 1, targets[0]), (1, 0, targets[1])]:
        face = emb(out, face_near(out, box))
        assert distance(face, refs[mine]) < 0.6
        assert distance(face, refs[mine]) + 0.12 < distance(face, refs[other])


def test_clarity_x2_doubles_the_result(server: ServerProcess, images: ImageServer,
                                       creds: dict[str, str]) -> None:
    cli = client(server, creds)
    polled = poll(cli, submit(cli, single(images, Clarity="x2")))
    assert polled.last.JobStatusCode == "5", polled.last
    out = download(polled.last.ResultImage[0])
    h, w = img(AOC).shape[:2]
    assert out.shape == (2 * h, 2 * w, 3)
    assert distance(emb(out), emb(img(ref(KIM)))) < 0.55


def test_png_template_gives_png_with_the_logo_from_logo_url_in_its_rect(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    template = served(images, "aoc.png", encode_png(img(AOC)))
    red = np.zeros((20, 40, 3), np.uint8)
    red[..., 0] = 255
    logo = {"LogoUrl": served(images, "red-logo.png", encode_png(red)),
            "LogoRect": {"X": 10, "Y": 20, "Width": 40, "Height": 20}}
    cli = client(server, creds)
    polled = poll(cli, submit(cli, {"TemplateUrl": template, "Num": 1, "Style": ["real"],
                                    "FaceInfos": [{"ImageUrls": [images.url(KIM)]}],
                                    "LogoParam": logo}))
    url = polled.last.ResultImage[0]
    assert urlsplit(url).path.endswith(".png")
    out = download(url)
    assert (out[22:38, 12:48] == [255, 0, 0]).all()
    assert not (out[60:80, 12:48] == [255, 0, 0]).all(axis=2).any()


def test_jobs_of_one_tenant_run_one_at_a_time_through_every_status(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    cli = client(server, creds)
    first = submit(cli, single(images, Num=4, Clarity="x2"))
    time.sleep(1.05)  # SubmitGlamPicJob: 1 request/s per tenant
    second = submit(cli, single(images, Num=4))
    while (a := query(cli, first).JobStatusCode) != "2":
        assert a == "1"
        time.sleep(0.15)
    assert query(cli, second).JobStatusCode == "1"  # queued behind the running one
    polled = poll(cli, second)
    assert polled.distinct() == ["1", "2", "5"]
    assert query(cli, first).JobStatusCode == "5"  # it finished before the second started
    assert len(polled.last.ResultImage) == 4


def test_a_job_without_a_template_face_fails_with_code_4(
        server: ServerProcess, images: ImageServer, creds: dict[str, str]) -> None:
    cli = client(server, creds)
    last = poll(cli, submit(cli, single(images, TemplateUrl=images.url(FACELESS)))).last
    assert (last.JobStatusCode, last.JobStatusMsg) == ("4", "处理失败")
    assert last.JobErrorCode == "InvalidParameterValue.ParameterValueError"
    assert "TemplateUrl" in last.JobErrorMsg and last.ResultImage == []


def test_unknown_and_foreign_job_ids_do_not_exist(server: ServerProcess, images: ImageServer,
                                                 creds: dict[str, str]) -> None:
    cli = client(server, creds)
    job_id = submit(cli, single(images))
    other = client(server, server.create_tenant(unique("aiart-other")))
    for who, jid in [(cli, "1300000000-1739859949-31f02502-edc1-11ef-a849-525400c5aaa8-0"),
                     (other, job_id)]:
        with pytest.raises(Exception) as info:
            query(who, jid)
        assert getattr(info.value, "code", None) == "FailedOperation.JobNotExist"
    assert poll(cli, job_id).last.JobStatusCode == "5"


def test_get_requests_with_flattened_parameters(server: ServerProcess, images: ImageServer,
                                               creds: dict[str, str]) -> None:
    cli = client(server, creds, method="GET")
    rect = wire_rect(detect_faces(img(AOC))[0].box)
    job_id = submit(cli, single(images, Style=["balanced"], Similarity=0.9,
                                FaceInfos=[{"ImageUrls": [images.url(KIM)],
                                            "TemplateFaceRect": rect}]))
    assert poll(cli, job_id).last.ResultDetails == ["Success"]


# --- validation -------------------------------------------------------------------------------

def _gif() -> bytes:
    out = io.BytesIO()
    Image.fromarray(img(AOC)).save(out, "GIF")
    return out.getvalue()


def _noise_png(width: int, height: int) -> bytes:
    rng = np.random.default_rng(0)
    return encode_png(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


RECT = {"X": 0, "Y": 0, "Width": 40, "Height": 40}
USER_URL, TEMPLATE_URL = "URL:" + KIM, "URL:" + AOC
ERROR_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "Num0": ({"Num": 0}, "InvalidParameterValue.ParameterValueError"),
    "Num5": ({"Num": 5}, "InvalidParameterValue.ParameterValueError"),
    "StyleUnknown": ({"Style": ["anime"]}, "InvalidParameterValue.ParameterValueError"),
    "StyleCountNotNum": ({"Num": 2, "Style": ["real"]},
                         "InvalidParameterValue.ParameterValueError"),
    "Similarity1.5": ({"Similarity": 1.5}, "InvalidParameterValue.ParameterValueError"),
    "SimilarityNegative": ({"Similarity": -0.1}, "InvalidParameterValue.ParameterValueError"),
    "ClarityX3": ({"Clarity": "x3"}, "InvalidParameterValue.ParameterValueError"),
    "NoUsers": ({"FaceInfos": []}, "InvalidParameterValue.ParameterValueError"),
    "SixUsers": ({"FaceInfos": [{"ImageUrls": [USER_URL]}] * 6},
                 "InvalidParameterValue.ParameterValueError"),
    "SevenPhotos": ({"FaceInfos": [{"ImageUrls": [USER_URL] * 7}]},
                    "InvalidParameterValue.ParameterValueError"),
    "NoPhotos": ({"FaceInfos": [{"ImageUrls": []}]},
                 "InvalidParameterValue.ParameterValueError"),
    "NegativeFaceRect": ({"FaceInfos": [{"ImageUrls": [USER_URL],
                                         "TemplateFaceRect": {**RECT, "X": -1}}]},
                         "InvalidParameterValue.ParameterValueError"),
    "NoTemplate": ({"TemplateUrl": None}, "MissingParameter"),
    "NumNotANumber": ({"Num": "four"}, "InvalidParameter"),
    "LogoRectEmpty": ({"LogoAdd": 1, "LogoParam": {"LogoImage": "LOGO",
                                                   "LogoRect": {**RECT, "Width": 0}}},
                      "InvalidParameterValue.LogoParamErr"),
    "LogoImageNotAnImage": ({"LogoAdd": 1, "LogoParam": {"LogoImage": "aGVsbG8="}},
                            "InvalidParameterValue.LogoParamErr"),
    "EmptyTemplateUrl": ({"TemplateUrl": " "}, "InvalidParameterValue.ImageEmpty"),
    "TemplateIsText": ({"TemplateUrl": "URL:text.jpg"}, "FailedOperation.ImageDecodeFailed"),
    "TemplateIsGif": ({"TemplateUrl": "URL:aoc.gif"}, "FailedOperation.ImageDecodeFailed"),
    "UserPhotoMissing": ({"FaceInfos": [{"ImageUrls": [USER_URL, "URL:missing.jpg"]}]},
                         "FailedOperation.ImageDownloadError"),
    "TemplateTooSmall": ({"TemplateUrl": "URL:small.png"},
                         "FailedOperation.ImageResolutionExceed"),
    "ClarityX4TooLarge": ({"TemplateUrl": "URL:wide.png", "Clarity": "x4"},
                          "FailedOperation.ImageResolutionExceed"),
    "TemplateOver10MBBase64": ({"TemplateUrl": "URL:huge.png"},
                               "FailedOperation.ImageSizeExceed"),
    "PrivateUrl": ({"TemplateUrl": "http://10.0.0.1/t.jpg"}, "InvalidParameterValue.UrlIllegal"),
    "MetadataUserUrl": ({"FaceInfos": [{"ImageUrls": ["http://169.254.169.254/latest/"]}]},
                        "InvalidParameterValue.UrlIllegal"),
    "FtpUrl": ({"TemplateUrl": "ftp://127.0.0.1/t.jpg"}, "InvalidParameterValue.UrlIllegal"),
}


@pytest.fixture(scope="module")
def bad_images(images: ImageServer) -> Iterator[ImageServer]:
    images.add("text.jpg", b"hello, this is not a picture")
    images.add("aoc.gif", _gif())
    images.add("small.png", _noise_png(300, 400))
    images.add("wide.png", _noise_png(2100, 400))
    images.add("huge.png", _noise_png(1700, 1700))  # ~8.7 MB: base64 > 10 MB
    yield images


def _resolve(value: object, images: ImageServer) -> object:
    def replace(text: str) -> object:
        if text.startswith("URL:"):
            return images.url(text[4:])
        if text == "LOGO":
            return base64.b64encode(encode_png(np.full((20, 20, 3), 90, np.uint8))).decode()
        return text

    return substitute(value, replace)


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_submit_errors(server: ServerProcess, bad_images: ImageServer, creds: dict[str, str],
                       case: str) -> None:
    overrides, expected = ERROR_CASES[case]
    params = {**single(bad_images), **_resolve(overrides, bad_images)}  # type: ignore[dict-item]
    params = {k: v for k, v in params.items() if v is not None}
    exc = submit_error(client(server, creds), params)
    assert exc.code == expected, exc.message
    assert exc.message and exc.requestId


def test_huge_fixture_really_exceeds_10mb_of_base64(bad_images: ImageServer) -> None:
    data = bad_images.routes["/huge.png"][2]
    assert len(base64.b64encode(data)) > 10 * 1024 * 1024 > len(data)


# --- queue ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_queue_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A private server whose tenants may queue one job and submit 50 per second."""
    root: Path = tmp_path_factory.mktemp("aiart-queue")
    srv = start_server(root, workers=1, PORTRAIT_URL_ALLOWLIST="127.0.0.1",
                       PORTRAIT_MAX_QUEUED_PER_TENANT="1",
                       PORTRAIT_RATE_LIMIT_OVERRIDES="SubmitGlamPicJob=50")
    yield srv
    srv.stop()


def test_a_full_queue_answers_job_num_exceed(small_queue_server: ServerProcess,
                                             images: ImageServer) -> None:
    srv = small_queue_server
    cli = client(srv, srv.create_tenant(unique("aiart-queue")))
    running = submit(cli, single(images, Num=4, Clarity="x2"))
    while query(cli, running).JobStatusCode == "1":
        time.sleep(0.1)
    queued = submit(cli, single(images))
    exc = submit_error(cli, single(images))
    assert exc.code == "RequestLimitExceeded.JobNumExceed", exc.message
    assert [poll(cli, j).last.JobStatusCode for j in (running, queued)] == ["5", "5"]
