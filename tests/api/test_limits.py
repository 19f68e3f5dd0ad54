"""Burst bounds against the agent's rate limiter, and the client's own limiter."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from custom_components.unraid_management_agent.api import (
    TOPIC_ENDPOINTS,
    RequestLimiter,
    UnraidClient,
)
from custom_components.unraid_management_agent.api.generations import rate_limit_for

from .conftest import StartAgent, Stub

#: every read a full seed may do: the topic endpoints plus the extra reads
EXTRA_READS = (
    "get_notification_overview",
    "get_parity_schedule",
    "get_parity_history",
    "get_flash",
    "get_collectors",
    "get_user_scripts",
)


async def _full_seed(client: UnraidClient) -> list[Any]:
    """Read every topic endpoint and every extra read concurrently."""
    return await asyncio.gather(
        *(client.get_topic(topic) for topic in TOPIC_ENDPOINTS),
        *(getattr(client, name)() for name in EXTRA_READS),
    )


async def test_rounds_under_agent_limits(start_agent: StartAgent) -> None:
    """Three concurrent reads of every topic endpoint: the agent never says 429.

    At the pace the client keeps for this agent's version (the first, slower
    pace is only for the requests before the version is known).
    """
    agent = await start_agent(scenario="large")  # 50/s, burst 100
    pace = rate_limit_for(agent.sim.profile.agent_version).pace
    client = agent.client(limiter=RequestLimiter(*pace))
    for _ in range(3):
        results = await asyncio.gather(
            *(client.get_topic(topic) for topic in TOPIC_ENDPOINTS)
        )
        assert all(result is not None for result in results)
    assert agent.sim.limiter.rejected == 0
    assert len(agent.rest_paths()) == 3 * len(TOPIC_ENDPOINTS)
    assert client.request_count == 3 * len(TOPIC_ENDPOINTS)


async def test_tuned_limiter_under_agent_limits(start_agent: StartAgent) -> None:
    """A limiter tuned near the new limits (45/s, burst 90) holds five rounds."""
    agent = await start_agent(scenario="home")
    client = agent.client(limiter=RequestLimiter(rate=45, burst=90, concurrency=20))
    await asyncio.gather(
        *(client.get_topic(topic) for _ in range(5) for topic in TOPIC_ENDPOINTS)
    )
    assert agent.sim.limiter.rejected == 0


async def test_full_seed_under_old_limits(start_agent: StartAgent) -> None:
    """Agents 2026.04-2026.06 (10/s, burst 20): connect, then seed, no 429."""
    agent = await start_agent(scenario="home", rate_limit=10.0, rate_burst=20)
    client = agent.client()
    stream = await client.connect_websocket()
    try:
        await _full_seed(client)
    finally:
        await stream.close()
    assert agent.sim.limiter.rejected == 0
    assert len(agent.rest_paths()) == len(TOPIC_ENDPOINTS) + len(EXTRA_READS)


async def test_without_the_limiter_old_agents_refuse(start_agent: StartAgent) -> None:
    """Control experiment: the same seed with no pacing does trip the old limits."""
    agent = await start_agent(scenario="home", rate_limit=10.0, rate_burst=20)
    client = agent.client(limiter=RequestLimiter(rate=1e6, burst=1000, concurrency=50))
    results = await asyncio.gather(
        *(client.get_topic(topic) for topic in TOPIC_ENDPOINTS), return_exceptions=True
    )
    assert agent.sim.limiter.rejected > 0
    assert any(isinstance(result, Exception) for result in results)


async def test_pause_after_429_delays_next_request(stub: Stub) -> None:
    """``Retry-After`` of a 429 holds the next request, whatever its path."""
    stub.answer("GET", "/system", 429, "Too Many Requests\n", {"Retry-After": "0.2"})
    stub.answer("GET", "/health", 200, {"status": "ok"})
    client = stub.client()
    loop = asyncio.get_running_loop()
    with pytest.raises(Exception, match="429"):
        await client.get_system()
    start = loop.time()
    assert await client.get_health() is True
    assert loop.time() - start >= 0.19


async def test_tokens_pace_requests() -> None:
    """After the burst, entries are spaced by ``1/rate``."""
    limiter = RequestLimiter(rate=100.0, burst=2)
    loop = asyncio.get_running_loop()
    stamps: list[float] = []
    for _ in range(5):
        async with limiter:
            stamps.append(loop.time())
    assert stamps[1] - stamps[0] < 0.005  # burst
    assert stamps[4] - stamps[1] >= 0.029  # three paced tokens at 100/s


async def test_concurrency_cap() -> None:
    """No more than ``concurrency`` holders at once."""
    limiter = RequestLimiter(rate=1e6, burst=100, concurrency=2)
    inside = 0
    peak = 0
    gate = asyncio.Event()

    async def hold() -> None:
        nonlocal inside, peak
        async with limiter:
            inside += 1
            peak = max(peak, inside)
            await gate.wait()
            inside -= 1

    tasks = [asyncio.create_task(hold()) for _ in range(5)]
    for _ in range(20):
        await asyncio.sleep(0)
    assert inside == 2
    gate.set()
    await asyncio.gather(*tasks)
    assert peak == 2


async def test_slot_waiters_are_paced_on_release() -> None:
    """Requests that queued for a slot take their tokens when they get it.

    Tokens taken while waiting for a slot would all be spent at once when
    slots free up: a burst the agent's bucket (refilled meanwhile) does not
    expect on top of the client's own refilled bucket.
    """
    limiter = RequestLimiter(rate=200.0, burst=2, concurrency=1)
    loop = asyncio.get_running_loop()
    entries: list[float] = []

    async def enter() -> None:
        async with limiter:
            entries.append(loop.time())

    await limiter.__aenter__()  # a long command holds the only slot
    waiters = [asyncio.create_task(enter()) for _ in range(6)]
    await asyncio.sleep(0.05)  # the bucket refills to its burst meanwhile
    released = loop.time()
    await limiter.__aexit__(None, None, None)
    await asyncio.gather(*waiters)
    # at most the burst goes at once; the rest is paced at 200/s
    assert sum(1 for when in entries if when - released < 0.004) <= 2
    assert entries[-1] - released >= 0.015


async def test_cancelled_waiter_frees_its_slot() -> None:
    """Cancelling a request that waits for a token does not leak the slot."""
    limiter = RequestLimiter(rate=1.0, burst=1, concurrency=1)
    async with limiter:
        pass  # the only token is spent
    waiter = asyncio.create_task(limiter.__aenter__())
    for _ in range(5):
        await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert not limiter._semaphore.locked()


async def test_pause_zeroes_the_bucket() -> None:
    """``pause`` holds entries until it ends and empties the bucket."""
    limiter = RequestLimiter(rate=1000.0, burst=5)
    loop = asyncio.get_running_loop()
    limiter.pause(0.05)
    start = loop.time()
    async with limiter:
        pass
    assert loop.time() - start >= 0.049
    limiter.pause(0.0)  # shorter pauses never shorten a running one
    assert limiter._tokens == 0.0


async def test_set_pace_keeps_spent_tokens() -> None:
    """A new pace: the bucket grows or shrinks by the difference, spent stays spent."""
    limiter = RequestLimiter(rate=5.0, burst=10)
    for _ in range(3):
        async with limiter:
            pass
    limiter.set_pace(40.0, 80)
    assert limiter.pace == (40.0, 80)
    assert 77 <= limiter._tokens <= 78  # 7 left (and a little refill) + 70
    limiter.set_pace(5.0, 10)
    assert limiter.pace == (5.0, 10)
    assert 7 <= limiter._tokens <= 8
    limiter.set_pace(1.0, 1)
    assert limiter._tokens == 0.0  # never below empty
