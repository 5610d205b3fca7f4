"""Options of the classical face swap."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SwapOptions:
    """Internal knobs of one swap (the public parameters map onto these).

    ``warp``: 0 keeps the template's face outline, 1 takes the user's (WarpRadio).
    ``forehead_keep``: share of the brow-to-hairline height replaced (never the hairline).
    ``shading_sigma``: blur of the lighting estimate, in inter-ocular distances.
    ``edge_softness``: feather of the blend mask, in inter-ocular distances.
    ``template_occlusion``: 1 keeps template hair/occluders that cross the face on top.
    ``mirror_fill``: for a user turned further than the template, how much of the half of the
    face turned away from the camera is taken, mirrored, from the visible half.
    ``hidden_jaw``: the template's jaw was hidden by a beard (shaved off before the swap),
    so the outline below the cheeks is the user's whatever ``warp``: the template's there is
    the beard's outline, and a face fitted to it came out as wide as the beard. The blend
    outline under the mouth is then close to the user's jaw line and not limited to the
    template's outline: the template has no chin of its own, only painted skin.
    ``blend_shrink``: the blend outline is the face oval scaled by this about the nose tip
    (0.925: the seam lies on cheek and jaw skin of both faces; the fusion bench's colour jump
    +1.15 -> +0.76 for 0.94 -> 0.925, identity retrieval 99.2% -> 99.0%).
    ``forehead_texture``: how much of the user's forehead detail the template's forehead
    above the blend gets (see :mod:`.forehead`): 0 leaves it as it is. A little less than all
    of it: the detail is measured before the new face is smoothed (MpRadio 0.5 takes 12% of
    the cheeks' grain, 1 up to a quarter), and the forehead is left out of that smoothing.
    ``inside_template_face``: the blend stays inside the template's own (unwarped) face oval,
    so the seam lies on its skin, and ends a little short of the hair, jaw shadow or
    backdrop that the outline warp brought up to a narrower new face (``core.EDGE_CLEAR``);
    off, a wider user outline is pasted whole (more similarity, at the price of a seam where
    the template had hair or background).
    ``erase_template_brows``: the template's brows that the new face leaves uncovered (a
    narrower or lower user face) are painted out with its skin before the blend.
    ``brow_cover``: each new brow grown up by this many eye distances is added to the blend
    weight (``core._brow_cover``), so the seam never runs over the brows; 0 leaves the
    outline's lowered forehead as it is. Fusion uses 0.15 (on a bench subset of 54 pairs,
    grown on all sides, 0.1 / 0.2 / 0.3 gave a larger colour jump than 0.15).
    ``keep_enclosed``: the pieces of the user's occlusion cut that the new face encloses
    (``core._reaching_in``: a smile fold joined to the edge band) stay in the blend; off,
    they are cut like hair (fusion: on).
    ``hair_edge_past``: the user's cut and strands are taken from the blend weight one grid
    pixel past their edge by the face (``core._past_edge``): no mixed pixel of a hair edge is
    pasted (fusion: on). Glam leaves it off (similarity first): on, a user in its two-user
    group photo went from 0.593 to 0.602 dlib distance.
    """

    warp: float = 0.7
    forehead_keep: float = 0.55
    shading_sigma: float = 0.18
    edge_softness: float = 0.10
    template_occlusion: float = 1.0
    mirror_fill: float = 0.0   # 0..1: fill the user's hidden face half from the visible one
    keep_template_eyes: bool = False
    keep_template_mouth: bool = False
    inside_template_face: bool = True
    hidden_jaw: bool = False
    blend_shrink: float = 0.925
    forehead_texture: float = 0.85
    erase_template_brows: bool = True
    brow_cover: float = 0.0
    keep_enclosed: bool = False
    hair_edge_past: bool = False
