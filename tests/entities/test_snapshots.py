"""Snapshots of every platform's entities for the ``home`` and ``large`` scenarios.

``home``: full registry entries and states of each platform (every entity
enabled). Both scenarios: a summary of every entity as a user gets it by
default (state, unit, classes, category, enabled or not), so a changed
default, unit or class shows up in review.
"""

from __future__ import annotations

from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.unraid_management_agent import PLATFORMS
from tests.helpers import Agent, setup_entry

from .conftest import entry_entities


async def _set_up(
    hass: HomeAssistant, agent: Agent, entry: MockConfigEntry, freezer: Any
) -> None:
    """Let every staggered collector run once (plugins, image and OS updates)."""
    agent.sim.set_image_update(agent.sim.state.containers[0]["name"])
    agent.sim.advance(60)
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, entry)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "platforms",
    [[platform] for platform in PLATFORMS],
    ids=[platform.value for platform in PLATFORMS],
)
async def test_home_platform(
    hass: HomeAssistant,
    agent: Agent,
    config_entry: MockConfigEntry,
    freezer: Any,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platforms: list[Platform],
) -> None:
    """Every entity of one platform: registry entry and state."""
    await _set_up(hass, agent, config_entry, freezer)
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_home_devices(
    hass: HomeAssistant,
    agent: Agent,
    config_entry: MockConfigEntry,
    freezer: Any,
    snapshot: SnapshotAssertion,
) -> None:
    """The server device and its child devices."""
    await _set_up(hass, agent, config_entry, freezer)
    devices = sorted(
        dr.async_entries_for_config_entry(dr.async_get(hass), config_entry.entry_id),
        key=lambda device: sorted(device.identifiers),
    )
    assert devices == snapshot


def summary(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, dict[str, Any]]:
    """Entity id -> what a user sees by default."""
    result: dict[str, dict[str, Any]] = {}
    for item in entry_entities(hass, entry):
        state = hass.states.get(item.entity_id)
        attributes = state.attributes if state is not None else {}
        row: dict[str, Any] = {
            "name": item.original_name,
            "enabled": item.disabled_by is None,
            "state": state.state if state is not None else None,
        }
        for key, value in (
            ("unit", attributes.get("unit_of_measurement")),
            ("device_class", item.original_device_class),
            ("state_class", attributes.get("state_class")),
            ("category", item.entity_category),
        ):
            if value is not None:
                row[key] = str(value)
        result[item.entity_id] = row
    return result


@pytest.mark.parametrize(
    "sim_options", [{"scenario": "home"}, {"scenario": "large"}], ids=["home", "large"]
)
async def test_default_summary(
    hass: HomeAssistant,
    agent: Agent,
    config_entry: MockConfigEntry,
    freezer: Any,
    snapshot: SnapshotAssertion,
    sim_options: dict[str, Any],
) -> None:
    """Every entity as created by default, one line of facts each."""
    await _set_up(hass, agent, config_entry, freezer)
    result = summary(hass, config_entry)
    by_platform: dict[str, dict[str, Any]] = {}
    for entity_id, row in result.items():
        by_platform.setdefault(entity_id.split(".")[0], {})[entity_id] = row
    assert sorted(by_platform) == sorted(PLATFORMS)
    for platform, rows in sorted(by_platform.items()):
        assert rows == snapshot(name=platform)
