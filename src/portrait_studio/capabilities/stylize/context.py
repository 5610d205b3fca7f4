"""What a style renderer reads: the picture at output size, a working copy and the faces.

Images are HxWx3 uint8 RGB. Face landmarks are 478x2 float32 in output pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
Mask = NDArray[np.float32]
WORK_SIDE = 720


@dataclass
class StyleContext:
    """Inputs of one stylisation.

    ``image`` is the crop at output size, ``work`` the same picture reduced so that its longer
    side is at most :data:`WORK_SIDE` (abstraction runs there), ``faces`` the landmark sets
    (output pixels) of the faces worth a careful treatment, ``rng`` the seeded generator and
    ``ref`` the style reference image of the custom style (None otherwise).
    """

    image: Image
    work: Image
    faces: list[NDArray[np.float32]]
    rng: np.random.Generator
    ref: Image | None = None
    _person: Mask | None = field(default=None, repr=False)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the output."""
        return self.image.shape[1], self.image.shape[0]

    @property
    def work_size(self) -> tuple[int, int]:
        return self.work.shape[1], self.work.shape[0]

    @property
    def unit(self) -> float:
        """A length proportional to the output size: short side / 1000 pixels."""
        return min(self.size) / 1000.0

    def work_faces(self) -> list[NDArray[np.float32]]:
        """The face landmark sets in working-copy pixels."""
        f = self.work.shape[1] / self.image.shape[1]
        return [np.asarray(p * f, np.float32) for p in self.faces]

    def skin_luma(self) -> float | None:
        """Median Rec.601 luma (0..255) of the cheeks of all faces, None without faces."""
        from ...perception.landmarks import CHEEK_SAMPLE_POINTS

        g = cv2.cvtColor(self.work, cv2.COLOR_RGB2GRAY)
        h, w = g.shape
        values = [float(g[min(h - 1, max(0, int(y))), min(w - 1, max(0, int(x)))])
                  for pts in self.work_faces() for x, y in pts[list(CHEEK_SAMPLE_POINTS)]]
        return float(np.median(values)) if values else None

    def exposure(self, target: float, limit: float = 2.2) -> float:
        """Gain that brings the skin to luma ``target`` (1.0 without faces), within
        [1/limit, limit]: styles that map tones to fixed levels use it so dark and light
        skin both land on the intended level."""
        skin = self.skin_luma()
        if skin is None:
            return 1.0
        return float(np.clip(target / max(skin, 1.0), 1.0 / limit, limit))

    def skin_care(self, low: float = 0.3) -> float:
        """How far a brightening grade may go on the people (``low``..1): 1 for light skin,
        down to ``low`` for dark skin, so high-key and anime looks keep the sitter's skin
        tone instead of bleaching it; 1 without faces."""
        skin = self.skin_luma()
        if skin is None:
            return 1.0
        return float(np.clip((skin - 60.0) / 110.0, low, 1.0))

    def person(self) -> Mask:
        """HxW float32 person probability at output size (selfie segmentation, computed once)."""
        if self._person is None:
            from ...perception.segmentation import person_mask

            small = person_mask(self.work)
            self._person = np.asarray(cv2.resize(small, self.size,
                                                 interpolation=cv2.INTER_LINEAR), np.float32)
        return self._person


def work_copy(img: Image, side: int = WORK_SIDE) -> Image:
    """``img`` reduced (area filter) so its longer side is at most ``side``."""
    h, w = img.shape[:2]
    f = min(1.0, side / max(h, w))
    if f >= 1.0:
        return img
    size = (max(1, round(w * f)), max(1, round(h * f)))
    return np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA), np.uint8)
