"""Dress a person in one set of garments (at most one top or dress and one bottom).

Order: the fit anchors are measured on the person (old top's hem, old bottom's top and
width, how high the old top reaches over the shoulders); every garment is warped (a top's
torso and sleeves separately, overlapping at the seam; cut-out edges cleaned and their
colours bled outward so no white rim is warped in); a top's torso is widened over the old
top that shows beside it. The old clothing each garment replaces that no new garment covers
gets the background continued from around the person, and skin only where a limb beyond
its new sleeve or trouser leg, or the torso (neckline, belly), really is. Then bottoms,
dresses and tops are laid on in that order, shaded by the old clothes, each behind what
must stay in front (face, neck, hands; arms in front of a torso but not of its own sleeves;
an untouched old top in front of new trousers). Pixels outside the new garments and the
repainted old clothing (plus a 2 px feather) are left exactly as they were. Images HxWx3
uint8 RGB.
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
from .fit import Anchors, Fit, Warped, body_frame, bottom_pairs, top_pairs, warp_garment
from .measure import anchors as measure_anchors
from .render import bleed, clean_edge, feathered, shading_ratio
from .reveal import (
    background_fill,
    limb_zones,
    paint_skin,
    torso_zone,
    trusted_skin,
    uncovered_limb,
    widen_to_old,
)
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
    sleeveless: bool = False


def _layers(g: Garment, body: Body, fit: Fit, anchors: Anchors) -> list[Layer]:
    """The torso and each sleeve warped separately (a sleeve follows its arm without
    dragging the torso; the torso reaches 4 px past the seam, the sleeve 3 px behind it, so
    no gap opens between them); bottoms in one piece."""
    shape = body.person.shape
    mask = clean_edge(g.cutout.mask)
    img = bleed(g.cutout.image, mask)
    if g.kind == "bottom":
        pairs = bottom_pairs(g.shape, body.pose, fit, anchors)["body"]
        return [Layer(g.kind, False, warp_garment(img, mask, pairs, shape))]
    parts = top_pairs(g.shape, body.pose, fit, anchors)
    torso = mask & ~limb_mask(mask, g.shape, margin=4.0)
    layers = [Layer(g.kind, False, warp_garment(img, torso, parts["body"], shape),
                    not g.shape.limbs)]
    for side in ("l", "r"):
        if side in parts:
            part = limb_mask(mask, g.shape, side)
            layers.append(Layer(g.kind, True, warp_garment(img, part, parts[side], shape)))
    return layers


def _neck_skin(body: Body) -> Mask:
    """Skin of the neck, in front of a top's back collar: a column over the neck base
    (0.2 shoulder widths each side) closed by a half ellipse below it, and all skin from
    0.25 shoulder widths above the neck base up (chin, face); holes closed."""
    pose = body.pose
    sw = pose.shoulder_width
    cx, cy = (pose.p(11) + pose.p(12)) / 2 - np.array([0.0, 0.05 * sw], np.float32)
    h, w = body.person.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = (xs - cx) / (0.2 * sw), (ys - cy) / (0.1 * sw)
    zone = ((np.abs(dx) < 1) & ((dy < 0) | (dx * dx + dy * dy < 1))) | (dy < -2.5)
    skin = cv2.morphologyEx(body.skin.astype(np.uint8), cv2.MORPH_CLOSE,
                            np.ones((7, 7), np.uint8)) > 0
    neck: Mask = skin & zone & ~body.arms
    return neck


def _above_armpits_outside(body: Body) -> Mask:
    """Background beside and above the shoulders (rows above the armpits, more than 3% of
    the shoulder width outside the person): no top or dress bodice reaches there."""
    grow = max(3, int(0.06 * body.pose.shoulder_width)) | 1
    near = cv2.dilate(body.person.astype(np.uint8), np.ones((grow, grow), np.uint8)) > 0
    return ~near & ~_below_armpits(body)


def _below_armpits(body: Body, depth: float = 0.3) -> Mask:
    """Rows below the armpits (``depth`` torso lengths below the shoulder line), where
    arms hang beside (or cross in front of) the torso."""
    frame = body_frame(body.pose)
    y = float(frame.place(0.0, depth * frame.torso_len)[1])
    ys = np.arange(body.person.shape[0])[:, None]
    return np.broadcast_to(ys > y, body.person.shape)


def visible_arms(body: Body) -> Mask:
    """The arms as seen: skin inside the wide arm zones plus the thin tapered capsules
    (sleeved arms cannot be told from the torso by colour)."""
    thin = np.zeros(body.person.shape, bool)
    for zone in limb_zones(body, "arms"):
        thin |= zone.inside
    return (body.arms & body.skin) | (thin & body.person)


def _occluders(layer: Layer, body: Body, has_top: bool, arms: Mask) -> NDArray[np.float32]:
    front = body.head | _hand_itself(body)
    if layer.sleeve:
        return feathered(front, 1.5)
    if layer.kind == "bottom":
        front = front | (arms & ~body.old_bottom) | body.feet
        if not has_top:
            front = front | body.old_top
        return feathered(front, 1.5)
    below = _below_armpits(body, 0.12 if layer.sleeveless else 0.3)
    torso_front = front | (arms & below) | _neck_skin(body) | _above_armpits_outside(body)
    return feathered(torso_front, 1.5)


def _hand_itself(body: Body) -> Mask:
    """The hands (skin-coloured pixels near the wrists, plus 2 px)."""
    return body.hands


def _replaced(g: Garment, body: Body) -> Mask:
    if g.kind == "top":
        return body.old_top
    if g.kind == "bottom":
        return body.old_bottom
    return body.old_top | body.old_bottom


def _old_region(garments: list[Garment], body: Body) -> Mask:
    """The old clothing the garments replace, grown 3 px into unclassified pixels (its
    rim; never into skin or other clothing)."""
    old = np.zeros(body.person.shape, bool)
    for g in garments:
        old |= _replaced(g, body)
    grown = cv2.dilate(old.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    return old | (grown & ~body.clothes & ~body.skin & ~body.head & ~body.hands & ~body.feet)


def dress(img: NDArray[np.uint8], body: Body, garments: list[Garment], fit: Fit,
          rng: np.random.Generator) -> tuple[NDArray[np.uint8], dict[str, Any]]:
    """The person photo wearing ``garments`` and a report of the masks' areas (pixels)."""
    garments = sorted(garments, key=lambda g: ORDER[g.kind])
    has_top = any(g.kind in ("top", "full") for g in garments)
    anchors = measure_anchors(body)
    layers = [layer for g in garments for layer in _layers(g, body, fit, anchors)]
    arms = visible_arms(body)
    alphas = [np.clip(ly.warped.alpha * (1 - _occluders(ly, body, has_top, arms)), 0, 1)
              for ly in layers]
    for i, ly in enumerate(layers):
        if ly.kind != "bottom" and not ly.sleeve:
            alphas[i] = widen_to_old(ly.warped, alphas[i], body, arms)
    covered = np.zeros(body.person.shape, bool)
    for a in alphas:
        covered |= a > 0.5
    reveal = _old_region(garments, body) & ~covered & ~body.head & ~_hand_itself(body)
    canvas = img.astype(np.float32)
    skin = _paint_reveal(img, canvas, body, reveal, _limb_covers(layers, alphas),
                         anchors.waist_y, rng)
    ratios = _ratios(img, body, {ly.kind for ly in layers})
    for ly, a in zip(layers, alphas, strict=True):
        rgb = ly.warped.rgb * ratios[ly.kind][..., None]
        canvas = canvas * (1 - a[..., None]) + rgb * a[..., None]
    changed = cv2.dilate((covered | reveal | np.logical_or.reduce([a > 0.01 for a in alphas]))
                         .astype(np.uint8), np.ones((2 * FEATHER + 1,) * 2, np.uint8)) > 0
    out = img.copy()
    out[changed] = to_u8(canvas)[changed]
    report = {"old_area": int((_old_region(garments, body)).sum()),
              "new_area": int(covered.sum()), "skin_fill_area": int(skin.sum()),
              "inpaint_area": int((reveal & ~skin).sum()), "changed_area": int(changed.sum())}
    return out, report


