"""Dynamic-programming paths through score tables (perception/paths.py)."""

from __future__ import annotations

import numpy as np

from portrait_studio.perception.paths import ring_paths


def _ring(radii: np.ndarray, n_rad: int) -> np.ndarray:
    """angles x radii table scoring 10 on the path ``radii`` (one radius per angle), 0 else."""
    table = np.zeros((len(radii), n_rad), np.float32)
    table[np.arange(len(radii)), radii] = 10.0
    return table


def test_ring_paths_follow_each_tables_closed_path_in_one_pass() -> None:
    angles = np.arange(24)
    wave = (8 + np.round(3 * np.sin(2 * np.pi * angles / 24))).astype(np.int64)
    flat = np.full(24, 4, np.int64)
    found = ring_paths(np.stack([_ring(wave, 16), _ring(flat, 16)]), 3)
    assert found.shape == (2, 24)
    assert np.array_equal(found[0], wave)
    assert np.array_equal(found[1], flat)


def test_ring_paths_move_at_most_the_step_per_angle() -> None:
    """A lone high score 6 radii off the path cannot be reached in one step of 2: the path
    stays on the ring (a closed path: it must also come back)."""
    ring = np.full(16, 3, np.int64)
    table = _ring(ring, 12)
    table[8, 9] = 25.0
    found = ring_paths(table[None], 2)[0]
    assert np.abs(np.diff(np.concatenate([found, found[:1]]))).max() <= 2
    assert found[8] < 9
