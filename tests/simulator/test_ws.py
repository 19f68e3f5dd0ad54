"""WebSocket hub tests: envelopes, subscribe, legacy, pings, eviction, faults, restart."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from .conftest import Factory


async def _next(ws: aiohttp.ClientWebSocketResponse) -> Any:
    """Return the next JSON text frame."""
    msg = await ws.receive(timeout=2.0)
    assert msg.type == aiohttp.WSMsgType.TEXT, msg
    return json.loads(msg.data)


async def _registered(sim: Any, count: int) -> None:
    """Wait until the hub has accepted ``count`` clients (it does after the 101)."""
    for _ in range(500):  # at most about 5 s
        if sim.hub.connections >= count:
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"the hub accepted {sim.hub.connections} clients, not {count}")


async def _handled(sim: Any, count: int) -> None:
    """Wait until the hub has handled ``count`` text messages of its first client."""
    await _registered(sim, 1)
    for _ in range(500):  # at most about 5 s
        if sim.hub.clients and sim.hub.clients[0].texts >= count:
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"the hub did not handle {count} messages")


async def test_no_snapshot_and_envelopes(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Nothing arrives on connect; each publish is one envelope frame."""
    sim, url = await make_server()
    async with session.ws_connect(url + "/ws") as ws:
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive(timeout=0.05)
        await _registered(sim, 1)
        assert sim.ws_client_count == 1
        topics = sim.advance(0)
        first = await _next(ws)
        assert first["event"] == topics[0] == "system_update"
        assert set(first) == {"event", "timestamp", "data"}
        assert first["timestamp"] == "2026-11-20T18:00:00+10:00"


