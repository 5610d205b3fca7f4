"""Where the fused face's blend weight ends: above the new brows, and never as a hole inside
the new face (the fusion bench's boundary colour jump)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np

from portrait_studio.capabilities.face_swap.core import _reaching_in
from portrait_studio.capabilities.watermark.types import WatermarkParams
from portrait_studio.imaging.codec import decode_image
from portrait_studio.perception import landmarks as lm
from portrait_studio.perception.masks import face_scale, polygon_mask, swap_polygon
from portrait_studio.pipelines.fusion import FusionResult, fuse
from portrait_studio.pipelines.fusion_params import FusionParams, MergeEntry
from tests.bench_metrics import bench_metrics
from tests.conftest import corpus_path, fixture_image

LEFT_BROW_TOP = (296, 334, 293)  # the subject's left brow, upper edge, inner to outer


@cache
def _chu_on_garcia() -> tuple[FusionResult, np.ndarray]:
    template = decode_image(
        corpus_path("portraits/sylvia_r_garcia__house_official_1.jpg").read_bytes())
    user = fixture_image("judy_chu__house_official_1.jpg")
    return fuse(template, [MergeEntry(user)],
                FusionParams(watermark=WatermarkParams(enabled=False))), template


def test_blend_weight_covers_the_forehead_just_above_the_new_brows() -> None:
    """The blend outline's forehead is lowered to just above the brows' highest point, so its
    0.9 level crossed Judy Chu's left brow: 0.1 eye distances above the brow's upper edge
    the weight was 0.49 / 0.18 / 0.19, and the seam ran over the dark brow hairs with the
    template's forehead skin beside them (16-17 CIEDE2000 in that sector)."""
    result, _ = _chu_on_garcia()
    trace = result.traces[0]
    pts, scale = trace.points, face_scale(trace.points)
    above = [float(trace.mask[round(pts[i, 1] - 0.1 * scale), round(pts[i, 0])])
             for i in LEFT_BROW_TOP]
    assert min(above) > 0.6, above  # now 0.92 / 0.87 / 0.81


def test_no_hole_of_the_template_inside_the_new_face() -> None:
    """Judy Chu's smile folds beside the nose wings are much darker than her cheeks and
    joined the cut's band at the face's edge, so they were cut: 825 pixels of the inner
    face (the oval scaled by 0.8) had a weight under 0.5, the template's re-toned cheek
    showing there 10 L* darker than it is. The pieces the new face encloses stay now."""
    mt = bench_metrics()
    result, template = _chu_on_garcia()
    trace = result.traces[0]
    inner = polygon_mask(swap_polygon(trace.points, 0.55, 0.8), template.shape[:2]) > 0.5
    assert int((inner & (trace.mask < 0.5)).sum()) < 200  # was 825, now 73
    rings = mt.boundary_rings(trace.mask)
    jump = mt.colour_jump(mt.rgb_to_lab(result.image, mt.BLUR_SIGMA),
                          mt.rgb_to_lab(template, mt.BLUR_SIGMA), rings)
    assert jump.delta < 4.5  # was +5.34, now +4.06


def test_a_headscarf_beside_the_cheeks_leaves_no_dark_halo() -> None:
    """Ilhan Omar's headscarf frames her cheeks: it is cut from the blend weight, but it
    stayed the pyramid's foreground below the eyes, and its coarse bands darkened the
    template's re-toned skin just outside the weight (a dark halo round the new face). On
    the ring pairs between the eyes' and the mouth's lines, the colour jump was +2.06
    CIEDE2000 above the template's own; the scarf's pieces reaching in from beyond the oval
    are the template there now (+0.68)."""
    mt = bench_metrics()
    template = decode_image(corpus_path(
        "portraits/aumua_amata_coleman_radewagen__house_official_1.jpg").read_bytes())
    user = decode_image(corpus_path("portraits/ilhan_omar__house_official_1.jpg").read_bytes())
    result = fuse(template, [MergeEntry(user)],
                  FusionParams(watermark=WatermarkParams(enabled=False)))
    trace = result.traces[0]
    rings = mt.boundary_rings(trace.mask)
    lab_r = mt.rgb_to_lab(result.image, mt.BLUR_SIGMA)
    lab_t = mt.rgb_to_lab(template, mt.BLUR_SIGMA)
    eye_y = float(trace.points[[lm.RIGHT_IRIS_CENTER, lm.LEFT_IRIS_CENTER], 1].mean())
    mouth_y = float(trace.points[[lm.MOUTH_RIGHT, lm.MOUTH_LEFT], 1].mean())
    rows = rings.inside[:, 0]
    cheeks = (rows > eye_y) & (rows < mouth_y)
    assert int(cheeks.sum()) > 300  # 471 ring pairs
    sides = replace(rings, inside=rings.inside[cheeks], partner=rings.partner[cheeks])
    assert mt.colour_jump(lab_r, lab_t, sides).delta < 1.4  # was +2.06, now +0.68
    assert mt.colour_jump(lab_r, lab_t, rings).delta < 4.7  # was +4.89, now +4.46


def test_only_pieces_reaching_the_weights_edge_stay_cut() -> None:
    """:func:`_reaching_in` keeps a piece (cut > 0.5) that touches where the weight is under
    half, with its soft rim; an enclosed piece and its rim go."""
    cut = np.zeros((40, 60), np.float32)
    cut[5:15, 0:20] = 1.0    # hair from the left edge, where the weight is under half
    cut[5:15, 20] = 0.4      # its soft rim
    cut[20:30, 30:40] = 0.9  # a shadow the weight encloses
    cut[19, 30:40] = 0.4     # its soft rim
    beyond = np.zeros((40, 60), bool)
    beyond[:, :3] = True
    out = _reaching_in(cut, beyond)
    assert float(out[10, 10]) == 1.0 and float(out[10, 20]) == np.float32(0.4)
    assert float(out[19:30, 30:40].max()) == 0.0
    assert np.array_equal(_reaching_in(np.zeros_like(cut), beyond), np.zeros_like(cut))
