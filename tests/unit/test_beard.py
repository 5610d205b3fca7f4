"""A user's full beard is blended with the face, not cut out into a grey smear; other users'
occlusion cuts are untouched."""

from __future__ import annotations

from functools import cache

import numpy as np

from portrait_studio.capabilities.face_swap.beard import (
    BEARD_SHARE,
    beard_share,
    chin_patch,
    keep_beard,
    lower_face,
)
from portrait_studio.capabilities.watermark.types import WatermarkParams
from portrait_studio.imaging.color import rgb_to_lab
from portrait_studio.perception import landmarks as lm
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.masks import face_scale
from portrait_studio.pipelines.fusion import FusionResult, fuse
from portrait_studio.pipelines.fusion_params import FusionParams, MergeEntry
from tests.conftest import fixture_image

DONALDS = "byron_donalds__house_official_1.jpg"
SEWELL, KIM = "terri_a_sewell__house_official_1.jpg", "andy_kim__house_official_1.jpg"


def _points() -> np.ndarray:
    """Landmarks of a real face (Andy Kim), for fields of his photo's size."""
    return detect_faces(fixture_image(KIM))[0].landmarks


def test_lower_face_ramps_in_below_the_nose_tip() -> None:
    pts = _points()
    zone = lower_face(pts, (410, 335), face_scale(pts))
    tip = int(pts[lm.NOSE_TIP, 1])
    assert zone[tip - 1].max() == 0.0
    assert zone[int(pts[lm.CHIN, 1])].min() == 1.0
    assert 0.0 < zone[tip + 3, 0] < 1.0


def test_a_cut_chin_is_a_beard_and_the_lower_face_is_kept() -> None:
    pts, shape = _points(), (410, 335)
    scale = face_scale(pts)
    cut = np.zeros(shape, np.float32)
    cut[:40] = 1.0                                 # a fringe at the top stays cut
    cut[int(pts[lm.NOSE_TIP, 1]) + 20:] = 1.0      # the whole lower face: a full beard
    assert beard_share(cut, pts, scale) == 1.0
    kept = keep_beard(cut, pts, scale)
    assert kept[:40].min() == 1.0
    assert kept[int(pts[lm.CHIN, 1])].max() == 0.0


def test_a_shadow_under_the_lip_is_not_a_beard() -> None:
    pts, shape = _points(), (410, 335)
    scale = face_scale(pts)
    cut = np.zeros(shape, np.float32)
    ys, xs = chin_patch(pts, shape, scale)
    rows = ys.stop - ys.start
    cut[ys.start:ys.start + int(rows * 0.3), xs] = 1.0   # 30% of the chin patch
    assert beard_share(cut, pts, scale) < BEARD_SHARE
    assert keep_beard(cut, pts, scale) is cut


@cache
def _fused(user: str) -> FusionResult:
    params = FusionParams(watermark=WatermarkParams(enabled=False))
    return fuse(fixture_image(SEWELL), [MergeEntry(fixture_image(user))], params)


def _chin(result: FusionResult) -> tuple[slice, slice]:
    pts = result.traces[0].points
    return chin_patch(pts, result.image.shape, face_scale(pts))


def _chin_lightness(user: str) -> tuple[float, float, float, float]:
    """Median L* of the chin patch: (user photo, result, template there) and the result's
    mean blend weight there, for ``user`` fused into Terri Sewell."""
    result = _fused(user)
    patch = _chin(result)
    photo = fixture_image(user)
    u_pts = detect_faces(photo)[0].landmarks
    own = photo[chin_patch(u_pts, photo.shape, face_scale(u_pts))]
    values = [float(np.median(rgb_to_lab(img)[..., 0]))
              for img in (own, result.image[patch], fixture_image(SEWELL)[patch])]
    return values[0], values[1], values[2], float(result.traces[0].mask[patch].mean())


def test_a_bearded_users_chin_is_blended_fully_and_stays_dark() -> None:
    beard_l, chin_l, template_l, weight = _chin_lightness(DONALDS)
    # the beard was cut out before: weight 0.19 on average, and the template's chin under a
    # grey smear (L* 43, 9 below the template's chin; the beard is 21)
    assert weight > 0.8
    assert abs(chin_l - beard_l) < 15.0, (chin_l, beard_l)  # relit to the template's light
    assert template_l - chin_l > 15.0, (template_l, chin_l)


def test_a_clean_shaven_users_chin_is_his_skin() -> None:
    own_l, chin_l, template_l, weight = _chin_lightness(KIM)
    assert weight > 0.8
    assert abs(chin_l - own_l) < 10.0 and chin_l - template_l > 20.0, (chin_l, own_l)
