"""Helpers shared by the style benchmarks (bench_repaint.py, bench_restyle.py).

Images are HxWx3 uint8 RGB; identity is dlib's 128-D embedding of the largest face.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np


def dist(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    from portrait_studio.perception.identity import distance

    return None if a is None or b is None else distance(a, b)


def fmt(value: float | None, fmt: str = ".3f") -> str:
    return "-" if value is None else format(value, fmt)


def init_worker() -> None:
    cv2.setNumThreads(1)


def stats(values: list[float]) -> dict[str, float]:
    """p50, p95, mean, min and max of a list of timings."""
    arr = np.asarray(values, np.float64)
    return {"p50": float(np.percentile(arr, 50)), "p95": float(np.percentile(arr, 95)),
            "mean": float(arr.mean()), "min": float(arr.min()), "max": float(arr.max())}


def run_pool(task: Callable[[Any], dict[str, Any]], tasks: list[Any],
             workers: int) -> list[dict[str, Any]]:
    """``task`` over ``tasks`` in ``workers`` spawned processes (one OpenCV thread each), in
    order, printing progress (each result's ``person``, elapsed seconds, load) as they come."""
    start, done = time.perf_counter(), []
    with mp.get_context("spawn").Pool(workers, initializer=init_worker) as pool:
        for i, res in enumerate(pool.imap(task, tasks), 1):
            done.append(res)
            print(f"  outputs {i}/{len(tasks)} {res['person']} "
                  f"({time.perf_counter() - start:.0f} s, load {os.getloadavg()[0]:.2f})",
                  flush=True)
    return done


def loads_text(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def ok_text(flag: bool) -> str:
    return "yes" if flag else "**no**"


def load(path: Path) -> np.ndarray:
    """HxWx3 uint8 RGB (alpha composited on white)."""
    from portrait_studio.imaging.codec import decode_image

    return np.asarray(decode_image(path.read_bytes()), np.uint8)


def shrink(img: np.ndarray, side: int) -> np.ndarray:
    scale = side / min(img.shape[:2])
    if scale >= 1:
        return img
    size = (round(img.shape[1] * scale), round(img.shape[0] * scale))
    return np.ascontiguousarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA))


def embed(img: np.ndarray) -> np.ndarray | None:
    """dlib descriptor of the largest detected face, or None when no face is found."""
    from portrait_studio.perception.faces import detect_faces
    from portrait_studio.perception.identity import embedding

    faces = detect_faces(img)
    if not faces:
        return None
    return np.asarray(embedding(img, max(faces, key=lambda f: f.box.area).box))
