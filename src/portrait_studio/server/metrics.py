"""Prometheus metrics in the text exposition format (version 0.0.4), written by hand.

Exposed at ``/metrics``:

- ``portrait_http_requests_total{route,method,status}`` and
  ``portrait_http_request_duration_seconds{route}`` (histogram) for every request;
- ``portrait_api_calls_total{protocol,action,code}``: calls per wire action and answer code
  (``OK`` or the protocol's error code);
- ``portrait_jobs{state}``, ``portrait_queue_depth``, ``portrait_workers_alive``,
  ``portrait_workers_configured`` (gauges read from the studio at scrape time);
- ``portrait_job_stage_seconds{product,stage}`` (histogram of the pipeline stages a job
  reports in ``report.timings_ms``), ``portrait_job_queue_seconds{product}`` and
  ``portrait_job_run_seconds{product,state}``.

Finished jobs are observed once each: when a sync call returns them and, at each scrape, from
the newest finished jobs in the store (so async jobs nobody polled are counted too; at most
``SCAN_LIMIT`` per state per scrape).
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..jobs.model import FINISHED_STATES, Job
from ..studio import Studio

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
STAGE_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SCAN_LIMIT = 200
_SEEN_MAX = 20_000

Labels = tuple[tuple[str, str], ...]


def _labels(values: Mapping[str, str]) -> Labels:
    return tuple(sorted((k, str(v)) for k, v in values.items()))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _render_labels(labels: Labels, extra: Sequence[tuple[str, str]] = ()) -> str:
    pairs = [*labels, *extra]
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class _Histogram:
    buckets: tuple[float, ...]
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def observe(self, value: float) -> None:
        if not self.counts:
            self.counts = [0] * len(self.buckets)
        index = bisect.bisect_left(self.buckets, value)
        if index < len(self.counts):
            self.counts[index] += 1
        self.total += value
        self.count += 1

    def lines(self, name: str, labels: Labels) -> list[str]:
        out, running = [], 0
        for bound, n in zip(self.buckets, self.counts or [0] * len(self.buckets), strict=True):
            running += n
            out.append(f"{name}_bucket{_render_labels(labels, [('le', _number(bound))])} "
                       f"{running}")
        out.append(f"{name}_bucket{_render_labels(labels, [('le', '+Inf')])} {self.count}")
        out.append(f"{name}_sum{_render_labels(labels)} {_number(self.total)}")
        out.append(f"{name}_count{_render_labels(labels)} {self.count}")
        return out


class Metrics:
    """Thread-safe counters and histograms plus the studio gauges; :meth:`render` for /metrics."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[Labels, float]] = {}
        self._histograms: dict[str, dict[Labels, _Histogram]] = {}
        self._buckets: dict[str, tuple[float, ...]] = {}
        self._help: dict[str, str] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()

    # --- primitives ---------------------------------------------------------------------------

    def inc(self, name: str, help_text: str, amount: float = 1.0, **labels: str) -> None:
        key = _labels(labels)
        with self._lock:
            self._help.setdefault(name, help_text)
            series = self._counters.setdefault(name, {})
            series[key] = series.get(key, 0.0) + amount

    def observe(self, name: str, help_text: str, value: float,
                buckets: tuple[float, ...] = REQUEST_BUCKETS, **labels: str) -> None:
        key = _labels(labels)
        with self._lock:
            self._help.setdefault(name, help_text)
            self._buckets.setdefault(name, buckets)
            series = self._histograms.setdefault(name, {})
            series.setdefault(key, _Histogram(self._buckets[name])).observe(max(0.0, value))

    # --- domain helpers -----------------------------------------------------------------------

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        """One HTTP request finished."""
        self.inc("portrait_http_requests_total", "HTTP requests by route, method and status",
                 route=route, method=method, status=str(status))
        self.observe("portrait_http_request_duration_seconds", "HTTP request latency",
                     seconds, route=route)

    def api_call(self, protocol: str, action: str, code: str) -> None:
        """One wire-protocol call answered with ``code`` (``OK`` on success)."""
        self.inc("portrait_api_calls_total", "API calls by protocol, action and answer code",
                 protocol=protocol, action=action, code=code)

    def observe_job(self, job: Job) -> None:
        """Record a finished job's queue wait, run time and stage timings (once per job)."""
        if not job.state.is_terminal() or job.finished_at is None:
            return
        with self._lock:
            if job.id in self._seen:
                return
            self._seen[job.id] = None
            while len(self._seen) > _SEEN_MAX:
                self._seen.popitem(last=False)
        self._job_timings(job)

    def _job_timings(self, job: Job) -> None:
        if job.started_at is not None:
            self.observe("portrait_job_queue_seconds", "time jobs waited in the queue",
                         job.started_at - job.created_at, STAGE_BUCKETS, product=job.product)
            self.observe("portrait_job_run_seconds", "time jobs ran in a worker",
                         (job.finished_at or job.started_at) - job.started_at, STAGE_BUCKETS,
                         product=job.product, state=job.state.value)
        timings = job.report.get("timings_ms") if isinstance(job.report, dict) else None
        for stage, ms in (timings or {}).items():
            if isinstance(ms, (int, float)):
                self.observe("portrait_job_stage_seconds", "pipeline stage latency",
                             float(ms) / 1000.0, STAGE_BUCKETS, product=job.product,
                             stage=str(stage))

    def scan(self, jobs: Iterable[Job]) -> None:
        for job in jobs:
            self.observe_job(job)

    # --- rendering ----------------------------------------------------------------------------

    def render(self, studio: Studio | None = None) -> str:
        """The whole exposition text (gauges read from ``studio`` when given)."""
        lines: list[str] = []
        if studio is not None:
            for state in FINISHED_STATES:
                self.scan(studio.service.list(state=state, limit=SCAN_LIMIT))
            lines += _gauges(studio)
        with self._lock:
            lines += self._render_counters() + self._render_histograms()
        return "\n".join(lines) + "\n"

    def _render_counters(self) -> list[str]:
        lines: list[str] = []
        for name, series in sorted(self._counters.items()):
            lines += [f"# HELP {name} {self._help[name]}", f"# TYPE {name} counter"]
            lines += [f"{name}{_render_labels(k)} {_number(v)}" for k, v in sorted(series.items())]
        return lines

    def _render_histograms(self) -> list[str]:
        lines: list[str] = []
        for name, series in sorted(self._histograms.items()):
            lines += [f"# HELP {name} {self._help[name]}", f"# TYPE {name} histogram"]
            for key, hist in sorted(series.items()):
                lines += hist.lines(name, key)
        return lines


def _gauge(name: str, help_text: str, values: Mapping[Labels, float]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    return lines + [f"{name}{_render_labels(k)} {_number(v)}" for k, v in values.items()]


def _gauges(studio: Studio) -> list[str]:
    stats = studio.stats()
    by_state = {_labels({"state": s.value}): float(n) for s, n in stats.jobs_by_state.items()}
    return (_gauge("portrait_jobs", "jobs in the store by state", by_state)
            + _gauge("portrait_queue_depth", "queued jobs waiting for a worker",
                     {(): float(stats.queue_depth)})
            + _gauge("portrait_workers_alive", "worker processes alive and ready for jobs",
                     {(): float(stats.workers_alive)})
            + _gauge("portrait_workers_configured", "configured worker processes",
                     {(): float(stats.workers_configured)}))
