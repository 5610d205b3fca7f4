"""Virtual try-on / change clothes (the engine behind Tencent VOD ``CreateSceneAigcImageTask``
scene types ``change_clothes*`` and ``ai_try_on``).

:func:`try_on` takes the person photo and 1-4 garment product photos (HxWx3 uint8 RGB) and
returns one picture per outfit, the same size as the person photo. No learned try-on model
exists offline, so this is classical: garments are cut out of their photos, their kind is
recognised (or forced by the scene type), keypoints measured on the silhouette are mapped to
the body found by MediaPipe pose + segmentation, and a thin-plate-spline warp lays them on,
shaded like the old clothes, behind face, hair, hands and arms
(:mod:`portrait_studio.capabilities.garment`).

Outfits: one top and one bottom are worn together; when there are more garments of one kind,
each gives its own output, paired with the other kind's garments in turn (2 tops + 1 bottom
-> 2 outputs, each with the bottom); every dress (``full``) is an output of its own.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..capabilities.garment.armhole import thin_straps
from ..capabilities.garment.body import analyse_body
from ..capabilities.garment.cutout import cut_out
from ..capabilities.garment.dress import Garment, dress
from ..capabilities.garment.kinds import classify_mask
from ..capabilities.garment.limbs import clear_zones
from ..capabilities.garment.prompt import PromptPlan, parse_prompt, recolour
from ..capabilities.garment.shape import centre_x, garment_shape
from ..capabilities.garment.straps import drop_back
from ..errors import ImageError, ParameterError
from .timing import timed

Image = NDArray[np.uint8]
SCENES = ("change_clothes", "change_clothes_top_wear", "change_clothes_bottom_wear",
          "change_clothes_full_wear", "change_clothes_under", "ai_try_on")
GARMENT_KINDS = ("top", "bottom", "full")
FORCED_KIND = {"change_clothes_top_wear": "top", "change_clothes_bottom_wear": "bottom",
               "change_clothes_full_wear": "full"}
MAX_GARMENTS = 4
MIN_SIDE = 64
PERSON_FIELD = "FileInfos"
GARMENT_FIELD = "ClothesFileInfos"


@dataclass(frozen=True)
class TryOnParams:
    """Validated try-on parameters: ``scene`` one of :data:`SCENES`; ``prompt`` free text
    whose colour words recolour and fit words refit the garments; ``seed`` for the skin
    grain (None: random)."""

    scene: str = "change_clothes"
    prompt: str = ""
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.scene not in SCENES:
            raise ParameterError(
                f"SceneInfo.Type must be one of {', '.join(SCENES)}, got {self.scene!r}",
                field="SceneInfo.Type", allowed=list(SCENES), value=self.scene)


@dataclass(frozen=True)
class TryOnResult:
    """``images``: HxWx3 uint8 RGB, one per outfit, each the size of the person photo;
    ``report``: per output the garments used and their kinds, mask areas, timings_ms and the
    prompt plan; ``garment_masks``: per output, HxW bool where the new garments are drawn
    (for benchmarks and debugging; never sent to clients)."""

    images: list[Image]
    report: dict[str, Any]
    garment_masks: list[NDArray[np.bool_]] = field(default_factory=list)


def _check_image(img: object, field: str) -> Image:
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 or \
            img.shape[2] != 3:
        raise ImageError(f"{field} must be an HxWx3 uint8 RGB image", field=field)
    if min(img.shape[:2]) < MIN_SIDE:
        raise ImageError(f"{field} is {img.shape[1]}x{img.shape[0]}; each side must be at "
                         f"least {MIN_SIDE} px", field=field)
    return img


def _check_garments(garments: Sequence[Image]) -> list[Image]:
    if not 1 <= len(garments) <= MAX_GARMENTS:
        raise ParameterError(f"{GARMENT_FIELD} must hold 1 to {MAX_GARMENTS} garment images, "
                             f"got {len(garments)}", field=GARMENT_FIELD, count=len(garments))
    return [_check_image(g, GARMENT_FIELD) for g in garments]


def classify_garment(garment: Image) -> str:
    """Kind of the garment in an HxWx3 uint8 RGB product photo: "top", "bottom" or "full"."""
    return classify_mask(cut_out(_check_image(garment, GARMENT_FIELD)).mask)


def _prepare(img: Image, index: int, scene: str, plan: PromptPlan) -> tuple[Garment, bool]:
    cut = cut_out(img, index=index)
    forced = FORCED_KIND.get(scene)
    kind = forced or classify_mask(cut.mask)
    shape = garment_shape(cut.mask, kind)
    if kind != "bottom" and not shape.halter:  # the inside back between a cami's straps (a
        # halter's bodice is closed below its straps: cutting it tore its top into strips)
        kept = drop_back(cut.image, cut.mask, centre_x(cut.mask))
        if not np.array_equal(kept, cut.mask):
            cut = type(cut)(cut.image, kept)
            shape = garment_shape(cut.mask, kind)
    if plan.colour is not None:
        cut = type(cut)(recolour(cut.image, cut.mask, plan.colour), cut.mask)
    if shape.strap_width:   # a cami's straps are worn thin, its armholes scooped
        cut = type(cut)(*thin_straps(cut.image, cut.mask, centre_x(cut.mask)))
        shape = garment_shape(cut.mask, kind)
    return Garment(cut, kind, shape, index), forced is None


def outfits(kinds: Sequence[str]) -> list[list[int]]:
    """Garment indices worn together in each output, from the garments' kinds."""
    tops = [i for i, k in enumerate(kinds) if k == "top"]
    bottoms = [i for i, k in enumerate(kinds) if k == "bottom"]
    out: list[list[int]] = []
    if tops and bottoms:
        n = max(len(tops), len(bottoms))
        out = [sorted([tops[i % len(tops)], bottoms[i % len(bottoms)]]) for i in range(n)]
    else:
        out = [[i] for i in tops + bottoms]
    return out + [[i] for i, k in enumerate(kinds) if k == "full"]


def try_on(person: Image, garments: Sequence[Image], params: TryOnParams) -> TryOnResult:
    """Dress the person of an HxWx3 uint8 RGB photo in 1-4 garments (product photos)."""
    timings: dict[str, float] = {}
    person = _check_image(person, PERSON_FIELD)
    items = _check_garments(garments)
    plan = parse_prompt(params.prompt)
    clear_zones()   # limb zones are shared within this request only
    with timed(timings, "garments"):
        prepared = [_prepare(g, i, params.scene, plan) for i, g in enumerate(items)]
    with timed(timings, "body"):
        body = analyse_body(person, field=PERSON_FIELD)
    seed = params.seed if params.seed is not None else random.randrange(2**31)
    images, outputs, masks = [], [], []
    for n, group in enumerate(outfits([g.kind for g, _ in prepared])):
        with timed(timings, f"dress_{n}"):
            image, stats, drawn = dress(person, body, [prepared[i][0] for i in group],
                                        plan.fit, np.random.default_rng(seed + n))
        images.append(image)
        masks.append(drawn)
        outputs.append({"garments": [{"index": i, "kind": prepared[i][0].kind,
                                      "kind_source": "recognised" if prepared[i][1]
                                      else "scene"} for i in group], **stats})
    report = {"scene": params.scene, "prompt": plan.as_report(), "outputs": outputs,
              "split_y": round(body.split_y, 1),
              "timings_ms": {k: round(v, 1) for k, v in timings.items()}}
    return TryOnResult(images, report, masks)
