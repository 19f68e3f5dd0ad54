"""Identity: host name on agents without a GUID, the GUID once the agent serves it."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.identity import identity_of, is_guid
from tests.conftest import Agent, settle, setup_entry, wait_until

from .common import GUID, HOSTNAME

OLD = {"profile": "2025.11.0"}


def _entities(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Entity id → unique id of the entry's entities."""
    registry = er.async_get(hass)
    return {
        item.entity_id: item.unique_id
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
    }


def _devices(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, set[str]]:
    """Device id → identifiers of the entry's devices."""
    registry = dr.async_get(hass)
    return {
        device.id: {value for _, value in device.identifiers}
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
    }


async def _old_entry(hass: HomeAssistant, agent: Agent) -> MockConfigEntry:
    """Set up an entry the way the config flow keys it on an agent without a GUID."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=HOSTNAME, unique_id=HOSTNAME, data=agent.entry_data()
    )
    entry.add_to_hass(hass)
    await setup_entry(hass, entry)
    assert entry.unique_id == HOSTNAME
    return entry


def test_identity_rules() -> None:
    """GUID first, then host name, then the address; fallbacks match by name."""
    full = identity_of(" 0781-5583-8355-81071A2B3C4D ", "Tower", "10.0.0.2", 8043)
    assert full.unique_id == GUID
    assert full.matches(GUID)
    assert full.matches("tower")
    assert full.matches("10.0.0.2:8043")
    assert not full.matches("0781-5583-0000-000000000001")
    assert not full.matches(None)
    bare = identity_of("", "", "10.0.0.2", 8043)
    assert bare.unique_id == "10.0.0.2:8043"
    assert is_guid(GUID)
    assert not is_guid(HOSTNAME)


@pytest.mark.parametrize("sim_options", [OLD])
async def test_old_agent_keeps_host_name(hass: HomeAssistant, agent: Agent) -> None:
    """Without /registration and /system/flash the entry stays keyed by host name."""
    entry = await _old_entry(hass, agent)
    entities = _entities(hass, entry)
    assert entities
    assert all(unique.startswith(f"{HOSTNAME}_") for unique in entities.values())
    assert entry.unique_id == HOSTNAME


@pytest.mark.parametrize("sim_options", [OLD])
async def test_upgraded_agent_moves_entry_to_guid(
    hass: HomeAssistant, agent: Agent
) -> None:
    """The agent is upgraded while HA runs: same entry, same entity ids, GUID key."""
    entry = await _old_entry(hass, agent)
    entities = _entities(hass, entry)
    devices = _devices(hass, entry)
    agent.sim.upgrade("current")
    agent.sim.advance(15)
    await wait_until(hass, lambda: entry.unique_id == GUID)
    await wait_until(hass, lambda: entry.state is ConfigEntryState.LOADED)
    await settle(hass)
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    after = _entities(hass, entry)
    # Every old entity id is still there, under the GUID; none got a ``_2``.
    for entity_id, unique in entities.items():
        assert after[entity_id] == GUID + unique[len(HOSTNAME) :]
    assert not [eid for eid in after if eid.endswith("_2")]
    # The devices were renamed, not duplicated.
    moved = _devices(hass, entry)
    assert set(moved) >= set(devices)
    for device_id, identifiers in devices.items():
        assert moved[device_id] == {
            GUID + value[len(HOSTNAME) :] for value in identifiers
        }
    # The new agent's topics (e.g. the registration) got their entities.
    assert set(after) > set(entities)


async def test_entry_keyed_by_host_name_adopts_guid_at_setup(
    hass: HomeAssistant, agent: Agent
) -> None:
    """An entry from before the upgrade moves to the GUID at its next start."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=HOSTNAME, unique_id=HOSTNAME, data=agent.entry_data()
    )
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    old = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{HOSTNAME}_cpu_usage",
        config_entry=entry,
        suggested_object_id="tower_cpu_usage",
    )
    foreign = registry.async_get_or_create(
        "sensor", DOMAIN, "not-ours", config_entry=entry
    )
    other_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("other", "x")}
    )
    await setup_entry(hass, entry)
    assert entry.unique_id == GUID
    assert registry.async_get(foreign.entity_id).unique_id == "not-ours"  # type: ignore[union-attr]
    assert dr.async_get(hass).async_get(other_device.id).identifiers == {  # type: ignore[union-attr]
        ("other", "x")
    }
    moved = registry.async_get(old.entity_id)
    assert moved is not None
    assert moved.unique_id == f"{GUID}_cpu_usage"
    assert hass.states.get("sensor.tower_cpu_usage") is not None
    assert hass.states.get("sensor.tower_cpu_usage_2") is None


async def test_guid_held_by_another_entry_is_not_taken(
    hass: HomeAssistant, agent: Agent, caplog: pytest.LogCaptureFixture
) -> None:
    """The same server added twice: neither entry is changed, the log says why."""
    MockConfigEntry(
        domain=DOMAIN,
        title="first",
        unique_id=GUID,
        data={CONF_HOST: "x", CONF_PORT: 1},
    ).add_to_hass(hass)
    entry = MockConfigEntry(
        domain=DOMAIN, title=HOSTNAME, unique_id=HOSTNAME, data=agent.entry_data()
    )
    entry.add_to_hass(hass)
    await setup_entry(hass, entry)
    assert entry.unique_id == HOSTNAME
    assert "same Unraid server" in caplog.text


async def test_adding_a_server_known_by_host_name_aborts(
    hass: HomeAssistant, agent: Agent
) -> None:
    """Adding the server again (now with a GUID) does not create a second entry."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=HOSTNAME,
        unique_id=HOSTNAME,
        data={CONF_HOST: "10.9.9.9", CONF_PORT: agent.port},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "10.9.9.9"  # changes are for reconfigure
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_reconfigure_an_entry_keyed_by_host_name(
    hass: HomeAssistant, agent: Agent
) -> None:
    """The agent now has a GUID: the host-name entry is still the same server."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=HOSTNAME,
        unique_id=HOSTNAME,
        data={CONF_HOST: "10.9.9.9", CONF_PORT: agent.port},
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: agent.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await settle(hass)
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.unique_id == GUID


@pytest.mark.parametrize("sim_options", [OLD])
async def test_upgrade_with_the_guid_taken_keeps_the_entry(
    hass: HomeAssistant, agent: Agent
) -> None:
    """The upgraded agent's GUID belongs to another entry: no reload, no rename."""
    MockConfigEntry(
        domain=DOMAIN,
        title="first",
        unique_id=GUID,
        data={CONF_HOST: "x", CONF_PORT: 1},
    ).add_to_hass(hass)
    entry = await _old_entry(hass, agent)
    coordinator = entry.runtime_data
    agent.sim.upgrade("current")
    agent.sim.advance(15)
    await wait_until(hass, lambda: coordinator.data.registration is not None)
    await settle(hass)
    assert entry.runtime_data is coordinator  # not reloaded
    assert entry.unique_id == HOSTNAME
