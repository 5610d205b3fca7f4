"""Dynamic-programming paths through score tables (perception/paths.py)."""

from __future__ import annotations

import numpy as np

from portrait_studio.perception.paths import ring_paths, row_path, row_paths


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


def _best_rows(score: np.ndarray) -> list[int]:
    """The reference: plain dynamic programming, one cell at a time (ties: from the row
    above, then the same row, then the row below)."""
    n_rows, n_cols = score.shape
    acc = [float(v) for v in score[:, 0]]
    back = [[0] * n_rows for _ in range(n_cols)]
    for x in range(1, n_cols):
        nxt = []
        for r in range(n_rows):
            options = [(acc[r + d], d) for d in (-1, 0, 1) if 0 <= r + d < n_rows]
            top = max(v for v, _ in options)
            step = next(d for v, d in options if v == top)
            back[x][r] = step
            nxt.append(float(np.float32(top) + score[r, x]))
        acc = nxt
    rows = [int(np.argmax(acc))]
    for x in range(n_cols - 1, 0, -1):
        rows.append(rows[-1] + back[x][rows[-1]])
    return rows[::-1]


def test_row_paths_trace_several_tables_at_once_as_plain_dynamic_programming() -> None:
    """Tables with many ties (scores of a few levels): each batch row is the reference's
    path, and so is :func:`row_path` of each table alone."""
    rng = np.random.default_rng(3)
    for _ in range(40):
        rows, cols = int(rng.integers(1, 12)), int(rng.integers(1, 20))
        tables = np.round(rng.random((2, rows, cols)) * 3).astype(np.float32) * 1.5
        found = row_paths(tables)
        assert found.shape == (2, cols)
        for table, path in zip(tables, found, strict=True):
            assert path.tolist() == _best_rows(table)
            assert row_path(table).tolist() == path.tolist()
    # a tie between going up and going down: up wins; between up and straight on: up
    table = np.array([[0, 5, 0], [0, 0, 9], [0, 5, 0]], np.float32)
    assert row_path(table).tolist() == [0, 0, 1]
    assert row_path(np.array([[1, 0], [1, 5]], np.float32)).tolist() == [0, 1]
