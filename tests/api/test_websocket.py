"""The event stream against the simulator: both generations, filters, faults."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from custom_components.unraid_management_agent.api import (
    LIST_TOPICS,
    PARSERS,
    AgentEvent,
    FrameKind,
    PayloadParser,
    Topic,
    UnraidConnectionClosedError,
    UnraidConnectionError,
    UnraidTimeoutError,
    UnraidWebSocket,
    client as client_module,
)
from custom_components.unraid_management_agent.api.models import (
    CollectorStateEvent,
    Model,
    SourceStatus,
)
from uma_simulator import Simulator
from uma_simulator.hub import OP_PING

from .conftest import Agent, StartAgent, wait_for


def _count_texts(sim: Simulator) -> list[str]:
    """Record every text frame the agent receives from clients."""
    texts: list[str] = []
    original = sim.hub._on_text

    def spy(client: Any, text: str) -> None:
        texts.append(text)
        original(client, text)

    sim.hub._on_text = spy  # type: ignore[method-assign]
    return texts


async def _drain(stream: UnraidWebSocket, seen: list[Topic | None]) -> None:
    """Iterate the stream until it ends, recording topics."""
    async for event in stream:
        # appended one by one: the events before the error must be kept
        seen.append(event.topic)  # noqa: PERF401


async def _receive(stream: UnraidWebSocket, count: int) -> list[AgentEvent]:
    return [await stream.receive(idle_limit=2.0) for _ in range(count)]


async def _all_topics(start_agent: StartAgent, legacy: bool) -> list[AgentEvent]:
    """Stream every topic ``large`` publishes (collectors, refreshes, extras)."""
    agent = await start_agent(scenario="large", legacy=legacy, collect=False)
    sim = agent.sim
    stream = await agent.client().connect_websocket()
    try:
        await wait_for(lambda: sim.ws_client_count == 1)
        published = sim.advance(0) + sim.advance(61)
        sim.publish("nut_status_update")
        published.append("nut_status_update")
        # An older agent collects every topic but pushes only some.
        published = [topic for topic in published if sim.profile.pushes(topic)]
        events = await _receive(stream, len(published))
        assert [str(e.topic) for e in events] == published
    finally:
        await stream.close()
    return events


async def test_every_topic_in_both_generations(start_agent: StartAgent) -> None:
    """Named frames and legacy ``"update"`` frames give the same topics and payloads."""
    named = await _all_topics(start_agent, legacy=False)
    legacy = await _all_topics(start_agent, legacy=True)
    topics = {e.topic for e in named}
    expected = {
        t for t in PARSERS if t not in {Topic.SOURCE_STATUS, Topic.COLLECTOR_STATE}
    }
    assert expected | {Topic.FAN_CONTROL, Topic.TUNING, Topic.DOCKER_NETWORKS} == topics
    # The 2026.02 agent pushes the twelve topics of its generation only.
    assert {e.topic for e in legacy} == {
        Topic.SYSTEM, Topic.ARRAY, Topic.DISKS, Topic.SHARES, Topic.CONTAINERS,
        Topic.VMS, Topic.UPS, Topic.GPU, Topic.NETWORK, Topic.HARDWARE, Topic.NUT,
    }  # fmt: skip
    same = [e for e in named if e.topic in {o.topic for o in legacy}]
    for new, old in zip(same, legacy, strict=True):
        assert new.kind is old.kind is FrameKind.TOPIC
        assert new.name == str(new.topic) and old.name == "update"
        assert new.topic == old.topic
        if new.topic in (Topic.DISKS, Topic.SHARES):  # its value bugs
            assert [i.name for i in new.payload] == [i.name for i in old.payload]
        elif new.topic is Topic.SYSTEM:
            assert new.payload.agent_version == "2026.08.01"
            assert old.payload.agent_version == "2026.02.01"
        else:
            assert new.payload == old.payload
        assert new.size > 0
        payload = new.payload
        if new.topic in LIST_TOPICS:
            assert isinstance(payload, tuple) and payload
            assert all(isinstance(item, Model) for item in payload)
        elif new.topic in PARSERS:
            assert isinstance(payload, Model)
        else:
            assert isinstance(payload, dict)  # no model: the raw JSON


async def test_subscribe_filters(agent: Agent) -> None:
    """Agents from 2026.03 send only subscribed topics; ``None`` resets."""
    sim = agent.sim
    stream = await agent.client().connect_websocket(
        subscribe=[Topic.MOVER, Topic.SYSTEM]
    )
    try:
        await wait_for(
            lambda: sim.hub.clients[0].topics == {"mover_update", "system_update"}
        )
        published = sim.advance(30) + sim.advance(60)
        assert "array_status_update" in published
        wanted = [t for t in published if t in {"mover_update", "system_update"}]
        events = await _receive(stream, len(wanted))
        assert [str(e.topic) for e in events] == wanted
        with pytest.raises(UnraidTimeoutError):
            await stream.receive(idle_limit=0.05)  # nothing else was sent

        await stream.subscribe(None)
        await wait_for(lambda: sim.hub.clients[0].topics is None)
        sim.publish("array_status_update")
        assert (await stream.receive(idle_limit=2.0)).topic is Topic.ARRAY

        await stream.subscribe([])  # empty list: every topic too
        await stream.subscribe(["ups_status_update"])
        await wait_for(lambda: sim.hub.clients[0].topics == {"ups_status_update"})
        # collector state changes are sent as "update": a filter drops them
        sim.set_collector_enabled("gpu", False)
        sim.publish("ups_status_update")
        assert (await stream.receive(idle_limit=2.0)).topic is Topic.UPS
    finally:
        await stream.close()


async def test_legacy_ignores_subscribe(start_agent: StartAgent) -> None:
    """Agents before 2026.03 ignore the filter and send ``"update"`` for everything."""
    agent = await start_agent(scenario="home", legacy=True)
    sim = agent.sim
    texts = _count_texts(sim)
    stream = await agent.client().connect_websocket(subscribe=[Topic.MOVER])
    try:
        await wait_for(lambda: len(texts) == 1)
        assert texts == ['{"subscribe":["mover_update"]}']
        sim.publish("system_update")
        event = await stream.receive(idle_limit=2.0)
        assert (event.kind, event.topic, event.name) == (
            FrameKind.TOPIC,
            Topic.SYSTEM,
            "update",
        )
        assert event.payload.hostname == "tower"
    finally:
        await stream.close()


@pytest.mark.parametrize("legacy", [False, True], ids=["named", "legacy"])
async def test_collector_state_change(start_agent: StartAgent, legacy: bool) -> None:
    """``data.event == "collector_state_change"`` under ``"update"``, both generations."""
    agent = await start_agent(scenario="home", legacy=legacy)
    stream = await agent.client().connect_websocket()
    try:
        await wait_for(lambda: agent.sim.ws_client_count == 1)
        agent.sim.set_collector_enabled("gpu", False)
        event = await stream.receive(idle_limit=2.0)
    finally:
        await stream.close()
    assert (event.kind, event.topic, event.name) == (
        FrameKind.TOPIC,
        Topic.COLLECTOR_STATE,
        "update",
    )
    assert isinstance(event.payload, CollectorStateEvent)
    assert event.payload.collector == "gpu"
    assert (event.payload.enabled, event.payload.status) == (False, "stopped")
    assert event.payload.interval == 60


@pytest.mark.parametrize("legacy", [False, True], ids=["named", "legacy"])
async def test_extra_events(start_agent: StartAgent, legacy: bool) -> None:
    """``agent_stream``, ``source_status_changed``, unknown topics and empty lists."""
    agent = await start_agent(scenario="home", legacy=legacy)
    sim = agent.sim
    stream = await agent.client().connect_websocket()
    try:
        await wait_for(lambda: sim.ws_client_count == 1)
        inner = {"event": "agent_thinking", "timestamp": "t", "data": {"text": "hi"}}
        sim.publish_raw("agent_stream", inner)
        status = {
            "subsystem": "docker",
            "state": "degraded",
            "reason": "socket slow",
            "last_checked": "2026-11-20T18:00:00+10:00",
            "last_healthy": "0001-01-01T00:00:00Z",
        }
        sim.publish_raw("source_status_changed", status)
        sim.publish_raw("flux_capacitor_update", {"gigawatts": 1.21})
        sim.publish_raw("disk_list_update", [])
        stream_event, status_event, unknown, empty = await _receive(stream, 4)
    finally:
        await stream.close()

    assert (stream_event.kind, stream_event.topic) == (
        FrameKind.TOPIC,
        Topic.AGENT_STREAM,
    )
    assert stream_event.payload == inner  # no model: the nested envelope as is

    assert status_event.topic is Topic.SOURCE_STATUS
    assert isinstance(status_event.payload, SourceStatus)
    assert status_event.payload.state == "degraded"
    assert status_event.payload.last_healthy is None

    assert (unknown.kind, unknown.topic) == (FrameKind.UNKNOWN, None)
    assert unknown.payload == {"gigawatts": 1.21}

    if legacy:
        assert (empty.kind, empty.topic, empty.payload) == (
            FrameKind.AMBIGUOUS,
            None,
            [],
        )
    else:
        assert (empty.kind, empty.topic, empty.payload) == (
            FrameKind.TOPIC,
            Topic.DISKS,
            (),
        )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("non_json", FrameKind.GARBAGE),
        ("not_envelope", FrameKind.GARBAGE),
        ("unknown_topic", FrameKind.UNKNOWN),
        ("binary", FrameKind.GARBAGE),
    ],
)
async def test_garbage_frames(agent: Agent, kind: str, expected: FrameKind) -> None:
    """Bad frames are classified, never raised; the stream keeps going."""
    sim = agent.sim
    stream = await agent.client().connect_websocket()
    try:
        await wait_for(lambda: sim.ws_client_count == 1)
        sim.faults.send_garbage(kind)
        sim.publish("mover_update")
        bad, good = await _receive(stream, 2)
    finally:
        await stream.close()
    assert bad.kind is expected
    assert bad.size > 0
    assert good.topic is Topic.MOVER


async def test_frame_over_4_mib_is_received(agent: Agent) -> None:
    """The agent caps no frame: one over aiohttp's default 4 MiB still arrives."""
    stream = await agent.client().connect_websocket()
    try:
        await wait_for(lambda: agent.sim.ws_client_count == 1)
        agent.sim.faults.send_garbage("oversized")
        event = await stream.receive(idle_limit=5.0)
        assert event.size > 4 * 1024 * 1024
        assert not stream.closed
    finally:
        await stream.close()


