"""Faults: polling takes over, reconnects back off, push resumes, state converges."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

from custom_components.unraid_management_agent.api import client as client_module
from tests.helpers import (
    SERVER,
    Agent,
    assert_matches_simulator,
    entity_id,
    move_time,
    settle,
    wait_until,
)
from uma_simulator.ratelimit import RateLimiter


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


async def test_dropped_stream_is_retried_at_once_when_rest_answers(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """A dropped socket: one poll; REST answers, so the stream is retried at once."""
    coordinator = running
    agent.sim.faults.stall = True  # the change below is published to nobody
    await change_during_outage(agent)
    agent.sim.faults.stall = False
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.connects == 2)
    await settle(hass)

    assert coordinator.stats.early_retries == 1
    assert [base for base, _ in coordinator.stats.backoff] == [1.0]
    assert mode(hass) == "push"
    assert coordinator.update_interval is None
    assert plex(hass) == "off"
    assert_matches_simulator(hass, agent.sim)


async def test_refused_stream_is_retried_at_every_poll_that_answers(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """The stream refused, REST fine: polling shows the data; push within one poll."""
    coordinator = running
    # Ten minutes of polls pass in a wall-clock second: lift the agent's limit.
    agent.sim.limiter = RateLimiter(1e9, 10**9)
    agent.sim.faults.refuse_websockets = True
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    assert mode(hass) == "polling"

    def upgrades() -> int:
        return sum(r.path.endswith("/ws") for r in agent.sim.request_log)

    for _ in range(20):  # ten minutes of polling
        tried = upgrades()
        for _ in range(6):
            await move_time(hass, freezer, 5)
            await settle(hass)
        # At least one attempt per poll, and never a storm.
        assert 1 <= upgrades() - tried <= 12
    assert coordinator.stats.connects == 1
    await change_during_outage(agent)
    agent.sim.faults.refuse_websockets = False
    for _ in range(6):  # within one poll interval
        await move_time(hass, freezer, 5)
        await settle(hass)
    assert coordinator.stats.connects == 2
    assert mode(hass) == "push"
    assert plex(hass) == "off"


async def test_backoff_sequence_and_reset(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    freezer: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing answers: every 4 s at first, then doubling to 5 min; reset when up."""
    coordinator = running
    caplog.set_level(logging.INFO)
    agent.sim.faults.offline = True
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: len(coordinator.stats.backoff) == 1)

    async def step() -> None:
        count = len(coordinator.stats.backoff)
        _base, delay = coordinator.stats.backoff[-1]
        await move_time(hass, freezer, delay)
        await wait_until(hass, lambda: len(coordinator.stats.backoff) > count)

    for _ in range(5):
        await step()
    # Past the first minutes of the outage the doubling goes on.
    count = len(coordinator.stats.backoff)
    await move_time(hass, freezer, 300)
    await wait_until(hass, lambda: len(coordinator.stats.backoff) > count)
    for _ in range(7):
        await step()
    await settle(hass)

    recorded = list(coordinator.stats.backoff)
    assert [base for base, _ in recorded] == [
        1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 300.0,
        300.0,
    ]  # fmt: skip
    for base, delay in recorded:
        assert 0.8 * base <= delay <= base
    # Push and polling both failed: unavailable, said once.
    assert mode(hass) == "offline"
    assert plex(hass) == STATE_UNAVAILABLE
    lost = [r for r in caplog.records if "Error fetching" in r.getMessage()]
    assert len(lost) == 1
    outage = [r for r in caplog.records if "Lost the event stream" in r.getMessage()]
    assert len(outage) == 1

    agent.sim.faults.clear()
    await change_during_outage(agent)
    await move_time(hass, freezer, 30)  # the next poll answers: stream at once
    await wait_until(hass, lambda: coordinator.stats.connects == 2)
    await settle(hass)
    assert mode(hass) == "push"
    assert plex(hass) == "off"
    assert_matches_simulator(hass, agent.sim)
    back = [
        r
        for r in caplog.records
        if "recovered" in r.getMessage() or "again" in r.getMessage()
    ]
    assert len(back) == 1

    # Up for more than a minute: the end of the outage is logged once, with
    # its length and attempts, and the next outage starts again at 1 s.
    for _ in range(5):
        agent.sim.advance(15)
        await move_time(hass, freezer, 15)
        await settle(hass)
    ended = [
        r.getMessage() for r in caplog.records if "is back after" in r.getMessage()
    ]
    assert len(ended) == 1
    assert "attempts" in ended[0] and "min" in ended[0]
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 2)
    assert coordinator.stats.backoff[-1][0] == 1.0


