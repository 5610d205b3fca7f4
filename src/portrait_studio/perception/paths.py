"""Best paths through a score table by dynamic programming (used to trace thin lines, e.g.
an eyeglass frame's bridge and its lens rims). Scores are float32 2-D arrays; higher is better.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

NEG = np.float32(-1e9)  # outside the table


def row_path(score: np.ndarray) -> np.ndarray:
    """Row per column of the best left-to-right path through ``score`` (rows x cols) moving
    at most one row per column (ties: the upper row, then straight on)."""
    path: np.ndarray = row_paths(score[None])[0]
    return path


def row_paths(scores: np.ndarray) -> np.ndarray:
    """:func:`row_path` of each of the B tables ``scores`` (B x rows x cols), traced side
    by side in one pass over the columns: B x cols."""
    n_b, n_rows, n_cols = scores.shape
    padded = np.full((n_b, n_rows + 2), NEG, np.float32)
    acc = padded[:, 1:-1]  # a view: each column's sums are written into the padded rows
    acc[...] = scores[:, :, 0]
    back = np.zeros((n_cols, n_b, n_rows), np.int64)
    up, down = padded[:, :-2], padded[:, 2:]  # from the row above, from the row below
    best = np.empty_like(acc)
    for x in range(1, n_cols):
        # the first best of the row above, the same row and the row below (argmax's order)
        np.maximum(np.maximum(up, acc, out=best), down, out=best)
        np.not_equal(best, acc, out=back[x], casting="unsafe")  # 1: above or below
        np.copyto(back[x], -1, where=up == best)
        np.add(best, scores[:, :, x], out=acc)
    rows = np.zeros((n_b, n_cols), np.int64)
    rows[:, -1] = acc.argmax(axis=1)
    every = np.arange(n_b)
    for x in range(n_cols - 1, 0, -1):
        rows[:, x - 1] = rows[:, x] + back[x, every, rows[:, x]]
    return rows


def ring_paths(scores: np.ndarray, step_max: int) -> np.ndarray:
    """Radius index per angle of the best closed path through each of the B tables
    ``scores`` (B x angles x radii), moving at most ``step_max`` per angle (two laps, the
    second one kept): B x angles. The tables are traced in one pass, side by side,
    ``step_max`` unreachable radii apart, each traced back from its own best end."""
    n_b, n_ang, n_rad = scores.shape
    gap = np.full((n_b, n_ang, step_max), NEG, np.float32)
    table = np.concatenate([scores, gap], axis=2).transpose(1, 0, 2).reshape(n_ang, -1)
    width = table.shape[1]
    penalty = np.abs(np.arange(step_max, -step_max - 1, -1)).astype(np.float32)[:, None]
    acc, backs = np.zeros(width, np.float32), np.zeros((2 * n_ang, width), np.int64)
    padded, cols = np.full(width + 2 * step_max, NEG, np.float32), np.arange(width)
    came = sliding_window_view(padded, width)[::-1]  # row j: from radius r + step_max - j
    for k in range(2 * n_ang):
        padded[step_max:-step_max] = acc
        cand = came - penalty
        step = cand.argmax(axis=0)
        acc = cand[step, cols] + table[k % n_ang]
        backs[k] = step - step_max
    return np.stack([_trace_back(backs, acc, i * (n_rad + step_max), n_rad, n_ang)
                     for i in range(n_b)])


def _trace_back(backs: np.ndarray, acc: np.ndarray, start: int, n_rad: int,
                n_ang: int) -> np.ndarray:
    """The second lap (``n_ang`` radius indices) of the path ending at the best of the
    table's columns ``start`` .. ``start + n_rad``."""
    idx = np.zeros(len(backs), np.int64)
    idx[-1] = start + int(acc[start:start + n_rad].argmax())
    for k in range(len(backs) - 1, 0, -1):
        idx[k - 1] = idx[k] - backs[k, idx[k]]
    out: np.ndarray = idx[n_ang:] - start
    return out
