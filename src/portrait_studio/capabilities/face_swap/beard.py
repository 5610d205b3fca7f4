"""A user's beard goes with their face.

The swap cuts the user's non-skin pixels (hair over the face, frames) out of the blend. A full
beard is non-skin too, and cutting it left the template's chin under a pyramid blend whose
coarse bands still carried the dark beard: a grey-blue smear over the lower face. When the
user's chin is mostly cut (a beard, not a shadow), the lower face is exempt from the cut, so
the beard is blended like the rest of the face and ends softly at the template's jaw.

Fields are hxw float32 on the swap's working grid; landmarks 478x2 in grid pixels.
"""

from __future__ import annotations

import numpy as np

from ...perception import landmarks as lm
from ...perception.masks import row_ramp

LOWER_LIP_BOTTOM = 17
BEARD_SHARE = 0.4    # share of the chin patch the cut must cover to be a beard
ZONE_RAMP = 0.3      # eye distances over which the exemption fades in below the nose tip


def chin_patch(points: np.ndarray, shape: tuple[int, ...], scale: float) -> (
        tuple[slice, slice]):
    """The chin below the lower lip, between the mouth corners (grid slices, may be empty)."""
    x0, x1 = sorted((points[lm.MOUTH_RIGHT, 0], points[lm.MOUTH_LEFT, 0]))
    y0 = points[LOWER_LIP_BOTTOM, 1] + 0.05 * scale
    y1 = points[lm.CHIN, 1] - 0.1 * scale
    h, w = shape[:2]
    return (slice(int(np.clip(y0, 0, h)), int(np.clip(y1, 0, h))),
            slice(int(np.clip(x0, 0, w)), int(np.clip(x1, 0, w))))


def beard_share(cut: np.ndarray, points: np.ndarray, scale: float) -> float:
    """Share (0..1) of the chin patch that ``cut`` marks as not skin (0 when it is empty)."""
    patch = cut[chin_patch(points, cut.shape, scale)]
    return float(np.mean(patch > 0.5)) if patch.size else 0.0


def lower_face(points: np.ndarray, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """0..1 by rows: 0 above the nose tip, 1 from :data:`ZONE_RAMP` eye distances below it."""
    return row_ramp(shape, float(points[lm.NOSE_TIP, 1]), ZONE_RAMP * scale)


def bearded(cut: np.ndarray, points: np.ndarray, scale: float) -> bool:
    """Whether the chin is a beard: :func:`beard_share` of the user's occlusion ``cut`` at
    least :data:`BEARD_SHARE`."""
    return beard_share(cut, points, scale) >= BEARD_SHARE


def keep_beard(cut: np.ndarray, points: np.ndarray, scale: float) -> np.ndarray:
    """``cut`` (the user's occlusion cut, hxw 0..1) without the lower face when the chin is
    a beard (:func:`bearded`); ``cut`` itself otherwise."""
    if not bearded(cut, points, scale):
        return cut
    return np.asarray(cut * (1.0 - lower_face(points, cut.shape, scale)), np.float32)


def lower_face_cut(cut: np.ndarray, dark: np.ndarray, points: np.ndarray,
                   scale: float) -> np.ndarray:
    """The user's occlusion ``cut`` (hxw 0..1) with its lower face exempt when the chin is a
    beard (:func:`keep_beard`), and otherwise kept there only where the user's pixels are
    far darker than the cheeks (``dark``, hxw 0..1: hair). The rest of the cut in the lower
    face is the user's chin, jaw and smile folds in shadow (darker than the cheeks and
    reaching the face's edge, as hair does): it took 10-28% of most users' lower faces, and
    the template's skin showed there instead (on a shaved template, painted skin with no
    chin of its own: a wide, shapeless lower face)."""
    kept = keep_beard(cut, points, scale)
    if kept is not cut:
        return kept
    zone = lower_face(points, cut.shape, scale)
    return np.asarray(cut * (1.0 - zone) + cut * dark * zone, np.float32)