async def test_frame_over_the_limit_breaks_the_stream(
    agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frame over the client's limit is a connection error, then the stream ends."""
    monkeypatch.setattr(client_module, "MAX_FRAME_BYTES", 1024 * 1024)
    stream = await agent.client().connect_websocket()
    try:
        await wait_for(lambda: agent.sim.ws_client_count == 1)
        agent.sim.faults.send_garbage("oversized")
        with pytest.raises(UnraidConnectionError, match="stream error"):
            await stream.receive(idle_limit=5.0)
        with pytest.raises(UnraidConnectionClosedError):
            await stream.receive(idle_limit=5.0)
        assert stream.closed
    finally:
        await stream.close()


async def test_idle_limit_and_stall(agent: Agent) -> None:
    """Silence longer than ``idle_limit`` is a timeout; the stream stays usable."""
    sim = agent.sim
    stream = await agent.client().connect_websocket()
    try:
        await wait_for(lambda: sim.ws_client_count == 1)
        with pytest.raises(UnraidTimeoutError, match="no data frame for 0.05 seconds"):
            await stream.receive(idle_limit=0.05)
        sim.faults.stall = True
        sim.publish("system_update")  # lost while stalled
        with pytest.raises(UnraidTimeoutError):
            await stream.receive(idle_limit=0.05)
        sim.faults.stall = False
        sim.publish("mover_update")
        assert (await stream.receive(idle_limit=2.0)).topic is Topic.MOVER
        assert not stream.closed
    finally:
        await stream.close()


async def test_pings_are_not_data(agent: Agent) -> None:
    """Pings (answered with pongs) keep coming: the idle limit still trips."""
    sim = agent.sim
    stream = await agent.client().connect_websocket()

    async def keep_pinging() -> None:
        while True:
            sim.hub.send_raw(OP_PING, b"")
            await asyncio.sleep(0.01)

    pinger = asyncio.get_running_loop().create_task(keep_pinging())
    try:
        await wait_for(lambda: sim.ws_client_count == 1)
        sim.faults.stall = True  # the agent's hub stopped; pings go on
        with pytest.raises(UnraidTimeoutError, match="no data frame"):
            await stream.receive(idle_limit=0.2)
        assert not stream.closed
    finally:
        pinger.cancel()
        await stream.close()


async def test_iteration_until_restart(agent: Agent) -> None:
    """``async for`` yields events; an agent restart (Close frame) ends it."""
    sim = agent.sim
    stream = await agent.client().connect_websocket()
    seen: list[Topic | None] = []
    try:
        await wait_for(lambda: sim.ws_client_count == 1)
        sim.publish("system_update")
        sim.publish("array_status_update")
        sim.restart()
        with pytest.raises(UnraidConnectionClosedError, match="closed the stream"):
            await _drain(stream, seen)
    finally:
        await stream.close()
    assert seen == [Topic.SYSTEM, Topic.ARRAY]
    assert stream.closed
    with pytest.raises(UnraidConnectionError, match="could not send the subscription"):
        await stream.subscribe([Topic.SYSTEM])


async def test_network_drop(agent: Agent) -> None:
    """A dropped TCP connection (no Close frame) is a connection error."""
    stream = await agent.client().connect_websocket()
    try:
        await wait_for(lambda: agent.sim.ws_client_count == 1)
        agent.sim.faults.drop_websockets()
        with pytest.raises(UnraidConnectionError):
            await stream.receive(idle_limit=2.0)
    finally:
        await stream.close()


async def test_pings_are_answered(agent: Agent) -> None:
    """The agent's pings are answered while receiving, so it keeps the client."""
    sim = agent.sim
    # registration is collected every 600 s: only the pings come meanwhile
    stream = await agent.client().connect_websocket(
        subscribe=[Topic.REGISTRATION], heartbeat=None
    )
    try:
        await wait_for(lambda: sim.hub.clients[0].topics == {"registration_update"})
        reader = asyncio.create_task(stream.receive(idle_limit=2.0))
        sim.advance(30)  # ping
        assert sim.hub.clients[0].unanswered is not None
        await wait_for(lambda: sim.hub.clients[0].unanswered is None)  # pong
        sim.advance(31)  # past the 60 s read deadline: kept, since it answered
        assert sim.ws_client_count == 1
        sim.publish("registration_update")
        assert (await reader).topic is Topic.REGISTRATION
    finally:
        await stream.close()


async def test_control_frames_are_skipped(agent: Agent) -> None:
    """Without autoping a PING reaches ``receive``: it is skipped, not returned."""
    ws = await agent.session.ws_connect(agent.url + "/ws", autoping=False)
    stream = UnraidWebSocket(ws)
    try:
        await stream.subscribe([Topic.REGISTRATION])
        await wait_for(
            lambda: (
                bool(agent.sim.hub.clients)
                and agent.sim.hub.clients[0].topics == {"registration_update"}
            )
        )
        agent.sim.advance(30)  # a ping and nothing else
        agent.sim.publish("registration_update")
        assert (await stream.receive(idle_limit=2.0)).topic is Topic.REGISTRATION
    finally:
        await stream.close()


async def test_transport_errors_are_connection_errors() -> None:
    """Aiohttp failing under ``receive`` (a closing transport) ends the stream as usual."""

    class Broken:
        async def receive(self) -> None:
            raise aiohttp.ClientConnectionResetError(
                "Cannot write to closing transport"
            )

    stream = UnraidWebSocket(Broken())  # type: ignore[arg-type]
    with pytest.raises(UnraidConnectionError, match="closing transport"):
        await stream.receive(idle_limit=1.0)


async def test_stream_parses_with_the_given_parser(agent: Agent) -> None:
    """The stream's parser keeps models of unchanged JSON across frames."""
    ws = await agent.session.ws_connect(agent.url + "/ws")
    parser = PayloadParser()
    stream = UnraidWebSocket(ws, parser)
    try:
        await stream.subscribe([Topic.REGISTRATION])
        await wait_for(
            lambda: (
                bool(agent.sim.hub.clients)
                and agent.sim.hub.clients[0].topics == {"registration_update"}
            )
        )
        payload = agent.sim.caches["registration_update"]
        agent.sim.hub.broadcast("registration_update", payload)
        first = await stream.receive(idle_limit=2.0)
        agent.sim.hub.broadcast("registration_update", payload)
        second = await stream.receive(idle_limit=2.0)
        assert second.payload is first.payload
        assert (parser.built, parser.reused) == (1, 1)
    finally:
        await stream.close()
