"""The official Tencent VOD SDK (CreateSceneAigcImageTask / DescribeTaskDetail) against a real
server, with the media library (native ``POST /v1/media``) for FileId inputs.

The person is the PD full-body fixture photo (scaled to 600 px wide); the garment is a T-shirt
drawn here (the corpus garments are NC and never enter the repo), served by the image server.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.vod.v20180717 import models, vod_client

from portrait_studio.imaging.codec import decode_image, encode_jpeg, encode_png
from tests.e2e.serverkit import ImageServer, ServerProcess, fixture_bytes, start_server, unique
from tests.sdk.sdkkit import substitute

PERSON_FILE = "barack_obama__full_body_suit.jpg"
SUB_APP = 251440382
TASK_ID = f"{SUB_APP}-SceneAigcImageTask-"


def tshirt(colour: tuple[int, int, int] = (200, 30, 40)) -> bytes:
    """A flat product shot: a T-shirt silhouette on white, 600x700."""
    img = np.full((700, 600, 3), 255, np.uint8)
    body = np.array([[180, 120], [240, 90], [360, 90], [420, 120], [540, 230], [470, 300],
                     [430, 260], [430, 640], [170, 640], [170, 260], [130, 300], [60, 230]],
                    np.int32)
    cv2.fillPoly(img, [body], colour)
    cv2.ellipse(img, (300, 95), (60, 35), 0, 0, 180, (255, 255, 255), -1)
    return encode_png(img)


@cache
def person_bytes() -> bytes:
    """The full-body photo at 600x976 (JPEG)."""
    img = decode_image(fixture_bytes(PERSON_FILE))
    return encode_jpeg(cv2.resize(img, (600, 976), interpolation=cv2.INTER_AREA), 92)


def client(server: ServerProcess, creds: dict[str, str]) -> vod_client.VodClient:
    hp = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{server.port}", reqTimeout=120)
    cred = credential.Credential(creds["tencent_secret_id"], creds["tencent_secret_key"])
    return vod_client.VodClient(cred, "", ClientProfile(httpProfile=hp))  # no region: VOD


@pytest.fixture()
def vod(server: ServerProcess, creds: dict[str, str]) -> vod_client.VodClient:
    return client(server, creds)


@pytest.fixture(scope="module")
def urls(images: ImageServer) -> dict[str, str]:
    return {"person": images.add("vod-person.jpg", person_bytes()),
            "big_person": images.url(PERSON_FILE), "red": images.add("vod-red-tee.png", tshirt()),
            "blue": images.add("vod-blue-tee.png", tshirt((30, 60, 200))),
            "text": images.add("vod-text.jpg", b"not an image at all")}


def create(cli: vod_client.VodClient, params: dict[str, Any]) -> str:
    req = models.CreateSceneAigcImageTaskRequest()
    req.from_json_string(json.dumps(params))
    return str(cli.CreateSceneAigcImageTask(req).TaskId)


def create_error(cli: vod_client.VodClient, params: dict[str, Any]) -> str:
    with pytest.raises(TencentCloudSDKException) as info:
        create(cli, params)
    return str(info.value.code)


def describe(cli: vod_client.VodClient, task_id: str, sub_app: int | None = SUB_APP
             ) -> models.DescribeTaskDetailResponse:
    req = models.DescribeTaskDetailRequest()
    req.TaskId = task_id
    if sub_app is not None:
        req.SubAppId = sub_app
    return cli.DescribeTaskDetail(req)


def wait(cli: vod_client.VodClient, task_id: str, timeout: float = 120.0
         ) -> tuple[models.DescribeTaskDetailResponse, list[str]]:
    seen: list[str] = []
    end = time.monotonic() + timeout
    while True:
        resp = describe(cli, task_id)
        if not seen or seen[-1] != resp.Status:
            seen.append(resp.Status)
        if resp.Status in ("FINISH", "ABORTED") or time.monotonic() > end:
            return resp, seen
        time.sleep(0.15)


def request(person: dict[str, Any], garments: list[dict[str, Any]], **extra: Any
            ) -> dict[str, Any]:
    return {"SubAppId": SUB_APP, "FileInfos": [person],
            "SceneInfo": {"Type": "change_clothes",
                          "ChangeClothesConfig": {"ClothesFileInfos": garments}}, **extra}


def url_request(urls: dict[str, str], **extra: Any) -> dict[str, Any]:
    return request({"Type": "Url", "Url": urls["person"]}, [{"Type": "Url", "Url": urls["red"]}],
                   **extra)


def upload(server: ServerProcess, creds: dict[str, str], data: bytes, name: str) -> str:
    import base64

    resp = httpx.post(f"{server.base_url}/v1/media", timeout=30,
                      headers={"Authorization": f"Bearer {creds['api_key']}"},
                      json={"image": {"base64": base64.b64encode(data).decode()}, "name": name})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["name"] == name and len(body["file_id"]) == 19
    assert httpx.get(body["url"], timeout=30).content == data
    return str(body["file_id"])


# --- tasks ------------------------------------------------------------------------------------

def test_url_inputs_temporary_output_and_the_task_record(vod: vod_client.VodClient,
                                                         urls: dict[str, str]) -> None:
    params = url_request(urls, SessionContext="ctx-1", ExtInfo="x",
                         OutputConfig={"StorageMode": "Temporary", "MediaName": "tee"})
    task_id = create(vod, params)
    assert re.fullmatch(rf"{TASK_ID}[0-9a-f]{{31}}t", task_id), task_id
    resp, seen = wait(vod, task_id)
    assert seen[-1] == "FINISH" and set(seen) <= {"WAITING", "PROCESSING", "FINISH"}
    task = resp.SceneAigcImageTask
    assert resp.TaskType == "SceneAigcImageTask" and task.Status == "FINISH"
    assert (task.ErrCode, task.Message, task.Progress) == (0, "", 100)
    assert task.SessionContext == "ctx-1" and task.Input.SceneInfo.Type == "change_clothes"
    assert task.Input.FileInfos[0].Url == urls["person"]
    (info,) = task.Output.FileInfos
    assert (info.StorageMode, info.MediaName, info.FileType, info.FileId) == (
        "Temporary", "tee", "jpg", None)
    expire = datetime.strptime(info.ExpireTime, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(expire.timestamp() - time.time() - 7 * 86400) < 600  # temporary URL: 7 days
    out = decode_image(httpx.get(info.FileUrl, timeout=30).content)
    person = decode_image(person_bytes())
    assert out.shape == person.shape
    changed = np.abs(out.astype(np.int16) - person).max(axis=2) > 30
    assert 0.02 < changed.mean() < 0.6  # the garment region changed, not the whole photo
    red = (out[..., 0] > 120) & (out[..., 1] < 90) & (out[..., 2] < 100) & changed
    assert red.sum() > 0.3 * changed.sum()  # much of the change is the red tee
    assert resp.CreateTime and resp.BeginProcessTime and resp.FinishTime


def test_file_ids_type_inferred_and_permanent_output(server: ServerProcess,
                                                     creds: dict[str, str],
                                                     vod: vod_client.VodClient) -> None:
    person_id = upload(server, creds, person_bytes(), "model")
    tee_id = upload(server, creds, tshirt((30, 60, 200)), "blue tee")
    params = request({"FileId": person_id}, [{"FileId": tee_id}],
                     OutputConfig={"StorageMode": "Permanent", "MediaName": "look",
                                   "ClassId": 3, "EncodeConfig": {"Format": "PNG"}})
    resp, _ = wait(vod, create(vod, params))
    (info,) = resp.SceneAigcImageTask.Output.FileInfos
    assert (info.StorageMode, info.MediaName, info.ClassId, info.FileType) == (
        "Permanent", "look", 3, "png")
    assert info.FileId and info.FileId.isdigit() and info.ExpireTime == ""
    again = describe(vod, resp.SceneAigcImageTask.TaskId).SceneAigcImageTask.Output
    assert again.FileInfos[0].FileId == info.FileId  # kept once, not per read
    png = httpx.get(info.FileUrl, timeout=30).content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    reuse = request({"Type": "File", "FileId": info.FileId}, [{"FileId": tee_id}])
    assert wait(vod, create(vod, reuse))[0].SceneAigcImageTask.ErrCode == 0


def test_session_id_deduplicates_per_tenant(server: ServerProcess, vod: vod_client.VodClient,
                                            urls: dict[str, str]) -> None:
    session = f"s-{unique('x')}"
    first = create(vod, url_request(urls, SessionId=session))
    assert create_error(vod, url_request(urls, SessionId=session)) == \
        "InvalidParameterValue.SessionId"
    other = client(server, server.create_tenant(unique("vod-other")))
    assert create(other, url_request(urls, SessionId=session)).startswith(TASK_ID)
    assert wait(vod, first)[0].SceneAigcImageTask.ErrCode == 0


def test_a_person_without_a_body_fails_the_task(vod: vod_client.VodClient,
                                                images: ImageServer,
                                                urls: dict[str, str]) -> None:
    params = request({"Url": images.url("mondrian_composition__adain.jpg")},
                     [{"Url": urls["red"]}])
    task = wait(vod, create(vod, params))[0].SceneAigcImageTask
    assert task.Status == "FINISH" and task.ErrCode != 0 and task.Message
    assert task.Output.FileInfos == []


def test_unknown_tasks(vod: vod_client.VodClient, urls: dict[str, str]) -> None:
    for task_id, sub_app in [(f"{TASK_ID}{'0' * 31}t", SUB_APP), ("nope", None)]:
        with pytest.raises(TencentCloudSDKException) as info:
            describe(vod, task_id, sub_app)
        assert info.value.code == "InvalidParameterValue.TaskId"
    task_id = create(vod, url_request(urls))
    with pytest.raises(TencentCloudSDKException) as wrong_app:
        describe(vod, task_id, SUB_APP + 1)
    assert wrong_app.value.code == "InvalidParameterValue.TaskId"
    wait(vod, task_id)


def _scene(kind: str, count: int = 1, config: str = "ChangeClothesConfig") -> dict[str, Any]:
    return {"Type": kind, config: {"ClothesFileInfos": [{"Url": "RED"}] * count}}


ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "product_image": ({"SceneInfo": {"Type": "product_image"}}, "InvalidParameterValue.Type"),
    "no_config": ({"SceneInfo": {"Type": "ai_try_on"}}, "MissingParameter"),
    "five_garments": ({"SceneInfo": _scene("change_clothes", 5)}, "InvalidParameterValue"),
    "top_wear_two": ({"SceneInfo": _scene("change_clothes_top_wear", 2)},
                     "InvalidParameterValue"),
    "no_person": ({"FileInfos": []}, "InvalidParameterValue"),
    "unknown_file_id": ({"FileInfos": [{"Type": "File", "FileId": "5285890781763144364"}]},
                        "InvalidParameterValue.FileId"),
    "session_id_long": ({"SessionId": "s" * 51}, "InvalidParameterValue.SessionIdTooLong"),
    "context_long": ({"SessionContext": "c" * 1001},
                     "InvalidParameterValue.SessionContextTooLong"),
    "priority_11": ({"TasksPriority": 11}, "InvalidParameterValue"),
    "sub_app_0": ({"SubAppId": 0}, "InvalidParameterValue.SubAppId"),
    "storage_cold": ({"OutputConfig": {"StorageMode": "Cold"}}, "InvalidParameterValue"),
    "format_gif": ({"OutputConfig": {"EncodeConfig": {"Format": "GIF"}}},
                   "InvalidParameterValue.Format"),
    "quality_0": ({"OutputConfig": {"EncodeConfig": {"Format": "JPEG", "Quality": 101}}},
                  "InvalidParameterValue.Quality"),
    "expire_time": ({"OutputConfig": {"ExpireTime": "next week"}},
                    "InvalidParameterValue.ExpireTime"),
    "class_id": ({"OutputConfig": {"ClassId": -1}}, "InvalidParameterValue.ClassId"),
    "private_url": ({"FileInfos": [{"Type": "Url", "Url": "http://10.0.0.1/a.jpg"}]},
                    "InvalidParameterValue.Url"),
    "missing_url": ({"FileInfos": [{"Type": "Url", "Url": "MISSING"}]},
                    "InvalidParameterValue.Url"),
    "not_an_image": ({"FileInfos": [{"Type": "Url", "Url": "TEXT"}]},
                     "InvalidParameterValue"),
    "bad_type": ({"FileInfos": [{"Type": "Cos", "Url": "RED"}]}, "InvalidParameterValue.Type"),
}


def _resolve(value: Any, urls: dict[str, str], images: ImageServer) -> Any:
    names = {"RED": urls["red"], "TEXT": urls["text"], "MISSING": images.url("missing.jpg")}
    return substitute(value, lambda text: names.get(text, text))


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_codes(vod: vod_client.VodClient, urls: dict[str, str], images: ImageServer,
                     case: str) -> None:
    change, code = ERRORS[case]
    params = {**url_request(urls), **_resolve(change, urls, images)}
    assert create_error(vod, params) == code


# --- priority (private server, one worker) ----------------------------------------------------

@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root: Path = tmp_path_factory.mktemp("vod-priority")
    srv = start_server(root, workers=1, PORTRAIT_URL_ALLOWLIST="127.0.0.1")
    yield srv
    srv.stop()


def test_tasks_priority_orders_the_queue(one_worker: ServerProcess,
                                         urls: dict[str, str]) -> None:
    cli = client(one_worker, one_worker.create_tenant(unique("vod-prio")))
    big = {**urls, "person": urls["big_person"]}  # full-size photo: a slower blocker
    blocker = create(cli, url_request(big))
    while describe(cli, blocker).Status == "WAITING":
        time.sleep(0.05)
    low = create(cli, url_request(urls, TasksPriority=-5))
    high = create(cli, url_request(urls, TasksPriority=5))
    overtaken = False
    while describe(cli, low).Status == "WAITING":
        overtaken = overtaken or describe(cli, high).Status != "WAITING"
        time.sleep(0.1)
    assert overtaken  # the high-priority task started while the low one still waited
    assert [wait(cli, t)[0].SceneAigcImageTask.ErrCode for t in (blocker, low, high)] == [
        0, 0, 0]
