"""Items that come and go: new entities without a reload, stale devices, recreation."""

from __future__ import annotations

from collections.abc import Callable
import copy
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.devices import (
    STALE_DEVICE_GRACE,
    StaleDeviceTracker,
)
from tests.helpers import SERVER, Agent, wait_until
from uma_simulator import Simulator

from .conftest import (
    coordinator_of,
    device,
    eid,
    entry_entities,
    has_entity,
    pass_hours,
    uid,
)


@dataclass(frozen=True)
class Kind:
    """How to add and remove one kind of item in the simulator."""

    name: str
    topic: str
    key: str
    entity: tuple[str, ...]
    add: Callable[[Simulator], None]
    remove: Callable[[Simulator], None]
    device: str | None = None


def _copy_into(items: list[dict[str, Any]], **changes: Any) -> None:
    items.append(copy.deepcopy(items[-1]) | changes)


def _drop(items: list[dict[str, Any]], field: str, value: str) -> None:
    items[:] = [item for item in items if item[field] != value]


NEW_DISK = "WDC_WD140EDGZ-11B2DA2_9MGXYZ12"
NEW_GPU = "0000:01:00.0"

KINDS = [
    Kind(
        "container",
        "container_list_update",
        "newapp",
        ("switch", "container", "newapp", "running"),
        lambda sim: sim.add_container("newapp", "example/new:1.0") and None,
        lambda sim: sim.remove_container("newapp"),
        device="container",
    ),
    Kind(
        "vm",
        "vm_list_update",
        "Home Lab",
        ("switch", "vm", "Home Lab", "running"),
        lambda sim: _copy_into(sim.state.vms, name="Home Lab", id="ab" * 16),
        lambda sim: _drop(sim.state.vms, "name", "Home Lab"),
        device="vm",
    ),
    Kind(
        "disk",
        "disk_list_update",
        NEW_DISK,
        ("sensor", "disk", NEW_DISK, "temperature"),
        lambda sim: sim.state.disks.insert(
            6,
            copy.deepcopy(sim.state.disks[5])
            | {
                "id": NEW_DISK,
                "name": "disk5",
                "device": "sdg",
                "serial_number": "9MGXYZ12",
            },
        ),
        lambda sim: _drop(sim.state.disks, "id", NEW_DISK),
        device="disk",
    ),
    Kind(
        "share",
        "share_list_update",
        "photos",
        ("sensor", "share", "photos", "usage"),
        lambda sim: _copy_into(
            sim.state.shares, name="photos", path="/mnt/user/photos"
        ),
        lambda sim: _drop(sim.state.shares, "name", "photos"),
    ),
    Kind(
        "nic",
        "network_list_update",
        "eth3",
        ("binary_sensor", "nic", "eth3", "link"),
        lambda sim: sim.state.network.insert(
            0, copy.deepcopy(sim.state.network[0]) | {"name": "eth3"}
        ),
        lambda sim: _drop(sim.state.network, "name", "eth3"),
    ),
    Kind(
        "gpu",
        "gpu_metrics_update",
        NEW_GPU,
        ("sensor", "gpu", NEW_GPU, "utilization"),
        lambda sim: _copy_into(
            sim.state.gpus,
            pci_id=NEW_GPU,
            index=1,
            vendor="nvidia",
            name="NVIDIA GeForce RTX 4060",
            uuid="GPU-1234",
        ),
        lambda sim: _drop(sim.state.gpus, "pci_id", NEW_GPU),
        device="gpu",
    ),
]


def _state(hass: HomeAssistant, entity: tuple[str, ...]) -> str | None:
    if not has_entity(hass, *entity):
        return None
    state = hass.states.get(eid(hass, *entity))
    return None if state is None else state.state


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
async def test_item_appears_and_disappears(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, kind: Kind
) -> None:
    """A new item gets entities from the next frame; a gone one turns unavailable."""
    sim = agent.sim
    before = len(entry_entities(hass, loaded))
    assert not has_entity(hass, *kind.entity)

    kind.add(sim)
    sim.publish(kind.topic)
    await wait_until(
        hass, lambda: _state(hass, kind.entity) not in (None, STATE_UNAVAILABLE)
    )
    added = len(entry_entities(hass, loaded)) - before
    assert added > 0
    if kind.device is not None:
        child = device(hass, kind.device, kind.key)
        assert child is not None
        server = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERVER)})
        assert server is not None
        assert child.via_device_id == server.id
    assert loaded.state.name == "LOADED"

    kind.remove(sim)
    sim.publish(kind.topic)
    await wait_until(hass, lambda: _state(hass, kind.entity) == STATE_UNAVAILABLE)
    # Nothing is deleted at once: names, areas and history survive.
    assert len(entry_entities(hass, loaded)) - before == added
    if kind.device is not None:
        assert device(hass, kind.device, kind.key) is not None

    # Back again: the same entities become available (no duplicates).
    kind.add(sim)
    sim.publish(kind.topic)
    await wait_until(
        hass, lambda: _state(hass, kind.entity) not in (None, STATE_UNAVAILABLE)
    )
    assert len(entry_entities(hass, loaded)) - before == added


