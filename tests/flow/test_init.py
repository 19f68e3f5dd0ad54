"""Setting up, unloading, reloading and removing devices of a config entry."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
import homeassistant.helpers.device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.unraid_management_agent.api import (
    Topic,
    UnraidClient,
    UnraidConnectionError,
)
from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.coordinator import ConnectionMode
from tests.conftest import Agent, settle, setup_entry, wait_until

from .common import GUID

PACKAGE = "unraid_management_agent"


def _our_timers(hass: HomeAssistant) -> list[asyncio.TimerHandle]:
    """Loop timers whose callback belongs to the integration."""
    scheduled: list[asyncio.TimerHandle] = hass.loop._scheduled  # type: ignore[attr-defined]
    return [
        handle
        for handle in scheduled
        if not handle.cancelled()
        and PACKAGE in repr(getattr(handle._callback, "__self__", handle))  # type: ignore[attr-defined]
    ]


def _our_tasks(hass: HomeAssistant, entry: MockConfigEntry) -> list[asyncio.Task[Any]]:
    """Unfinished tasks started for the entry or by the integration."""
    return [
        task
        for task in (*entry._background_tasks, *entry._tasks, *hass._background_tasks)
        if not task.done()
        and (PACKAGE in repr(task.get_coro()) or "unraid" in task.get_name())
    ]


async def _retry_setup(hass: HomeAssistant) -> None:
    """Let the SETUP_RETRY timer fire."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=5))
    await settle(hass)


async def test_setup_connects_and_pushes(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """Setup seeds over REST, creates entities and keeps the stream open."""
    await setup_entry(hass, server_entry)
    assert server_entry.state is ConfigEntryState.LOADED
    coordinator = server_entry.runtime_data
    assert coordinator.last_update_success
    assert coordinator.data.system is not None
    await wait_until(hass, lambda: coordinator.mode is ConnectionMode.PUSH)
    assert agent.sim.ws_client_count == 1
    assert hass.states.async_entity_ids()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, GUID)})
    assert device is not None
    assert device.name == "tower"


@pytest.mark.parametrize("fault", ["500", "closed"])
async def test_setup_not_ready_when_unreachable(
    hass: HomeAssistant,
    agent: Agent,
    server_entry: MockConfigEntry,
    unused_tcp_port: int,
    fault: str,
) -> None:
    """No answer (or only errors) at setup: retry later, nothing left open."""
    if fault == "closed":
        hass.config_entries.async_update_entry(
            server_entry, data={**server_entry.data, CONF_PORT: unused_tcp_port}
        )
    else:
        agent.sim.faults.rest_mode = "500"
    assert not await hass.config_entries.async_setup(server_entry.entry_id)
    await settle(hass)
    assert server_entry.state is ConfigEntryState.SETUP_RETRY
    assert server_entry.error_reason_translation_key is None
    await wait_until(hass, lambda: agent.sim.ws_client_count == 0)
    assert not _our_tasks(hass, server_entry)

    agent.sim.faults.rest_mode = None
    hass.config_entries.async_update_entry(
        server_entry, data={**server_entry.data, CONF_PORT: agent.port}
    )
    await _retry_setup(hass)
    assert server_entry.state is ConfigEntryState.LOADED


