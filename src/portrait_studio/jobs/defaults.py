"""Every default of the job system in one place (vendor limits, retention, polling).

Numbers marked [doc] come from the vendors' documentation as summarised in
``../shared/protocols/README.md`` section 6; the others are our choice and say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

HOUR: Final = 3600.0
DAY: Final = 24 * HOUR

# --- request rates per tenant and action, requests per second (burst = rate) --------------
# Action names are the vendors' own where they have one; DashScope has none, so ours.
ACTION_DASHSCOPE_SUBMIT: Final = "DashScope.SubmitTask"
ACTION_DASHSCOPE_QUERY: Final = "DashScope.GetTask"

RATE_LIMITS: Final[Mapping[str, float]] = MappingProxyType({
    "FuseFaceUltra": 2.0,                 # [doc] 2 QPS
    "SubmitGlamPicJob": 1.0,              # QPS not stated by the vendor: conservative 1/s
    "QueryGlamPicJob": 20.0,              # not stated; 20/s is Tencent's common API default
    "CreateSceneAigcImageTask": 20.0,     # [doc] 20 req/s
    "DescribeTaskDetail": 100.0,          # [doc] 100 req/s
    "CVSync2AsyncSubmitTask": 10.0,       # not in the seed (50429 when exceeded): our choice
    "CVSync2AsyncGetResult": 50.0,        # not in the seed: polling is cheap, allow more
    ACTION_DASHSCOPE_SUBMIT: 2.0,         # [doc] submit 2 QPS per account
    ACTION_DASHSCOPE_QUERY: 20.0,         # not stated: our choice for polling
})
# actions not in the table are not rate limited

# --- concurrent running jobs per tenant and product ---------------------------------------
# [doc] glam: 1 job per account, the rest waits in the queue; DashScope repaint: 1 running task.
# Products not listed are bounded only by the number of workers.
PRODUCT_CONCURRENCY: Final[Mapping[str, int]] = MappingProxyType({"glam": 1, "repaint": 1})

# --- queue ---------------------------------------------------------------------------------
MAX_QUEUED_PER_TENANT: Final = 100     # queued (not yet running) jobs per tenant
DEFAULT_PRIORITY: Final = 0            # higher runs first
MAX_ATTEMPTS: Final = 2                # runs of one job before a lost worker fails it

# --- retention of results after a job ends, seconds, per product ---------------------------
RETENTION_S: Final[Mapping[str, float]] = MappingProxyType({
    "fusion": DAY,          # [doc] FuseFaceUltra url result 1 day
    "glam": HOUR,           # [doc] ResultImage URLs 1 hour
    "try_on": 7 * DAY,      # [doc] VOD Temporary output URL 7 days
    "repaint": DAY,         # [doc] DashScope task and result URL 24 h
    "restyle": 12 * HOUR,   # [doc] Volcengine tasks 12 h
})
DEFAULT_RETENTION_S: Final = DAY

# --- workers and waiting --------------------------------------------------------------------
POLL_MIN_S: Final = 0.05               # idle worker's first poll interval
POLL_MAX_S: Final = 0.5                # idle worker's longest poll interval
STOP_TIMEOUT_S: Final = 30.0           # graceful stop waits this long for running jobs
WAIT_SLICE_S: Final = 0.25             # a waiter re-reads the store at least this often
HEARTBEAT_MIN_S: Final = 0.2           # progress/cancel checks hit the store at most this often
SQLITE_BUSY_TIMEOUT_MS: Final = 10_000
SWEEP_BATCH: Final = 200
STALE_TMP_S: Final = HOUR


def retention_for(product: str) -> float:
    """Seconds results of ``product`` are kept after the job ends."""
    return RETENTION_S.get(product, DEFAULT_RETENTION_S)


def product_limits(workers: int, overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Per-tenant running-job limits: the defaults, then ``overrides``; others get ``workers``.

    The returned dict lists only explicit limits; a product missing from it is limited by
    ``workers`` simply because no more jobs can run at once.
    """
    limits = {name: min(n, workers) for name, n in PRODUCT_CONCURRENCY.items()}
    limits.update(overrides or {})
    return limits
