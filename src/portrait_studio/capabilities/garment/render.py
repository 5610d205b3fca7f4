"""Putting warped garments into the photo: shading from the old clothes, occlusion, skin
where old clothing would show, and the final composite.

Shading: the low-frequency lightness of the old clothing (normalised convolution inside the
old clothes, divided by its median, softened and clipped) multiplies the new garment, so its
folds and the light direction of the photo carry over. Uncovered old clothing inside the
body (arms, legs, neck, chest) is painted with skin: the tone of the visible skin nearest
in kind (arms/legs, else the face), the same shading, and a faint grain; outside the body it
is inpainted from the surroundings. Images HxWx3 (uint8 or float32 RGB 0..255), masks HxW.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import rgb_to_lab
from .body import Body
from .fit import body_frame

F32 = NDArray[np.float32]
Mask = NDArray[np.bool_]


def shading_ratio(img: NDArray[np.uint8], clothes: Mask, sigma: float) -> F32:
    """HxW float32 multiplier ~1: the old clothing's low-pass lightness over its median
    (a median filter first, so prints and logos of the old clothes do not carry over)."""
    light = rgb_to_lab(img)[..., 0]
    k = max(1, int(sigma // 4))
    small = (max(1, img.shape[1] // k), max(1, img.shape[0] // k))
    m = cv2.resize(clothes.astype(np.float32), small, interpolation=cv2.INTER_AREA)
    lum = cv2.resize(light, small, interpolation=cv2.INTER_AREA)
    lum = cv2.medianBlur(np.clip(lum * 2.5, 0, 255).astype(np.uint8), 5).astype(np.float32) / 2.5
    s = max(sigma / k, 0.5)
    num = cv2.GaussianBlur(lum * m, (0, 0), s)
    den = cv2.GaussianBlur(m, (0, 0), s)
    med = float(np.median(light[clothes])) if clothes.any() else 50.0
    low = num / np.maximum(den, 1e-3)
    ratio = np.where(den > 0.05, low / max(med, 5.0), 1.0)
    ratio = np.clip(ratio, 0.7, 1.25) ** 0.85
    weight = np.clip(den / 0.3, 0, 1)
    ratio = ratio * weight + (1 - weight)
    return cv2.resize(ratio.astype(np.float32), (img.shape[1], img.shape[0]),
                      interpolation=cv2.INTER_LINEAR)


def body_core(body: Body) -> Mask:
    """Where the body itself is under the clothes: the torso quadrilateral from shoulders to
    hips, the neck up to the chin line, and the limb zones."""
    frame = body_frame(body.pose)
    h, w = body.person.shape
    quad = [frame.place(-0.95, -0.25 * frame.torso_len), frame.place(0.95, -0.25 *
            frame.torso_len), frame.place(0.95, frame.torso_len * 1.05),
            frame.place(-0.95, frame.torso_len * 1.05)]
    core = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(core, np.round(np.array(quad)).astype(np.int32), 255)
    return ((core > 0) & body.person) | body.arms | body.legs


def _skin_tone(img: NDArray[np.uint8], body: Body, zone: Mask) -> NDArray[np.float32]:
    visible = body.skin & zone & ~body.head
    if visible.sum() > 200:
        return np.median(img[visible], axis=0).astype(np.float32)
    return body.skin_rgb.astype(np.float32)


def skin_fill(img: NDArray[np.uint8], body: Body, region: Mask, ratio: F32,
              rng: np.random.Generator) -> F32:
    """HxWx3 float32 skin painting for ``region`` (values outside it are undefined)."""
    out = np.zeros(img.shape, np.float32)
    for zone in (body.arms, body.legs, ~(body.arms | body.legs)):
        part = region & zone
        if part.any():
            out[part] = _skin_tone(img, body, zone if zone is not body.arms else
                                   body.arms | body.hands)
    grain = cv2.GaussianBlur(rng.normal(0, 2.0, img.shape[:2]).astype(np.float32), (0, 0), 0.8)
    return out * ratio[..., None] + grain[..., None]


def inpaint(img: NDArray[np.float32], region: Mask) -> F32:
    """Telea inpainting of ``region`` (HxWx3 float32 in, float32 out), on a reduced copy for
    large images."""
    h, w = region.shape
    k = max(1, int(max(h, w) // 512))
    small = cv2.resize(np.clip(img, 0, 255).astype(np.uint8), (w // k, h // k),
                       interpolation=cv2.INTER_AREA)
    mask = cv2.resize(region.astype(np.uint8) * 255, (w // k, h // k),
                      interpolation=cv2.INTER_NEAREST)
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    filled = cv2.inpaint(small, mask, 5, cv2.INPAINT_TELEA)
    return cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)


def feathered(mask: Mask, radius: float) -> F32:
    """Soft version of a bool mask (Gaussian, ``radius`` px)."""
    if radius <= 0:
        return mask.astype(np.float32)
    return cv2.GaussianBlur(mask.astype(np.float32), (0, 0), radius / 2)
