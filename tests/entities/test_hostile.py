"""Hostile names and sizes: 100 kB names, long texts, hundreds of new items at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import copy
from datetime import timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_FRIENDLY_NAME,
    MAX_LENGTH_STATE_ENTITY_ID,
    MAX_LENGTH_STATE_STATE,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import Event, HomeAssistant, callback
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.devices import STALE_DEVICE_GRACE
from custom_components.unraid_management_agent.tracker import ADD_CHUNK
from tests.helpers import SERVER, Agent, settle, setup_entry, wait_until
from uma_simulator import Simulator

from .conftest import coordinator_of, entry_entities, pass_hours, state_of

#: What Home Assistant shows of a name (and a little room for the ellipsis).
NAME_LIMIT = 64
#: A bound for unique ids and device identifiers on the test server.
ID_LIMIT = 128
GRACE_HOURS = STALE_DEVICE_GRACE / timedelta(hours=1)


def _long(word: str) -> str:
    """Return a 100 kB name that starts like an ordinary one."""
    return f"{word}-" + "".join(chr(ord("a") + i % 26) for i in range(100_000))


LONG = _long("app")


def _unique_ids(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Return the entry's entity ids by unique id."""
    return {e.unique_id: e.entity_id for e in entry_entities(hass, entry)}


def _record_removals(hass: HomeAssistant) -> list[str]:
    """Return a list that collects the entity ids removed from the registry."""
    removed: list[str] = []

    @callback
    def record(event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        if event.data["action"] == "remove":
            removed.append(event.data["entity_id"])

    hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, record)
    return removed


def _devices(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, dr.DeviceEntry]:
    """Return the entry's devices by id."""
    registry = dr.async_get(hass)
    return {
        d.id: d for d in dr.async_entries_for_config_entry(registry, entry.entry_id)
    }


def _assert_short(
    hass: HomeAssistant, unique_ids: dict[str, str], devices: list[dr.DeviceEntry]
) -> None:
    """Ids, identifiers and names are of ordinary lengths."""
    for unique_id, entity_id in unique_ids.items():
        assert len(unique_id) <= ID_LIMIT, len(unique_id)
        assert len(entity_id) <= MAX_LENGTH_STATE_ENTITY_ID
        if (state := hass.states.get(entity_id)) is not None:
            assert len(state.attributes[ATTR_FRIENDLY_NAME]) <= 2 * NAME_LIMIT
    for found in devices:
        assert found.name is not None
        assert len(found.name) <= NAME_LIMIT
        assert found.name.endswith("…")
        for _domain, identifier in found.identifiers:
            assert len(identifier) <= ID_LIMIT


def _add_share(sim: Simulator, name: str) -> None:
    share = copy.deepcopy(sim.state.shares[-1])
    sim.state.shares.append(share | {"name": name, "path": f"/mnt/user/{name}"})


def _add_vm(sim: Simulator, name: str) -> None:
    sim.state.vms.append(copy.deepcopy(sim.state.vms[0]) | {"name": name})


def _add_nic(sim: Simulator, name: str) -> None:
    sim.state.network.insert(0, copy.deepcopy(sim.state.network[0]) | {"name": name})


