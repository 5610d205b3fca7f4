"""A pasted face as out of focus as the template face it replaces.

A template face out of focus (a person behind the subject, a shallow depth of field) got the
user's sharp face: a crisp face on a blurred head (the CC0 photo of two women on the phone:
the eyes' edges 6.2 px wide on the template, 2.1 on the new face). Focus is measured as the
width of the face's strongest edges, the eyes' and the lips': their contrast (2nd to 98th
percentile of the luma) over their steepest gradient (99th percentile), which is
sqrt(2 pi) sigma for a step blurred by a Gaussian of sigma px and 2.1-2.6 px on a sharp photo.
When both of the template's are clearly wider than the new face's, the new face is blurred by
the Gaussian that makes up the difference. Images HxWx3 RGB (uint8 or float32 0..255).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ...perception.masks import FaceRegions, face_regions

EDGE_PER_SIGMA = math.sqrt(2.0 * math.pi)  # an edge's width per px of Gaussian blur
SHARP_EDGE = 2.0      # px: no photo's feature edges are narrower (pixels, lens, JPEG)
DEFOCUS_RATIO = 1.6   # the template's edges this many times wider: it is out of focus
                      # (sharp templates 1.0-1.3; Biden's full-body photo, soft, 1.2-1.8)
DEFOCUS_SHARE = 0.04  # ... and wider than this share of the eye distance
MIN_PIXELS = 20
CHECK_EYE = 64.0      # px between the eyes of the reduced copy a template is first checked on


def edge_widths(img: np.ndarray, regions: FaceRegions) -> tuple[float, float]:
    """The widths (px) of the eyes' and the lips' edges in ``img`` (HxWx3) whose
    :func:`~portrait_studio.perception.masks.face_regions` are ``regions`` (0 where a
    feature has too few pixels); worked on the box of the two features only."""
    grow = np.ones((7, 7), np.uint8)
    sels = [cv2.dilate((mask > 0.3).view(np.uint8), grow) for mask in (regions.eyes, regions.lips)]
    x, y, w, h = cv2.boundingRect(cv2.bitwise_or(sels[0], sels[1]))
    if w < 3 or h < 3:
        return 0.0, 0.0
    box = (slice(y, y + h), slice(x, x + w))
    luma = cv2.transform(np.ascontiguousarray(img[box], np.float32),
                         np.array([[0.299, 0.587, 0.114]], np.float32))
    steep = cv2.magnitude(cv2.Sobel(luma, cv2.CV_32F, 1, 0, ksize=3),
                          cv2.Sobel(luma, cv2.CV_32F, 0, 1, ksize=3)) / np.float32(8.0)
    widths = []
    for sel in (s[box].view(bool) for s in sels):
        if int(np.count_nonzero(sel)) < MIN_PIXELS:
            widths.append(0.0)
            continue
        lo, hi = np.percentile(luma[sel], (2.0, 98.0))
        widths.append(float(hi - lo) / max(float(np.percentile(steep[sel], 99.0)), 1e-3))
    return widths[0], widths[1]


def template_edges(crop: np.ndarray, points: np.ndarray, scale: float,
                   regions: FaceRegions) -> tuple[float, float]:
    """:func:`edge_widths` of a template face (``crop``, its landmarks ``points`` and
    :func:`face_regions` ``regions``, ``scale`` px between the eyes), or (0, 0) when a copy
    reduced to :data:`CHECK_EYE` px between the eyes already shows it in focus (:func:`may_be_defocused`): an edge measured there is at
    least as wide as it is, so no face out of focus is missed, and a sharp one costs a
    tenth (a 1080x1320 template: 8 ms -> under 1)."""
    k = int(scale / CHECK_EYE)
    if k > 1:
        h, w = crop.shape[0] // k, crop.shape[1] // k  # whole k x k blocks: a fast resize
        small = cv2.resize(crop[:h * k, :w * k], (w, h), interpolation=cv2.INTER_AREA)
        local = (points + np.float32(0.5)) / np.float32(k) - np.float32(0.5)
        rough = edge_widths(small, face_regions(local, small.shape))
        if not may_be_defocused((rough[0] * k, rough[1] * k), scale):
            return 0.0, 0.0
    return edge_widths(crop, regions)


def may_be_defocused(template: tuple[float, float], scale: float) -> bool:
    """Whether a template face with these :func:`edge_widths` and ``scale`` px between the
    eyes can be out of focus next to any face: its edges wider than :data:`DEFOCUS_RATIO`
    times the narrowest a photo has (:data:`SHARP_EDGE`) and than :data:`DEFOCUS_SHARE` of
    the eye distance. The latter tells a blurred scene from an image merely enlarged (the
    bench's 1080x1320 templates, 3.2 times their photos: 5.7-7.3 px at 361 px, a share of
    0.016-0.02, like a sharp photo's 2.3 at 105; out of focus 6.2 at 103: 0.06), whose new
    face the enhancement makes crisp on purpose."""
    return min(template) >= max(DEFOCUS_RATIO * SHARP_EDGE, DEFOCUS_SHARE * scale)


def defocus_sigma(template: tuple[float, float], face: tuple[float, float]) -> float:
    """The Gaussian sigma (px) that widens a face's edges (``face``) to the template's, 0
    unless both of the template's are :data:`DEFOCUS_RATIO` times wider (or a width is
    unknown); the smaller of the two features' amounts."""
    if min(face) <= 0.0 or min(t / f for t, f in zip(template, face, strict=True)) < DEFOCUS_RATIO:
        return 0.0
    return min(math.sqrt(t * t - f * f) for t, f in zip(template, face, strict=True)) / (
        EDGE_PER_SIGMA)


def match_focus(region: np.ndarray, weight: np.ndarray, sigma: float) -> np.ndarray:
    """``region`` (hxwx3 float32) blurred by ``sigma`` px in proportion to ``weight`` (hxw
    0..1: the new face's blend weight); ``region`` itself when ``sigma`` is 0."""
    if sigma <= 0.0:
        return region
    src = np.asarray(region, np.float32)
    blurred = cv2.GaussianBlur(src, (0, 0), sigma)
    w = np.clip(weight, 0.0, 1.0).astype(np.float32)
    out: np.ndarray = cv2.blendLinear(blurred, src, w, 1.0 - w)
    return out
