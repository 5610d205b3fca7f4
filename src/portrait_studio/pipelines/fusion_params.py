"""Typed, validated parameters of the face-fusion pipeline (FuseFaceUltra semantics)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..capabilities.face_swap.types import SwapOptions
from ..capabilities.watermark.types import WatermarkParams
from ..errors import ParameterError, TooManyFaces, check_choice, check_range
from ..perception.faces import Box

MAX_MERGES = 6
BROW_COVER = 0.15  # eye distances of forehead the blend keeps above and beside the new brows
DEFAULT_FUSION_LOGO_TEXT = "本图片为AI合成图片"


@dataclass(frozen=True)
class MergeEntry:
    """One user face: the user image (HxWx3 uint8 RGB) and optional face rectangles."""

    image: np.ndarray
    input_face_rect: Box | None = None
    template_face_rect: Box | None = None


@dataclass(frozen=True)
class FusionParams:
    """FuseFaceUltra's FusionUltraParam + SwapModelType + logo, with its ranges and defaults.

    ``skin_tone``: "user" keeps the user's complexion and re-tones the template's other skin;
    "template" adapts the face to the template's complexion (painted or stylised templates).
    """

    warp: float = 0.7
    enhance: float = 0.5
    smooth: float = 0.5
    teeth: int = 1
    makeup: int = 0
    model: int = 1
    skin_tone: str = "user"
    watermark: WatermarkParams = field(
        default_factory=lambda: WatermarkParams(text=DEFAULT_FUSION_LOGO_TEXT))
    compute_identity: bool = False

    def __post_init__(self) -> None:
        check_range("WarpRadio", self.warp, 0.0, 1.0)
        check_range("EnhanceRadio", self.enhance, 0.0, 1.0)
        check_range("MpRadio", self.smooth, 0.0, 1.0)
        check_choice("TeethEnhanceRadio", self.teeth, (0, 1))
        check_choice("MakeupTransferRadio", self.makeup, (0, 1))
        check_choice("SwapModelType", self.model, (1, 2, 3, 4, 5, 6))
        check_choice("skin_tone", self.skin_tone, ("user", "template"))


@dataclass(frozen=True)
class ModelPreset:
    """What each SwapModelType changes in the engine."""

    sharpen: float
    upscale_user: bool
    forehead_keep: float
    shading_sigma: float
    auto_keep_closed: bool


PRESETS: dict[int, ModelPreset] = {
    1: ModelPreset(sharpen=0.45, upscale_user=False, forehead_keep=0.55, shading_sigma=0.25,
                   auto_keep_closed=False),
    2: ModelPreset(sharpen=0.0, upscale_user=False, forehead_keep=0.55, shading_sigma=0.25,
                   auto_keep_closed=False),
    3: ModelPreset(sharpen=0.1, upscale_user=True, forehead_keep=0.55, shading_sigma=0.25,
                   auto_keep_closed=False),
    4: ModelPreset(sharpen=0.1, upscale_user=False, forehead_keep=0.7, shading_sigma=0.3,
                   auto_keep_closed=False),
    5: ModelPreset(sharpen=0.1, upscale_user=True, forehead_keep=0.55, shading_sigma=0.25,
                   auto_keep_closed=True),
    6: ModelPreset(sharpen=0.15, upscale_user=True, forehead_keep=0.7, shading_sigma=0.3,
                   auto_keep_closed=False),
}


def swap_options(params: FusionParams, keep_eyes: bool, keep_mouth: bool,
                 mirror_fill: float = 0.0, hidden_jaw: bool = False) -> SwapOptions:
    """Engine options for one face from the public parameters and the model preset. A user
    turned much further than the template gets a mirrored fill of the hidden half and a
    weaker outline warp (a three-quarter outline is not the user's real face shape).
    ``hidden_jaw``: the template's beard is shaved off for this user (see
    :attr:`SwapOptions.hidden_jaw`)."""
    preset = PRESETS[params.model]
    # the template's forehead takes the user's skin texture with the user's complexion; a
    # template the face adapts to (painted, stylised) keeps its own
    texture = SwapOptions.forehead_texture if params.skin_tone == "user" else 0.0
    return SwapOptions(warp=params.warp * (1.0 - 0.7 * mirror_fill),
                       forehead_keep=preset.forehead_keep, shading_sigma=preset.shading_sigma,
                       mirror_fill=mirror_fill, keep_template_eyes=keep_eyes,
                       keep_template_mouth=keep_mouth, hidden_jaw=hidden_jaw,
                       forehead_texture=texture, brow_cover=BROW_COVER,
                       keep_enclosed=True, hair_edge_past=True)


def check_merges(merges: list[MergeEntry]) -> None:
    """1..6 merge entries."""
    if not merges:
        raise ParameterError("MergeInfos must hold at least one user face", field="MergeInfos")
    if len(merges) > MAX_MERGES:
        raise TooManyFaces(f"MergeInfos holds {len(merges)} entries; at most {MAX_MERGES} faces "
                           "can be fused", field="MergeInfos")
