"""Less common paths: no stream at setup, refused handshakes, recovery by push alone."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

from custom_components.unraid_management_agent.data import Extra
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


def plex(hass: HomeAssistant) -> str:
    """Return the plex container switch's state."""
    return hass.states.get(
        entity_id(hass, "switch", f"{SERVER}_container_plex_running")
    ).state


async def test_stream_unavailable_at_setup(
    hass: HomeAssistant, agent: Agent, config_entry: Any, freezer: Any
) -> None:
    """No stream at setup: polling from the start, push once the stream answers."""
    freezer.move_to(agent.sim.now)
    agent.sim.faults.refuse_websockets = True
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    assert coordinator.mode.value == "polling"
    assert coordinator.update_interval.total_seconds() == 30
    agent.sim.faults.refuse_websockets = False
    _base, delay = coordinator.stats.backoff[-1]
    await move_time(hass, freezer, delay)
    await wait_until(hass, lambda: coordinator.stats.connects == 1)
    await settle(hass)
    assert coordinator.mode.value == "push"
    assert coordinator.update_interval is None


async def test_rate_limited_handshake_waits_at_least_the_backoff(
    hass: HomeAssistant, agent: Agent, config_entry: Any, freezer: Any
) -> None:
    """A 429 on the WebSocket upgrade is retried with backoff."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    agent.sim.faults.websocket_status = 429
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: len(coordinator.stats.backoff) == 1)
    _base, delay = coordinator.stats.backoff[-1]
    await move_time(hass, freezer, delay)
    await wait_until(hass, lambda: len(coordinator.stats.backoff) == 2)
    assert [base for base, _ in coordinator.stats.backoff] == [1.0, 2.0]
    agent.sim.faults.websocket_status = None
    _base, delay = coordinator.stats.backoff[-1]
    await move_time(hass, freezer, delay)
    await wait_until(hass, lambda: coordinator.stats.connects == 2)
    await settle(hass)
    assert coordinator.mode.value == "push"


async def test_push_alone_brings_the_server_back(
    hass: HomeAssistant,
    agent: Agent,
    config_entry: Any,
    freezer: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """REST keeps failing, but frames arrive again: entities are available again."""
    caplog.set_level(logging.INFO)
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    agent.sim.faults.rest_mode = "500"
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    assert plex(hass) == STATE_UNAVAILABLE
    _base, delay = coordinator.stats.backoff[-1]
    await move_time(hass, freezer, delay)
    await wait_until(hass, lambda: coordinator.stats.connects == 2)
    await settle(hass)
    assert plex(hass) == STATE_UNAVAILABLE  # the re-seed failed too
    agent.sim.publish("container_list_update")
    await wait_until(hass, lambda: plex(hass) == "on")
    assert coordinator.mode.value == "push"
    assert any("sending data again" in r.getMessage() for r in caplog.records)


async def test_source_status_change_rereads_everything(
    hass: HomeAssistant, agent: Agent, config_entry: Any, freezer: Any
) -> None:
    """A data source changing health triggers one debounced full REST read."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    seeded = len(agent.rest_requests())
    status = {
        "subsystem": "docker",
        "state": "degraded",
        "reason": "socket timeout",
        "last_checked": "2026-11-20T18:00:00+10:00",
    }
    for _ in range(3):
        agent.sim.publish_raw("source_status_changed", status)
    await wait_until(
        hass, lambda: coordinator.stats.by_topic["source_status_changed"] == 3
    )
    assert len(agent.rest_requests()) == seeded
    await move_time(hass, freezer, 11)
    await settle(hass)
    assert "/api/v1/system" in agent.rest_requests()[seeded:]
    assert len(agent.rest_requests()) - seeded < 2 * seeded  # once, not three times


async def test_collector_events_for_unused_collectors_are_ignored(
    hass: HomeAssistant, agent: Agent, config_entry: Any
) -> None:
    """Collector changes the integration has no topic for change nothing."""
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    disabled = set(coordinator.disabled_topics)  # zfs is off in this scenario
    change = {
        "event": "collector_state_change",
        "collector": "fancontrol",
        "enabled": False,
        "status": "stopped",
        "interval": 0,
        "timestamp": "2026-11-20T18:00:00+10:00",
    }
    agent.sim.publish_raw("update", change)
    agent.sim.publish_raw("update", {"event": "collector_state_change"})
    await wait_until(
        hass, lambda: coordinator.stats.by_topic["collector_state_change"] == 2
    )
    assert coordinator.disabled_topics == disabled
    assert_matches_simulator(hass, agent.sim)


@pytest.mark.parametrize("sim_options", [{"rate_limit": 1e9, "rate_burst": 10**9}])
async def test_failed_rest_only_read_is_retried_within_minutes(
    hass: HomeAssistant, agent: Agent, config_entry: Any, freezer: Any
) -> None:
    """The flash read fails at setup: unavailable, then read again within 5 minutes."""
    sim = agent.sim
    sim.faults.set_rest_mode("500", "/api/v1/system/flash")
    freezer.move_to(sim.now)
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    assert Extra.FLASH in coordinator.failed_topics
    sim.faults.set_rest_mode(None, "/api/v1/system/flash")
    mark = len(agent.rest_requests())
    for _ in range(5 * 60 // 15 + 2):
        sim.advance(15)
        await move_time(hass, freezer, 15)
        await settle(hass)
    assert Extra.FLASH not in coordinator.failed_topics
    assert coordinator.data.flash is not None
    # Once read, it is not asked for again before its 6-hourly refresh.
    assert agent.rest_requests()[mark:].count("/api/v1/system/flash") == 1
