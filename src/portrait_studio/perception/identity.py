"""Identity embedding: dlib's 128-D ResNet face descriptor (CC0 weights from
``face-recognition-models``), aligned by dlib's CC0 5-point shape predictor.

Convention (dlib): Euclidean distance < 0.6 means the same person.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ..models.registry import dlib_model
from .faces import Box

SAME_PERSON_THRESHOLD = 0.6


@cache
def _models() -> tuple[Any, Any]:
    import dlib

    shape = dlib.shape_predictor(str(dlib_model("shape_predictor_5_face_landmarks.dat")))
    net = dlib.face_recognition_model_v1(str(dlib_model("dlib_face_recognition_resnet_model_v1.dat")))
    return shape, net


def embedding(img: np.ndarray, box: Box, jitters: int = 0) -> np.ndarray:
    """128-D float32 descriptor of the face in ``box`` of an HxWx3 uint8 RGB image."""
    import dlib

    shape_predictor, net = _models()
    x, y, w, h = box.as_ints()
    rect = dlib.rectangle(x, y, x + w, y + h)
    shape = shape_predictor(np.ascontiguousarray(img), rect)
    desc = net.compute_face_descriptor(np.ascontiguousarray(img), shape, jitters)
    return np.asarray(desc, dtype=np.float32)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two descriptors (< 0.6: same person)."""
    return float(np.linalg.norm(a.astype(np.float64) - b.astype(np.float64)))
