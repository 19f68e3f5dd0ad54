"""Config flow: the user step and zeroconf discovery, against the simulator.

Re-authentication, reconfiguration and options are in ``test_config_flow_entry``.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF
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
from custom_components.unraid_management_agent.identity import identity_of
from tests.conftest import Agent

from .common import GUID, HOSTNAME, STRINGS, assert_translated, zeroconf_info

pytestmark = pytest.mark.usefixtures("mock_setup_entry")

TOKEN = {"token": "s3cret"}
VALIDATE = "custom_components.unraid_management_agent.config_flow.validate_connection"


async def _start_user(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    assert_translated(result)
    return dict(result)


async def _submit(
    hass: HomeAssistant, flow_id: str, user_input: dict[str, Any]
) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert_translated(result)
    return dict(result)


def _assert_created(result: dict[str, Any], agent: Agent, **extra: Any) -> None:
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == HOSTNAME
    assert result["result"].unique_id == GUID
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: agent.port,
        CONF_USE_SSL: False,
        CONF_VERIFY_SSL: True,
        **extra,
    }


def test_every_field_has_a_description() -> None:
    """Quality scale "config-flow": ``data_description`` for every field."""
    for section in ("config",):
        for step_id, step in STRINGS[section]["step"].items():
            assert set(step.get("data", {})) == set(step.get("data_description", {})), (
                section,
                step_id,
            )


# ------------------------------------------------------------------ user step


async def test_user_creates_entry(
    hass: HomeAssistant, agent: Agent, mock_setup_entry: AsyncMock
) -> None:
    """The entry is titled with the host name and identified by the GUID."""
    result = await _start_user(hass)
    result = await _submit(
        hass,
        result["flow_id"],
        {CONF_HOST: " 127.0.0.1 ", CONF_PORT: agent.port, CONF_TOKEN: ""},
    )
    _assert_created(result, agent)
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.parametrize("fault", ["500", "429", "closed"])
async def test_user_cannot_connect_then_recovers(
    hass: HomeAssistant, agent: Agent, unused_tcp_port: int, fault: str
) -> None:
    """A server error, rate limiting or nothing listening: retry works."""
    result = await _start_user(hass)
    port = agent.port
    if fault == "closed":
        port = unused_tcp_port
    else:
        agent.sim.faults.rest_mode = fault  # type: ignore[assignment]
    result = await _submit(
        hass, result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    agent.sim.faults.rest_mode = None
    result = await _submit(
        hass, result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    )
    _assert_created(result, agent)


@pytest.mark.parametrize("sim_options", [TOKEN])
async def test_user_invalid_auth_then_token(hass: HomeAssistant, agent: Agent) -> None:
    """The agent needs a token: none or a wrong one is refused, the right one works."""
    result = await _start_user(hass)
    address = {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    for token in (None, "wrong"):
        user_input = address if token is None else {**address, CONF_TOKEN: token}
        result = await _submit(hass, result["flow_id"], user_input)
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "invalid_auth"}
    result = await _submit(hass, result["flow_id"], {**address, CONF_TOKEN: "s3cret"})
    _assert_created(result, agent, token="s3cret")


async def test_user_unknown_error_then_recovers(
    hass: HomeAssistant, agent: Agent
) -> None:
    """An unexpected exception becomes the ``unknown`` error."""
    result = await _start_user(hass)
    user_input = {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    with patch(VALIDATE, side_effect=RuntimeError("boom")):
        result = await _submit(hass, result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    result = await _submit(hass, result["flow_id"], user_input)
    _assert_created(result, agent)


async def test_user_agent_starting_then_recovers(
    hass: HomeAssistant, agent: Agent
) -> None:
    """Before its first collection the agent cannot be identified: say so."""
    agent.sim.restart()
    result = await _start_user(hass)
    user_input = {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    result = await _submit(hass, result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "agent_starting"}
    agent.sim.advance(0)
    result = await _submit(hass, result["flow_id"], user_input)
    _assert_created(result, agent)


@pytest.mark.parametrize("host", ["http://127.0.0.1", "127.0.0.1:8043", "  "])
async def test_user_invalid_host_then_recovers(
    hass: HomeAssistant, agent: Agent, host: str
) -> None:
    """A URL, ``host:port`` or a blank host is pointed out on the host field."""
    result = await _start_user(hass)
    result = await _submit(
        hass, result["flow_id"], {CONF_HOST: host, CONF_PORT: agent.port}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    result = await _submit(
        hass, result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    )
    _assert_created(result, agent)


async def test_user_duplicate_changes_nothing(
    hass: HomeAssistant, agent: Agent
) -> None:
    """Adding a configured server again aborts; changes are for reconfigure."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=GUID, data={CONF_HOST: "10.0.0.9", CONF_PORT: 1}
    )
    entry.add_to_hass(hass)
    result = await _start_user(hass)
    result = await _submit(
        hass, result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {CONF_HOST: "10.0.0.9", CONF_PORT: 1}


async def test_user_without_guid_uses_flash_guid(
    hass: HomeAssistant, agent: Agent
) -> None:
    """A registration without a GUID: the flash drive's GUID identifies the server."""
    agent.sim.caches["registration_update"] = {
        **agent.sim.caches["registration_update"],
        "guid": "",
    }
    result = await _start_user(hass)
    result = await _submit(
        hass, result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == GUID


async def test_user_without_any_guid_uses_hostname(
    hass: HomeAssistant, agent: Agent
) -> None:
    """Neither the registration nor the flash drive tell a GUID: the host name."""
    agent.sim.caches["registration_update"] = {
        **agent.sim.caches["registration_update"],
        "guid": "",
    }
    agent.sim.faults.set_rest_mode("500", "/api/v1/system/flash")
    result = await _start_user(hass)
    result = await _submit(
        hass, result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == HOSTNAME


@pytest.mark.parametrize("sim_options", [{"profile": "2025.11.0"}])
async def test_user_agent_without_registration(
    hass: HomeAssistant, agent: Agent
) -> None:
    """Agents older than ``/registration`` and ``/system/flash`` (404): host name."""
    result = await _start_user(hass)
    result = await _submit(
        hass, result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == HOSTNAME
    paths = agent.rest_requests()
    assert "/api/v1/registration" in paths
    assert "/api/v1/system/flash" in paths


# ------------------------------------------------------------------ zeroconf


async def _discover(hass: HomeAssistant, port: int, **props: str) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info(port, **props),
    )
    assert_translated(result)
    return dict(result)


async def test_zeroconf_confirm_creates_entry(
    hass: HomeAssistant, agent: Agent
) -> None:
    """A discovered agent is shown by name and added on confirmation."""
    result = await _discover(hass, agent.port)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zeroconf_confirm"
    assert result["description_placeholders"] == {
        "name": HOSTNAME,
        "host": "127.0.0.1",
    }
    flow = hass.config_entries.flow.async_get(result["flow_id"])
    assert flow["context"]["title_placeholders"] == {"name": HOSTNAME}
    assert flow["context"]["unique_id"] == GUID
    result = await _submit(hass, result["flow_id"], {})
    _assert_created(result, agent)


async def test_zeroconf_updates_configured_server(
    hass: HomeAssistant, agent: Agent
) -> None:
    """A configured server seen at a new address: the entry follows, the flow aborts."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=GUID, data={CONF_HOST: "10.0.0.9", CONF_PORT: 1}
    )
    entry.add_to_hass(hass)
    result = await _discover(hass, agent.port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}


async def test_zeroconf_unreachable_aborts(
    hass: HomeAssistant, agent: Agent, unused_tcp_port: int
) -> None:
    """An announcement nobody answers at is dropped."""
    result = await _discover(hass, unused_tcp_port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def test_zeroconf_unexpected_error_aborts(
    hass: HomeAssistant, agent: Agent
) -> None:
    """An unexpected exception while checking aborts with ``unknown``."""
    with patch(VALIDATE, side_effect=RuntimeError("boom")):
        result = await _discover(hass, agent.port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unknown"


async def test_zeroconf_https_scheme(hass: HomeAssistant, agent: Agent) -> None:
    """``scheme=https`` in the TXT record turns TLS on."""
    identity = identity_of(GUID, HOSTNAME, "127.0.0.1", agent.port)
    with patch(VALIDATE, return_value=(identity, HOSTNAME)) as validate:
        result = await _discover(hass, agent.port, scheme="https")
        assert validate.call_args.args[1][CONF_USE_SSL] is True
        result = await _submit(hass, result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_USE_SSL] is True


@pytest.mark.parametrize("sim_options", [TOKEN])
async def test_zeroconf_agent_needs_token(hass: HomeAssistant, agent: Agent) -> None:
    """The confirm step asks for the token; the entry gets the real unique id."""
    result = await _discover(hass, agent.port)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zeroconf_confirm"
    assert CONF_TOKEN in result["data_schema"].schema
    for user_input in ({}, {CONF_TOKEN: "wrong"}):
        result = await _submit(hass, result["flow_id"], user_input)
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "invalid_auth"}
    result = await _submit(hass, result["flow_id"], {CONF_TOKEN: "s3cret"})
    _assert_created(result, agent, token="s3cret")


@pytest.mark.parametrize("sim_options", [TOKEN])
async def test_zeroconf_token_agent_already_configured(
    hass: HomeAssistant, agent: Agent
) -> None:
    """A token-protected agent that is configured at that address is not offered."""
    MockConfigEntry(
        domain=DOMAIN, unique_id=GUID, data=agent.entry_data(token="s3cret")
    ).add_to_hass(hass)
    result = await _discover(hass, agent.port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize("sim_options", [TOKEN])
async def test_zeroconf_moved_token_server_updates_its_address(
    hass: HomeAssistant, agent: Agent
) -> None:
    """A configured server that needs a token moved: its own token finds it."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=GUID,
        data={CONF_HOST: "10.0.0.9", CONF_PORT: 1, CONF_TOKEN: "s3cret"},
    )
    entry.add_to_hass(hass)
    MockConfigEntry(
        domain=DOMAIN,
        unique_id="0781-5583-0000-000000000001",
        data={CONF_HOST: "10.0.0.8", CONF_PORT: 1, CONF_TOKEN: "other"},
    ).add_to_hass(hass)
    result = await _discover(hass, agent.port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.data[CONF_PORT] == agent.port
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


@pytest.mark.parametrize("sim_options", [TOKEN])
async def test_zeroconf_token_confirm_finds_configured_server(
    hass: HomeAssistant, agent: Agent
) -> None:
    """The stored token no longer works: once the user's token identifies it, it moves."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=GUID,
        data={CONF_HOST: "10.0.0.9", CONF_PORT: 1, CONF_TOKEN: "old"},
    )
    entry.add_to_hass(hass)
    result = await _discover(hass, agent.port)
    assert result["type"] is FlowResultType.FORM
    result = await _submit(hass, result["flow_id"], {CONF_TOKEN: "s3cret"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.data[CONF_PORT] == agent.port
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_zeroconf_agent_starting(hass: HomeAssistant, agent: Agent) -> None:
    """Discovered while starting: confirm says so until the first collection."""
    agent.sim.restart()
    result = await _discover(hass, agent.port)
    assert result["type"] is FlowResultType.FORM
    result = await _submit(hass, result["flow_id"], {})
    assert result["errors"] == {"base": "agent_starting"}
    agent.sim.advance(0)
    result = await _submit(hass, result["flow_id"], {})
    _assert_created(result, agent)


async def test_zeroconf_confirm_cannot_connect_then_recovers(
    hass: HomeAssistant, agent: Agent
) -> None:
    """The agent stops answering between discovery and confirmation."""
    result = await _discover(hass, agent.port)
    agent.sim.faults.rest_mode = "500"
    result = await _submit(hass, result["flow_id"], {})
    assert result["errors"] == {"base": "cannot_connect"}
    agent.sim.faults.rest_mode = None
    result = await _submit(hass, result["flow_id"], {})
    _assert_created(result, agent)
