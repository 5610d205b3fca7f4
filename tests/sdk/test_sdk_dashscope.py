"""The official DashScope SDK (``BaseAsyncApi``) against a real server: wanx-style-repaint-v1.

Every call goes over loopback; ``dashscope.base_http_api_url`` points at the server (read at call
time by the SDK) and each test has its own tenant, hence its own API key, rate and running slot.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import cv2
import dashscope
import httpx
import numpy as np
import pytest
from dashscope.client.base_api import BaseAsyncApi

from portrait_studio.imaging.codec import decode_image, encode_png
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.identity import distance, embedding
from portrait_studio.pipelines.repaint import STYLES, output_geometry
from tests.e2e.serverkit import ImageServer, ServerProcess, fixture_bytes

MODEL = "wanx-style-repaint-v1"
KIM = "andy_kim__house_official_1.jpg"
MONDRIAN = "mondrian_composition__adain.jpg"
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$")
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")


@pytest.fixture()
def key(server: ServerProcess, creds: dict[str, str]) -> Iterator[str]:
    """This test tenant's DashScope key, with the SDK pointed at the server."""
    saved = dashscope.base_http_api_url
    dashscope.base_http_api_url = f"{server.base_url}/api/v1"
    yield creds["dashscope_api_key"]
    dashscope.base_http_api_url = saved


def submit(key: str, **fields: Any) -> Any:
    return BaseAsyncApi.async_call(model=MODEL, input=fields, task_group="aigc",
                                   task="image-generation", function="generation",
                                   api_key=key)


