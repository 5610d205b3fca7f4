"""Rows and widths on the person that the new garments are fitted to.

Measured in a vertical strip around the torso's centre line (the middle of the shoulder and
hip joints): the lowest row of the old top (its hem), the top row of the old bottom (its
waistband) and the old bottom's width just below that row (the run through the centre line,
arms and hands left out). Masks HxW bool, rows and widths in image pixels.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .body import Body
from .fit import Anchors, body_frame
from .kinds import row_runs

Mask = NDArray[np.bool_]
SEEN = 0.5           # a knee seen at least this surely (and inside the photo) shows its leg
STRIP = 0.2          # half width of the centre strip, x shoulder width
SHARE = 0.4          # a row belongs to a garment when it covers this share of the strip
CHEST_SLACK = 0.03   # the chest may end this far (x shoulder width) beyond an upper arm bone


def _centre_xs(body: Body) -> NDArray[np.float32]:
    """x of the torso's centre line on every image row."""
    frame = body_frame(body.pose)
    ys = np.arange(body.person.shape[0], dtype=np.float32)
    if abs(float(frame.down[1])) < 1e-3:
        return np.full(ys.shape, float(frame.origin[0]), np.float32)
    v = (ys - float(frame.origin[1])) / float(frame.down[1])
    xs: NDArray[np.float32] = (frame.origin[0] + frame.down[0] * v).astype(np.float32)
    return xs


def _strip_share(mask: Mask, body: Body) -> NDArray[np.float32]:
    """Per row, the share of ``mask`` in the strip around the torso's centre line."""
    h, w = mask.shape
    half = STRIP * body.pose.shoulder_width
    cxs = _centre_xs(body)
    x0 = np.clip(cxs - half, 0, w).astype(int)
    x1 = np.clip(cxs + half, 0, w).astype(int)
    sums = np.concatenate([np.zeros((h, 1)), np.cumsum(mask, axis=1)], axis=1)
    rows = np.arange(h)
    count = sums[rows, x1] - sums[rows, x0]
    share: NDArray[np.float32] = (count / np.maximum(x1 - x0, 1)).astype(np.float32)
    return share


def _rows_between(body: Body) -> tuple[int, int]:
    frame = body_frame(body.pose)
    y0 = float(frame.origin[1] + frame.down[1] * 0.35 * frame.torso_len)
    y1 = float(frame.origin[1] + frame.down[1] * 1.2 * frame.torso_len)
    h = body.person.shape[0]
    return int(np.clip(y0, 0, h - 1)), int(np.clip(y1, 0, h - 1))


def old_top_hem(body: Body) -> float | None:
    """Lowest row (at the body's centre) of the old top above the top/bottom split."""
    y0, y1 = _rows_between(body)
    share = _strip_share(body.old_top, body)
    rows = [y for y in range(y0, min(y1, int(body.split_y) + 4)) if share[y] > SHARE]
    return float(rows[-1]) if rows else None


def old_bottom_top(body: Body) -> float | None:
    """Top row (at the body's centre) of the old bottom below the split."""
    y0, y1 = _rows_between(body)
    share = _strip_share(body.old_bottom, body)
    rows = [y for y in range(max(y0, int(body.split_y) - 4), y1) if share[y] > SHARE]
    return float(rows[0]) if rows else None


def _width_below(mask: Mask, body: Body, y: float, depth: float = 0.08) -> float | None:
    """Median width (px) of ``mask``'s run through the centre line over the rows from
    ``y`` down ``depth`` torso lengths."""
    return _median_width(body, y, depth, lambda row, cx: _run_at(mask[row], cx))


def _run_at(row: NDArray[np.bool_], cx: float) -> tuple[int, int] | None:
    """[start, end) of the run of ``row`` through x = ``cx`` (None without one)."""
    return next(((a, b) for a, b in row_runs(row) if a <= cx < b), None)


def _median_width(body: Body, y: float, depth: float,
                  run: Callable[[int, float], tuple[int, int] | None]) -> float | None:
    """Median width (px) of ``run(row, centre x)`` over the image rows from ``y`` down
    ``depth`` torso lengths (None when no row has a run)."""
    frame = body_frame(body.pose)
    cxs = _centre_xs(body)
    widths = []
    for row in range(int(y) + 2, int(y + depth * frame.torso_len) + 3):
        if 0 <= row < len(cxs):
            found = run(row, float(cxs[row]))
            if found is not None:
                widths.append(found[1] - found[0])
    return float(np.median(widths)) if widths else None