@pytest.mark.parametrize("sim_options", [{"rate_burst": 1000}])
async def test_stale_device_removed_after_grace(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """A vanished container's device goes after the grace period, not before."""
    coordinator = coordinator_of(loaded)
    sim = agent.sim
    plex = device(hass, "container", "plex")
    assert plex is not None
    running = eid(hass, "switch", "container", "plex", "running")

    sim.remove_container("plex")
    sim.publish("container_list_update")
    await wait_until(hass, lambda: "plex" not in coordinator.data.containers)

    async def hours(count: float) -> None:
        await pass_hours(hass, freezer, coordinator, count)

    # Checked hourly: the absence is seen within the hour, the device goes
    # within the hour after the grace has passed.
    grace = STALE_DEVICE_GRACE / timedelta(hours=1)
    await hours(1)
    assert device(hass, "container", "plex") is not None
    await hours(grace - 0.5)
    assert device(hass, "container", "plex") is not None
    await hours(1)
    assert device(hass, "container", "plex") is None
    assert er.async_get(hass).async_get(running) is None
    # Everything still reported keeps its device.
    assert device(hass, "container", "sonarr") is not None
    assert (
        dr.async_get(hass).async_get_device(identifiers={(DOMAIN, SERVER)}) is not None
    )

    # The container comes back: it gets a device and entities again.
    sim.add_container("plex", "plexinc/pms-docker:latest")
    sim.publish("container_list_update")
    await wait_until(
        hass, lambda: has_entity(hass, "switch", "container", "plex", "running")
    )
    assert device(hass, "container", "plex") is not None


async def test_item_back_within_grace_keeps_device(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Absence is forgotten when the item comes back before the grace ends."""
    coordinator = coordinator_of(loaded)
    tracker = StaleDeviceTracker(coordinator)
    sim = agent.sim
    sim.state.vms[:] = [vm for vm in sim.state.vms if vm["name"] != "Windows 11"]
    sim.publish("vm_list_update")
    await wait_until(hass, lambda: "Windows 11" not in coordinator.data.vms)
    tracker.check()
    assert len(tracker.missing) == 1

    sim.state.vms.append(copy.deepcopy(sim.state.vms[0]) | {"name": "Windows 11"})
    sim.publish("vm_list_update")
    await wait_until(hass, lambda: "Windows 11" in coordinator.data.vms)
    tracker.check()
    assert not tracker.missing
    freezer.tick(STALE_DEVICE_GRACE + timedelta(days=1))
    tracker.check()
    assert device(hass, "vm", "Windows 11") is not None


async def test_failed_fetch_never_deletes(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """While a topic cannot be read, absence does not count."""
    coordinator = coordinator_of(loaded)
    tracker = StaleDeviceTracker(coordinator)
    sim = agent.sim
    sim.remove_container("plex")
    sim.publish("container_list_update")
    await wait_until(hass, lambda: "plex" not in coordinator.data.containers)
    tracker.check()
    assert tracker.missing

    # The docker collector is disabled on the agent, then /docker fails.
    coordinator.set_collector_enabled(Topic.CONTAINERS, enabled=False)
    freezer.tick(STALE_DEVICE_GRACE * 2)
    tracker.check()
    assert not tracker.missing
    assert device(hass, "container", "plex") is not None

    sim.faults.set_rest_mode("500", "/api/v1/docker")
    coordinator.disabled_topics.discard(Topic.CONTAINERS)
    await coordinator.async_refresh()
    assert Topic.CONTAINERS in coordinator.failed_topics
    freezer.tick(STALE_DEVICE_GRACE * 2)
    tracker.check()
    tracker.check()
    assert device(hass, "container", "plex") is not None
    state = hass.states.get(eid(hass, "sensor", "container", "sonarr", "state"))
    assert state is not None
    assert state.state == STATE_UNAVAILABLE


async def _remove_from_ui(
    hass: HomeAssistant, hass_ws_client: Any, entry: MockConfigEntry, device_id: str
) -> bool:
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry.entry_id,
            "device_id": device_id,
        }
    )
    response = await client.receive_json()
    return bool(response["success"])


async def test_gone_device_can_be_deleted_from_ui_at_once(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, hass_ws_client: Any
) -> None:
    """Deleting a gone disk's device removes its entities; current ones refuse."""
    disk_id = "ST12000VN0008-2YS101_ZJV5694575"
    disk = device(hass, "disk", disk_id)
    assert disk is not None
    assert not await _remove_from_ui(hass, hass_ws_client, loaded, disk.id)

    sim = agent.sim
    sim.state.disks[:] = [d for d in sim.state.disks if d["id"] != disk_id]
    sim.publish("disk_list_update")
    coordinator = coordinator_of(loaded)
    await wait_until(hass, lambda: disk_id not in coordinator.data.disks)
    temperature = eid(hass, "sensor", "disk", disk_id, "temperature")
    assert await _remove_from_ui(hass, hass_ws_client, loaded, disk.id)
    await hass.async_block_till_done()
    assert device(hass, "disk", disk_id) is None
    assert er.async_get(hass).async_get(temperature) is None
    assert hass.states.get(temperature) is None


async def test_recreated_container_keeps_its_entities(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A new container id (update, recreate) changes nothing but the id used."""
    sim = agent.sim
    before = {item.entity_id for item in entry_entities(hass, loaded)}
    old_id = sim.find_container("plex")
    assert old_id is not None
    new_id = sim.recreate_container("plex")
    sim.publish("container_list_update")
    coordinator = coordinator_of(loaded)
    await wait_until(hass, lambda: coordinator.data.containers["plex"].id == new_id)
    after = {item.entity_id for item in entry_entities(hass, loaded)}
    assert after == before
    assert not [entity for entity in after if entity.endswith("_2")]
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), loaded.entry_id)
    assert len([d for d in devices if d.name == "tower plex"]) == 1

    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": eid(hass, "switch", "container", "plex", "running")},
        blocking=True,
    )
    assert f"/api/v1/docker/{new_id}/stop" in agent.rest_requests()
    assert uid("container", "plex", "running").endswith("plex_running")
