"""Person segmentation: MediaPipe selfie segmentation (general model, 256x256 input)."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ..models.mediapipe_runtime import quiet_graph
from .graphs import BUILD_LOCK, graph_slot, register


def _segmenter() -> Any:
    return _segmenter_in(graph_slot())


@cache
def _segmenter_in(slot: int) -> Any:
    import mediapipe as mp

    with BUILD_LOCK:
        return quiet_graph(lambda: mp.solutions.selfie_segmentation.SelfieSegmentation(
            model_selection=0))


register(_segmenter_in)


def person_mask(img: np.ndarray) -> np.ndarray:
    """HxW float32 in [0, 1]: probability that each pixel of an HxWx3 uint8 RGB image belongs
    to a person."""
    result = _segmenter().process(np.ascontiguousarray(img))
    mask = result.segmentation_mask
    if mask is None:
        return np.zeros(img.shape[:2], np.float32)
    return np.clip(np.asarray(mask, dtype=np.float32), 0.0, 1.0)
