"""The pasted face is as crisp at the pixel scale as the template photo's own bare skin.

Crispness here is measured independently of the engine: the mean square of the luma's
mean-subtracted, contrast-normalised value (BRISQUE's local statistic, Gaussian window of
7/6 px), which drops when detail is soft at the scale of a pixel or two.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.watermark.types import WatermarkParams
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.masks import cheek_mask, face_regions
from portrait_studio.pipelines.fusion import FusionParams, MergeEntry, fuse
from tests.conftest import fixture_image

PELOSI, BENNIE = "nancy_pelosi__house_official_1.jpg", "bennie_g_thompson__house_official_1.jpg"


def _mscn2(img: np.ndarray) -> np.ndarray:
    g = np.asarray(img, np.float64).mean(axis=2)
    mu = cv2.GaussianBlur(g, (7, 7), 7 / 6)
    sd = np.sqrt(np.abs(cv2.GaussianBlur(g * g, (7, 7), 7 / 6) - mu * mu))
    out: np.ndarray = ((g - mu) / (sd + 1.0)) ** 2
    return out


def test_the_new_face_is_as_crisp_as_a_sharp_templates_cheeks() -> None:
    template = fixture_image(BENNIE)  # a sharp studio photo (his bench BRISQUE is 0.4)
    result = fuse(template, [MergeEntry(fixture_image(PELOSI))],
                  FusionParams(watermark=WatermarkParams(enabled=False)))
    t_points = detect_faces(template)[0].landmarks
    cheeks = cheek_mask(t_points, template.shape) > 0.5
    trace = result.traces[0]
    # the face's skin, well inside the blend (12 px from its 0.9 level)
    inner = cv2.erode((trace.mask > 0.9).astype(np.uint8), np.ones((25, 25), np.uint8)) > 0
    new_skin = (face_regions(trace.points, template.shape).skin > 0.5) & inner
    assert new_skin.sum() > 5000
    ratio = _mscn2(result.image)[new_skin].mean() / _mscn2(template)[cheeks].mean()
    # before: 0.86 (the face pasted softer than the photo around it); now 1.01
    assert ratio > 0.97


def _skin_patch(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur(rng.normal(0, 20, (160, 160)).astype(np.float32), (0, 0), 6)
    pores = rng.normal(0, 4, (160, 160)).astype(np.float32)
    plane = 150 + base + pores
    return np.repeat(plane[..., None], 3, axis=2)


def test_a_soft_patch_is_sharpened_up_to_the_target_and_no_further() -> None:
    from portrait_studio.capabilities.retouch.crisp import match_crispness

    sharp = _skin_patch(1)
    soft = cv2.GaussianBlur(_skin_patch(2), (0, 0), 0.5)
    inner = np.zeros((160, 160), np.float32)
    inner[20:140, 20:140] = 1.0
    sel = inner > 0.5
    target = float(_mscn2(sharp)[sel].mean())
    before = float(_mscn2(soft)[sel].mean())
    out = match_crispness(soft.copy(), inner, target, inner)
    after = float(_mscn2(out)[sel].mean())
    assert before < 0.8 * target
    assert abs(after - target) < 0.08 * target
    assert np.array_equal(out[0:10], soft[0:10])  # weight 0: untouched
    # half the way (smoothing above the default), and none (full smoothing)
    half = float(_mscn2(match_crispness(soft.copy(), inner, target, inner, share=0.5))[sel].mean())
    assert abs(half - (before + target) / 2) < 0.08 * target
    assert np.array_equal(match_crispness(soft.copy(), inner, target, inner, share=0.0), soft)
    # a template softer than the face: nothing is added (no sharpening of a smooth photo)
    assert np.array_equal(match_crispness(sharp, inner, before, inner), sharp)


@pytest.mark.parametrize("user", ["grace_meng", "jake_auchincloss"])
def test_the_new_faces_noise_is_a_photos_not_white(user: str) -> None:
    """The noise a cleaner face gets up to the template's level was white: the finest band
    (luma less its 0.7 px blur) of the new face's cheeks on Bennie Thompson had a
    correlation of +0.04 and -0.07 between horizontal neighbours for these users (white
    noise's is -0.27, the template's own cheeks' +0.2): a pixel-to-pixel flicker the bench's
    BRISQUE read as a noisy photo. Now the noise is a photo's: +0.21..+0.24."""
    result = fuse(fixture_image(BENNIE), [MergeEntry(fixture_image(f"{user}__house_official_1.jpg"))],
                  FusionParams(watermark=WatermarkParams(enabled=False)))
    light = result.image.astype(np.float32).mean(axis=2)
    fine = light - cv2.GaussianBlur(light, (0, 0), 0.7)
    # the cheeks away from the face's outline: the mask's outer edge reaches it, where the
    # blue backdrop painted beside the shaved jaw meets the face in a step, no noise (since
    # the re-toning no longer lightens that paint, ff2fcd6: 0.15 with that edge; 0.21 away
    # from it, 0.22-0.23 before)
    cheeks = cv2.erode((cheek_mask(result.traces[0].points, light.shape) > 0.5).view(np.uint8),
                       np.ones((9, 9), np.uint8)) > 0
    cheeks[:, -1] = False
    right = np.roll(cheeks, 1, axis=1)  # each cheek pixel's right-hand neighbour
    assert cheeks.sum() > 800
    assert float(np.corrcoef(fine[cheeks], fine[right])[0, 1]) > 0.15
