"""Dress a person in one set of garments (at most one top or dress and one bottom).

Order: every garment is warped first; the old clothing each one replaces (old top for tops
and dresses, old bottom for bottoms and dresses) that no new garment covers is painted with
skin inside the body and inpainted outside it; then bottoms, dresses and tops are laid on in
that order, each behind what must stay in front (face, hair, hands; arms in front of a torso
but not of its own sleeves; an untouched old top in front of new trousers). Pixels outside
the new garments and the repainted old clothing (plus a 2 px feather) are left exactly as
they were. Images HxWx3 uint8 RGB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.color import to_u8
from .body import Body
from .cutout import Cutout
from .fit import Fit, Warped, body_frame, bottom_pairs, top_pairs, warp_garment
from .render import body_core, feathered, inpaint, shading_ratio, skin_fill
from .shape import GarmentShape, limb_mask

Mask = NDArray[np.bool_]
ORDER = {"bottom": 0, "full": 1, "top": 2}
FEATHER = 2


@dataclass(frozen=True)
class Garment:
    """A prepared garment: cut-out (already recoloured if asked), kind, keypoints and the
    sleeve mask of the cut-out."""

    cutout: Cutout
    kind: str
    shape: GarmentShape
    index: int


@dataclass(frozen=True)
class Layer:
    """One warped part of a garment: the torso (or whole bottom) or one sleeve."""

    kind: str
    sleeve: bool
    warped: Warped


def _layers(g: Garment, body: Body, fit: Fit) -> list[Layer]:
    """The torso and each sleeve warped separately (a sleeve follows its arm without
    dragging the torso); bottoms in one piece."""
    shape = body.person.shape
    img, mask = g.cutout.image, g.cutout.mask
    if g.kind == "bottom":
        pairs = bottom_pairs(g.shape, body.pose, fit, body.split_y)["body"]
        return [Layer(g.kind, False, warp_garment(img, mask, pairs, shape))]
    parts = top_pairs(g.shape, body.pose, fit)
    torso = mask & ~limb_mask(mask, g.shape)
    layers = [Layer(g.kind, False, warp_garment(img, torso, parts["body"], shape))]
    for side in ("l", "r"):
        if side in parts:
            part = limb_mask(mask, g.shape, side)
            layers.append(Layer(g.kind, True, warp_garment(img, part, parts[side], shape)))
    return layers


def _neck_skin(body: Body) -> Mask:
    line = float(min(body.pose.p(11)[1], body.pose.p(12)[1]))
    ys = np.arange(body.person.shape[0])[:, None]
    return body.skin & (ys < line) & ~body.arms


def _below_armpits(body: Body) -> Mask:
    """Rows below the armpits, where arms hang beside (or cross in front of) the torso."""
    frame = body_frame(body.pose)
    y = float(frame.place(0.0, 0.3 * frame.torso_len)[1])
    ys = np.arange(body.person.shape[0])[:, None]
    return np.broadcast_to(ys > y, body.person.shape)


def _occluders(layer: Layer, body: Body, has_top: bool) -> NDArray[np.float32]:
    front = body.head | body.hands
    if layer.sleeve:
        return feathered(front, 1.5)
    if layer.kind == "bottom":
        front = front | (body.arms & ~body.old_bottom) | body.feet
        if not has_top:
            front = front | body.old_top
        return feathered(front, 1.5)
    torso_front = front | (body.arms & _below_armpits(body)) | _neck_skin(body)
    return feathered(torso_front, 1.5)


def _replaced(g: Garment, body: Body) -> Mask:
    if g.kind == "top":
        return body.old_top
    if g.kind == "bottom":
        return body.old_bottom
    return body.old_top | body.old_bottom


def dress(img: NDArray[np.uint8], body: Body, garments: list[Garment], fit: Fit,
          rng: np.random.Generator) -> tuple[NDArray[np.uint8], dict[str, Any]]:
    """The person photo wearing ``garments`` and a report of the masks' areas (pixels)."""
    garments = sorted(garments, key=lambda g: ORDER[g.kind])
    has_top = any(g.kind in ("top", "full") for g in garments)
    layers = [layer for g in garments for layer in _layers(g, body, fit)]
    alphas = [np.clip(ly.warped.alpha * (1 - _occluders(ly, body, has_top)), 0, 1)
              for ly in layers]
    covered = np.zeros(body.person.shape, bool)
    for a in alphas:
        covered |= a > 0.5
    old = np.zeros_like(covered)
    for g in garments:
        old |= _replaced(g, body)
    reveal = old & ~covered & ~body.head & ~body.hands
    sigma = 0.1 * body.pose.shoulder_width
    ratios = {kind: shading_ratio(img, source, sigma) for kind, source in
              (("top", body.old_top), ("bottom", body.old_bottom), ("full", body.clothes))}
    ratio = ratios["full"]
    canvas = img.astype(np.float32)
    skin_part, rest = _paint_reveal(img, canvas, body, reveal, ratio, rng)
    for ly, a in zip(layers, alphas, strict=True):
        rgb = ly.warped.rgb * ratios[ly.kind][..., None]
        canvas = canvas * (1 - a[..., None]) + rgb * a[..., None]
    if rest.any():
        canvas[rest] = inpaint(canvas, rest)[rest]
    changed = cv2.dilate((covered | reveal | np.logical_or.reduce([a > 0.01 for a in alphas]))
                         .astype(np.uint8), np.ones((2 * FEATHER + 1,) * 2, np.uint8)) > 0
    out = img.copy()
    out[changed] = to_u8(canvas)[changed]
    report = {"old_area": int(old.sum()), "new_area": int(covered.sum()),
              "skin_fill_area": int(skin_part.sum()), "inpaint_area": int(rest.sum()),
              "changed_area": int(changed.sum())}
    return out, report


def _paint_reveal(img: NDArray[np.uint8], canvas: NDArray[np.float32], body: Body,
                  reveal: Mask, ratio: NDArray[np.float32], rng: np.random.Generator) -> tuple[
                      Mask, Mask]:
    """Skin into the uncovered old clothing inside the body (in place on ``canvas``); returns
    (skin-painted mask, mask left for inpainting)."""
    core = body_core(body)
    skin_part = reveal & core
    if skin_part.any():
        fill = skin_fill(img, body, skin_part, ratio, rng)
        canvas[skin_part] = fill[skin_part]
    return skin_part, reveal & ~core