async def test_setup_not_ready_while_agent_starts(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """An agent that only serves placeholders is not ready; its first collection is."""
    agent.sim.restart()
    assert not await hass.config_entries.async_setup(server_entry.entry_id)
    await settle(hass)
    assert server_entry.state is ConfigEntryState.SETUP_RETRY
    assert server_entry.reason is not None
    assert "starting" in server_entry.reason
    # The socket opened before the seed is closed with the failed setup.
    await wait_until(hass, lambda: agent.sim.ws_client_count == 0)

    agent.sim.advance(0)
    await _retry_setup(hass)
    assert server_entry.state is ConfigEntryState.LOADED
    assert server_entry.runtime_data.data.system is not None
    assert not server_entry.runtime_data.data.system.is_placeholder


@pytest.mark.parametrize("sim_options", [{"token": "s3cret"}])
async def test_setup_auth_failed_starts_reauth(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """401 at setup: the entry fails and asks for a token."""
    assert not await hass.config_entries.async_setup(server_entry.entry_id)
    await settle(hass)
    assert server_entry.state is ConfigEntryState.SETUP_ERROR
    assert server_entry.error_reason_translation_key == "invalid_auth"
    flows = list(server_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert len(flows) == 1
    assert flows[0]["step_id"] == "reauth_confirm"
    assert agent.sim.ws_client_count == 0


@pytest.mark.parametrize("sim_options", [{"token": "s3cret"}])
async def test_setup_auth_failed_on_rest(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """The stream cannot be opened and REST refuses the token: re-auth, too."""
    with patch.object(
        UnraidClient,
        "connect_websocket",
        side_effect=UnraidConnectionError("stream unavailable"),
    ):
        assert not await hass.config_entries.async_setup(server_entry.entry_id)
    await settle(hass)
    assert server_entry.state is ConfigEntryState.SETUP_ERROR
    assert list(server_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_unload_releases_everything(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """Unloading closes the stream and stops every task and timer."""
    await setup_entry(hass, server_entry)
    await wait_until(hass, lambda: agent.sim.ws_client_count == 1)
    assert _our_tasks(hass, server_entry)  # the listener
    assert _our_timers(hass)  # the extras refresh
    assert await hass.config_entries.async_unload(server_entry.entry_id)
    await settle(hass)
    assert server_entry.state is ConfigEntryState.NOT_LOADED
    await wait_until(hass, lambda: agent.sim.ws_client_count == 0)
    assert not _our_tasks(hass, server_entry)
    assert not _our_timers(hass)
    requests = len(agent.sim.request_log)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=7))
    await settle(hass)
    assert len(agent.sim.request_log) == requests


async def test_unload_while_polling(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """Unloading while the stream is down stops the poll timer and the backoff."""
    await setup_entry(hass, server_entry)
    coordinator = server_entry.runtime_data
    with patch.object(
        UnraidClient,
        "connect_websocket",
        side_effect=UnraidConnectionError("stream unavailable"),
    ):
        agent.sim.faults.drop_websockets()
        await wait_until(hass, lambda: coordinator.mode is ConnectionMode.POLLING)
        await wait_until(hass, lambda: coordinator._unsub_refresh is not None)
        assert _our_timers(hass)  # the poll interval
        assert await hass.config_entries.async_unload(server_entry.entry_id)
    await settle(hass)
    assert not _our_tasks(hass, server_entry)
    assert not _our_timers(hass)
    assert agent.sim.ws_client_count == 0


async def test_reload(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """Reloading replaces the coordinator and the stream connection."""
    await setup_entry(hass, server_entry)
    first = server_entry.runtime_data
    assert await hass.config_entries.async_reload(server_entry.entry_id)
    await settle(hass)
    assert server_entry.state is ConfigEntryState.LOADED
    assert server_entry.runtime_data is not first
    await wait_until(hass, lambda: server_entry.runtime_data.stream_connected)
    await wait_until(hass, lambda: agent.sim.ws_client_count == 1)


async def _remove_device(
    hass: HomeAssistant, hass_ws_client: Any, entry: MockConfigEntry, device_id: str
) -> bool:
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    response = await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry.entry_id,
            "device_id": device_id,
        }
    )
    response = await client.receive_json()
    return bool(response["success"])


async def test_remove_device(
    hass: HomeAssistant,
    agent: Agent,
    server_entry: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    """The server and current items keep their devices; a gone item's can go."""
    await setup_entry(hass, server_entry)
    registry = dr.async_get(hass)
    server = registry.async_get_device(identifiers={(DOMAIN, GUID)})
    plex = registry.async_get_device(identifiers={(DOMAIN, f"{GUID}_container_plex")})
    assert server is not None
    assert plex is not None
    assert not await _remove_device(hass, hass_ws_client, server_entry, server.id)
    assert not await _remove_device(hass, hass_ws_client, server_entry, plex.id)
    assert registry.async_get(plex.id) is not None

    coordinator = server_entry.runtime_data
    agent.sim.remove_container("plex")
    agent.sim.advance(30)  # the docker collection publishes the new list
    await wait_until(
        hass, lambda: "plex" not in coordinator.data.lists[Topic.CONTAINERS]
    )
    assert await _remove_device(hass, hass_ws_client, server_entry, plex.id)
    assert registry.async_get(plex.id) is None
    assert registry.async_get(server.id) is not None


async def test_remove_device_while_not_loaded(
    hass: HomeAssistant,
    agent: Agent,
    server_entry: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    """With the server unreachable, its own device stays; child devices can go."""
    await setup_entry(hass, server_entry)
    registry = dr.async_get(hass)
    server = registry.async_get_device(identifiers={(DOMAIN, GUID)})
    plex = registry.async_get_device(identifiers={(DOMAIN, f"{GUID}_container_plex")})
    assert server is not None
    assert plex is not None
    agent.sim.faults.rest_mode = "500"
    assert await hass.config_entries.async_reload(server_entry.entry_id) is False
    await settle(hass)
    assert server_entry.state is ConfigEntryState.SETUP_RETRY
    assert not await _remove_device(hass, hass_ws_client, server_entry, server.id)
    assert await _remove_device(hass, hass_ws_client, server_entry, plex.id)
    assert registry.async_get(plex.id) is None
