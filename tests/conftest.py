"""Shared test helpers: fixture images (PD/CC0 copies in tests/fixtures/images)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "images"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@cache
def _load(name: str) -> np.ndarray:
    from portrait_studio.imaging.codec import decode_image

    img = decode_image((FIXTURES / name).read_bytes())
    img.setflags(write=False)
    return img


def fixture_image(name: str) -> np.ndarray:
    """A fixture photo as HxWx3 uint8 RGB (read-only, cached)."""
    return _load(name)


def corpus_path(relative: str) -> Path:
    """A file of ../shared/corpus; skips the test when the corpus is absent."""
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"shared corpus file {relative} not available")
    return path


@pytest.fixture(scope="session")
def server() -> Any:
    """One real server process (loopback, temp data dir) shared by the HTTP and SDK tests."""
    from tests.e2e.serverkit import shared_server

    return shared_server()


@pytest.fixture(scope="session")
def images() -> Iterator[Any]:
    """A local image server on 127.0.0.1 for the Url fields."""
    from tests.e2e.serverkit import ImageServer

    srv = ImageServer()
    yield srv
    srv.close()
