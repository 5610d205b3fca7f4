"""The native REST API over loopback: submit, poll, cancel, run, results, every error path."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from portrait_studio.imaging.codec import decode_image
from portrait_studio.perception.faces import detect_faces
from portrait_studio.security.signed_urls import load_or_create_secret, sign
from tests.e2e.serverkit import (
    FACELESS,
    TEMPLATE,
    USER,
    ImageServer,
    ServerProcess,
    fixture_bytes,
    unique,
)

TEMPLATE_SHAPE = decode_image(fixture_bytes(TEMPLATE)).shape


def data_url(name: str) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(fixture_bytes(name)).decode()


def fusion_job(images: ImageServer, **extra: Any) -> dict[str, Any]:
    return {"pipeline": "fusion",
            "inputs": {"template": [images.url(TEMPLATE)], "faces": [{"base64": data_url(USER)}]},
            "params": {"warp": 0.6}, **extra}


def wait_state(api: httpx.Client, job_id: str, states: set[str],
               timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = api.get(f"/v1/jobs/{job_id}").json()
        if job["state"] in states:
            return dict(job)
        assert time.monotonic() < deadline, f"job stayed {job['state']}"
        time.sleep(0.05)


def error_of(resp: httpx.Response, status: int) -> dict[str, Any]:
    """The error object after checking status, shape and the request id."""
    assert resp.status_code == status, resp.text[:300]
    assert resp.headers["content-type"] == "application/json"
    error = resp.json()["error"]
    assert error["request_id"] == resp.headers["x-request-id"]
    assert str(uuid.UUID(error["request_id"])) == error["request_id"]
    return dict(error)


def input_dir(server: ServerProcess, job_id: str) -> bool:
    return (server.data_dir / "blobs" / "inputs" / job_id).exists()


# --- the happy paths --------------------------------------------------------------------------

def test_submit_poll_and_fetch_the_result(server: ServerProcess, images: ImageServer,
                                          api: httpx.Client) -> None:
    resp = api.post("/v1/jobs", json=fusion_job(images))
    assert resp.status_code == 202
    job = resp.json()
    assert resp.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["state"] in ("queued", "running") and job["pipeline"] == "fusion"
    done = wait_state(api, job["id"], {"succeeded", "failed"})
    assert done["state"] == "succeeded" and done["error"] is None
    assert done["report"]["width"] == TEMPLATE_SHAPE[1]
    result = done["results"][0]
    assert result["media_type"] == "image/jpeg" and result["base64"] is None
    assert int(parse_qs(urlsplit(result["url"]).query)["expires"][0]) == int(done["expires_at"])
    image = httpx.get(result["url"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert decode_image(image.content).shape == TEMPLATE_SHAPE
    assert not input_dir(server, job["id"])  # biometric inputs deleted when the job ended
    inline = api.get(f"/v1/jobs/{job['id']}", params={"inline": "true"}).json()
    assert base64.b64decode(inline["results"][0]["base64"]) == image.content


def test_sync_run_with_inline_base64(images: ImageServer, api: httpx.Client) -> None:
    resp = api.post("/v1/run", json=fusion_job(images, result_format="base64", timeout_s=60))
    assert resp.status_code == 200
    job = resp.json()
    assert job["state"] == "succeeded" and job["attempts"] == 1
    img = decode_image(base64.b64decode(job["results"][0]["base64"]))
    assert img.shape == TEMPLATE_SHAPE and len(detect_faces(img)) == 1
    assert set(job["report"]["timings_ms"]) >= {"detect", "swap"}


def test_cancel_queued_and_running_jobs(server: ServerProcess, api: httpx.Client) -> None:
    image = {"image": [data_url(USER)]}
    ids = [api.post("/v1/jobs", json={"pipeline": "sleep", "params": {"seconds": 20},
                                      "inputs": image}).json()["id"] for _ in range(3)]
    running = [wait_state(api, i, {"running", "queued"}) for i in ids]
    queued = next(j["id"] for j in reversed(running) if j["state"] == "queued")
    canceled = api.delete(f"/v1/jobs/{queued}").json()
    assert canceled["state"] == "canceled"
    assert not input_dir(server, queued)
    busy = [i for i in ids if i != queued]
    for job_id in busy:
        wait_state(api, job_id, {"running"})
        answer = api.delete(f"/v1/jobs/{job_id}").json()
        assert answer["state"] in ("running", "canceled")
    for job_id in busy:
        assert wait_state(api, job_id, {"canceled", "succeeded"})["state"] == "canceled"
    listed = {j["id"] for j in api.get("/v1/jobs", params={"state": "canceled"}).json()["jobs"]}
    assert set(ids) <= listed
    again = api.delete(f"/v1/jobs/{queued}")
    assert again.status_code == 200 and again.json()["state"] == "canceled"


def test_dedup_key_returns_the_same_job(api: httpx.Client) -> None:
    body = {"pipeline": "sleep", "params": {"seconds": 0}, "dedup_key": "order-42"}
    first, second = api.post("/v1/jobs", json=body).json(), api.post("/v1/jobs", json=body).json()
    assert first["id"] == second["id"]


def test_pipelines_are_listed_with_their_inputs(api: httpx.Client) -> None:
    pipelines = {p["name"]: p for p in api.get("/v1/pipelines").json()["pipelines"]}
    assert pipelines["fusion"]["inputs"] == {"template": [1, 1], "faces": [1, 6],
                                             "logo": [0, 1]}


# --- error paths ------------------------------------------------------------------------------

def test_auth_errors(server: ServerProcess, creds: dict[str, str]) -> None:
    url = server.base_url + "/v1/jobs"
    missing = httpx.get(url)
    assert error_of(missing, 401)["code"] == "auth.missing"
    assert missing.headers["www-authenticate"] == "Bearer"
    bad = httpx.get(url, headers={"Authorization": "Bearer ps_nope"})
    assert error_of(bad, 401)["code"] == "auth.invalid_key"
    good = {"Authorization": f"Bearer {creds['api_key']}"}
    assert httpx.get(url, headers=good).status_code == 200
    server.revoke(creds["tenant"])
    assert error_of(httpx.get(url, headers=good), 401)["code"] == "auth.invalid_key"
    assert creds["api_key"] not in server.log_text()


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"pipeline": "warp-drive"}, "param.invalid", "pipeline"),
    ({"pipeline": "fusion", "inputs": {"template": ["@@@@"], "faces": [data_url(USER)]}},
     "image.undecodable", "inputs.template.0"),
    ({"pipeline": "fusion", "inputs": {"template": [data_url(TEMPLATE)], "faces": []}},
     "param.invalid", "inputs.faces"),
    ({"pipeline": "fusion", "inputs": {"template": [data_url(TEMPLATE)],
                                       "faces": [data_url(USER)], "hat": [data_url(USER)]}},
     "param.invalid", "inputs.hat"),
    ({"pipeline": "fusion", "inputs": {"template": [{"url": "http://10.0.0.1/t.jpg"}],
                                       "faces": [data_url(USER)]}},
     "image.url_not_allowed", "inputs.template.0"),
    ({"pipeline": "fusion", "priority": 1000}, "param.invalid", "priority"),
    ({"pipeline": "fusion", "colour": "blue"}, "param.invalid", "colour"),
    ({"inputs": {}}, "param.missing", "pipeline"),
    ({"pipeline": "fusion", "inputs": {"template": [{"url": "http://a", "base64": "b"}]}},
     "param.invalid", "inputs.template.0"),
])
def test_bad_requests_are_400_naming_the_field(api: httpx.Client, body: dict[str, Any],
                                               code: str, field: str) -> None:
    error = error_of(api.post("/v1/jobs", json=body), 400)
    assert (error["code"], error["field"]) == (code, field)
    assert field.split(".")[0] in error["message"]


def test_malformed_json_is_400(api: httpx.Client) -> None:
    resp = api.post("/v1/jobs", content=b"{nope", headers={"Content-Type": "application/json"})
    assert error_of(resp, 400)["code"] == "param.invalid"


def test_failed_sync_run_answers_with_the_job_error(images: ImageServer,
                                                    api: httpx.Client) -> None:
    body = fusion_job(images)
    body["inputs"]["template"] = [images.url(FACELESS)]
    error = error_of(api.post("/v1/run", json=body), 400)
    assert error["code"] == "face.not_found" and error["field"] == "ModelImage"
    failed = api.get(f"/v1/jobs/{error['job_id']}").json()
    assert failed["state"] == "failed" and failed["error"]["code"] == "face.not_found"
    bad_params = fusion_job(images, params={"warp": 2.0})
    error = error_of(api.post("/v1/run", json=bad_params), 400)
    assert error["code"] == "param.invalid" and "WarpRadio" in error["message"]


def test_sync_run_timeout_is_504_and_cancels_the_job(api: httpx.Client) -> None:
    resp = api.post("/v1/run", json={"pipeline": "sleep", "params": {"seconds": 30},
                                     "timeout_s": 0.5})
    assert error_of(resp, 504)["code"] == "job.timeout"
    newest = api.get("/v1/jobs").json()["jobs"][0]
    assert wait_state(api, newest["id"], {"canceled"})["state"] == "canceled"


def test_unknown_and_foreign_jobs_are_404(server: ServerProcess, api: httpx.Client) -> None:
    assert error_of(api.get("/v1/jobs/" + "0" * 32), 404)["code"] == "job.not_found"
    assert error_of(api.delete("/v1/jobs/nope"), 404)["code"] == "job.not_found"
    job = api.post("/v1/jobs", json={"pipeline": "sleep", "params": {"seconds": 0}}).json()
    other = server.create_tenant(unique("other"))
    resp = httpx.get(f"{server.base_url}/v1/jobs/{job['id']}",
                     headers={"Authorization": f"Bearer {other['api_key']}"})
    assert error_of(resp, 404)["code"] == "job.not_found"
    assert error_of(api.get("/v1/jobs", params={"state": "sleepy"}), 400)["field"] == "state"


def test_result_urls_expired_forged_or_tampered_are_403(server: ServerProcess,
                                                        api: httpx.Client) -> None:
    job = api.post("/v1/run", json={"pipeline": "sleep", "params": {"seconds": 0}}).json()
    url = job["results"][0]["url"]
    assert httpx.get(url).status_code == 200
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    base = f"{parts.scheme}://{parts.netloc}"
    forged_sig = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    other_path = f"{base}{parts.path.replace('/0.', '/1.')}?{parts.query}"
    later = urlencode({"expires": int(query["expires"][0]) + 60, "sig": query["sig"][0]})
    for bad in (forged_sig, other_path, f"{base}{parts.path}?{later}", f"{base}{parts.path}"):
        assert error_of(httpx.get(bad), 403)["code"] == "url.forged"
    secret = load_or_create_secret(server.data_dir)
    past = urlencode(sign(parts.path, int(time.time()) - 5, secret))
    expired = httpx.get(f"{base}{parts.path}?{past}")
    assert error_of(expired, 403)["code"] == "url.expired"


# --- health, metrics, docs --------------------------------------------------------------------

def test_health_ready_and_metrics(server: ServerProcess, api: httpx.Client) -> None:
    api.post("/v1/run", json={"pipeline": "sleep", "params": {"seconds": 0}})
    assert httpx.get(server.base_url + "/healthz").json()["status"] == "ok"
    ready = httpx.get(server.base_url + "/readyz").json()
    assert ready == {"status": "ready", "workers_alive": 2, "workers": 2,
                     "queue_depth": ready["queue_depth"]}
    text = httpx.get(server.base_url + "/metrics").text
    lines = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    assert float(lines['portrait_jobs{state="succeeded"}']) >= 1
    assert "portrait_queue_depth" in lines and lines["portrait_workers_alive"] == "2"
    assert float(lines['portrait_http_requests_total{method="POST",route="/v1/run",'
                       'status="200"}']) >= 1
    assert float(lines['portrait_job_run_seconds_count{product="sleep",'
                       'state="succeeded"}']) >= 1


def test_openapi_and_offline_docs(server: ServerProcess) -> None:
    spec = httpx.get(server.base_url + "/openapi.json").json()
    assert {"/v1/jobs", "/v1/jobs/{job_id}", "/v1/run"} <= set(spec["paths"])
    assert {"JobRequest", "JobOut", "ErrorResponse"} <= set(spec["components"]["schemas"])
    assert "/" not in spec["paths"]  # the Tencent endpoint is not part of our API
    docs = httpx.get(server.base_url + "/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    if "/docs/assets/swagger-ui-bundle.js" in docs.text:
        asset = httpx.get(server.base_url + "/docs/assets/swagger-ui-bundle.js")
        assert asset.status_code == 200 and len(asset.content) > 100_000
