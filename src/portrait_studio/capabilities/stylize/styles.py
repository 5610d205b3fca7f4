"""Style registry: index -> name -> renderer and face profile.

A renderer takes a :class:`~.context.StyleContext` and returns the whole stylised picture
(HxWx3 uint8 RGB at output size); the pipeline then applies the style's face treatment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import chinese, comic, festive, grade
from .context import StyleContext
from .face import FaceProfile
from .toolkit import Image

Renderer = Callable[[StyleContext], Image]


@dataclass(frozen=True)
class Style:
    """One style: its DashScope index, name, renderer and face treatment."""

    index: int
    name: str
    render: Renderer
    face: FaceProfile


NAMES: dict[int, str] = {
    0: "retro_comic", 1: "fairy_tale_3d", 2: "anime", 3: "fresh", 4: "future_tech",
    5: "ink_painting", 6: "warrior", 7: "colourful_cartoon", 8: "elegant_chinese",
    9: "new_year",
}

STYLE_LIST: tuple[Style, ...] = (
    Style(0, NAMES[0], comic.retro_comic, FaceProfile(detail=0.5, shading=0.25)),
    Style(1, NAMES[1], grade.fairy_tale_3d, FaceProfile(detail=0.5, shading=0.1, smooth=0.6,
                                                        lift=8.0)),
    Style(2, NAMES[2], comic.anime, FaceProfile(detail=0.8, shading=0.25, smooth=0.4)),
    Style(3, NAMES[3], grade.fresh, FaceProfile(detail=0.45, shading=0.15, smooth=0.5)),
    Style(4, NAMES[4], grade.future_tech, FaceProfile(detail=0.6, shading=0.25)),
    Style(5, NAMES[5], chinese.ink_painting, FaceProfile(detail=0.7, shading=0.35,
                                                        tint=(0.8, 0.8, 0.8))),
    Style(6, NAMES[6], grade.warrior, FaceProfile(detail=0.3, shading=0.1)),
    Style(7, NAMES[7], comic.colourful_cartoon, FaceProfile(detail=0.7, shading=0.25)),
    Style(8, NAMES[8], chinese.elegant_chinese, FaceProfile(detail=0.55, shading=0.2,
                                                           smooth=0.5)),
    Style(9, NAMES[9], festive.new_year, FaceProfile(detail=0.4, shading=0.15)),
)

BY_INDEX: dict[int, Style] = {s.index: s for s in STYLE_LIST}
