"""Best paths through a score table by dynamic programming (used to trace thin lines, e.g.
an eyeglass frame's bridge and its lens rims). Scores are float32 2-D arrays; higher is better.
"""

from __future__ import annotations

import numpy as np

NEG = np.float32(-1e9)  # outside the table


def row_path(score: np.ndarray) -> np.ndarray:
    """Row per column of the best left-to-right path through ``score`` (rows x cols) moving
    at most one row per column (ties: the upper row, then straight on)."""
    n_rows, n_cols = score.shape
    acc, back = score[:, 0].astype(np.float32), np.zeros((n_cols, n_rows), np.int64)
    padded = np.full(n_rows + 2, NEG, np.float32)
    rows_idx = np.arange(n_rows)
    for x in range(1, n_cols):
        padded[1:-1] = acc
        cand = np.stack((padded[:-2], padded[1:-1], padded[2:]))  # from the row above, same, below
        step = cand.argmax(axis=0)
        acc = cand[step, rows_idx] + score[:, x]
        back[x] = step - 1
    rows = np.zeros(n_cols, np.int64)
    rows[-1] = int(acc.argmax())
    for x in range(n_cols - 1, 0, -1):
        rows[x - 1] = rows[x] + back[x, rows[x]]
    return rows


def ring_path(score: np.ndarray, step_max: int) -> np.ndarray:
    """Radius index per angle of the best closed path through ``score`` (angles x radii),
    moving at most ``step_max`` per angle (two laps, the second one kept)."""
    n_ang, n_rad = score.shape
    span = 2 * step_max + 1
    penalty = np.abs(np.arange(-step_max, step_max + 1)).astype(np.float32)[:, None]
    acc, backs = np.zeros(n_rad, np.float32), []
    padded = np.full(n_rad + 2 * step_max, NEG, np.float32)
    rad_idx = np.arange(n_rad)
    for k in range(2 * n_ang):
        padded[step_max:-step_max] = acc
        # candidate j comes from radius r + step_max - j (the larger radii first)
        cand = np.stack([padded[span - 1 - j:span - 1 - j + n_rad] for j in range(span)])
        cand -= penalty
        step = cand.argmax(axis=0)
        acc = cand[step, rad_idx] + score[k % n_ang]
        backs.append(step - step_max)
    idx = np.zeros(2 * n_ang, np.int64)
    idx[-1] = int(acc.argmax())
    for k in range(2 * n_ang - 1, 0, -1):
        idx[k - 1] = idx[k] - backs[k][idx[k]]
    return idx[n_ang:]
