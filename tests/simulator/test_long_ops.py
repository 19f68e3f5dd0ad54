"""Long operations in the simulator: the write timeout and the cancelled checks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from uma_simulator import Simulator

from .conftest import Factory


async def _turns(condition: Callable[[], bool]) -> None:
    """Turn the event loop (loopback I/O) until ``condition``."""
    for _ in range(5000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


async def _post(session: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with session.post(url) as resp:
        return resp.status, await resp.json()


async def _given_up(sim: Simulator, session: aiohttp.ClientSession, url: str) -> None:
    """POST ``url``, wait until the agent works on it, then go away."""
    request = asyncio.get_running_loop().create_task(_post(session, url))
    await _turns(lambda: sim.sleeping == 1)
    sim.advance(10)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    await _turns(lambda: sim.sleeping == 0)


async def test_check_cancelled_by_the_client(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Gone after 10 s: finished checks kept, the running ones lose their registry call."""
    sim, url = await make_server(scenario="home")
    sim.advance(0)
    sim.durations.registry_check = 8  # batches of five: 0-8, 8-16, 16-24 s
    await _given_up(sim, session, url + "/docker/updates/refresh")
    cached = sim.caches["docker_updates_update"]
    entries = cached["containers"]
    assert len(entries) == cached["total_count"] == 12
    assert all("latest_digest" in e for e in entries[:5])
    assert [bool(e["container_name"]) for e in entries[5:]] == [True] * 5 + [False] * 2
    assert all("latest_digest" not in e and e["current_digest"] for e in entries[5:10])
    assert entries[11] == {
        "container_id": "",
        "container_name": "",
        "image": "",
        "update_available": False,
        "timestamp": "0001-01-01T00:00:00Z",
    }
    # sonarr (the second) has an update; it was checked in time
    assert cached["updates_available"] == 1


async def test_plugin_check_cancelled_or_cut(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """A killed ``plugin check`` reports the update files of earlier checks."""
    sim, url = await make_server(scenario="home")
    sim.advance(30)  # the first plugin collection: community.applications
    newer = sim.state.plugins[1]
    newer.update(update_available=True, latest_version="2026.09.09")
    sim.durations.plugin_check = 20
    await _given_up(sim, session, url + "/plugins/updates/refresh")
    names = [p["name"] for p in sim.caches["plugin_updates_update"]["plugins"]]
    assert names == ["community.applications"]

    sim.durations.plugin_check = 40  # past its 30 s bound, and the write timeout
    request = asyncio.get_running_loop().create_task(
        _post(session, url + "/plugins/updates/refresh")
    )
    await _turns(lambda: sim.sleeping == 1)
    sim.advance(30)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await request
    listing = sim.caches["plugin_updates_update"]
    assert [p["name"] for p in listing["plugins"]] == ["community.applications"]
    assert listing["total_count"] == listing["updates_available"] == 1
    assert sim.request_log[-1].status == 0

    sim.durations.plugin_check = 5  # a whole check finds the new update
    request = asyncio.get_running_loop().create_task(
        _post(session, url + "/plugins/updates/refresh")
    )
    await _turns(lambda: sim.sleeping == 1)
    sim.advance(5)
    status, body = await request
    assert status == 200
    assert [p["name"] for p in body["plugins"]] == [
        "community.applications",
        newer["name"],
    ]


async def test_update_all_past_the_update_limit(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Updates past the agent's 10 minutes: none done, and no answer."""
    sim, url = await make_server(scenario="home")
    sim.advance(0)
    ids = {c["name"]: c["id"] for c in sim.state.containers}
    sim.durations.container_update = 700
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await _post(session, url + "/docker/update-all")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await _post(session, url + "/docker/sonarr/update")
    assert {c["name"]: c["id"] for c in sim.state.containers} == ids
    assert [r.status for r in sim.request_log] == [0, 0]

    sim.durations.container_update = 0
    status, body = await _post(session, url + "/docker/update-all")
    assert (status, body["succeeded"]) == (200, 1)


async def test_update_all_after_a_cut_check(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Update-all's own check stops at 30 s: containers it did not reach are skipped."""
    sim, url = await make_server(scenario="home")
    sim.advance(0)
    sim.set_image_update("syncthing")  # the last one
    sim.durations.registry_check = 12  # 36 s needed: batch three never starts
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await _post(session, url + "/docker/update-all")
    updated = {
        c["name"]
        for c in sim.state.containers
        if not sim.state.image_updates[c["name"]]
    }
    assert "sonarr" in updated
    assert sim.state.image_updates["syncthing"] is True


async def test_no_root_shares(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Without UD root shares the remote shares are reported as configured."""
    sim, url = await make_server(scenario="home")
    sim.state.root_shares.clear()
    sim.advance(0)
    async with session.get(url + "/unassigned") as resp:
        shares = (await resp.json())["remote_shares"]
    assert [s["type"] for s in shares] == ["smb", "nfs"]
