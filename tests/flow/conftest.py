"""Fixtures of the config-flow, setup and diagnostics tests."""

from __future__ import annotations

from collections.abc import Generator
from unittest.mock import AsyncMock, patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.const import DOMAIN
from tests.conftest import Agent

from .common import GUID, HOSTNAME


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep created entries from connecting (for flows that only create one)."""
    with patch(
        "custom_components.unraid_management_agent.async_setup_entry",
        return_value=True,
    ) as mock:
        yield mock


@pytest.fixture
def server_entry(
    hass: HomeAssistant, agent: Agent, unthrottled_requests: None
) -> MockConfigEntry:
    """Add a config entry for the simulator, as the config flow creates it."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=HOSTNAME, unique_id=GUID, data=agent.entry_data()
    )
    entry.add_to_hass(hass)
    return entry