def poll(key: str, task: Any, timeout: float = 120.0) -> tuple[Any, list[str]]:
    """The final fetch answer and every task_status seen on the way (repeats collapsed)."""
    seen: list[str] = []
    end = time.monotonic() + timeout
    while True:
        rsp = BaseAsyncApi.fetch(task, api_key=key)
        assert rsp.status_code == 200, rsp
        status = rsp.output["task_status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in TERMINAL or time.monotonic() > end:
            return rsp, seen
        time.sleep(0.1)


def download(url: str) -> np.ndarray:
    resp = httpx.get(url, timeout=30)
    assert resp.status_code == 200
    return decode_image(resp.content)


def big_portrait(images: ImageServer) -> str:
    """A 3200x3918 PNG portrait: a task slow enough (decode, downscale, anime style) that a
    second task of the same key is still PENDING while it runs."""
    big = cv2.resize(decode_image(fixture_bytes(KIM)), (3200, 3918),
                     interpolation=cv2.INTER_CUBIC)
    return images.add("ds-big-kim.png", encode_png(big))


def emb(image: np.ndarray) -> np.ndarray:
    return embedding(image, detect_faces(image)[0].box)


# --- styles -----------------------------------------------------------------------------------

@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_succeeds_at_the_vendor_size_and_keeps_the_face(
        server: ServerProcess, images: ImageServer, key: str, style: int) -> None:
    task = submit(key, image_url=images.url(KIM), style_index=style)
    assert task.status_code == 200 and task.output["task_status"] == "PENDING"
    uuid.UUID(task.output["task_id"])
    rsp, _seen = poll(key, task)
    out = rsp.output
    assert out["task_status"] == "SUCCEEDED", rsp
    assert out["style_index"] == style and out["error_code"] == 0
    assert out["results"][0]["url"] == out["result_url"] and rsp.usage == {"image_count": 1}
    assert all(STAMP.match(out[k]) for k in ("submit_time", "scheduled_time", "end_time"))
    image = download(out["result_url"])
    source = decode_image(fixture_bytes(KIM))
    (_, _, _, _), (width, height) = output_geometry(source.shape[1], source.shape[0])
    assert image.shape == (height, width, 3) and min(width, height) == 1536
    assert distance(emb(image), emb(source)) < 0.6


def test_custom_style_takes_the_reference_palette(
        server: ServerProcess, images: ImageServer, key: str) -> None:
    task = submit(key, image_url=images.url(KIM), style_index=-1,
                  style_ref_url=images.url(MONDRIAN))
    rsp, _ = poll(key, task)
    assert rsp.output["task_status"] == "SUCCEEDED", rsp
    out = download(rsp.output["result_url"])
    lab = [cv2.cvtColor(i, cv2.COLOR_RGB2Lab).reshape(-1, 3).mean(axis=0)
           for i in (out, decode_image(fixture_bytes(KIM)), decode_image(fixture_bytes(MONDRIAN)))]
    assert np.linalg.norm(lab[0] - lab[2]) < np.linalg.norm(lab[1] - lab[2])


def test_wait_polls_to_the_end_through_pending_and_running(
        server: ServerProcess, images: ImageServer, key: str) -> None:
    first = submit(key, image_url=big_portrait(images), style_index=2)
    second = submit(key, image_url=images.url(KIM), style_index=0)  # burst of 2 is allowed
    assert BaseAsyncApi.fetch(second, api_key=key).output["task_status"] == "PENDING"
    _, seen = poll(key, second)
    assert seen == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert BaseAsyncApi.wait(first, api_key=key).output["task_status"] == "SUCCEEDED"


# --- failures ---------------------------------------------------------------------------------

def _solid_png(width: int, height: int) -> bytes:
    return encode_png(np.full((height, width, 3), 120, np.uint8))


FAILED_TASKS = {
    "missing_file": ("missing.jpg", "InvalidURL"),
    "not_an_image": ("ds-text.jpg", "InvalidURL"),
    "too_small": ("ds-small.png", "InvalidImageResolution"),
    "too_large": ("ds-large.png", "InvalidImageResolution"),
    "private_address": ("http://10.0.0.1/a.jpg", "InvalidURL"),
}


@pytest.mark.parametrize("case", sorted(FAILED_TASKS))
def test_bad_images_fail_the_task(server: ServerProcess, images: ImageServer, key: str,
                                  case: str) -> None:
    images.add("ds-text.jpg", b"<html>not an image</html>")
    images.add("ds-small.png", _solid_png(255, 400))
    images.add("ds-large.png", _solid_png(5800, 3000))
    name, code = FAILED_TASKS[case]
    url = name if name.startswith("http") else images.url(name)
    task = submit(key, image_url=url, style_index=1)
    assert task.status_code == 200
    rsp, _ = poll(key, task)
    assert rsp.status_code == 200 and rsp.output["task_status"] == "FAILED"
    assert rsp.output["code"] == code and rsp.output["message"]
    assert rsp.usage == {"image_count": 0}


BAD_BODIES = {
    "style_10": ({"style_index": 10}, "InvalidParameter", "input.style_index"),
    "style_text": ({"style_index": "3"}, "InvalidParameter", "input.style_index"),
    "no_image": ({"image_url": None}, "InvalidParameter", "input.image_url"),
    "custom_without_ref": ({"style_index": -1}, "InvalidParameter", "input.style_ref_url"),
    "unknown_field": ({"strength": 2}, "InvalidParameter", "input.strength"),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_bodies_answer_400_naming_the_field(server: ServerProcess, images: ImageServer,
                                                key: str, case: str) -> None:
    change, code, field = BAD_BODIES[case]
    fields = {k: v for k, v in {"image_url": images.url(KIM), "style_index": 3,
                                **change}.items() if v is not None}
    rsp = submit(key, **fields)
    assert (rsp.status_code, rsp.code) == (400, code) and field in rsp.message


def _raw_submit(server: ServerProcess, key: str, body: dict[str, Any],
                headers: dict[str, str] | None = None) -> httpx.Response:
    hdrs = {"Authorization": f"Bearer {key}", "X-DashScope-Async": "enable", **(headers or {})}
    return httpx.post(f"{server.base_url}/api/v1/services/aigc/image-generation/generation",
                      json=body, headers=hdrs, timeout=30)


def test_raw_protocol_errors(server: ServerProcess, images: ImageServer, key: str) -> None:
    body = {"model": MODEL, "input": {"image_url": images.url(KIM), "style_index": 3},
            "parameters": {}}
    sync = _raw_submit(server, key, body, {"X-DashScope-Async": "disable"})
    assert sync.status_code == 403 and sync.json()["code"] == "AccessDenied"
    assert sync.headers["content-type"] == "application/json"
    for change, code in [({"model": "wanx-v1"}, "InvalidParameter"),
                         ({"model": ""}, "BadRequest.EmptyModel"),
                         ({"input": {}}, "BadRequest.EmptyInput")]:
        time.sleep(0.55)
        rsp = _raw_submit(server, key, {**body, **change})
        assert (rsp.status_code, rsp.json()["code"]) == (400, code), rsp.text
        assert set(rsp.json()) == {"code", "message", "request_id"}


def test_invalid_key_is_401(server: ServerProcess, images: ImageServer, key: str) -> None:
    rsp = submit("sk-" + "0" * 32, image_url=images.url(KIM), style_index=3)
    assert (rsp.status_code, rsp.code, rsp.message) == (401, "InvalidApiKey",
                                                       "Invalid API-key provided.")
    fetched = BaseAsyncApi.fetch(str(uuid.uuid4()), api_key="sk-nope")
    assert (fetched.status_code, fetched.code) == (401, "InvalidApiKey")


def test_third_submit_within_a_second_is_throttled(server: ServerProcess, images: ImageServer,
                                                   key: str) -> None:
    codes = [submit(key, image_url=images.url(KIM), style_index=3) for _ in range(3)]
    assert [c.status_code for c in codes] == [200, 200, 429]
    assert codes[2].code == "Throttling.RateQuota"
    for task in codes[:2]:
        assert poll(key, task)[0].output["task_status"] == "SUCCEEDED"


# --- tasks API --------------------------------------------------------------------------------

def test_cancel_pending_only_then_list(server: ServerProcess, images: ImageServer,
                                       key: str) -> None:
    running = submit(key, image_url=big_portrait(images), style_index=2)
    pending = submit(key, image_url=images.url(KIM), style_index=5)
    canceled = BaseAsyncApi.cancel(pending, api_key=key)
    assert canceled.status_code == 200, canceled
    assert BaseAsyncApi.fetch(pending, api_key=key).output["task_status"] == "CANCELED"
    assert poll(key, running)[0].output["task_status"] == "SUCCEEDED"
    late = BaseAsyncApi.cancel(running, api_key=key)
    assert (late.status_code, late.code) == (400, "UnsupportedOperation")
    listed = BaseAsyncApi.list(api_key=key, page_size=10)
    assert listed.status_code == 200
    assert listed.output["total"] == 2 and listed.output["page_no"] == 1
    by_id = {t["task_id"]: t["status"] for t in listed.output["data"]}
    assert by_id == {running.output["task_id"]: "SUCCEEDED",
                     pending.output["task_id"]: "CANCELED"}
    only = BaseAsyncApi.list(api_key=key, status="CANCELED")
    assert [t["task_id"] for t in only.output["data"]] == [pending.output["task_id"]]


def test_unknown_and_foreign_tasks_are_unknown(server: ServerProcess, images: ImageServer,
                                               key: str) -> None:
    rsp = BaseAsyncApi.fetch(str(uuid.uuid4()), api_key=key)
    assert rsp.status_code == 200 and rsp.output["task_status"] == "UNKNOWN"
    task = submit(key, image_url=images.url(KIM), style_index=6)
    other = server.create_tenant(f"ds-other-{uuid.uuid4().hex[:8]}")["dashscope_api_key"]
    assert BaseAsyncApi.fetch(task, api_key=other).output["task_status"] == "UNKNOWN"
    assert poll(key, task)[0].output["task_status"] == "SUCCEEDED"
