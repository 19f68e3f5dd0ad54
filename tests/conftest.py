"""Shared fixtures: the agent simulator on loopback and a config entry for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from unittest.mock import PropertyMock, patch

from aiohttp.test_utils import TestServer
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.const import DOMAIN
from uma_simulator import Simulator, create_app

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


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


@dataclass
class Agent:
    """A running simulator and its address."""

    sim: Simulator
    server: TestServer

    @property
    def port(self) -> int:
        """The port the simulator listens on."""
        assert self.server.port is not None
        return self.server.port

    def entry_data(self, **extra: Any) -> dict[str, Any]:
        """Config entry data pointing at this simulator."""
        return {CONF_HOST: "127.0.0.1", CONF_PORT: self.port, **extra}

    def rest_requests(self) -> list[str]:
        """Paths of REST requests so far (the WebSocket upgrade excluded)."""
        return [r.path for r in self.sim.request_log if not r.path.endswith("/ws")]


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
def config_entry(hass: HomeAssistant, agent: Agent) -> MockConfigEntry:
    """Add a config entry for the simulator to Home Assistant."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="tower",
        unique_id="sim-guid",
        data=agent.entry_data(),
    )
    entry.add_to_hass(hass)
    return entry


LISTENER_TASK = "event stream"


async def settle(hass: HomeAssistant) -> None:
    """Wait until Home Assistant and our background work (polls) are idle.

    The event-stream listener runs for the life of the entry, so it is the
    one background task not waited for; socket reads it is doing complete
    on their own loop iterations.
    """
    for _ in range(100):
        await hass.async_block_till_done()
        pending = [
            task
            for task in hass._background_tasks
            if not task.done() and LISTENER_TASK not in task.get_name()
        ]
        if not pending:
            # Let frames already on the socket be read and applied.
            for _ in range(5):
                await asyncio.sleep(0)
            await hass.async_block_till_done()
            return
        await asyncio.wait(pending, timeout=5)
    raise AssertionError("background work did not settle")


async def wait_until(
    hass: HomeAssistant, condition: Callable[[], bool], limit: float = 5.0
) -> None:
    """Wait for loopback I/O to make ``condition`` true (not for time to pass)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.005)
        await hass.async_block_till_done()


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up and wait until the listener has taken over the stream."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
