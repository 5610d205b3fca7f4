"""Signed result URLs with a variant token (a mark drawn when the result is read)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from portrait_studio.bootstrap import build_studio
from portrait_studio.errors import JobNotFound, ParameterError
from portrait_studio.jobs.executors import ExecutionContext, ExecutionResult, ExecutorRegistry
from portrait_studio.jobs.runner import run_job
from portrait_studio.security.signed_urls import UrlCheck
from portrait_studio.settings import Settings
from portrait_studio.studio import ProductSpec, Studio, result_variant


def echo(ctx: ExecutionContext) -> ExecutionResult:
    return ExecutionResult.of([(ctx.input("image"), "image/png")], {})


@pytest.fixture()
def studio(tmp_path: Path) -> Studio:
    s = build_studio(Settings(data_dir=tmp_path, url_signing_secret="k" * 32))
    s.products["echo"] = ProductSpec("echo", {"image": (1, 1)})
    s.register_variant("upper", lambda data, media, token: data.upper() + token.encode())
    return s


def done_job(studio: Studio) -> str:
    job = studio.submit("t", "echo", inputs={"image": [b"abc"]})
    claimed = studio.service.store.claim_next("w", {})
    assert claimed is not None
    run_job(claimed, store=studio.service.store, blobs=studio.service.blobs,
            registry=ExecutorRegistry({"echo": echo}), worker_id="w")
    return job.id


def test_variant_url_is_signed_and_rendered(studio: Studio) -> None:
    job = studio.get("t", done_job(studio))
    url = urlsplit(studio.result_url(job, 0, "http://h", variant="upper7"))
    assert url.path == f"/v1/results/{job.id}/0-upper7.png"
    assert result_variant(url.path) == "upper7"
    query = parse_qs(url.query)
    assert studio.check_result_url(url.path, query["expires"][0], query["sig"][0]) \
        is UrlCheck.VALID
    assert studio.open_result(url.path).data == b"ABCupper7"
    plain = urlsplit(studio.result_url(job, 0, "http://h")).path
    assert studio.open_result(plain).data == b"abc"
    forged = url.path.replace("upper7", "upper8")
    assert studio.check_result_url(forged, query["expires"][0], query["sig"][0]) \
        is UrlCheck.FORGED


def test_unknown_variants_and_bad_prefixes_are_refused(studio: Studio) -> None:
    job = studio.get("t", done_job(studio))
    with pytest.raises(JobNotFound):
        studio.result_url(job, 0, "http://h", variant="lower1")
    with pytest.raises(JobNotFound):
        studio.open_result(f"/v1/results/{job.id}/0-lower1.png")
    with pytest.raises(ParameterError):
        studio.register_variant("Bad-Prefix", lambda d, m, t: d)
