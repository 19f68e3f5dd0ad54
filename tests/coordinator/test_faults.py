"""Faults: polling takes over, reconnects back off, push resumes, state converges."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

from tests.helpers import (
    SERVER,
    Agent,
    assert_matches_simulator,
    entity_id,
    move_time,
    settle,
    setup_entry,
    wait_until,
)

BASES = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 300.0, 300.0, 300.0]


@pytest.fixture
async def running(
    hass: HomeAssistant, agent: Agent, config_entry: Any, freezer: Any
) -> Any:
    """Set the integration up against the simulator, HA's clock at the simulator's."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    return config_entry.runtime_data


def mode(hass: HomeAssistant) -> str:
    """Return the connection sensor's state."""
    return hass.states.get(entity_id(hass, "sensor", f"{SERVER}_connection_mode")).state


def plex(hass: HomeAssistant) -> str:
    """Return the plex container switch's state."""
    return hass.states.get(
        entity_id(hass, "switch", f"{SERVER}_container_plex_running")
    ).state


async def reconnect(hass: HomeAssistant, freezer: Any, coordinator: Any) -> None:
    """Let the pending reconnect delay pass and the stream come back."""
    connects = coordinator.stats.connects
    _base, delay = coordinator.stats.backoff[-1]
    await move_time(hass, freezer, delay)
    await wait_until(hass, lambda: coordinator.stats.connects > connects)
    await settle(hass)


async def change_during_outage(agent: Agent) -> None:
    """Something changes on the server while the stream is down."""
    agent.sim.set_container_state("plex", "exited")
    agent.sim.advance(30)  # collected and published to nobody


async def test_dropped_stream_polls_then_pushes_again(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """A dropped socket: polling at once, reconnect after 1 s, re-seed, push."""
    coordinator = running
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    assert mode(hass) == "polling"
    assert coordinator.update_interval.total_seconds() == 30
    await change_during_outage(agent)

    await reconnect(hass, freezer, coordinator)

    assert [base for base, _ in coordinator.stats.backoff] == [1.0]
    assert mode(hass) == "push"
    assert coordinator.update_interval is None
    assert plex(hass) == "off"
    assert_matches_simulator(hass, agent.sim)


async def test_backoff_sequence_and_reset(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    freezer: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """1 s doubling to 5 min with jitter, without limit; reset after a minute up."""
    coordinator = running
    caplog.set_level(logging.INFO)
    agent.sim.faults.offline = True
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: len(coordinator.stats.backoff) == 1)
    for count in range(2, len(BASES) + 1):
        _base, delay = coordinator.stats.backoff[-1]
        await move_time(hass, freezer, delay)
        await wait_until(hass, lambda c=count: len(coordinator.stats.backoff) == c)
    await settle(hass)

    recorded = list(coordinator.stats.backoff)
    assert [base for base, _ in recorded] == BASES
    for base, delay in recorded:
        assert 0.8 * base <= delay <= base
    # Push and polling both failed: unavailable, said once.
    assert mode(hass) == "offline"
    assert plex(hass) == STATE_UNAVAILABLE
    lost = [r for r in caplog.records if "Error fetching" in r.getMessage()]
    assert len(lost) == 1

    agent.sim.faults.clear()
    await change_during_outage(agent)
    await reconnect(hass, freezer, coordinator)
    assert mode(hass) == "push"
    assert plex(hass) == "off"
    assert_matches_simulator(hass, agent.sim)
    back = [
        r
        for r in caplog.records
        if "recovered" in r.getMessage() or "again" in r.getMessage()
    ]
    assert len(back) == 1

    # Up for more than a minute: the next outage starts again at 1 s.
    await move_time(hass, freezer, 61)
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: len(coordinator.stats.backoff) == len(BASES) + 1)
    assert coordinator.stats.backoff[-1][0] == 1.0


async def test_short_connection_keeps_backing_off(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """A connection that drops within a minute does not reset the delay."""
    coordinator = running
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: len(coordinator.stats.backoff) == 1)
    await reconnect(hass, freezer, coordinator)
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: len(coordinator.stats.backoff) == 2)
    assert [base for base, _ in coordinator.stats.backoff] == [1.0, 2.0]


