"""The template's upper forehead carries the new face's skin texture
(capabilities/face_swap/forehead.py)."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.face_swap.forehead import SwapFields, texture_forehead
from portrait_studio.capabilities.watermark.types import WatermarkParams
from portrait_studio.imaging import geometry as geo
from portrait_studio.perception import landmarks as lm
from portrait_studio.perception.faces import detect_faces
from portrait_studio.perception.masks import cheek_mask, face_regions, face_scale
from portrait_studio.pipelines.fusion import FusionResult, fuse
from portrait_studio.pipelines.fusion_params import FusionParams, MergeEntry
from tests.conftest import fixture_image

OWENS, DONALDS = "burgess_owens__house_official_1.jpg", "byron_donalds__house_official_1.jpg"
AUCHINCLOSS = "jake_auchincloss__house_official_1.jpg"
SEWELL = "terri_a_sewell__house_official_1.jpg"


@cache
def _fused(user: str, template: str) -> FusionResult:
    params = FusionParams(watermark=WatermarkParams(enabled=False))
    return fuse(fixture_image(template), [MergeEntry(fixture_image(user))], params)


def _lightness(img: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2Lab)
    return lab[..., 0].astype(np.float32) * np.float32(100.0 / 255.0)


def _fine(light: np.ndarray) -> np.ndarray:
    """L* minus its 1 px blur: grain and pores."""
    return light - cv2.GaussianBlur(light, (0, 0), 1.0)


def _template_forehead(result: FusionResult) -> np.ndarray:
    """HxW bool: the face oval above the brows that the blend leaves to the template."""
    trace = result.traces[0]
    pts, shape = trace.points, result.image.shape[:2]
    rows = np.arange(shape[0])[:, None]
    brow_y = pts[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min() - 0.05 * face_scale(pts)
    oval = face_regions(pts, shape).oval > 0.9
    zone: np.ndarray = oval & (rows < brow_y) & (trace.mask < 0.3)
    return zone


@pytest.mark.parametrize(("user", "least"), [(OWENS, 0.4), (DONALDS, 0.3)])
def test_a_light_templates_forehead_gets_a_dark_users_skin_texture(user: str,
                                                                   least: float) -> None:
    """Jake Auchincloss's retouched forehead, re-toned to a dark user's complexion, kept its
    airbrushed smoothness: its grain was a fifth of the new face's cheeks' (Burgess Owens
    0.21, Byron Donalds 0.17) under a receding hairline, a smooth helmet over a textured face.
    It now carries grain measured on the user's own forehead (0.55 and 0.37), at the same
    lightness (within 0.2 L* of before)."""
    result = _fused(user, AUCHINCLOSS)
    zone = _template_forehead(result)
    cheeks = cheek_mask(result.traces[0].points, result.image.shape[:2]) > 0.5
    light = _lightness(result.image)
    fine = _fine(light)
    # the blend covers the forehead 0.15 eye distances up from the brows (brow_cover):
    # Byron Donalds leaves 721 px of it to the template (1122 before)
    assert zone.sum() > 600
    assert fine[zone].std() / fine[cheeks].std() > least
    assert abs(float(light[zone].mean() - light[cheeks].mean())) < 7.0


def test_a_light_users_face_on_a_dark_template_keeps_its_forehead() -> None:
    """The other way round the template's forehead has its own grain, and the band of the
    user's forehead adds little: its grain went from 0.63 to 0.65 L*."""
    result = _fused(AUCHINCLOSS, OWENS)
    fine = _fine(_lightness(result.image))
    assert 0.55 < float(fine[_template_forehead(result)].std()) < 0.8


