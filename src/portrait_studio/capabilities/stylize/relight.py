"""Toy-like 3D shading: treat smoothed luminance as a height field, light it with a soft key
light and a rim light, and add glossy specular highlights (Blinn-Phong), at working size.

Images are HxWx3 uint8 RGB; shading maps HxW float32.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float32]


def normals(height: Float, relief: float) -> tuple[Float, Float, Float]:
    """Unit surface normals (nx, ny, nz) of a height field scaled by ``relief``; slopes are
    squashed (tanh) so sharp steps become rounded bevels, not ridges."""
    gx = np.tanh(cv2.Sobel(height, cv2.CV_32F, 1, 0, ksize=3) * relief) * 0.9
    gy = np.tanh(cv2.Sobel(height, cv2.CV_32F, 0, 1, ksize=3) * relief) * 0.9
    norm = 1.0 / np.sqrt(gx * gx + gy * gy + 1.0)
    f = np.float32
    return (np.asarray(-gx * norm, f), np.asarray(-gy * norm, f), np.asarray(norm, f))


def shade(height: Float, relief: float, light: tuple[float, float, float],
          gloss: float = 24.0) -> tuple[Float, Float]:
    """(diffuse in 0..1, specular in 0..1) for a directional ``light`` (x, y, z; toward it)."""
    nx, ny, nz = normals(height, relief)
    lx, ly, lz = np.asarray(light, np.float32) / float(np.linalg.norm(light))
    diffuse = np.clip(nx * lx + ny * ly + nz * lz, 0.0, 1.0)
    hx, hy, hz = lx, ly, lz + 1.0
    hn = float(np.sqrt(hx * hx + hy * hy + hz * hz))
    spec = np.clip((nx * hx + ny * hy + nz * hz) / hn, 0.0, 1.0) ** gloss
    return np.asarray(diffuse, np.float32), np.asarray(spec, np.float32)
