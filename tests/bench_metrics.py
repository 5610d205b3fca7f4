"""bench/metrics.py loaded for the tests (bench/ is not a package): the benchmark's own
measures (CIEDE2000, the glasses-frame truth's resampling) are asserted on, not copied."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


@cache
def bench_metrics() -> ModuleType:
    """The module bench/metrics.py (registered as ``bench_metrics``)."""
    spec = importlib.util.spec_from_file_location("bench_metrics", REPO / "bench" / "metrics.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_metrics"] = module
    spec.loader.exec_module(module)
    return module