def _synthetic() -> tuple[np.ndarray, float, float]:
    """Landmarks of a real face (Jake Auchincloss), its inter-ocular distance and the row
    of its brows' top."""
    pts = detect_faces(fixture_image(AUCHINCLOSS))[0].landmarks
    return pts, face_scale(pts), float(pts[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min())


def _striped_user(seed: int, hair: float) -> tuple[
        np.ndarray, float, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The synthetic face (points, scale, brow row), its rows, a flat template canvas, a user
    face of noisy skin under striped hair from ``hair`` eye distances above the brows, and
    that hair's mask."""
    pts, scale, brow_y = _synthetic()
    shape = fixture_image(AUCHINCLOSS).shape[:2]
    rows = np.arange(shape[0], dtype=np.float32)[:, None] * np.ones((1, shape[1]), np.float32)
    canvas = np.full((*shape, 3), (100, 66, 50), np.uint8)
    rng = np.random.default_rng(seed)
    face = np.clip(np.array([96.0, 62.0, 47.0]) + rng.normal(0.0, 6.0, (*shape, 1)), 0, 255)
    user_hair = (rows < brow_y - hair * scale).astype(np.float32)
    stripes = np.where((rows.astype(int) // 2) % 2 == 0, 200.0, 20.0)[..., None]
    face = np.where(user_hair[..., None] > 0, stripes, face).astype(np.uint8)
    return pts, scale, brow_y, rows, canvas, face, user_hair


def test_the_users_forehead_grain_is_carried_up_but_never_the_users_hair() -> None:
    """A flat template forehead under hair, a user band of noisy skin under striped hair:
    the template's forehead between the blend and its hair gets grain of the band's size;
    the blended face, the template's hair and the user's hair stripes are left out."""
    pts, scale, brow_y, rows, canvas, face, user_hair = _striped_user(3, 0.35)
    shape = rows.shape
    valid = (rows > brow_y - 0.5 * scale).astype(np.float32)
    weight = np.clip((rows - (brow_y - 0.12 * scale)) / (0.05 * scale), 0.0, 1.0)
    template_hair = (rows < brow_y - 0.9 * scale).astype(np.float32)
    fields = SwapFields(geo.WorkGrid(shape, 1), np.ones((*shape, 3), np.float32), user_hair,
                        template_hair)
    out = canvas.copy()
    texture_forehead(out, weight, pts, (face, valid), fields, 1.0)
    added = out.astype(np.float32).mean(axis=2) - canvas.astype(np.float32).mean(axis=2)
    inside = (np.abs(np.arange(shape[1]) - pts[lm.NOSE_TIP, 0]) < 0.4 * scale)[None, :]
    forehead = inside & (rows > brow_y - 0.85 * scale) & (rows < brow_y - 0.15 * scale)
    band = _fine(face.astype(np.float32).mean(axis=2))[
        inside[0:1].repeat(shape[0], 0) & (user_hair == 0) & (rows < brow_y - 0.1 * scale)
        & (valid > 0)]
    assert 0.5 * band.std() < added[forehead].std() < 1.5 * band.std()
    assert np.abs(added[forehead]).max() < 20.0        # the hair's stripes are 180 levels
    assert not added[template_hair > 0].any()
    assert not added[weight >= 1.0].any()


def test_a_fringe_down_to_the_brows_gives_grain_measured_on_the_cheeks() -> None:
    """A user whose forehead is all hair (a fringe down to the brows) has no band: the
    template's forehead gets grain of :data:`CHEEK_SHARE` of the user's cheeks' detail, and
    nothing of the fringe's stripes."""
    pts, scale, brow_y, rows, canvas, face, user_hair = _striped_user(4, 0.05)
    shape = rows.shape
    fields = SwapFields(geo.WorkGrid(shape, 1), np.ones((*shape, 3), np.float32), user_hair,
                        np.zeros(shape, np.float32))
    out = canvas.copy()
    weight = (rows > brow_y).astype(np.float32)
    texture_forehead(out, weight, pts, (face, np.ones(shape, np.float32)), fields, 1.0)
    added = out.astype(np.float32).mean(axis=2) - canvas.astype(np.float32).mean(axis=2)
    inside = (np.abs(np.arange(shape[1]) - pts[lm.NOSE_TIP, 0]) < 0.4 * scale)[None, :]
    forehead = inside & (rows > brow_y - 0.85 * scale) & (rows < brow_y - 0.15 * scale)
    cheeks = cheek_mask(pts, shape) > 0.5
    grain = _fine(face.astype(np.float32).mean(axis=2))[cheeks].std()
    assert 0.4 * grain < added[forehead].std() < 0.9 * grain   # CHEEK_SHARE 0.6
    assert np.abs(added[forehead]).max() < 20.0
    assert not added[weight >= 1.0].any()


def test_a_users_fringe_still_leaves_grain_on_a_light_templates_forehead() -> None:
    """Terri Sewell's fringe hides her forehead: Jake Auchincloss's re-toned forehead stayed
    airbrushed (grain 0.25 of her cheeks'); it now has grain measured on her cheeks (0.42)."""
    result = _fused(SEWELL, AUCHINCLOSS)
    zone = _template_forehead(result)
    cheeks = cheek_mask(result.traces[0].points, result.image.shape[:2]) > 0.5
    fine = _fine(_lightness(result.image))
    assert zone.sum() > 800
    assert fine[zone].std() / fine[cheeks].std() > 0.35