async def test_subscribe_filter_and_reset(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Exact-name filtering, null resets, junk ignored, collector events are 'update'."""
    sim, url = await make_server()
    async with session.ws_connect(url + "/ws") as ws:
        await ws.send_str("not json")
        await ws.send_str('{"other": 1}')
        await ws.send_str('{"subscribe": "x"}')
        await ws.send_json({"subscribe": ["mover_update", "update"]})
        await _handled(sim, 4)
        sim.advance(0)
        sim.advance(10)
        assert (await _next(ws))["event"] == "mover_update"
        async with session.post(url + "/collectors/gpu/disable") as resp:
            assert (await resp.json())["message"] == "gpu collector disabled"
        event = await _next(ws)
        assert (
            event["event"] == "update"
            and event["data"]["event"] == "collector_state_change"
        )
        assert event["data"]["status"] == "stopped"
        await ws.send_json({"subscribe": None})
        await _handled(sim, 5)
        sim.publish("system_update")
        assert (await _next(ws))["event"] == "system_update"


async def test_legacy_mode(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Legacy agents send 'update' for every topic and ignore subscriptions."""
    sim, url = await make_server(legacy=True)
    async with session.ws_connect(url + "/ws") as ws:
        await ws.send_json({"subscribe": ["mover_update"]})
        await _handled(sim, 1)
        sim.publish("system_update")
        event = await _next(ws)
        assert event["event"] == "update" and event["data"]["hostname"] == "tower"


async def test_ping_and_deadline(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Server pings every 30 s; a client that never pongs is dropped after 60 s."""
    sim, url = await make_server()
    ws = await session.ws_connect(url + "/ws", autoping=False)
    await ws.send_json({"subscribe": ["nothing"]})
    await _handled(sim, 1)
    sim.advance(30)
    msg = await ws.receive(timeout=2)
    assert msg.type == aiohttp.WSMsgType.PING
    await asyncio.sleep(0.06)
    sim.advance(31)
    msg = await ws.receive(timeout=2)
    assert msg.type in (
        aiohttp.WSMsgType.CLOSE,
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    )
    assert sim.ws_client_count == 0
    await ws.close()


async def test_pong_keeps_client(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """A client answering pings survives; the server answers client pings."""
    sim, url = await make_server()
    async with session.ws_connect(url + "/ws", autoping=False) as ws:
        await ws.send_json({"subscribe": ["nothing"]})
        await _handled(sim, 1)
        sim.advance(30)
        assert (await ws.receive(timeout=2)).type == aiohttp.WSMsgType.PING
        await ws.pong()
        await ws.ping(b"hi")
        msg = await ws.receive(timeout=2)
        assert msg.type == aiohttp.WSMsgType.PONG and msg.data == b"hi"
        sim.advance(40)
        assert sim.ws_client_count == 1


async def test_stall_and_garbage(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Stall drops events and pings; garbage frames of every kind are delivered."""
    sim, url = await make_server()
    async with session.ws_connect(url + "/ws", max_msg_size=0) as ws:
        sim.faults.stall = True
        sim.advance(35)
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive(timeout=0.05)
        sim.faults.stall = False
        sim.faults.send_garbage("non_json")
        assert (await ws.receive(timeout=2)).data.startswith(
            '{"event": "system_update", "data": {not'
        )
        sim.faults.send_garbage("not_envelope")
        assert "event" not in await _next(ws)
        sim.faults.send_garbage("unknown_topic")
        assert (await _next(ws))["event"] == "flux_capacitor_update"
        sim.faults.send_garbage("oversized")
        assert len((await ws.receive(timeout=5)).data) > 4 * 1024 * 1024
        sim.faults.send_garbage("binary")
        assert (await ws.receive(timeout=2)).type == aiohttp.WSMsgType.BINARY
        with pytest.raises(ValueError, match="unknown garbage"):
            sim.faults.send_garbage("nope")


async def test_drop_and_restart(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """drop_websockets aborts; restart closes with a Close frame and resets caches."""
    sim, url = await make_server()
    ws = await session.ws_connect(url + "/ws")
    sim.faults.drop_websockets()
    assert (await ws.receive(timeout=2)).type in (
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    )
    await ws.close()
    sim.advance(0)
    ws = await session.ws_connect(url + "/ws")
    sim.faults.restart()
    assert (await ws.receive(timeout=2)).type == aiohttp.WSMsgType.CLOSE
    await ws.close()
    async with session.get(url + "/system") as resp:
        assert (await resp.json())["hostname"] == "unknown"
    sim.advance(1)
    async with session.get(url + "/system") as resp:
        assert (await resp.json())["uptime_seconds"] == 30


async def test_eviction_when_buffer_full(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """A client that stops reading is evicted once 256 events are queued."""
    sim, url = await make_server()
    ws = await session.ws_connect(url + "/ws", max_msg_size=0)
    await _registered(sim, 1)
    big = "x" * (1024 * 1024)
    for _ in range(40):
        sim.publish_raw("source_status_changed", {"padding": big})
        await asyncio.sleep(0)
        if sim.hub.clients and sim.hub.clients[0].pending:
            break
    for _ in range(300):
        sim.publish_raw("agent_stream", {"event": "agent_x"})
    assert sim.ws_client_count == 0
    kinds = set()
    while (msg := await ws.receive(timeout=5)).type == aiohttp.WSMsgType.TEXT:
        kinds.add(json.loads(msg.data)["event"])
    assert msg.type == aiohttp.WSMsgType.CLOSE
    assert kinds == {"source_status_changed", "agent_stream"}
    await ws.close()


async def test_ws_auth_and_handshake(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """401 on upgrade without token; plain GET is a bad handshake."""
    sim, url = await make_server(token="s3cret")
    with pytest.raises(aiohttp.WSServerHandshakeError) as err:
        await session.ws_connect(url + "/ws")
    assert err.value.status == 401
    async with session.ws_connect(
        url + "/ws", headers={"Authorization": "Bearer s3cret"}
    ):
        assert sim.ws_client_count == 1
    async with session.get(
        url + "/ws", headers={"Authorization": "bearer s3cret"}
    ) as resp:
        assert resp.status == 400
    async with session.post(
        url + "/ws", headers={"Authorization": "Bearer s3cret"}
    ) as resp:
        assert resp.status == 405


async def test_counts_frames_and_connections(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """The hub counts the data frames it sends and the clients it ever accepted."""
    sim, url = await make_server()
    assert (sim.hub.frames_sent, sim.hub.connections) == (0, 0)
    async with session.ws_connect(url + "/ws") as ws:
        await _registered(sim, 1)
        topics = sim.advance(0)
        for _ in topics:
            await _next(ws)
        sent = sim.hub.frames_sent
        assert sent == len(topics) > 0
        sim.faults.send_garbage("not_envelope")  # not a data frame: not counted
        await ws.receive(timeout=2.0)
        assert sim.hub.frames_sent == sent
    async with session.ws_connect(url + "/ws"):
        await _registered(sim, 2)
        assert sim.hub.connections == 2


@pytest.mark.parametrize(
    ("legacy", "event"), [(False, "system_update"), (True, "update")]
)
async def test_nonfinite_frame_is_named_like_the_generation(
    make_server: Factory, session: aiohttp.ClientSession, legacy: bool, event: str
) -> None:
    """A frame with a non-finite number says "update" on agents that name no topic."""
    sim, url = await make_server(legacy=legacy)
    sim.advance(0)
    async with session.ws_connect(url + "/ws") as ws:
        await _registered(sim, 1)
        sim.faults.send_nonfinite("system_update", cpu_usage_percent="NaN")
        msg = await ws.receive(timeout=2.0)
        assert json.loads(msg.data)["event"] == event
        assert '"cpu_usage_percent": NaN' in msg.data
