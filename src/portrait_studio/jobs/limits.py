"""Per-tenant limits: request rates (token buckets) and the job-system limits object.

The :class:`RateLimiter` lives in the server process (transports ask it before submitting and
answer with their protocol's own error when refused); queue length and per-product concurrency
are enforced by the job store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from . import defaults


@dataclass(frozen=True)
class JobLimits:
    """Queue and concurrency limits of the job system, per tenant.

    ``product_concurrency`` maps a product to the most jobs of one tenant that may run at once
    (products missing from it are bounded by the worker count); ``max_queued_per_tenant``
    bounds queued jobs (excess submissions raise :class:`~portrait_studio.errors.QueueFull`);
    ``max_attempts`` is how many times a job may be started before a lost worker fails it.
    """

    max_queued_per_tenant: int = defaults.MAX_QUEUED_PER_TENANT
    product_concurrency: Mapping[str, int] = field(
        default_factory=lambda: dict(defaults.PRODUCT_CONCURRENCY))
    max_attempts: int = defaults.MAX_ATTEMPTS


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """In-memory token buckets keyed by (tenant, action); thread-safe.

    ``rates`` maps an action to requests per second; the burst (bucket size) equals the rate
    but is at least 1. Actions without a rate are never limited. Use one limiter per server
    process; state is lost on restart (a limiter is about seconds, not history).
    """

    def __init__(self, rates: Mapping[str, float] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rates = dict(defaults.RATE_LIMITS if rates is None else rates)
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, tenant: str, action: str, now: float | None = None) -> bool:
        """Take one token for (tenant, action) at time ``now``; False when none is left."""
        rate = self.rates.get(action)
        if rate is None:
            return True
        now = self._clock() if now is None else now
        burst = max(1.0, rate)
        with self._lock:
            bucket = self._buckets.setdefault((tenant, action), _Bucket(burst, now))
            elapsed = max(0.0, now - bucket.stamp)
            bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
            bucket.stamp = max(bucket.stamp, now)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return True
            return False

    def retry_after(self, tenant: str, action: str, now: float | None = None) -> float:
        """Seconds until (tenant, action) has a token again (0 when one is available now)."""
        rate = self.rates.get(action)
        if rate is None:
            return 0.0
        now = self._clock() if now is None else now
        with self._lock:
            bucket = self._buckets.get((tenant, action))
            if bucket is None:
                return 0.0
            tokens = min(max(1.0, rate), bucket.tokens + max(0.0, now - bucket.stamp) * rate)
            return 0.0 if tokens >= 1.0 else (1.0 - tokens) / rate
