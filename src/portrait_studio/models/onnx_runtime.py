"""The "bring your own weights" slot: user-supplied ONNX models run with onnxruntime on CPU.

No weights ship with portrait-studio for face restoration, learned face swap,
super-resolution beyond Real-ESRGAN or style networks. A user who has such a model drops it into
the configured models directory (``Settings.models_dir``, env ``PORTRAIT_MODELS_DIR``) under a
known slot name, ``<models_dir>/<slot>.onnx``:

- :data:`FACE_RESTORE` ``face_restore.onnx``: enhances an aligned face crop;
- :data:`FACE_SWAP` ``face_swap.onnx``: reserved for a learned face swapper;
- :data:`SUPER_RESOLUTION` ``super_resolution.onnx``: image upscaler (any scale factor);
- ``style_<name>.onnx`` (:func:`style_slot`): a style-transfer network for style ``<name>``.

Image models are used through :class:`OnnxImageOp`: NCHW float32 RGB in, same layout out.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..errors import ImageError, InternalError, ModelUnavailable, ParameterError

FACE_RESTORE = "face_restore"
FACE_SWAP = "face_swap"
SUPER_RESOLUTION = "super_resolution"
STYLE_PREFIX = "style_"
KNOWN_SLOTS = (FACE_RESTORE, FACE_SWAP, SUPER_RESOLUTION)
SUFFIX = ".onnx"
_STYLE_RE = re.compile(r"style_[a-z0-9][a-z0-9_]{0,63}")

Dim = int | str | None
Array = NDArray[Any]


def style_slot(style: str) -> str:
    """Slot name of the style network for ``style`` (e.g. ``"style_anime"``)."""
    return check_slot(STYLE_PREFIX + style)


def check_slot(name: str) -> str:
    """Return ``name`` when it is a known slot or ``style_<name>``; else ParameterError."""
    if name in KNOWN_SLOTS or (isinstance(name, str) and _STYLE_RE.fullmatch(name)):
        return name
    raise ParameterError(
        f"model slot must be one of {', '.join(KNOWN_SLOTS)} or style_<name> (lower-case "
        f"letters, digits, underscores), got {name!r}", field="model", allowed=list(KNOWN_SLOTS))


@dataclass(frozen=True)
class TensorInfo:
    """Name, shape (ints, symbolic names or None) and ONNX type string of one tensor."""

    name: str
    shape: tuple[Dim, ...]
    type: str


class OnnxModel:
    """One loaded ONNX model: a CPU onnxruntime ``InferenceSession`` plus its signature."""

    def __init__(self, path: Path, session: Any) -> None:
        self.path = path
        self._session = session
        self.inputs = tuple(_info(t) for t in session.get_inputs())
        self.outputs = tuple(_info(t) for t in session.get_outputs())

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.inputs)

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.outputs)

    @property
    def input_shapes(self) -> dict[str, tuple[Dim, ...]]:
        return {t.name: t.shape for t in self.inputs}

    @property
    def output_shapes(self) -> dict[str, tuple[Dim, ...]]:
        return {t.name: t.shape for t in self.outputs}

    @property
    def intra_op_threads(self) -> int:
        return int(self._session.get_session_options().intra_op_num_threads)

    def run(self, inputs: Mapping[str, Array]) -> dict[str, Array]:
        """Run the model on ``inputs`` (every input name, numpy arrays); all outputs by name."""
        missing = [n for n in self.input_names if n not in inputs]
        extra = [n for n in inputs if n not in self.input_names]
        if missing or extra:
            raise ParameterError(
                f"model {self.path.name} takes inputs {list(self.input_names)}; missing "
                f"{missing}, unexpected {extra}", field="inputs")
        try:
            values = self._session.run(None, {k: np.asarray(v) for k, v in inputs.items()})
        except Exception as exc:  # onnxruntime raises its own exception types
            raise InternalError(f"model {self.path.name} failed to run: {exc}") from exc
        return dict(zip(self.output_names, values, strict=True))


def _info(arg: Any) -> TensorInfo:
    shape = tuple(d if isinstance(d, (int, str)) or d is None else None for d in arg.shape)
    return TensorInfo(name=str(arg.name), shape=shape, type=str(arg.type))


class OnnxModelSlot:
    """User-supplied ONNX models in ``models_dir``, loaded on first use and cached.

    ``models_dir`` None means no directory is configured: nothing is available. Sessions run on
    ``CPUExecutionProvider`` with ``intra_op_threads`` threads. A file replaced on disk (other
    size or modification time) is loaded again.
    """

    def __init__(self, models_dir: Path | None, *, intra_op_threads: int = 1) -> None:
        if not isinstance(intra_op_threads, int) or intra_op_threads < 1:
            raise ParameterError(f"intra_op_threads must be an integer >= 1, got "
                                 f"{intra_op_threads!r}", field="intra_op_threads", low=1)
        self.models_dir = None if models_dir is None else Path(models_dir)
        self.intra_op_threads = intra_op_threads
        self._cache: dict[str, tuple[tuple[int, int], OnnxModel]] = {}
        self._lock = threading.Lock()

    def path_for(self, name: str) -> Path | None:
        """Where the model for slot ``name`` is expected (None without a models_dir)."""
        check_slot(name)
        return None if self.models_dir is None else self.models_dir / (name + SUFFIX)

    def available(self, name: str) -> bool:
        """Whether a file for slot ``name`` exists (it is not loaded or checked here)."""
        path = self.path_for(name)
        return path is not None and path.is_file()

    def load(self, name: str) -> OnnxModel:
        """The cached :class:`OnnxModel` of slot ``name``; ModelUnavailable when absent/bad."""
        path = self._existing(name)
        stamp = _stamp(path)
        with self._lock:
            cached = self._cache.get(name)
            if cached is None or cached[0] != stamp:
                cached = (stamp, OnnxModel(path, self._session(path)))
                self._cache[name] = cached
            return cached[1]

    def _existing(self, name: str) -> Path:
        path = self.path_for(name)
        if path is None:
            raise ModelUnavailable(
                f"model {name!r} needs a models directory holding {name}{SUFFIX}; none is "
                f"configured (set PORTRAIT_MODELS_DIR)", field="models_dir", slot=name)
        if not path.is_file():
            raise ModelUnavailable(f"model {name!r} not found: expected the file {path}",
                                   field="models_dir", slot=name, path=str(path))
        return path

    def _session(self, path: Path) -> Any:
        import onnxruntime as ort  # heavy import, deferred until a model is really used

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.intra_op_threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            return ort.InferenceSession(str(path), sess_options=options,
                                        providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelUnavailable(f"{path} is not a valid ONNX model onnxruntime can load: "
                                   f"{exc}", field="models_dir", path=str(path)) from exc


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns)


class OnnxImageOp:
    """Adapter running an image-to-image ONNX model on ``HxWx3`` uint8 RGB images.

    The model takes one ``1x3xHxW`` float32 RGB tensor with values in ``value_range``
    (default 0..1) and returns one ``1x3xH'xW'`` tensor in the same range; ``H'/H`` may be any
    scale factor. A model with a fixed input size gets the image resized to it, and its output
    is resized back to the image size times the model's scale factor.
    """

    def __init__(self, model: OnnxModel, *,
                 value_range: tuple[float, float] = (0.0, 1.0)) -> None:
        if len(model.inputs) != 1 or len(model.inputs[0].shape) != 4:
            raise ModelUnavailable(f"model {model.path.name} is not an image model: it must "
                                   f"take one NCHW tensor, takes {model.input_shapes}")
        if model.inputs[0].type != "tensor(float)":
            raise ModelUnavailable(f"model {model.path.name} must take float32 input, takes "
                                   f"{model.inputs[0].type}")
        if not value_range[0] < value_range[1]:
            raise ParameterError(f"value_range must be (low, high) with low < high, got "
                                 f"{value_range!r}", field="value_range")
        self.model = model
        self.low, self.high = float(value_range[0]), float(value_range[1])

    def apply(self, img: NDArray[np.uint8]) -> NDArray[np.uint8]:
        """Run the model on ``img`` (``HxWx3`` uint8 RGB); return ``H'xW'x3`` uint8 RGB."""
        _check_rgb(img)
        fixed = self._fixed_size()
        src = img if fixed is None else _resize(img, fixed)
        out = self._run(src)
        if fixed is not None:
            scale_y, scale_x = out.shape[0] / src.shape[0], out.shape[1] / src.shape[1]
            out = _resize(out, (round(img.shape[1] * scale_x), round(img.shape[0] * scale_y)))
        return out

    def _fixed_size(self) -> tuple[int, int] | None:
        """(width, height) the model requires, or None when its spatial dims are free."""
        _, _, h, w = self.model.inputs[0].shape
        return (w, h) if isinstance(h, int) and isinstance(w, int) and h > 0 and w > 0 else None

    def _run(self, img: NDArray[np.uint8]) -> NDArray[np.uint8]:
        span = self.high - self.low
        x = img.astype(np.float32).transpose(2, 0, 1)[None] * (span / 255.0) + self.low
        result = self.model.run({self.model.input_names[0]: np.ascontiguousarray(x)})
        y = np.asarray(result[self.model.output_names[0]])
        if y.ndim != 4 or y.shape[0] != 1 or y.shape[1] != 3:
            raise InternalError(f"model {self.model.path.name} returned shape {y.shape}; an "
                                f"image model must return 1x3xHxW")
        pixels = (y[0].transpose(1, 2, 0).astype(np.float32) - self.low) * (255.0 / span)
        return np.asarray(np.clip(np.rint(pixels), 0, 255), dtype=np.uint8)


def _check_rgb(img: NDArray[np.uint8]) -> None:
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 \
            or img.shape[2] != 3:
        raise ImageError("image must be an HxWx3 uint8 RGB array", field="image")


def _resize(img: NDArray[np.uint8], size: tuple[int, int]) -> NDArray[np.uint8]:
    """``img`` resized to ``size`` = (width, height): area when shrinking, cubic otherwise."""
    if size == (img.shape[1], img.shape[0]):
        return img
    shrinking = size[0] * size[1] < img.shape[0] * img.shape[1]
    method = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(img, size, interpolation=method), dtype=np.uint8)
