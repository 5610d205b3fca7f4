"""MediaPipe legacy ``solutions`` graphs (tflite models shipped in the mediapipe 0.10.14 wheel).

Graph construction and the first inference print TensorFlow Lite / absl chatter straight to
file descriptor 2; :func:`quiet_graph` builds a graph and warms it up with that descriptor
silenced, so server logs and CLI output stay clean. One graph per process (not thread-safe).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

warnings.filterwarnings("ignore", message=r"SymbolDatabase\.GetPrototype")


@contextmanager
def silenced_stderr() -> Iterator[None]:
    """Redirect file descriptor 2 to /dev/null for the duration (C++ logging included)."""
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def quiet_graph(factory: Callable[[], Any], warmup_shape: tuple[int, int] = (64, 64)) -> Any:
    """Build a MediaPipe solution with ``factory`` and run it once on a blank image, quietly."""
    with silenced_stderr():
        graph = factory()
        graph.process(np.zeros((*warmup_shape, 3), np.uint8))
    return graph
