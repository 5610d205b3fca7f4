"""End to end with private server processes: kill -9 mid-job and restart, retention with a
tiny period, SSRF by hostname with no allow-list, and the lock on the data directory."""

from __future__ import annotations

import base64
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from portrait_studio.storage.fetch import fetch_image_bytes
from tests.e2e.serverkit import (
    REPO,
    TEMPLATE,
    USER,
    ImageServer,
    ServerProcess,
    fixture_bytes,
    start_server,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


@pytest.fixture()
def images() -> Iterator[ImageServer]:
    srv = ImageServer()
    yield srv
    srv.close()


def api(server: ServerProcess, creds: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, timeout=60,
                        headers={"Authorization": f"Bearer {creds['api_key']}"})


def wait_state(client: httpx.Client, job_id: str, states: set[str],
               timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        resp = client.get(f"/v1/jobs/{job_id}")
        if resp.status_code == 200 and resp.json()["state"] in states:
            return dict(resp.json())
        assert time.monotonic() < deadline, f"job {job_id} never reached {states}: {resp.text}"
        time.sleep(0.05)


def db_row(data_dir: Path, job_id: str) -> tuple[str, int]:
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        state, attempts = db.execute("SELECT state, attempts FROM jobs WHERE id = ?",
                                     (job_id,)).fetchone()
    return str(state), int(attempts)


def input_files(data_dir: Path, job_id: str) -> list[Path]:
    folder = data_dir / "blobs" / "inputs" / job_id
    return sorted(folder.iterdir()) if folder.exists() else []


def test_kill_9_mid_job_then_restart_finishes_every_job(tmp_path: Path) -> None:
    server = start_server(tmp_path, workers=1, PORTRAIT_TEST_PRODUCTS="1",
                          PORTRAIT_MAX_QUEUED_PER_TENANT="1", PORTRAIT_SWEEP_INTERVAL_S="0.5")
    try:
        creds = server.create_tenant("crash")
        photo = base64.b64encode(fixture_bytes(USER)).decode()
        with api(server, creds) as client:
            body = {"pipeline": "sleep", "params": {"seconds": 30, "rerun_seconds": 0.5},
                    "inputs": {"image": [photo]}}
            first = client.post("/v1/jobs", json=body).json()["id"]
            wait_state(client, first, {"running"})
            quick = {**body, "params": {"seconds": 0.5}}
            second = client.post("/v1/jobs", json=quick).json()["id"]
            full = client.post("/v1/jobs", json=quick)  # one queued job is this tenant's limit
            assert full.status_code == 503 and full.json()["error"]["code"] == "limit.queue_full"
        server.kill()
        assert db_row(server.data_dir, first) == ("running", 1)  # left behind by the crash
        assert db_row(server.data_dir, second)[0] == "queued"
        assert len(input_files(server.data_dir, first)) == 1  # inputs kept for the re-run
        server.start()
        with api(server, creds) as client:
            done = [wait_state(client, j, {"succeeded", "failed"}) for j in (first, second)]
            assert [d["state"] for d in done] == ["succeeded", "succeeded"]
            assert done[0]["attempts"] == 2 and done[0]["report"]["attempts"] == 2
            result = httpx.get(done[0]["results"][0]["url"])
            assert result.content == fixture_bytes(USER)  # the re-run used the kept input
        assert input_files(server.data_dir, first) == []
        assert input_files(server.data_dir, second) == []
        assert "recovered job " + first in server.log_text()
        with api(server, creds) as client:  # a job that kills its worker every time
            doomed = client.post("/v1/jobs", json={"pipeline": "sleep", "params": {"crash": 1},
                                                   "inputs": {"image": [photo]}}).json()["id"]
            failed = wait_state(client, doomed, {"failed", "succeeded"})
        assert failed["error"]["code"] == "job.worker_lost" and failed["attempts"] == 2
        assert "stopped unexpectedly 2 time(s)" in failed["error"]["message"]
        deadline = time.monotonic() + 30  # the pool leaves this purge to the sweeper
        while input_files(server.data_dir, doomed):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        server.stop()


def test_retention_sweeper_expires_results_and_ssrf_by_hostname(
        tmp_path: Path, images: ImageServer) -> None:
    server = start_server(tmp_path, workers=1, PORTRAIT_TEST_PRODUCTS="1",
                          PORTRAIT_RETENTION_OVERRIDES="sleep=1.5",
                          PORTRAIT_SWEEP_INTERVAL_S="0.2")  # no URL allow-list at all
    try:
        creds = server.create_tenant("retention")
        photo = base64.b64encode(fixture_bytes(USER)).decode()
        with api(server, creds) as client:
            job = client.post("/v1/run", json={"pipeline": "sleep", "params": {"seconds": 0},
                                               "inputs": {"image": [photo]}}).json()
            url = job["results"][0]["url"]
            assert input_files(server.data_dir, job["id"]) == []
            assert httpx.get(url).content == fixture_bytes(USER)
            result_dir = server.data_dir / "blobs" / "results" / job["id"]
            assert result_dir.is_dir()
            deadline = time.monotonic() + 30
            while client.get(f"/v1/jobs/{job['id']}").status_code != 404:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            gone = client.get(f"/v1/jobs/{job['id']}").json()["error"]
            assert gone["code"] == "job.not_found" and "expired" in gone["message"]
            assert httpx.get(url).status_code == 403  # the link expired with the job
            while result_dir.exists():  # the sweeper deletes the result files
                assert time.monotonic() < deadline
                time.sleep(0.1)
            expired = client.get("/v1/jobs", params={"state": "expired"}).json()["jobs"]
            assert [j["id"] for j in expired] == [job["id"]] and expired[0]["results"] == []
            _ssrf_by_hostname(server, creds, images)
    finally:
        server.stop()


def _ssrf_by_hostname(server: ServerProcess, creds: dict[str, str], images: ImageServer
                      ) -> None:
    """With an empty allow-list, 'localhost' (resolving to loopback) and 127.0.0.1 are refused
    after DNS resolution, before any connection."""
    from tests.sdk.sdkkit import client, error_code

    for host in ("localhost", "127.0.0.1"):
        tenant = server.create_tenant(f"ssrf-{host.replace('.', '-')}")
        params = {"RspImgType": "url", "ModelUrl": images.url(TEMPLATE, host=host),
                  "MergeInfos": [{"Url": images.url(USER)}]}
        assert error_code(client(server, tenant), params) == "InvalidParameterValue.UrlIllegal"
    assert images.hits == []  # never contacted


def test_a_second_server_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    server = start_server(tmp_path, workers=1)
    try:
        out = subprocess.run([sys.executable, "-m", "portrait_studio.cli.main", "serve",
                              "--port", "1", "--data-dir", str(server.data_dir)],
                             capture_output=True, text=True, cwd=REPO, timeout=60, check=False)
        assert out.returncode == 2
        assert f"another portrait-studio server is using {server.data_dir}" in out.stderr
    finally:
        server.stop()


def test_fetch_from_a_server_that_closes_the_connection(images: ImageServer) -> None:
    images.close_answers = True
    data = fetch_image_bytes(images.url(TEMPLATE), max_bytes=10_000_000, timeout_s=10,
                             max_redirects=1, allowlist=("127.0.0.1",))
    assert data == fixture_bytes(TEMPLATE)
