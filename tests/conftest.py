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


def retoned_for(img: np.ndarray, user: str) -> tuple[np.ndarray, np.ndarray]:
    """The template ``img`` prepared for a fusion at default parameters with its largest
    face's skin re-toned to the complexion of the fixture photo ``user`` (the engine's own
    step, ``pipelines.fusion._retoned_template``), and that face's landmarks."""
    from portrait_studio.capabilities.face_swap.tone import skin_tone
    from portrait_studio.perception.faces import detect_faces
    from portrait_studio.pipelines import fusion as fu
    from portrait_studio.pipelines.fusion_params import FusionParams

    photo = fixture_image(user)
    tone = skin_tone(photo, detect_faces(photo)[0].landmarks)
    points = detect_faces(img)[0].landmarks
    out = fu._retoned_template(img, [points], FusionParams(), fu.FusionReport(), [tone])
    return out, points


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
