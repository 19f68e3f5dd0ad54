"""Fixtures of the coordinator tests."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from tests.helpers import Agent, setup_entry


@pytest.fixture
async def running(
    hass: HomeAssistant, agent: Agent, config_entry: Any, freezer: Any
) -> Any:
    """Set the integration up against the simulator, HA's clock at the simulator's."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    return config_entry.runtime_data
