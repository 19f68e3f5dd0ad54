"""Shared fixtures: the agent simulator on loopback and a config entry for it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api import RequestLimiter
from custom_components.unraid_management_agent.const import DOMAIN
from tests.helpers import (  # noqa: F401  (re-exported for older imports)
    SERVER,
    START,
    Agent,
    assert_matches_simulator,
    entity_id,
    expected_states,
    move_time,
    settle,
    setup_entry,
    wait_until,
)
from uma_simulator import Simulator, create_app


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create every entity enabled, including those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def sim_options() -> dict[str, Any]:
    """Options for the simulator (override with indirect parametrization)."""
    return {}


@pytest.fixture
async def agent(
    socket_enabled: None, aiohttp_server: Any, sim_options: dict[str, Any]
) -> Agent:
    """Run the agent simulator on loopback, already past its first collection."""
    options = {"scenario": "home", "seed": 1, "start_time": START, **sim_options}
    sim = Simulator(**options)
    sim.advance(0)
    server = await aiohttp_server(create_app(sim), host="127.0.0.1")
    return Agent(sim, server)


@pytest.fixture
def unthrottled_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the client's request pacing in Home Assistant tests.

    The pacing sleeps on the event loop's clock, which ``freezer`` stops;
    it is exercised by the client's own tests, which run without freezer.
    The pace the coordinator picks by agent version is not applied either
    (tests/coordinator/test_pacing.py runs without this fixture).
    """
    monkeypatch.setattr(RequestLimiter.__init__, "__defaults__", (1e9, 1_000_000, 64))
    monkeypatch.setattr(RequestLimiter, "set_pace", lambda *_args: None)


@pytest.fixture
def config_entry(
    hass: HomeAssistant, agent: Agent, unthrottled_requests: None
) -> MockConfigEntry:
    """Add a config entry for the simulator to Home Assistant."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="tower",
        unique_id=SERVER,
        data=agent.entry_data(),
    )
    entry.add_to_hass(hass)
    return entry
