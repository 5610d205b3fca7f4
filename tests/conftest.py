"""Shared test helpers: fixture images (PD/CC0 copies in tests/fixtures/images)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

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
