"""Config flow of an existing entry: re-authentication, reconfiguration, options."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestServer
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.const import (
    CONF_TOKEN,
    CONF_USE_SSL,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from tests.conftest import Agent, settle, setup_entry, wait_until
from uma_simulator import create_app

from .common import GUID, assert_translated


async def _submit(
    hass: HomeAssistant, flow_id: str, user_input: dict[str, Any], section: str
) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert_translated(result, section)
    return dict(result)


@pytest.fixture
def agent_entry_with_options(hass: HomeAssistant, agent: Agent) -> MockConfigEntry:
    """Return an entry from a version that had a polling interval option."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=GUID,
        data=agent.entry_data(),
        options={"poll_interval": 45},
    )
    entry.add_to_hass(hass)
    return entry


def _reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[Any]:
    return list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def _second_server(aiohttp_server: Any, agent: Agent) -> TestServer:
    """Serve the same simulated agent on another port (a new address)."""
    server: TestServer = await aiohttp_server(create_app(agent.sim), host="127.0.0.1")
    return server


# ------------------------------------------------------------------ reauth


async def test_reauth_after_agent_starts_requiring_a_token(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """The agent gets a token: the next read is refused and re-auth runs to the end."""
    await setup_entry(hass, server_entry)
    assert not _reauth_flows(hass, server_entry)

    agent.sim.token = "n3w"
    agent.sim.faults.drop_websockets()  # the stream reconnects, REST is polled
    await wait_until(hass, lambda: bool(_reauth_flows(hass, server_entry)))
    flow = _reauth_flows(hass, server_entry)[0]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["host"] == "127.0.0.1"
    assert_translated(result)

    for user_input in ({}, {CONF_TOKEN: "wrong"}):
        result = await _submit(hass, result["flow_id"], user_input, "config")
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "invalid_auth"}

    result = await _submit(hass, result["flow_id"], {CONF_TOKEN: "n3w"}, "config")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert server_entry.data[CONF_TOKEN] == "n3w"
    await settle(hass)
    assert server_entry.state is ConfigEntryState.LOADED
    await wait_until(hass, lambda: server_entry.runtime_data.stream_connected)
    assert server_entry.runtime_data.last_update_success


async def test_reauth_cannot_connect_then_recovers(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """An unreachable agent during re-auth is an error the user can retry."""
    agent.sim.token = "n3w"
    result = await server_entry.start_reauth_flow(hass)
    agent.sim.faults.rest_mode = "500"
    result = await _submit(hass, result["flow_id"], {CONF_TOKEN: "n3w"}, "config")
    assert result["errors"] == {"base": "cannot_connect"}
    agent.sim.faults.rest_mode = None
    result = await _submit(hass, result["flow_id"], {CONF_TOKEN: "n3w"}, "config")
    assert result["reason"] == "reauth_successful"
    await settle(hass)
    assert server_entry.state is ConfigEntryState.LOADED


async def test_reauth_token_no_longer_needed(hass: HomeAssistant, agent: Agent) -> None:
    """Leaving the token empty removes it from the entry."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=GUID, data=agent.entry_data(token="old")
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await _submit(hass, result["flow_id"], {CONF_TOKEN: ""}, "config")
    assert result["reason"] == "reauth_successful"
    assert CONF_TOKEN not in entry.data
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_wrong_server(hass: HomeAssistant, agent: Agent) -> None:
    """The address now answers as another server: abort, keep the entry as it is."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="0781-5583-0000-000000000001", data=agent.entry_data()
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await _submit(hass, result["flow_id"], {CONF_TOKEN: "x"}, "config")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_server"
    assert CONF_TOKEN not in entry.data


# ------------------------------------------------------------------ reconfigure


async def test_reconfigure_moves_entry_and_reloads(
    hass: HomeAssistant,
    agent: Agent,
    server_entry: MockConfigEntry,
    aiohttp_server: Any,
) -> None:
    """A new address for the same server: data updated, the entry reloads onto it."""
    await setup_entry(hass, server_entry)
    moved = await _second_server(aiohttp_server, agent)
    result = await server_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert_translated(result)
    user_input = {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: moved.port,
        CONF_USE_SSL: False,
        CONF_VERIFY_SSL: False,
    }
    result = await _submit(hass, result["flow_id"], user_input, "config")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert server_entry.data == user_input
    await settle(hass)
    assert server_entry.state is ConfigEntryState.LOADED
    assert server_entry.runtime_data.client.base_url.port == moved.port


async def test_reconfigure_wrong_server(hass: HomeAssistant, agent: Agent) -> None:
    """An address that belongs to another server is refused."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="0781-5583-0000-000000000001",
        data={CONF_HOST: "10.0.0.9", CONF_PORT: 1},
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await _submit(hass, result["flow_id"], agent.entry_data(), "config")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_server"
    assert entry.data == {CONF_HOST: "10.0.0.9", CONF_PORT: 1}


async def test_reconfigure_errors_then_recovers(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """Every error shows on the form, which keeps what was entered."""
    result = await server_entry.start_reconfigure_flow(hass)
    result = await _submit(
        hass, result["flow_id"], agent.entry_data(host="http://x"), "config"
    )
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    agent.sim.faults.rest_mode = "500"
    result = await _submit(hass, result["flow_id"], agent.entry_data(), "config")
    assert result["errors"] == {"base": "cannot_connect"}
    agent.sim.faults.rest_mode = None
    agent.sim.token = "n3w"
    result = await _submit(hass, result["flow_id"], agent.entry_data(), "config")
    assert result["errors"] == {"base": "invalid_auth"}
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested[CONF_PORT] == agent.port
    result = await _submit(
        hass, result["flow_id"], agent.entry_data(token="n3w"), "config"
    )
    assert result["reason"] == "reconfigure_successful"
    assert server_entry.data[CONF_TOKEN] == "n3w"
    await settle(hass)
    assert server_entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize("sim_options", [{"token": "s3cret"}])
async def test_reconfigure_keeps_token(hass: HomeAssistant, agent: Agent) -> None:
    """The token is never shown; leaving its field empty keeps it."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=GUID,
        data={CONF_HOST: "10.0.0.9", CONF_PORT: 1, CONF_TOKEN: "s3cret"},
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert CONF_TOKEN not in {
        str(key) for key in result["data_schema"].schema if key.description
    }
    result = await _submit(
        hass, result["flow_id"], agent.entry_data(token=""), "config"
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == agent.entry_data(
        token="s3cret", use_ssl=False, verify_ssl=True
    )
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED


# ------------------------------------------------------------------ options


async def test_no_options_and_old_ones_dropped(
    hass: HomeAssistant, agent: Agent, agent_entry_with_options: MockConfigEntry
) -> None:
    """No user-set polling interval (core rule): an old stored one is dropped."""
    entry = agent_entry_with_options
    await setup_entry(hass, entry)
    assert entry.options == {}
    assert entry.runtime_data.poll_interval == timedelta(seconds=30)
    assert not entry.supports_options
