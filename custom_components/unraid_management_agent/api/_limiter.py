"""Keep request bursts under the agent's rate limit."""

from __future__ import annotations

import asyncio
from types import TracebackType


class RequestLimiter:
    """A token bucket plus a concurrency cap, with a pause after a 429.

    The agent allows 50 requests per second per client with a burst of 100
    (since 2026.06.04; 10/s with a burst of 20 before that). The defaults
    here stay under both with a margin for network jitter, so a full
    re-seed never trips the limiter. A token is taken only once a slot is
    free, so requests that queued for a slot are still paced when they go.
    """

    def __init__(
        self, rate: float = 8.0, burst: int = 16, concurrency: int = 6
    ) -> None:
        """Allow ``rate`` requests per second with bursts of ``burst``."""
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._stamp: float | None = None
        self._resume_at = 0.0
        self._semaphore = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Hold every new request for ``seconds`` (the agent said 429)."""
        loop = asyncio.get_running_loop()
        self._resume_at = max(self._resume_at, loop.time() + seconds)
        self._tokens = 0.0

    async def _take_token(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            while True:
                now = loop.time()
                if now < self._resume_at:
                    await asyncio.sleep(self._resume_at - now)
                    continue
                if self._stamp is not None:
                    elapsed = now - self._stamp
                    self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
                self._stamp = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await asyncio.sleep((1.0 - self._tokens) / self._rate)

    async def __aenter__(self) -> None:
        """Wait for a free slot, then for a token."""
        await self._semaphore.acquire()
        try:
            await self._take_token()
        except BaseException:
            self._semaphore.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Free the slot."""
        self._semaphore.release()
