"""The shared corpus beside the repository (``../shared/corpus``), for tests that skip when
it is absent."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from portrait_studio.capabilities.garment import dress as dress_mod
from portrait_studio.capabilities.garment.armpaint import ArmPaint
from portrait_studio.capabilities.garment.body import Body, analyse_body
from portrait_studio.capabilities.garment.reveal import paint_skin
from portrait_studio.pipelines.try_on import TryOnParams, TryOnResult, try_on

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus absent")


def read_rgb(path: Path) -> np.ndarray:
    """HxWx3 uint8 RGB of an image file (asserts that it decodes)."""
    bgr = cv2.imread(str(path))
    assert bgr is not None, path
    return np.ascontiguousarray(bgr[:, :, ::-1])


@cache
def photo(stem: str, size: tuple[int, int] | None = None) -> np.ndarray:
    """The corpus person photo whose name starts with ``stem`` (RGB), resized to ``size``
    = (width, height) when given."""
    img = read_rgb(next((CORPUS / "persons").glob(stem + "*")))
    if size is None:
        return img
    return np.ascontiguousarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA))


@cache
def body(stem: str, size: tuple[int, int] | None = None) -> Body:
    """:func:`analyse_body` of :func:`photo`."""
    return analyse_body(photo(stem, size))


@cache
def tall(stem: str, height: int = 1024) -> np.ndarray:
    """:func:`photo` ``stem`` scaled to ``height`` px high (INTER_AREA), its aspect kept: the
    try-on tests' working size."""
    img = photo(stem)
    s = height / img.shape[0]
    return np.ascontiguousarray(cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA))


@cache
def tall_body(stem: str, height: int = 1024) -> Body:
    """:func:`analyse_body` of :func:`tall`."""
    return analyse_body(tall(stem, height))


@cache
def dressed(stem: str, garment: str, size: tuple[int, int] | None = None) -> TryOnResult:
    """:func:`photo` ``stem`` dressed in the corpus garment whose name starts with
    ``garment`` (seed 0)."""
    g = read_rgb(next((CORPUS / "garments").glob(garment + "*")))
    return try_on(photo(stem, size), [g], TryOnParams(seed=0))


def below_hem(b: Body, drawn: np.ndarray) -> np.ndarray:
    """HxW bool: the old bottom of ``b`` from 3 rows below a new dress's hem (the lowest row
    of ``drawn``, its garment mask, drawn over 20 px) down to the shoes (the feet's first
    row)."""
    hem = int(np.flatnonzero(drawn.sum(axis=1) > 20)[-1])
    feet = int(np.flatnonzero(b.feet.any(axis=1))[0])
    region: np.ndarray = b.old_bottom.copy()
    region[:hem + 3] = False
    region[feet:] = False
    return region


def assert_toned_like(area: np.ndarray, after: np.ndarray, ref: np.ndarray, share: float,
                      median_de: float) -> None:
    """Over ``share`` of the pixels ``area`` (HxW bool) of the Lab image ``after`` are within
    30 of the Lab colour ``ref``, and their median within ``median_de`` of it."""
    skin = area & (np.linalg.norm(after - ref, axis=2) < 30)
    assert skin.sum() > share * area.sum()
    assert float(np.linalg.norm(np.median(after[skin], axis=0) - ref)) < median_de


def dressed_with_arms(img: np.ndarray, garment: str) -> tuple[np.ndarray, tuple[ArmPaint, ...]]:
    """``img`` dressed in the corpus garment whose name starts with ``garment`` (seed 0): the
    result image and the finished painted arms (:func:`dress.finish_arm`), in the order they
    were laid on."""
    arms: list[ArmPaint] = []
    finish = dress_mod.finish_arm

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        arm = finish(*args, **kwargs)
        arms.append(arm)
        return arm

    dress_mod.finish_arm = spy
    try:
        g = read_rgb(next((CORPUS / "garments").glob(garment + "*")))
        out = try_on(img, [g], TryOnParams(seed=0)).images[0]
    finally:
        dress_mod.finish_arm = finish
    return out, tuple(arms)


@dataclass(frozen=True)
class SkinPainting:
    """A try-on and the skin painting its dressing made (the one :func:`paint_skin` call):
    the region painted (as grown by the call), the limb-axis distances ``rel``, the HxWx3
    float32 painting and its HxW alpha."""

    result: TryOnResult
    region: np.ndarray
    rel: np.ndarray
    rgb: np.ndarray
    alpha: np.ndarray


def painted_skin(stem: str, garment: str, monkeypatch: pytest.MonkeyPatch) -> SkinPainting:
    """:func:`photo` ``stem`` dressed in the corpus garment whose name starts with
    ``garment`` (seed 0), recording the skin painting (:class:`SkinPainting`)."""
    seen: list[tuple[np.ndarray, ...]] = []

    def spy(img, b, region, trusted, rel, rng, backdrop=None):  # type: ignore[no-untyped-def]
        rgb, a = paint_skin(img, b, region, trusted, rel, rng, backdrop)
        seen.append((region.copy(), rel.copy(), rgb.copy(), a.copy()))
        return rgb, a

    monkeypatch.setattr("portrait_studio.capabilities.garment.dress.paint_skin", spy)
    g = read_rgb(next((CORPUS / "garments").glob(garment + "*")))
    result = try_on(photo(stem), [g], TryOnParams(seed=0))
    (region, rel, rgb, alpha), = seen
    return SkinPainting(result, region, rel, rgb, alpha)


def jacket_red(img: np.ndarray) -> np.ndarray:
    """HxW bool: the red of the skier's jacket (``skier_woman``: strongly red, little green
    or blue)."""
    r, g, b = (img[..., i].astype(int) for i in range(3))
    out: np.ndarray = (r > 100) & (r - g > 60) & (r - b > 50)
    return out
