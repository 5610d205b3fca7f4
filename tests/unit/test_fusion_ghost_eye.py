"""A template turned three-quarters: its far eye does not come back beside the new one
(capabilities/face_swap/core.py, _template_eyes / _erase_eyes)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.watermark.types import WatermarkParams
from portrait_studio.imaging.color import rgb_to_lab
from portrait_studio.perception import landmarks as lm
from portrait_studio.perception.masks import cheek_mask
from portrait_studio.pipelines.fusion import FusionParams, MergeEntry, fuse
from tests.conftest import corpus_path, fixture_image

TURNED = "persons/vitonhd_01008_00__ootdiffusion.jpg"


@pytest.mark.parametrize("user", ["jake_auchincloss__house_official_1.jpg",
                                  "nancy_pelosi__house_official_1.jpg"])
def test_no_ghost_of_the_template_eye_below_the_new_one(user: str) -> None:
    """vitonhd_01008 looks aside, her head turned: her far eye sits 10 px lower than the new
    face's after the outline warp, right where the blend weight falls off at the far cheek,
    and the pyramid's bands brought her iris and lashes back under the new eye (a ghost eye:
    49 pixels 20 L* darker than the cheeks under Jake Auchincloss's far eye, 12 under Nancy
    Pelosi's). The template's eyes are painted out where they would show: none."""
    bgr = cv2.imread(str(corpus_path(TURNED)))
    assert bgr is not None
    template = np.ascontiguousarray(bgr[:, :, ::-1])
    res = fuse(template, [MergeEntry(fixture_image(user))],
               FusionParams(watermark=WatermarkParams(enabled=False)))
    pts = res.traces[0].points
    a, b = pts[list(lm.LEFT_EYE)], pts[list(lm.RIGHT_EYE)]
    far = a if a[:, 0].mean() > b[:, 0].mean() else b
    d = float(np.linalg.norm(pts[33] - pts[263]))
    rows = slice(int(far[:, 1].max() + 0.06 * d), int(far[:, 1].max() + 0.3 * d))
    cols = slice(int(far[:, 0].min()), int(far[:, 0].max()))
    light = rgb_to_lab(res.image)[..., 0]
    skin = float(np.median(light[cheek_mask(pts, template.shape) > 0.5]))
    under = light[rows, cols]
    assert under.size > 300
    assert int((under < skin - 20).sum()) == 0
