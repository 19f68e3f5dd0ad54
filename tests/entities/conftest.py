"""Fixtures and helpers for the entity-layer tests."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, State
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent import PLATFORMS
from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.coordinator import UnraidCoordinator
from tests.helpers import SERVER, Agent, move_time, settle, setup_entry, wait_until


@pytest.fixture
def platforms() -> list[Platform]:
    """Platforms to load (override with indirect parametrization)."""
    return list(PLATFORMS)


@pytest.fixture(autouse=True)
def _load_only(platforms: list[Platform]) -> Generator[None]:
    """Load only the ``platforms`` of the integration."""
    with patch("custom_components.unraid_management_agent.PLATFORMS", platforms):
        yield


@pytest.fixture
async def loaded(
    hass: HomeAssistant, agent: Agent, config_entry: MockConfigEntry, freezer: Any
) -> MockConfigEntry:
    """Set the entry up with Home Assistant's clock at the simulator's."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    return config_entry


def coordinator_of(entry: MockConfigEntry) -> UnraidCoordinator:
    """Return the coordinator of a loaded entry."""
    coordinator: UnraidCoordinator = entry.runtime_data
    return coordinator


def uid(*parts: str) -> str:
    """Return a unique id on this server: ``uid("container", "plex", "running")``."""
    return "_".join((SERVER, *parts))


def eid(hass: HomeAssistant, platform: str, *parts: str) -> str:
    """Return the entity id of ``uid(*parts)`` on ``platform``."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, uid(*parts))
    assert found is not None, uid(*parts)
    return found


def state_of(hass: HomeAssistant, platform: str, *parts: str) -> State:
    """Return the current state of ``uid(*parts)`` on ``platform``."""
    state = hass.states.get(eid(hass, platform, *parts))
    assert state is not None, uid(*parts)
    return state


def has_entity(hass: HomeAssistant, platform: str, *parts: str) -> bool:
    """Return whether the registry holds ``uid(*parts)`` on ``platform``."""
    registry = er.async_get(hass)
    return registry.async_get_entity_id(platform, DOMAIN, uid(*parts)) is not None


def device(hass: HomeAssistant, kind: str, key: str) -> dr.DeviceEntry | None:
    """Return the child device of one item (``kind``: disk, container, vm, gpu, ups)."""
    return dr.async_get(hass).async_get_device(
        identifiers={(DOMAIN, f"{SERVER}_{kind}_{key}")}
    )


def entry_entities(
    hass: HomeAssistant, entry: MockConfigEntry
) -> list[er.RegistryEntry]:
    """Return every registry entry of the config entry, sorted by entity id."""
    return sorted(
        er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id),
        key=lambda item: item.entity_id,
    )


async def pass_hours(
    hass: HomeAssistant, freezer: Any, coordinator: UnraidCoordinator, hours: float
) -> None:
    """Let hours pass; the (silent) stream ends, reconnects and re-seeds."""
    await move_time(hass, freezer, hours * 3600)
    await settle(hass)
    await move_time(hass, freezer, 5)  # the reconnect backoff
    await wait_until(hass, lambda: coordinator.stream_connected)
    await settle(hass)
    assert coordinator.last_update_success
