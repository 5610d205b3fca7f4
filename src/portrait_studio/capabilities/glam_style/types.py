"""The four glam styles as numbers: a face-local retouch (:class:`FaceLook`) and a global
colour grade (:class:`Grade`), plus the small controlled variations that make repeated
outputs of one style differ (:data:`VARIATIONS`).

What each style is for (Tencent's wording) and how it is realised here:

- ``real``: highest likeness, minimal retouch. No smoothing, no warp, the template's own skin
  grain, a neutral grade.
- ``balanced``: likeness and beauty. Light smoothing, a touch of tone evening and eye
  brightening, a gentle contrast and warmth.
- ``textured``: real skin texture and pores, no smoothing, natural grain. A fine-detail boost in
  the skin, grain raised above the template's, a matte grade with monochrome film grain added
  at the output resolution.
- ``beautiful``: retouched. Strong edge-preserving smoothing, evened skin tone, brighter eyes,
  whiter teeth, a small inward warp of the jaw outline (face slimming), lighter skin and a
  bright, warm, softly glowing grade.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...errors import check_range

STYLES: tuple[str, ...] = ("real", "balanced", "textured", "beautiful")


@dataclass(frozen=True)
class FaceLook:
    """Face-local retouch strengths (inside the face oval of the result).

    ``smooth`` 0..1 guided-filter smoothing of skin; ``even`` 0..1 pull of blotchy skin colour
    toward its local mean; ``detail`` 0..1 fine-detail (pore) boost; ``grain`` target skin grain
    as a multiple of the template's own skin grain (0 = leave); ``eyes`` 0..1 eye brightening;
    ``teeth`` 0..1 teeth whitening; ``slim`` inward jaw warp as a fraction of the face width
    (0..0.08); ``skin_light`` Lab L* units added to the face skin (-10..10).
    """

    smooth: float = 0.0
    even: float = 0.0
    detail: float = 0.0
    grain: float = 1.0
    eyes: float = 0.0
    teeth: float = 0.0
    slim: float = 0.0
    skin_light: float = 0.0

    def __post_init__(self) -> None:
        for name in ("smooth", "even", "detail", "eyes", "teeth"):
            check_range(name, getattr(self, name), 0.0, 1.0)
        check_range("grain", self.grain, 0.0, 3.0)
        check_range("slim", self.slim, 0.0, 0.08)
        check_range("skin_light", self.skin_light, -10.0, 10.0)


@dataclass(frozen=True)
class Grade:
    """A global colour grade applied to the whole output at its final resolution.

    ``exposure`` gain (0.8..1.25); ``contrast`` S-curve strength (-0.3..0.3); ``warmth``
    red-minus-blue shift in levels (-15..15); ``saturation`` multiplier (0.7..1.3); ``lift``
    black level raise in levels, a matte look (0..30); ``glow`` soft highlight bloom (0..0.5);
    ``grain`` monochrome film grain standard deviation in levels (0..8); ``vignette`` darkening
    of the corners (0..0.3).
    """

    exposure: float = 1.0
    contrast: float = 0.0
    warmth: float = 0.0
    saturation: float = 1.0
    lift: float = 0.0
    glow: float = 0.0
    grain: float = 0.0
    vignette: float = 0.0

    def __post_init__(self) -> None:
        check_range("exposure", self.exposure, 0.8, 1.25)
        check_range("contrast", self.contrast, -0.3, 0.3)
        check_range("warmth", self.warmth, -15.0, 15.0)
        check_range("saturation", self.saturation, 0.7, 1.3)
        check_range("lift", self.lift, 0.0, 30.0)
        check_range("glow", self.glow, 0.0, 0.5)
        check_range("grain", self.grain, 0.0, 8.0)
        check_range("vignette", self.vignette, 0.0, 0.3)

    def varied(self, variation: Variation) -> Grade:
        """This grade shifted by ``variation`` (values clipped to the allowed ranges)."""
        return replace(
            self, exposure=min(1.25, max(0.8, self.exposure * variation.exposure)),
            contrast=min(0.3, max(-0.3, self.contrast + variation.contrast)),
            warmth=min(15.0, max(-15.0, self.warmth + variation.warmth)),
            vignette=min(0.3, self.vignette + variation.vignette))


@dataclass(frozen=True)
class Variation:
    """A small, deterministic shift of a grade (repeated styles, multi-user outputs)."""

    name: str
    exposure: float = 1.0
    contrast: float = 0.0
    warmth: float = 0.0
    vignette: float = 0.0
    smooth: float = 0.0   # added to the face look's smoothing (clipped to 0..1)


VARIATIONS: tuple[Variation, ...] = (
    Variation("neutral"),
    Variation("warm light", exposure=1.05, warmth=6.0, contrast=-0.04),
    Variation("cool contrast", exposure=0.97, warmth=-6.0, contrast=0.10, vignette=0.10),
    Variation("soft golden", exposure=1.03, warmth=3.0, contrast=-0.08, vignette=0.05,
              smooth=0.15),
)


@dataclass(frozen=True)
class StyleSpec:
    """Everything one style does."""

    name: str
    face: FaceLook
    grade: Grade


STYLE_SPECS: dict[str, StyleSpec] = {
    "real": StyleSpec("real", FaceLook(grain=1.0), Grade()),
    "balanced": StyleSpec(
        "balanced", FaceLook(smooth=0.4, even=0.25, grain=0.6, eyes=0.3, teeth=0.4,
                             slim=0.01, skin_light=0.8),
        Grade(contrast=0.06, warmth=2.0, saturation=1.04)),
    "textured": StyleSpec(
        "textured", FaceLook(detail=0.6, grain=1.5),
        Grade(contrast=0.05, saturation=0.92, lift=10.0, grain=2.5)),
    "beautiful": StyleSpec(
        "beautiful", FaceLook(smooth=0.75, even=0.5, grain=0.3, eyes=0.8, teeth=0.7,
                              slim=0.035, skin_light=2.5),
        Grade(exposure=1.04, contrast=0.03, warmth=3.0, saturation=1.05, glow=0.08)),
}


def style_spec(name: str, variation: int = 0) -> StyleSpec:
    """The spec of style ``name`` with variation number ``variation`` (0 = none) applied."""
    from ...errors import check_choice

    check_choice("Style", name, STYLES)
    spec = STYLE_SPECS[name]
    if variation == 0:
        return spec
    var = VARIATIONS[variation % len(VARIATIONS)]
    face = replace(spec.face, smooth=min(1.0, spec.face.smooth + var.smooth))
    return StyleSpec(f"{name} ({var.name})", face, spec.grade.varied(var))
