"""Per-topic behaviour: both agent generations, collectors, updates, partial failures."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.const import DOMAIN
from tests.helpers import (
    SERVER,
    START,
    Agent,
    entity_id,
    move_time,
    settle,
    setup_entry,
    wait_until,
)
from uma_simulator import Simulator, create_app


def state(hass: HomeAssistant, platform: str, suffix: str, server: str = SERVER) -> str:
    """Return the state of our entity with this unique id suffix."""
    return hass.states.get(entity_id(hass, platform, f"{server}_{suffix}")).state


async def test_legacy_frames_give_the_same_states(
    hass: HomeAssistant,
    socket_enabled: None,
    aiohttp_server: Any,
    freezer: Any,
    unthrottled_requests: None,
) -> None:
    """A 2026.02 agent and a current one end up showing the same.

    The old one sends "update" frames, pushes fewer topics and has value
    bugs; only what it really lacks may differ.
    """
    freezer.move_to(START)
    servers = {}
    for legacy in (False, True):
        sim = Simulator(scenario="home", seed=3, legacy=legacy, start_time=START)
        sim.advance(0)
        server = await aiohttp_server(create_app(sim), host="127.0.0.1")
        # GUID-shaped: the two agents share a GUID, and neither entry moves to it.
        unique = f"0000-0000-0000-{int(legacy):012d}"
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=unique,
            unique_id=unique,
            data={"host": "127.0.0.1", "port": server.port},
        )
        entry.add_to_hass(hass)
        await setup_entry(hass, entry)
        servers[unique] = (sim, entry)
    # The same script on both: time passes, things change, a container goes away.
    for step in range(12):
        for sim, entry in servers.values():
            coordinator = entry.runtime_data
            if step == 3:
                sim.set_container_state("plex", "exited")
            if step == 6:
                sim.remove_container("sonarr")
                sim.add_container("jellyfin", image="jellyfin/jellyfin:latest")
            before = coordinator.stats.frames_total
            topics = sim.advance(15)
            wanted = (
                len([t for t in topics if sim.profile.pushes(t)]) if sim.legacy else 0
            )
            await wait_until(
                hass,
                lambda c=coordinator, b=before, w=wanted, t=topics: (
                    c.stats.frames_total
                    >= b + (w or len([x for x in t if x in _SUBSCRIBED]))
                ),
            )
        await move_time(hass, freezer, 15)
    await settle(hass)

    registry = er.async_get(hass)

    def by_suffix(unique: str) -> dict[str, str]:
        entry = servers[unique][1]
        found = {}
        for item in er.async_entries_for_config_entry(registry, entry.entry_id):
            current = hass.states.get(item.entity_id)
            suffix = item.unique_id.removeprefix(unique)
            found[suffix] = current.state if current else "disabled"
        return found

    topic_mode = by_suffix("0000-0000-0000-000000000000")
    legacy_mode = by_suffix("0000-0000-0000-000000000001")
    # What the older generation really lacks: the mover and plugin update
    # endpoints, the container update check, its own version number and
    # Unassigned Devices root shares (reported from 2026.06.08).
    only_named = set(topic_mode) - set(legacy_mode)
    assert only_named and all(
        key == "_mover" or key.startswith(("_plugin_", "_remote_/mnt/rootshare/"))
        for key in only_named
    ), only_named
    assert not set(legacy_mode) - set(topic_mode)
    differing = {
        key
        for key in set(topic_mode) & set(legacy_mode)
        if not _same(topic_mode[key], legacy_mode[key])
    }
    unknown_updates = {k for k in differing if k.endswith("_image")}
    assert {legacy_mode[k] for k in unknown_updates} == {"unknown"}
    assert differing - unknown_updates == {"_agent_version"}
    assert topic_mode["_container_plex_running"] == "off"
    assert topic_mode["_container_sonarr_running"] == STATE_UNAVAILABLE
    assert topic_mode["_container_jellyfin_running"] == "on"
    legacy_coordinator = servers["0000-0000-0000-000000000001"][1].runtime_data
    assert legacy_coordinator.stats.unknown == 0
    # What it does not push (notifications, registration…) was read over REST.
    assert legacy_coordinator.stats.freshness_reads > 0
    for _sim, entry in servers.values():
        await hass.config_entries.async_unload(entry.entry_id)


def _same(named: str, legacy: str) -> bool:
    """Equal states; sizes the old agent gives in KiB may differ below a KiB."""
    try:
        return abs(float(named) - float(legacy)) < 1e-8
    except ValueError:
        return named == legacy


_SUBSCRIBED = {
    "system_update",
    "array_status_update",
    "disk_list_update",
    "share_list_update",
    "container_list_update",
    "vm_list_update",
    "ups_status_update",
    "gpu_metrics_update",
    "network_list_update",
    "hardware_update",
    "registration_update",
    "notifications_update",
    "unassigned_devices_update",
    "zfs_pools_update",
    "docker_updates_update",
    "plugin_updates_update",
    "os_update_update",
    "mover_update",
}


@pytest.mark.parametrize("sim_options", [{"legacy": True}])
async def test_last_item_disappearing_is_seen_on_legacy_agents(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """An empty list under "update" is ambiguous: the list topics holding items are re-read."""
    coordinator = running
    for name in [c["name"] for c in agent.sim.state.containers]:
        agent.sim.remove_container(name)
    requests = len(agent.rest_requests())
    agent.sim.publish("container_list_update")
    await wait_until(hass, lambda: coordinator.stats.ambiguous == 1)
    assert state(hass, "switch", "container_plex_running") == "on"
    await move_time(hass, freezer, 3)
    await settle(hass)
    reread = agent.rest_requests()[requests:]
    assert "/api/v1/docker" in reread
    assert "/api/v1/zfs/pools" not in reread  # it held nothing
    assert coordinator.data.containers == {}
    assert state(hass, "switch", "container_plex_running") == STATE_UNAVAILABLE


async def test_collector_disabled_and_enabled(
    hass: HomeAssistant, agent: Agent, running: Any
) -> None:
    """A disabled collector makes its entities unavailable; enabling re-reads it."""
    coordinator = running
    gpu = next(
        e.unique_id.removeprefix(f"{SERVER}_")
        for e in er.async_entries_for_config_entry(
            er.async_get(hass), coordinator.config_entry.entry_id
        )
        if e.unique_id.endswith("_utilization") and "_gpu_" in e.unique_id
    )
    assert state(hass, "sensor", gpu) != STATE_UNAVAILABLE
    agent.sim.set_collector_enabled("gpu", False)
    await wait_until(hass, lambda: state(hass, "sensor", gpu) == STATE_UNAVAILABLE)
    requests = len(agent.rest_requests())
    agent.sim.set_collector_enabled("gpu", True)
    await wait_until(hass, lambda: state(hass, "sensor", gpu) != STATE_UNAVAILABLE)
    await settle(hass)
    assert set(agent.rest_requests()[requests:]) == {
        "/api/v1/gpu",
        "/api/v1/collectors/status",
    }


async def test_update_status_survives_container_frames(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """Container frames lack the update fields of REST /docker; they must not erase them."""
    coordinator = running
    name = next(
        c["name"] for c in agent.sim.state.containers if c["state"] == "running"
    )
    agent.sim.set_image_update(name, True)
    agent.sim.advance(45)  # the agent's first registry check (staggered 45 s)
    await wait_until(
        hass, lambda: coordinator.stats.by_topic["docker_updates_update"] >= 1
    )
    await settle(hass)
    assert state(hass, "update", f"container_{name}_image") == "on"
    frames = coordinator.stats.by_topic["container_list_update"]
    agent.sim.publish("container_list_update")
    await wait_until(
        hass, lambda: coordinator.stats.by_topic["container_list_update"] > frames
    )
    assert state(hass, "update", f"container_{name}_image") == "on"


async def test_one_failing_endpoint_only_affects_its_entities(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """A topic whose REST read fails is unavailable; the rest of the server is fine."""
    coordinator = running
    agent.sim.faults.set_rest_mode("500", "/api/v1/vm")
    agent.sim.faults.refuse_websockets = True
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    assert state(hass, "switch", "vm_Windows 11_running") == STATE_UNAVAILABLE
    assert state(hass, "switch", "container_plex_running") == "on"
    agent.sim.faults.clear()
    await move_time(hass, freezer, 30)
    await settle(hass)
    assert state(hass, "switch", "vm_Windows 11_running") == "on"


async def test_token_change_starts_reauth(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """401 on reconnect: re-authentication is requested, nothing else loops."""
    agent.sim.token = "new-secret"
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: running.stats.disconnects == 1)
    await move_time(hass, freezer, 1)
    await settle(hass)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert any(flow["context"]["source"] == SOURCE_REAUTH for flow in flows)


async def test_unload_closes_everything(
    hass: HomeAssistant, agent: Agent, running: Any
) -> None:
    """Unloading closes the socket and stops every task and timer."""
    assert agent.sim.ws_client_count == 1
    await hass.config_entries.async_unload(running.config_entry.entry_id)
    await hass.async_block_till_done()
    await wait_until(hass, lambda: agent.sim.ws_client_count == 0)


async def test_last_push_is_an_unrecorded_attribute(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """The time of the last frame, to the minute, on Connection; no clock entity."""
    registry = er.async_get(hass)
    clock = registry.async_get(
        registry.async_get_entity_id("sensor", DOMAIN, f"{SERVER}_last_event")
    )
    assert (
        clock is not None and clock.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    connection = entity_id(hass, "sensor", f"{SERVER}_connection_mode")
    assert hass.states.get(connection).attributes["last_push"] is None
    agent.sim.publish("system_update")
    await wait_until(
        hass, lambda: hass.states.get(connection).attributes["last_push"] is not None
    )
    assert hass.states.get(connection).attributes["last_push"] == (
        "2026-11-20T08:00:00+00:00"
    )
    entity = next(
        e
        for e in hass.data["entity_components"]["sensor"].entities
        if e.entity_id == connection
    )
    assert "last_push" in entity._unrecorded_attributes


async def test_older_agent_without_an_endpoint(
    hass: HomeAssistant, agent: Agent, config_entry: Any, unthrottled_requests: None
) -> None:
    """A route an older agent lacks (404) makes that topic absent, not a failure."""
    agent.sim.faults.set_rest_mode("404", "/api/v1/mover")
    agent.sim.faults.set_rest_mode("404", "/api/v1/os/update")
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    assert coordinator.last_update_success
    assert coordinator.data.mover is None
    assert not coordinator.failed_topics
    registry = er.async_get(hass)
    assert (
        registry.async_get_entity_id("binary_sensor", DOMAIN, f"{SERVER}_mover") is None
    )
    assert state(hass, "switch", "container_plex_running") == "on"
