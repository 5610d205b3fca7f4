"""Try-on prompt: colour words recolour the garment, fit words change the warp.

English and Chinese words are recognised anywhere in the text (case-insensitive); the first
colour word wins. A colour keeps the garment's own shading and pattern: in CIE Lab the
chroma (a*, b*) is moved to the target's and the lightness is shifted (not replaced) toward
the target's, keeping the pattern's luminance contrast. Images HxWx3 uint8 RGB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ...imaging.color import lab_to_rgb, rgb_to_lab, to_u8
from .fit import Fit

# name -> (L, a, b) in CIE Lab (D65), with its aliases
COLOURS: dict[str, tuple[tuple[float, float, float], tuple[str, ...]]] = {
    "red": ((45.0, 65.0, 45.0), ("red", "红", "紅")),
    "pink": ((72.0, 38.0, 2.0), ("pink", "粉")),
    "orange": ((65.0, 40.0, 65.0), ("orange", "橙", "橘")),
    "yellow": ((85.0, -3.0, 75.0), ("yellow", "黄", "黃")),
    "green": ((50.0, -45.0, 30.0), ("green", "绿", "綠")),
    "navy": ((22.0, 8.0, -35.0), ("navy", "藏青", "藏蓝", "海军蓝")),
    "blue": ((45.0, 10.0, -55.0), ("blue", "蓝", "藍")),
    "purple": ((38.0, 45.0, -40.0), ("purple", "violet", "紫")),
    "brown": ((35.0, 15.0, 25.0), ("brown", "棕", "褐", "咖啡")),
    "beige": ((82.0, 3.0, 15.0), ("beige", "cream", "米色", "米白", "杏色")),
    "black": ((12.0, 0.0, 0.0), ("black", "黑")),
    "white": ((94.0, 0.0, 2.0), ("white", "白")),
    "grey": ((55.0, 0.0, 0.0), ("grey", "gray", "灰")),
}
FITS: dict[str, tuple[Fit, tuple[str, ...]]] = {
    "loose": (Fit(width=1.12, length=1.05), ("loose", "oversize", "baggy", "宽松", "寬鬆")),
    "tight": (Fit(width=0.93, length=1.0), ("tight", "slim", "fitted", "紧身", "緊身", "修身")),
    "cropped": (Fit(width=1.0, length=0.75), ("cropped", "短款", "露脐")),
    "long": (Fit(width=1.0, length=1.2), ("long", "长款", "長款", "加长")),
}
ACHROMATIC = ("black", "white", "grey")
PRINT_DE = 25.0     # Lab distance from the fabric's colour at which a print keeps ~1/e of it


@dataclass(frozen=True)
class PromptPlan:
    """What a prompt asks for: a colour name (or None), fit names and the combined fit."""

    colour: str | None
    fits: tuple[str, ...]
    fit: Fit

    def as_report(self) -> dict[str, object]:
        return {"colour": self.colour, "fit": list(self.fits),
                "width": round(self.fit.width, 3), "length": round(self.fit.length, 3)}


def _find(text: str, word: str) -> int:
    """Position of ``word`` in ``text`` (-1 if absent); ASCII words only as whole words."""
    if not word.isascii():
        return text.find(word)
    match = re.search(rf"\b{re.escape(word)}\b", text)
    return match.start() if match else -1


def _first(text: str, table: dict[str, tuple[object, tuple[str, ...]]]) -> list[tuple[int, str]]:
    found = []
    for name, (_, words) in table.items():
        hits = [pos for pos in (_find(text, w) for w in words) if pos >= 0]
        if hits:
            found.append((min(hits), name))
    return sorted(found)


def parse_prompt(prompt: str) -> PromptPlan:
    """Colour and fit wishes of a try-on prompt (English or Chinese)."""
    text = prompt.lower()
    colours = _first(text, COLOURS)  # type: ignore[arg-type]
    colour = colours[0][1] if colours else None
    if colour == "blue" and any(n == "navy" for _, n in colours):
        colour = "navy"
    fits = tuple(n for _, n in _first(text, FITS))  # type: ignore[arg-type]
    if "long" in fits and "cropped" in fits:
        fits = tuple(f for f in fits if f != "cropped")
    width = float(np.prod([FITS[f][0].width for f in fits])) if fits else 1.0
    length = float(np.prod([FITS[f][0].length for f in fits])) if fits else 1.0
    return PromptPlan(colour, fits, Fit(width, length))


def recolour(img: NDArray[np.uint8], mask: NDArray[np.bool_], colour: str) -> NDArray[np.uint8]:
    """The garment pixels (``mask``) of an HxWx3 uint8 RGB image moved to ``colour``: a*b*
    set to the target plus 35% of the garment's own chroma variation, lightness shifted
    so its median moves 80% (achromatic targets: 100%) of the way to the target. The fabric
    is recoloured, not its print: each pixel takes the change by its closeness to the
    garment's median colour (weight exp(-(dLab / ``PRINT_DE``)^2)), so a white print or a
    logo of another colour stays as it was."""
    target = np.array(COLOURS[colour][0], np.float32)
    lab = rgb_to_lab(img)
    sel = lab[mask]
    if not len(sel):
        return img.copy()
    med = np.median(sel, axis=0)
    gain = 1.0 if colour in ACHROMATIC else 0.8
    out = sel.copy()
    out[:, 0] = np.clip(sel[:, 0] + (target[0] - med[0]) * gain, 0, 100)
    keep = 0.0 if colour in ACHROMATIC else 0.35
    out[:, 1:] = target[1:] + (sel[:, 1:] - med[1:]) * keep
    fabric = np.exp(-np.sum((sel - med) ** 2, axis=1) / PRINT_DE**2)[:, None]
    lab[mask] = out * fabric + sel * (1 - fabric)
    result = img.copy()
    result[mask] = to_u8(lab_to_rgb(lab))[mask]
    return result
