"""Keep request bursts under the agent's rate limit."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

from .generations import FIRST_PACE


class RequestLimiter:
    """A token bucket plus a concurrency cap, with a pause after a 429.

    The agent's own limit depends on its version (none, then 10/s with a
    burst of 20 shared by every client, then 50/s with a burst of 100 per
    client: ``generations.RATE_LIMITS``). The defaults are the gentlest
    pace, for the first requests; ``set_pace`` follows the agent once its
    version is known. A token is taken only once a slot is free, so
    requests that queued for a slot are still paced when they go.
    """

    def __init__(
        self,
        rate: float = FIRST_PACE[0],
        burst: int = FIRST_PACE[1],
        concurrency: int = 6,
    ) -> None:
        """Allow ``rate`` requests per second with bursts of ``burst``."""
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._stamp: float | None = None
        self._resume_at = 0.0
        self._semaphore = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()

    @property
    def pace(self) -> tuple[float, int]:
        """The requests per second and the burst allowed now."""
        return self._rate, int(self._burst)

    def set_pace(self, rate: float, burst: int) -> None:
        """Pace at ``rate`` with bursts of ``burst`` from now on.

        The tokens already spent stay spent: a larger bucket grows by the
        difference, a smaller one shrinks by it.
        """
        if self._stamp is not None:
            with contextlib.suppress(RuntimeError):  # not in the loop that paced
                now = asyncio.get_running_loop().time()
                elapsed = now - self._stamp
                self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
                self._stamp = now
        self._tokens = max(0.0, min(float(burst), self._tokens + burst - self._burst))
        self._rate = rate
        self._burst = float(burst)

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
