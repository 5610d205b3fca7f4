"""The official Volcengine SDK (``volcengine`` VisualService) against a real server: restyle.

``VisualService`` is a process-wide singleton: each test sets host, scheme and its own tenant's
keys. Non-200 answers make the SDK raise ``Exception(b'<body>')``; :func:`error_of` recovers the
JSON from it the way client code in the wild does.
"""

from __future__ import annotations

import ast
import base64
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from volcengine.visual.VisualService import VisualService

from portrait_studio.imaging.codec import decode_image, encode_png
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.identity import distance, embedding
from tests.e2e.serverkit import ImageServer, ServerProcess, fixture_bytes, start_server, unique

REQ_KEY = "img2img_anime_accelerated_maintain_id"
KIM, MONDRIAN = "andy_kim__house_official_1.jpg", "mondrian_composition__adain.jpg"
KIM_REF = "andy_kim__bioguide_earlier_2.jpg"


def visual(server: ServerProcess, creds: dict[str, str], secret: str | None = None
           ) -> VisualService:
    vs = VisualService()
    vs.set_host(f"127.0.0.1:{server.port}")
    vs.set_scheme("http")
    vs.set_ak(creds["volc_access_key"])
    vs.set_sk(secret or creds["volc_secret_key"])
    return vs


@pytest.fixture()
def vs(server: ServerProcess, creds: dict[str, str]) -> VisualService:
    return visual(server, creds)


def b64(name: str) -> str:
    return base64.b64encode(fixture_bytes(name)).decode()


def body(**extra: Any) -> dict[str, Any]:
    return {"req_key": REQ_KEY, "binary_data_base64": [b64(KIM), b64(MONDRIAN)],
            "face_image": "uri://binary_data?index=0", "style_image": "uri://binary_data?index=1",
            "face_switch": True, "style_switch": True, "seed": 7, "width": 800, "height": 1000,
            **extra}


def error_of(exc: BaseException) -> dict[str, Any]:
    """The JSON body inside the SDK's ``Exception(b'...')``."""
    raw = ast.literal_eval(str(exc))
    assert isinstance(raw, bytes), str(exc)
    data = json.loads(raw)
    assert isinstance(data, dict)
    return data


