"""VOD pieces without a server: scene rules, output config, SessionId registry, media library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from portrait_studio.errors import MediaNotFound
from portrait_studio.server.dialects.tencent import vod
from portrait_studio.server.dialects.tencent.errors import TencentApiError
from portrait_studio.server.dialects.tencent.params import CREATE_SCENE_AIGC_IMAGE_TASK, parse_json
from portrait_studio.server.dialects.tencent.vod_sessions import SessionRegistry
from portrait_studio.storage import LocalBlobStore
from portrait_studio.storage.media import MediaLibrary

CAPTURES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "protocols"
                       / "tencent.json").read_text())
REPO = Path(__file__).resolve().parents[2]


def captured_create() -> dict[str, Any]:
    entry = next(e for e in CAPTURES
                 if dict(e["headers"]).get("X-TC-Action") == "CreateSceneAigcImageTask")
    return parse_json(entry["body"].encode(), CREATE_SCENE_AIGC_IMAGE_TASK)


def api_error(fn: Any, *args: Any) -> TencentApiError:
    with pytest.raises(TencentApiError) as info:
        fn(*args)
    return info.value


def test_captured_request_parses_and_passes_the_checks() -> None:
    params = captured_create()
    assert vod.scene(params) == ("change_clothes", [{"Type": "Url",
                                                     "Url": "https://example.com/cloth.jpg"}],
                                 "red dress")
    assert vod.check_request(params) == ("mysession", "ctx", 10)
    assert vod.output_config(params, "jpeg") == {
        "storage_mode": "Temporary", "media_name": "myfile", "class_id": 0, "expire_at": None,
        "format": "jpeg", "quality": 90}


@pytest.mark.parametrize("scene, count, code", [
    ("change_clothes", 5, "InvalidParameterValue"),
    ("change_clothes_bottom_wear", 2, "InvalidParameterValue"),
    ("change_clothes", 0, "InvalidParameterValue"),
    ("outpainting", 1, "InvalidParameterValue.Type"),
])
def test_scene_rules(scene: str, count: int, code: str) -> None:
    params = {"SceneInfo": {"Type": scene, "ChangeClothesConfig": {
        "ClothesFileInfos": [{"Url": "u"}] * count}}}
    assert api_error(vod.scene, params).code == code


def test_prompt_is_kept_only_where_the_scene_takes_one() -> None:
    config = {"ClothesFileInfos": [{"Url": "u"}], "Prompt": "blue"}
    assert vod.scene({"SceneInfo": {"Type": "change_clothes_top_wear",
                                    "ChangeClothesConfig": config}})[2] == ""
    assert vod.scene({"SceneInfo": {"Type": "ai_try_on", "AiTryOnConfig": config}})[2] == "blue"


def test_output_config_defaults_follow_the_input_and_expire_time_parses() -> None:
    out = vod.output_config({"OutputConfig": {"StorageMode": "Permanent",
                                              "ExpireTime": "2030-01-01T00:00:00Z"}}, "png")
    assert (out["format"], out["storage_mode"], out["expire_at"]) == ("png", "Permanent",
                                                                       1893456000.0)


def test_session_registry_window(tmp_path: Path) -> None:
    reg = SessionRegistry(tmp_path / "s.sqlite3")
    assert reg.claim("t", "a", now=100.0)
    assert not reg.claim("t", "a", now=100.0 + 3 * 86400 - 1)
    assert reg.claim("u", "a", now=101.0)  # per tenant
    assert reg.claim("t", "a", now=100.0 + 3 * 86400 + 1)  # the window has passed
    reg.release("t", "a")
    assert reg.claim("t", "a", now=100.0 + 3 * 86400 + 2)


def test_media_library_tenants_expiry_and_origin(tmp_path: Path) -> None:
    now = [1000.0]
    lib = MediaLibrary(tmp_path / "m.sqlite3", LocalBlobStore(tmp_path / "b"), lambda: now[0])
    kept = lib.add("t", b"\x89PNG-1", "image/png", name="a", class_id=2)
    assert len(kept.file_id) == 19 and lib.read(lib.get("t", kept.file_id)) == b"\x89PNG-1"
    with pytest.raises(MediaNotFound):
        lib.get("other", kept.file_id)
    short = lib.add("t", b"x", "image/jpeg", expires_at=1500.0, origin="job:j:0")
    assert lib.add("t", b"y", "image/jpeg", origin="job:j:0").file_id == short.file_id
    now[0] = 1500.0
    with pytest.raises(MediaNotFound):
        lib.get("t", short.file_id)


def test_cli_media_upload(tmp_path: Path) -> None:
    image = REPO / "tests" / "fixtures" / "images" / "andy_kim__house_official_1.jpg"
    done = subprocess.run([sys.executable, "-m", "portrait_studio.cli.main", "media", "upload",
                           str(image), "--tenant", "acme", "--name", "kim", "--data-dir",
                           str(tmp_path)], capture_output=True, text=True, timeout=120, check=False,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert (info["tenant"], info["name"], info["media_type"]) == ("acme", "kim", "image/jpeg")
    lib = MediaLibrary.in_data_dir(tmp_path, LocalBlobStore(tmp_path / "blobs"))
    assert lib.read(lib.get("acme", info["file_id"])) == image.read_bytes()