async def test_flapping_stream_is_one_outage(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    freezer: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Drops within a minute of reconnecting: one log line, the backoff goes on."""
    coordinator = running
    caplog.set_level(logging.INFO)
    # Unpaced re-seeds in one wall-clock second: lift the agent's limit.
    agent.sim.limiter = RateLimiter(1e9, 10**9)
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.connects == 2)  # at once
    for drops in range(2, 5):
        await settle(hass)
        agent.sim.faults.drop_websockets()
        await wait_until(hass, lambda d=drops: len(coordinator.stats.backoff) == d)
        await settle(hass)
        assert coordinator.stats.connects == drops  # no early retry this time
        await reconnect(hass, freezer, coordinator)
    assert coordinator.stats.early_retries == 1
    assert [base for base, _ in coordinator.stats.backoff] == [1.0, 1.0, 2.0, 4.0]
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert len([m for m in messages if "Lost the event stream" in m]) == 1
    assert not [m for m in messages if "is back after" in m]


async def test_stalled_stream_is_detected_while_pings_go_on(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """Pings and pongs flow but no data: after 4 system cadences, reconnect, re-seed."""
    coordinator = running
    agent.sim.faults.stall = True
    seeds = coordinator.stats.rest_refreshes
    for _ in range(2):  # 60 s: pings, pongs, no data
        agent.sim.advance(30)  # the agent pings; our heartbeat draws pongs
        await move_time(hass, freezer, 30)
        await settle(hass)
    assert coordinator.stats.stalls == 0
    agent.sim.advance(30)
    await move_time(hass, freezer, 30)
    await wait_until(hass, lambda: coordinator.stats.stalls == 1)
    assert coordinator.freshness.stall_limit == 4 * 15 + 15
    # REST answers: the stream is reopened at once and everything re-read.
    await wait_until(hass, lambda: coordinator.stats.connects == 2)
    await settle(hass)
    assert coordinator.stats.rest_refreshes > seeds
    agent.sim.faults.stall = False
    agent.sim.set_container_state("plex", "exited")
    agent.sim.advance(30)
    await wait_until(hass, lambda: plex(hass) == "off")
    assert mode(hass) == "push"
    assert_matches_simulator(hass, agent.sim)


async def test_silent_topic_is_read_over_rest(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """One collector stuck (its frames stop): re-read after 4 cadences, stream kept."""
    coordinator = running
    agent.sim.faults.muted.add("container_list_update")
    agent.sim.set_container_state("plex", "exited")
    before = agent.rest_requests().count("/api/v1/docker")
    for _ in range(7):  # 105 s: under 4 container cadences and a grace (135 s)
        agent.sim.advance(15)
        await move_time(hass, freezer, 15)
        await settle(hass)
    assert plex(hass) == "on"
    assert agent.rest_requests().count("/api/v1/docker") == before
    for _ in range(3):
        agent.sim.advance(15)
        await move_time(hass, freezer, 15)
        await settle(hass)
    assert plex(hass) == "off"
    assert agent.rest_requests().count("/api/v1/docker") == before + 1
    assert coordinator.stats.disconnects == 0
    topics = coordinator.freshness.as_dict()["topics"]
    assert topics["container_list_update"]["via"] == "rest"
    assert topics["system_update"]["via"] == "push"
    assert topics["system_update"]["cadence_seconds"] == 15


async def test_low_power_cadence_is_learned(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """An agent in low-power mode (every interval ×4) is not taken for a stalled one."""
    coordinator = running
    for name, collector in agent.sim.collectors.items():
        if collector.interval > 0:
            agent.sim.set_collector_interval(name, collector.interval * 4)
    for _ in range(12):  # 12 minutes
        agent.sim.advance(60)
        await move_time(hass, freezer, 60)
        await settle(hass)
    assert coordinator.freshness.stall_limit == 4 * 60 + 15
    assert coordinator.stats.stalls == 0
    assert coordinator.stats.disconnects == 0
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


@pytest.mark.parametrize("archived", [15_000])
async def test_huge_notification_archive(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any, archived: int
) -> None:
    """A huge archive (a frame past 4 MiB): taken once, then read over REST, small."""
    coordinator = running
    sim = agent.sim
    sim.limiter = RateLimiter(1e9, 10**9)
    sim.faults.flood_archive(archived)
    sim.add_notification("Disk 3 is hot", importance="warning")
    await wait_until(
        hass, lambda: coordinator.stats.by_topic["notifications_update"] >= 1
    )
    await settle(hass)
    assert coordinator.stats.disconnects == 0
    notes = coordinator.data.notifications
    assert notes is not None
    assert [n.title for n in notes.notifications if n.title == "Disk 3 is hot"]
    assert all(n.type != "archive" for n in notes.notifications)  # bounded
    assert "notifications_update" not in sim.hub.clients[0].topics

    # From now on: counts and unread ones over REST every minute, no big frames.
    events = entity_id(hass, "event", f"{SERVER}_notification")
    mark = len(agent.rest_requests())
    sim.add_notification("Array started", importance="normal")
    for _ in range(5):
        sim.advance(15)
        await move_time(hass, freezer, 15)
        await settle(hass)
    assert coordinator.stats.by_topic["notifications_update"] == 1
    state = hass.states.get(events)
    assert state.attributes["title"] == "Array started"
    later = agent.rest_requests()[mark:]
    assert "/api/v1/notifications/unread" in later
    assert "/api/v1/notifications" not in later
    assert mode(hass) == "push"


async def test_frame_over_the_limit_reconnects(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    freezer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A frame over the client's limit breaks the stream; it comes back."""
    coordinator = running
    monkeypatch.setattr(client_module, "MAX_FRAME_BYTES", 1024 * 1024)
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.connects == 2)
    await settle(hass)
    agent.sim.faults.send_garbage("oversized")
    await wait_until(hass, lambda: coordinator.stats.disconnects == 2)
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
    # The system topic is read first; with it failing, nothing else is asked.
    assert coordinator.stats.rest_errors["UnraidServerError"] >= 4
    assert len([r for r in caplog.records if "Error fetching" in r.getMessage()]) == 1
    assert mode(hass) == "offline"


async def test_silent_topic_whose_rest_read_fails_is_not_current(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """A stuck collector and a failing endpoint: its entities say so, others stay."""
    coordinator = running
    agent.sim.faults.muted.add("container_list_update")
    agent.sim.faults.set_rest_mode("500", "/api/v1/docker")
    for _ in range(10):  # 150 s: past 4 container cadences and the grace
        agent.sim.advance(15)
        await move_time(hass, freezer, 15)
        await settle(hass)
    assert plex(hass) == STATE_UNAVAILABLE
    assert coordinator.stream_connected
    agent.sim.faults.clear()
    agent.sim.publish("container_list_update")
    await wait_until(hass, lambda: plex(hass) == "on")