async def test_stalled_stream_is_detected(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """No frame (and no pong) for the silence timeout: reconnect, re-seed."""
    coordinator = running
    agent.sim.faults.stall = True
    await move_time(hass, freezer, coordinator.silence_timeout + 1)
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    assert mode(hass) == "polling"
    agent.sim.faults.stall = False
    await change_during_outage(agent)
    await reconnect(hass, freezer, coordinator)
    assert mode(hass) == "push"
    assert plex(hass) == "off"
    assert_matches_simulator(hass, agent.sim)


@pytest.mark.parametrize(
    "kind", ["non_json", "not_envelope", "unknown_topic", "binary"]
)
async def test_garbage_is_counted_and_survived(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Garbage frames are logged once and counted; the stream stays up."""
    coordinator = running
    for _ in range(3):
        agent.sim.faults.send_garbage(kind)
    agent.sim.set_container_state("plex", "exited")
    agent.sim.publish("container_list_update")
    await wait_until(hass, lambda: plex(hass) == "off")
    assert coordinator.stats.garbage + coordinator.stats.unknown == 3
    assert coordinator.stats.disconnects == 0
    warnings = [r for r in caplog.records if "not an agent event" in r.getMessage()]
    assert len(warnings) <= 1


async def test_oversized_frame_reconnects(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """A frame over the size limit breaks the stream; it comes back."""
    coordinator = running
    agent.sim.faults.send_garbage("oversized")
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await reconnect(hass, freezer, coordinator)
    assert mode(hass) == "push"
    assert_matches_simulator(hass, agent.sim)


async def test_agent_restart_keeps_state_then_converges(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """A restarted agent answers placeholders at first: nothing is lost or deleted."""
    coordinator = running
    boot = hass.states.get(entity_id(hass, "sensor", f"{SERVER}_boot_time")).state
    containers = len(coordinator.data.containers)
    agent.sim.restart()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await reconnect(hass, freezer, coordinator)
    # The re-seed met placeholders: the last known state stays.
    assert len(coordinator.data.containers) == containers
    assert plex(hass) == "on"
    assert coordinator.data.system.hostname == "tower"

    topics = agent.sim.advance(1)  # the restarted agent's first collection
    await wait_until(
        hass, lambda: coordinator.stats.by_topic["container_list_update"] >= 1
    )
    await settle(hass)
    assert "system_update" in topics
    assert (
        hass.states.get(entity_id(hass, "sensor", f"{SERVER}_boot_time")).state != boot
    )
    assert_matches_simulator(hass, agent.sim)


async def test_rate_limited_polling_then_push(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """429 while the stream is down: the hint is honoured, push brings data back."""
    coordinator = running
    agent.sim.faults.rest_mode = "429"
    agent.sim.faults.refuse_websockets = True
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    assert plex(hass) == STATE_UNAVAILABLE
    assert mode(hass) == "offline"
    polls = len(agent.rest_requests())
    # The agent gave no Retry-After: the next poll waits the default hint (10 s), not 30 s.
    await move_time(hass, freezer, 11)
    await settle(hass)
    assert len(agent.rest_requests()) > polls

    agent.sim.faults.clear()
    await change_during_outage(agent)
    while coordinator.stats.connects < 2:
        await reconnect(hass, freezer, coordinator)
    assert mode(hass) == "push"
    assert plex(hass) == "off"
    assert_matches_simulator(hass, agent.sim)


async def test_websocket_refused_but_rest_works(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """Entities stay available while polling delivers data."""
    coordinator = running
    agent.sim.faults.refuse_websockets = True
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    await change_during_outage(agent)
    await move_time(hass, freezer, 30)
    await settle(hass)
    assert mode(hass) == "polling"
    assert plex(hass) == "off"
    assert_matches_simulator(hass, agent.sim)


async def test_server_errors_are_counted_and_logged_once(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    freezer: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Repeated 500s while polling: one log line, every failure counted."""
    coordinator = running
    agent.sim.faults.rest_mode = "500"
    agent.sim.faults.refuse_websockets = True
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    for _ in range(3):
        await move_time(hass, freezer, 30)
        await settle(hass)
    assert coordinator.stats.rest_errors["UnraidServerError"] >= 4 * 18
    assert len([r for r in caplog.records if "Error fetching" in r.getMessage()]) == 1
    assert mode(hass) == "offline"