def _ratios(img: NDArray[np.uint8], body: Body, kinds: set[str]) -> dict[
        str, NDArray[np.float32]]:
    sigma = 0.1 * body.pose.shoulder_width
    return {kind: shading_ratio(img, source, sigma) for kind, source in
            (("top", body.old_top), ("bottom", body.old_bottom), ("full", body.clothes))
            if kind in kinds}


def _limb_covers(layers: list[Layer], alphas: list[NDArray[np.float32]]) -> dict[
        str, NDArray[np.float32]]:
    """Alpha of the garment parts that dress the arms (sleeves) and the legs (bottoms,
    dresses)."""
    shape = alphas[0].shape
    covers = {"arms": np.zeros(shape, np.float32), "legs": np.zeros(shape, np.float32)}
    for ly, a in zip(layers, alphas, strict=True):
        if ly.sleeve:
            covers["arms"] = np.maximum(covers["arms"], a)
        elif ly.kind in ("bottom", "full"):
            covers["legs"] = np.maximum(covers["legs"], ly.warped.alpha)
    return covers


def _paint_reveal(img: NDArray[np.uint8], canvas: NDArray[np.float32], body: Body,
                  reveal: Mask, covers: dict[str, NDArray[np.float32]],
                  waist_y: float | None, rng: np.random.Generator) -> Mask:
    """Background, continued from around the person, into the uncovered old clothing;
    skin over it where a limb beyond its new sleeve / trouser leg, or the torso, is (in
    place on ``canvas``); returns the skin-painted mask."""
    if not reveal.any():
        return reveal
    canvas[reveal] = background_fill(img, body)[reveal]
    skin = reveal & torso_zone(body, waist_y)
    trusted = trusted_skin(img, body)
    rel = np.full(reveal.shape, np.inf, np.float32)
    for kind, source in (("arms", body.old_top), ("legs", body.old_bottom)):
        for zone in limb_zones(body, kind, trusted):
            part = reveal & source & uncovered_limb(zone, covers[kind])
            skin |= part
            rel = np.where(part, np.minimum(rel, zone.rel), rel)
    skin = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    if skin.any():
        rgb, a = paint_skin(img, body, skin, trusted, rel, rng)
        canvas[:] = canvas * (1 - a[..., None]) + rgb * a[..., None]
    return skin
