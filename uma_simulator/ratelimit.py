"""Per-client token bucket (``golang.org/x/time/rate`` semantics: starts full)."""

from __future__ import annotations

from collections.abc import Callable
import time


class RateLimiter:
    """Token buckets keyed by client IP: ``rate`` tokens per second, ``burst`` capacity."""

    def __init__(
        self,
        rate: float = 50.0,
        burst: int = 100,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create an empty limiter."""
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        #: number of requests refused so far
        self.rejected = 0

    def allow(self, key: str) -> bool:
        """Take one token from ``key``'s bucket; return ``False`` when it is empty."""
        now = self._clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            self.rejected += 1
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def reset(self) -> None:
        """Forget every bucket (a restarted agent starts with full buckets)."""
        self._buckets.clear()
