"""The in-place chroma distance of ``imaging.color`` give the plain arithmetic's bytes."""

from __future__ import annotations

import cv2
import numpy as np

from portrait_studio.imaging.color import SkinModel, fit_skin_model
from tests.conftest import fixture_image


def _plain_distance(model: SkinModel, ycc_u8: np.ndarray) -> np.ndarray:
    ycc = ycc_u8.astype(np.float32)
    d0, d1 = ycc[..., 1] - model.mean[0], ycc[..., 2] - model.mean[1]
    inv = model.inv_cov
    a, b, c = inv[0, 0], inv[0, 1] + inv[1, 0], inv[1, 1]
    q = d0 * (a * d0 + b * d1) + c * d1 * d1
    out: np.ndarray = np.sqrt(np.maximum(q, 0)).astype(np.float32)
    return out


def _plain_ramp(dist: np.ndarray, scale: float) -> np.ndarray:
    out: np.ndarray = np.clip(1.0 - (dist - scale * 0.5) / (scale * 0.5), 0.0, 1.0)
    return out


def test_distance_and_likelihoods_equal_the_plain_arithmetic() -> None:
    """On two portraits with their own cheek-fitted models and on random colours with
    random models: the chroma distance, the likelihood (with a bright tolerance) and the
    hue likelihood are the plain expressions' values bit for bit."""
    rng = np.random.default_rng(11)
    cases = []
    for name in ("burgess_owens", "nancy_pelosi"):
        img = fixture_image(f"{name}__house_official_1.jpg")
        h, w = img.shape[:2]
        mask = np.zeros((h, w), np.float32)
        mask[h // 3:h // 2, w // 3:2 * w // 3] = 1.0
        cases.append((img, fit_skin_model(img, mask)))
    for _ in range(20):
        img = rng.integers(0, 256, (int(rng.integers(1, 90)), int(rng.integers(1, 90)), 3),
                           dtype=np.uint8)
        root = rng.random((2, 2))
        inv = ((root @ root.T + np.eye(2) * 0.01) * rng.random() * 0.2).astype(np.float32)
        cases.append((img, SkinModel((rng.random(2) * 60 + 100).astype(np.float32), inv,
                                     40.0, 200.0)))
    for img, model in cases:
        px = model.pixels(img)
        plain = _plain_distance(model, cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb))
        assert px.dist.dtype == np.float32 and np.array_equal(px.dist, plain)
        for scale in (1.7, 3.0, 8.0):
            ramp = _plain_ramp(px.dist, scale)
            assert np.array_equal(model.hue_likelihood_of(px, scale), ramp)
            like = model.likelihood_of(px, scale, 6.0)
            assert like.dtype == np.float32 and 0.0 <= float(like.min()) <= float(like.max()) <= 1.0
    img, model = cases[0]
    near = model.hue_likelihood_of(model.pixels(img), 3.0)
    assert 0.05 < float((near > 0.5).mean()) < 0.95  # the model takes the skin, not all
