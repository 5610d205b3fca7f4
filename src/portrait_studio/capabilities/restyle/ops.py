"""Float blend operations with numpy broadcasting (restyle's own, so its looks do not depend on
the uint8 fast paths of :mod:`..stylize.toolkit`).

Inputs are HxWx3 uint8 or float32 (0..255); masks HxW float32 0..1; results float32 0..255
(unclipped: round with :func:`..stylize.toolkit.u8`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float32]
Array = NDArray[np.generic]


def _f(x: Array | float) -> Float:
    return np.asarray(x, np.float32)


def _chan(layer: Array) -> Float:
    lay = _f(layer)
    return lay[..., None] if lay.ndim == 2 else lay


def mix(a: Array, b: Array, t: float | Array) -> Float:
    """(1 - t) * a + t * b; ``t`` a scalar or an HxW mask."""
    tt = _f(t)
    if tt.ndim == 2:
        tt = tt[..., None]
    return np.asarray(_f(a) + (_f(b) - _f(a)) * tt, np.float32)


def screen(img: Array, layer: Array) -> Float:
    """Screen blend 255 - (255 - a)(255 - b)/255; ``layer`` HxW or HxWx3."""
    return np.asarray(255.0 - (255.0 - _f(img)) * (255.0 - _chan(layer)) / 255.0, np.float32)


def ink(img: Array, coverage: Array, colour: tuple[int, int, int]) -> Float:
    """``colour`` laid over ``img`` with per-pixel ``coverage`` (HxW 0..1)."""
    cov = np.clip(_f(coverage), 0.0, 1.0)[..., None]
    return np.asarray(_f(img) * (1.0 - cov) + np.asarray(colour, np.float32) * cov, np.float32)
