"""Edge cases: data that arrives late, repeats, or is missing."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
import homeassistant.helpers.device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.devices import (
    device_item,
    server_device_info,
    server_name,
)
from tests.helpers import SERVER, Agent, settle, setup_entry, wait_until

from .conftest import coordinator_of, eid, state_of


@pytest.mark.parametrize("sim_options", [{"rate_burst": 1000}])
async def test_notifications_known_only_later_do_not_replay(
    hass: HomeAssistant, agent: Agent, config_entry: MockConfigEntry, freezer: Any
) -> None:
    """If the list cannot be read at setup, its first arrival fires nothing."""
    sim = agent.sim
    sim.faults.set_rest_mode("500", "/api/v1/notifications")
    freezer.move_to(sim.now)
    await setup_entry(hass, config_entry)
    entity = eid(hass, "event", "notification")
    assert hass.states.get(entity).state == STATE_UNAVAILABLE  # type: ignore[union-attr]

    coordinator_of(config_entry).async_update_listeners()  # any refresh
    await settle(hass)
    sim.faults.set_rest_mode(None, "/api/v1/notifications")
    sim.publish("notifications_update")
    await wait_until(hass, lambda: hass.states.get(entity).state == STATE_UNKNOWN)  # type: ignore[union-attr]
    sim.add_notification("Later", importance="alert")
    await wait_until(hass, lambda: hass.states.get(entity).state != STATE_UNKNOWN)  # type: ignore[union-attr]
    assert hass.states.get(entity).attributes["title"] == "Later"  # type: ignore[union-attr]


async def test_energy_ignores_repeated_reports(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Re-reading the same report (a refresh, an availability change) adds nothing."""
    sim = agent.sim
    sim.advance(60)
    energy = ("sensor", "ups", "ups", "energy")
    await wait_until(hass, lambda: float(state_of(hass, *energy).state) > 0)
    total = state_of(hass, *energy).state
    coordinator = coordinator_of(loaded)
    coordinator.async_update_listeners()
    await coordinator.async_refresh()
    await settle(hass)
    assert state_of(hass, *energy).state == total


async def test_device_helpers(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Fallbacks: entry title as name, the system's model as hardware."""
    coordinator = coordinator_of(loaded)
    data = coordinator.data
    system, hardware = data.objects[Topic.SYSTEM], data.objects[Topic.HARDWARE]
    try:
        data.objects[Topic.HARDWARE] = None
        info = server_device_info(coordinator)
        assert info["hw_version"] == (system.server_model or None)
        data.objects[Topic.SYSTEM] = None
        assert server_name(coordinator) == loaded.title
        info = server_device_info(coordinator)
        assert info["sw_version"] is None
        assert info["hw_version"] is None
    finally:
        data.objects[Topic.SYSTEM], data.objects[Topic.HARDWARE] = system, hardware

    registry = dr.async_get(hass)
    stranger = registry.async_get_or_create(
        config_entry_id=loaded.entry_id,
        identifiers={(DOMAIN, f"{SERVER}_fan_1"), ("other", f"{SERVER}_disk_x")},
        name="Not ours",
    )
    assert device_item(coordinator, stranger) is None
