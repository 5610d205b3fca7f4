"""Rendering one glam output from a prepared :class:`~.glam.GlamPlan`: the style's face-local
retouch, Clarity super-resolution, the style's colour grade and the watermark.

Super-resolution uses :func:`~portrait_studio.capabilities.super_resolution.upscale` (Real-ESRGAN
through ncnn, tiled so memory is bounded by the tile size) with its default models: the compact
``realesr-animevideov3-x2`` for x2 and ``realesr-animevideov3-x4`` for x4. The large
``realesrgan-x4plus`` restores more texture but costs about 6x more per output pixel on this
2-core CPU (9.6 s for 256->1024 in docs/DESIGN.md section 3, against 1.7 s for the compact x4
in bench/out/bench_sr.md), i.e. several minutes per 1080x1320 x4 output; the compact models
keep a whole 1080x1320 job (four outputs) within about a minute for x2 (bench/bench_glam.py). Because the outputs of a
job differ only around the faces before grading, the base canvas is upscaled once per job and
each output only re-upscales its changed face regions (with context, feathered into the
upscaled base); the grade and the watermark run afterwards at the final size.
Images are HxWx3 uint8 RGB.
"""

from __future__ import annotations

import numpy as np

from ..capabilities.glam_style.face import apply_face_look, face_masks
from ..capabilities.glam_style.grade import grade_image
from ..capabilities.glam_style.types import style_spec
from ..capabilities.super_resolution import upscale
from ..capabilities.watermark.core import apply_watermark
from ..imaging import geometry as geo
from ..imaging.color import to_u8
from .glam import GlamPlan
from .timing import timed

FACE_ROI = 1.5        # retouch region around a face, in landmark-box sizes
SR_CONTEXT = 16       # input pixels of context around a re-upscaled region
SR_FEATHER = 8        # input pixels over which a re-upscaled region fades into the base


def style_faces(plan: GlamPlan, index: int) -> tuple[np.ndarray, list[geo.Roi]]:
    """Output ``index``'s canvas with its style's face retouch applied, and the regions where
    it may differ from the main canvas."""
    spec = style_spec(plan.styles[index], plan.variations[index])
    canvas = plan.canvas_for(index)
    out = canvas.image.copy()
    rois = [] if canvas is plan.canvases["main"] else list(canvas.rois)
    for k, face in enumerate(plan.faces):
        points = canvas.points[k]
        roi = geo.roi_around(points, FACE_ROI, out.shape)
        region = out[roi.slices].astype(np.float32)
        key = (id(canvas), k)
        if key not in plan.masks:
            plan.masks[key] = face_masks(region, points - roi.offset)
        region, _ = apply_face_look(region, points - roi.offset, spec.face, face.grain,
                                    seed=(plan.report.seed + 31 * index + k) % 2**32,
                                    masks=plan.masks[key])
        out[roi.slices] = to_u8(region)
        rois.append(roi)
    return out, rois


def changed_box(out: np.ndarray, base: np.ndarray, roi: geo.Roi) -> geo.Roi | None:
    """The bounding box of the pixels of ``roi`` where ``out`` differs from ``base``."""
    diff = np.any(out[roi.slices] != base[roi.slices], axis=2)
    ys, xs = np.nonzero(diff)
    if len(ys) == 0:
        return None
    return geo.Roi(roi.x0 + int(xs.min()), roi.y0 + int(ys.min()), roi.x0 + int(xs.max()) + 1,
                   roi.y0 + int(ys.max()) + 1)


def _ramp(length: int, fade: int, start_open: bool, end_open: bool) -> np.ndarray:
    """1-D weight: rises over ``fade`` samples from each side that is not at the image edge."""
    w = np.ones(length, np.float32)
    ramp = (np.arange(fade, dtype=np.float32) + 0.5) / fade
    n = min(fade, length)
    if start_open:
        w[:n] = np.minimum(w[:n], ramp[:n])
    if end_open:
        w[length - n:] = np.minimum(w[length - n:], ramp[:n][::-1])
    return w


def _paste(big: np.ndarray, patch: np.ndarray, roi: geo.Roi, scale: int,
           shape: tuple[int, ...]) -> None:
    """Feather the upscaled ``patch`` of ``roi`` into ``big`` (in place)."""
    fade = SR_FEATHER * scale
    wy = _ramp(patch.shape[0], fade, roi.y0 > 0, roi.y1 < shape[0])
    wx = _ramp(patch.shape[1], fade, roi.x0 > 0, roi.x1 < shape[1])
    weight = (wy[:, None] * wx[None, :])[..., None]
    target = big[roi.y0 * scale:roi.y1 * scale, roi.x0 * scale:roi.x1 * scale]
    mixed = patch.astype(np.float32) * weight + target.astype(np.float32) * (1 - weight)
    target[...] = to_u8(mixed)


def super_resolve(plan: GlamPlan, out: np.ndarray, rois: list[geo.Roi]) -> np.ndarray:
    """``out`` upscaled by the Clarity factor: the shared base once per job, then only the
    regions this output changed."""
    scale = plan.params.scale
    if plan.sr_base is None:
        plan.sr_base = upscale(plan.base, scale, threads=plan.threads)
    big = plan.sr_base.copy()
    h, w = out.shape[:2]
    for region in rois:
        roi = changed_box(out, plan.base, region)
        if roi is None:
            continue
        ctx = geo.Roi(max(0, roi.x0 - SR_CONTEXT), max(0, roi.y0 - SR_CONTEXT),
                      min(w, roi.x1 + SR_CONTEXT), min(h, roi.y1 + SR_CONTEXT))
        up = upscale(np.ascontiguousarray(out[ctx.slices]), scale, threads=plan.threads)
        y0, x0 = (roi.y0 - ctx.y0) * scale, (roi.x0 - ctx.x0) * scale
        patch = up[y0:y0 + roi.h * scale, x0:x0 + roi.w * scale]
        _paste(big, patch, roi, scale, out.shape)
    return big


def render(plan: GlamPlan, index: int) -> np.ndarray:
    """Output ``index`` of the job (HxWx3 uint8 RGB, the template's size x Clarity)."""
    report = plan.report
    spec = style_spec(plan.styles[index], plan.variations[index])
    with timed(report.timings_ms, "style"):
        out, rois = style_faces(plan, index)
    if plan.params.scale > 1:
        with timed(report.timings_ms, "super_resolution"):
            out = super_resolve(plan, out, rois)
    with timed(report.timings_ms, "grade"):
        out = grade_image(out, spec.grade, seed=(report.seed + index) % 2**32)
    with timed(report.timings_ms, "watermark"):
        out = apply_watermark(out, plan.params.watermark(plan.params.scale))
    entry = report.outputs[index]
    entry.height, entry.width = out.shape[:2]
    if plan.params.compute_identity:
        with timed(report.timings_ms, "identity"):
            entry.identity_distances = identity_distances(plan, index, out)
    return out


def identity_distances(plan: GlamPlan, index: int, out: np.ndarray) -> list[float]:
    """dlib distance between each user's face in ``out`` and that user's chosen photo."""
    import cv2

    from ..perception.faces import Box
    from ..perception.identity import distance, embedding

    scale = plan.params.scale
    found = []
    canvas = plan.canvas_for(index)
    for k, face in enumerate(plan.faces):
        box = (canvas.points[k][:468] * scale).astype(np.float32)
        x, y, w, h = cv2.boundingRect(box)
        mine = embedding(out, Box(float(x), float(y), float(w), float(h)))
        ref = embedding(face.photo, face.photo_face.box)
        found.append(round(distance(mine, ref), 4))
    return found
