"""Typed, validated parameters of the glam-photo pipeline (Tencent SubmitGlamPicJob semantics).

Field names in errors are the vendor's (``Num``, ``Style``, ``Similarity``, ``Clarity``,
``LogoAdd``, ``LogoParam.LogoRect``, ``FaceInfos.<i>.ImageUrls``), so a transport can pass the
message through unchanged. Images are HxWx3 uint8 RGB (logos may be HxWx4 RGBA).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..capabilities.glam_style.types import STYLES
from ..capabilities.watermark.types import GLAM_TEXT, LogoRect, WatermarkParams
from ..errors import ParameterError, check_choice, check_range
from ..perception.faces import Box

MAX_USERS = 5
MAX_PHOTOS = 6
MAX_NUM = 4
CLARITY_SCALES: dict[str | None, int] = {None: 1, "x2": 2, "x4": 4}
MULTI_USER_STYLE = "balanced"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` when it is an integer in ``low..high``, else :class:`ParameterError`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be an integer between {low} and {high}, got "
                             f"{value!r}", field=name, low=low, high=high, value=value)
    number = int(value)
    check_range(name, number, low, high)
    return number


@dataclass(frozen=True, eq=False)
class GlamUser:
    """One user: 1..6 photos (HxWx3 uint8 RGB; the largest face of each is used) and the
    optional rectangle of the template face this user replaces (template pixels)."""

    photos: tuple[NDArray[np.uint8], ...]
    template_face_rect: Box | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "photos", tuple(self.photos))


def check_counts(photo_counts: Sequence[int]) -> None:
    """1..5 users (one count per user) with 1..6 photos each."""
    if not photo_counts:
        raise ParameterError("FaceInfos must hold at least one user", field="FaceInfos")
    if len(photo_counts) > MAX_USERS:
        raise ParameterError(f"FaceInfos holds {len(photo_counts)} users; between 1 and "
                             f"{MAX_USERS} users are allowed", field="FaceInfos", low=1,
                             high=MAX_USERS)
    for i, count in enumerate(photo_counts):
        if not 1 <= count <= MAX_PHOTOS:
            raise ParameterError(
                f"FaceInfos.{i}.ImageUrls holds {count} photos; each user needs between 1 and "
                f"{MAX_PHOTOS} photos", field=f"FaceInfos.{i}.ImageUrls", low=1,
                high=MAX_PHOTOS)


def check_users(users: Sequence[GlamUser]) -> None:
    """1..5 users with 1..6 photos each."""
    check_counts([len(user.photos) for user in users])


@dataclass(frozen=True, eq=False)
class GlamParams:
    """SubmitGlamPicJob's options with their ranges and defaults.

    - ``num`` (Num) 1..4, default 4: number of outputs.
    - ``styles`` (Style): one of ``real``, ``balanced``, ``textured``, ``beautiful`` per output
      (length must equal ``num``); ``None`` = a random order without repeats drawn from
      ``seed``. Jobs with several users always use ``balanced`` (the value is still checked).
    - ``similarity`` (Similarity) 0..1, default 0.6: how much the result looks like the user.
    - ``clarity`` (Clarity) ``None``, ``"x2"`` or ``"x4"``: super-resolution of each result.
    - ``logo_add`` (LogoAdd): 0 = no mark; any other integer = mark (vendor rule).
    - ``logo`` / ``logo_rect`` (LogoParam): a logo image replacing the default text
      "图片由 AI 生成" and its rectangle in *template* pixels (scaled by the Clarity factor).
    - ``seed``: makes the default style order and the film grain repeatable.
    - ``compute_identity``: also report dlib distances between each output face and the
      chosen user photo (costs ~70 ms per face and output).
    """

    num: int = 4
    styles: tuple[str, ...] | None = None
    similarity: float = 0.6
    clarity: str | None = None
    logo_add: int = 1
    logo: NDArray[np.uint8] | None = field(default=None, repr=False)
    logo_rect: LogoRect | None = None
    seed: int | None = None
    compute_identity: bool = False

    def __post_init__(self) -> None:
        check_int("Num", self.num, 1, MAX_NUM)
        self._check_styles()
        if not _is_number(self.similarity):
            raise ParameterError(f"Similarity must be a number between 0 and 1, got "
                                 f"{self.similarity!r}", field="Similarity", low=0, high=1)
        object.__setattr__(self, "similarity", float(check_range(
            "Similarity", float(self.similarity), 0.0, 1.0)))
        check_choice("Clarity", self.clarity, tuple(CLARITY_SCALES))
        if not _is_int(self.logo_add):
            raise ParameterError(f"LogoAdd must be an integer (0 = no mark, other values = "
                                 f"mark), got {self.logo_add!r}", field="LogoAdd")
        if self.logo_rect is not None and not isinstance(self.logo_rect, LogoRect):
            raise ParameterError("LogoParam.LogoRect must be a LogoRect",
                                 field="LogoParam.LogoRect")
        if self.seed is not None:
            check_int("seed", self.seed, 0, 2**63 - 1)
        self.watermark(1)  # validates the logo image

    def _check_styles(self) -> None:
        if self.styles is None:
            return
        if isinstance(self.styles, str) or not isinstance(self.styles, Sequence):
            raise ParameterError(f"Style must be a list of style names, got {self.styles!r}",
                                 field="Style")
        object.__setattr__(self, "styles", tuple(self.styles))
        for value in self.styles:
            check_choice("Style", value, STYLES)
        if len(self.styles) != self.num:
            raise ParameterError(f"Style lists {len(self.styles)} styles but Num is {self.num}; "
                                 "give one style per output", field="Style", num=self.num)

    @property
    def scale(self) -> int:
        """Clarity factor: 1, 2 or 4."""
        return CLARITY_SCALES[self.clarity]

    def job_seed(self) -> int:
        """``seed`` when given, else a fresh random one (report it to repeat the job)."""
        return self.seed if self.seed is not None else secrets.randbits(63)

    def style_order(self, users: int, seed: int) -> tuple[str, ...]:
        """The style of every output: ``balanced`` for several users, the given list, or a
        random order without repeats drawn from ``seed``."""
        if users > 1:
            return (MULTI_USER_STYLE,) * self.num
        if self.styles is not None:
            return self.styles
        return tuple(random.Random(seed).sample(STYLES, self.num))

    def watermark(self, scale: int) -> WatermarkParams:
        """The watermark of an output ``scale`` times the template size."""
        rect = self.logo_rect
        if rect is not None and scale != 1:
            rect = LogoRect(rect.x * scale, rect.y * scale, rect.width * scale,
                            rect.height * scale)
        try:
            return WatermarkParams(enabled=self.logo_add != 0, text=GLAM_TEXT, logo=self.logo,
                                   rect=rect)
        except ParameterError as exc:
            raise ParameterError(f"LogoParam: {exc.message}", field="LogoParam") from None


__all__ = ["CLARITY_SCALES", "MAX_NUM", "MAX_PHOTOS", "MAX_USERS", "GlamParams", "GlamUser",
           "check_counts", "check_users"]
