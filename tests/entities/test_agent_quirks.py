"""What some agent versions report differently: root shares, the plugin list (S3)."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import Agent, wait_until

from .conftest import coordinator_of, entry_entities, has_entity, state_of

ROOT = ("remote", "/mnt/rootshare/scratch")
PLUGIN = "community.applications"


@pytest.mark.parametrize(
    "sim_options",
    [{"profile": "2026.05"}, {"profile": "current"}],
    ids=["2026.05", "current"],
)
async def test_root_shares_from_2026_06_08(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    sim_options: dict[str, Any],
) -> None:
    """Agents before 2026.06.08 skip UD root shares: only the remote shares."""
    coordinator = coordinator_of(loaded)
    listing = coordinator.data.unassigned
    assert listing is not None
    types = {share.type for share in listing.remote_shares or ()}
    current = sim_options["profile"] == "current"
    assert ("root" in types) is current
    assert {"smb", "nfs"} <= types
    assert has_entity(hass, "binary_sensor", *ROOT, "mounted") is current
    assert has_entity(hass, "sensor", *ROOT, "usage") is current
    rooted = [e for e in entry_entities(hass, loaded) if "rootshare" in e.unique_id]
    assert bool(rooted) is current


async def test_plugins_listed_only_with_an_update(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """The agent's check lists only plugins with an update, without a time stamp.

    A plugin gets its update entity when it has an update; updated (in
    Unraid, here), the agent no longer lists it and the entity is
    unavailable; its next update brings it back.
    """
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    sim.advance(30)  # the staggered plugin collection
    await wait_until(
        hass, lambda: has_entity(hass, "update", "plugin", PLUGIN, "update")
    )
    listing = coordinator.data.plugin_updates
    assert listing is not None
    assert [p.name for p in listing.plugins or ()] == [PLUGIN]
    assert listing.timestamp is None and listing.total_count == 1
    up_to_date = [p["name"] for p in sim.state.plugins if not p["update_available"]]
    assert up_to_date
    for name in up_to_date:
        assert not has_entity(hass, "update", "plugin", name, "update")
    update = state_of(hass, "update", "plugin", PLUGIN, "update")
    assert update.state == STATE_ON
    assert update.attributes["installed_version"] == "2026.08.10"

    # Updated in Unraid's web UI: the next check has nothing to offer.
    plugin = next(p for p in sim.state.plugins if p["name"] == PLUGIN)
    plugin.update(version="2026.09.01", update_available=False, latest_version="")
    sim.publish("plugin_updates_update")
    await wait_until(
        hass,
        lambda: (
            state_of(hass, "update", "plugin", PLUGIN, "update").state
            == STATE_UNAVAILABLE
        ),
    )
    assert coordinator.data.plugin_updates is not None
    assert coordinator.data.plugin_updates.plugins is None  # Go's nil slice

    # A new version of it, and another plugin with an update too.
    plugin.update(update_available=True, latest_version="2026.10.01")
    other = next(p for p in sim.state.plugins if p["name"] == up_to_date[0])
    other.update(update_available=True, latest_version="2099.01.01")
    sim.publish("plugin_updates_update")
    await wait_until(
        hass, lambda: has_entity(hass, "update", "plugin", other["name"], "update")
    )
    await wait_until(
        hass,
        lambda: state_of(hass, "update", "plugin", PLUGIN, "update").state == STATE_ON,
    )
    update = state_of(hass, "update", "plugin", PLUGIN, "update")
    assert update.attributes["installed_version"] == "2026.09.01"
    assert update.attributes["latest_version"] == "2026.10.01"
    assert (
        state_of(hass, "update", "plugin", other["name"], "update").attributes[
            "latest_version"
        ]
        == "2099.01.01"
    )
