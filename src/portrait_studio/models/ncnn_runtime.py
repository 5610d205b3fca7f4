"""Run ncnn models (``.param`` + ``.bin``) on the CPU.

The ``ncnn`` package is used directly: Vulkan is switched off, the thread count is explicit and
half-precision storage/arithmetic are disabled. On the x86 machines measured (AVX-512) fp16 made
no difference to the output or the speed, on ARM it would round activations to 11 bits; bf16
storage ran 1.3x faster but moved Real-ESRGAN outputs by up to 7/255, so it stays off too.

Loaded nets are cached by (files, input/output blob names, threads): a worker loads each model
once and reuses it. One ``ncnn.Net`` may serve several threads at once because every call
creates its own extractor.

Tensors are CHW ``float32`` numpy arrays (channels first, no batch axis).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import ncnn
import numpy as np
import numpy.typing as npt

from ..errors import ModelUnavailable, ParameterError

FloatArray = npt.NDArray[np.float32]

_CACHE: dict[tuple[str, str, str, str, int], NcnnModel] = {}
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class BlobNames:
    """Input blobs (tops of ``Input`` layers) and output blobs (never consumed) of a graph."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


def read_blob_names(param: Path) -> BlobNames:
    """Parse a text ``.param`` file and return its input and output blob names."""
    lines = param.read_text(encoding="utf-8").splitlines()
    inputs: list[str] = []
    produced: list[str] = []
    consumed: set[str] = set()
    for line in lines[2:]:
        parts = line.split()
        if len(parts) < 4:
            continue
        n_in, n_out = int(parts[2]), int(parts[3])
        bottoms, tops = parts[4:4 + n_in], parts[4 + n_in:4 + n_in + n_out]
        consumed.update(bottoms)
        produced.extend(tops)
        if parts[0] == "Input":
            inputs.extend(tops)
    return BlobNames(tuple(inputs), tuple(b for b in produced if b not in consumed))


def _new_net(param: Path, weights: Path, threads: int) -> ncnn.Net:
    net = ncnn.Net()
    opt = net.opt
    opt.use_vulkan_compute = False
    opt.num_threads = threads
    opt.use_fp16_packed = False
    opt.use_fp16_storage = False
    opt.use_fp16_arithmetic = False
    opt.use_bf16_storage = False
    if net.load_param(str(param)) != 0 or net.load_model(str(weights)) != 0:
        raise ModelUnavailable(f"ncnn could not load {param.name} / {weights.name}")
    return net


class NcnnModel:
    """One loaded ncnn graph with a single input blob and a single output blob."""

    def __init__(self, param: Path, weights: Path, *, threads: int = 1,
                 input_name: str = "data", output_name: str = "output") -> None:
        if threads < 1:
            raise ParameterError(f"threads must be >= 1, got {threads!r}", field="threads")
        names = read_blob_names(param)
        if input_name not in names.inputs or output_name not in names.outputs:
            raise ModelUnavailable(
                f"{param.name} has inputs {names.inputs} and outputs {names.outputs}, "
                f"expected {input_name!r} -> {output_name!r}")
        self.param, self.weights, self.threads = param, weights, threads
        self.input_name, self.output_name = input_name, output_name
        self._net = _new_net(param, weights, threads)

    def run(self, chw: FloatArray) -> FloatArray:
        """Run the graph on a CxHxW float32 tensor and return the CxH'xW' float32 output."""
        if chw.ndim != 3 or chw.dtype != np.float32:
            raise ParameterError(f"input must be a CxHxW float32 array, got {chw.dtype} "
                                 f"{chw.shape}", field="input")
        data = np.ascontiguousarray(chw)
        extractor = self._net.create_extractor()
        mat_in = ncnn.Mat(data)  # wraps ``data`` without copying: keep it alive until extract
        extractor.input(self.input_name, mat_in)
        status, mat_out = extractor.extract(self.output_name)
        if status != 0:
            raise ModelUnavailable(f"ncnn extract of {self.output_name!r} failed ({status})")
        out = np.array(mat_out, dtype=np.float32, copy=True)
        del mat_in, data
        return out


def load_model(param: Path, weights: Path, *, threads: int = 1, input_name: str = "data",
               output_name: str = "output") -> NcnnModel:
    """A cached :class:`NcnnModel`: loaded once per (files, blob names, threads)."""
    key = (str(param), str(weights), input_name, output_name, threads)
    with _CACHE_LOCK:
        model = _CACHE.get(key)
        if model is None:
            model = NcnnModel(param, weights, threads=threads, input_name=input_name,
                              output_name=output_name)
            _CACHE[key] = model
        return model


def clear_cache() -> None:
    """Forget every cached net (they are freed once no caller holds them)."""
    with _CACHE_LOCK:
        _CACHE.clear()
