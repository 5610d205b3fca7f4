"""The shared corpus beside the repository (``../shared/corpus``), for tests that skip when
it is absent."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus absent")


def read_rgb(path: Path) -> np.ndarray:
    """HxWx3 uint8 RGB of an image file (asserts that it decodes)."""
    bgr = cv2.imread(str(path))
    assert bgr is not None, path
    return np.ascontiguousarray(bgr[:, :, ::-1])