def shoulder_lift(body: Body) -> float | None:
    """How far the old top reaches above the shoulder joints (median of both sides, px)."""
    pose, top = body.pose, body.old_top
    half = max(2, int(0.04 * pose.shoulder_width))
    lifts = []
    for side in pose.sides():
        x, y = (int(v) for v in pose.p(side["shoulder"]))
        band = top[max(0, y - int(0.4 * pose.shoulder_width)):max(0, y + 1),
                   max(0, x - half):x + half + 1]
        rows = np.flatnonzero(band.mean(axis=1) > 0.5) if band.size else np.array([])
        if len(rows):
            lifts.append(float(band.shape[0] - 1 - rows[0]))
    return float(np.median(lifts)) if lifts else None


def anchors(body: Body) -> Anchors:
    """Fit anchors of the person (None where a measure is not found)."""
    waist = old_bottom_top(body)
    free = body.old_bottom & ~body.hands & ~body.arms
    width = None if waist is None else _width_below(free, body, waist)
    return Anchors(waist_y=waist, waist_w=width, hem_y=old_top_hem(body),
                   lift=shoulder_lift(body), chest_w=chest_width(body),
                   inner_w=between_arms(body), legs=leg_rows(body))


def leg_rows(body: Body) -> tuple[float, float, float] | None:
    """Mean rows (image y) of the hip, knee and ankle joints of the legs whose knee is seen
    (visibility at least ``SEEN``, inside the photo); an ankle not seen is continued past
    its knee by the thigh's length. None without such a leg (an upper-body crop: the pose
    model guesses knees below the photo's edge)."""
    pose = body.pose
    h = body.person.shape[0]
    legs = []
    for side in pose.sides():
        hip, knee, ankle = (pose.p(side[k]) for k in ("hip", "knee", "ankle"))
        if pose.visibility[side["knee"]] < SEEN or not 0 <= float(knee[1]) < h:
            continue
        if pose.visibility[side["ankle"]] < SEEN or float(ankle[1]) >= h:
            ankle = knee + (knee - hip)
        legs.append((float(hip[1]), float(knee[1]), float(ankle[1])))
    if not legs:
        return None
    hip_y, knee_y, ankle_y = np.mean(np.array(legs), axis=0)
    return float(hip_y), float(knee_y), float(ankle_y)


def between_arms(body: Body) -> float | None:
    """Median width (px) of the old top's run through the centre line, the arm zones and
    hands left out, over 0.35-0.5 torso lengths below the shoulder line."""
    frame = body_frame(body.pose)
    y = float(frame.origin[1] + frame.down[1] * 0.35 * frame.torso_len)
    free = body.old_top & ~body.arms & ~body.hands
    return _width_below(free, body, y, 0.15)


def chest_width(body: Body) -> float | None:
    """Median width (px) of the old top's run through the centre line over 0.35-0.5 torso
    lengths below the shoulder line. On each side the run ends where the old top does when
    bare arm skin touches it there and that end is not beyond the upper arm's bone (a
    sleeveless top: the arm zones reach into the torso, and leaving them out measured a
    slim woman's black top 17% narrow), else where the arm zones begin (a sleeve against
    the torso, or a slanted sleeve hem above the bare arm, is not chest)."""
    frame = body_frame(body.pose)
    y = float(frame.origin[1] + frame.down[1] * 0.35 * frame.torso_len)
    top = body.old_top & ~body.hands
    free = top & ~body.arms
    bare = body.skin & ~body.hands
    slack = CHEST_SLACK * body.pose.shoulder_width

    def run(row: int, cx: float) -> tuple[int, int] | None:
        bones = _bone_xs(body, row)
        return _chest_run(top[row], free[row], bare[row], cx,
                          (bones[0] - slack, bones[1] + slack))

    return _median_width(body, y, 0.15, run)


def _bone_xs(body: Body, row: int) -> tuple[float, float]:
    """x of the image-left and image-right upper arm bones (shoulder -> elbow, extended)
    on image row ``row``."""
    xs = []
    for side in body.pose.sides():
        a, b = body.pose.p(side["shoulder"]), body.pose.p(side["elbow"])
        dy = float(b[1] - a[1])
        t = (row - float(a[1])) / dy if abs(dy) > 1e-3 else 0.0
        xs.append(float(a[0] + t * (b[0] - a[0])))
    return xs[0], xs[1]


def _chest_run(top: NDArray[np.bool_], free: NDArray[np.bool_], bare: NDArray[np.bool_],
               cx: float, limits: tuple[float, float]) -> tuple[int, int] | None:
    """[start, end) of the chest in one row: the old top's run through ``cx``, each end
    kept where ``bare`` skin lies within 3 px beyond it and the end is within ``limits``
    (x), else that of the run of ``free`` (the old top outside the arm zones); None
    without a ``free`` run."""
    full, inner = _run_at(top, cx), _run_at(free, cx)
    if full is None or inner is None:
        return None
    left = full[0] if full[0] >= limits[0] and bare[max(0, full[0] - 3):full[0]].any() \
        else inner[0]
    right = full[1] if full[1] <= limits[1] and bare[full[1]:full[1] + 3].any() else inner[1]
    return left, right
