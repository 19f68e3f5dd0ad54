"""Entities of server-level items (shares, NICs, pools…) that are gone for good."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.devices import STALE_DEVICE_GRACE
from tests.helpers import Agent, move_time, settle, setup_entry, wait_until

from .conftest import coordinator_of, device, eid, has_entity, pass_hours, uid

GRACE_HOURS = STALE_DEVICE_GRACE / timedelta(hours=1)

pytestmark = pytest.mark.parametrize("sim_options", [{"rate_burst": 1000}])


async def test_gone_share_loses_its_entities_after_grace(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Unavailable first; removed after the grace; back when the share is."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    usage = eid(hass, "sensor", "share", "isos", "usage")
    share = next(s for s in sim.state.shares if s["name"] == "isos")
    sim.state.shares.remove(share)
    sim.publish("share_list_update")
    await wait_until(hass, lambda: hass.states.get(usage).state == STATE_UNAVAILABLE)  # type: ignore[union-attr]

    await pass_hours(hass, freezer, coordinator, GRACE_HOURS - 1)
    assert has_entity(hass, "sensor", "share", "isos", "usage")
    await pass_hours(hass, freezer, coordinator, 2)
    assert not has_entity(hass, "sensor", "share", "isos", "usage")
    assert not has_entity(hass, "sensor", "share", "isos", "free")
    assert hass.states.get(usage) is None
    assert has_entity(hass, "sensor", "share", "media", "usage")

    sim.state.shares.append(share)
    sim.publish("share_list_update")
    await wait_until(hass, lambda: has_entity(hass, "sensor", "share", "isos", "usage"))


async def test_leftovers_of_an_earlier_run_expire(
    hass: HomeAssistant, agent: Agent, config_entry: MockConfigEntry, freezer: Any
) -> None:
    """Registry entries of items gone while Home Assistant was off go too."""
    registry = er.async_get(hass)
    for platform, unique_id in (
        ("sensor", uid("share", "old_share", "usage")),
        ("binary_sensor", uid("nic", "eth9", "link")),
        ("update", uid("plugin", "retired.plugin", "update")),
        ("sensor", uid("share", "unparsable")),
    ):
        registry.async_get_or_create(
            platform, DOMAIN, unique_id, config_entry=config_entry
        )
    freezer.move_to(agent.sim.now)
    agent.sim.advance(30)  # plugins are known
    await setup_entry(hass, config_entry)
    coordinator = coordinator_of(config_entry)
    assert has_entity(hass, "sensor", "share", "old_share", "usage")

    await pass_hours(hass, freezer, coordinator, GRACE_HOURS + 2)
    assert not has_entity(hass, "sensor", "share", "old_share", "usage")
    assert not has_entity(hass, "binary_sensor", "nic", "eth9", "link")
    assert not has_entity(hass, "update", "plugin", "retired.plugin", "update")
    # Not one of ours (no description key at its end): left alone.
    assert registry.async_get_entity_id("sensor", DOMAIN, uid("share", "unparsable"))
    # Everything the agent reports stays.
    assert has_entity(hass, "binary_sensor", "nic", "eth0", "link")
    assert has_entity(hass, "update", "plugin", "community.applications", "update")


async def test_nothing_expires_while_a_topic_fails(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Absence seen before a failed read does not count after it."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    sim.state.network[:] = [n for n in sim.state.network if n["name"] != "eth2"]
    sim.publish("network_list_update")
    await wait_until(hass, lambda: "eth2" not in coordinator.data.network)
    await pass_hours(hass, freezer, coordinator, GRACE_HOURS - 2)

    # The network collector is switched off on the agent for a while.
    coordinator.set_collector_enabled(Topic.NETWORK, enabled=False)
    await settle(hass)
    coordinator.set_collector_enabled(Topic.NETWORK, enabled=True)
    await settle(hass)
    await pass_hours(hass, freezer, coordinator, 4)
    assert has_entity(hass, "binary_sensor", "nic", "eth2", "link")
    await pass_hours(hass, freezer, coordinator, GRACE_HOURS)
    assert not has_entity(hass, "binary_sensor", "nic", "eth2", "link")


async def test_absence_clock_survives_restarts(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Restarted every few days, Home Assistant still removes what has gone."""
    sim = agent.sim
    sim.remove_container("sonarr")
    share = next(s for s in sim.state.shares if s["name"] == "isos")
    sim.state.shares.remove(share)
    sim.publish("container_list_update")
    sim.publish("share_list_update")
    await settle(hass)
    await pass_hours(hass, freezer, coordinator_of(loaded), 1)  # the clocks start
    half = GRACE_HOURS / 2 - 1
    for _ in range(2):
        await pass_hours(hass, freezer, coordinator_of(loaded), half)
        assert device(hass, "container", "sonarr") is not None
        assert await hass.config_entries.async_reload(loaded.entry_id)
        await settle(hass)
    # Over the grace in all, though no run of the integration lasted that long.
    await pass_hours(hass, freezer, coordinator_of(loaded), 3)
    assert device(hass, "container", "sonarr") is None
    assert not has_entity(hass, "sensor", "share", "isos", "usage")
    assert device(hass, "container", "plex") is not None


async def test_removing_the_entry_forgets_its_absences(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    freezer: Any,
    hass_storage: dict[str, Any],
) -> None:
    """The stored clock goes with the entry."""
    agent.sim.remove_container("sonarr")
    agent.sim.publish("container_list_update")
    await settle(hass)
    await pass_hours(hass, freezer, coordinator_of(loaded), 2)
    await move_time(hass, freezer, 60)  # the gathered write
    key = f"{DOMAIN}.{loaded.entry_id}.absences"
    assert key in hass_storage
    assert await hass.config_entries.async_remove(loaded.entry_id)
    await settle(hass)
    assert key not in hass_storage
