"""A pasted face as out of focus as the template's (capabilities/retouch/focus.py)."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np

from portrait_studio.capabilities.retouch.focus import (
    EDGE_PER_SIGMA,
    defocus_sigma,
    edge_widths,
    may_be_defocused,
)
from portrait_studio.capabilities.watermark.types import WatermarkParams
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.masks import face_regions, face_scale
from portrait_studio.pipelines.fusion import fuse
from portrait_studio.pipelines.fusion_params import FusionParams, MergeEntry
from tests.conftest import fixture_image

NO_LOGO = FusionParams(watermark=WatermarkParams(enabled=False))


def _eyes_and_lips(img: np.ndarray, points: np.ndarray) -> tuple[float, float]:
    return edge_widths(img, face_regions(points, img.shape))


def test_an_edge_blurred_by_sigma_is_sqrt_2pi_sigma_wide() -> None:
    # two dark discs on light skin, one in each feature's mask
    img = np.full((120, 200, 3), 200, np.float32)
    cv2.circle(img, (60, 60), 20, (40, 40, 40), -1)
    cv2.circle(img, (140, 60), 20, (40, 40, 40), -1)
    eyes, lips = np.zeros((120, 200), np.float32), np.zeros((120, 200), np.float32)
    eyes[35:86, 35:86] = 1.0
    lips[35:86, 115:166] = 1.0
    regions = SimpleNamespace(eyes=eyes, lips=lips)
    for sigma in (2.0, 4.0):
        widths = edge_widths(cv2.GaussianBlur(img, (0, 0), sigma), regions)  # type: ignore[arg-type]
        for width in widths:
            assert abs(width - EDGE_PER_SIGMA * sigma) < 0.15 * EDGE_PER_SIGMA * sigma
    assert defocus_sigma((10.0, 10.0), (2.5, 2.5)) > 3.5
    assert defocus_sigma((3.5, 10.0), (2.5, 2.5)) == 0.0  # one feature in focus: no blur


def test_a_face_pasted_on_a_defocused_template_is_as_soft() -> None:
    """Ted Lieu's portrait blurred by 3 px stands for a face out of focus (a person behind
    the subject): Nancy Pelosi's face came out sharp on it (eyes' edges 2.3 px wide on a
    template's 6.6). Her face is now as soft as the template's (6.7)."""
    template = cv2.GaussianBlur(fixture_image("ted_lieu__house_official_1.jpg"), (0, 0), 3.0)
    t_points = detect_faces(template)[0].landmarks
    soft = _eyes_and_lips(template, t_points)
    assert may_be_defocused(soft, face_scale(t_points))
    result = fuse(template, [MergeEntry(fixture_image("nancy_pelosi__house_official_1.jpg"))],
                  NO_LOGO)
    points = result.traces[0].points
    eyes, lips = _eyes_and_lips(result.image, points)
    assert eyes > 0.8 * soft[0] and lips > 0.8 * soft[1]


def test_a_sharp_template_keeps_the_face_sharp() -> None:
    template = fixture_image("ted_lieu__house_official_1.jpg")
    t_points = detect_faces(template)[0].landmarks
    assert not may_be_defocused(_eyes_and_lips(template, t_points), face_scale(t_points))
    result = fuse(template, [MergeEntry(fixture_image("nancy_pelosi__house_official_1.jpg"))],
                  NO_LOGO)
    assert _eyes_and_lips(result.image, result.traces[0].points)[0] < 3.5
