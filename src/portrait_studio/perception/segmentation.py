"""Person segmentation: MediaPipe selfie segmentation (general model, 256x256 input)."""

from __future__ import annotations

from collections.abc import Callable
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
    return person_mask_started(img)()


def person_mask_started(img: np.ndarray) -> Callable[[], np.ndarray]:
    """:func:`person_mask` of ``img`` started on this thread's segmentation graph, which
    runs on MediaPipe's own threads, without waiting for it (the caller meanwhile does
    other work, e.g. finding faces on another graph): the returned function waits for it
    and gives the mask (the same one each call; one left unread is waited for before this
    thread's segmenter takes the next image). MediaPipe's ``process`` split in two: the
    packet in, then the wait for the idle graph and its output."""
    seg = _segmenter()
    pending = _PENDING.pop(graph_slot(), None)
    if pending is not None:  # one left unread (its caller raised): the graph is left idle
        pending()
    seg._graph_outputs.clear()
    seg._simulated_timestamp += 33333
    data = np.ascontiguousarray(img)  # kept alive until the graph is done with it
    packet = seg._make_packet(seg._input_stream_type_info["image"], data)
    seg._graph.add_packet_to_input_stream(stream="image",
                                          packet=packet.at(seg._simulated_timestamp))
    done: list[np.ndarray] = []

    def result() -> np.ndarray:
        if not done:
            seg._graph.wait_until_idle()
            out = seg._graph_outputs.get("segmentation_mask")
            mask = None if out is None else seg._get_packet_content(
                seg._output_stream_type_info["segmentation_mask"], out)
            done.append(np.zeros(data.shape[:2], np.float32) if mask is None else
                        np.clip(np.asarray(mask, dtype=np.float32), 0.0, 1.0))
            if _PENDING.get(slot) is result:
                del _PENDING[slot]
        return done[0]

    slot = graph_slot()
    _PENDING[slot] = result
    return result


_PENDING: dict[int, Callable[[], np.ndarray]] = {}  # per graph set: a started, unread mask