ADDS: dict[str, tuple[Callable[[Simulator, str], Any], str, bool]] = {
    "container": (
        lambda sim, name: sim.add_container(name, "example/long:1.0"),
        "container_list_update",
        True,
    ),
    "vm": (_add_vm, "vm_list_update", True),
    "share": (_add_share, "share_list_update", True),
    "nic": (_add_nic, "network_list_update", True),
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("kind", list(ADDS))
async def test_long_name_gives_short_ids_and_names(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, kind: str
) -> None:
    """A 100 kB name: names cut to about 64 characters, ids short and stable."""
    add, topic, has_device = ADDS[kind]
    before = _unique_ids(hass, loaded)
    devices_before = _devices(hass, loaded)
    add(agent.sim, LONG)
    agent.sim.publish(topic)
    await wait_until(hass, lambda: len(_unique_ids(hass, loaded)) > len(before))
    await settle(hass)

    new = {
        uid: entity_id
        for uid, entity_id in _unique_ids(hass, loaded).items()
        if uid not in before
    }
    new_devices = [
        d for key, d in _devices(hass, loaded).items() if key not in devices_before
    ]
    assert len(new_devices) == (1 if has_device else 0)
    _assert_short(hass, new, new_devices)
    for entity_id in new.values():
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state != STATE_UNAVAILABLE
        if not has_device:
            # Named through the placeholder: the cut name is in its name.
            name = state.attributes[ATTR_FRIENDLY_NAME]
            assert LONG[:40] in name
            assert "…" in name

    # Stable: a restart of the integration finds the same ids.
    assert await hass.config_entries.async_reload(loaded.entry_id)
    await settle(hass)
    assert _unique_ids(hass, loaded) == before | new
    assert len(_devices(hass, loaded)) == len(devices_before) + len(new_devices)


async def _switch(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    await hass.services.async_call(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": entity_id},
        blocking=True,
    )


@pytest.mark.parametrize("sim_options", [{"rate_burst": 1000}])
async def test_long_container_works_and_expires(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Its entities work; its device stays while it exists and goes after the grace."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    before = set(_unique_ids(hass, loaded))
    sim.add_container(LONG, "example/long:1.0")
    sim.publish("container_list_update")
    await wait_until(hass, lambda: len(_unique_ids(hass, loaded)) > len(before))
    await settle(hass)
    new = {u: e for u, e in _unique_ids(hass, loaded).items() if u not in before}
    _assert_short(hass, new, [])
    [running] = [e for u, e in new.items() if u.endswith("_running")]
    [state] = [e for u, e in new.items() if u.endswith("_state")]
    registry = er.async_get(hass)
    entry = registry.async_get(running)
    assert entry is not None
    assert entry.device_id is not None
    device_id = entry.device_id

    assert hass.states.get(running).state == STATE_ON  # type: ignore[union-attr]
    await _switch(hass, running, False)
    container = sim.find_container(LONG)
    assert container is not None
    assert container["state"] == "exited"
    sim.publish("container_list_update")
    await wait_until(hass, lambda: hass.states.get(state).state == "exited")  # type: ignore[union-attr]
    assert hass.states.get(running).state == STATE_OFF  # type: ignore[union-attr]

    # Still reported: a week later the very same entities are there.
    removed = _record_removals(hass)
    await pass_hours(hass, freezer, coordinator, 1)
    await pass_hours(hass, freezer, coordinator, GRACE_HOURS + 1)
    assert dr.async_get(hass).async_get(device_id) is not None
    assert not removed

    sim.remove_container(LONG)
    sim.publish("container_list_update")
    await wait_until(hass, lambda: hass.states.get(running).state == STATE_UNAVAILABLE)  # type: ignore[union-attr]
    # Devices are checked hourly: the absence is seen within the hour.
    await pass_hours(hass, freezer, coordinator, 1)
    await pass_hours(hass, freezer, coordinator, GRACE_HOURS - 0.5)
    assert dr.async_get(hass).async_get(device_id) is not None
    await pass_hours(hass, freezer, coordinator, 1)
    assert dr.async_get(hass).async_get(device_id) is None
    assert not set(new) & set(_unique_ids(hass, loaded))
    assert set(_unique_ids(hass, loaded)) == before


@pytest.mark.parametrize("sim_options", [{"rate_burst": 1000}])
async def test_long_share_expires(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Entities without a device: kept while the share exists, gone after the grace."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    before = set(_unique_ids(hass, loaded))
    _add_share(sim, LONG)
    sim.publish("share_list_update")
    await wait_until(hass, lambda: len(_unique_ids(hass, loaded)) > len(before))
    await settle(hass)
    new = set(_unique_ids(hass, loaded)) - before
    assert new
    _assert_short(hass, {u: _unique_ids(hass, loaded)[u] for u in new}, [])
    removed = _record_removals(hass)

    # Still reported: a week later the very same entities are there.
    await pass_hours(hass, freezer, coordinator, 1)
    await pass_hours(hass, freezer, coordinator, GRACE_HOURS + 1)
    assert not removed
    assert set(_unique_ids(hass, loaded)) == before | new

    sim.state.shares[:] = [s for s in sim.state.shares if s["name"] != LONG]
    sim.publish("share_list_update")
    await wait_until(hass, lambda: LONG not in coordinator.data.shares)
    await pass_hours(hass, freezer, coordinator, GRACE_HOURS - 1)
    assert set(_unique_ids(hass, loaded)) == before | new
    await pass_hours(hass, freezer, coordinator, 2)
    assert set(_unique_ids(hass, loaded)) == before


async def test_long_texts_are_cut_without_errors(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """States, versions and names longer than Home Assistant takes are cut."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    status = "ONLINE " * 200
    version = "v" * 1000
    assert sim.state.ups is not None
    sim.state.ups["status"] = status
    sim.state.system["agent_version"] = version
    sim.state.system["hostname"] = _long("tower")
    sim.add_container("tagged", f"example/{'x' * 1000}:{'1' * 1000}")
    caplog.clear()
    caplog.set_level(logging.WARNING)
    for topic in ("ups_status_update", "system_update", "container_list_update"):
        sim.publish(topic)
    await wait_until(hass, lambda: "tagged" in coordinator.data.containers)
    await settle(hass)

    ups = state_of(hass, "sensor", "ups", "ups", "status")
    assert ups.state == "online"
    assert ups.attributes["raw_status"] == f"{status[: MAX_LENGTH_STATE_STATE - 1]}…"
    agent_version = state_of(hass, "sensor", "agent_version")
    assert agent_version.state == f"{version[: MAX_LENGTH_STATE_STATE - 1]}…"
    update = state_of(hass, "update", "container", "tagged", "image")
    assert update.attributes["installed_version"] == f"{'1' * 254}…"
    assert update.attributes["title"] == f"example/{'x' * 246}…"
    server = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERVER)})
    assert server is not None
    assert server.name is not None
    assert len(server.name) <= NAME_LIMIT
    assert server.name.startswith("tower-abc")
    tagged = dr.async_get(hass).async_get_device(
        identifiers={(DOMAIN, f"{SERVER}_container_tagged")}
    )
    assert tagged is not None
    assert tagged.model is not None
    assert len(tagged.model) <= MAX_LENGTH_STATE_STATE
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# Large batches -----------------------------------------------------------------

BATCH = 500
BATCH_NAMES = [f"batch-{index:03d}" for index in range(BATCH)]
SPIN_LIMIT = 20_000


def _batch_switches(hass: HomeAssistant) -> int:
    return sum(
        1
        for entity_id in hass.states.async_entity_ids("switch")
        if entity_id.startswith("switch.tower_batch_")
    )


async def _observe_batch(hass: HomeAssistant, done: Callable[[int], bool]) -> list[int]:
    """Turn the loop one step at a time; return each new count of batch switches."""
    seen = [_batch_switches(hass)]
    for _ in range(SPIN_LIMIT):
        await asyncio.sleep(0)
        count = _batch_switches(hass)
        if count != seen[-1]:
            seen.append(count)
        if done(count):
            return seen
    raise AssertionError(f"stuck at {seen[-1]}")


def _publish_batch(sim: Simulator) -> None:
    for name in BATCH_NAMES:
        sim.add_container(name, f"example/{name}:1.0")
    sim.publish("container_list_update")


def _per_container(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, int]:
    """Count the registry entries of each container."""
    counts: dict[str, int] = {}
    prefix = f"{SERVER}_container_"
    for found in entry_entities(hass, entry):
        if found.unique_id.startswith(prefix):
            key = found.unique_id[len(prefix) :].rsplit("_", 1)[0]
            key = key.removesuffix("_memory").removesuffix("_network")
            counts[key] = counts.get(key, 0) + 1
    return counts


async def test_batch_is_added_in_steps(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """500 new containers in one frame: all get entities, a chunk per loop step."""
    sim = agent.sim
    per_plex = _per_container(hass, loaded)["plex"]
    _publish_batch(sim)

    seen = await _observe_batch(hass, lambda count: count == BATCH)
    steps = [after - before for before, after in zip(seen, seen[1:], strict=False)]
    # Never all at once: many steps, none adding more than about a chunk.
    assert len(steps) >= BATCH // (2 * ADD_CHUNK)
    assert max(steps) <= 2 * ADD_CHUNK
    await settle(hass)
    counts = _per_container(hass, loaded)
    assert all(counts[name] == per_plex for name in BATCH_NAMES)
    # In the agent's order.
    order = [e.unique_id for e in er.async_get(hass).entities.values()]
    switches = [u for u in order if u.endswith("_running") and "_batch-" in u]
    assert switches == sorted(switches)
    assert state_of(hass, "switch", "container", "batch-499", "running").state in (
        STATE_ON,
        STATE_OFF,
    )


@pytest.mark.parametrize("platforms", [[Platform.SWITCH]])
async def test_batch_changes_meanwhile(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Items that go or come while a batch is being added are handled."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    _publish_batch(sim)
    await _observe_batch(hass, lambda count: 0 < count < BATCH)

    sim.remove_container("batch-000")
    sim.remove_container("batch-499")
    sim.add_container("late", "example/late:1.0")
    sim.publish("container_list_update")
    await wait_until(hass, lambda: "late" in coordinator.data.containers)
    await settle(hass)

    assert state_of(hass, "switch", "container", "late", "running").state == STATE_ON
    for gone in ("batch-000", "batch-499"):
        entity_id = er.async_get(hass).async_get_entity_id(
            "switch", DOMAIN, f"{SERVER}_container_{gone}_running"
        )
        if entity_id is not None:
            assert hass.states.get(entity_id).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    for name in BATCH_NAMES[1:-1]:
        state = state_of(hass, "switch", "container", name, "running")
        assert state.state == STATE_ON


@pytest.mark.parametrize("platforms", [[Platform.SWITCH]])
async def test_unload_while_adding(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unloading in the middle of a batch stops it; the next setup adds the rest."""
    _publish_batch(agent.sim)
    await _observe_batch(hass, lambda count: 0 < count < BATCH // 2)
    caplog.clear()
    assert await hass.config_entries.async_unload(loaded.entry_id)
    await hass.async_block_till_done()
    assert loaded.state is ConfigEntryState.NOT_LOADED
    added = _per_container(hass, loaded)
    assert len([name for name in BATCH_NAMES if name in added]) < BATCH
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    await setup_entry(hass, loaded)
    assert _batch_switches(hass) == BATCH
