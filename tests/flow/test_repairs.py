"""Repair issues appear while their cause lasts, and clear when it ends."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.repairs import (
    STREAM_BLOCKED_AFTER,
    issue_id,
)
from tests.conftest import Agent, move_time, settle, setup_entry, wait_until

FAST = {"rate_limit": 1e9, "rate_burst": 10**9}
pytestmark = pytest.mark.parametrize("sim_options", [FAST])


@pytest.fixture
async def running(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry, freezer: Any
) -> MockConfigEntry:
    """Set the entry up with Home Assistant's clock at the simulator's."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, server_entry)
    return server_entry


def _issue(hass: HomeAssistant, entry: MockConfigEntry, kind: str) -> Any:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, issue_id(entry.runtime_data, kind)
    )


async def _minutes(hass: HomeAssistant, agent: Agent, freezer: Any, n: int) -> None:
    for _ in range(n):
        agent.sim.advance(60)
        await move_time(hass, freezer, 60)
        await settle(hass)


async def test_no_issue_on_a_healthy_server(
    hass: HomeAssistant, agent: Agent, running: MockConfigEntry, freezer: Any
) -> None:
    """Nothing to repair: no issue at all."""
    await _minutes(hass, agent, freezer, 3)
    assert not [
        issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
    ]


async def test_blocked_stream_is_an_issue_until_it_connects(
    hass: HomeAssistant, agent: Agent, running: MockConfigEntry, freezer: Any
) -> None:
    """A proxy without WebSocket upgrades: an issue after 15 minutes, gone once fixed."""
    sim = agent.sim
    sim.faults.refuse_websockets = True
    sim.faults.drop_websockets()
    minutes = int(STREAM_BLOCKED_AFTER.total_seconds() // 60)
    await _minutes(hass, agent, freezer, minutes - 2)
    assert _issue(hass, running, "stream_blocked") is None
    await _minutes(hass, agent, freezer, 4)
    issue = _issue(hass, running, "stream_blocked")
    assert issue is not None
    assert issue.translation_placeholders["host"] == "127.0.0.1"
    assert issue.severity is ir.IssueSeverity.WARNING

    sim.faults.refuse_websockets = False
    await _minutes(hass, agent, freezer, 6)
    await wait_until(hass, lambda: running.runtime_data.stream_connected)
    await settle(hass)
    assert _issue(hass, running, "stream_blocked") is None


async def test_server_down_is_no_issue(
    hass: HomeAssistant, agent: Agent, running: MockConfigEntry, freezer: Any
) -> None:
    """Nothing answers at all (the server is off): not the user's setting to fix."""
    sim = agent.sim
    sim.faults.refuse_websockets = True
    sim.faults.rest_mode = "500"
    sim.faults.drop_websockets()
    await _minutes(hass, agent, freezer, 20)
    assert _issue(hass, running, "stream_blocked") is None


async def test_disabled_collector_is_an_issue_until_enabled(
    hass: HomeAssistant, agent: Agent, running: MockConfigEntry, freezer: Any
) -> None:
    """Containers shown, then their collector switched off on the agent."""
    sim = agent.sim
    coordinator = running.runtime_data
    sim.set_collector_enabled("docker", False)
    await coordinator.async_refresh_extras()
    await settle(hass)
    issue = _issue(hass, running, "collector_disabled")
    assert issue is not None
    assert issue.translation_placeholders["collectors"] == "docker"

    sim.set_collector_enabled("docker", True)
    await coordinator.async_refresh_extras()
    await settle(hass)
    assert _issue(hass, running, "collector_disabled") is None


async def test_collector_off_from_the_start_is_no_issue(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry, freezer: Any
) -> None:
    """A collector that was never on (no UPS, say) shows nothing: nothing to fix."""
    sim = agent.sim
    sim.caches["ups_status_update"] = None
    sim.set_collector_enabled("ups", False)
    freezer.move_to(sim.now)
    await setup_entry(hass, server_entry)
    await settle(hass)
    assert server_entry.runtime_data.disabled_topics
    assert _issue(hass, server_entry, "collector_disabled") is None


async def test_too_old_agent_is_an_issue(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry, freezer: Any
) -> None:
    """An agent reporting a version before the oldest supported one."""
    sim = agent.sim
    sim.state.system["agent_version"] = "2025.10.03"
    sim.publish("system_update")
    freezer.move_to(sim.now)
    await setup_entry(hass, server_entry)
    issue = _issue(hass, server_entry, "agent_too_old")
    assert issue is not None
    assert issue.translation_placeholders["version"] == "2025.10.03"

    sim.upgrade("current")
    sim.advance(1)
    await _minutes(hass, agent, freezer, 2)
    await wait_until(hass, lambda: server_entry.runtime_data.stream_connected)
    await _minutes(hass, agent, freezer, 1)
    assert _issue(hass, server_entry, "agent_too_old") is None

    # Removing the entry takes the server's issues away with it.
    sim.state.system["agent_version"] = "2025.10.03"
    sim.publish("system_update")
    await hass.config_entries.async_reload(server_entry.entry_id)
    await settle(hass)
    assert _issue(hass, server_entry, "agent_too_old") is not None
    assert await hass.config_entries.async_remove(server_entry.entry_id)
    await settle(hass)
    assert not ir.async_get(hass).issues