def submit_error(vs: VisualService, form: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(Exception) as info:
        vs.cv_sync2async_submit_task(form)
    return error_of(info.value)


def result(vs: VisualService, task_id: str, req_json: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    form: dict[str, Any] = {"req_key": REQ_KEY, "task_id": task_id}
    if req_json is not None:
        form["req_json"] = json.dumps(req_json)
    answer = vs.cv_sync2async_get_result(form)
    assert isinstance(answer, dict)
    return answer


def poll(vs: VisualService, task_id: str, timeout: float = 120.0) -> tuple[dict[str, Any],
                                                                           list[str]]:
    seen: list[str] = []
    end = time.monotonic() + timeout
    while True:
        answer = result(vs, task_id)
        status = answer["data"]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in ("done", "not_found") or time.monotonic() > end:
            return answer, seen
        time.sleep(0.15)


def image_of(answer: dict[str, Any]) -> np.ndarray:
    return decode_image(base64.b64decode(answer["data"]["binary_data_base64"][0]))


# --- happy paths ------------------------------------------------------------------------------

def test_base64_submit_polls_to_done_with_identity_and_size(vs: VisualService) -> None:
    submitted = vs.cv_sync2async_submit_task(body())
    assert (submitted["code"], submitted["status"], submitted["message"]) == (10000, 10000,
                                                                              "Success")
    task_id = submitted["data"]["task_id"]
    assert task_id.isdigit() and len(task_id) == 19
    assert len(submitted["request_id"]) == 34 and submitted["time_elapsed"].endswith("s")
    answer, seen = poll(vs, task_id)
    assert seen[-1] == "done" and set(seen) <= {"in_queue", "generating", "done"}
    assert answer["code"] == 10000 and answer["data"]["image_urls"] is None
    assert answer["data"]["algorithm_base_resp"] == {"status_code": 0,
                                                     "status_message": "Success"}
    out = image_of(answer)
    assert out.shape == (1000, 800, 3)
    ref = decode_image(fixture_bytes(KIM_REF))
    face = embedding(out, detect_faces(out)[0].box)
    assert distance(face, embedding(ref, detect_faces(ref)[0].box)) < 0.55


def test_urls_return_url_and_the_mark_options(vs: VisualService, images: ImageServer) -> None:
    form = body(image_urls=[images.url(KIM), images.url(MONDRIAN)], seed=11)
    form.pop("binary_data_base64")
    task_id = vs.cv_sync2async_submit_task(form)["data"]["task_id"]
    plain = image_of(poll(vs, task_id)[0])
    marked = result(vs, task_id, {"logo_info": {"add_logo": True, "position": 2,
                                                "language": 1, "opacity": 1.0},
                                  "return_url": True})
    assert marked["data"]["binary_data_base64"] == []
    url = marked["data"]["image_urls"][0]
    resp = httpx.get(url, timeout=30)
    assert resp.status_code == 200
    with_mark = decode_image(resp.content)
    diff = np.abs(with_mark.astype(np.int16) - plain).max(axis=2) > 40
    rows, cols = np.nonzero(diff)
    assert len(rows) > 100 and rows.max() < 150 and cols.max() < 400  # top-left text only
    forged = url.replace("vlogo2", "vlogo0")
    assert httpx.get(forged, timeout=30).status_code == 403


def test_same_seed_same_bytes(vs: VisualService) -> None:
    first = vs.cv_sync2async_submit_task(body(seed=5, width=600, height=600))["data"]["task_id"]
    second = vs.cv_sync2async_submit_task(body(seed=5, width=600, height=600))["data"]["task_id"]
    a, b = (poll(vs, t)[0]["data"]["binary_data_base64"][0] for t in (first, second))
    assert a == b


# --- errors -----------------------------------------------------------------------------------

BAD = {
    "style_switch_without_style_image": ({"style_image": None}, "style_image"),
    "switches_without_face_image": ({"face_image": None, "style_switch": False},
                                    "face_image"),
    "width_too_large": ({"width": 2000}, "width"),
    "both_image_sources": ({"image_urls": ["http://127.0.0.1/a.jpg"]}, "binary_data_base64"),
    "index_out_of_range": ({"style_image": "uri://binary_data?index=5"}, "style_image"),
    "bad_uri": ({"face_image": "binary_data[0]"}, "face_image"),
    "not_base64": ({"binary_data_base64": ["@@@", b64(MONDRIAN)]}, "binary_data_base64[0]"),
    "wrong_req_key": ({"req_key": "high_aes"}, "req_key"),
    "cfg_as_text": ({"cfg": "4.5"}, "cfg"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_requests_are_50215_naming_the_field(vs: VisualService, case: str) -> None:
    change, field = BAD[case]
    form = {k: v for k, v in {**body(), **change}.items() if v is not None}
    error = submit_error(vs, form)
    assert (error["code"], error["status"], error["data"]) == (50215, 50215, None)
    assert error["message"].startswith("Input invalid for this service.") and field in \
        error["message"]


def test_blocklisted_prompt_is_50412(vs: VisualService) -> None:
    error = submit_error(vs, body(positive_prompt="portrait, nude"))
    assert (error["code"], error["message"].split(" ")[:4]) == (
        50412, ["Text", "Risk", "Not", "Pass"])


def test_face_image_without_a_face_fails_the_task(vs: VisualService) -> None:
    form = body(face_image="uri://binary_data?index=1", style_image="uri://binary_data?index=0",
                style_switch=False)
    task_id = vs.cv_sync2async_submit_task(form)["data"]["task_id"]
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = result(vs, task_id)
        except Exception as exc:  # noqa: BLE001 - the SDK raises plain Exception
            error = error_of(exc)
            break
        assert answer["data"]["status"] in ("in_queue", "generating")
        assert time.monotonic() < deadline
        time.sleep(0.15)
    assert (error["code"], error["data"]) == (50215, None) and "face" in error["message"]


def test_unknown_task_is_not_found(vs: VisualService) -> None:
    answer = result(vs, "7392616336519610409")
    assert (answer["code"], answer["data"]) == (10000, {"status": "not_found"})


def test_bad_req_json_is_50215(vs: VisualService) -> None:
    with pytest.raises(Exception) as info:
        vs.cv_sync2async_get_result({"req_key": REQ_KEY, "task_id": "1", "req_json": "{oops"})
    assert error_of(info.value)["code"] == 50215


def test_wrong_secret_and_unknown_key(server: ServerProcess, creds: dict[str, str]) -> None:
    with pytest.raises(Exception) as info:
        visual(server, creds, secret="not-the-secret").cv_sync2async_submit_task(body())
    meta = error_of(info.value)["ResponseMetadata"]
    assert meta["Error"]["Code"] == "SignatureDoesNotMatch" and meta["Error"]["CodeN"] == 100010
    assert (meta["Service"], meta["Region"]) == ("cv", "cn-north-1")
    with pytest.raises(Exception) as unknown:
        visual(server, {**creds, "volc_access_key": "AKLTnobody"}).cv_sync2async_submit_task(
            body())
    assert error_of(unknown.value)["ResponseMetadata"]["Error"]["Code"] == "InvalidAccessKey"


# --- limits and moderation (private server) ---------------------------------------------------

@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """1 worker, 1 queued job per tenant, 3 submits/s, a moderation hook."""
    root: Path = tmp_path_factory.mktemp("volc-strict")
    srv = start_server(root, workers=1, PORTRAIT_MAX_QUEUED_PER_TENANT="1",
                       PORTRAIT_RATE_LIMIT_OVERRIDES="CVSync2AsyncSubmitTask=3",
                       PORTRAIT_MODERATION_HOOK="tests.sdk.volc_hooks:flag_red")
    yield srv
    srv.stop()


def _submit_code(vs: VisualService, form: dict[str, Any]) -> tuple[int, str]:
    try:
        answer = vs.cv_sync2async_submit_task(form)
        return answer["code"], answer["data"]["task_id"]
    except Exception as exc:  # noqa: BLE001 - the SDK raises plain Exception on non-200
        error = error_of(exc)
        return error["code"], error["message"]


def test_rate_and_concurrency_limits(strict_server: ServerProcess) -> None:
    vs = visual(strict_server, strict_server.create_tenant(unique("volc-limits")))
    form = body(width=1500, height=1500)
    running = vs.cv_sync2async_submit_task(form)["data"]["task_id"]
    while result(vs, running)["data"]["status"] == "in_queue":
        time.sleep(0.05)
    answers = [_submit_code(vs, form) for _ in range(2)]
    assert [code for code, _ in answers] == [10000, 50430], answers  # running + queued = full
    # the 3/s bucket is drained by submits sent at once (one after another, a loaded machine
    # answers each slower than a token comes back). One client for all threads: VisualService
    # is a process-wide singleton, and configuring it again in a thread would reset its host
    # under the others.
    with ThreadPoolExecutor(6) as pool:
        answers += pool.map(lambda _: _submit_code(vs, form), range(6))
    codes = [code for code, _ in answers]
    assert 50429 in codes and set(codes[1:]) <= {50429, 50430}, answers
    messages = {code: text for code, text in answers}
    assert messages[50430] == "Request Has Reached API Concurrent Limit, Please Try Later"
    assert messages[50429] == "Request Has Reached API Limit, Please Try Later"
    assert [poll(vs, t)[0]["data"]["status"] for t in (running, answers[0][1])] == ["done",
                                                                                    "done"]


def test_moderation_hook_refuses_flagged_images(strict_server: ServerProcess) -> None:
    vs = visual(strict_server, strict_server.create_tenant(unique("volc-mod")))
    red = np.zeros((300, 300, 3), np.uint8)
    red[..., 0] = 255
    form = body(binary_data_base64=[b64(KIM), base64.b64encode(encode_png(red)).decode()])
    error = submit_error(vs, form)
    assert error["code"] == 50411 and error["message"].startswith("Pre Img Risk Not Pass")


def _signed_post(server: ServerProcess, creds: dict[str, str], query: str, body: bytes,
                 x_date: str | None = None) -> httpx.Response:
    """A request signed with our own SignerV4 functions (for what the SDK cannot send)."""
    from portrait_studio.server.dialects.volc import signature as sig

    stamp = x_date or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    headers = {"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json",
               "X-Date": stamp, "X-Content-Sha256": sig.sha256_hex(body)}
    signed = ("content-type", "host", "x-content-sha256", "x-date")
    req = sig.VolcRequest("POST", query, headers, body)
    to_sign = sig.string_to_sign(stamp, stamp[:8], "cn-north-1", "cv",
                                 sig.canonical_request(req, signed))
    signature = sig.signature(creds["volc_secret_key"], stamp[:8], "cn-north-1", "cv", to_sign)
    headers["Authorization"] = (f"HMAC-SHA256 Credential={creds['volc_access_key']}/"
                                f"{stamp[:8]}/cn-north-1/cv/request, SignedHeaders="
                                f"{';'.join(signed)}, Signature={signature}")
    return httpx.post(f"{server.base_url}/?{query}", content=body, headers=headers, timeout=30)


@pytest.mark.parametrize("query, x_date, status, code", [
    ("Version=2022-08-31", None, 400, "MissingParameter"),
    ("Action=CVSync2AsyncSubmitTask", None, 400, "MissingParameter"),
    ("Action=CVProcess&Version=2022-08-31", None, 404, "InvalidActionOrVersion"),
    ("Action=CVSync2AsyncSubmitTask&Version=2020-01-01", None, 404, "InvalidActionOrVersion"),
    ("Action=CVSync2AsyncSubmitTask&Version=2022-08-31", "20200101T000000Z", 400,
     "InvalidTimestamp"),
])
def test_gateway_errors(server: ServerProcess, creds: dict[str, str], query: str,
                        x_date: str | None, status: int, code: str) -> None:
    resp = _signed_post(server, creds, query, b'{"req_key": "x"}', x_date)
    meta = resp.json()["ResponseMetadata"]
    assert (resp.status_code, meta["Error"]["Code"]) == (status, code), resp.text
    assert resp.headers["content-type"] == "application/json" and meta["RequestId"]
